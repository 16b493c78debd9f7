"""Finding people as a clerk types: by 户号, in every list, and people who no longer live anywhere."""

from __future__ import annotations

from datetime import date

import pytest
from household_ops_fixtures import build, household, open_file, person, press
from textual.widgets import Input
from tui_support import app_for, drive, log_in, screen_name, settle, text_of

from screens.widgets.virtual_table import VirtualTable
from station.actor import Actor
from station.ledger.households import move_out
from station.ledger.members import record_death
from station.uow import UnitOfWork

ADMIN = Actor(None, "tests", "admin", None)


@pytest.fixture
def town(db, community_id):
    return build(db, community_id)


async def _ledger_search(pilot, typed: str) -> list[str]:
    """F2, type the query key by key; the names listed once the answer arrived."""
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press(*typed)
    await settle(pilot)
    table = pilot.app.screen.query_one(VirtualTable)
    return [table.row(index).name for index in range(table.size_rows)]


@pytest.mark.parametrize("typed", ["H000001", "h000001", "000001"])
def test_the_ledger_finds_a_household_by_its_number(db, town, typed):
    async def scenario(pilot):
        await log_in(pilot)
        assert await _ledger_search(pilot, typed) == ["王大爷", "王大妈", "王小明"]
        assert "H000001" in text_of(pilot, "#hits")
        await press(pilot, "enter", "enter")  # into the list, then open the first row
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.household_id == town.home1.household_id

    drive(app_for(db), scenario)


def test_a_deceased_resident_opens_their_last_household_as_history(db, town):
    grandma = town.home2.head_id  # lives alone: her household closes with her death
    with UnitOfWork(db, ADMIN) as uow:
        record_death(uow, grandma, person(db, grandma).version, date(2026, 11, 2))

    async def scenario(pilot):
        await log_in(pilot)
        assert await _ledger_search(pilot, "赵奶奶") == ["赵奶奶"]
        assert "H000002" in text_of(pilot, "#hits")  # her last household, not "—"
        await press(pilot, "enter", "enter")
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.household_id == town.home2.household_id
        banner = text_of(pilot, "#household-banner")
        assert "赵奶奶" in banner and "2026-11-02" in banner and "去世" in banner and "只读" in banner
        await _nothing_offered(pilot)

    drive(app_for(db), scenario)


def test_someone_who_moved_away_opens_the_household_they_left(db, town):
    son = town.home1.person_ids[2]
    with UnitOfWork(db, ADMIN) as uow:
        from station.ledger.members import remove_member
        home = household(db, town.home1.household_id)
        remove_member(uow, home.id, home.version, son, reason="迁往北京", on=date(2026, 10, 1))

    async def scenario(pilot):
        await log_in(pilot)
        assert await _ledger_search(pilot, "王小明") == ["王小明"]
        await press(pilot, "enter", "enter")
        assert pilot.app.screen.household_id == town.home1.household_id
        banner = text_of(pilot, "#household-banner")
        assert "王小明" in banner and "2026-10-01" in banner and "迁往北京" in banner and "只读" in banner
        await _nothing_offered(pilot)

    drive(app_for(db), scenario)


def test_a_moved_out_household_is_read_only_and_says_why(db, town):
    home = household(db, town.home1.household_id)
    with UnitOfWork(db, ADMIN) as uow:
        move_out(uow, home.id, home.version, on=date(2026, 9, 30), reason="迁往上海")

    async def scenario(pilot):
        await open_file(pilot, home.id)
        banner = text_of(pilot, "#household-banner")
        assert "2026-09-30" in banner and "迁往上海" in banner and "只读" in banner
        await _nothing_offered(pilot)

    drive(app_for(db), scenario)


async def _nothing_offered(pilot) -> None:
    """No operation keys on the screen, and pressing them opens nothing."""
    screen = pilot.app.screen
    assert text_of(pilot, "#member-keys").strip() == ""
    assert "F8" not in text_of(pilot)
    for key in ("f8", "ctrl+n", "ctrl+e", "ctrl+o", "delete", "enter"):
        await press(pilot, key)
        assert pilot.app.screen is screen, key


