"""`station audit verify`: walk the audit log's hash chain and name the first row that breaks it.

Wired into cli.py with `register(app)`. Exit 0 when the chain holds, 1 when a row was changed,
removed or inserted behind the app's back.
"""

from __future__ import annotations

import typer

from cli_context import hint, out, progress_bar, unit_of_work, words

audit_app = typer.Typer(help=hint("audit"))


def register(app: typer.Typer) -> None:
    """Add the `audit` group to the main app."""
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify", help=hint("audit_verify"))
def verify() -> None:
    """Recompute every row's hash in id order."""
    from station.audit_chain import audit_rows, check_audit_log

    with unit_of_work(daily_backup=False) as uow:
        total = audit_rows(uow)
        with progress_bar(transient=True) as update:
            result = check_audit_log(uow, lambda done: update(words("audit.stage"), done, total))
    if result.ok:
        out.print(words("audit.intact", rows=result.rows, head=result.head))
        return
    out.print(words(f"audit.broken_{result.problem}", row=result.broken_at, rows=result.rows))
    raise typer.Exit(1)
