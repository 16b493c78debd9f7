"""The monthly report's figures as an .xlsx workbook, one sheet per section (openpyxl).

Counts are numbers, rates are fractions formatted as percentages, so the sheets can be summed
and charted in Excel; the figures are the PDF's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

from station.printing.records import MonthReport
from station.stats.records import AGE_BANDS

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
PERCENT = "0.0%"
MINUTES = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60  # a longer text wraps in Excel's cell rather than widening the sheet past a screen


def write(report: MonthReport, path: Path) -> Path:
    """Write the workbook; returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    _summary(book, report)
    _population(book, report)
    _registers(book, report)
    _visits(book, report)
    _requests(book, report)
    _workers(book, report)
    _grids(book, report)
    _checks(book, report)
    book.save(path)
    return path


def add_sheet(book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[object]],
           percent_columns: Sequence[int] = ()) -> Worksheet:
    """A sheet with a shaded header row, the rows, percent formats and readable column widths."""
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = MINUTES  # openpyxl's default shows seconds no report needs
    for column in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = PERCENT
    fit_columns(sheet)
    sheet.freeze_panes = "A2"
    return sheet


def fit_columns(sheet: Worksheet) -> None:
    """Each column as wide as its widest cell as Excel shows it (a Chinese character takes two
    places, a time its format's), so no date shows as ##### and no name is cut; 10 to MAX_WIDTH."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _shown_width(cell))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(10, width + 2))


def _shown_width(cell: Cell) -> int:
    value = cell.value
    if isinstance(value, date):
        return len(cell.number_format)
    if isinstance(value, float) and cell.number_format == PERCENT:
        return 7  # 100.0%
    return max(cell_len(line) for line in str(value).splitlines() or [""])


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _summary(book: Workbook, report: MonthReport) -> None:
    figures, head = report.figures, report.letterhead
    lock = report.lock
    rows = [("报表", f"{report.scope_name} {figures.year}年{figures.month}月月度统计报表"),
            ("服务站", head.station_name), ("统计期间", f"{figures.first_day} 至 {figures.end_day}"),
            *_as_of(report), ("网格", report.grid_code or "全社区"),
            ("锁定", f"{lock.locked_at:%Y-%m-%d %H:%M} {lock.locked_by}" if lock else "未锁定"),
            ("打印", f"{head.printed_at:%Y-%m-%d %H:%M} {head.printed_by}"),
            ("核查:每周走访对象三个月未走访(人)", report.checks.unvisited_total),
            ("核查:无户主的住户(户)", report.checks.headless_total),
            ("核查:超期未办结的诉求(件)", report.checks.overdue_total)]
    add_sheet(book, "概况", ["项目", "内容"], rows)


def _as_of(report: MonthReport) -> list[tuple[str, str]]:
    """A month not yet over is counted up to now: the summary says when."""
    as_of = report.figures.as_of
    return [] if as_of is None else [("截至", f"{as_of:%Y-%m-%d %H:%M}(本月尚未结束)")]


def _population(book: Workbook, report: MonthReport) -> None:
    people = report.figures.population
    rows = [[report.population_names.get(kind, kind), people.households_by_type.get(kind, 0),
             people.persons_by_type.get(kind, 0), *(ages.get(band, 0) for band in AGE_BANDS)]
            for kind, ages in people.persons_by_type_and_age.items()]
    rows.append(["合计", people.households, people.persons, *(people.persons_by_age[b] for b in AGE_BANDS)])
    add_sheet(book, "人口", ["人口类型", "户数", "人数", *(f"{band}岁" for band in AGE_BANDS)], rows)


def _registers(book: Workbook, report: MonthReport) -> None:
    rows = [[r.name, r.open_at_end, r.new_in_month, r.ended_in_month, r.covered,
             ratio(r.covered, r.open_at_end)] for r in report.figures.registers]
    add_sheet(book, "重点人群", ["类别", "月末在册", "本月新增", "本月退出", "走访达标", "走访覆盖率"], rows, (6,))


def _visits(book: Workbook, report: MonthReport) -> None:
    by_kind, names = report.figures.visits_by_kind, report.visit_kind_names
    kinds = list(names) + sorted(set(by_kind) - set(names))
    rows = [[names.get(kind, kind), by_kind.get(kind, 0)] for kind in kinds]
    rows.append(["合计", report.figures.visits_done])
    days = [[day, visits, received] for day, (visits, received)
            in enumerate(zip(report.daily.visits, report.daily.requests, strict=True), 1)]
    add_sheet(book, "走访", ["走访类型", "次数"], rows)
    add_sheet(book, "每日", ["日", "走访", "诉求受理"], days)


def _requests(book: Workbook, report: MonthReport) -> None:
    requests = report.figures.requests
    rows: list[list[object]] = [
        ["本月受理", requests.received], ["本月办结", requests.closed], ["按时办结", requests.closed_on_time],
        ["按时办结率", ratio(requests.closed_on_time, requests.closed)],
        ["平均办理时长(小时)", requests.average_hours],
    ]
    rows += [[report.satisfaction_names.get(k, k), v] for k, v in requests.satisfaction.items()]
    sheet = add_sheet(book, "诉求", ["项目", "数值"], rows)
    sheet["B5"].number_format = PERCENT


def _workers(book: Workbook, report: MonthReport) -> None:
    rows = [[w.display_name, w.username, report.role_names.get(w.role, w.role), w.visits_done, w.requests_closed]
            for w in report.figures.workers]
    add_sheet(book, "工作量", ["姓名", "账号", "角色", "走访次数", "办结诉求"], rows)


def _grids(book: Workbook, report: MonthReport) -> None:
    if not report.grids:
        return
    rows = [[g.code, g.name, g.households, g.persons, g.registers_open, g.registers_covered,
             ratio(g.registers_covered, g.registers_open), g.visits_done, g.requests_received,
             g.requests_closed, g.requests_closed_on_time, ratio(g.requests_closed_on_time, g.requests_closed)]
            for g in report.grids]
    add_sheet(book, "分网格", ["网格编号", "网格", "户数", "人数", "重点人群在册", "走访达标", "覆盖率", "走访次数",
                         "诉求受理", "诉求办结", "按时办结", "按时率"], rows, (7, 12))


def _checks(book: Workbook, report: MonthReport) -> None:
    """One sheet per check; the totals (the lists may be cut) are on the summary sheet."""
    checks = report.checks
    add_sheet(book, "核查-未走访", ["网格", "户号", "姓名", "类别", "登记日期", "最后走访"],
           [[u.grid_name, u.household_number, u.person_name, u.category_name, u.start_on,
             u.last_visit_on or "从未走访"] for u in checks.unvisited])
    add_sheet(book, "核查-无户主", ["网格", "户号", "住址", "月末人数"],
           [[h.grid_name, h.household_number, h.address, h.residents] for h in checks.headless])
    add_sheet(book, "核查-超期诉求", ["编号", "网格", "类别", "受理时间", "办理时限", "超期天数"],
           [[o.number, o.grid_name, o.category_name, o.received_at, o.deadline_at, o.days_overdue]
            for o in checks.overdue])
