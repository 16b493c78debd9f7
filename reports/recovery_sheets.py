"""The recovery sheet's one job, shared by the CLI and the counter TUI: make it in memory, write it
to the file the administrator named and/or pipe it to `lp`, then audit where it went.

It takes a UnitOfWork first, like a service, so the TUI runs it in a worker through its gateway.
Nothing is written anywhere else: no reports folder, no temporary file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports import printer
from reports.pdf import recovery_sheet as pdf_recovery_sheet
from reports.pdf.fonts import cjk_font
from station.messages import message
from station.printing.recovery_sheet import record_sheet, recovery_sheet, write_sheet
from station.uow import UnitOfWork


@dataclass(frozen=True)
class SheetDelivery:
    """Where one recovery sheet went."""

    file: Path | None  # the file written, when one was named
    printed: str  # lp's answer when sent to the printer ("" when not)


def deliver_sheet(uow: UnitOfWork, recovery_key: str, *, out: Path | None = None,
                  send: bool = False) -> SheetDelivery:
    """Make the sheet of `recovery_key`, write it to `out` and/or send it to the printer, audit it.

    A printer failure is raised once what did go out (the file) is audited.
    """
    sheet = recovery_sheet(uow, recovery_key)
    data = pdf_recovery_sheet.render(sheet, cjk_font(uow.settings))
    file = write_sheet(data, out, uow.settings) if out is not None else None
    printed, failure = "", None
    if send:
        try:
            printed = printer.send_bytes(data, message("recovery_sheet.job_title", sheet.language)) or "lp"
        except printer.PrintError as error:
            failure = error
    if file is not None or printed:
        record_sheet(uow, file=file, printer=printed)
    if failure is not None:
        raise failure
    return SheetDelivery(file, printed)
