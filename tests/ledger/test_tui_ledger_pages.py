"""The whole ledger, paged: the service's pages and the virtual list that reads them as it scrolls."""

from __future__ import annotations

import pytest
from actors import actor_for
from sqlalchemy import func, select
from tui_support import app_for, drive, log_in, make_admin, make_user, settle, text_of

from models import Grid, Household, Membership
from screens.widgets.virtual_table import KEPT_PAGES, PAGE_SIZE, VirtualTable
from station.demo import community as demo
from station.errors import PermissionDenied
from station.ledger.pages import (
    MAX_PAGE,
    LedgerKey,
    ledger_page,
    ledger_page_after,
    ledger_page_before,
    ledger_page_from_end,
    ledger_size,
)
from station.uow import UnitOfWork


@pytest.fixture
def demo_town(db, community_id):
    demo.generate(db, households=200, seed=11)
    return db


def _residents(db, grid_id=None):
    """Current residents in ledger order, counted straight from the tables."""
    with db.session() as session:
        statement = (select(Membership.person_id, Household.number, Membership.relation)
                     .join(Household, Household.id == Membership.household_id)
                     .where(Membership.left_on.is_(None)))
        if grid_id is not None:
            statement = statement.where(Household.grid_id == grid_id)
        rows = session.execute(statement).all()
    return [row.person_id for row in sorted(rows, key=lambda row: (row.number, row.relation, row.person_id))]


def _households(db) -> set[int]:
    """Households with a current resident, counted straight from the tables."""
    with db.session() as session:
        return set(session.scalars(select(Membership.household_id).where(Membership.left_on.is_(None))))


def test_pages_cover_the_ledger_once_in_household_order(demo_town, community_id):
    expected = _residents(demo_town)
    assert len(expected) > MAX_PAGE > 2 * PAGE_SIZE
    with UnitOfWork(demo_town, actor_for("clerk", community_id)) as uow:
        assert ledger_size(uow) == len(expected)
        seen = [hit.person_id for offset in range(0, len(expected) + 50, 70)
                for hit in ledger_page(uow, offset, 70)]
        assert len(ledger_page(uow, 0, 10_000)) == MAX_PAGE
    assert seen == expected


def _walk(uow, size: int) -> tuple[list[int], list[int], list[int]]:
    """The ledger read three ways: forward by key, backward by key, and counted from the end."""
    forward = ledger_page(uow, 0, 70)
    while len(forward) < size:
        forward += ledger_page_after(uow, LedgerKey.of(forward[-1]), 70)
    backward = ledger_page_from_end(uow, 0, 70)
    while len(backward) < size:
        backward = ledger_page_before(uow, LedgerKey.of(backward[0]), 70) + backward
    from_end = [hit for start in range(0, size, 70)[::-1] for hit in ledger_page_from_end(uow, start, 70)]
    return ([hit.person_id for hit in forward], [hit.person_id for hit in backward],
            [hit.person_id for hit in from_end])


def test_pages_read_by_key_or_from_the_end_are_the_same_ledger(demo_town, community_id):
    expected = _residents(demo_town)
    with UnitOfWork(demo_town, actor_for("clerk", community_id)) as uow:
        walks = _walk(uow, len(expected))
        assert ledger_page_after(uow, LedgerKey.of(ledger_page(uow, len(expected) - 1, 1)[0]), 70) == []
        assert ledger_page_before(uow, LedgerKey.of(ledger_page(uow, 0, 1)[0]), 70) == []
    assert walks == (expected, expected, expected)


def test_a_street_account_pages_every_community_in_order(demo_town, community_id, settings):
    from dataclasses import replace

    from station.db import Database

    east = replace(settings, station=replace(settings.station, community="东社区", community_code="DSQ"))
    demo.generate(Database(demo_town.engine, east, demo_town.clock), households=60, seed=12)
    with demo_town.session() as session:
        rows = session.execute(select(Membership.person_id, Household.community_id, Household.number,
                                      Membership.relation)
                               .join(Household, Household.id == Membership.household_id)
                               .where(Membership.left_on.is_(None))).all()
    expected = [row.person_id for row in sorted(rows, key=lambda r: (r.community_id, r.number, r.relation,
                                                                      r.person_id))]
    with UnitOfWork(demo_town, actor_for("street", None)) as uow:
        assert ledger_size(uow) == len(expected)
        assert _walk(uow, len(expected)) == (expected, expected, expected)


def test_a_grid_worker_pages_only_their_grid(demo_town, community_id):
    with demo_town.session() as session:
        grid_id = session.execute(select(func.min(Grid.id))).scalar_one()
    expected = _residents(demo_town, grid_id)
    with UnitOfWork(demo_town, actor_for("grid_worker", community_id, grid_ids={grid_id})) as uow:
        assert ledger_size(uow) == len(expected) > 0
        hits = ledger_page(uow, 0, MAX_PAGE)
    assert [hit.person_id for hit in hits] == expected[:MAX_PAGE]
    assert {hit.grid_id for hit in hits} == {grid_id}
    with UnitOfWork(demo_town, actor_for("grid_worker", community_id, grid_ids={grid_id})) as uow:
        assert _walk(uow, len(expected)) == (expected, expected, expected)


def test_reading_the_ledger_needs_the_permission(demo_town, community_id):
    with UnitOfWork(demo_town, actor_for("", community_id)) as uow, pytest.raises(PermissionDenied):
        ledger_page(uow, 0, 10)


def test_the_list_reads_pages_as_it_scrolls_and_keeps_few(demo_town, community_id):
    make_admin(demo_town)
    expected = _residents(demo_town)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        table = pilot.app.screen.query_one(VirtualTable)
        assert table.size_rows == len(expected)
        households = len(_households(demo_town))
        assert f"全部在住 {households} 户 {len(expected)} 人" in text_of(pilot, "#result-note")
        assert set(table.pages) == {0}  # only what is in view was read
        await pilot.press("enter")  # from the search box into the list
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor == len(expected) - 1
        assert table.cursor_row.person_id == expected[-1]
        assert set(table.pages) <= {0, (len(expected) - 1) // PAGE_SIZE, (len(expected) - 30) // PAGE_SIZE}
        for _ in range(3):
            await pilot.press("pageup")
        await settle(pilot)
        assert table.cursor_row.person_id == expected[table.cursor]
        assert len(table.pages) <= KEPT_PAGES
        household_id = table.cursor_row.household_id
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.household_id == household_id

    drive(app_for(demo_town), scenario)


def test_clearing_the_search_shows_the_whole_ledger_again(demo_town, community_id):
    make_user(demo_town, "clerk1", "clerk", community_id)

    async def scenario(pilot):
        await log_in(pilot, username="clerk1")
        await pilot.press("f2")
        await settle(pilot)
        screen = pilot.app.screen
        whole = screen.table.size_rows
        await pilot.press("王")
        await settle(pilot)
        assert screen.shown_query == "王" and 0 < screen.table.size_rows < whole
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.shown_query == "" and screen.table.size_rows == whole

    drive(app_for(demo_town), scenario)
