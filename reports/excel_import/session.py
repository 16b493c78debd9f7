"""One import of a ledger file, as `station import` and the counter's import screen run it.

The file is checked to be a plain, safe .xlsx, read into rows, and handed to
station.imports.ledger.run_import (all or nothing); the errors workbook (the file again, with an
错误原因 column) is written beside it on request. The outcome keeps the sheets and header rows
the rows came from, which the errors workbook needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reports.excel_import.reader import read_ledger
from reports.excel_import.safety import check_workbook
from station.imports.ledger import run_import
from station.imports.plan import Progress
from station.imports.records import ImportReport, LedgerSource
from station.output_files import free_name, write_output
from station.permissions import require
from station.settings import Settings
from station.uow import UnitOfWork

READ_STAGE = "read"
ERRORS_SUFFIX = "-错误"


@dataclass(frozen=True)
class ImportOutcome:
    """The import's report, and where its rows came from."""

    report: ImportReport
    path: Path
    sheet: str  # the first ledger sheet and its header row
    header_row: int
    headers: dict[str, int] = field(default_factory=dict)  # every ledger sheet read → its header row


def read_source(path: Path, sheet: str | None = None) -> LedgerSource:
    """The rows of a ledger file, once it is known to be a plain, safe .xlsx."""
    check_workbook(path)
    return read_ledger(path, sheet)


def import_file(uow: UnitOfWork, path: Path, *, mode: str = "insert", dry_run: bool = False,
                sheet: str | None = None, progress: Progress | None = None) -> ImportOutcome:
    """Check, read and import (or with dry_run only check) a ledger file."""
    require(uow.actor, "data.import")  # before reading a file its user may not import
    report_progress = progress or _silent
    path = Path(path)
    report_progress(READ_STAGE, 0, 1)
    source = read_source(path, sheet)
    report_progress(READ_STAGE, 1, 1)
    report = run_import(uow, source, mode=mode, dry_run=dry_run, source_name=path.name, progress=progress)
    return ImportOutcome(report, path, source.sheet, source.header_row, source.headers)


def errors_path(source: Path) -> Path:
    """A free name beside the source for its errors workbook: 台账-错误.xlsx, then 台账-错误-2.xlsx …"""
    return free_name(source.parent, f"{source.stem}{ERRORS_SUFFIX}.xlsx")


def write_errors(outcome: ImportOutcome, settings: Settings, target: Path | None = None, *,
                 force: bool = False, language: str | None = None) -> tuple[Path, int]:
    """Write the errors workbook (to `target`, else beside the source) in `language` (else the
    configured one); the path and rows marked."""
    from reports.excel_import.errors_book import write_errors_workbook

    marked = 0
    headers = outcome.headers or {outcome.sheet: outcome.header_row}

    def write(partial: Path) -> None:
        nonlocal marked
        marked = write_errors_workbook(outcome.path, partial, headers, outcome.report.errors,
                                       language or settings.station.language)

    written = write_output(target or errors_path(outcome.path), settings, write, force=force)
    return written, marked


def _silent(_stage: str, _done: int, _total: int) -> None:
    return None
