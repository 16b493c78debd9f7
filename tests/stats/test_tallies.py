"""Residents counted once per (community, grid, type, age band): what the report's figures, its
grid rows and its headless check are folded from, shared within a job and narrowed per scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from actors import actor_for
from reports_month_oracle import count
from sqlalchemy import event, select

from models import Grid, Household, Membership
from station.db import Database
from station.demo import community as demo
from station.places.directory import list_communities
from station.scope import community_view
from station.stats.tallies import resident_tallies, shared_tallies
from station.uow import UnitOfWork

STREET = actor_for("street", None)
MONTH_END = date(2026, 10, 31)


@pytest.fixture
def street(db, settings, community_id) -> dict[str, int]:
    """Two demo communities; in the first, a household of several ages loses its head."""
    demo.generate(db, households=50, seed=4242)
    east = replace(settings, station=replace(settings.station, name="东站", community="东社区", community_code="DSQ"))
    demo.generate(Database(db.engine, east, db.clock), households=30, seed=77)
    with db.session() as session:
        head = session.scalars(
            select(Membership).join(Household, Household.id == Membership.household_id)
            .where(Membership.relation == "02", Membership.left_on.is_(None), Household.status == "active",
                   Household.community_id == community_id).order_by(Membership.id)).first()
        head.relation = "97"
        session.commit()
    with UnitOfWork(db, STREET) as uow:
        return {community.code: community.id for community in list_communities(uow)}


def _grids(db, community_id: int) -> dict[int, str]:
    with db.session() as session:
        return dict(session.execute(select(Grid.id, Grid.code).where(Grid.community_id == community_id)).all())


def _per_grid(tallies) -> dict[int, tuple[int, int, int]]:
    """(households, persons, headless) per grid."""
    persons: Counter = Counter()
    for tally in tallies.residents:
        persons[tally.grid_id] += tally.persons
    return {tally.grid_id: (tally.households, persons[tally.grid_id], tally.headless) for tally in tallies.households}


def test_households_persons_and_headless_per_grid_equal_an_independent_count(db, street):
    for community_id in street.values():
        with UnitOfWork(db, actor_for("admin", community_id)) as uow:
            counted = _per_grid(resident_tallies(uow, MONTH_END))
        with db.session() as session:
            oracle = count(session, community_id, 2026, 10)
        codes = _grids(db, community_id)
        assert {codes[grid]: figures[:2] for grid, figures in counted.items()} == {
            code: tuple(values[:2]) for code, values in oracle.grids.items() if values[1]}
        assert sum(figures[2] for figures in counted.values()) == len(oracle.headless)


def test_the_household_without_a_head_is_counted_once_whatever_its_members_ages(db, street, community_id):
    with UnitOfWork(db, actor_for("admin", community_id)) as uow:
        tallies = resident_tallies(uow, MONTH_END)
    assert sum(tally.headless for tally in tallies.households) == 1
    assert len({(tally.population_type, tally.age_band) for tally in tallies.residents}) > 1


def test_a_street_job_counts_once_and_each_scope_gets_what_it_would_count_alone(db, street):
    community_id = street["DSQ"]
    grid_id = next(iter(_grids(db, community_id)))
    scopes = [(actor_for("admin", community_id), None), (actor_for("admin", community_id), grid_id),
              (actor_for("grid_worker", community_id, grid_ids={grid_id}), None)]
    alone = []
    for actor, grid in scopes:
        with UnitOfWork(db, actor) as uow:
            alone.append(resident_tallies(uow, MONTH_END, grid))
    with UnitOfWork(db, STREET) as uow, shared_tallies(uow):
        whole = resident_tallies(uow, MONTH_END)
        shared = []
        for actor, grid in scopes:
            with community_view(uow, community_id):
                uow.actor = replace(uow.actor, grid_ids=actor.grid_ids)
                shared.append(resident_tallies(uow, MONTH_END, grid))
    assert [(set(t.residents), t.households) for t in shared] == [(set(t.residents), t.households) for t in alone]
    assert {tally.community_id for tally in whole.households} == set(street.values())


def test_the_shared_counts_end_with_the_job(db, street, community_id):
    actor = actor_for("admin", community_id)
    with UnitOfWork(db, actor) as uow:
        with shared_tallies(uow):
            before = sum(tally.persons for tally in resident_tallies(uow, MONTH_END).residents)
            uow.session.execute(Membership.__table__.update()
                                .where(Membership.id == uow.session.scalars(
                                    select(Membership.id).where(Membership.left_on.is_(None))
                                    .join(Household, Household.id == Membership.household_id)
                                    .where(Household.community_id == community_id)).first())
                                .values(left_on=date(2026, 10, 1)))
            assert sum(tally.persons for tally in resident_tallies(uow, MONTH_END).residents) == before  # kept
        assert sum(tally.persons for tally in resident_tallies(uow, MONTH_END).residents) == before - 1


def test_a_job_counted_for_fewer_grids_does_not_answer_for_more(db, street, community_id):
    """Counts shared from a grid worker's job never stand in for what a wider scope sees."""
    grid_id = next(iter(_grids(db, community_id)))
    with UnitOfWork(db, actor_for("admin", community_id)) as uow:
        whole = resident_tallies(uow, MONTH_END)
    with UnitOfWork(db, actor_for("grid_worker", community_id, grid_ids={grid_id})) as uow, shared_tallies(uow):
        mine = resident_tallies(uow, MONTH_END)
        uow.actor = actor_for("admin", community_id)
        widened = resident_tallies(uow, MONTH_END)
    assert {tally.grid_id for tally in mine.households} == {grid_id}
    assert (set(widened.residents), widened.households) == (set(whole.residents), whole.households)
    assert len(whole.households) > 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_on_sqlite_residents_are_counted_from_the_covering_indexes_not_the_tables(db, street, community_id):
    """Each table page read is one more page to decrypt on an encrypted database: the counts
    read persons and households from their "living" indexes, never row by row from the tables."""
    statements: list[tuple[str, tuple]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "FROM memberships" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with UnitOfWork(db, actor_for("admin", community_id)) as uow:
            resident_tallies(uow, MONTH_END)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(statements) == 2  # residents by type and age; households and their heads
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            plan = " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "persons USING COVERING INDEX ix_persons_living" in plan, plan
            assert "households USING COVERING INDEX ix_households_living" in plan, plan
