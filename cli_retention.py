"""`station retention`: de-identify people who moved out or died longer ago than the limit.

Wired into cli.py with `register(app)`. `--dry-run` only lists them; the real run asks first
(or takes --yes) and prints what it blanked. It acts for the station's own community.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli_context import community_unit_of_work, hint, out, progress_bar, words


def register(app: typer.Typer) -> None:
    """Add the `retention` command to the main app."""
    app.command("retention", help=hint("retention"))(retention)


def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help=hint("retention_dry_run"))] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=hint("restore_yes"))] = False,
) -> None:
    """List who is past the limit; unless --dry-run, de-identify them after confirmation."""
    from station.retention.deidentify import run_retention
    from station.retention.departed import plan_retention

    with community_unit_of_work() as uow:
        plan = plan_retention(uow)
        _show(plan)
        if dry_run or not plan.people:
            return
        if not (yes or typer.confirm(words("retention.confirm", count=len(plan.people)), default=False)):
            out.print(words("retention.cancelled"))
            return
        with progress_bar(transient=True) as update:
            result = run_retention(uow, plan, lambda done, total: update(words("retention.stage"), done, total))
    out.print(words("retention.done", **result.as_dict()))


def _show(plan) -> None:
    from rich.table import Table

    out.print(words("retention.limit", years=plan.years, cutoff=plan.cutoff.isoformat(), count=len(plan.people)))
    if not plan.people:
        return
    table = Table(*(words(f"retention.column.{column}") for column in ("name", "id_number", "reason", "since")))
    for person in plan.people:
        table.add_row(person.name, person.id_number, words(f"retention.{person.reason}"), person.since.isoformat())
    out.print(table)
