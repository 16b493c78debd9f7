"""The printed 个人信息查阅单: every value already text in the report's language, numbers as printed.

The resident's own ID and phone are whole (it is their copy); everyone else's are masked, and
free text has its numbers masked.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.printing.records import Letterhead

Row = tuple[str, ...]


@dataclass(frozen=True)
class HomeSection:
    """One household the resident lived in: its facts and who lived there at the same time."""

    title: str
    fields: tuple[tuple[str, str], ...]
    housemates: tuple[Row, ...]  # name, relation, sex, birth date, ID (masked), phone (masked), from, to
    withheld: bool = False  # outside the printing account's scope: only the dates are given


@dataclass(frozen=True)
class ResidentReport:
    """个人信息查阅单 of one resident; a section the account may not read has `None` rows."""

    letterhead: Letterhead
    language: str
    person_id: int
    name: str
    fields: tuple[tuple[str, str], ...]
    wide_fields: tuple[tuple[str, str], ...]
    homes: tuple[HomeSection, ...]
    registers: tuple[Row, ...] | None  # category, from, to, worker, every, attributes
    visits: tuple[Row, ...] | None  # day, kind, worker, whom, content
    requests: tuple[Row, ...] | None  # number, received, category, state, description, result
    request_steps: tuple[Row, ...]  # number, when, step, who, note
    accesses: tuple[Row, ...]  # when, who, what, of what, details
