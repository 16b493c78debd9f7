"""`station audit verify` and `station audit list`: check the audit log's hash chain; read the log.

Wired into cli.py with `register(app)`. verify exits 0 when the chain holds, 1 when a row was
changed, removed or inserted behind the app's back. list prints the newest rows matching its
filters, ID and phone numbers masked, as the TUI's 审计日志 shows them to the logged-in user (a
站长 reads their community's rows; a role without audit.read is refused); a bad date or an
unknown resident says so on one line (exit 1).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli_context import LANGUAGE, hint, out, progress_bar, shown, unit_of_work, words
from station.errors import ValidationError

audit_app = typer.Typer(help=hint("audit"))
COLUMNS = ("id", "at", "user", "action", "entity", "values", "detail")


def register(app: typer.Typer) -> None:
    """Add the `audit` group to the main app."""
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify", help=hint("audit_verify"))
def verify(
    anchor: Annotated[str | None, typer.Option("--anchor", help=hint("audit_anchor"))] = None,
) -> None:
    """Recompute every row's hash in id order; with an anchor, prove the chain still holds it."""
    from station.audit_chain import audit_rows, check_audit_log, grouped

    wanted = _anchor(anchor) if anchor is not None else None
    with unit_of_work(daily_backup=False) as uow:
        total = audit_rows(uow)
        with progress_bar(transient=True) as update:
            result = check_audit_log(uow, lambda done: update(words("audit.stage"), done, total), wanted)
    if not result.ok:
        out.print(words(f"audit.broken_{result.problem}", row=result.broken_at, rows=result.rows))
        raise typer.Exit(1)
    out.print(words("audit.intact", rows=result.rows, head=grouped(result.head)))
    if wanted is None:
        return
    if not result.anchor_found:
        out.print(words("audit.anchor_missing", anchor=grouped(wanted)))
        raise typer.Exit(1)
    out.print(words("audit.anchor_found", anchor=grouped(wanted)))


def _anchor(given: str) -> str:
    """The digest typed, or the one written in a file of that name."""
    from station.audit_chain import parse_anchor

    path = Path(given)
    return parse_anchor(path.read_text(encoding="utf-8", errors="replace") if path.is_file() else given)


@audit_app.command("list", help=hint("audit_list.command"))
def list_rows(
    user: Annotated[str, typer.Option("--user", help=hint("audit_list.user"))] = "",
    person: Annotated[str | None, typer.Option("--person", help=hint("audit_list.person"))] = None,
    household: Annotated[str | None, typer.Option("--household", help=hint("audit_list.household"))] = None,
    action: Annotated[str, typer.Option("--action", help=hint("audit_list.action"))] = "",
    date_from: Annotated[str | None, typer.Option("--from", help=hint("audit_list.from"))] = None,
    date_to: Annotated[str | None, typer.Option("--to", help=hint("audit_list.to"))] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help=hint("audit_list.limit"))] = 50,
) -> None:
    """The newest rows matching the filters that the logged-in user may read, numbers masked."""
    from station.audit_log.listing import audit_page, audit_size
    from station.audit_log.records import AuditFilter
    from station.audit_log.subjects import find_household, find_person

    first, last = _day(date_from, "from"), _day(date_to, "to")
    if first and last and first > last:
        raise ValidationError("cli.audit_list.from_after_to", field="to")
    with unit_of_work(daily_backup=False) as uow:
        subjects = [find_person(uow, person) if person else None,
                    find_household(uow, household) if household else None]
        wanted = AuditFilter(user=user, action=action, date_from=first, date_to=last,
                             person_id=subjects[0].id if subjects[0] else None,
                             household_id=subjects[1].id if subjects[1] else None)
        size = audit_size(uow, wanted)
        rows = audit_page(uow, wanted, before_id=size.page_start, limit=limit)
    for subject in subjects:
        if subject is not None:
            out.print(words(f"audit_list.about_{subject.kind}", label=shown(subject.label)))
    _show_rows(size.rows, rows)


def _day(text: str | None, field: str) -> date | None:
    from station.dates import NoSuchDay, parse_day

    try:
        return parse_day(text)
    except NoSuchDay:
        raise ValidationError("cli.no_such_day", text=text, field=field) from None
    except ValueError:
        raise ValidationError("cli.bad_day", text=text, field=field) from None


def _show_rows(matching: int, rows) -> None:
    from rich.table import Table

    from station.audit import action_name

    if not rows:
        out.print(words("audit_list.none"))
        return
    out.print(words("audit_list.count", rows=matching, shown=len(rows)))
    table = Table(*(words(f"audit_list.column.{column}") for column in COLUMNS))
    for row in rows:
        about = f"{row.entity} {row.entity_id}" if row.entity_id is not None else row.entity
        values = words("audit_list.redacted") if row.redacted else shown(row.summary)
        action = action_name(row.action, LANGUAGE)
        table.add_row(str(row.id), f"{row.at:%Y-%m-%d %H:%M:%S}", shown(row.username), shown(action),
                      shown(about), values, shown(row.detail))
    out.print(table)
