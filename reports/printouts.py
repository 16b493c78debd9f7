"""Write a printout's file(s) from its records and send the PDF to the printer when asked.

The caller gathers the records with station.printing.forms (which masks them) and afterwards audits
the returned Printout with station.printing.forms.record_print; reports never reads the database.
Files go to `out` when given (never over an existing file unless forced, never over the
database or a backup), else to a free name under [reports] folder of station.toml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reports import printer
from reports.pdf import (
    household as pdf_household,
)
from reports.pdf import (
    monthly as pdf_monthly,
)
from reports.pdf import (
    person as pdf_person,
)
from reports.pdf import (
    receipt as pdf_receipt,
)
from reports.pdf import (
    resident as pdf_resident,
)
from reports.pdf import (
    street as pdf_street,
)
from reports.pdf import (
    visits as pdf_visits,
)
from reports.pdf.fonts import cjk_font
from reports.workbooks import month as month_workbook
from reports.workbooks import street as street_workbook
from station.messages import Term
from station.output_files import check_output, default_output, write_output
from station.printing.records import (
    HouseholdForm,
    Letterhead,
    MonthReport,
    PersonFile,
    RequestReceipt,
    StreetReport,
    VisitSheet,
)
from station.printing.resident import DOCUMENT as RESIDENT_DOCUMENT
from station.printing.resident_records import ResidentReport
from station.settings import Settings


@dataclass(frozen=True)
class Printout:
    """What was written and printed, and what the audit entry points at."""

    document: str
    entity: str
    entity_id: int | None
    community_id: int
    files: tuple[Path, ...]
    printed: str = ""  # lp's answer when sent to the printer
    note: str | Term = ""  # why it was not sent, when printing was asked
    error: printer.PrintError | None = None  # lp failed: raise it once the print is audited


def household(form: HouseholdForm, settings: Settings, *, out: Path | None = None,
              send: bool = False, force: bool = False) -> Printout:
    """住户信息登记表, filled or blank."""
    path = _write(settings, out, f"household-{form.number or 'blank'}.pdf", force,
                  lambda target: pdf_household.render(form, target, cjk_font(settings)))
    what = f"住户信息登记表 {form.number}" if not form.blank else "住户信息登记表(空白)"
    return _finish(what, "household", form.household_id, form.letterhead, [path], send)


def person(card: PersonFile, settings: Settings, *, out: Path | None = None, send: bool = False,
           force: bool = False) -> Printout:
    """重点人群档案卡."""
    path = _write(settings, out, f"person-{card.person_id}.pdf", force,
                  lambda target: pdf_person.render(card, target, cjk_font(settings)))
    return _finish("重点人群档案卡", "person", card.person_id, card.letterhead, [path], send)


def resident(report: ResidentReport, settings: Settings, *, out: Path | None = None, send: bool = False,
             force: bool = False) -> Printout:
    """个人信息查阅单: the resident's own copy (the file is named by the person's id, never their name)."""
    path = _write(settings, out, f"resident-{report.person_id}.pdf", force,
                  lambda target: pdf_resident.render(report, target, cjk_font(settings)))
    return _finish(RESIDENT_DOCUMENT, "person", report.person_id, report.letterhead, [path], send)


def visits(sheet: VisitSheet, settings: Settings, *, out: Path | None = None, send: bool = False,
           force: bool = False) -> Printout:
    """走访记录表, filled or blank."""
    if sheet.blank:
        name, what = "visits-blank.pdf", "走访记录表(空白)"
    else:
        name = f"visits-{sheet.worker_id}-{sheet.date_from:%Y%m%d}-{sheet.date_to:%Y%m%d}.pdf"
        what = f"走访记录表 {sheet.worker_name} {sheet.date_from}~{sheet.date_to}"
    path = _write(settings, out, name, force, lambda target: pdf_visits.render(sheet, target, cjk_font(settings)))
    return _finish(what, "user", sheet.worker_id, sheet.letterhead, [path], send)


def receipt(record: RequestReceipt, settings: Settings, *, out: Path | None = None,
            send: bool = False, force: bool = False) -> Printout:
    """居民诉求受理回执."""
    path = _write(settings, out, f"receipt-{record.number}.pdf", force,
                  lambda target: pdf_receipt.render(record, target, cjk_font(settings)))
    return _finish(f"居民诉求受理回执 {record.number}", "request", record.request_id, record.letterhead, [path],
                   send)


def monthly(report: MonthReport, settings: Settings, *, pdf: Path | None = None, xlsx: Path | None = None,
            send: bool = False, force: bool = False) -> Printout:
    """月度统计报表 as PDF and .xlsx; with neither path given, both go to the reports folder."""
    figures = report.figures
    stem = f"monthly-{figures.year:04d}-{figures.month:02d}" + (f"-{report.grid_code}" if report.grid_code else "")
    files = _pdf_and_workbook(settings, stem, pdf, xlsx, force,
                              lambda target: pdf_monthly.render(report, target, cjk_font(settings)),
                              lambda target: month_workbook.write(report, target))
    what = f"月度统计报表 {figures.year}-{figures.month:02d} {report.scope_name}"
    return _finish(what, "month", None, report.letterhead, files, send and files[0].suffix == ".pdf")


def street_monthly(report: StreetReport, settings: Settings, *, pdf: Path | None = None,
                   xlsx: Path | None = None, send: bool = False, force: bool = False) -> Printout:
    """各社区月度统计汇总表 as PDF and .xlsx; with neither path given, both go to the reports folder."""
    total = report.month.total
    files = _pdf_and_workbook(settings, f"street-monthly-{total.year:04d}-{total.month:02d}", pdf, xlsx, force,
                              lambda target: pdf_street.render(report, target, cjk_font(settings)),
                              lambda target: street_workbook.write(report, target))
    what = f"各社区月度统计汇总表 {total.year}-{total.month:02d} {report.street_name}".rstrip()
    return _finish(what, "month", None, report.letterhead, files, send and files[0].suffix == ".pdf")


def _pdf_and_workbook(settings: Settings, stem: str, pdf: Path | None, xlsx: Path | None, force: bool,
                      render_pdf: Callable[[Path], object], write_xlsx: Callable[[Path], object]) -> list[Path]:
    """The PDF and/or the workbook asked for (both in the reports folder when neither path is given);
    both paths are checked before either file is written."""
    both = pdf is None and xlsx is None
    for given in (pdf, xlsx):
        if given is not None:
            check_output(given, settings, force=force)
    files = []
    if both or pdf is not None:
        files.append(_write(settings, pdf, f"{stem}.pdf", force, render_pdf))
    if both or xlsx is not None:
        files.append(_write(settings, xlsx, f"{stem}.xlsx", force, write_xlsx))
    return files


def _finish(document: str, entity: str, entity_id: int | None, head: Letterhead, files: list[Path],
            send: bool) -> Printout:
    """Send the first file (the PDF) to lp when asked and the machine has it."""
    answer, error = "", None
    note: str | Term = ""
    if send and printer.has_printer():
        try:
            answer = printer.send(files[0]) or "lp"
        except printer.PrintError as failure:
            error = failure
    elif send:
        note = Term("printing.not_sent_no_lp")
    return Printout(document, entity, entity_id, head.community_id, tuple(files), answer, note, error)


def _write(settings: Settings, out: Path | None, default_name: str, force: bool,
           render: Callable[[Path], object]) -> Path:
    """Render to `out` (checked, never over a file unless `force`), or to a free name in the reports folder."""
    target = out or default_output(settings, settings.resolve(settings.reports.folder), default_name)
    return write_output(target, settings, render, force=force)
