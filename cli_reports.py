"""`station report ...` (printed forms and the monthly report) and `station month lock/unlock`.

Wired into cli.py with `register(app)`. Commands act for the station's own community (the
system actor narrowed to it), so figures and letterheads are that community's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli_context import community_unit_of_work, out, shown
from station import dates
from station.errors import ValidationError

report_app = typer.Typer(help="打印表单和报表(PDF;月报另有 Excel),每次打印都记入审计日志")
month_app = typer.Typer(help="月份锁定:月报打印后锁定该月,改动该月日期的数据需管理员解锁")

PdfOption = Annotated[Path | None, typer.Option("--pdf", help="输出 PDF 路径(默认写入 [reports] folder)")]
PrintOption = Annotated[bool, typer.Option("--print", help="生成后用 lp 送往默认打印机")]
ForceOption = Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件")]


def register(app: typer.Typer) -> None:
    """Add the `report` and `month` command groups to the main app."""
    app.add_typer(report_app, name="report")
    app.add_typer(month_app, name="month")


@report_app.command("monthly")
def monthly(
    month: Annotated[str, typer.Option("--month", help="月份,如 2026-10")],
    grid: Annotated[str | None, typer.Option("--grid", help="只统计一个网格(网格编号)")] = None,
    pdf: PdfOption = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="输出 Excel 路径")] = None,
    send: PrintOption = False,
    force: ForceOption = False,
    lock: Annotated[bool, typer.Option("--lock", help="生成后锁定该月(仅全社区月报)")] = False,
) -> None:
    """月度统计报表(PDF + Excel):人口、重点人群、走访、诉求、工作量、分网格、图表、数据核查。"""
    from reports import print_jobs  # reportlab loads only when printing
    year, number = parse_month(month)
    if lock and grid:
        raise ValidationError("cli.lock_whole_community", field="grid")
    with community_unit_of_work() as uow:
        _show(print_jobs.print_monthly(uow, year, number, grid_code=grid, pdf=pdf, xlsx=xlsx, send=send,
                                        force=force))
        if lock:
            _lock(uow, year, number)


@report_app.command("household")
def household(
    number: Annotated[str | None, typer.Argument(help="户号;省略并加 --blank 打印空白表")] = None,
    blank: Annotated[bool, typer.Option("--blank", help="空白登记表(现场填写)")] = False,
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """住户信息登记表(身份证号、电话已脱敏)。"""
    from reports import print_jobs  # reportlab loads only when printing
    if not number and not blank:
        raise ValidationError("cli.household_number_missing", field="number")
    with community_unit_of_work() as uow:
        _show(print_jobs.print_household(uow, None if blank else number, out=pdf, send=send, force=force))


@report_app.command("person")
def person(
    who: Annotated[str, typer.Argument(help="身份证号或姓名")],
    household_number: Annotated[str | None, typer.Option("--household", help="同名时指定户号")] = None,
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """重点人群档案卡(一人一档):个人信息、家庭、登记情况、最近走访。"""
    from reports import print_jobs
    from station.printing.forms import find_person

    with community_unit_of_work() as uow:
        person_id = find_person(uow, who, household_number)
        _show(print_jobs.print_person(uow, person_id, out=pdf, send=send, force=force))


@report_app.command("visits")
def visits(
    worker: Annotated[str | None, typer.Option("--worker", help="走访人账号或姓名")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="开始日期 2026-11-01")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="结束日期 2026-11-30")] = None,
    blank: Annotated[bool, typer.Option("--blank", help="空白走访记录表")] = False,
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """走访记录表:走访人一段时间内的走访(已完成的填好内容),或空白表。"""
    from reports import print_jobs  # reportlab loads only when printing
    if not blank and not (worker and date_from and date_to):
        raise ValidationError("cli.visit_sheet_arguments", field="worker")
    period = None if blank else (worker or "", parse_day(date_from, "from"), parse_day(date_to, "to"))
    with community_unit_of_work() as uow:
        _show(print_jobs.print_visits(uow, period, out=pdf, send=send, force=force))


@report_app.command("receipt")
def receipt(
    number: Annotated[str, typer.Argument(help="诉求编号,如 S20261123-0001")],
    pdf: PdfOption = None,
    send: PrintOption = False,
    force: ForceOption = False,
) -> None:
    """居民诉求受理回执(含撕口线和存根)。"""
    from reports import print_jobs  # reportlab loads only when printing
    with community_unit_of_work() as uow:
        _show(print_jobs.print_receipt(uow, number, out=pdf, send=send, force=force))


@month_app.command("lock")
def month_lock(month: Annotated[str, typer.Argument(help="月份,如 2026-10")]) -> None:
    """锁定已结束的月份:此后改动该月日期的数据会被拒绝。"""
    year, number = parse_month(month)
    with community_unit_of_work() as uow:
        _lock(uow, year, number)


@month_app.command("unlock")
def month_unlock(
    month: Annotated[str, typer.Argument(help="月份,如 2026-10")],
    reason: Annotated[str, typer.Option("--reason", help="解锁原因(记入审计日志)")],
) -> None:
    """解锁月份(仅管理员,记入审计日志)。"""
    from station.month_locks import unlock_month

    year, number = parse_month(month)
    with community_unit_of_work() as uow:
        unlock_month(uow, uow.actor.community_id, year, number, reason)
    out.print(f"[green]已解锁[/green] {year}年{number}月")


@month_app.command("list")
def month_list() -> None:
    """列出已锁定的月份。"""
    from station.month_locks import list_locks

    with community_unit_of_work() as uow:
        locks = list_locks(uow, uow.actor.community_id)
    for lock in locks:
        out.print(f"{lock.year}-{lock.month:02d}  {lock.locked_at:%Y-%m-%d %H:%M}  {shown(lock.locked_by)}")
    if not locks:
        out.print("没有锁定的月份")


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
    except ValueError:
        day = None
    if day is None:
        raise ValidationError("cli.bad_day", text=text, field=field)
    return day


def _lock(uow, year: int, month: int) -> None:
    from station.month_locks import lock_month

    lock = lock_month(uow, uow.actor.community_id, year, month)
    out.print(f"[green]已锁定[/green] {lock.year}年{lock.month}月(此后改动该月日期的数据需管理员解锁)")


def _show(printout) -> None:
    for path in printout.files:
        out.print(f"[green]已生成[/green] {path}")
    if printout.printed:
        out.print(f"[green]已送打印机[/green] {printout.printed}")
    if printout.note:
        out.print(f"[yellow]{printout.note}[/yellow]")

