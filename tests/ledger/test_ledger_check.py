"""`station check`'s service: clean on what the services, the demo and an import write; each rule
broken once by writing the bad rows directly, and the rule names the household (户号)."""

from __future__ import annotations

from datetime import datetime

import pytest
from actors import actor_for
from figures_fixtures import SmallLedger, build_small_ledger, reopen_membership
from import_books import import_rows, late_head_family
from sqlalchemy import text

from station.demo import community as demo
from station.errors import PermissionDenied
from station.ledger.check import RULE_CODES, check_ledger
from station.ledger.check_records import LedgerCheck
from station.uow import UnitOfWork


@pytest.fixture
def ledger(db, admin, community_id) -> SmallLedger:
    return build_small_ledger(db, admin, community_id)


def checked(db, actor=None) -> LedgerCheck:
    with UnitOfWork(db, actor or actor_for("admin", None)) as uow:
        return check_ledger(uow)


def broken(result: LedgerCheck) -> dict[str, int]:
    return {rule.code: rule.violations for rule in result.broken}


def run_sql(db, sql: str, **params) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_what_the_services_write_is_clean(db, ledger):
    result = checked(db)
    assert result.ok, broken(result)
    assert [rule.code for rule in result.rules] == list(RULE_CODES) and len(RULE_CODES) >= 12


def test_the_demo_is_clean(db, community_id):
    demo.generate(db, households=120, seed=4242)
    result = checked(db)
    assert result.ok, broken(result)


def test_an_import_with_the_dead_and_the_departed_is_clean(db, admin, tmp_path):
    assert import_rows(db, admin, tmp_path, late_head_family()).written
    back = late_head_family(r2={"状态": "在住", "迁出日期": ""})
    assert import_rows(db, admin, tmp_path, back, mode="upsert", name="again.xlsx").written
    result = checked(db)
    assert result.ok, broken(result)


# (rule, household the rule must name, person it must name or "", SQL that breaks it)
BREAKS = [
    ("no_head", "H4", "", "update memberships set relation = '97' where person_id = :p", "陈一"),
    ("several_heads", "H1", "", "update memberships set relation = '02' where person_id = :p", "李四"),
    ("closed_household_member", "H2", "王六", "", "王六"),
    ("dead_member", "H4", "陈父", "", "陈父"),
    ("moved_out_member", "H4", "陈二", "", "陈二"),
    ("homeless_person", "H1", "张小明",
     "update memberships set left_on = '2026-11-20', left_reason = '转户' where person_id = :p", "张小明"),
    ("missing_search_keys", "H1", "李四", "delete from search_keys where person_id = :p", "李四"),
    ("open_register_of_departed", "H4", "陈父",
     "insert into register_entries (community_id, person_id, category, start_on, end_reason, visit_every_days,"
     " attributes, notes, created_at, version) select community_id, id, 'oldest_old', '2026-01-05', '', 30,"
     " cast('{}' as json), '', :now, 1 from persons where id = :p", "陈父"),
    ("left_before_joined", "H4", "陈二", "update memberships set joined_on = '2026-11-10' where person_id = :p", "陈二"),
    ("closing_date", "H2", "", "update households set moved_out_on = null where id = :h", "王五"),
    ("future_date", "H3", "赵老", "update persons set deceased_on = '2027-01-01' where id = :p", "赵老"),
    ("before_birth", "H3", "赵老", "update persons set deceased_on = '1930-01-01' where id = :p", "赵老"),
]


@pytest.mark.parametrize("code, home, name, sql, person", BREAKS, ids=[b[0] for b in BREAKS])
def test_each_rule_names_the_household_that_breaks_it(db, ledger, code, home, name, sql, person):
    if sql:
        run_sql(db, sql, p=ledger.persons[person], h=ledger.households[home], now=datetime(2026, 11, 23))
    else:
        reopen_membership(db, ledger.persons[person])
    rule = next(rule for rule in checked(db).rules if rule.code == code)
    assert rule.violations == 1 and rule.households == 1, rule
    (example,) = rule.examples
    assert (example.household_id, example.number) == (ledger.households[home], ledger.numbers[home])
    assert example.person_names == ((name,) if name else ())
    assert example.community_name == "幸福里社区"


