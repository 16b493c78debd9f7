"""状态, 迁出日期 and 死亡日期 in a ledger: the dead and the departed are imported as such, checked,
and an upsert never changes them (that is done at the counter)."""

from __future__ import annotations

from datetime import date

import pytest
from import_books import (
    HEAD_ID,
    SPOUSE_ID,
    import_rows,
    late_head_family,
    person,
)
from sqlalchemy import select

from models import Household, Membership, Person, SearchEntry
from station.search import lookup as search
from station.uow import UnitOfWork


def people(db) -> dict[str, tuple]:
    with db.session() as session:
        found = session.execute(
            select(Person.name, Person.moved_out_on, Person.deceased_on, Membership.relation, Membership.left_on,
                   Membership.left_reason).join(Membership, Membership.person_id == Person.id))
        return {row[0]: tuple(row[1:]) for row in found}


def test_the_dead_and_the_departed_are_imported_as_such(db, admin, tmp_path):
    report = import_rows(db, admin, tmp_path, late_head_family())
    assert report.written, [error.describe() for error in report.errors]
    assert people(db) == {
        "老王": (None, date(2025, 5, 1), "02", date(2025, 5, 1), "死亡"),
        "王妻": (None, None, "02", None, ""),
        "王子": (date(2024, 6, 1), None, "20", date(2024, 6, 1), "迁出"),
    }
    with db.session() as session:
        assert session.scalar(select(Household.status)) == "active"
        grids = dict(session.execute(select(Person.name, SearchEntry.grid_id).join(
            SearchEntry, SearchEntry.person_id == Person.id)).all())
    assert grids["王子"] is None and grids["王妻"] is not None  # who left keeps no home keys


@pytest.mark.parametrize("statuses, expected", [
    ((("迁出", "2026-01-01", ""), ("迁出", "2026-01-01", "")), ("moved_out", date(2026, 1, 1))),
    ((("迁出", "2025-01-01", ""), ("死亡", "", "2026-02-01")), ("cancelled", date(2026, 2, 1))),
])
def test_a_household_everyone_left_is_closed(db, admin, tmp_path, statuses, expected):
    rows = [person("H9", "甲", HEAD_ID, "户主"), person("H9", "乙", SPOUSE_ID, "配偶")]
    for row, (status, moved, died) in zip(rows, statuses, strict=True):
        row.update(状态=status, 迁出日期=moved, 死亡日期=died)
    assert import_rows(db, admin, tmp_path, rows).written
    with db.session() as session:
        assert tuple(session.execute(select(Household.status, Household.moved_out_on)).one()) == expected


def test_a_blank_status_follows_the_dates(db, admin, tmp_path):
    rows = late_head_family(r0={"状态": ""}, r2={"状态": ""})
    assert import_rows(db, admin, tmp_path, rows).written
    assert people(db)["老王"][1] == date(2025, 5, 1) and people(db)["王子"][0] == date(2024, 6, 1)


@pytest.mark.parametrize("changes, column, reason", [
    ({"r1": {"状态": "在住", "死亡日期": "2025-01-01"}}, "状态", "状态为“在住”，却填写了死亡日期：请改正状态或删去日期"),
    ({"r2": {"迁出日期": ""}}, "迁出日期", "状态为“迁出”，请填写迁出日期"),
    ({"r0": {"死亡日期": "2030-01-01"}}, "死亡日期", "死亡日期不能晚于今天"),
    ({"r0": {"死亡日期": "1949-01-01"}}, "死亡日期", "死亡日期早于出生日期"),
    ({"r2": {"状态": "失踪"}}, "状态", "无法识别的状态“失踪”，应为在住、迁出或死亡"),
    ({"r2": {"死亡日期": "2025-01-01"}}, "状态", "填写了死亡日期，状态应为“死亡”"),
    ({"r0": {"迁出日期": "2025-06-01"}}, "迁出日期", "迁出日期晚于死亡日期"),
])
def test_status_and_dates_that_do_not_fit_are_refused(db, admin, tmp_path, changes, column, reason):
    report = import_rows(db, admin, tmp_path, late_head_family(**changes))
    assert not report.written
    assert [(error.column, error.reason_text()) for error in report.errors] == [(column, reason)]


def test_a_household_needs_one_living_head(db, admin, tmp_path):
    rows = late_head_family(r1={"与户主关系": "配偶"})
    errors = import_rows(db, admin, tmp_path, rows).errors
    assert {error.row for error in errors} == {5} and "没有户主" in errors[0].reason_text()


def test_an_upsert_keeps_history_and_changes_only_details(db, admin, tmp_path):
    assert import_rows(db, admin, tmp_path, late_head_family()).written
    renamed = late_head_family(r2={"姓名": "王小子", "联系电话": "13800138000"})
    report = import_rows(db, admin, tmp_path, renamed, mode="upsert", name="again.xlsx")
    assert report.written and report.counts.persons_updated == 1 and report.counts.persons_unchanged == 2
    assert people(db)["王小子"] == (date(2024, 6, 1), None, "20", date(2024, 6, 1), "迁出")
    with db.session() as session:
        assert session.scalar(select(Person.phone).where(Person.name == "王小子")) == "13800138000"


@pytest.mark.parametrize("changes, reason", [
    ({"r1": {"状态": "死亡", "死亡日期": "2026-01-01"}}, "“王妻”在库中为在住，与文件不符；迁出、死亡请在台账中办理"),
    ({"r0": {"死亡日期": "2025-05-02"}}, "“老王”在库中为死亡（2025-05-01），与文件不符"),
    ({"r2": {"迁出日期": "2024-06-02"}}, "“王子”在库中为迁出（2024-06-01），与文件不符"),
    ({"r0": {"状态": "在住", "死亡日期": "", "与户主关系": "配偶"}}, "“老王”已登记死亡，不能通过导入恢复"),
    ({"r2": {"与户主关系": "女"}}, "“王子”已迁出，其户号和与户主关系不能通过导入更改"),
])
def test_an_upsert_never_rewrites_who_left_or_when(db, admin, tmp_path, changes, reason):
    assert import_rows(db, admin, tmp_path, late_head_family()).written
    before = people(db)
    report = import_rows(db, admin, tmp_path, late_head_family(**changes), mode="upsert", name="again.xlsx")
    assert not report.written and len(report.errors) == 1 and report.errors[0].reason_text().startswith(reason)
    assert people(db) == before


def test_a_moved_out_person_listed_as_living_moves_back_in(db, admin, tmp_path):
    assert import_rows(db, admin, tmp_path, late_head_family()).written
    back = late_head_family(r2={"状态": "在住", "迁出日期": ""})
    report = import_rows(db, admin, tmp_path, back, mode="upsert", name="again.xlsx")
    assert report.written and report.counts.persons_updated == 1
    assert people(db)["王子"] == (None, None, "20", None, "")


def test_search_keys_of_the_departed_match_a_reindex(db, admin, tmp_path):
    import_rows(db, admin, tmp_path, late_head_family())
    with db.session() as session:
        imported = sorted(session.execute(select(SearchEntry.person_id, SearchEntry.grid_id, SearchEntry.key)))
    with UnitOfWork(db, admin) as uow:
        search.reindex_persons(uow, uow.session.scalars(select(Person.id)))
        uow.commit()
    with db.session() as session:
        assert imported == sorted(session.execute(select(SearchEntry.person_id, SearchEntry.grid_id,
                                                         SearchEntry.key)))
