"""The street's roll-up as an .xlsx workbook: one sheet per section, one row per community and
the street's total (openpyxl); the figures are the PDF's, counts as numbers, rates as fractions."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from reports.workbooks.month import add_sheet, ratio
from station.printing.records import StreetReport
from station.stats.month_records import WorkSummary
from station.stats.records import AGE_BANDS, MonthFigures

TOTAL = "合计"


def write(report: StreetReport, path: Path) -> Path:
    """Write the workbook; returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    rows = [*((row.name, row.figures, row.work) for row in report.month.communities),
            (TOTAL, report.month.total, report.month.work)]
    _summary(book, report)
    _population(book, report, rows)
    _registers(book, rows)
    _visits(book, report, rows)
    _requests(book, report, rows)
    _work(book, rows)
    book.save(path)
    return path


Rows = list[tuple[str, MonthFigures, WorkSummary]]


def _summary(book: Workbook, report: StreetReport) -> None:
    total, head = report.month.total, report.letterhead
    lines = [("报表", f"{report.street_name} {total.year}年{total.month}月各社区月度统计汇总表".strip()),
             ("服务站", head.station_name), ("统计期间", f"{total.first_day} 至 {total.end_day}"),
             *([("截至", f"{total.as_of:%Y-%m-%d %H:%M}(本月尚未结束)")] if total.as_of else []),
             ("社区", "、".join(f"{row.code} {row.name}" for row in report.month.communities)),
             ("打印", f"{head.printed_at:%Y-%m-%d %H:%M} {head.printed_by}")]
    add_sheet(book, "概况", ["项目", "内容"], lines)


def _population(book: Workbook, report: StreetReport, rows: Rows) -> None:
    kinds = list(report.population_names)
    header = ["社区", "户数", "人数", *(report.population_names[k] for k in kinds), *(f"{b}岁" for b in AGE_BANDS)]
    add_sheet(book, "人口", header, [
        [name, f.population.households, f.population.persons, *(f.population.persons_by_type.get(k, 0) for k in kinds),
         *(f.population.persons_by_age.get(band, 0) for band in AGE_BANDS)] for name, f, _ in rows])


def _registers(book: Workbook, rows: Rows) -> None:
    lines = []
    for name, figures, _ in rows:
        totals = [sum(getattr(r, field) for r in figures.registers)
                  for field in ("open_at_end", "new_in_month", "ended_in_month", "covered")]
        lines.append([name, *totals, ratio(totals[3], totals[0])])
    add_sheet(book, "重点人群", ["社区", "在册", "本月新增", "本月退出", "走访达标", "走访覆盖率"], lines, (6,))


def _visits(book: Workbook, report: StreetReport, rows: Rows) -> None:
    names, total = report.visit_kind_names, report.month.total
    kinds = list(names) + sorted(set(total.visits_by_kind) - set(names))
    add_sheet(book, "走访", ["社区", *(names.get(k, k) for k in kinds), "合计"],
              [[name, *(f.visits_by_kind.get(k, 0) for k in kinds), f.visits_done] for name, f, _ in rows])


def _requests(book: Workbook, report: StreetReport, rows: Rows) -> None:
    ratings = list(report.satisfaction_names)
    header = ["社区", "受理", "办结", "按时办结", "按时率", "平均办理时长(小时)",
              *(report.satisfaction_names[k] for k in ratings)]
    add_sheet(book, "诉求", header, [
        [name, f.requests.received, f.requests.closed, f.requests.closed_on_time,
         ratio(f.requests.closed_on_time, f.requests.closed), f.requests.average_hours,
         *(f.requests.satisfaction.get(k, 0) for k in ratings)] for name, f, _ in rows], (5,))


def _work(book: Workbook, rows: Rows) -> None:
    add_sheet(book, "工作量", ["社区", "网格员(人)", "网格员走访", "人均走访", "最少走访", "办结诉求"], [
        [name, w.grid_workers, w.grid_worker_visits, w.visits_per_grid_worker, w.fewest_visits, w.requests_closed]
        for name, _, w in rows])
