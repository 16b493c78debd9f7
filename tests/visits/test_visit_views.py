"""The service-log screens' services: workers to choose from, a visit logged with its follow-up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from actors import actor_for
from ledger_fixtures import Resident, make_home, make_worker, neighbourhood

from station.accounts.users import disable_user
from station.actor import Actor
from station.errors import PermissionDenied, ValidationError
from station.places.directory import ensure_community
from station.settings import StationSettings
from station.uow import UnitOfWork
from station.visits import log as visit_log
from station.visits import views as visit_views
from station.visits.views import list_workers, log_visit_with_follow_up


@pytest.fixture
def place(db, community_id):
    return neighbourhood(db, community_id)


def _names(db, actor, **options):
    with UnitOfWork(db, actor) as uow:
        return [worker.username for worker in list_workers(uow, **options)]


def test_community_workers_who_may_log_visits(db, community_id, place):
    make_worker(db, community_id, "jie", "街道甲", role="street")
    assert _names(db, place.worker1.actor) == ["li", "sun", "wang", "zhao"]


def test_disabled_accounts_only_when_asked(db, community_id, place):
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        disable_user(uow, "zhao")
    assert "zhao" not in _names(db, place.director.actor)
    assert "zhao" in _names(db, place.director.actor, include_disabled=True)


def test_other_communities_are_not_listed(db, settings, community_id, place):
    other = StationSettings(name="东站", community="东社区", community_code="DSQ")
    with UnitOfWork(db, Actor(None, "system", "admin", None)) as uow:
        other_id = ensure_community(uow, settings.__class__(station=other)).id
        uow.commit()
    make_worker(db, other_id, "dong", "东网格", role="staff")
    assert "dong" not in _names(db, place.director.actor)
    assert "dong" in _names(db, actor_for("street", None))


def test_reading_needs_visits_read(db, community_id, place):
    with UnitOfWork(db, actor_for("nobody", community_id)) as uow, pytest.raises(PermissionDenied):
        list_workers(uow)


# --- a visit with its follow-up -------------------------------------------------------------

TODAY = date(2026, 11, 23)


@pytest.fixture
def home(db, community_id, place):
    return make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))


def _log(db, actor, home, **values):
    values = {"kind": "home_visit", "worker_id": 0, "person_id": home.head_id, "household_id": None,
              "done_on": TODAY, "content": "了解近况", **values}
    with UnitOfWork(db, actor) as uow:
        return log_visit_with_follow_up(uow, **values)


def _visits(db, place):
    with UnitOfWork(db, place.director.actor) as uow:
        return visit_log.list_visits(uow)


def test_a_follow_up_day_plans_the_next_visit_with_the_note(db, place, home):
    logged = _log(db, place.worker1.actor, home, worker_id=place.worker1.id,
                  follow_up_on=date(2026, 11, 27), follow_up_note="送药上门")
    assert logged.visit.done_on == TODAY and logged.visit.follow_up_on == date(2026, 11, 27)
    assert logged.plan is not None and logged.plan.planned_on == date(2026, 11, 27)
    assert (logged.plan.content, logged.plan.kind, logged.plan.worker_id) == ("送药上门", "home_visit",
                                                                             place.worker1.id)
    assert len(_visits(db, place)) == 2


def test_a_note_without_a_day_stays_with_the_visit(db, place, home):
    logged = _log(db, place.director.actor, home, worker_id=place.worker1.id, follow_up_note="下周再问")
    assert logged.plan is None and logged.visit.content == "了解近况\n跟进事项:下周再问"


def test_a_refused_follow_up_saves_nothing(db, place, home):
    with pytest.raises(ValidationError) as refused:
        _log(db, place.director.actor, home, worker_id=place.worker1.id, follow_up_on=TODAY - timedelta(days=1),
             done_on=TODAY - timedelta(days=5))
    assert refused.value.field == "follow_up_on" and "回访日期" in refused.value.message
    assert _visits(db, place) == []


def test_a_failing_plan_rolls_the_visit_back(db, place, home, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError("visits.planned_on_missing", field="planned_on")

    monkeypatch.setattr(visit_views, "plan_visit", refuse)
    with pytest.raises(ValidationError):
        _log(db, place.director.actor, home, worker_id=place.worker1.id, follow_up_on=date(2026, 11, 30))
    assert _visits(db, place) == []


def test_an_empty_content_is_refused_even_with_a_note(db, place, home):
    with pytest.raises(ValidationError) as refused:
        _log(db, place.director.actor, home, worker_id=place.worker1.id, content=" ", follow_up_note="记得")
    assert refused.value.field == "content" and _visits(db, place) == []


def test_logging_needs_visits_write(db, community_id, place, home):
    with pytest.raises(PermissionDenied):
        _log(db, actor_for("street", None), home, worker_id=place.worker1.id)
    assert _visits(db, place) == []