def test_the_palette_opens_a_deceased_residents_household_too(db, town):
    grandma = town.home2.head_id
    with UnitOfWork(db, ADMIN) as uow:
        record_death(uow, grandma, person(db, grandma).version, date(2026, 11, 2))

    async def scenario(pilot):
        from screens.commands import open_household

        await log_in(pilot)
        open_household(pilot.app)
        await settle(pilot)
        field = pilot.app.screen.query_one("#pick-search", Input)
        field.focus()
        await pilot.press(*"赵奶奶")
        await settle(pilot)
        await press(pilot, "enter")
        assert screen_name(pilot) == "HouseholdScreen"
        assert "去世" in text_of(pilot, "#household-banner")

    drive(app_for(db), scenario)


def test_the_register_list_searches_as_the_clerk_types(db, community_id):
    from register_fixtures import register_town

    register_town(db, community_id)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+f", *"lnn")
        await settle(pilot)
        assert [entry.person_name for entry in pilot.app.screen.page.entries] == ["李奶奶"]
        assert "李奶奶" in text_of(pilot, "#entries") and "赵爷爷" not in text_of(pilot, "#entries")
        await press(pilot, "enter", "enter")  # into the list, then open her household
        assert screen_name(pilot) == "HouseholdScreen"

    drive(app_for(db), scenario)


def test_the_request_list_and_the_service_log_search_too(db, community_id, clock):
    from request_fixtures import build_desk, with_logins

    desk = build_desk(db, community_id, clock)
    with_logins(db, desk)
    from station.visits import log as visit_log

    with UnitOfWork(db, desk.place.director.actor) as uow:
        visit_log.log_visit(uow, kind="home_visit", worker_id=desk.place.worker1.id, person_id=desk.home.head_id,
                             household_id=desk.home.household_id, done_on=date(2026, 11, 20), content="入户看望")

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("ctrl+f", *"wdy")
        await settle(pilot)
        assert [request.number for request in pilot.app.screen.page.requests] == [desk.fresh.number]
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("ctrl+f", *"000001")
        await settle(pilot)
        assert "入户看望" in text_of(pilot, "#log-table")
        await pilot.press("backspace", "2")
        await settle(pilot)
        assert "入户看望" not in text_of(pilot, "#log-table")

    drive(app_for(db), scenario)


def test_a_register_entry_ends_from_the_household_file(db, town):
    from station.registers import entries as register_entries

    head = town.home1.head_id
    with UnitOfWork(db, ADMIN) as uow:
        register_entries.add_entry(uow, head, "elderly_alone", date(2026, 11, 1))
        register_entries.add_entry(uow, head, "oldest_old", date(2026, 11, 1))

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)  # the head has the focus
        await press(pilot, "f8")
        assert "结束重点人群登记(王大爷)" in text_of(pilot, "#ops-list")
        await press(pilot, "escape", "ctrl+d")
        assert screen_name(pilot) == "OperationsMenu"  # two open entries: which one?
        await press(pilot, "enter")
        assert screen_name(pilot) == "EndEntryDialog"
        await pilot.press(*"已去养老院", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "HouseholdScreen"
        assert "结束" in text_of(pilot, "#registers-box")

    drive(app_for(db), scenario)
    with UnitOfWork(db, ADMIN) as uow:
        entries = register_entries.entries_for_person(uow, head)
    assert sorted(entry.end_reason for entry in entries) == ["", "已去养老院"]  # the one picked, only


def test_a_clerk_may_not_end_register_entries_from_the_household_file(db, town):
    from tui_support import make_user

    from station.registers import entries as register_entries

    make_user(db, "clerk1", "clerk", town.place.community_id, name="周窗口")
    with UnitOfWork(db, ADMIN) as uow:
        register_entries.add_entry(uow, town.home1.head_id, "elderly_alone", date(2026, 11, 1))

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id, username="clerk1")
        await press(pilot, "ctrl+d")
        assert screen_name(pilot) == "HouseholdScreen"
        await press(pilot, "f8")
        assert "结束重点人群登记" not in text_of(pilot, "#ops-list")

    drive(app_for(db), scenario)
