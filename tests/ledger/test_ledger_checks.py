"""Check first, confirm second: each household operation has a check that refuses exactly what the
operation refuses, writes nothing, and returns the plausibility warnings the confirmation shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from factories import family, make_id, person
from sqlalchemy import func, select

from models import AuditEntry, Membership, Person
from station.errors import ValidationError
from station.ledger import households, members
from station.ledger.households import Location
from station.ledger.queries import get_household, get_person
from station.ledger.records import PersonDraft
from station.places import directory as places
from station.uow import UnitOfWork

JOINED = date(2026, 3, 1)


@pytest.fixture
def grid_id(uow, community_id) -> int:
    return places.add_grid(uow, community_id, "G01", "一网格").id


@pytest.fixture
def home(db, admin, grid_id):
    """张三 (head), 李四 (wife, female), 张小明 (son), members since JOINED."""
    with UnitOfWork(db, admin) as uow:
        draft = replace(family(grid_id), address="幸福路1号", registered_on=JOINED)
        return households.register_household(uow, draft).household


@pytest.fixture
def other(db, admin, grid_id):
    with UnitOfWork(db, admin) as uow:
        draft = replace(family(grid_id, seq=7), address="幸福路2号", registered_on=JOINED)
        return households.register_household(uow, draft).household


def _member(household, relation):
    return next(m for m in household.members if m.relation == relation)


def _written(db) -> tuple[int, ...]:
    """What a write would change: audit entries, persons, memberships and their ends."""
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(AuditEntry)),
                session.scalar(select(func.count()).select_from(Person)),
                session.scalar(select(func.count()).select_from(Membership)),
                session.scalar(select(func.count()).where(Membership.left_on.is_not(None))))


def _check(db, admin, check, *args, **kwargs):
    before = _written(db)
    try:
        with UnitOfWork(db, admin) as uow:
            return check(uow, *args, **kwargs)
    finally:
        assert _written(db) == before


def test_a_transfer_with_an_unknown_relation_is_refused_by_the_check(db, admin, home, other):
    son = _member(home, "20")
    with pytest.raises(ValidationError, match="无法识别的与户主关系“abc”"):
        _check(db, admin, members.check_transfer_member, home.id, home.version, son.id, other.id,
               other.version, "abc")
    assert _check(db, admin, members.check_transfer_member, home.id, home.version, son.id, other.id,
                  other.version, "侄子") == ()


def test_a_death_in_the_future_is_refused_by_the_check(db, admin, home):
    son = _member(home, "20")
    with pytest.raises(ValidationError, match="死亡日期不能晚于今天"):
        _check(db, admin, members.check_record_death, son.id, son.version, date(2026, 12, 1))


def test_the_heads_death_checks_the_survivors_relations(db, admin, home):
    head, wife, son = _member(home, "02"), _member(home, "10"), _member(home, "20")
    with pytest.raises(ValidationError, match="“张小明”:无法识别的与户主关系“abc”"):
        _check(db, admin, members.check_record_death, head.id, head.version, date(2026, 11, 1),
               new_head_id=wife.id, relations={son.id: "abc"})
    with pytest.raises(ValidationError, match="只能有一名户主"):
        _check(db, admin, members.check_record_death, head.id, head.version, date(2026, 11, 1),
               new_head_id=wife.id, relations={son.id: "户主"})


def test_adding_to_a_moved_out_household_is_refused_by_the_check(db, admin, home):
    with UnitOfWork(db, admin) as uow:
        moved = households.move_out(uow, home.id, home.version, on=date(2026, 11, 1)).household
    draft = person("张宝宝", "孙子", date(2026, 5, 1), seq=40)
    with pytest.raises(ValidationError, match="已迁出或注销"):
        _check(db, admin, members.check_add_member, moved.id, moved.version, draft)
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="已迁出或注销"):
        members.add_member(uow, moved.id, moved.version, draft)  # the write path still refuses


def test_merging_into_a_moved_out_household_is_refused_by_the_check(db, admin, home, other):
    with UnitOfWork(db, admin) as uow:
        moved = households.move_out(uow, other.id, other.version, on=date(2026, 11, 1)).household
    with pytest.raises(ValidationError, match="已迁出或注销"):
        _check(db, admin, households.check_merge_households, home.id, home.version, moved.id, moved.version,
               relations={m.id: "其他" for m in home.members})


@pytest.mark.parametrize("operation", ["remove", "transfer", "death", "move_out", "split", "merge"])
def test_leaving_before_joining_is_refused(db, admin, home, other, grid_id, operation):
    head, son = _member(home, "02"), _member(home, "20")
    early = date(2026, 2, 1)  # before JOINED
    calls = {
        "remove": (members.check_remove_member, members.remove_member,
                   (home.id, home.version, son.id), {"on": early}),
        "transfer": (members.check_transfer_member, members.transfer_member,
                     (home.id, home.version, son.id, other.id, other.version, "侄子"), {"on": early}),
        "death": (members.check_record_death, members.record_death, (son.id, son.version, early), {}),
        "move_out": (households.check_move_out, households.move_out, (home.id, home.version), {"on": early}),
        "split": (households.check_split_household, households.split_household, (home.id, home.version),
                  {"relations": {son.id: "户主"}, "location": Location(grid_id, address="幸福路9号"), "on": early}),
        "merge": (households.check_merge_households, households.merge_households,
                  (other.id, other.version, home.id, home.version),
                  {"relations": {m.id: "其他" for m in other.members}, "on": early}),
    }
    check, write, args, kwargs = calls[operation]
    with pytest.raises(ValidationError, match="早于“.*”的入户日期 2026-03-01"):
        _check(db, admin, check, *args, **kwargs)
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="入户日期"):
        write(uow, *args, **kwargs)
    with UnitOfWork(db, admin) as uow:
        assert get_person(uow, head.id).household_id == home.id


def test_a_relation_of_the_other_sex_is_a_warning_not_a_refusal(db, admin, home, other):
    daughter_id = make_id(date(2001, 2, 3), male=False, seq=50)
    draft = PersonDraft(name="张小红", id_number=daughter_id, relation="子")
    (warning,) = _check(db, admin, members.check_add_member, home.id, home.version, draft)
    assert "张小红" in warning.message and "女性" in warning.message and "“子”" in warning.message
    with UnitOfWork(db, admin) as uow:
        saved = members.add_member(uow, home.id, home.version, draft)
    assert [w.message for w in saved.warnings] == [warning.message]
    wife = _member(home, "10")
    with UnitOfWork(db, admin) as uow:
        current = get_household(uow, home.id)
    (warning,) = _check(db, admin, members.check_transfer_member, current.id, current.version, wife.id,
                        other.id, other.version, "长子")
    assert "李四" in warning.message


def test_registering_a_woman_as_son_warns(db, admin, grid_id):
    draft = replace(family(grid_id, seq=9), address="幸福路3号")
    draft = replace(draft, members=(*draft.members, person("张小红", "子", date(2012, 1, 1), male=False, seq=9)))
    with UnitOfWork(db, admin) as uow:
        saved = households.register_household(uow, draft)
    assert any("张小红" in w.message and "女性" in w.message for w in saved.warnings)


def test_living_alone_in_a_household_of_three_is_a_warning(db, admin, home, grid_id):
    from station.registers.checks import register_warnings

    head = _member(home, "02")
    (warning,) = _check(db, admin, register_warnings, head.id, "elderly_alone")
    assert "张三" in warning.message and "3 名成员" in warning.message and "独居老人" in warning.message
    assert _check(db, admin, register_warnings, head.id, "empty_nest") == ()
    with UnitOfWork(db, admin) as uow:
        alone = households.register_household(uow, replace(family(grid_id, seq=11), address="幸福路5号", members=(
            person("孤老", "户主", date(1940, 1, 1), seq=11),))).household
    assert _check(db, admin, register_warnings, alone.members[0].id, "elderly_alone") == ()
