"""Group imported rows into households and check the rules that span rows.

Rows of one household share a 户号 (a member row left blank belongs to the household above it);
a file without a 户号 column starts a household at each 户主 (or 本人) row. Every household needs
exactly one 户主 among those living there, and an ID number may occur only once in the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from station.codes import HEAD
from station.idcard import mask_id
from station.imports.records import LedgerSource, RowError
from station.imports.rows import PLACE_FIELDS, CleanRow, Place
from station.messages import DEFAULT_LANGUAGE, Term, message


@dataclass
class HouseholdGroup:
    """The rows of one household in the file, and (upsert) the household they update."""

    number: str  # 户号 from the file; "" when the file has none (a number is generated)
    rows: list[CleanRow] = field(default_factory=list)
    existing_id: int | None = None
    # Relations of its current members the file does not mention (upsert): they stay.
    staying_relations: list[str] = field(default_factory=list)

    @property
    def first_row(self) -> CleanRow:
        return self.rows[0]

    @property
    def living(self) -> list[CleanRow]:
        """The rows of members who still live here (not moved away, not dead)."""
        return [row for row in self.rows if row.departure is None]

    def place(self) -> Place:
        """Each part of the address from the first row that fills it in."""
        parts = [next((part for row in self.rows if (part := row.place_part(name))), "")
                 for name in PLACE_FIELDS]
        return Place(*parts)


def group_rows(rows: list[CleanRow], source: LedgerSource) -> tuple[list[HouseholdGroup], list[RowError]]:
    """Households in file order, from the rows that passed the per-row checks.

    (Without 户号, the members of a refused head row join the household above; nothing is
    written while any row is refused, so that only shapes which follow-up messages appear.)
    """
    if "household_no" in source.columns:
        return _by_number(rows, source)
    return _by_head(rows, source)


def refuse_repeated_ids(rows: list[CleanRow], source: LedgerSource) -> list[RowError]:
    """Every row whose ID number occurs on another row too."""
    numbers = [row.values["id_number"] for row in rows]
    if len(set(numbers)) == len(numbers):
        return []  # the usual case, found at C speed: 0.03 s for 100k rows against 0.4
    seen: dict[str, list[CleanRow]] = defaultdict(list)
    for row in rows:
        seen[row.values["id_number"]].append(row)
    label = source.label("id_number")
    return [
        RowError.at(row, label, Term("imports.id_repeated", id_number=mask_id(id_number),
                                     places=RowPlaces(tuple((r.sheet, r.number) for r in repeats))), "id_number")
        for id_number, repeats in seen.items() if len(repeats) > 1 for row in repeats
    ]


def refuse_head_count(groups: list[HouseholdGroup], source: LedgerSource,
                      skip: Collection[str] = ()) -> list[RowError]:
    """Exactly one 户主 among those living in each household, counting members an upsert leaves
    in place. A household everyone has left is history: its late 户主 and the one after are both
    in the ledger.

    Households numbered in `skip` (some row already refused) are not judged on what is left.
    """
    label = source.label("relation")
    errors: list[RowError] = []
    for group in groups:
        if group.number and group.number in skip or not (group.living or group.staying_relations):
            continue
        head_rows = [row for row in group.living if row.relation == HEAD]
        heads = len(head_rows) + group.staying_relations.count(HEAD)
        if heads == 1:
            continue
        household = Term("imports.numbered_household", number=group.number) if group.number \
            else Term("imports.this_household")
        if heads == 0:
            errors += [RowError.at(row, label, Term("imports.no_head", household=household), "relation")
                       for row in group.living]
        else:
            code = "imports.heads_with_stored" if group.staying_relations else "imports.heads"
            reason = Term(code, household=household, heads=heads)
            errors += [RowError.at(row, label, reason, "relation") for row in head_rows]
    return errors


@dataclass(frozen=True)
class RowPlaces:
    """Where some rows are, in the reader's language: 第 3、15 行, or “一网格”第 3 行、“二网格”第 15 行
    across sheets (a message parameter that renders itself)."""

    rows: tuple[tuple[str, int], ...]  # (sheet, row number)

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        separator = message("imports.list_separator", language)
        if not any(sheet for sheet, _ in self.rows):
            return message("imports.rows", language, rows=separator.join(str(row) for _, row in self.rows))
        return separator.join(message("imports.sheet_row_short", language, sheet=sheet, row=row)
                              for sheet, row in self.rows)


def _by_number(rows: list[CleanRow], source: LedgerSource) -> tuple[list[HouseholdGroup], list[RowError]]:
    """Group by 户号; a member row left blank belongs to the household of the row above it,
    as it reads in the sheet (ledgers often write the 户号 on the head's row only)."""
    groups: dict[str, HouseholdGroup] = {}
    errors = []
    previous, sheet = "", ""
    for row in rows:
        if row.sheet != sheet:  # a sheet's first rows never belong to the last sheet's household
            previous, sheet = "", row.sheet
        number = row.household_no or (previous if row.relation != HEAD else "")
        if not number:
            errors.append(RowError.at(row, source.label("household_no"), Term("imports.number_missing"),
                                      "household_no"))
            previous = ""  # the members below a head without a number belong to no known household
            continue
        group = groups.setdefault(number, HouseholdGroup(number))
        if group.rows and group.rows[0].sheet != row.sheet:
            reason = Term("imports.number_on_other_sheet", number=number, sheet=group.rows[0].sheet)
            errors.append(RowError.at(row, source.label("household_no"), reason, "household_no"))
            continue
        group.rows.append(row)
        previous = number
    return list(groups.values()), errors


def _by_head(rows: list[CleanRow], source: LedgerSource) -> tuple[list[HouseholdGroup], list[RowError]]:
    """A household runs from a 户主 row to the next; rows before the first 户主 belong nowhere."""
    groups: list[HouseholdGroup] = []
    errors = []
    current: HouseholdGroup | None = None
    sheet = rows[0].sheet if rows else ""
    for row in rows:
        if row.sheet != sheet:  # a sheet's first rows never belong to the last sheet's household
            current, sheet = None, row.sheet
        if row.relation == HEAD:
            current = HouseholdGroup("")
            groups.append(current)
        elif current is None:
            errors.append(RowError.at(row, source.label("relation"), Term("imports.no_head_above"), "relation"))
            continue
        current.rows.append(row)
    return groups, errors
