"""月度统计报表: the month's figures as tables, then charts, then the validation page.

Every figure is month_figures' (see station/statistics.py for the definitions); rates are
printed as part/whole with one decimal, so a reader can recompute them from the counts.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph

from reports.pdf.layout import DASH, Styles, day, heading, note, share, styles, table, title_block
from reports.pdf.month_pages import chart_page, check_page, moment
from reports.pdf.page import build
from station.audit_chain import grouped
from station.printing.records import MonthReport
from station.stats.records import AGE_BANDS

TITLE = "月度统计报表"
AGE_NAMES = {"0-17": "0-17岁", "18-59": "18-59岁", "60-79": "60-79岁", "80+": "80岁及以上"}


def render(report: MonthReport, path: Path, font: str) -> Path:
    """Write the monthly report to a PDF."""
    s = styles(font)
    figures = report.figures
    title = f"{report.scope_name} {figures.year}年{figures.month}月{TITLE}"
    subtitle = (f"{report.letterhead.station_name} · 统计期间 {day(figures.first_day)} 至 "
                f"{day(figures.end_day)}")
    flowables: list[Flowable] = [*title_block(title, subtitle, s), *_as_of(report, s),
                                 Paragraph(_lock_text(report), s.note)]
    flowables += _population(report, s) + _registers(report, s) + _visits(report, s)
    flowables += _requests(report, s) + _workers(report, s) + _grids(report, s)
    flowables += [PageBreak(), *chart_page(report, font, s), PageBreak(), *check_page(report, s)]
    flowables += _audit(report, s)
    return build(path, flowables, font=font, title=TITLE, head=report.letterhead)


def _as_of(report: MonthReport, s: Styles) -> list[Flowable]:
    as_of = report.figures.as_of
    if as_of is None:
        return []
    return [note(f"截至 {day(as_of)}:本月尚未结束,各项数字按截至此时统计(在册、超期按此时计,"
                 "走访达标按本月已过天数计)。", s)]


def _audit(report: MonthReport, s: Styles) -> list[Flowable]:
    """The audit log's head as printed: kept with the signed report, it anchors the log."""
    anchor = report.audit
    if anchor is None:
        return []
    return [*heading("九、审计", s),
            note(f"打印时审计日志共 {anchor.rows} 条记录,链头:{grouped(anchor.head)}", s),
            note("本报表签字存档后,可随时用 station audit verify --anchor 链头 核对审计日志没有被删改或整体改写。", s)]


def _lock_text(report: MonthReport) -> str:
    lock = report.lock
    if lock is None:
        return "本月数据尚未锁定。"
    return f"本月数据已于 {day(lock.locked_at)} 由 {lock.locked_by} 锁定,此后改动该月日期的数据需管理员解锁。"


def _population(report: MonthReport, s: Styles) -> list[Flowable]:
    people = report.figures.population
    header = ["人口类型", "户数", "人数", *(AGE_NAMES[band] for band in AGE_BANDS)]
    rows = [[report.population_names.get(kind, kind), people.households_by_type.get(kind, 0),
             people.persons_by_type.get(kind, 0), *(ages.get(band, 0) for band in AGE_BANDS)]
            for kind, ages in people.persons_by_type_and_age.items()]
    rows.append(["合计", people.households, people.persons, *(people.persons_by_age[b] for b in AGE_BANDS)])
    widths = [30 * mm] + [25 * mm] * 6
    when = moment(report)
    return [*heading(f"一、人口与住户({when})", s), table([header, *rows], widths, s, numeric=range(1, 7)),
            note(f"户数按户主的人口类型统计,合计为{when}有居民的住户数(含无户主的住户);年龄按{'月末' if when == '月末' else '截至日'}计算。", s)]


