"""`station import` and `station template`: bring Excel ledgers in, all or nothing.

The commands compose the layers: reports checks and reads the workbook into plain rows, station
validates and writes them, reports writes the errors workbook back. `register(app)` adds them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from cli_context import LANGUAGE, hint, out, progress_bar, settings, shown, unit_of_work, words

SHOWN_ERRORS = 20


def register(app: typer.Typer) -> None:
    """Add the import and template commands to the main app."""
    app.command("import", help=hint("import"))(import_ledger)
    app.command("template", help=hint("template"))(template)


def import_ledger(
    file: Annotated[Path, typer.Argument(help=hint("import_file"))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=hint("import_dry_run"))] = False,
    mode: Annotated[str, typer.Option("--mode", help=hint("import_mode"))] = "insert",
    errors: Annotated[Path | None, typer.Option("--errors", help=hint("import_errors"))] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help=hint("import_sheet"))] = None,
    force: Annotated[bool, typer.Option("--force", help=hint("import_force"))] = False,
) -> None:
    """Import an Excel population ledger, all rows or none."""
    from reports.excel_import.session import import_file, write_errors
    from station.output_files import check_output

    if errors is not None:  # a refused path is said before the file is read, not after
        check_output(errors, settings(), force=force)
    with progress_bar() as progress, unit_of_work() as uow:
        outcome = import_file(uow, file, mode=mode, dry_run=dry_run, sheet=sheet, progress=_named(progress))
    report = outcome.report
    if len(outcome.headers) > 1:
        sheets = words("import.sheet_separator").join(outcome.headers)
        out.print(words("import.sheets", count=len(outcome.headers), sheets=shown(sheets)))
    _print_report(out, report)
    if report.errors and errors is not None:
        target, marked = write_errors(outcome, settings(), errors, force=force)
        out.print(words("import.errors_written", target=shown(target), rows=marked))
    if report.errors:
        raise typer.Exit(1)


def template(
    out_file: Annotated[Path, typer.Argument(help=hint("template_file"))],
    force: Annotated[bool, typer.Option("--force", help=hint("template_force"))] = False,
) -> None:
    """Write the import template workbook."""
    from reports.workbooks.import_template import write_template
    from station.output_files import write_output

    target = write_output(out_file, settings(), write_template, force=force)
    out.print(words("template.done", target=shown(target)))


def _named(progress: Callable[[str, int, int], None]) -> Callable[[str, int, int], None]:
    """The import's stages (codes) shown by their names on the progress bar."""
    from station.messages import message

    return lambda stage, done, total: progress(message(f"imports.stage.{stage}", LANGUAGE), done, total)


def _print_report(out, report) -> None:
    summary = shown(report.describe(LANGUAGE))
    if report.written:
        out.print(words("import.written", seconds=report.seconds, summary=summary))
    elif report.errors:
        out.print(words("import.refused", summary=summary))
    else:
        out.print(words("import.dry_run", summary=summary))
    for error in report.errors[:SHOWN_ERRORS]:
        out.print(f"  {error.describe(LANGUAGE)}", markup=False)
    if len(report.errors) > SHOWN_ERRORS:
        out.print(words("import.more_errors", count=len(report.errors)))
