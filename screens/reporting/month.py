"""The month a report covers, as the clerk types it, and the month's key figures as a small table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from station.dates import parse_month
from station.stats.records import MonthFigures


def typed_month(text: str) -> tuple[int, int] | None:
    """(year, month) from what was typed (station.dates), or None when it names no month."""
    try:
        return parse_month(text)
    except ValueError:
        return None


def last_month(today: date) -> tuple[int, int]:
    """The month before today's: the one whose report is printed now."""
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def figures_table(t: Callable[..., str], figures: MonthFigures) -> FigureBands:
    """The figures the report leads with (same definitions as the printed report), labels over values."""
    registers_open = sum(register.open_at_end for register in figures.registers)
    covered = sum(register.covered for register in figures.registers)
    requests = figures.requests
    return FigureBands([
        (t("reports.fig_households"), f"{figures.population.households:,}"),
        (t("reports.fig_persons"), f"{figures.population.persons:,}"),
        (t("reports.fig_registers"), f"{registers_open:,}"),
        (t("reports.fig_covered"), _share(covered, registers_open)),
        (t("reports.fig_visits"), f"{figures.visits_done:,}"),
        (t("reports.fig_received"), f"{requests.received:,}"),
        (t("reports.fig_closed"), f"{requests.closed:,}"),
        (t("reports.fig_on_time"), _share(requests.closed_on_time, requests.closed)),
    ])


class FigureBands:
    """(label, value) pairs in one band of columns when they fit the width, else in two or four
    bands: on an 80-column terminal no label is cut to "在住户…"."""

    def __init__(self, figures: list[tuple[str, str]]):
        self.figures = figures

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        count = len(self.figures)
        per_band = next((size for size in (count, (count + 1) // 2, (count + 3) // 4)
                         if self._width(size) <= options.max_width), 1)
        for start in range(0, count, per_band):
            yield self._band(self.figures[start:start + per_band])

    def _width(self, per_band: int) -> int:
        """The cells the widest band of `per_band` figures takes (a cell of padding either side)."""
        widths = [max(cell_len(label), cell_len(value)) + 2 for label, value in self.figures]
        return max(sum(widths[start:start + per_band]) for start in range(0, len(widths), per_band))

    @staticmethod
    def _band(figures: list[tuple[str, str]]) -> Table:
        table = Table(box=None, expand=True, padding=(0, 1))
        for label, _value in figures:
            table.add_column(label, justify="right", header_style="dim")
        table.add_row(*(value for _label, value in figures), style="bold")
        return table


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole}({100 * part / whole:.0f}%)" if whole else "—"
