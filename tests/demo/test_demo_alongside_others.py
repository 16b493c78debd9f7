"""A demo (a whole community written in one transaction) beside other communities' stations on one
PostgreSQL: their writes neither wait for it nor collide with its ids, and two demos run at once."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from actors import actor_for
from sqlalchemy import func, select, text

from models import Grid, Household, Person, User
from station.accounts.users import add_user
from station.actor import SYSTEM
from station.db import Database
from station.demo import community as demo
from station.places.directory import ensure_community
from station.uow import UnitOfWork

PASSWORD = "Counter-Test-Key-42"
pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def other_station(db: Database, code: str, name: str) -> tuple[Database, int]:
    settings = replace(db.settings, station=replace(db.settings.station, community=name, community_code=code))
    station = Database(db.engine, settings, db.clock)
    with UnitOfWork(station, SYSTEM) as uow:
        community_id = ensure_community(uow, settings).id
        uow.commit()
    return station, community_id


def test_a_user_added_elsewhere_while_a_demo_writes_neither_waits_nor_collides(db, community_id):
    east, east_id = other_station(db, "DSQ", "东社区")
    added: list[int] = []

    def meanwhile(done: int, total: int) -> None:
        """Halfway through the demo's transaction, another station adds a user."""
        if added:
            return
        with UnitOfWork(east, actor_for("admin", east_id)) as uow:
            uow.session.execute(text("SET LOCAL lock_timeout = '3s'"))  # waiting at all is the failure
            added.append(add_user(uow, "dong.clerk", "东窗口", "clerk", PASSWORD).id)
            uow.commit()

    demo.generate(db, households=80, seed=5, progress=meanwhile)
    assert added
    with db.session() as session:
        assert session.scalar(select(User.community_id).where(User.id == added[0])) == east_id
        demo_users = session.scalar(select(func.count(User.id)).where(User.community_id == community_id))
    assert demo_users > 3


def test_two_demos_at_once_in_two_communities_both_complete(db, community_id):
    east, east_id = other_station(db, "DSQ", "东社区")
    failures: list[BaseException] = []

    def run(station: Database, seed: int) -> None:
        try:
            demo.generate(station, households=60, seed=seed)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=run, args=(db, 1)), threading.Thread(target=run, args=(east, 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    with db.session() as session:
        for model in (Grid, Household, Person):
            per_community = dict(session.execute(select(model.community_id, func.count(model.id))
                                                 .group_by(model.community_id)).all())
            assert per_community[community_id] > 0 and per_community[east_id] > 0, model
    with UnitOfWork(east, actor_for("admin", east_id)) as uow:  # the sequences are where they belong
        assert add_user(uow, "dong.after", "东后来", "clerk", PASSWORD).id
        uow.commit()
