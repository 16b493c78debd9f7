"""Service log: logging, planning and completing visits; scope; what is due this week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from actors import actor_for
from ledger_fixtures import Resident, make_home, neighbourhood
from sqlalchemy import select

from models import AuditEntry
from station.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from station.registers import entries as register_entries
from station.uow import UnitOfWork
from station.visits import log as visit_log

TODAY = date(2026, 11, 23)  # a Monday; the week ends on Sunday 29 November
SUNDAY = date(2026, 11, 29)


@pytest.fixture
def place(db, community_id):
    return neighbourhood(db, community_id)


@pytest.fixture
def home(db, community_id, place):
    return make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)),
                     Resident("王大妈", date(1948, 5, 2), male=False, relation="10"))


@pytest.fixture
def far_home(db, community_id, place):
    return make_home(db, community_id, place.grid2, Resident("赵奶奶", date(1940, 1, 1), male=False))


def _visit(uow, worker, **values):
    values.setdefault("kind", "home_visit")
    values.setdefault("content", "了解近况")
    return visit_log.log_visit(uow, worker_id=worker.id, **values)


# --- logging --------------------------------------------------------------------------------


def test_visit_to_a_person_takes_their_household_and_grid(uow, home, place):
    visit = _visit(uow, place.worker1, person_id=home.person_ids[1], follow_up_on=date(2026, 12, 1))
    assert (visit.household_id, visit.grid_id, visit.grid_name) == (home.household_id, place.grid1, "一网格")
    assert (visit.person_name, visit.worker_name, visit.kind_name) == ("王大妈", "王网格", "入户走访")
    assert visit.done_on == TODAY and visit.is_done
    assert visit.follow_up_on == date(2026, 12, 1)


def test_visit_to_a_household_is_audited(db, uow, home, place):
    visit = _visit(uow, place.staff, household_id=home.household_id, kind="policy", done_on=TODAY - timedelta(days=2))
    assert visit.person_id is None and visit.done_on == TODAY - timedelta(days=2)
    with db.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "visit", AuditEntry.entity_id == visit.id)).all()
    assert actions == ["create"]


@pytest.mark.parametrize("values, field", [
    ({}, "household_id"),
    ({"kind": "picnic"}, "kind"),
    ({"done_on": TODAY + timedelta(days=1)}, "done_on"),
    ({"content": "  "}, "content"),
    ({"follow_up_on": TODAY}, "follow_up_on"),
    ({"planned_on": TODAY - timedelta(days=1), "content": ""}, None),
])
def test_bad_visits_are_refused(uow, home, place, values, field):
    if field != "household_id":
        values = {"household_id": home.household_id, **values}
    if field is None:  # a plan for a day already past
        values["done_on"], field = None, "planned_on"
    with pytest.raises(ValidationError) as error:
        _visit(uow, place.worker1, **values)
    assert error.value.field == field


def test_person_must_live_in_the_named_household(uow, home, far_home, place):
    with pytest.raises(ValidationError, match="不在所选住户"):
        _visit(uow, place.worker1, person_id=far_home.head_id, household_id=home.household_id)


def test_unknown_worker_is_refused(uow, home):
    with pytest.raises(ValidationError) as error:
        visit_log.log_visit(uow, kind="other", worker_id=999_999, household_id=home.household_id,
                             content="x")
    assert error.value.field == "worker_id"


def test_grid_worker_logs_only_in_their_grids(db, home, far_home, place):
    with UnitOfWork(db, place.worker1.actor) as uow:
        assert _visit(uow, place.worker1, household_id=home.household_id).grid_id == place.grid1
        with pytest.raises(NotFound):
            _visit(uow, place.worker1, household_id=far_home.household_id)
        with pytest.raises(NotFound):
            _visit(uow, place.worker1, person_id=far_home.head_id)


def test_street_role_cannot_log_visits(db, home, place):
    with UnitOfWork(db, actor_for("street", None)) as uow, pytest.raises(PermissionDenied):
        _visit(uow, place.worker1, household_id=home.household_id)


# --- plans ----------------------------------------------------------------------------------


def test_plan_then_complete(uow, home, place):
    plan = visit_log.plan_visit(uow, kind="phone_visit", worker_id=place.worker1.id,
                                 person_id=home.head_id, planned_on=TODAY + timedelta(days=2))
    assert not plan.is_done and plan.planned_on == TODAY + timedelta(days=2)
    with pytest.raises(ValidationError, match="走访内容"):
        visit_log.complete_visit(uow, plan.id, TODAY, "", None, plan.version)
    done = visit_log.complete_visit(uow, plan.id, TODAY, "电话联系,一切安好", TODAY + timedelta(days=7),
                                     plan.version)
    assert (done.done_on, done.content, done.version) == (TODAY, "电话联系,一切安好", plan.version + 1)
    with pytest.raises(ValidationError, match="已完成"):
        visit_log.complete_visit(uow, plan.id, TODAY, "again", None, done.version)


def test_plan_cannot_carry_a_follow_up_or_lie_in_the_past(uow, home, place):
    with pytest.raises(ValidationError) as error:
        visit_log.log_visit(uow, kind="other", worker_id=place.worker1.id, household_id=home.household_id,
                             planned_on=TODAY, follow_up_on=TODAY + timedelta(days=3))
    assert error.value.field == "follow_up_on"
    with pytest.raises(ValidationError, match="早于今天"):
        visit_log.plan_visit(uow, kind="other", worker_id=place.worker1.id,
                              household_id=home.household_id, planned_on=TODAY - timedelta(days=1))


def test_completing_with_a_stale_version_is_refused(db, admin, home, place):
    with UnitOfWork(db, admin) as uow:
        plan = visit_log.plan_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                                     household_id=home.household_id, planned_on=TODAY)
    with UnitOfWork(db, admin) as first, UnitOfWork(db, admin) as second:
        visit_log.list_visits(first)
        visit_log.list_visits(second)
        visit_log.complete_visit(first, plan.id, TODAY, "看望", None, plan.version)
        with pytest.raises(ConflictError):
            visit_log.complete_visit(second, plan.id, TODAY, "也去看望", None, plan.version)
    with UnitOfWork(db, admin) as uow:
        assert visit_log.visits_for_household(uow, home.household_id)[0].content == "看望"


def test_grid_worker_cannot_complete_another_grids_plan(db, uow, far_home, place):
    plan = visit_log.plan_visit(uow, kind="home_visit", worker_id=place.worker2.id,
                                 household_id=far_home.household_id, planned_on=TODAY)
    with UnitOfWork(db, place.worker1.actor) as worker_uow, pytest.raises(NotFound):
        visit_log.complete_visit(worker_uow, plan.id, TODAY, "看望", None, plan.version)


# --- lists ----------------------------------------------------------------------------------


def test_list_visits_filters_and_orders_newest_first(db, uow, home, far_home, place):
    old = _visit(uow, place.worker1, household_id=home.household_id, done_on=date(2026, 10, 1))
    new = _visit(uow, place.worker1, household_id=home.household_id, kind="health")
    far = _visit(uow, place.worker2, household_id=far_home.household_id, done_on=date(2026, 11, 1))
    assert [v.id for v in visit_log.list_visits(uow)] == [new.id, far.id, old.id]
    assert [v.id for v in visit_log.list_visits(uow, worker_id=place.worker1.id)] == [new.id, old.id]
    assert [v.id for v in visit_log.list_visits(uow, grid_id=place.grid2)] == [far.id]
    assert [v.id for v in visit_log.list_visits(uow, kind="health")] == [new.id]
    assert [v.id for v in visit_log.list_visits(uow, date_from=date(2026, 10, 15), date_to=date(2026, 11, 20))] == [far.id]
    assert [v.id for v in visit_log.list_visits(uow, limit=1)] == [new.id]
    with UnitOfWork(db, place.worker2.actor) as worker_uow:
        assert [v.id for v in visit_log.list_visits(worker_uow)] == [far.id]
        with pytest.raises(NotFound):
            visit_log.visits_for_household(worker_uow, home.household_id)


def test_visits_for_household(uow, home, far_home, place):
    first = _visit(uow, place.worker1, person_id=home.head_id, done_on=date(2026, 11, 2))
    second = _visit(uow, place.worker1, household_id=home.household_id)
    _visit(uow, place.worker2, household_id=far_home.household_id)
    assert [v.id for v in visit_log.visits_for_household(uow, home.household_id)] == [second.id, first.id]


# --- due this week --------------------------------------------------------------------------


@pytest.fixture
def due_setup(db, uow, community_id, place, home, far_home):
    """Register entries in both grids with different due dates, plus some plans."""
    extra = make_home(db, community_id, place.grid1, Resident("孙爷爷", date(1938, 8, 8)))
    w1, w2 = place.worker1.id, place.worker2.id
    entries = {
        "overdue": register_entries.add_entry(uow, home.head_id, "elderly_alone", date(2026, 11, 10), worker_id=w1),
        "later": register_entries.add_entry(uow, home.person_ids[1], "empty_nest", date(2026, 11, 1), worker_id=w1),
        "this_week": register_entries.add_entry(uow, far_home.head_id, "disabled", date(2026, 10, 28), worker_id=w2,
                                     attributes={"disability_category": "4", "disability_grade": "3"}),
        "unassigned": register_entries.add_entry(uow, extra.head_id, "oldest_old", date(2026, 10, 25)),
    }
    plans = {
        "friday": visit_log.plan_visit(uow, kind="health", worker_id=w2, household_id=far_home.household_id,
                                        planned_on=date(2026, 11, 27)),
        "next_week": visit_log.plan_visit(uow, kind="other", worker_id=w1, household_id=home.household_id,
                                           planned_on=date(2026, 12, 1)),
    }
    return entries, plans


def test_due_this_week_lists_due_entries_and_plans_by_worker_then_date(uow, due_setup, place):
    entries, plans = due_setup
    due = visit_log.due_this_week(uow)
    assert [(d.worker_name, d.due_on, d.source, d.person_name or d.household_number) for d in due] == [
        ("李网格", date(2026, 11, 27), "plan", plans["friday"].household_number),
        ("李网格", date(2026, 11, 27), "register", "赵奶奶"),
        ("王网格", date(2026, 11, 17), "register", "王大爷"),
        ("", date(2026, 11, 24), "register", "孙爷爷"),
    ]
    assert [d.overdue for d in due] == [False, False, True, False]
    assert due[2].entry_id == entries["overdue"].id and due[2].what == "独居老人"
    assert due[0].visit_id == plans["friday"].id and due[0].visit_version == plans["friday"].version


def test_due_this_week_for_one_worker(uow, due_setup, place):
    due = visit_log.due_this_week(uow, worker_id=place.worker1.id)
    assert [(d.person_name, d.overdue) for d in due] == [("王大爷", True)]


def test_a_plan_for_the_person_replaces_their_register_line(uow, due_setup, home, place):
    visit_log.plan_visit(uow, kind="home_visit", worker_id=place.worker1.id, person_id=home.head_id,
                          planned_on=date(2026, 11, 26))
    mine = visit_log.due_this_week(uow, worker_id=place.worker1.id)
    assert [(d.source, d.due_on, d.what) for d in mine] == [("plan", date(2026, 11, 26), "入户走访")]


def test_done_visits_and_advancing_time_change_what_is_due(db, admin, due_setup, home, place, clock):
    with UnitOfWork(db, admin) as uow:
        _visit(uow, place.worker1, person_id=home.head_id)
        assert visit_log.due_this_week(uow, worker_id=place.worker1.id) == []
    clock.advance(days=7)  # next Monday: the 7-day and 30-day entries come due again
    with UnitOfWork(db, admin) as uow:
        due = visit_log.due_this_week(uow, worker_id=place.worker1.id)
    assert [(d.source, d.person_name, d.due_on, d.overdue) for d in due] == [
        ("register", "王大爷", date(2026, 11, 30), False),
        ("plan", "", date(2026, 12, 1), False),
        ("register", "王大妈", date(2026, 12, 1), False),
    ]


def test_unfinished_plans_from_earlier_weeks_stay_due(db, admin, home, place, clock):
    with UnitOfWork(db, admin) as uow:
        plan = visit_log.plan_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                                     household_id=home.household_id, planned_on=TODAY)
    clock.advance(days=9)
    with UnitOfWork(db, admin) as uow:
        due = visit_log.due_this_week(uow)
    assert [(d.visit_id, d.overdue) for d in due] == [(plan.id, True)]


def test_grid_worker_sees_only_their_grids_due_list(db, due_setup, place):
    with UnitOfWork(db, place.worker2.actor) as uow:
        due = visit_log.due_this_week(uow)
    assert {d.grid_id for d in due} == {place.grid2}
    assert len(due) == 2
