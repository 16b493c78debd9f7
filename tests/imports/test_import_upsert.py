"""Upsert mode: registered persons are updated, moved between households, never duplicated."""

from __future__ import annotations

from datetime import date

import pytest
from factories import make_id
from import_books import person, read, write_openpyxl
from sqlalchemy import insert, select

from models import Community, Grid, Household, Membership, Person
from station.actor import Actor
from station.imports.ledger import run_import
from station.ledger.households import register_household
from station.ledger.records import HouseholdDraft
from station.places.directory import add_grid
from station.residents.records import PersonDraft
from station.search import lookup as search
from station.uow import UnitOfWork

HEAD_ID = make_id(date(1970, 1, 1), seq=31)
SPOUSE_ID = make_id(date(1972, 2, 2), male=False, seq=32)
CHILD_ID = make_id(date(2000, 3, 3), seq=33)
ALONE_ID = make_id(date(1945, 4, 4), seq=34)


@pytest.fixture
def ledger(db, admin, community_id):
    """Household A1 (张三 head, 李四 spouse, 张小明 son) and S1 (王五 alone)."""
    with UnitOfWork(db, admin) as uow:
        grid = add_grid(uow, community_id, "G1", "第一网格")
    with UnitOfWork(db, admin) as uow:
        register_household(uow, HouseholdDraft(grid_id=grid.id, number="A1", address="幸福路1号", members=(
            PersonDraft("张三", HEAD_ID, "户主", phone="13800000001"),
            PersonDraft("李四", SPOUSE_ID, "配偶", notes="旧备注"),
            PersonDraft("张小明", CHILD_ID, "子"),
        )))
    with UnitOfWork(db, admin) as uow:
        register_household(uow, HouseholdDraft(grid_id=grid.id, number="S1", address="幸福路2号",
                                               members=(PersonDraft("王五", ALONE_ID, "户主"),)))
    return grid


def upsert(db, actor, tmp_path, rows, header=None):
    path = write_openpyxl(tmp_path / "upsert.xlsx", rows, header=header)
    with UnitOfWork(db, actor) as uow:
        return run_import(uow, read(path), mode="upsert")


def persons(db) -> dict[str, Person]:
    with db.session() as session:
        return {p.id_number: p for p in session.scalars(select(Person))}


def membership(db, id_number: str) -> tuple[str, str, date | None, str]:
    """(household number, relation, left_on, left_reason) of the person's latest membership."""
    with db.session() as session:
        return session.execute(
            select(Household.number, Membership.relation, Membership.left_on, Membership.left_reason)
            .join(Membership, Membership.household_id == Household.id)
            .join(Person, Person.id == Membership.person_id)
            .where(Person.id_number == id_number).order_by(Membership.id.desc()).limit(1)).one()


def test_filled_cells_update_blank_cells_keep(db, admin, ledger, tmp_path):
    report = upsert(db, admin, tmp_path, [
        person("A1", "张三", HEAD_ID, "户主", 联系电话="13900000002"),
        person("A1", "李四", SPOUSE_ID, "配偶", 备注="新备注"),
        person("A1", "张小明", CHILD_ID, "子"),
    ])
    assert report.written, report.errors
    assert (report.counts.persons_updated, report.counts.persons_unchanged) == (2, 1)
    people = persons(db)
    assert people[HEAD_ID].phone == "13900000002" and people[HEAD_ID].version == 2
    assert people[SPOUSE_ID].notes == "新备注" and people[SPOUSE_ID].phone == ""
    assert people[CHILD_ID].version == 1
    with UnitOfWork(db, admin) as uow:
        assert [hit.name for hit in search.search(uow, "13900000002")] == ["张三"]
        assert search.search(uow, "13800000001") == []


def test_an_unchanged_ledger_changes_nothing(db, admin, ledger, tmp_path):
    rows = [person("A1", "张三", HEAD_ID, "户主"), person("A1", "李四", SPOUSE_ID, "配偶")]
    report = upsert(db, admin, tmp_path, rows)
    assert report.counts.persons_unchanged == 2 and report.counts.persons_updated == 0
    assert report.counts.households_joined == 0
    assert {p.version for p in persons(db).values()} == {1}


