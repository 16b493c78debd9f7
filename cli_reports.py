"""`station report ...` (printed forms and the monthly report) and `station month lock/unlock`.

Wired into cli.py with `register(app)`. Commands act for the station's own community (the
system actor narrowed to it), so figures and letterheads are that community's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli_context import community_unit_of_work, hint, out, shown, spoken, unit_of_work, words
from station import dates
from station.errors import ValidationError

report_app = typer.Typer(help=hint("report"))
month_app = typer.Typer(help=hint("month"))

PdfOption = Annotated[Path | None, typer.Option("--pdf", help=hint("report_pdf"))]
PrintOption = Annotated[bool, typer.Option("--print", help=hint("report_print"))]
ForceOption = Annotated[bool, typer.Option("--force", help=hint("force"))]
MonthArgument = Annotated[str, typer.Argument(help=hint("month_month"))]


def register(app: typer.Typer) -> None:
    """Add the `report` and `month` command groups to the main app."""
    app.add_typer(report_app, name="report")
    app.add_typer(month_app, name="month")


@report_app.command("monthly", help=hint("report_monthly"))
def monthly(
    month: Annotated[str, typer.Option("--month", help=hint("month_month"))],
    grid: Annotated[str | None, typer.Option("--grid", help=hint("report_grid"))] = None,
    pdf: PdfOption = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help=hint("report_xlsx"))] = None,
    send: PrintOption = False,
    force: ForceOption = False,
    lock: Annotated[bool, typer.Option("--lock", help=hint("report_lock"))] = False,
    street: Annotated[bool, typer.Option("--street", help=hint("report_street"))] = False,
    community: Annotated[str | None, typer.Option("--community", help=hint("report_community"))] = None,
) -> None:
    """The monthly report (PDF and Excel): the community's, one grid's, or the street's roll-up."""
    from reports import print_jobs  # reportlab loads only when printing
    year, number = parse_month(month)
    if lock and grid:
        raise ValidationError("cli.lock_whole_community", field="grid")
    if street:
        if grid or community or lock:
            raise ValidationError("cli.street_report_whole", field="street")
        with unit_of_work() as uow:
            _show(print_jobs.print_street_monthly(uow, year, number, pdf=pdf, xlsx=xlsx, send=send, force=force))
        return
    with _community_of_choice(community) as uow:
        _show(print_jobs.print_monthly(uow, year, number, grid_code=grid, pdf=pdf, xlsx=xlsx, send=send,
                                        force=force))
        if lock:
            _lock(uow, year, number)


@contextmanager
def _community_of_choice(code: str | None) -> Iterator:
    """This station's community, or the one a street account names with --community."""
    if code is None:
        with community_unit_of_work() as uow:
            yield uow
        return
    from station.places.directory import community_by_code
    from station.scope import community_view

    with unit_of_work() as uow, community_view(uow, community_by_code(uow, code).id):
        yield uow