def _registers(report: MonthReport, s: Styles) -> list[Flowable]:
    header = ["重点人群类别", f"{moment(report)}在册", "本月新增", "本月退出", "走访达标", "走访覆盖率"]
    entries = report.figures.registers
    rows = [[r.name, r.open_at_end, r.new_in_month, r.ended_in_month, r.covered,
             share(r.covered, r.open_at_end)] for r in entries]
    total = [sum(getattr(r, name) for r in entries) for name in
             ("open_at_end", "new_in_month", "ended_in_month", "covered")]
    rows.append(["合计", *total, share(total[3], total[0])])
    widths = [40 * mm] + [28 * mm] * 5
    return [*heading("二、重点人群", s), table([header, *rows], widths, s, numeric=range(1, 6)),
            note(f"走访达标:{moment(report)}在册且本月走访次数达到其走访周期要求(周期不超过一个月的按月内"
                 "应访次数,更长周期的在周期内至少走访一次)。", s)]


def _visits(report: MonthReport, s: Styles) -> list[Flowable]:
    by_kind = report.figures.visits_by_kind
    kinds = list(report.visit_kind_names) + sorted(set(by_kind) - set(report.visit_kind_names))
    rows = [[report.visit_kind_names.get(kind, kind), by_kind.get(kind, 0)] for kind in kinds]
    rows.append(["合计", report.figures.visits_done])
    return [*heading("三、走访服务", s), table([["走访类型", "次数"], *rows], [60 * mm, 30 * mm], s,
                                              numeric=(1,))]


def _requests(report: MonthReport, s: Styles) -> list[Flowable]:
    requests = report.figures.requests
    hours = DASH if requests.average_hours is None else f"{requests.average_hours:.1f}"
    ratings = [(report.satisfaction_names.get(k, k), v) for k, v in requests.satisfaction.items()]
    left = [("本月受理", requests.received), ("本月办结", requests.closed),
            ("按时办结", requests.closed_on_time), ("按时办结率", share(requests.closed_on_time, requests.closed)),
            ("平均办理时长(小时)", hours)]
    right = [*ratings, ("评价合计", sum(requests.satisfaction.values()))]
    rows = [[*left[i], *(right[i] if i < len(right) else ("", ""))] for i in range(max(len(left), len(right)))]
    widths = [45 * mm, 25 * mm, 35 * mm, 25 * mm]
    header = ["办理情况", "数量", "满意度(本月办结)", "件数"]
    return [*heading("四、居民诉求", s), table([header, *rows], widths, s, numeric=(1, 3)),
            note("办结按办结时间计入当月;按时指办结时间不晚于办理时限;平均办理时长为本月办结诉求"
                 "从受理到办结的平均小时数。", s)]


def _workers(report: MonthReport, s: Styles) -> list[Flowable]:
    rows = [[w.display_name, w.username, report.role_names.get(w.role, w.role), w.visits_done,
             w.requests_closed] for w in report.figures.workers]
    rows.append(["合计", "", "", sum(w.visits_done for w in report.figures.workers),
                 sum(w.requests_closed for w in report.figures.workers)])
    widths = [35 * mm, 35 * mm, 30 * mm, 30 * mm, 30 * mm]
    return [*heading("五、工作量", s),
            table([["姓名", "账号", "角色", "走访次数", "办结诉求"], *rows], widths, s, numeric=(3, 4))]


def _grids(report: MonthReport, s: Styles) -> list[Flowable]:
    if not report.grids:
        return []
    header = ["网格", "户数", "人数", "重点人群", "走访达标", "覆盖率", "走访次数", "诉求受理", "诉求办结", "按时率"]
    rows = [[f"{g.code} {g.name}", g.households, g.persons, g.registers_open, g.registers_covered,
             share(g.registers_covered, g.registers_open), g.visits_done, g.requests_received,
             g.requests_closed, share(g.requests_closed_on_time, g.requests_closed)] for g in report.grids]
    widths = [36 * mm] + [16 * mm] * 9
    return [*heading("六、分网格统计", s), table([header, *rows], widths, s, numeric=range(1, 10), font_size=8)]