def test_units_and_buildings_written_as_one_number_are_twins(db, ledger):
    """三单元 beside 3 in one building, 一号楼 beside 1号楼 in one grid: each household living in
    them is named; a twin no one lives in (any more) splits nobody."""
    run_sql(db, "insert into buildings (grid_id, name, kind, address) values (:g, '1号楼', 'building', ''),"
            " (:g, '一号楼', 'building', ''), (:g, '2号楼', 'building', '')", g=ledger.grid_id)
    with db.engine.begin() as connection:
        ids = {name: id_ for name, id_ in connection.execute(
            text("select name, id from buildings where grid_id = :g"), {"g": ledger.grid_id})}
        for building, unit in ((ids["2号楼"], "3"), (ids["2号楼"], "三单元"), (ids["1号楼"], "3单元")):
            connection.execute(text("insert into units (building_id, name) values (:b, :n)"), {"b": building, "n": unit})
        units = {name: id_ for name, id_ in connection.execute(text("select name, id from units"))}
    moves = {"H1": (ids["2号楼"], units["3"]), "H4": (ids["2号楼"], units["三单元"]), "H2": (ids["一号楼"], None),
             "H3": (ids["1号楼"], units["3单元"])}
    for home, (building, unit) in moves.items():
        run_sql(db, "update households set building_id = :b, unit_id = :u where id = :h",
                b=building, u=unit, h=ledger.households[home])
    rule = next(rule for rule in checked(db).rules if rule.code == "twin_places")
    # H2 and H3 have closed: 一号楼 beside 1号楼 is history, not a twin to tidy up.
    assert [example.number for example in rule.examples] == [ledger.numbers["H1"], ledger.numbers["H4"]]
    run_sql(db, "update households set building_id = :b, unit_id = :u where id = :h",
            b=ids["1号楼"], u=units["3单元"], h=ledger.households["H4"])
    assert "twin_places" not in broken(checked(db))


def test_examples_are_cut_by_household_and_counted_in_full(db, ledger):
    for name in ("王六", "陈父", "陈二"):
        reopen_membership(db, ledger.persons[name])
    with UnitOfWork(db, actor_for("admin", None)) as uow:
        result = check_ledger(uow, examples=1)
    left = {rule.code: rule for rule in result.rules}
    assert (left["moved_out_member"].violations, left["moved_out_member"].households) == (2, 2)
    assert [e.number for e in left["moved_out_member"].examples] == [ledger.numbers["H2"]]


def test_a_community_sees_its_own_ledger_only(db, ledger, community_id):
    run_sql(db, "update memberships set relation = '97' where person_id = :p", p=ledger.persons["陈一"])
    assert not checked(db, actor_for("admin", community_id)).ok
    assert checked(db, actor_for("admin", community_id + 1)).ok
    assert checked(db, actor_for("grid_worker", community_id, grid_ids={ledger.grid_id + 1})).ok


def test_reading_the_ledger_is_needed(db, ledger, community_id):
    with UnitOfWork(db, actor_for("", community_id)) as uow, pytest.raises(PermissionDenied):
        check_ledger(uow)


def test_dates_compare_with_the_station_clock(db, ledger, clock):
    clock.current = datetime(2026, 11, 9, 9, 0)  # before 王五's household moved out (11-10)
    assert "future_date" in broken(checked(db))
    clock.current = datetime(2026, 11, 23, 9, 0)
    assert checked(db).ok


def test_search_keys_of_a_person_no_longer_there_are_found(db, ledger):
    """search_keys has no foreign keys: keys left behind by a delete around the services show."""
    person = ledger.persons["李四"]
    run_sql(db, "delete from search_keys where person_id = :p", p=person)
    run_sql(db, "insert into search_keys (person_id, community_id, grid_id, key) "
            "select 987654, community_id, grid_id, key from search_keys where person_id = :p",
            p=ledger.persons["张三"])
    rule = next(rule for rule in checked(db).rules if rule.code == "orphan_search_keys")
    assert (rule.violations, rule.households) == (1, 1), rule  # one person's keys, in no household
    assert [(example.household_id, example.person_names) for example in rule.examples] == [(None, ())]
    assert set(broken(checked(db))) == {"orphan_search_keys", "missing_search_keys"}
    run_sql(db, "delete from search_keys where person_id = 987654")
    assert set(broken(checked(db))) == {"missing_search_keys"}
