"""`station check`: the ledger's rules over the whole database, violations listed by household.

Wired into cli.py with `register(app)`. Prints each rule with its count and its first households
(户号 and names only: never an ID or phone number); exits 1 when any rule is broken.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli_context import LANGUAGE, hint, out, shown, unit_of_work, words


def register(app: typer.Typer) -> None:
    """Add `check` to the main app."""
    app.command("check", help=hint("check"))(check)


def check(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help=hint("check_limit"))] = 10,
) -> None:
    """Check the ledger's rules, listing problems by household; exit 1 when any rule is broken."""
    from station.ledger.check import check_ledger

    with unit_of_work() as uow:
        result = check_ledger(uow, examples=limit)
    out.print(words("check.title", count=len(result.rules)))
    several = len(result.communities) > 1
    for rule in result.rules:
        _print_rule(rule, several)
    if result.ok:
        out.print(words("check.all_ok"))
        return
    out.print(words("check.broken", count=len(result.broken)))
    raise typer.Exit(1)


def _print_rule(rule, several_communities: bool) -> None:
    reason = shown(rule.reason.render(LANGUAGE))
    if rule.ok:
        out.print(words("check.rule_ok", reason=reason))
        return
    out.print(words("check.rule_broken", reason=reason, violations=rule.violations, households=rule.households,
                    code=rule.code))
    for household in rule.examples:
        number = household.number or words("check.no_household")
        if several_communities:
            number = f"{household.community_name} {number}"
        names = words("check.name_separator").join(household.person_names)
        out.print(f"      {shown(number)}  {shown(names)}".rstrip())
    if rule.households > len(rule.examples):
        out.print(words("check.more", count=rule.households - len(rule.examples)))
