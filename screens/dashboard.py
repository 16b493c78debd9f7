"""Dashboard (首页): households, persons, registers, visits due, open requests, this month's work."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

from screens.base import StationScreen
from screens.keys import bindings
from screens.widgets.labels import TopBar, station_footer
from station.stats.dashboard import dashboard
from station.stats.dashboard_records import DashboardRecord, MonthCounts

TILES = ("households", "persons", "registers", "visits_due", "requests_open")


class Tile(Static):
    """One big figure with its label."""

    def show(self, label: str, value: int, note: str = "") -> None:
        text = Text.assemble((f"{value:,}", "bold"), "\n", label)
        if note:
            text.append(f"\n{note}", style="dim")
        self.update(text)


class DashboardScreen(StationScreen):
    CSS_PATH = "dashboard.tcss"
    HELP_TOPIC: ClassVar[str] = "dashboard"
    BINDINGS = bindings("dashboard.refresh")

    def compose(self) -> ComposeResult:
        yield TopBar("nav.dashboard")
        with Vertical(id="dashboard"):
            yield Static("", id="scope-note", markup=False)
            with Horizontal(id="tiles"):
                for tile in TILES:
                    yield Tile("…", id=f"tile-{tile}", classes="tile")
            with Horizontal(id="panels"):
                for panel in ("registers", "visits", "requests"):
                    yield self._panel(panel)
            with Horizontal(id="lower"):
                yield self._panel("month")
                with Vertical(id="chart-panel", classes="panel") as chart:
                    chart.border_title = self.t("dashboard.chart_title")
                    yield Sparkline([], id="chart")
                    yield Static("", id="chart-axis")
        yield station_footer()

    def _panel(self, name: str) -> Static:
        panel = Static("…", id=f"{name}-panel", classes="panel")
        panel.border_title = self.t(f"dashboard.{name}_title")
        return panel

    def on_mount(self) -> None:
        self.action_refresh()

    def server_changed(self, down: bool) -> None:
        """Read again once the database server is back: what was shown may be stale."""
        if not down:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.call(dashboard, on_done=self.show_record)

    def show_record(self, record: DashboardRecord) -> None:
        """Fill every panel from the record (also what the tests compare with the service)."""
        self.record = record
        self.query_one(TopBar).refresh_text()
        self._show_scope()
        self._show_tiles(record)
        self.query_one("#registers-panel", Static).update(self._registers_table(record))
        self.query_one("#visits-panel", Static).update(self._pairs_table((
            ("dashboard.visits_today", record.visits_due_today),
            ("dashboard.visits_overdue", record.visits_overdue),
            ("dashboard.visits_later", record.visits_due_later_this_week),
            ("dashboard.visits_done_today", record.visits_done_today))))
        self.query_one("#requests-panel", Static).update(self._pairs_table((
            ("dashboard.requests_open", record.requests_open),
            ("dashboard.requests_overdue", record.requests_overdue),
            ("dashboard.requests_at_risk", record.requests_at_risk))))
        self.query_one("#month-panel", Static).update(self._month_table(record))
        self._show_chart(record)

    def _show_scope(self) -> None:
        grids = self.record.grid_names
        note = self.query_one("#scope-note", Static)
        note.display = bool(grids)
        note.update(self.t("dashboard.scope", grids="、".join(grids)) if grids else "")

    def _show_tiles(self, record: DashboardRecord) -> None:
        values = {
            "households": record.households, "persons": record.persons,
            "registers": record.register_total,
            "visits_due": record.visits_due_today + record.visits_overdue,
            "requests_open": record.requests_open,
        }
        for tile in TILES:
            self.query_one(f"#tile-{tile}", Tile).show(self.t(f"dashboard.tile_{tile}"), values[tile])

    def _registers_table(self, record: DashboardRecord) -> Table:
        # Two cells between the halves (an empty column): at 80 columns both fit the panel whole
        # (特困(集中供养) is 14 cells) with counts up to 9,999.
        table = _counts_table()
        cells = [(self.named("register_category", register.category, register.name), f"{register.count:,}")
                 for register in record.registers]
        half = (len(cells) + 1) // 2
        for index, names in enumerate((cells[:half], cells[half:])):
            if index:
                table.add_column(width=0)
            _add_name_and_count(table, (count for _name, count in names))
        for left, right in zip(cells[:half], cells[half:] + [("", "")], strict=False):
            table.add_row(*left, "", *right)
        return table

    def _pairs_table(self, pairs: tuple[tuple[str, int], ...]) -> Table:
        # At 80 columns 今日已完成 and a count up to 999 fit the panel.
        table = _counts_table()
        _add_name_and_count(table, (f"{value:,}" for _key, value in pairs))
        for key, value in pairs:
            style = "bold red" if value and key.endswith("overdue") else ""
            table.add_row(self.t(key), Text(f"{value:,}", style=style))
        return table

    def _month_table(self, record: DashboardRecord) -> Table:
        table = Table(box=None, expand=True, padding=(0, 1))
        keys = ("visits_done", "requests_received", "requests_closed", "on_time")
        labels = [self.t(f"dashboard.month_{key}") for key in keys]
        # The row labels keep their width; on a narrow terminal the month headers wrap instead.
        table.add_column("", no_wrap=True, min_width=max(cell_len(label) for label in labels))
        for header in ("this_month", "last_month_to_date", "last_month"):
            table.add_column(self.t(f"dashboard.{header}"), justify="right")
        months = (record.this_month, record.last_month_to_date, record.last_month)
        for label, figure in zip(labels, (_visits, _received, _closed, _on_time), strict=True):
            table.add_row(label, *(figure(month) for month in months))
        return table

    def _show_chart(self, record: DashboardRecord) -> None:
        self.query_one("#chart", Sparkline).data = list(record.visits_per_day)
        first, last = record.first_chart_day, record.today
        peak = max(record.visits_per_day, default=0)
        self.query_one("#chart-axis", Static).update(
            self.t("dashboard.chart_axis", first=f"{first:%m-%d}", last=f"{last:%m-%d}", peak=peak))


def _counts_table() -> Table:
    """Names and counts in a narrow panel: one cell between columns, none at the edges."""
    return Table(box=None, show_header=False, expand=True, padding=(0, 1), pad_edge=False, collapse_padding=True)


def _add_name_and_count(table: Table, counts: Iterable[str]) -> None:
    """A name column, which wraps where it must (Later this week), and its count column, never cut."""
    table.add_column()
    table.add_column(justify="right", no_wrap=True, min_width=max(map(cell_len, counts), default=0))


def _visits(month: MonthCounts) -> str:
    return f"{month.visits_done:,}"


def _received(month: MonthCounts) -> str:
    return f"{month.requests_received:,}"


def _closed(month: MonthCounts) -> str:
    return f"{month.requests_closed:,}"


def _on_time(month: MonthCounts) -> str:
    if not month.requests_closed:
        return "—"
    return f"{month.requests_closed_on_time / month.requests_closed:.0%}"
