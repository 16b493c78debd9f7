"""Reads that say who looked at whom: opening a household's file, and a search by a whole ID or
phone number, each leave one audit row (numbers masked); a refresh or a fragment leaves none."""

from __future__ import annotations

from datetime import date

import pytest
from actors import actor_for
from audit_support import check
from factories import make_id
from ledger_fixtures import Resident, make_home, neighbourhood
from sqlalchemy import select
from threads import at_once

from models import AuditEntry, Person
from station.dossiers.household import household_file, open_household_file
from station.search.lookup import identifying_kind, reindex_persons, search
from station.uow import UnitOfWork, is_reading

PHONE = "13912345678"


@pytest.fixture
def home(db, community_id):
    place = neighbourhood(db, community_id)
    home = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))
    with UnitOfWork(db, actor_for("admin", community_id)) as uow:
        uow.session.get(Person, home.person_ids[0]).phone = PHONE
        reindex_persons(uow, home.person_ids)
        uow.commit()
    return place, home


def audit_rows(db, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def id_number(db, person_id: int) -> str:
    with db.session() as session:
        return session.get(Person, person_id).id_number


def test_opening_a_household_is_one_audited_look_and_a_refresh_is_none(db, community_id, home):
    place, house = home
    worker = place.worker1.actor
    with UnitOfWork(db, worker) as uow:
        opened = open_household_file(uow, house.household_id)
    with UnitOfWork(db, worker) as uow:
        household_file(uow, house.household_id)
    (row,) = audit_rows(db, "view")
    assert (row.user_id, row.entity, row.entity_id) == (worker.user_id, "household", house.household_id)
    assert opened.household.number in row.detail


@pytest.mark.parametrize("typed, kind", [("whole id", "id_number"), (PHONE, "phone"), ("139 1234 5678", "phone")])
def test_a_search_by_a_whole_number_is_audited_masked(db, community_id, home, typed, kind):
    _place, house = home
    number = id_number(db, house.person_ids[0])
    query = number if typed == "whole id" else typed
    with UnitOfWork(db, actor_for("clerk", community_id)) as uow:
        assert [hit.name for hit in search(uow, query)] == ["王大爷"]
    (row,) = audit_rows(db, "search")
    assert row.new_values["by"] == kind and row.new_values["found"] == 1
    written = f"{row.detail} {row.new_values}"
    assert number not in written and PHONE not in written and "****" in written


def test_the_counter_s_search_reads_only_and_still_audits_a_whole_number(db, community_id, home):
    """The counter runs a search by a whole number in a writing unit of work; should it run in a
    reading one all the same, the audit row is written in a unit of its own."""
    _place, house = home
    number = id_number(db, house.person_ids[0])
    assert not is_reading(search, number) and is_reading(search, "王大爷")
    with UnitOfWork(db, actor_for("clerk", community_id), reading=True) as uow:
        assert [hit.name for hit in search(uow, number)] == ["王大爷"]
    (row,) = audit_rows(db, "search")
    assert row.new_values["by"] == "id_number" and number not in row.detail


@pytest.mark.parametrize("query", ["王大爷", "5678", "1391234", "wdy", "H0"])
def test_names_and_fragments_are_not_audited(db, community_id, home, query):
    with UnitOfWork(db, actor_for("clerk", community_id)) as uow:
        search(uow, query)
    assert audit_rows(db, "search") == []


VALID_ID = make_id(date(1949, 12, 31))
WRONG_CHECK = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")


@pytest.mark.parametrize("query, kind", [(VALID_ID, "id_number"), (VALID_ID[:17], None), (WRONG_CHECK, None),
                                         ("010-87654321", "phone"), ("01087654321", "phone"),
                                         ("87654321", None), ("13812345678", "phone")])
def test_what_counts_as_a_whole_number(query, kind):
    assert identifying_kind(query) == kind


def test_counters_searching_by_number_at_once_keep_one_audit_chain(db, community_id, home):
    """Each search by a whole number appends to the audit chain from its own unit of work, and
    the units that only read end by COMMIT on PostgreSQL: the chain's lock still serialises them."""
    number = id_number(db, home[1].person_ids[0])
    before = check(db).rows

    def counter(_name: str) -> None:
        for _ in range(10):
            with UnitOfWork(db, actor_for("clerk", community_id)) as uow:
                assert [hit.name for hit in search(uow, number)] == ["王大爷"]
            with UnitOfWork(db, actor_for("clerk", community_id)) as uow:
                search(uow, "王")  # a fragment: read only, no audit row

    assert not at_once(counter, "abcd")
    result = check(db)
    assert result.ok and result.rows == before + 40