@report_app.command("household", help=hint("report_household"))
def household(
    number: Annotated[str | None, typer.Argument(help=hint("report_household_number"))] = None,
    blank: Annotated[bool, typer.Option("--blank", help=hint("report_blank_household"))] = False,
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """A household's registration form (ID and phone numbers masked), or a blank one."""
    from reports import print_jobs  # reportlab loads only when printing
    if not number and not blank:
        raise ValidationError("cli.household_number_missing", field="number")
    with community_unit_of_work() as uow:
        _show(print_jobs.print_household(uow, None if blank else number, out=pdf, send=send, force=force))


@report_app.command("person", help=hint("report_person"))
def person(
    who: Annotated[str, typer.Argument(help=hint("report_person_who"))],
    household_number: Annotated[str | None, typer.Option("--household", help=hint("report_person_household"))] = None,
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """A priority-group person's record card."""
    from reports import print_jobs
    from station.printing.forms import find_person

    with community_unit_of_work() as uow:
        person_id = find_person(uow, who, household_number)
        _show(print_jobs.print_person(uow, person_id, out=pdf, send=send, force=force))


@report_app.command("resident-data", help=hint("report_resident_data"))
def resident_data(
    who: Annotated[str, typer.Argument(help=hint("report_resident_who"))],
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """A resident's own data report (个人信息查阅单), for them after their ID card was checked."""
    from reports import print_jobs  # reportlab loads only when printing
    from station.dossiers.resident import find_resident
    from station.output_files import check_output

    with community_unit_of_work() as uow:
        if pdf is not None:  # refused before the lookup, which a whole ID number audits
            check_output(pdf, uow.settings, force=force)
        person_id = find_resident(uow, who)
        _show(print_jobs.print_resident(uow, person_id, out=pdf, send=send, force=force))


@report_app.command("visits", help=hint("report_visits"))
def visits(
    worker: Annotated[str | None, typer.Option("--worker", help=hint("report_worker"))] = None,
    date_from: Annotated[str | None, typer.Option("--from", help=hint("report_from"))] = None,
    date_to: Annotated[str | None, typer.Option("--to", help=hint("report_to"))] = None,
    blank: Annotated[bool, typer.Option("--blank", help=hint("report_blank_visits"))] = False,
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """A worker's visit sheet over a period, or a blank one."""
    from reports import print_jobs  # reportlab loads only when printing
    if not blank and not (worker and date_from and date_to):
        raise ValidationError("cli.visit_sheet_arguments", field="worker")
    period = None if blank else (worker or "", parse_day(date_from, "from"), parse_day(date_to, "to"))
    with community_unit_of_work() as uow:
        _show(print_jobs.print_visits(uow, period, out=pdf, send=send, force=force))


@report_app.command("receipt", help=hint("report_receipt"))
def receipt(
    number: Annotated[str, typer.Argument(help=hint("report_receipt_number"))],
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """A request's receipt with its stub."""
    from reports import print_jobs  # reportlab loads only when printing
    with community_unit_of_work() as uow:
        _show(print_jobs.print_receipt(uow, number, out=pdf, send=send, force=force))


@month_app.command("lock", help=hint("month_lock"))
def month_lock(month: MonthArgument) -> None:
    """Lock a past month: changes dated in it are refused afterwards."""
    year, number = parse_month(month)
    with community_unit_of_work() as uow:
        _lock(uow, year, number)


@month_app.command("unlock", help=hint("month_unlock"))
def month_unlock(
    month: MonthArgument,
    reason: Annotated[str, typer.Option("--reason", help=hint("month_unlock_reason"))],
) -> None:
    """Unlock a month (admins only; audited)."""
    from station.month_locks import unlock_month

    year, number = parse_month(month)
    with community_unit_of_work() as uow:
        unlock_month(uow, uow.actor.community_id, year, number, reason)
    out.print(words("month.unlocked", year=year, month=number))


@month_app.command("list", help=hint("month_list"))
def month_list() -> None:
    """List the locked months."""
    from station.month_locks import list_locks

    with community_unit_of_work() as uow:
        locks = list_locks(uow, uow.actor.community_id)
    for lock in locks:
        out.print(f"{lock.year}-{lock.month:02d}  {lock.locked_at:%Y-%m-%d %H:%M}  {shown(lock.locked_by)}")
    if not locks:
        out.print(words("month.none_locked"))


def parse_month(text: str) -> tuple[int, int]:
    """'2026-10' (or 2026/10, 202610, 2026年10月) as (year, month), as station.dates reads it."""
    try:
        return dates.parse_month(text)
    except ValueError:
        raise ValidationError("cli.bad_month", text=text, field="month") from None


def parse_day(text: str | None, field: str) -> date:
    """A required day, as station.dates reads it."""
    try:
        day = dates.parse_day(text)
    except dates.NoSuchDay:
        raise ValidationError("cli.no_such_day", text=text, field=field) from None
    except ValueError:
        day = None
    if day is None:
        raise ValidationError("cli.bad_day", text=text, field=field)
    return day


def _lock(uow, year: int, month: int) -> None:
    from station.month_locks import lock_month

    lock = lock_month(uow, uow.actor.community_id, year, month)
    out.print(words("month.locked", year=lock.year, month=lock.month))


def _show(printout) -> None:
    for path in printout.files:
        out.print(words("report.written", path=shown(path)))
    if printout.printed:
        out.print(words("report.printed", answer=shown(printout.printed)))
    if printout.note:
        out.print(words("report.note", note=shown(spoken(printout.note))))


