"""Print jobs shared by the CLI and the counter TUI: gather (masked records) → write the file(s),
send to the printer when asked → audit.

Each job takes a UnitOfWork first, like a service, so the TUI runs it in a worker through its
gateway; the audit entry is committed even when the printer then fails (the file exists).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from station.printing import forms as printing
from station.uow import UnitOfWork

if TYPE_CHECKING:
    from reports.printouts import Printout

# reportlab and openpyxl load with the first print, not when a screen that can print opens.


def print_household(uow: UnitOfWork, number: str | None, *, out: Path | None = None,
                    send: bool = False, force: bool = False) -> Printout:
    """住户信息登记表 of a household by number, or the blank form when number is None."""
    from reports import printouts

    form = printing.household_form(uow, number) if number else printing.blank_household_form(uow)
    return _audited(uow, printouts.household(form, uow.settings, out=out, send=send, force=force))


def print_person(uow: UnitOfWork, person_id: int, *, out: Path | None = None, send: bool = False,
                 force: bool = False) -> Printout:
    """重点人群档案卡 of a person."""
    from reports import printouts

    return _audited(uow, printouts.person(printing.person_file(uow, person_id), uow.settings, out=out, send=send,
                                             force=force))


def print_resident(uow: UnitOfWork, person_id: int, *, out: Path | None = None, send: bool = False,
                   force: bool = False) -> Printout:
    """个人信息查阅单 of a resident who asked for it in person (their ID card checked by the clerk)."""
    from reports import printouts
    from station.printing.resident import resident_report

    return _audited(uow, printouts.resident(resident_report(uow, person_id), uow.settings, out=out, send=send,
                                            force=force))


def print_visits(uow: UnitOfWork, period: tuple[str, date, date] | None, *, out: Path | None = None,
                 send: bool = False, force: bool = False) -> Printout:
    """走访记录表 of (worker, from, to), or the blank sheet when period is None."""
    from reports import printouts

    sheet = printing.visit_sheet(uow, *period) if period else printing.blank_visit_sheet(uow)
    return _audited(uow, printouts.visits(sheet, uow.settings, out=out, send=send, force=force))


def print_receipt(uow: UnitOfWork, number: str, *, out: Path | None = None, send: bool = False,
                  force: bool = False) -> Printout:
    """居民诉求受理回执 of a request by number."""
    from reports import printouts

    return _audited(uow, printouts.receipt(printing.request_receipt(uow, number), uow.settings, out=out,
                                           send=send, force=force))


def print_monthly(uow: UnitOfWork, year: int, month: int, *, grid_code: str | None = None,
                  community_id: int | None = None, pdf: Path | None = None, xlsx: Path | None = None,
                  send: bool = False, force: bool = False) -> Printout:
    """月度统计报表 (PDF and/or .xlsx) of the community or one grid (a street account names the community)."""
    from reports import printouts
    from station.printing.month import month_report

    report = month_report(uow, year, month, grid_code, community_id)
    return _audited(uow, printouts.monthly(report, uow.settings, pdf=pdf, xlsx=xlsx, send=send, force=force))


def print_street_monthly(uow: UnitOfWork, year: int, month: int, *, pdf: Path | None = None,
                         xlsx: Path | None = None, send: bool = False, force: bool = False) -> Printout:
    """各社区月度统计汇总表 (PDF and/or .xlsx) of the street, for a street account."""
    from reports import printouts
    from station.printing.street import street_report

    report = street_report(uow, year, month)
    return _audited(uow, printouts.street_monthly(report, uow.settings, pdf=pdf, xlsx=xlsx, send=send,
                                                  force=force))


def _audited(uow: UnitOfWork, printout: Printout) -> Printout:
    """Audit the printout (committed), then raise a printer failure if there was one."""
    printing.record_print(uow, printout.document, printout.entity, printout.entity_id, printout.files,
                          printer=printout.printed, community_id=printout.community_id)
    if printout.error is not None:
        raise printout.error
    return printout