def test_a_person_moves_to_a_new_household(db, admin, ledger, tmp_path):
    report = upsert(db, admin, tmp_path, [person("B1", "张小明", CHILD_ID, "户主", 地址="幸福路9号")])
    assert report.written and report.counts.households_created == 1 and report.counts.persons_updated == 1
    assert membership(db, CHILD_ID)[:2] == ("B1", "02")
    with db.session() as session:
        old = session.execute(select(Membership.left_on, Membership.left_reason).join(Person)
                              .where(Person.id_number == CHILD_ID, Membership.left_on.is_not(None))).one()
        a1 = session.scalar(select(Household).where(Household.number == "A1"))
    assert old == (date(2026, 11, 23), "导入调整")
    assert a1.version == 2 and a1.status == "active"


def test_relation_changes_in_place(db, admin, ledger, tmp_path):
    upsert(db, admin, tmp_path, [person("A1", "李四", SPOUSE_ID, "妻")])
    assert membership(db, SPOUSE_ID) == ("A1", "12", None, "")


def test_a_head_may_not_leave_others_headless(db, admin, ledger, tmp_path):
    report = upsert(db, admin, tmp_path, [person("B2", "张三", HEAD_ID, "户主", 地址="幸福路9号")])
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(4, "与户主关系")]
    assert "变更户主" in report.errors[0].reason_text()


def test_a_household_left_empty_is_closed(db, admin, ledger, tmp_path):
    report = upsert(db, admin, tmp_path, [person("A1", "王五", ALONE_ID, "父亲")])
    assert report.written, report.errors
    assert membership(db, ALONE_ID)[:2] == ("A1", "51")
    with db.session() as session:
        s1 = session.scalar(select(Household).where(Household.number == "S1"))
    assert (s1.status, s1.moved_out_on) == ("cancelled", date(2026, 11, 23))


def test_a_newborn_joins_a_household_by_its_number(db, admin, ledger, tmp_path):
    baby = make_id(date(2026, 10, 1), male=False, seq=35)
    report = upsert(db, admin, tmp_path, [person("A1", "张小红", baby, "女")])
    assert report.written and report.counts.persons_created == 1 and report.counts.households_created == 0
    assert membership(db, baby) == ("A1", "30", None, "")


def test_without_a_household_column_the_heads_household_is_matched(db, admin, ledger, tmp_path):
    baby = make_id(date(2026, 9, 1), seq=36)
    header = ["姓名", "身份证号", "关系"]
    rows = [{"姓名": "张三", "身份证号": HEAD_ID, "关系": "户主"}, {"姓名": "张小虎", "身份证号": baby, "关系": "子"}]
    report = upsert(db, admin, tmp_path, rows, header=header)
    assert report.written and report.counts.households_created == 0, report.errors
    assert membership(db, baby)[:2] == ("A1", "20")


def test_a_household_gaining_a_second_head_is_refused(db, admin, ledger, tmp_path):
    report = upsert(db, admin, tmp_path, [person("A1", "赵新", make_id(date(1980, 1, 1), seq=37), "户主")])
    assert not report.written and "2 名户主" in report.errors[0].reason_text()


def test_persons_of_another_community_are_refused(db, admin, ledger, tmp_path):
    other_id = make_id(date(1966, 6, 6), seq=38)
    with db.session() as session:
        community = session.scalar(insert(Community).values(code="OTHER", name="别的社区").returning(Community.id))
        grid = session.scalar(insert(Grid).values(community_id=community, code="X", name="X").returning(Grid.id))
        session.commit()
    other = Actor(user_id=None, username="other", role="admin", community_id=community)
    with UnitOfWork(db, other) as uow:
        register_household(uow, HouseholdDraft(grid_id=grid, address="别处", members=(
            PersonDraft("外人", other_id, "户主"),)))
    report = upsert(db, admin, tmp_path, [person("C1", "外人", other_id, "户主", 地址="这里")])
    assert not report.written and "其他社区" in report.errors[0].reason_text()


def test_new_households_start_at_version_one(db, admin, ledger, tmp_path):
    upsert(db, admin, tmp_path, [person("B3", "张小明", CHILD_ID, "户主", 地址="幸福路9号")])
    with db.session() as session:
        versions = dict(session.execute(select(Household.number, Household.version)).all())
    assert versions == {"A1": 2, "S1": 1, "B3": 1}
