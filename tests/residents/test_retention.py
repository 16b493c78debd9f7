"""Retention: exactly the people who moved out or died before the limit are de-identified, the
figures of closed months stay as they were, and the audit chain still verifies (a redaction no
retention run declared does not)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from actors import actor_for
from audit_support import behind_the_apps_back, check
from figures_fixtures import SmallLedger, build_small_ledger
from sqlalchemy import text

from station.audit_chain import redacted_ids
from station.errors import PermissionDenied
from station.retention.deidentify import NO_NAME, run_retention
from station.retention.departed import plan_retention
from station.search.lookup import search
from station.settings import RetentionSettings
from station.stats.figures import month_figures
from station.uow import UnitOfWork

DEPARTED = {"赵老", "陈父", "陈二", "王五", "王六"}  # died 11-01/11-05, left 11-06, moved out 11-10


@pytest.fixture
def ledger(db, admin, community_id) -> SmallLedger:
    return build_small_ledger(db, admin, community_id)


def at(db, clock, day: str, years: int = 1) -> None:
    """Move the clock to `day` with a retention limit of `years`."""
    clock.current = datetime.fromisoformat(f"{day}T09:00:00")
    db.settings = replace(db.settings, retention=RetentionSettings(years=years))


def plan(db, actor):
    with UnitOfWork(db, actor) as uow:
        return plan_retention(uow)


def run(db, actor):
    with UnitOfWork(db, actor) as uow:
        return run_retention(uow, plan_retention(uow))


def names(db, ledger: SmallLedger, ids) -> set[str]:
    return {name for name, person_id in ledger.persons.items() if person_id in ids}


def test_the_dry_run_names_exactly_those_past_the_limit(db, clock, admin, ledger):
    at(db, clock, "2027-11-06")  # cutoff 2026-11-06: the two deaths, not those who left on or after it
    found = plan(db, admin)
    assert names(db, ledger, {person.person_id for person in found.people}) == {"赵老", "陈父"}
    assert {person.reason for person in found.people} == {"died"}
    assert all("*" in person.id_number for person in found.people)
    at(db, clock, "2029-12-01", years=3)
    assert names(db, ledger, {person.person_id for person in plan(db, admin).people}) == DEPARTED


def test_a_run_blanks_them_and_leaves_everyone_else(db, clock, admin, ledger):
    with db.engine.connect() as connection:
        before = {row.id: row for row in connection.execute(text("select * from persons"))}
    at(db, clock, "2029-12-01", years=3)
    result = run(db, admin)
    assert result.persons == len(DEPARTED)
    gone = {ledger.persons[name] for name in DEPARTED}
    with db.engine.connect() as connection:
        after = {row.id: row for row in connection.execute(text("select * from persons"))}
        keys = set(connection.execute(text("select distinct person_id from search_keys")).scalars())
    for person_id, row in after.items():
        if person_id in gone:
            assert (row.name, row.phone, row.notes) == (NO_NAME, "", "")
            assert row.id_number == f"deid-{person_id}" and row.deidentified_on is not None
            assert (row.birth_date, row.sex) == (before[person_id].birth_date, before[person_id].sex)
        else:
            assert (row.name, row.id_number, row.deidentified_on) == (
                before[person_id].name, before[person_id].id_number, None)
    assert keys == set(after) - gone
    assert plan(db, admin).people == ()  # a second run finds nobody


def test_searching_a_de_identified_name_or_number_finds_nothing(db, clock, admin, ledger):
    with db.engine.connect() as connection:
        number = connection.execute(text("select id_number from persons where id = :p"),
                                    {"p": ledger.persons["赵老"]}).scalar_one()
    at(db, clock, "2029-12-01", years=3)
    run(db, admin)
    with UnitOfWork(db, admin) as uow:
        assert search(uow, "赵老", include_inactive=True) == []
        assert search(uow, number, include_inactive=True) == []


def test_figures_of_a_closed_month_are_unchanged(db, clock, admin, ledger):
    at(db, clock, "2029-12-01", years=3)
    with UnitOfWork(db, admin) as uow:
        november = month_figures(uow, 2026, 11)
    run(db, admin)
    with UnitOfWork(db, admin) as uow:
        assert month_figures(uow, 2026, 11) == november


def test_the_chain_verifies_and_the_run_declares_every_row_it_blanked(db, clock, admin, ledger):
    at(db, clock, "2029-12-01", years=3)
    result = run(db, admin)
    assert check(db).ok
    with db.engine.connect() as connection:
        blanked = set(connection.execute(text(
            "select id from audit_log where redacted_at is not null")).scalars())
        declared = connection.execute(text(
            "select cast(new_values as text) from audit_log where action = 'retention'")).scalar_one()
        registrations = connection.execute(text(
            "select cast(new_values as text) from audit_log where action = 'register'"
            " and redacted_at is null")).scalars().all()
    assert blanked and len(blanked) == result.audit_rows and redacted_ids(declared) == blanked
    # A registration that lists anyone past the limit is blanked whole: H1 and H5 keep theirs.
    assert len(registrations) == 2 and all(name in "".join(registrations) for name in ("张三", "刘甲"))
    assert not any(name in "".join(registrations) for name in DEPARTED)


def test_a_redaction_no_run_declared_breaks_the_chain(db, clock, admin, ledger):
    with db.engine.connect() as connection:
        row = connection.execute(text("select min(id) from audit_log")).scalar_one()
    behind_the_apps_back(db, "update audit_log set old_values = null, new_values = null, detail = '',"
                             " redacted_at = :at where id = :i", at=datetime(2027, 1, 1), i=row)
    found = check(db)
    assert (found.ok, found.broken_at, found.problem) == (False, row, "redacted")


def test_a_blanked_row_given_new_values_is_caught(db, clock, admin, ledger):
    at(db, clock, "2029-12-01", years=3)
    run(db, admin)
    with db.engine.connect() as connection:
        row = connection.execute(text("select min(id) from audit_log where redacted_at is not null")).scalar_one()
    behind_the_apps_back(db, "update audit_log set detail = '删除了一户' where id = :i", i=row)
    assert (check(db).broken_at, check(db).problem) == (row, "content")


def test_the_guard_lets_a_redaction_through_and_nothing_else(db, ledger):
    with db.engine.connect() as connection:
        row = connection.execute(text("select min(id) from audit_log")).scalar_one()
    for change in ("detail = 'x'", "detail = '', old_values = null, new_values = null",
                   "username = 'x', detail = '', old_values = null, new_values = null, redacted_at = :at"):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(f"update audit_log set {change} where id = :i"),
                               {"i": row, "at": datetime(2027, 1, 1)})
    with db.engine.begin() as connection:
        connection.execute(text("update audit_log set detail = '', old_values = null, new_values = null,"
                                " redacted_at = :at where id = :i"), {"i": row, "at": datetime(2027, 1, 1)})
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("update audit_log set redacted_at = :at where id = :i"),
                           {"i": row, "at": datetime(2028, 1, 1)})  # once redacted, never again


def test_only_an_administrator_may_run_it(db, clock, community_id, ledger):
    at(db, clock, "2029-12-01", years=3)
    for role in ("director", "staff", "clerk", "grid_worker", "street"):
        with pytest.raises(PermissionDenied):
            plan(db, actor_for(role, community_id))
