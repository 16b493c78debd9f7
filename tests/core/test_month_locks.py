"""Locked months: only ended months lock; edits dated in a locked month are refused until an admin unlocks."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from actors import actor_for
from factories import make_id
from ledger_fixtures import Resident, make_home, neighbourhood
from sqlalchemy import select

from models import AuditEntry, Community
from station import month_locks
from station.errors import NotFound, PermissionDenied, ValidationError
from station.ledger import households, members
from station.ledger.households import Location
from station.ledger.queries import get_household, get_person
from station.ledger.records import HouseholdDraft
from station.registers import entries as register_entries
from station.requests import workflow as request_workflow
from station.residents.records import PersonDraft
from station.uow import UnitOfWork
from station.visits import log as visit_log

OCTOBER = date(2026, 10, 15)
NOVEMBER = date(2026, 11, 2)
# Before any edit a test dates: nobody leaves a household before they joined it.
MOVED_IN = date(2026, 1, 5)


@pytest.fixture
def place(db, community_id):
    return neighbourhood(db, community_id)


@pytest.fixture
def home(db, community_id, place):
    return make_home(db, community_id, place.grid1, Resident("周大爷", date(1940, 1, 1)),
                     Resident("周大妈", date(1942, 2, 2), male=False, relation="10"),
                     Resident("周小妹", date(1990, 3, 3), male=False, relation="30"), registered_on=MOVED_IN)


@pytest.fixture
def locked(uow, community_id):
    return month_locks.lock_month(uow, community_id, 2026, 10)


def _audit(db, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- locking and unlocking ------------------------------------------------------------------


def test_an_ended_month_locks_once_and_is_audited(db, uow, community_id, locked):
    assert (locked.year, locked.month, locked.locked_by) == (2026, 10, "admin")
    assert month_locks.month_lock(uow, community_id, 2026, 10) == locked
    assert [(lock.year, lock.month) for lock in month_locks.list_locks(uow, community_id)] == [(2026, 10)]
    with pytest.raises(ValidationError, match="已锁定"):
        month_locks.lock_month(uow, community_id, 2026, 10)
    (entry,) = _audit(db, "lock")
    assert (entry.entity, entry.new_values) == ("month", {"year": 2026, "month": 10})


@pytest.mark.parametrize("year, month", [(2026, 11), (2026, 12), (2026, 13)])
def test_the_current_or_a_later_month_cannot_be_locked(uow, community_id, year, month):
    with pytest.raises(ValidationError):
        month_locks.lock_month(uow, community_id, year, month)


def test_a_grid_worker_cannot_lock_the_community(db, community_id, place):
    worker = actor_for("grid_worker", community_id, grid_ids={place.grid1}, user_id=place.worker1.id)
    with UnitOfWork(db, worker) as uow, pytest.raises(PermissionDenied):
        month_locks.lock_month(uow, community_id, 2026, 10)


def test_only_an_admin_unlocks_with_a_reason_and_it_is_audited(db, uow, community_id, locked):
    with UnitOfWork(db, actor_for("director", community_id)) as director, pytest.raises(PermissionDenied):
        month_locks.unlock_month(director, community_id, 2026, 10, "更正")
    with pytest.raises(ValidationError, match="原因"):
        month_locks.unlock_month(uow, community_id, 2026, 10, "  ")
    month_locks.unlock_month(uow, community_id, 2026, 10, "补录漏登的走访")
    assert month_locks.month_lock(uow, community_id, 2026, 10) is None
    (entry,) = _audit(db, "unlock")
    assert entry.detail == "补录漏登的走访" and entry.old_values["month"] == 10
    with pytest.raises(NotFound):
        month_locks.unlock_month(uow, community_id, 2026, 10, "再次")


# --- what a lock refuses --------------------------------------------------------------------


def _visit(uow, place, home, day):
    return visit_log.log_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                                person_id=home.head_id, done_on=day, content="看望")


def _register(uow, place, home, day):
    return register_entries.add_entry(uow, home.head_id, "oldest_old", day)


def _end_register(uow, place, home, day):
    entry = register_entries.add_entry(uow, home.head_id, "empty_nest", date(2026, 1, 1))
    return register_entries.end_entry(uow, entry.id, day, "迁走", entry.version)


def _new_household(uow, place, home, day):
    person = PersonDraft(name="吴新", id_number=make_id(date(1985, 1, 1), seq=301), relation="02")
    return households.register_household(uow, HouseholdDraft(grid_id=place.grid1, members=(person,),
                                                             address="幸福路2号", registered_on=day))


def _move_out(uow, place, home, day):
    return households.move_out(uow, home.household_id, get_household(uow, home.household_id).version, on=day)


def _add_member(uow, place, home, day):
    person = PersonDraft(name="周宝宝", id_number=make_id(date(2026, 9, 1), seq=302), relation="41")
    return members.add_member(uow, home.household_id, get_household(uow, home.household_id).version, person,
                              on=day)


def _remove_member(uow, place, home, day):
    return members.remove_member(uow, home.household_id, get_household(uow, home.household_id).version,
                                 home.person_ids[2], on=day)


def _death(uow, place, home, day):
    return members.record_death(uow, home.person_ids[1], get_person(uow, home.person_ids[1]).version, day)


def _split(uow, place, home, day):
    return households.split_household(uow, home.household_id, get_household(uow, home.household_id).version,
                                      relations={home.person_ids[2]: "02"},
                                      location=Location(place.grid1, address="幸福路3号"),
                                      on=day)


def _other_household(uow, place, seq: int):
    person = PersonDraft(name="郑邻居", id_number=make_id(date(1970, 1, 1), seq=seq), relation="02")
    draft = HouseholdDraft(grid_id=place.grid1, members=(person,), address="幸福路4号", registered_on=MOVED_IN)
    return households.register_household(uow, draft).household


def _transfer(uow, place, home, day):
    target = _other_household(uow, place, 303)
    return members.transfer_member(uow, home.household_id, get_household(uow, home.household_id).version,
                                   home.person_ids[2], target.id, target.version, "97", on=day)


def _merge(uow, place, home, day):
    source = _other_household(uow, place, 304)
    head = source.members[0].id
    return households.merge_households(uow, source.id, source.version, home.household_id,
                                       get_household(uow, home.household_id).version,
                                       relations={head: "97"}, on=day)


EDITS = [_visit, _register, _end_register, _new_household, _move_out, _add_member, _remove_member, _death,
         _split, _transfer, _merge]


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__.strip("_"))
def test_an_edit_dated_in_a_locked_month_is_refused(uow, place, home, locked, edit):
    with pytest.raises(ValidationError, match="2026年10月的统计已锁定"):
        edit(uow, place, home, OCTOBER)


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__.strip("_"))
def test_the_same_edit_dated_in_an_open_month_goes_through(uow, place, home, locked, edit):
    edit(uow, place, home, NOVEMBER)


def test_after_unlocking_the_month_takes_edits_again(uow, community_id, place, home, locked):
    month_locks.unlock_month(uow, community_id, 2026, 10, "补录")
    assert _visit(uow, place, home, OCTOBER).done_on == OCTOBER


def test_a_request_closed_in_a_locked_month_can_be_neither_rated_nor_reopened(db, uow, community_id,
                                                                               place, clock):
    clock.current = datetime(2026, 10, 20, 9, 0)
    request = request_workflow.receive(uow, channel="window", category="property", urgency="normal",
                                        description="路灯不亮", grid_id=place.grid1)
    request = request_workflow.assign(uow, request.id, place.worker1.id, request.version)
    request = request_workflow.start(uow, request.id, request.version)
    request = request_workflow.close(uow, request.id, "已修好", request.version)
    clock.current = datetime(2026, 11, 23, 9, 0)
    month_locks.lock_month(uow, community_id, 2026, 10)
    with pytest.raises(ValidationError, match="已锁定"):
        request_workflow.rate(uow, request.id, "satisfied", "", request.version)
    with pytest.raises(ValidationError, match="已锁定"):
        request_workflow.reopen(uow, request.id, "又坏了", request.version)
    assert request_workflow.get_request(uow, request.id).request.state == "closed"


def test_a_lock_covers_its_own_community_only(db, uow, community_id, locked):
    with db.session() as session:
        other = Community(code="OTHER", name="别的社区")
        session.add(other)
        session.commit()
        other_id = other.id
    month_locks.refuse_if_locked(uow, other_id, OCTOBER)  # no error
    with pytest.raises(ValidationError):
        month_locks.refuse_if_locked(uow, community_id, datetime(2026, 10, 31, 23, 59))
    month_locks.refuse_if_locked(uow, community_id, None)


def test_a_clerk_who_prints_may_not_lock(db, community_id, place):
    clerk = actor_for("clerk", community_id)
    with UnitOfWork(db, clerk) as uow, pytest.raises(PermissionDenied, match="锁定"):
        month_locks.lock_month(uow, community_id, 2026, 10)
