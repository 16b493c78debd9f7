"""A search in every list: registers, requests and the service log find people as the ledger does
(name, pinyin initials, ID tail) and households by 户号, within the list's own scope."""

from __future__ import annotations

from datetime import date

import pytest
from actors import actor_for
from ledger_fixtures import id_number_of
from register_fixtures import register_town
from request_fixtures import build_desk

from station.registers.views import register_page
from station.requests.views import request_page
from station.uow import UnitOfWork
from station.visits import log as visit_log


def _entries(uow, query, category="elderly_alone"):
    return [entry.person_name for entry in register_page(uow, category, query=query).entries]


@pytest.fixture
def town(db, community_id):
    return register_town(db, community_id)


@pytest.mark.parametrize("query", ["李奶奶", "奶奶", "lnn", "LNN", "linainai"])
def test_the_register_list_finds_by_name_and_pinyin(uow, town, query):
    assert _entries(uow, query) == ["李奶奶"]


def test_the_register_list_finds_by_id_tail_and_household_number(db, uow, town):
    tail = id_number_of(db, town.zhao.head_id)[-4:]
    assert _entries(uow, tail) == ["赵爷爷"]
    with UnitOfWork(db, actor_for("admin", town.place.community_id)) as other:
        number = next(entry.household_number for entry in register_page(other, "elderly_alone").entries
                      if entry.person_name == "陈阿婆")
    assert _entries(uow, number.lower()) == ["陈阿婆"]


def test_the_register_search_keeps_the_figures_of_what_it_found(uow, town):
    page = register_page(uow, "elderly_alone", query="奶奶")
    assert (page.total, page.overdue) == (1, 1)
    assert _entries(uow, "") == ["李奶奶", "赵爷爷", "王大爷", "陈阿婆"]
    assert _entries(uow, "z") == ["李奶奶", "赵爷爷", "王大爷", "陈阿婆"]  # too short: no search yet
    assert _entries(uow, "无此人") == []


def test_the_register_search_stays_in_the_grid_workers_grids(db, town):
    worker = town.place.worker1.actor
    with UnitOfWork(db, worker) as uow:
        assert _entries(uow, "赵爷爷") == []
        assert _entries(uow, "王大爷") == ["王大爷"]


def test_the_service_log_finds_visits_by_person_or_household(db, uow, town):
    with UnitOfWork(db, town.place.director.actor) as writer:
        visit_log.log_visit(writer, kind="phone_visit", worker_id=town.place.worker2.id,
                             household_id=town.zhao.household_id, done_on=date(2026, 11, 22), content="电话问候")

    def contents(query):
        return [visit.content for visit in visit_log.list_visits(uow, query=query)]

    assert contents("wdy") == ["入户"]
    assert contents("赵爷爷") == ["电话问候"]  # a visit to his household, no person named
    assert sorted(contents("")) == ["入户", "电话问候"]


def test_the_request_list_finds_by_resident_number_or_contact(db, uow, community_id, clock):
    desk = build_desk(db, community_id, clock)

    def numbers(query):
        return [request.number for request in request_page(uow, open_only=False, query=query).requests]

    assert numbers("王大爷") == [desk.fresh.number]
    assert numbers("wdy") == [desk.fresh.number]
    assert numbers(desk.fresh.number.lower()) == [desk.fresh.number]
    assert len(numbers("")) == 5
