"""Charts for the monthly report (reportlab.graphics), drawn in the embedded CJK font."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

PALETTE = (colors.HexColor("#3B6EA8"), colors.HexColor("#E08A2E"), colors.HexColor("#5A9E5A"),
           colors.HexColor("#B04A4A"))
Series = tuple[str, Sequence[float]]


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], font: str,
              width: float, height: float) -> Drawing:
    """Vertical bars, one group per category and one colour per series (legend when several)."""
    drawing = _drawing(title, font, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, width - 60, height - 75
    chart.data = [list(values) for _, values in series]
    chart.categoryAxis.categoryNames = list(categories)
    _axes(chart, font, _top(chart.data))
    chart.barSpacing, chart.groupSpacing = 1, 8
    for index in range(len(series)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        drawing.add(_legend(series, font, width, height))
    return drawing


def side_bar_chart(title: str, categories: Sequence[str], values: Sequence[float], font: str,
                   width: float, height: float, *, percent: bool = False) -> Drawing:
    """Horizontal bars, one per category, top to bottom as given; percent fixes the axis at 0-100."""
    drawing = _drawing(title, font, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 90, 15, width - 110, height - 45
    # reportlab draws the first category at the bottom; reverse so the list reads top-down.
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(categories))
    _axes(chart, font, 100.0 if percent else _top(chart.data))
    if percent:
        chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor, chart.bars[0].strokeColor = PALETTE[0], None
    drawing.add(chart)
    return drawing


def line_chart(title: str, series: Sequence[Series], font: str, width: float, height: float,
               days: int | None = None) -> Drawing:
    """One line per series over the days of the month (category labels every fifth day).

    With `days` longer than the series (a month not yet over) the axis spans every day and the
    lines stop at the last value: reportlab draws no point for None.
    """
    drawing = _drawing(title, font, width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, width - 60, height - 75
    longest = max((len(values) for _, values in series), default=0)
    days = max(days or 0, longest)
    chart.data = [[*values, *([None] * (days - len(values)))] for _, values in series]
    chart.categoryAxis.categoryNames = [str(d) if d == 1 or d % 5 == 0 else "" for d in range(1, days + 1)]
    _axes(chart, font, _top(chart.data))
    for index in range(len(series)):
        chart.lines[index].strokeColor = PALETTE[index % len(PALETTE)]
        chart.lines[index].strokeWidth = 1.5
    drawing.add(chart)
    drawing.add(_legend(series, font, width, height))
    return drawing


def two_by_two(charts: Sequence[Drawing], font: str, width: float, height: float) -> Table:
    """Four charts of one size in two rows of two."""
    grid = Table([list(charts[:2]), list(charts[2:4])], colWidths=[width] * 2, rowHeights=[height + 4 * mm] * 2)
    # FONT too: a table without one names Helvetica in the PDF, which is then not embedded.
    grid.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 9), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return grid


def _drawing(title: str, font: str, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height, initialFontName=font)
    drawing.add(String(width / 2, height - 14, title, fontName=font, fontSize=10, textAnchor="middle"))
    return drawing


def _axes(chart, font: str, top: float) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = _step(top)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")


def _top(data: Sequence[Sequence[float | None]]) -> float:
    """A round axis maximum above the largest value (at least 5)."""
    largest = max((max((v for v in values if v is not None), default=0) for values in data), default=0)
    step = _step(max(largest, 5) * 1.1)
    return step * (int(max(largest, 5) * 1.1 // step) + 1)


def _step(top: float) -> float:
    """About five gridlines: 1, 2 or 5 times a power of ten."""
    raw = top / 5
    power = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    return next(power * factor for factor in (1, 2, 5, 10) if power * factor >= raw)


def _legend(series: Sequence[Series], font: str, width: float, height: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = width - 20, height - 24
    legend.alignment, legend.columnMaximum = "right", 1
    legend.fontName, legend.fontSize = font, 7
    legend.dx, legend.dy, legend.deltax = 8, 8, 60
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)]
    legend.boxAnchor = "ne"
    return legend
