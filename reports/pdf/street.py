"""街道各社区月度统计汇总表: one row per community and the street's total, section by section as
the community report, then charts comparing the communities.

Every row is that community's own monthly report (station/stats/street.py); rates are printed
as part/whole with one decimal, so a reader can recompute them from the counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table

from reports.pdf.charts import side_bar_chart, two_by_two
from reports.pdf.layout import (
    DASH,
    WIDTH,
    Styles,
    day,
    heading,
    note,
    share,
    styles,
    table,
    title_block,
)
from reports.pdf.monthly import AGE_NAMES
from reports.pdf.page import build
from station.audit_chain import grouped
from station.printing.records import StreetReport
from station.stats.month_records import WorkSummary
from station.stats.records import AGE_BANDS, MonthFigures

TITLE = "各社区月度统计汇总表"
TOTAL = "合计"
NAME_WIDTH = 30 * mm
CHART_W, CHART_H = WIDTH / 2, 70 * mm
Row = tuple[str, MonthFigures, WorkSummary]


def render(report: StreetReport, path: Path, font: str) -> Path:
    """Write the street's roll-up to a PDF."""
    s = styles(font)
    total = report.month.total
    title = f"{report.street_name} {total.year}年{total.month}月{TITLE}".strip()
    subtitle = (f"{report.letterhead.station_name} · 统计期间 {day(total.first_day)} 至 {day(total.end_day)}"
                f" · {len(report.month.communities)} 个社区")
    flowables: list[Flowable] = [*title_block(title, subtitle, s), *_as_of(report, s)]
    for section in (_population, _registers, _visits, _requests, _work):
        flowables += section(report, s)
    flowables += [PageBreak(), *_charts(report, font, s), *_audit(report, s)]
    return build(path, flowables, font=font, title=TITLE, head=report.letterhead)


def _rows(report: StreetReport) -> list[Row]:
    """Each community, then the street's total."""
    month = report.month
    return [*((row.name, row.figures, row.work) for row in month.communities), (TOTAL, month.total, month.work)]


def _by_community(report: StreetReport, header: Sequence[str], cells: Callable[[MonthFigures, WorkSummary], list],
                  s: Styles) -> Table:
    """One line per community and the total; the columns after the name are numbers."""
    rows = [[name, *cells(figures, work)] for name, figures, work in _rows(report)]
    count = len(header) - 1
    widths = [NAME_WIDTH] + [(WIDTH - NAME_WIDTH) / count] * count
    return table([list(header), *rows], widths, s, numeric=range(1, count + 1), font_size=8)


def _moment(report: StreetReport) -> str:
    return "月末" if report.month.total.as_of is None else "当前"


def _as_of(report: StreetReport, s: Styles) -> list[Flowable]:
    as_of = report.month.total.as_of
    if as_of is None:
        return []
    return [note(f"截至 {day(as_of)}:本月尚未结束,各项数字按截至此时统计。", s)]


def _population(report: StreetReport, s: Styles) -> list[Flowable]:
    kinds = list(report.population_names)
    header = ["社区", "户数", "人数", *(report.population_names[k] for k in kinds),
              *(AGE_NAMES[band] for band in AGE_BANDS)]

    def cells(figures: MonthFigures, _work: WorkSummary) -> list:
        people = figures.population
        return [people.households, people.persons, *(people.persons_by_type.get(k, 0) for k in kinds),
                *(people.persons_by_age.get(band, 0) for band in AGE_BANDS)]

    return [*heading(f"一、人口与住户({_moment(report)})", s), _by_community(report, header, cells, s),
            note("各社区的数字即该社区月度统计报表的数字;合计为各社区相加。", s)]


def _registers(report: StreetReport, s: Styles) -> list[Flowable]:
    header = ["社区", f"{_moment(report)}在册", "本月新增", "本月退出", "走访达标", "走访覆盖率"]

    def cells(figures: MonthFigures, _work: WorkSummary) -> list:
        totals = [sum(getattr(r, name) for r in figures.registers)
                  for name in ("open_at_end", "new_in_month", "ended_in_month", "covered")]
        return [*totals, share(totals[3], totals[0])]

    by_category = [[r.name, r.open_at_end, r.new_in_month, r.ended_in_month, r.covered,
                    share(r.covered, r.open_at_end)] for r in report.month.total.registers]
    widths = [NAME_WIDTH] + [(WIDTH - NAME_WIDTH) / 5] * 5
    return [*heading("二、重点人群", s), _by_community(report, header, cells, s),
            note("全街道按类别:", s),
            table([["类别", *header[1:]], *by_category], widths, s, numeric=range(1, 6), font_size=8)]


