"""Privacy: masked numbers, and revealing one person's ID / phone with a reason, audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from actors import actor_for
from ledger_fixtures import Resident, id_number_of, make_home, neighbourhood, set_person
from sqlalchemy import select

from models import AuditEntry
from station.accounts.users import disable_user
from station.actor import SYSTEM
from station.errors import AccountDisabled, NotFound, PermissionDenied, ValidationError
from station.residents.privacy import REVEAL_MINUTES, mask_id, mask_phone, may_reveal, reveal_person
from station.uow import UnitOfWork


@pytest.fixture
def place(db, community_id):
    return neighbourhood(db, community_id)


@pytest.fixture
def home(db, community_id, place):
    home = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))
    set_person(db, home.head_id, phone="13812341234")
    return home


def test_masks_hide_the_birth_date_and_the_middle_of_a_phone():
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_phone("13812341234") == "138****1234"


def test_staff_reveal_both_numbers_for_five_minutes(db, clock, place, home):
    with UnitOfWork(db, place.staff.actor) as uow:
        revealed = reveal_person(uow, home.head_id, "  核对低保申请材料 ")
    assert revealed.id_number == id_number_of(db, home.head_id)
    assert (revealed.phone, revealed.id_revealed, revealed.phone_revealed) == ("13812341234", True, True)
    assert (revealed.name, revealed.reason) == ("王大爷", "核对低保申请材料")
    assert revealed.until == clock.current + timedelta(minutes=REVEAL_MINUTES)


def test_every_reveal_is_audited_with_its_reason(db, place, home):
    with UnitOfWork(db, place.staff.actor) as uow:
        reveal_person(uow, home.head_id, "核对低保申请材料")
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).one()
    assert (entry.entity, entry.entity_id, entry.user_id) == ("person", home.head_id, place.staff.id)
    assert entry.detail == "查看身份证号、电话;原因:核对低保申请材料"
    assert id_number_of(db, home.head_id) not in entry.detail


def test_a_grid_worker_may_reveal_the_phone_only(db, place, home):
    with UnitOfWork(db, place.worker1.actor) as uow:
        revealed = reveal_person(uow, home.head_id, "联系走访")
    assert (revealed.id_revealed, revealed.phone_revealed) == (False, True)
    assert revealed.id_number == mask_id(id_number_of(db, home.head_id))
    assert revealed.phone == "13812341234"


def test_a_clerk_may_not_reveal(db, community_id, home):
    clerk = actor_for("clerk", community_id)
    assert not may_reveal(clerk)
    with UnitOfWork(db, clerk) as uow, pytest.raises(PermissionDenied, match="窗口人员无权"):
        reveal_person(uow, home.head_id, "想看看")
    with db.session() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).all() == []


@pytest.mark.parametrize("reason", ["", "  ", "看", "很" * 201])
def test_a_reason_is_required(db, place, home, reason):
    with UnitOfWork(db, place.staff.actor) as uow, pytest.raises(ValidationError) as refused:
        reveal_person(uow, home.head_id, reason)
    assert refused.value.field == "reason"


def test_people_outside_the_grid_stay_hidden(db, place, home):
    with UnitOfWork(db, place.worker2.actor) as uow, pytest.raises(NotFound):
        reveal_person(uow, home.head_id, "联系走访")


def test_a_user_disabled_mid_session_is_refused_at_the_next_call(db, place, home):
    staff = place.staff.actor
    with UnitOfWork(db, staff) as uow:
        reveal_person(uow, home.head_id, "核对低保申请材料")
    with UnitOfWork(db, SYSTEM) as admin:
        disable_user(admin, place.staff.username)
    with pytest.raises(AccountDisabled) as refused, UnitOfWork(db, staff) as uow:
        reveal_person(uow, home.head_id, "核对低保申请材料")
    assert isinstance(refused.value, PermissionDenied)
    assert "已停用" in refused.value.message
    with db.session() as session:
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).all()) == 1


def test_a_reason_loses_terminal_escapes_before_it_is_audited(db, place, home):
    with UnitOfWork(db, place.staff.actor) as uow:
        revealed = reveal_person(uow, home.head_id, "\x1b[2J核对\u202e低保材料")
    assert revealed.reason == "[2J核对低保材料"
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).one()
    assert entry.detail.endswith("原因:[2J核对低保材料")
