"""Residents' requests: receiving, numbering, the state machine, time limits and scope."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from actors import actor_for
from ledger_fixtures import Resident, make_home, make_worker, neighbourhood
from sqlalchemy import func, select

from models import AuditEntry, Community, RequestEvent
from screens.i18n import load_strings
from station.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from station.requests import workflow as requests
from station.requests.rules import STATES, state_name
from station.uow import UnitOfWork

NOW = datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def place(db, community_id):
    return neighbourhood(db, community_id)


def _receive(uow, **values):
    values = {"channel": "window", "category": "property", "urgency": "normal",
              "description": "楼道灯坏了", **values}
    return requests.receive(uow, **values)


def _handled(uow, place, **values):
    """A request received, assigned to the grid-1 worker and in progress."""
    request = _receive(uow, grid_id=place.grid1, **values)
    request = requests.assign(uow, request.id, place.worker1.id, request.version)
    return requests.start(uow, request.id, request.version)


# --- receiving ------------------------------------------------------------------------------


def test_receive_numbers_dates_and_records_the_first_event(db, uow, place):
    request = _receive(uow, urgency="urgent", grid_id=place.grid1, contact_name="刘女士",
                       contact_phone="+86 138-0013-8000")
    assert request.number == "S20261123-0001"
    assert (request.state, request.state_name, request.timing) == ("received", "受理", "on_time")
    assert request.received_at == NOW
    assert request.deadline_at == NOW + timedelta(hours=2)
    assert (request.category_name, request.urgency_name, request.channel_name) == ("物业维修", "紧急", "窗口")
    assert request.contact_phone == "13800138000"
    assert request.grid_name == "一网格"
    detail = requests.get_request(uow, request.id)
    assert [(e.from_state, e.to_state, e.at) for e in detail.events] == [("", "received", NOW)]
    assert _audit_actions(db, request.id) == ["receive"]


def test_numbers_follow_each_other_and_restart_each_day(uow, place, clock):
    numbers = [_receive(uow).number for _ in range(3)]
    assert numbers == ["S20261123-0001", "S20261123-0002", "S20261123-0003"]
    clock.advance(days=1)
    assert _receive(uow).number == "S20261124-0001"


def test_each_community_has_its_own_sequence(db, uow, community_id):
    with db.session() as session:
        other = Community(code="OTHER", name="别的社区")
        session.add(other)
        session.commit()
        other_id = other.id
    _receive(uow)
    with UnitOfWork(db, actor_for("clerk", other_id)) as other_uow:
        assert _receive(other_uow).number == "S20261123-0001"
    assert _receive(uow).number == "S20261123-0002"


def test_missing_category_is_refused_with_a_message(uow):
    with pytest.raises(ValidationError) as error:
        _receive(uow, category="")
    assert (error.value.field, error.value.message) == ("category", "请选择诉求类别")


@pytest.mark.parametrize("values, field", [
    ({"category": "aliens"}, "category"),
    ({"channel": "pigeon"}, "channel"),
    ({"urgency": ""}, "urgency"),
    ({"description": "   "}, "description"),
    ({"description": "长" * 2001}, "description"),
    ({"contact_phone": "12345"}, "contact_phone"),
    ({"contact_name": "名" * 65}, "contact_name"),
])
def test_bad_fields_are_refused(db, uow, values, field):
    with pytest.raises(ValidationError) as error:
        _receive(uow, **values)
    assert error.value.field == field
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RequestEvent)) == 0


def test_names_are_accepted_for_codes(uow):
    request = _receive(uow, channel="电话", category="环境卫生", urgency="咨询")
    assert (request.channel, request.category, request.urgency) == ("phone", "environment", "enquiry")


def test_deadline_uses_per_category_overrides(db, uow):
    db.settings = replace(db.settings, requests=replace(
        db.settings.requests, category_deadline_hours={"safety": {"normal": 4}}))
    assert _receive(uow, category="safety").deadline_at == NOW + timedelta(hours=4)
    assert _receive(uow, category="property").deadline_at == NOW + timedelta(hours=168)


def test_person_fixes_household_and_grid(db, uow, community_id, place):
    home = make_home(db, community_id, place.grid2, Resident("钱先生", date(1970, 1, 1)))
    request = _receive(uow, person_id=home.head_id)
    assert (request.household_id, request.grid_id) == (home.household_id, place.grid2)
    with pytest.raises(ValidationError) as error:
        _receive(uow, household_id=home.household_id, grid_id=place.grid1)
    assert error.value.field == "grid_id"


def test_grid_worker_receives_only_into_their_grids(db, place):
    with UnitOfWork(db, place.worker1.actor) as uow:
        with pytest.raises(ValidationError) as error:
            _receive(uow, channel="grid_report")
        assert error.value.field == "grid_id"
        with pytest.raises(NotFound):
            _receive(uow, channel="grid_report", grid_id=place.grid2)
        assert _receive(uow, channel="grid_report", grid_id=place.grid1).received_by_id == place.worker1.id


def test_street_role_cannot_receive(db, place):
    with UnitOfWork(db, actor_for("street", None)) as uow, pytest.raises(PermissionDenied):
        _receive(uow, grid_id=place.grid1)


# --- numbering under concurrency ------------------------------------------------------------


def test_interleaved_units_of_work_get_distinct_numbers(db, admin):
    with UnitOfWork(db, admin) as first, UnitOfWork(db, admin) as second:
        # Both have read before either writes, like two clerks with the form open.
        requests.list_requests(first)
        requests.list_requests(second)
        numbers = [_receive(first).number, _receive(second).number, _receive(first).number]
    assert numbers == ["S20261123-0001", "S20261123-0002", "S20261123-0003"]


def test_concurrent_clerks_get_distinct_numbers(db, admin):
    start = threading.Barrier(4)
    numbers: list[str] = []
    failures: list[BaseException] = []

    def clerk() -> None:
        try:
            start.wait()
            for _ in range(5):
                with UnitOfWork(db, admin) as uow:
                    numbers.append(_receive(uow).number)
        except BaseException as error:  # reported below: a thread cannot fail the test itself
            failures.append(error)

    threads = [threading.Thread(target=clerk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(numbers) == [f"S20261123-{n:04d}" for n in range(1, 21)]


# --- the state machine ----------------------------------------------------------------------


def test_full_lifecycle_with_events(db, uow, place, clock):
    request = _receive(uow, grid_id=place.grid1)
    clock.advance(minutes=10)
    request = requests.assign(uow, request.id, place.worker1.id, request.version, note="请尽快处理")
    assert (request.state, request.assignee_name) == ("assigned", "王网格")
    clock.advance(hours=1)
    request = requests.start(uow, request.id, request.version)
    clock.advance(hours=3)
    request = requests.close(uow, request.id, "已更换灯泡", request.version)
    assert (request.state, request.closed_at, request.timing) == ("closed", NOW + timedelta(hours=4, minutes=10),
                                                                  "closed_on_time")
    request = requests.rate(uow, request.id, "very_satisfied", "很快", request.version)
    assert (request.state, request.satisfaction_name, request.feedback) == ("rated", "非常满意", "很快")
    detail = requests.get_request(uow, request.number)
    assert [(e.from_state, e.to_state) for e in detail.events] == [
        ("", "received"), ("received", "assigned"), ("assigned", "in_progress"),
        ("in_progress", "closed"), ("closed", "rated")]
    assert detail.events[1].note == "请尽快处理"
    assert detail.events[3].note == "已更换灯泡"
    assert _audit_actions(db, request.id) == ["receive", "assign", "start", "close", "rate"]


@pytest.mark.parametrize("action, message", [
    (lambda uow, r, p: requests.start(uow, r.id, r.version), "当前状态为受理,不能开始处置"),
    (lambda uow, r, p: requests.close(uow, r.id, "done", r.version), "当前状态为受理,不能办结"),
    (lambda uow, r, p: requests.rate(uow, r.id, "satisfied", "", r.version), "当前状态为受理,不能回访评价"),
    (lambda uow, r, p: requests.reopen(uow, r.id, "why", r.version), "当前状态为受理,不能重新打开"),
])
def test_transitions_from_the_wrong_state_are_refused(uow, place, action, message):
    request = _receive(uow, grid_id=place.grid1)
    with pytest.raises(ValidationError) as error:
        action(uow, request, place)
    assert error.value.message == message


def test_a_wrong_state_is_said_in_english_from_the_same_error(uow, place):
    request = _handled(uow, place)
    with pytest.raises(ValidationError) as error:
        requests.rate(uow, request.id, "satisfied", "", request.version)
    assert (error.value.code, error.value.field) == ("requests.wrong_state", "state")
    assert error.value.render("en") == "The request is “Handling”, so you cannot record feedback"


def test_state_names_have_one_definition_the_core_catalogue():
    assert STATES == ("received", "assigned", "in_progress", "closed", "rated")
    assert [state_name(state) for state in STATES] == ["受理", "分派", "处置中", "已办结", "已回访评价"]
    assert state_name("closed", "en") == "Closed"
    for language in ("zh", "en"):
        assert not [key for key in load_strings(language) if key.startswith("requests.state")]


def test_rate_and_assign_from_the_wrong_state(uow, place):
    request = _handled(uow, place)
    with pytest.raises(ValidationError, match="当前状态为处置中,不能回访评价"):
        requests.rate(uow, request.id, "satisfied", "", request.version)
    closed = requests.close(uow, request.id, "ok", request.version)
    with pytest.raises(ValidationError, match="当前状态为已办结,不能分派"):
        requests.assign(uow, closed.id, place.worker1.id, closed.version)


def test_close_needs_a_result_and_rate_a_known_satisfaction(uow, place):
    request = _handled(uow, place)
    with pytest.raises(ValidationError) as error:
        requests.close(uow, request.id, " ", request.version)
    assert error.value.field == "result"
    closed = requests.close(uow, request.id, "已处理", request.version)
    with pytest.raises(ValidationError) as error:
        requests.rate(uow, closed.id, "meh", "", closed.version)
    assert error.value.field == "satisfaction"


def test_reopen_needs_a_reason_and_counts(uow, place):
    request = _handled(uow, place)
    request = requests.close(uow, request.id, "已处理", request.version)
    with pytest.raises(ValidationError) as error:
        requests.reopen(uow, request.id, "", request.version)
    assert error.value.field == "reason"
    request = requests.reopen(uow, request.id, "居民反映灯又坏了", request.version)
    assert (request.state, request.reopen_count, request.closed_at) == ("in_progress", 1, None)
    request = requests.close(uow, request.id, "换了新灯具", request.version)
    request = requests.rate(uow, request.id, "unsatisfied", "太慢", request.version)
    request = requests.reopen(uow, request.id, "回访不满意", request.version)
    assert (request.state, request.reopen_count, request.satisfaction) == ("in_progress", 2, "")
    events = requests.get_request(uow, request.id).events
    assert (events[-1].from_state, events[-1].to_state, events[-1].note) == ("rated", "in_progress", "回访不满意")


def test_reassigning_an_open_request(uow, place):
    request = _handled(uow, place)
    request = requests.assign(uow, request.id, place.staff.id, request.version)
    assert (request.state, request.assignee_id) == ("assigned", place.staff.id)


def test_assignee_must_be_able_to_handle_it(db, uow, place, community_id):
    clerk = make_worker(db, community_id, "qian", "钱窗口", role="clerk")
    request = _receive(uow, grid_id=place.grid1)
    with pytest.raises(ValidationError, match="无权处置"):
        requests.assign(uow, request.id, clerk.id, request.version)
    with pytest.raises(ValidationError, match="不负责"):
        requests.assign(uow, request.id, place.worker2.id, request.version)
    with pytest.raises(ValidationError) as error:
        requests.assign(uow, request.id, 999_999, request.version)
    assert error.value.field == "assignee_id"


def test_each_transition_checks_its_permission(db, uow, place):
    request = _receive(uow, grid_id=place.grid1)
    with UnitOfWork(db, place.worker1.actor) as worker_uow, pytest.raises(PermissionDenied):
        requests.assign(worker_uow, request.id, place.worker1.id, request.version)
    with UnitOfWork(db, actor_for("clerk", place.community_id)) as clerk_uow, pytest.raises(PermissionDenied):
        requests.assign(clerk_uow, request.id, place.worker1.id, request.version)
    request = requests.assign(uow, request.id, place.worker1.id, request.version)
    with UnitOfWork(db, place.worker1.actor) as worker_uow:
        request = requests.start(worker_uow, request.id, request.version)
        request = requests.close(worker_uow, request.id, "已处理", request.version)
        with pytest.raises(PermissionDenied):
            requests.reopen(worker_uow, request.id, "再看看", request.version)
    with UnitOfWork(db, actor_for("clerk", place.community_id)) as clerk_uow:
        assert requests.rate(clerk_uow, request.id, "basic", "", request.version).state == "rated"


def test_stale_version_from_two_units_of_work_is_refused(db, admin, place):
    with UnitOfWork(db, admin) as uow:
        request = _receive(uow, grid_id=place.grid1)
    with UnitOfWork(db, admin) as first, UnitOfWork(db, admin) as second:
        seen_first = requests.get_request(first, request.id).request
        seen_second = requests.get_request(second, request.id).request
        assert seen_first.version == seen_second.version
        requests.assign(first, request.id, place.worker1.id, seen_first.version)
        with pytest.raises(ConflictError):
            requests.assign(second, request.id, place.staff.id, seen_second.version)
    with UnitOfWork(db, admin) as uow:
        detail = requests.get_request(uow, request.id)
    assert detail.request.assignee_id == place.worker1.id
    assert len(detail.events) == 2  # the refused assignment left nothing behind


def test_an_old_version_number_is_refused_before_any_change(uow, place):
    request = _receive(uow, grid_id=place.grid1)
    assigned = requests.assign(uow, request.id, place.worker1.id, request.version)
    with pytest.raises(ConflictError):
        requests.start(uow, assigned.id, request.version)


# --- scope ----------------------------------------------------------------------------------


def test_grid_worker_sees_and_handles_only_their_grids(db, uow, place):
    mine = _receive(uow, grid_id=place.grid1)
    theirs = _receive(uow, grid_id=place.grid2)
    community_wide = _receive(uow)
    with UnitOfWork(db, place.worker1.actor) as worker_uow:
        assert [r.id for r in requests.list_requests(worker_uow)] == [mine.id]
        for hidden in (theirs, community_wide):
            with pytest.raises(NotFound):
                requests.get_request(worker_uow, hidden.number)
        assert requests.request_counts(worker_uow)["received"] == 1
    theirs = requests.assign(uow, theirs.id, place.worker2.id, theirs.version)
    with UnitOfWork(db, place.worker1.actor) as worker_uow, pytest.raises(NotFound):
        requests.start(worker_uow, theirs.id, theirs.version)


def test_another_community_cannot_see_by_number(db, uow):
    request = _receive(uow)
    with UnitOfWork(db, actor_for("staff", 999)) as stranger, pytest.raises(NotFound):
        requests.get_request(stranger, request.number)


# --- time limits ----------------------------------------------------------------------------


def test_timing_goes_at_risk_then_overdue(db, admin, clock):
    with UnitOfWork(db, admin) as uow:
        request = _receive(uow, urgency="urgent")  # 2 hours; at risk from 1 h 30
    assert _timing(db, admin, request.id) == "on_time"
    clock.advance(hours=1, minutes=29)
    assert _timing(db, admin, request.id) == "on_time"
    clock.advance(minutes=1)
    assert _timing(db, admin, request.id) == "at_risk"
    clock.advance(minutes=30)
    assert _timing(db, admin, request.id) == "at_risk"  # exactly at the deadline: not yet late
    clock.advance(seconds=1)
    assert _timing(db, admin, request.id) == "overdue"


def test_closing_late_or_on_time(db, admin, place, clock):
    with UnitOfWork(db, admin) as uow:
        quick = _handled(uow, place, urgency="urgent")
        slow = _handled(uow, place, urgency="urgent")
        requests.close(uow, quick.id, "已处理", quick.version)
        clock.advance(hours=3)
        requests.close(uow, slow.id, "已处理", slow.version)
        clock.advance(days=30)
        timings = {r.id: r.timing for r in requests.list_requests(uow)}
    assert timings == {quick.id: "closed_on_time", slow.id: "closed_late"}


def test_at_risk_ratio_is_a_setting(db, admin, clock):
    db.settings = replace(db.settings, requests=replace(db.settings.requests, at_risk_ratio=0.5))
    with UnitOfWork(db, admin) as uow:
        request = _receive(uow, urgency="urgent")
    clock.advance(hours=1)
    assert _timing(db, admin, request.id) == "at_risk"


def test_counts_by_state_plus_overdue_and_at_risk(db, admin, place, clock):
    with UnitOfWork(db, admin) as uow:
        _receive(uow, urgency="urgent")  # 2 h: overdue by then
        _receive(uow, urgency="enquiry")  # 24 h: 19 h used is at risk  # 24 h
        handled = _handled(uow, place)
        closed = requests.close(uow, handled.id, "已处理", handled.version)
        requests.rate(uow, closed.id, "satisfied", "", closed.version)
    clock.advance(hours=19)
    with UnitOfWork(db, admin) as uow:
        counts = requests.request_counts(uow)
    assert counts == {"received": 2, "assigned": 0, "in_progress": 0, "closed": 0, "rated": 1,
                      "overdue": 1, "at_risk": 1}


# --- listing --------------------------------------------------------------------------------


def test_list_sorts_urgent_first_then_by_deadline_and_filters(uow, place, clock):
    normal = _receive(uow, urgency="normal")
    clock.advance(minutes=5)
    enquiry = _receive(uow, urgency="enquiry")
    later_urgent = _receive(uow, urgency="urgent")
    clock.advance(minutes=5)
    latest_urgent = _receive(uow, urgency="urgent", grid_id=place.grid1)
    assert [r.id for r in requests.list_requests(uow)] == [
        later_urgent.id, latest_urgent.id, normal.id, enquiry.id]
    assert [r.id for r in requests.list_requests(uow, grid_id=place.grid1)] == [latest_urgent.id]
    assigned = requests.assign(uow, normal.id, place.staff.id, normal.version)
    assert [r.id for r in requests.list_requests(uow, state="assigned")] == [assigned.id]
    assert [r.id for r in requests.list_requests(uow, assignee_id=place.staff.id)] == [assigned.id]
    started = requests.start(uow, assigned.id, assigned.version)
    requests.close(uow, started.id, "已处理", started.version)
    assert normal.id not in [r.id for r in requests.list_requests(uow, open_only=True)]
    with pytest.raises(ValidationError):
        requests.list_requests(uow, state="lost")


def test_unknown_request_is_not_found(uow):
    with pytest.raises(NotFound):
        requests.get_request(uow, 12345)
    with pytest.raises(NotFound):
        requests.get_request(uow, "S20261123-9999")


# --- helpers --------------------------------------------------------------------------------


def _timing(db, actor, request_id):
    with UnitOfWork(db, actor) as uow:
        return requests.get_request(uow, request_id).request.timing


def _audit_actions(db, request_id):
    with db.session() as session:
        return session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "request", AuditEntry.entity_id == request_id).order_by(AuditEntry.id)).all()


def test_list_filters_by_household(db, uow, community_id, place):
    home = make_home(db, community_id, place.grid2, Resident("孙先生", date(1968, 3, 3)))
    mine = _receive(uow, person_id=home.head_id)
    _receive(uow, grid_id=place.grid2)
    listed = requests.list_requests(uow, household_id=home.household_id)
    assert [r.id for r in listed] == [mine.id]