def _visits(report: StreetReport, s: Styles) -> list[Flowable]:
    names = report.visit_kind_names
    seen = {kind for kind, done in report.month.total.visits_by_kind.items() if done}
    kinds = [kind for kind in names if kind in seen] + sorted(seen - set(names))
    header = ["社区", *(names.get(kind, kind) for kind in kinds), "合计"]

    def cells(figures: MonthFigures, _work: WorkSummary) -> list:
        return [*(figures.visits_by_kind.get(kind, 0) for kind in kinds), figures.visits_done]

    return [*heading("三、走访服务", s), _by_community(report, header, cells, s)]


def _requests(report: StreetReport, s: Styles) -> list[Flowable]:
    ratings = list(report.satisfaction_names)
    header = ["社区", "受理", "办结", "按时办结", "按时率", "平均时长(时)",
              *(report.satisfaction_names[k] for k in ratings)]

    def cells(figures: MonthFigures, _work: WorkSummary) -> list:
        r = figures.requests
        hours = DASH if r.average_hours is None else f"{r.average_hours:.1f}"
        return [r.received, r.closed, r.closed_on_time, share(r.closed_on_time, r.closed), hours,
                *(r.satisfaction.get(k, 0) for k in ratings)]

    return [*heading("四、居民诉求", s), _by_community(report, header, cells, s),
            note("办结按办结时间计入当月;按时指办结时间不晚于办理时限;满意度为本月办结诉求的评价。", s)]


def _work(report: StreetReport, s: Styles) -> list[Flowable]:
    header = ["社区", "网格员(人)", "网格员走访", "人均走访", "最少走访", "办结诉求"]

    def cells(_figures: MonthFigures, work: WorkSummary) -> list:
        average = DASH if work.visits_per_grid_worker is None else f"{work.visits_per_grid_worker:.1f}"
        fewest = DASH if work.fewest_visits is None else work.fewest_visits
        return [work.grid_workers, work.grid_worker_visits, average, fewest, work.requests_closed]

    return [*heading("五、工作量", s), _by_community(report, header, cells, s),
            note("最少走访:本月走访最少的一名网格员的走访次数;每人明细见各社区月度统计报表。", s)]


def _charts(report: StreetReport, font: str, s: Styles) -> list[Flowable]:
    """Four comparisons of the communities, two by two."""
    rows = report.month.communities
    names = [row.name for row in rows]

    def percent(part: int, whole: int) -> float:
        return 100 * part / whole if whole else 0.0

    coverage = [percent(sum(r.covered for r in row.figures.registers),
                        sum(r.open_at_end for r in row.figures.registers)) for row in rows]
    on_time = [percent(row.figures.requests.closed_on_time, row.figures.requests.closed) for row in rows]
    charts = [
        side_bar_chart(f"{_moment(report)}人数(人)", names, [row.figures.population.persons for row in rows],
                       font, CHART_W, CHART_H),
        side_bar_chart("重点人群走访覆盖率(%)", names, coverage, font, CHART_W, CHART_H, percent=True),
        side_bar_chart("走访次数(次)", names, [row.figures.visits_done for row in rows], font, CHART_W, CHART_H),
        side_bar_chart("诉求按时办结率(%)", names, on_time, font, CHART_W, CHART_H, percent=True),
    ]
    grid = two_by_two(charts, font, CHART_W, CHART_H)
    return [*heading("六、图表", s), grid]


def _audit(report: StreetReport, s: Styles) -> list[Flowable]:
    anchor = report.audit
    if anchor is None:
        return []
    return [*heading("七、审计", s),
            note(f"打印时审计日志共 {anchor.rows} 条记录,链头:{grouped(anchor.head)}", s)]
