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

MOVED_OUT, DECEASED = "moved_out", "deceased"
LEFT_REASONS = {MOVED_OUT: "迁出", DECEASED: "死亡"}  # as move_out and record_death write them


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
    moved_out_on = _date(cells.get("moved_out_on"), "moved_out_on", "迁出日期", birth, today)
    deceased_on = _date(cells.get("deceased_on"), "deceased_on", "死亡日期", birth, today)
    status = _status(cells.get("status"), moved_out_on, deceased_on)
    if status == "active":
        if moved_out_on or deceased_on:
            filled = "迁出日期" if moved_out_on else "死亡日期"
            raise ValidationError(f"状态为“在住”，却填写了{filled}：请改正状态或删去日期", field="status")
        return None
    if status == MOVED_OUT and deceased_on:
        raise ValidationError("填写了死亡日期，状态应为“死亡”", field="status")
    needed = ("moved_out_on", "迁出日期", moved_out_on) if status == MOVED_OUT else ("deceased_on", "死亡日期", deceased_on)
    if needed[2] is None:
        raise ValidationError(f"状态为“{PERSON_STATUSES[status]}”，请填写{needed[1]}", field=needed[0])
    if moved_out_on and deceased_on and moved_out_on > deceased_on:
        raise ValidationError("迁出日期晚于死亡日期", field="moved_out_on")
    return Departure(status, moved_out_on, deceased_on)


def _status(cell: Any, moved_out_on: date | None, deceased_on: date | None) -> str:
    raw = text(cell)
    if not raw:
        return DECEASED if deceased_on else MOVED_OUT if moved_out_on else "active"
    try:
        return person_status_code(raw)
    except ValidationError:
        raise ValidationError(f"无法识别的状态“{raw}”，应为在住、迁出或死亡", field="status") from None


def _date(cell: Any, field: str, label: str, birth: date | None, today: date) -> date | None:
    value = date_value(cell, field, label)
    if value is None:
        return None
    if value > today:
        raise ValidationError(f"{label}不能晚于今天", field=field)
    if birth is not None and value < birth:
        raise ValidationError(f"{label}早于出生日期", field=field)
    return value
