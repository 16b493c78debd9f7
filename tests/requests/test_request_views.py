"""The request screens' reads: order, cap and filters, grid scope, one request's file, assignees."""

from __future__ import annotations

import pytest
from actors import actor_for
from request_fixtures import build_desk

from station.errors import NotFound, PermissionDenied
from station.ledger.queries import get_household
from station.requests import workflow as requests
from station.requests.views import assignable_workers, request_file, request_page
from station.uow import UnitOfWork


@pytest.fixture
def desk(db, community_id, clock):
    return build_desk(db, community_id, clock)


def _numbers(page):
    return [request.number for request in page.requests]


def test_open_requests_come_urgent_first_then_by_deadline(uow, desk):
    page = request_page(uow)
    assert _numbers(page) == desk.open_order and not page.capped
    assert [r.timing for r in page.requests] == ["on_time", "at_risk", "on_time", "overdue"]


def test_all_requests_put_the_finished_ones_last(uow, desk):
    assert _numbers(request_page(uow, open_only=False)) == [*desk.open_order, desk.rated.number]


def test_the_list_is_capped_and_says_so(uow, desk):
    page = request_page(uow, limit=2)
    assert _numbers(page) == desk.open_order[:2] and page.capped
    assert not request_page(uow, limit=4).capped


def test_time_limits_follow_the_clock(uow, desk, clock):
    clock.advance(hours=1)
    assert request_page(uow).requests[0].timing == "at_risk"
    clock.advance(hours=1, minutes=1)
    assert request_page(uow).requests[0].timing == "overdue"


def test_state_and_mine_filters(db, uow, desk):
    worker1 = desk.place.worker1
    requests.assign(uow, desk.fresh.id, worker1.id, desk.fresh.version)
    assert _numbers(request_page(uow, state="assigned")) == [desk.fresh.number]
    assert _numbers(request_page(uow, state="rated", open_only=False)) == [desk.rated.number]
    with UnitOfWork(db, worker1.actor) as mine:
        assert _numbers(request_page(mine, mine=True)) == [desk.fresh.number]
        assert _numbers(request_page(mine, mine=True, open_only=False)) == [desk.fresh.number,
                                                                            desk.rated.number]
    # An actor without an account (the CLI's system user) has nothing assigned.
    assert _numbers(request_page(uow, mine=True)) == []


def test_a_grid_worker_sees_only_their_grid(db, desk):
    with UnitOfWork(db, desk.place.worker2.actor) as uow:
        assert _numbers(request_page(uow, open_only=False)) == [desk.at_risk.number]
        with pytest.raises(NotFound):
            request_file(uow, desk.fresh.id)


def test_the_file_names_household_resident_and_receiver(uow, desk):
    file = request_file(uow, desk.fresh.id)
    number = get_household(uow, desk.home.household_id).number
    assert (file.household_number, file.person_name, file.received_by_name) == (number, "王大爷", "孙站长")
    assert file.request == desk.fresh
    assert [event.to_state for event in request_file(uow, desk.rated.id).detail.events] == \
        ["received", "assigned", "in_progress", "closed", "rated"]


def test_assignees_may_handle_and_look_after_the_grid(uow, desk):
    place = desk.place
    names = [choice.display_name for choice in assignable_workers(uow, desk.fresh.id)]
    assert sorted(names) == sorted(["王网格", "赵干事", "孙站长"])  # not 李网格 of grid 2
    grid2 = [choice.id for choice in assignable_workers(uow, desk.at_risk.id)]
    assert place.worker2.id in grid2 and place.worker1.id not in grid2


def test_only_roles_that_assign_get_the_assignees(db, desk, community_id):
    with UnitOfWork(db, actor_for("clerk", community_id)) as uow, pytest.raises(PermissionDenied):
        assignable_workers(uow, desk.fresh.id)
    with UnitOfWork(db, actor_for("visitor", community_id)) as uow, pytest.raises(PermissionDenied):
        request_page(uow)
