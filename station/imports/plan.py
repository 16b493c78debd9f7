"""Plan an import: check every row against the rules and the database, write nothing.

The plan lists every refused row (row, column, reason) and what would be created or updated;
`import_write.write_plan` carries it out. Planning reads only, so a dry run is just a plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from models import Community
from station.errors import ValidationError
from station.idcard import mask_id
from station.imports.cells import text
from station.imports.existing import ExistingPerson, existing_numbers, existing_persons
from station.imports.households import (
    HouseholdGroup,
    group_rows,
    refuse_head_count,
    refuse_repeated_ids,
)
from station.imports.places import (
    PlaceBook,
    PlacedHome,
    check_grid_column,
    load_places,
    place_errors,
)
from station.imports.records import (
    IMPORT_MODES,
    REQUIRED_COLUMNS,
    ImportCounts,
    LedgerSource,
    RowError,
)
from station.imports.rows import CleanRow, RowCleaner
from station.imports.upsert import UpsertMatch, match_upsert
from station.ledger.columns import IMPORT_COLUMNS
from station.messages import Term
from station.places.directory import ensure_community
from station.uow import UnitOfWork

Progress = Callable[[str, int, int], None]  # (stage, done, total), the stage one of STAGES
# The import's stages; what each is called is in the catalogue (imports.stage.<code>).
STAGES = ("read", "check", "write", "index")
PROGRESS_EVERY = 2000


@dataclass
class PlannedWork:
    """What the writer needs: households with their homes, existing rows the import touches."""

    groups: list[HouseholdGroup]
    homes: dict[int, PlacedHome]  # id(group) → home, for new households
    book: PlaceBook
    persons: dict[str, ExistingPerson]
    upsert: UpsertMatch


@dataclass(frozen=True)
class ImportPlan:
    """The outcome of checking a workbook: refusals, counts and places to create."""

    mode: str
    community_id: int
    counts: ImportCounts
    errors: tuple[RowError, ...]
    new_grids: tuple[str, ...]
    new_buildings: tuple[str, ...]
    source_name: str = ""
    work: PlannedWork | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def matched(self) -> int:
        """How many of the file's ID numbers are registered already (in any community)."""
        return len(self.work.persons) if self.work is not None else 0


def make_plan(uow: UnitOfWork, source: LedgerSource, mode: str, source_name: str,
              progress: Progress) -> ImportPlan:
    """Check the rows, group them into households and compare them with the database."""
    _check_request(source, mode)
    community_id = community_for(uow)
    book = load_places(uow.session, community_id)
    default_grid = check_grid_column(source, book)
    rows, errors = _clean_rows(uow, source, progress)
    errors += refuse_repeated_ids(rows, source)
    groups, group_errors = group_rows(rows, source)
    persons, upsert, database_errors = _compare(uow, community_id, mode, groups, rows, source)
    # A household with a refused row is incomplete: its head may be the row refused.
    refused = {(error.sheet, error.row) for error in errors}
    incomplete = {text(row.cells.get("household_no")) for row in source.rows if (row.sheet, row.number) in refused}
    errors += group_errors + database_errors + refuse_head_count(groups, source, skip=incomplete)
    homes, place_problems = _place(groups, book, default_grid, source)
    errors += place_problems
    work = PlannedWork(groups, homes, book, persons, upsert)
    counts = _counts(source, rows, groups, errors, persons, upsert)
    return ImportPlan(mode, community_id, counts, _sorted(errors, source),
                      tuple(book.new_grids), book.building_labels(), source_name, work)


def _compare(uow: UnitOfWork, community_id: int, mode: str, groups: list[HouseholdGroup],
             rows: list[CleanRow], source: LedgerSource):
    """Persons already registered, upsert's matches, and the refusals the database causes."""
    persons = existing_persons(uow.session, (row.values["id_number"] for row in rows))
    if mode == "insert":
        return persons, UpsertMatch(), _refuse_existing(uow, community_id, groups, persons, source)
    upsert, errors = match_upsert(uow.session, community_id, groups, persons, source)
    return persons, upsert, errors


def community_for(uow: UnitOfWork) -> int:
    """The actor's community, or (street-wide actors such as the CLI) this station's own."""
    if uow.actor.community_id is not None:
        return uow.actor.community_id
    code = uow.settings.station.community_code
    found = uow.session.scalar(select(Community.id).where(Community.code == code))
    return found if found is not None else ensure_community(uow, uow.settings).id


