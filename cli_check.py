"""`station check`: the ledger's rules over the whole database, violations listed by household.

Wired into cli.py with `register(app)`. Prints each rule with its count and its first households
(户号 and names only: never an ID or phone number); exits 1 when any rule is broken.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli_context import out, shown, unit_of_work


def register(app: typer.Typer) -> None:
    """Add `check` to the main app."""
    app.command("check")(check)


def check(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="每条规则列出的户数")] = 10,
) -> None:
    """检查台账规则(户主、成员关系、死亡迁出、搜索索引、重点人群、日期),按户号列出问题;有问题时退出码为 1。"""
    from station.ledger.check import check_ledger


    with unit_of_work() as uow:
        result = check_ledger(uow, examples=limit)
    out.print(f"台账规则检查({len(result.rules)} 条规则)")
    several = len(result.communities) > 1
    for rule in result.rules:
        _print_rule(rule, several)
    if result.ok:
        out.print("[green]全部符合[/green]")
        return
    out.print(f"[red]{len(result.broken)} 条规则未通过[/red]:请在柜台打开所列住户逐一核对修正")
    raise typer.Exit(1)


def _print_rule(rule, several_communities: bool) -> None:

    if rule.ok:
        out.print(f"  [green]✓[/green] {rule.reason}")
        return
    out.print(f"  [red]✗[/red] {rule.reason}:{rule.violations} 处,涉及 {rule.households} 户  [dim]({rule.code})[/dim]")
    for household in rule.examples:
        number = household.number or "(不在任何户)"
        if several_communities:
            number = f"{household.community_name} {number}"
        names = "、".join(household.person_names)
        out.print(f"      {shown(number)}  {shown(names)}".rstrip())
    if rule.households > len(rule.examples):
        out.print(f"      …另有 {rule.households - len(rule.examples)} 户")
