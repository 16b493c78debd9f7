"""The registers screen's list service: most overdue first, capped, scoped, figures over all."""

from __future__ import annotations

from datetime import date

import pytest
from actors import actor_for
from register_fixtures import register_town

from station.errors import PermissionDenied, ValidationError
from station.registers import entries as register_entries
from station.registers.views import register_page
from station.uow import UnitOfWork


@pytest.fixture
def town(db, community_id):
    return register_town(db, community_id)


def _names(page):
    return [entry.person_name for entry in page.entries]


def test_open_entries_most_overdue_first_with_figures(uow, town):
    page = register_page(uow, "elderly_alone")
    assert _names(page) == ["李奶奶", "赵爷爷", "王大爷", "陈阿婆"]
    assert [entry.visit_state for entry in page.entries] == ["overdue", "overdue", "due_soon", "ok"]
    assert page.entries[2].next_visit_due == date(2026, 11, 28)
    assert page.entries[2].last_visit_on == date(2026, 11, 21)
    assert (page.total, page.overdue, page.due_soon, page.capped) == (4, 2, 1, False)
    assert page.category_name == "独居老人"


def test_the_page_is_capped_but_the_figures_count_everyone(uow, town):
    page = register_page(uow, "elderly_alone", limit=2)
    assert _names(page) == ["李奶奶", "赵爷爷"]
    assert (page.total, page.overdue, page.capped) == (4, 2, True)


def test_ended_entries_and_other_categories_are_left_out(uow, town):
    entry = register_page(uow, "elderly_alone").entries[0]
    register_entries.end_entry(uow, entry.id, date(2026, 11, 23), "已入住养老院", entry.version)
    assert _names(register_page(uow, "elderly_alone")) == ["赵爷爷", "王大爷", "陈阿婆"]
    assert register_page(uow, "disabled").entries == ()


def test_a_grid_worker_sees_only_their_grid(db, town, community_id):
    worker = town.place.worker1.actor
    with UnitOfWork(db, worker) as uow:
        page = register_page(uow, "elderly_alone")
    assert _names(page) == ["李奶奶", "王大爷", "陈阿婆"]
    assert (page.total, page.overdue) == (3, 1)


def test_another_community_sees_nothing(db, town):
    with UnitOfWork(db, actor_for("director", town.place.community_id + 1)) as uow:
        assert register_page(uow, "elderly_alone").total == 0


def test_unknown_category_bad_limit_and_no_permission_are_refused(db, uow, town, community_id):
    with pytest.raises(ValidationError) as error:
        register_page(uow, "astronaut")
    assert error.value.field == "category"
    with pytest.raises(ValidationError):
        register_page(uow, "elderly_alone", limit=0)
    with UnitOfWork(db, actor_for("nobody", community_id)) as other, pytest.raises(PermissionDenied):
        register_page(other, "elderly_alone")
