"""Household ledger services on SQLite and PostgreSQL: registration, duplicates, operations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from actors import actor_for
from factories import family, make_id, person
from sqlalchemy import func, select

from models import AuditEntry, Household, Membership, Person
from station.errors import (
    ConflictError,
    DuplicateError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from station.ledger import households, members
from station.ledger.households import Location
from station.ledger.queries import get_household, get_person
from station.ledger.records import HouseholdDraft
from station.places import directory as places
from station.residents.records import PersonDraft
from station.uow import UnitOfWork

MOVED_IN = date(2026, 1, 5)


@pytest.fixture
def grid_id(uow, community_id) -> int:
    return places.add_grid(uow, community_id, "G01", "一网格").id


@pytest.fixture
def building_id(db, admin, grid_id) -> int:
    with UnitOfWork(db, admin) as uow:
        return places.add_building(uow, grid_id, "3号楼").id


def register(db, actor, draft):
    """Register a household whose members joined it in January (before any date a test records)."""
    with UnitOfWork(db, actor) as uow:
        return households.register_household(uow, replace(draft, registered_on=draft.registered_on or MOVED_IN))


def count(db, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_register_household_derives_sex_and_birth_and_audits(db, admin, grid_id, building_id):
    result = register(db, admin, family(grid_id, building_id=building_id))
    record = result.household
    assert record.number == "H000001"
    assert [m.relation for m in record.members][0] == "02"
    head = record.head
    assert head.name == "张三" and head.sex == "1" and head.birth_date == date(1980, 5, 1)
    assert {m.name for m in record.members} == {"张三", "李四", "张小明"}
    assert record.building_name == "3号楼"
    with db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "register"))
        assert entry.entity_id == record.id and len(entry.new_values["members"]) == 3


def test_second_household_gets_next_number(db, admin, grid_id, building_id):
    first = register(db, admin, family(grid_id, building_id=building_id, seq=1)).household
    second = register(db, admin, family(grid_id, building_id=building_id, seq=2)).household
    assert (first.number, second.number) == ("H000001", "H000002")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "校验"),
        ({"id_number": "210102198617083732"}, "id_number", "出生日期"),
        ({"sex": "2"}, "sex", "性别"),
        ({"birth_date": date(1981, 1, 1)}, "birth_date", "出生日期"),
        ({"name": "  "}, "name", "姓名"),
        ({"ethnicity": "火星族"}, "ethnicity", "民族"),
        ({"phone": "12345"}, "phone", ""),
        ({"relation": "邻居的猫"}, "relation", "关系"),
        ({"relation": " "}, "relation", "请填写与户主关系"),
    ],
)
def test_bad_member_refuses_whole_household(db, admin, grid_id, building_id, change, field, words):
    draft = family(grid_id, building_id=building_id)
    bad = PersonDraft(**{**draft.members[0].__dict__, **change})
    draft = HouseholdDraft(grid_id=grid_id, building_id=building_id, members=(bad, *draft.members[1:]))
    with pytest.raises(ValidationError) as caught:
        register(db, admin, draft)
    assert caught.value.field == field
    assert words in caught.value.message and "第 1 名成员" in caught.value.message
    assert count(db, Person) == 0 and count(db, Household) == 0


def test_exactly_one_head(db, admin, grid_id, building_id):
    two_heads = HouseholdDraft(grid_id=grid_id, building_id=building_id, members=(
        person("甲", "户主", date(1970, 1, 1), seq=1), person("乙", "本人", date(1971, 1, 1), seq=2)))
    no_head = HouseholdDraft(grid_id=grid_id, building_id=building_id, members=(
        person("甲", "子", date(1970, 1, 1), seq=1),))
    with pytest.raises(ValidationError, match="只能有一名户主"):
        register(db, admin, two_heads)
    with pytest.raises(ValidationError, match="必须有一名户主"):
        register(db, admin, no_head)
    assert count(db, Person) == 0


def test_duplicate_id_points_at_existing_person(db, admin, grid_id, building_id):
    first = register(db, admin, family(grid_id, building_id=building_id)).household
    again = HouseholdDraft(grid_id=grid_id, building_id=building_id, room="202", members=(
        PersonDraft(name="张三", id_number=first.head.id_number.lower(), relation="户主"),))
    with pytest.raises(DuplicateError) as caught:
        register(db, admin, again)
    assert caught.value.existing_id == first.head.id
    assert first.head.id_number not in caught.value.message  # masked in the message
    assert count(db, Household) == 1


def test_same_name_and_birth_date_warns_but_saves(db, admin, grid_id, building_id):
    register(db, admin, family(grid_id, building_id=building_id, seq=1))
    twin = HouseholdDraft(grid_id=grid_id, building_id=building_id, room="909", members=(
        person("张三", "02", date(1980, 5, 1), seq=7),))
    result = register(db, admin, twin)
    assert len(result.warnings) == 1 and "同名" in result.warnings[0].message
    assert count(db, Household) == 2


def test_household_needs_building_or_address(db, admin, grid_id):
    draft = family(grid_id)
    with pytest.raises(ValidationError) as caught:
        register(db, admin, draft)
    assert caught.value.field == "address"
    bungalow = HouseholdDraft(grid_id=grid_id, address="东村平房12号", members=draft.members)
    assert register(db, admin, bungalow).household.address == "东村平房12号"


def test_clerk_cannot_register_in_other_grid_and_grid_worker_scope(db, admin, community_id, grid_id, building_id):
    with UnitOfWork(db, admin) as uow:
        other_grid = places.add_grid(uow, community_id, "G02", "二网格").id
    with UnitOfWork(db, admin) as uow:
        other_building = places.add_building(uow, other_grid, "9号楼").id
    household = register(db, admin, family(other_grid, building_id=other_building)).household
    worker = actor_for("grid_worker", community_id, grid_ids={grid_id})
    with UnitOfWork(db, worker) as uow, pytest.raises(NotFound):
        get_household(uow, household.id)
    with pytest.raises(NotFound):
        register(db, worker, family(other_grid, building_id=other_building, seq=5))
    street = actor_for("street", None)
    with pytest.raises(PermissionDenied):
        register(db, street, family(grid_id, building_id=building_id, seq=6))


def test_other_community_is_invisible(db, admin, grid_id, building_id):
    household = register(db, admin, family(grid_id, building_id=building_id)).household
    stranger = actor_for("director", household.community_id + 1000)
    with UnitOfWork(db, stranger) as uow, pytest.raises(NotFound):
        get_household(uow, household.id)


def test_add_remove_and_change_head(db, admin, grid_id, building_id):
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    baby = person("张小红", "女", date(2024, 2, 2), male=False, seq=40)
    with UnitOfWork(db, admin) as uow:
        record = members.add_member(uow, record.id, record.version, baby).household
    assert len(record.members) == 4
    head, spouse = record.head, next(m for m in record.members if m.name == "李四")
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="户主不能直接移出"):
        members.remove_member(uow, record.id, record.version, head.id)
    others = {m.id: "20" for m in record.members if m.id not in (head.id, spouse.id)}
    with UnitOfWork(db, admin) as uow:
        record = members.change_head(uow, record.id, record.version, spouse.id, {head.id: "配偶", **others}).household
    assert record.head.name == "李四"
    with UnitOfWork(db, admin) as uow:
        record = members.remove_member(uow, record.id, record.version, head.id, reason="外出务工").household
    assert {m.name for m in record.members} == {"李四", "张小明", "张小红"}
    with UnitOfWork(db, admin) as uow:
        assert get_person(uow, head.id).household_id is None


def test_add_second_head_is_refused(db, admin, grid_id, building_id):
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="已有户主"):
        members.add_member(uow, record.id, record.version, person("王五", "户主", date(1990, 1, 1), seq=60))


def test_stale_version_is_refused(db, admin, grid_id, building_id):
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    with UnitOfWork(db, admin) as uow:
        households.update_household(uow, record.id, record.version, phone="13800138000")
    with UnitOfWork(db, admin) as uow, pytest.raises(ConflictError, match="其他人修改"):
        households.update_household(uow, record.id, record.version, notes="覆盖?")
    with UnitOfWork(db, admin) as uow:
        assert get_household(uow, record.id).phone == "13800138000"


def test_notes_longer_than_the_column_are_refused_and_nothing_changes(db, admin, grid_id, building_id):
    # VARCHAR(1000): PostgreSQL would fail with a database error, SQLite would store it silently.
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    with UnitOfWork(db, admin) as uow:
        households.update_household(uow, record.id, record.version, notes="备" * 1000)
    with UnitOfWork(db, admin) as uow:
        saved = get_household(uow, record.id)
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="备注过长") as refused:
        households.update_household(uow, saved.id, saved.version, notes="长" * 1001, phone="13900139000")
    assert refused.value.field == "notes"
    with UnitOfWork(db, admin) as uow:
        kept = get_household(uow, record.id)
    assert (kept.notes, kept.phone, kept.version) == ("备" * 1000, saved.phone, saved.version)
    with pytest.raises(ValidationError, match="备注过长"):
        register(db, admin, replace(family(grid_id, seq=2, building_id=building_id, room="102"), notes=" 长" * 600))
    head = kept.head
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="备注过长"):
        members.update_person(uow, head.id, head.version, PersonDraft(name=head.name, id_number=head.id_number, notes="长" * 1001))
    assert count(db, Household) == 1


def test_concurrent_edits_second_save_loses_cleanly(db, admin, grid_id, building_id):
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    head = record.head
    first, second = UnitOfWork(db, admin), UnitOfWork(db, admin)
    with first, second:
        draft_a = PersonDraft(name="张三丰", id_number=head.id_number)
        draft_b = PersonDraft(name="张叁", id_number=head.id_number)
        members.update_person(first, head.id, head.version, draft_a)
        with pytest.raises(ConflictError):
            members.update_person(second, head.id, head.version, draft_b)
    with UnitOfWork(db, admin) as uow:
        assert get_person(uow, head.id).name == "张三丰"


def test_transfer_member(db, admin, grid_id, building_id):
    one = register(db, admin, family(grid_id, building_id=building_id, seq=1)).household
    two = register(db, admin, family(grid_id, building_id=building_id, seq=2, room="102")).household
    child = next(m for m in one.members if m.relation == "20")
    with UnitOfWork(db, admin) as uow:
        target = members.transfer_member(uow, one.id, one.version, child.id, two.id, two.version, "孙子").household
    assert child.id in {m.id for m in target.members}
    assert next(m for m in target.members if m.id == child.id).relation == "41"
    with UnitOfWork(db, admin) as uow:
        assert len(get_household(uow, one.id).members) == 2


def test_move_out_keeps_history(db, admin, grid_id, building_id):
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="不能晚于今天"):
        households.move_out(uow, record.id, record.version, on=date(2027, 1, 1))
    with UnitOfWork(db, admin) as uow:
        moved = households.move_out(uow, record.id, record.version, on=date(2026, 11, 1)).household
    assert moved.status == "moved_out" and moved.members == ()
    with db.session() as session:
        left = session.scalars(select(Membership.left_on).where(Membership.household_id == record.id)).all()
    assert left == [date(2026, 11, 1)] * 3
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="已不在住"):
        households.move_out(uow, record.id, moved.version)


def test_death_of_head_needs_new_head(db, admin, grid_id, building_id):
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    head = record.head
    spouse = next(m for m in record.members if m.relation == "10")
    child = next(m for m in record.members if m.relation == "20")
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="指定新户主"):
        members.record_death(uow, head.id, head.version, date(2026, 10, 1))
    with UnitOfWork(db, admin) as uow:
        dead = members.record_death(uow, head.id, head.version, date(2026, 10, 1),
                                    new_head_id=spouse.id, relations={child.id: "子"})
    assert dead.deceased_on == date(2026, 10, 1) and dead.household_id is None
    with UnitOfWork(db, admin) as uow:
        after = get_household(uow, record.id)
    assert after.head.id == spouse.id and len(after.members) == 2


def test_split_and_merge(db, admin, grid_id, building_id):
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    child = next(m for m in record.members if m.relation == "20")
    with UnitOfWork(db, admin) as uow:
        new = households.split_household(
            uow, record.id, record.version, relations={child.id: "户主"},
            location=Location(grid_id, building_id, room="502")).household
    assert new.head.id == child.id and new.room == "502"
    with UnitOfWork(db, admin) as uow:
        source = get_household(uow, record.id)
    assert len(source.members) == 2
    with UnitOfWork(db, admin) as uow:
        merged = households.merge_households(uow, new.id, new.version, source.id, source.version,
                                             relations={child.id: "子"}).household
    assert len(merged.members) == 3 and merged.head.name == "张三"
    with UnitOfWork(db, admin) as uow:
        assert get_household(uow, new.id).status == "cancelled"


def test_split_cannot_take_the_head(db, admin, grid_id, building_id):
    record = register(db, admin, family(grid_id, building_id=building_id)).household
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="原户主不能分出"):
        households.split_household(uow, record.id, record.version, relations={record.head.id: "户主"},
                                   location=Location(grid_id, building_id, room="9"))


def test_fifteen_digit_id_is_converted(db, admin, grid_id, building_id):
    draft = HouseholdDraft(grid_id=grid_id, building_id=building_id, members=(
        PersonDraft(name="老王", id_number="110105491231002", relation="户主"),))
    head = register(db, admin, draft).household.head
    assert head.id_number == "11010519491231002X" and head.sex == "2"
    assert head.id_number == make_id(date(1949, 12, 31), male=False, seq=1) or len(head.id_number) == 18


def test_registered_household_for_person_living_elsewhere(db, admin, grid_id, building_id):
    home = register(db, admin, family(grid_id, building_id=building_id, seq=1)).household
    origin = register(db, admin, family(grid_id, building_id=building_id, seq=2, room="808")).household
    child = next(m for m in home.members if m.relation == "20")
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="相同"):
        members.set_registered_household(uow, child.id, child.version, home.id)
    with UnitOfWork(db, admin) as uow:
        updated = members.set_registered_household(uow, child.id, child.version, origin.id)
    assert updated.registered_household_id == origin.id and updated.residence_state == "person_only"
    assert updated.household_id == home.id


def test_interleaved_writers_the_database_version_check_refuses_the_late_one(db, admin, grid_id, building_id):
    """Both read version 1; the first commits; the second's UPDATE ... WHERE version = 1 matches nothing."""
    from station.residents.loading import load_household

    record = register(db, admin, family(grid_id, building_id=building_id)).household
    with UnitOfWork(db, admin) as late:
        stale = load_household(late, record.id, record.version)
        with UnitOfWork(db, admin) as early:
            households.update_household(early, record.id, record.version, phone="13900139000")
        stale.notes = "late writer"
        with pytest.raises(ConflictError):
            late.commit()
    with UnitOfWork(db, admin) as uow:
        after = get_household(uow, record.id)
    assert (after.phone, after.notes) == ("13900139000", "")


