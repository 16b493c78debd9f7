"""A ledger row's 状态, 迁出日期 and 死亡日期: whether the person still lives in the household.

The persons export writes them, so an exported ledger imported again keeps its dead and its
departed (without them they came back to life). A row without them is a person living there. A
blank 状态 follows the dates (a 死亡日期 alone means 死亡). The dates must fit the status, lie
in the past and not before the birth date; a person who moved away and then died has both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from station.codes import PERSON_STATUSES, person_status_code
from station.errors import ValidationError
from station.imports.cells import date_value, text
from station.messages import Term

MOVED_OUT, DECEASED = "moved_out", "deceased"
LEFT_REASONS = {MOVED_OUT: "迁出", DECEASED: "死亡"}  # as move_out and record_death write them
MOVED_OUT_ON, DECEASED_ON = Term("labels.moved_out_on"), Term("labels.deceased_on")


@dataclass(frozen=True, slots=True)
class Departure:
    """A person who no longer lives in the household the row names: why, and when."""

    status: str  # moved_out | deceased
    moved_out_on: date | None
    deceased_on: date | None

    @property
    def left_on(self) -> date:
        """The day they left the household: moving away, else dying."""
        left = self.moved_out_on or self.deceased_on
        assert left is not None
        return left

    @property
    def left_reason(self) -> str:
        return LEFT_REASONS[MOVED_OUT if self.moved_out_on else DECEASED]


def departure(cells: dict[str, Any], birth: date | None, today: date) -> Departure | None:
    """The row's departure, None for a person living there; ValidationError naming the column."""
    moved_out_on = _date(cells.get("moved_out_on"), "moved_out_on", MOVED_OUT_ON, birth, today)
    deceased_on = _date(cells.get("deceased_on"), "deceased_on", DECEASED_ON, birth, today)
    status = _status(cells.get("status"), moved_out_on, deceased_on)
    if status == "active":
        if moved_out_on or deceased_on:
            filled = MOVED_OUT_ON if moved_out_on else DECEASED_ON
            raise ValidationError("imports.living_with_departure_date", date=filled, field="status")
        return None
    if status == MOVED_OUT and deceased_on:
        raise ValidationError("imports.death_date_needs_deceased", field="status")
    needed = ("moved_out_on", MOVED_OUT_ON, moved_out_on) if status == MOVED_OUT else ("deceased_on", DECEASED_ON, deceased_on)
    if needed[2] is None:
        raise ValidationError("imports.departure_date_missing", status=PERSON_STATUSES[status], date=needed[1],
                              field=needed[0])
    if moved_out_on and deceased_on and moved_out_on > deceased_on:
        raise ValidationError("imports.moved_out_after_death", field="moved_out_on")
    return Departure(status, moved_out_on, deceased_on)


def _status(cell: Any, moved_out_on: date | None, deceased_on: date | None) -> str:
    raw = text(cell)
    if not raw:
        return DECEASED if deceased_on else MOVED_OUT if moved_out_on else "active"
    try:
        return person_status_code(raw)
    except ValidationError:
        raise ValidationError("imports.unknown_status", text=raw, field="status") from None


def _date(cell: Any, field: str, label: Term, birth: date | None, today: date) -> date | None:
    value = date_value(cell, field, label)
    if value is None:
        return None
    if value > today:
        raise ValidationError("residents.date_in_future", label=label, field=field)
    if birth is not None and value < birth:
        raise ValidationError("imports.date_before_birth", label=label, field=field)
    return value
