"""`station audit verify`: walk the audit log's hash chain and name the first row that breaks it.

Wired into cli.py with `register(app)`. Exit 0 when the chain holds, 1 when a row was changed,
removed or inserted behind the app's back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli_context import hint, out, progress_bar, unit_of_work, words

audit_app = typer.Typer(help=hint("audit"))


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
