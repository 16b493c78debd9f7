"""The registers list: one row per entry, due dates coloured (overdue red, due within 7 days yellow)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text

from screens.base import Localized
from screens.keys import bindings
from screens.widgets.tables import FittedTable
from station.idcard import mask_id
from station.registers.records import RegisterEntryRecord

COLUMNS = ("name", "age", "id_number", "household", "grid", "start_on", "worker", "last_visit",
           "next_visit")
# station.registers.schedule: "due_soon" is due within DUE_SOON_DAYS (7).
STATE_STYLES = {"overdue": "bold red", "due_soon": "yellow"}


class EntryTable(Localized, FittedTable[str | Text]):
    """The entries; Enter opens the household, ←/→ change the category (the screen decides)."""

    BINDINGS = bindings("registers.open", "registers.next_category", "registers.previous_category")

    def show_entries(self, entries: Sequence[RegisterEntryRecord], keep_id: int | None) -> None:
        """Replace the rows, keeping the cursor on entry `keep_id` when it is still listed."""
        rows = [_cells(entry) for entry in entries]
        labels = self._labels()
        # Widths are set here rather than measured by the table: it measures when idle and may keep
        # showing what it drew before, columns as narrow as their titles.
        self.clear(columns=True)
        for column, label, width in zip(COLUMNS, labels, _widths(labels, rows), strict=True):
            self.add_column(label, key=column, width=width)
        for entry, cells in zip(entries, rows, strict=True):
            self.add_row(*cells, key=str(entry.id))
        ids = [entry.id for entry in entries]
        if keep_id in ids:
            self.move_cursor(row=ids.index(keep_id))

    def _labels(self) -> tuple[str, ...]:
        return (self.t("registers.col_name"), self.t("registers.col_age"), self.t("registers.col_id_number"),
                self.t("registers.col_household"), self.t("registers.col_grid"),
                self.t("registers.col_start_on"), self.t("registers.col_worker"),
                self.t("registers.col_last_visit"), self.t("registers.col_next_visit"))

    def action_open_selected(self) -> None:
        self.action_select_cursor()

    def action_next_category(self) -> None:
        self.screen.shift_category(1)  # type: ignore[attr-defined]

    def action_previous_category(self) -> None:
        self.screen.shift_category(-1)  # type: ignore[attr-defined]


def _cells(entry: RegisterEntryRecord) -> tuple[str | Text, ...]:
    style = STATE_STYLES.get(entry.visit_state, "")
    due = str(entry.next_visit_due) if entry.next_visit_due else "—"
    return (Text(entry.person_name, style=style, end=""), str(entry.age), mask_id(entry.id_number),
            entry.household_number or "—", entry.grid_name or "—", str(entry.start_on),
            entry.worker_name or "—", str(entry.last_visit_on or "—"), Text(due, style=style, end=""))


def _widths(labels: tuple[str, ...], rows: list[tuple[str | Text, ...]]) -> list[int]:
    """Each column as wide as its title or its widest cell (Chinese characters count two)."""
    widths = [cell_len(label) for label in labels]
    for cells in rows:
        widths = [max(width, cell_len(str(cell))) for width, cell in zip(widths, cells, strict=True)]
    return widths
