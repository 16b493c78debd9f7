"""Carry out an import plan inside the caller's transaction, in bulk (executemany, no ORM objects).

Order: places the file introduces; households, persons and memberships in chunks of households
(with upsert's updates of existing rows); then the search keys, computed on this thread while a
worker writes the previous batch; on SQLite, the planner's statistics last (see _analyzed). The
caller audits and commits: until then nothing is visible, and a killed process leaves nothing
behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from models import Household, Membership, Person, SearchEntry
from station.bulk.background import background_inserts
from station.bulk.ids import hold_write_lock, reserve_ids, reserve_numbers
from station.bulk.indexes import bulk_pragmas, indexes_built_after
from station.bulk.inserts import insert_rows
from station.codes import HEAD
from station.db import analyze_tables
from station.imports.existing import existing_numbers
from station.imports.households import HouseholdGroup
from station.imports.keys import KEY_COLUMNS, Home, KeyMaker
from station.imports.place_write import PlaceIds, create_places
from station.imports.plan import ImportPlan, PlannedWork, Progress
from station.imports.rows import CleanRow
from station.imports.update import ExistingRowWriter
from station.uow import UnitOfWork

HOUSEHOLDS_PER_CHUNK = 2000
KEY_BATCH_PERSONS = 5000
KEYS_PER_PERSON = 12  # about: name suffixes, pinyin, ID, phone and address keys
NO_HOME: Home = ("", "", "", "")
# What an import writes, whose statistics the planner needs afresh (the audit log's grow slowly).
WRITTEN_TABLES = ("grids", "buildings", "units", "households", "persons", "memberships", "search_keys")


@dataclass(frozen=True, slots=True)
class _KeySource:
    """What a person's search keys are made of."""

    person_id: int
    values: dict[str, Any]
    grid_id: int | None
    home: Home


@dataclass
class _Batch:
    household_rows: list[dict[str, Any]] = field(default_factory=list)
    person_rows: list[dict[str, Any]] = field(default_factory=list)
    membership_rows: list[dict[str, Any]] = field(default_factory=list)


def write_plan(uow: UnitOfWork, plan: ImportPlan, progress: Progress) -> bool:
    """Write everything the plan creates or updates (no commit); True when the planner's
    statistics of WRITTEN_TABLES were taken too (else the caller takes them after the commit)."""
    assert plan.work is not None and plan.ok
    connection = uow.session.connection()
    hold_write_lock(connection)
    persons = sum(len(group.rows) for group in plan.work.groups)
    with bulk_pragmas(connection):
        places = create_places(connection, plan.community_id, plan.work.book)
        writer = _Writer(uow, connection, plan.community_id, plan.work, places)
        key_sources = writer.write_households(progress)
        with indexes_built_after(connection, SearchEntry, persons * KEYS_PER_PERSON):
            writer.write_keys(key_sources, progress)
        if _analyzed(connection):
            analyze_tables(connection, WRITTEN_TABLES)
            return True
    return False


def _analyzed(connection: Connection) -> bool:
    """Whether the statistics are taken here, in the import's transaction (SQLite), rather than by
    the caller after the commit. On SQLite ANALYZE is transactional and sees the transaction's
    own rows, and the pages it reads are still in the load's large cache: after the commit they
    were read again, and on an encrypted station decrypted again (0.5 s against 0.2 s at 100k
    persons). PostgreSQL analyzes after the commit (its statistics are not transactional)."""
    return connection.dialect.name == "sqlite"