def test_death_and_moving_out_end_register_entries(db, admin, grid_id, building_id):
    from station.registers import entries as register_entries

    record = register(db, admin, family(grid_id, building_id=building_id)).household
    spouse = next(m for m in record.members if m.relation == "10")
    child = next(m for m in record.members if m.relation == "20")
    with UnitOfWork(db, admin) as uow:
        register_entries.add_entry(uow, spouse.id, "disabled", date(2025, 1, 1),
                        attributes={"disability_category": "4", "disability_grade": "2"})
    with UnitOfWork(db, admin) as uow:
        register_entries.add_entry(uow, child.id, "left_behind_child", date(2025, 1, 1), attributes={"guardian": "李四"})
    with UnitOfWork(db, admin) as uow:
        members.record_death(uow, spouse.id, spouse.version, date(2026, 9, 1))
    with UnitOfWork(db, admin) as uow:
        household = get_household(uow, record.id)
        households.move_out(uow, record.id, household.version, on=date(2026, 10, 1))
    with UnitOfWork(db, admin) as uow:
        entries = register_entries.entries_for_person(uow, spouse.id) + register_entries.entries_for_person(uow, child.id)
    assert [(e.end_on, e.end_reason) for e in entries] == [(date(2026, 9, 1), "死亡"), (date(2026, 10, 1), "迁出")]
