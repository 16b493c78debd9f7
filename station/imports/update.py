"""Upsert's changes to rows that already exist: persons, their memberships, their households.

Updates are queued per chunk and run as executemany before the chunk's inserts (a membership
must close before the person's new one opens). Versions are checked and bumped like the ORM
does, so a clerk editing one of these persons meanwhile gets the usual "modified" refusal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, update

from models import Household, Membership, Person, SearchEntry
from station.errors import ConflictError
from station.imports.existing import ExistingPerson
from station.imports.plan import PlannedWork
from station.imports.rows import PERSON_FIELDS, CleanRow

LEFT_REASON = "导入调整"


class ExistingRowWriter:
    def __init__(self, connection: Connection, work: PlannedWork, now: datetime, today: date):
        self.connection, self.work, self.now, self.today = connection, work, now, today
        self.person_rows: list[dict[str, Any]] = []
        self.closed: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []
        self.touched: set[int] = set()

    def touch(self, household_id: int | None) -> None:
        """Note an existing household whose members change (its version is bumped at the end)."""
        if household_id is not None:
            self.touched.add(household_id)

    def update_person(self, person: ExistingPerson, row: CleanRow,
                      household_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Queue the person's update; return their new values and any membership row to insert."""
        values = {**person.values, **{name: row.values[name] for name in row.given}}
        self.person_rows.append({
            **{f"v_{name}": values[name] for name in PERSON_FIELDS}, "v_sex": row.values["sex"],
            "v_birth_date": row.values["birth_date"], "p_id": person.id, "p_version": person.version,
            "new_version": person.version + 1,
            "v_moved_out_on": row.departure.moved_out_on if row.departure else None,
        })
        keyed = {**values, "id_number": row.values["id_number"]}
        if row.departure is not None:
            return keyed, []  # history: only the person's details change
        self.touch(person.household_id)
        if person.household_id == household_id:
            if person.relation != row.relation:
                self.relations.append({"m_id": person.membership_id, "v_relation": row.relation})
            return keyed, []
        if person.membership_id is not None:
            self.closed.append({"m_id": person.membership_id})
        membership = {"household_id": household_id, "person_id": person.id, "relation": row.relation,
                      "joined_on": self.today, "left_on": None, "left_reason": ""}
        return keyed, [membership]

    def flush(self) -> None:
        """Run the queued updates (before the chunk's inserts)."""
        if self.person_rows:
            self._update_persons()
        if self.closed:
            self.connection.execute(
                update(Membership).where(Membership.id == bindparam("m_id"))
                .values(left_on=self.today, left_reason=LEFT_REASON), self.closed)
        if self.relations:
            self.connection.execute(update(Membership).where(Membership.id == bindparam("m_id"))
                                    .values(relation=bindparam("v_relation")), self.relations)
        self.person_rows, self.closed, self.relations = [], [], []

    def finish(self) -> None:
        """Bump touched households' versions; close households the import left empty."""
        emptied = set(self.work.upsert.emptied)
        touched = sorted(self.touched - emptied)
        if touched:
            self.connection.execute(
                update(Household).where(Household.id.in_(touched))
                .values(version=Household.version + 1, updated_at=self.now))
        if emptied:
            self.connection.execute(
                update(Household).where(Household.id.in_(sorted(emptied)))
                .values(status="cancelled", moved_out_on=self.today, version=Household.version + 1,
                        updated_at=self.now))

    def _update_persons(self) -> None:
        ids = [row["p_id"] for row in self.person_rows]
        statement = (
            update(Person).where(Person.id == bindparam("p_id"), Person.version == bindparam("p_version"))
            .values(**{name: bindparam(f"v_{name}") for name in (*PERSON_FIELDS, "sex", "birth_date")},
                    version=bindparam("new_version"), moved_out_on=bindparam("v_moved_out_on"),
                    updated_at=self.now)
        )
        result = self.connection.execute(statement, self.person_rows)
        if self.connection.dialect.supports_sane_multi_rowcount and result.rowcount != len(ids):
            raise ConflictError("common.stale")
        # Their keys are rewritten with the chunk's inserts.
        self.connection.execute(delete(SearchEntry).where(SearchEntry.person_id.in_(ids)))