class _Writer:
    def __init__(self, uow: UnitOfWork, connection: Connection, community_id: int, work: PlannedWork,
                 places: PlaceIds):
        self.uow, self.connection, self.work, self.places = uow, connection, work, places
        self.community_id = community_id
        self.now: datetime = uow.now()
        self.today: date = uow.today()
        self.existing = ExistingRowWriter(connection, work, self.now, self.today)

    def write_households(self, progress: Progress) -> list[_KeySource]:
        """Households, persons and memberships; returns what each written person's keys need."""
        groups = self.work.groups
        household_ids = self._household_ids(groups)
        new_rows = sum(row.values["id_number"] not in self.work.persons for g in groups for row in g.rows)
        person_ids = iter(reserve_ids(self.connection, Person, new_rows))
        total, done = sum(len(group.rows) for group in groups), 0
        key_sources: list[_KeySource] = []
        progress("write", 0, total)
        for start in range(0, len(groups), HOUSEHOLDS_PER_CHUNK):
            chunk = groups[start : start + HOUSEHOLDS_PER_CHUNK]
            batch = _Batch()
            for group in chunk:
                key_sources += self._household(batch, group, household_ids[id(group)], person_ids)
            self._insert(batch)
            done += sum(len(group.rows) for group in chunk)
            progress("write", done, total)
        self.existing.finish()
        return key_sources

    def write_keys(self, key_sources: list[_KeySource], progress: Progress) -> None:
        """Search keys of every written person (a worker inserts while the next batch is built)."""
        maker = KeyMaker()
        progress("index", 0, len(key_sources))
        constants = {"community_id": self.community_id}
        with background_inserts(self.connection, SearchEntry, KEY_COLUMNS, constants=constants) as add:
            for start, batch in _batches(key_sources, KEY_BATCH_PERSONS):
                add([maker.row(source.person_id, source.values, source.grid_id, source.home) for source in batch])
                progress("index", start + len(batch), len(key_sources))

    def _household_ids(self, groups: list[HouseholdGroup]) -> dict[int, tuple[int, str]]:
        """id(group) → (household id, 户号): new ids and numbers, or the matched household's."""
        new_groups = [group for group in groups if group.existing_id is None]
        ids = reserve_ids(self.connection, Household, len(new_groups))
        numbers = self._numbers(new_groups)
        found = {id(group): (group.existing_id, group.number) for group in groups if group.existing_id}
        return found | {id(group): (household_id, numbers[id(group)])
                        for group, household_id in zip(new_groups, ids, strict=True)}

    def _numbers(self, new_groups: list[HouseholdGroup]) -> dict[int, str]:
        """Each new household's 户号: the file's, or the next free generated one."""
        unnumbered = [group for group in new_groups if not group.number]
        free: list[str] = []
        while len(free) < len(unnumbered):
            fresh = reserve_numbers(self.uow, self.community_id, len(unnumbered) - len(free))
            taken = existing_numbers(self.uow.session, self.community_id, fresh)
            free += [number for number in fresh if number not in taken]
        generated = dict(zip(map(id, unnumbered), free, strict=True))
        return {id(group): group.number or generated[id(group)] for group in new_groups}

    def _household(self, batch: _Batch, group: HouseholdGroup, ids: tuple[int, str],
                   person_ids: Iterator[int]) -> list[_KeySource]:
        household_id, number = ids
        if group.existing_id is None:
            household_row = self._household_row(group, household_id, number)
            batch.household_rows.append(household_row)
            grid_id, home = household_row["grid_id"], self.places.home_text(self.work.homes[id(group)])
        else:
            existing = self.work.upsert.households[household_id]
            grid_id = existing.grid_id
            home = (existing.building_name, existing.unit_name, existing.room, existing.address)
        sources = []
        for row in group.rows:
            person = self.work.persons.get(row.values["id_number"])
            if person is None:
                person_id, values = next(person_ids), row.values
                self._new_person(batch, row, person_id, household_id)
            elif person.id in self.work.upsert.changed:
                person_id = person.id
                values, membership = self.existing.update_person(person, row, household_id)
                batch.membership_rows += membership
            else:
                continue  # upsert: already as the file says
            self.existing.touch(group.existing_id)
            # Like search.reindex_persons: one who left keeps no home (and no grid) keys.
            sources.append(_KeySource(person_id, values, grid_id, home) if row.departure is None
                           else _KeySource(person_id, values, None, NO_HOME))
        return sources

    def _new_person(self, batch: _Batch, row: CleanRow, person_id: int, household_id: int) -> None:
        left = row.departure
        batch.person_rows.append({
            **row.values, "id": person_id, "community_id": self.community_id,
            "moved_out_on": left.moved_out_on if left else None, "deceased_on": left.deceased_on if left else None,
            "registered_household_id": None, "created_at": self.now, "updated_at": self.now, "version": 1,
        })
        # When one who left had joined is not in the ledger: not after they left, at least.
        batch.membership_rows.append({
            "household_id": household_id, "person_id": person_id, "relation": row.relation,
            "joined_on": min(self.today, left.left_on) if left else self.today,
            "left_on": left.left_on if left else None, "left_reason": left.left_reason if left else "",
        })

    def _household_row(self, group: HouseholdGroup, household_id: int, number: str) -> dict[str, Any]:
        home = self.work.homes[id(group)]
        head = _head(group)
        phone = head.values["phone"] or next((row.values["phone"] for row in group.rows if row.values["phone"]), "")
        status, ended_on = _household_status(group)
        return {
            "id": household_id, "community_id": self.community_id, **self.places.ids(home),
            "number": number, "room": home.room, "address": home.address,
            "kind": "registered" if head.values["population_type"] == "registered" else "dwelling",
            "phone": phone, "status": status, "notes": "", "moved_out_on": ended_on,
            "created_at": self.now, "updated_at": self.now, "version": 1,
        }

    def _insert(self, batch: _Batch) -> None:
        insert_rows(self.connection, Household, batch.household_rows)
        insert_rows(self.connection, Person, batch.person_rows)
        self.existing.flush()  # closes memberships before the new ones open
        insert_rows(self.connection, Membership, batch.membership_rows)


def _head(group: HouseholdGroup) -> CleanRow:
    """The living 户主; in a household everyone has left, the first 户主 row (or the first row)."""
    heads = [row for row in group.rows if row.relation == HEAD]
    return next((row for row in heads if row.departure is None), heads[0] if heads else group.rows[0])


def _household_status(group: HouseholdGroup) -> tuple[str, date | None]:
    """active while anyone lives there; else closed on the last leaving day, as the counter closes
    households: 注销 when the last to leave died (record_death), else 迁出 (move_out)."""
    if group.living:
        return "active", None
    departures = [row.departure for row in group.rows if row.departure is not None]
    ended_on = max(left.left_on for left in departures)
    last = [left for left in departures if left.left_on == ended_on]
    died = all(left.moved_out_on is None for left in last)
    return ("cancelled" if died else "moved_out"), ended_on


def _batches(items: list[_KeySource], size: int) -> Iterator[tuple[int, list[_KeySource]]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]
