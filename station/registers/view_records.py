"""Plain records for the registers screen: one category's open entries, most overdue first."""

from __future__ import annotations

from dataclasses import dataclass

from station.registers.records import RegisterEntryRecord


@dataclass(frozen=True)
class RegisterPage:
    """The first `len(entries)` of `total` open entries of a category, with their visit figures.

    The figures count every open entry the actor may see, not only the ones on the page.
    """

    category: str
    category_name: str
    entries: tuple[RegisterEntryRecord, ...]
    total: int
    overdue: int
    due_soon: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.entries)