def _check_request(source: LedgerSource, mode: str) -> None:
    if mode not in IMPORT_MODES:
        raise ValidationError("imports.unknown_mode", mode=mode, field="mode")
    missing = [IMPORT_COLUMNS[name] for name in REQUIRED_COLUMNS if name not in source.columns]
    if missing:
        raise ValidationError("imports.columns_missing", missing='、'.join(missing), field="columns")


def _clean_rows(uow: UnitOfWork, source: LedgerSource, progress: Progress) -> tuple[list[CleanRow], list[RowError]]:
    cleaner = RowCleaner(source, uow.today())
    rows: list[CleanRow] = []
    errors: list[RowError] = []
    total = len(source.rows)
    progress("check", 0, total)
    for index, row in enumerate(source.rows, 1):
        result = cleaner.clean(row)
        if isinstance(result, list):
            errors += result
        else:
            rows.append(result)
        if index % PROGRESS_EVERY == 0:
            progress("check", index, total)
    progress("check", total, total)
    return rows, errors


def _refuse_existing(uow: UnitOfWork, community_id: int, groups: list[HouseholdGroup],
                     persons: dict[str, ExistingPerson], source: LedgerSource) -> list[RowError]:
    """Insert mode: an ID number or 户号 already in the database refuses the row."""
    errors = []
    taken = existing_numbers(uow.session, community_id, [g.number for g in groups if g.number])
    for group in groups:
        for row in group.rows:
            person = persons.get(row.values["id_number"])
            if person is not None:
                # Another community's resident is not named: outside this station's scope.
                whom = Term("imports.named", name=person.name) if person.community_id == community_id \
                    else Term("imports.other_community_resident")
                reason = Term("imports.registered_insert_only", id_number=mask_id(row.values["id_number"]), whom=whom)
                errors.append(RowError.at(row, source.label("id_number"), reason, "id_number"))
            if group.number in taken:
                errors.append(RowError.at(row, source.label("household_no"),
                                          Term("ledger.number_taken", number=group.number), "household_no"))
    return errors


def _place(groups: list[HouseholdGroup], book: PlaceBook, default_grid: str,
           source: LedgerSource) -> tuple[dict[int, PlacedHome], list[RowError]]:
    """Resolve the place of each new household (a matched household keeps its own)."""
    homes: dict[int, PlacedHome] = {}
    errors: list[RowError] = []
    for group in groups:
        if group.existing_id is not None:
            continue
        place = group.place()
        if default_grid:
            place = replace(place, grid=default_grid)
        problems = place_errors(place, group.first_row, source)
        if problems:
            errors += problems
        else:
            homes[id(group)] = book.place(place)
    return homes, errors


def _counts(source: LedgerSource, rows: list[CleanRow], groups: list[HouseholdGroup],
            errors: list[RowError], work_persons: dict[str, ExistingPerson], upsert: UpsertMatch) -> ImportCounts:
    """What the import writes (or would, were no row refused): refused rows are not counted."""
    refused = {(error.sheet, error.row) for error in errors}
    kept = [row for row in rows if (row.sheet, row.number) not in refused]
    new = sum(row.values["id_number"] not in work_persons for row in kept)
    return ImportCounts(
        rows_read=len(source.rows),
        persons_created=new,
        persons_updated=len(upsert.changed),
        persons_unchanged=len(upsert.unchanged),
        rows_refused=len(refused),
        households_created=sum(group.existing_id is None for group in groups),
        households_joined=sum(group.existing_id is not None and _changes(group, work_persons, upsert)
                              for group in groups),
    )


def _changes(group: HouseholdGroup, persons: dict[str, ExistingPerson], upsert: UpsertMatch) -> bool:
    """True when an upsert adds or changes a member of this existing household."""
    for row in group.rows:
        person = persons.get(row.values["id_number"])
        if person is None or person.id in upsert.changed:
            return True
    return False


def _sorted(errors: list[RowError], source: LedgerSource) -> tuple[RowError, ...]:
    """Sheet by sheet in file order, then by row."""
    return tuple(sorted(errors, key=lambda e: (source.sheet_index(e.sheet), e.row, e.column, e.reason_text())))
