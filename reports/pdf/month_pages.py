"""The monthly report's chart page and validation page."""

from __future__ import annotations

import calendar
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from reports.pdf.charts import bar_chart, line_chart, side_bar_chart, two_by_two
from reports.pdf.layout import WIDTH, Styles, day, heading, note, table
from station.printing.records import MonthReport
from station.stats.month_records import MonthChecks
from station.stats.records import AGE_BANDS

CHART_W, CHART_H = WIDTH / 2, 80 * mm


def moment(report: MonthReport) -> str:
    """What the figures are taken at: the month's end, or now while the month runs."""
    return "月末" if report.figures.as_of is None else "当前"


def chart_page(report: MonthReport, font: str, s: Styles) -> list[Flowable]:
    """Four charts, two by two: ages by population type, coverage, visit kinds, daily counts."""
    figures = report.figures
    ages = [(report.population_names.get(kind, kind), [counts.get(band, 0) for band in AGE_BANDS])
            for kind, counts in figures.population.persons_by_type_and_age.items()]
    open_registers = [r for r in figures.registers if r.open_at_end]
    coverage = [100 * r.covered / r.open_at_end for r in open_registers]
    kinds = [kind for kind in report.visit_kind_names if figures.visits_by_kind.get(kind)]
    charts = [
        bar_chart(f"{moment(report)}人口年龄结构(人)", [f"{band}岁" for band in AGE_BANDS], ages, font, CHART_W, CHART_H),
        side_bar_chart("重点人群走访覆盖率(%)", [r.name for r in open_registers], coverage, font,
                       CHART_W, CHART_H, percent=True),
        side_bar_chart("走访类型(次)", [report.visit_kind_names[k] for k in kinds],
                       [figures.visits_by_kind[k] for k in kinds], font, CHART_W, CHART_H),
        line_chart("每日走访与诉求受理", [("走访", report.daily.visits), ("诉求受理", report.daily.requests)],
                   font, CHART_W, CHART_H, days=_days_in(figures.first_day)),
    ]
    grid = two_by_two(charts, font, CHART_W, CHART_H)
    return [*heading("七、图表", s), grid]


def _days_in(first_day: date) -> int:
    return calendar.monthrange(first_day.year, first_day.month)[1]


def check_page(report: MonthReport, s: Styles) -> list[Flowable]:
    """What looks wrong at the month's end (or now), each list with its total."""
    checks, when = report.checks, moment(report)
    return [*heading("八、数据核查", s), *_unvisited(checks, s), *_headless(checks, when, s),
            *_overdue(checks, when, s)]


def _section(title: str, total: int, unit: str, shown: int, s: Styles) -> list[Flowable]:
    cut = f"(列出前 {shown} 条)" if shown < total else ""
    return heading(f"{title}:共 {total} {unit}{cut}", s)


def _unvisited(checks: MonthChecks, s: Styles) -> list[Flowable]:
    parts = _section("每周走访对象连续三个月未走访", checks.unvisited_total, "人", len(checks.unvisited), s)
    parts.append(note(f"走访周期不超过7天、登记满三个月的在册人员,{day(checks.since)} 之后没有走访记录。", s))
    if checks.unvisited:
        rows = [[u.grid_name, u.household_number, u.person_name, u.category_name, day(u.start_on),
                 day(u.last_visit_on) or "从未走访"] for u in checks.unvisited]
        widths = [w * mm for w in (30, 25, 25, 35, 30, 35)]
        parts.append(table([["网格", "户号", "姓名", "类别", "登记日期", "最后走访"], *rows], widths, s))
    return parts


def _headless(checks: MonthChecks, when: str, s: Styles) -> list[Flowable]:
    parts = _section("无户主的住户", checks.headless_total, "户", len(checks.headless), s)
    if checks.headless:
        rows = [[h.grid_name, h.household_number, h.address, h.residents] for h in checks.headless]
        widths = [w * mm for w in (35, 30, 90, 25)]
        parts.append(table([["网格", "户号", "住址", f"{when}人数"], *rows], widths, s, numeric=(3,)))
    return parts


def _overdue(checks: MonthChecks, when: str, s: Styles) -> list[Flowable]:
    parts = _section(f"{when}超期未办结的诉求", checks.overdue_total, "件", len(checks.overdue), s)
    if checks.overdue:
        rows = [[o.number, o.grid_name, o.category_name, day(o.received_at), day(o.deadline_at),
                 o.days_overdue] for o in checks.overdue]
        widths = [w * mm for w in (32, 30, 28, 33, 33, 24)]
        parts.append(table([["编号", "网格", "类别", "受理时间", "办理时限", "超期天数"], *rows], widths, s,
                           numeric=(5,)))
    return parts
