"""The registers list: one row per entry, due dates coloured (overdue red, due within 7 days yellow)."""

from __future__ import annotations

from collections.abc import Sequence

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

    # On a narrow terminal the next visit (and the last) must stay: due and overdue are not colour only.
    DROP_ORDER = ("start_on", "worker", "grid", "age", "id_number", "household")

    def show_entries(self, entries: Sequence[RegisterEntryRecord], keep_id: int | None) -> None:
        """Replace the rows, keeping the cursor on entry `keep_id` when it is still listed."""
        self.show_rows(list(zip(COLUMNS, self._labels(), strict=True)),
                       [(str(entry.id), _cells(entry)) for entry in entries])
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

