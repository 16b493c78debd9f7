"""The ledger: search follows each key, stale answers never win, Enter opens the household file."""

from __future__ import annotations

import time

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import id_number_of, neighbourhood
from sqlalchemy import text
from tui_support import (
    PASSWORD,
    app_for,
    burst,
    drive,
    log_in,
    make_admin,
    run_palette_command,
    screen_name,
    settle,
    squeeze,
    text_of,
)

import screens.ledger.screen
from screens.i18n import LANGUAGES, Catalogue
from screens.ledger.household import SECTIONS
from screens.ledger.member_rows import FIELDS
from screens.ledger.new_household import PLACE_FIELDS
from screens.ledger.screen import COLUMNS
from screens.widgets.reveal import PersonNumbers
from screens.widgets.virtual_table import VirtualTable
from station.accounts.users import set_password
from station.actor import Actor
from station.dossiers.household import household_file
from station.idcard import mask_id
from station.requests import workflow as request_workflow
from station.search.lookup import search
from station.uow import UnitOfWork


@pytest.fixture
def town(db, community_id, clock):
    place = neighbourhood(db, community_id)
    home1, home2 = build_town(db, community_id, place, clock)
    with UnitOfWork(db, place.director.actor) as uow:
        request_workflow.receive(uow, channel="window", category="property", urgency="normal",
                                  description="水管漏水", grid_id=place.grid1,
                                  household_id=home1.household_id)
    make_admin(db)
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        set_password(uow, place.worker2.username, PASSWORD)
    return place, home1, home2


async def _search(pilot, text):
    await pilot.press("f2")
    await settle(pilot)
    assert screen_name(pilot) == "LedgerScreen"
    await pilot.press(*text)
    await settle(pilot)


def _names(pilot):
    """The names the list holds for the shown search (all of them have arrived)."""
    table = pilot.app.screen.query_one(VirtualTable)
    assert pilot.app.screen.shown_query
    return [table.row(index).name for index in range(table.size_rows)]


def test_results_follow_each_key_and_enter_opens_the_household(db, town):
    place, home1, _home2 = town

    async def scenario(pilot):
        await log_in(pilot)
        await _search(pilot, "王")
        assert sorted(_names(pilot)) == ["王大妈", "王大爷"]
        await pilot.press("大", "爷")
        await settle(pilot)
        assert _names(pilot) == ["王大爷"]
        shown = text_of(pilot, "#hits")
        head_id = id_number_of(db, home1.head_id)
        assert mask_id(head_id) in shown and head_id not in shown and "一网格" in shown
        assert "找到 1 人" in text_of(pilot, "#result-note")
        await pilot.press("enter", "enter")  # into the list, then open
        await settle(pilot)
        assert screen_name(pilot) == "HouseholdScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "LedgerScreen" and _names(pilot) == ["王大爷"]

    drive(app_for(db), scenario)


def test_down_and_enter_typed_with_the_query_open_its_household(db, town):
    _place, _home1, home2 = town

    async def scenario(pilot):
        await log_in(pilot)
        # ↓ waits for the hits of 赵 (the whole ledger is listed before), Enter opens the row.
        await burst(pilot, "f2", "赵", "down", "enter")
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.file.household.id == home2.household_id

    drive(app_for(db), scenario)


def test_enter_enter_while_the_search_still_runs_opens_the_household_found(db, town, monkeypatch):
    _place, _home1, home2 = town

    def slow_search(uow, *args, **kwargs):  # a busy PC: the answer comes after both Enters
        time.sleep(0.5)
        return search(uow, *args, **kwargs)

    monkeypatch.setattr(screens.ledger.screen, "search", slow_search)

    async def scenario(pilot):
        await log_in(pilot)
        await burst(pilot, "f2", *"赵奶奶", then_settle=False)
        while screen_name(pilot) != "LedgerScreen" or pilot.app.screen.query_one("#search").value != "赵奶奶":
            await pilot.pause(0.01)
        await pilot.pause(0.1)  # the search for 赵奶奶 has started, its answer is on the way
        await burst(pilot, "enter", "enter", "down")
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.file.household.id == home2.household_id

    drive(app_for(db), scenario)


def test_pinyin_initials_and_no_match(db, town):
    async def scenario(pilot):
        await log_in(pilot)
        await _search(pilot, "zn")
        assert _names(pilot) == ["赵奶奶"]
        await pilot.press("q", "q")
        await settle(pilot)
        assert _names(pilot) == [] and "没有找到" in text_of(pilot, "#result-note")

    drive(app_for(db), scenario)


def test_an_older_answer_arriving_late_is_dropped(db, town):
    async def scenario(pilot):
        await log_in(pilot)
        await _search(pilot, "赵")
        screen = pilot.app.screen
        screen.show_hits(screen.generation - 1, "王", [])
        assert _names(pilot) == ["赵奶奶"]

    drive(app_for(db), scenario)


def test_a_grid_worker_finds_only_their_grid(db, town):
    place, _home1, _home2 = town

    async def scenario(pilot):
        await log_in(pilot, username=place.worker2.username)
        await _search(pilot, "王")
        assert _names(pilot) == []
        await pilot.press("backspace", "赵")
        await settle(pilot)
        assert _names(pilot) == ["赵奶奶"]

    drive(app_for(db), scenario)


def test_the_household_file_shows_members_registers_visits_requests(db, town):
    place, home1, _home2 = town

    async def scenario(pilot):
        await log_in(pilot)
        await _search(pilot, "王大妈")
        pilot.app.screen.query_one(VirtualTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        with UnitOfWork(db, pilot.app.actor) as uow:
            assert screen.file == household_file(uow, home1.household_id)
        head = text_of(pilot, "#household-head")
        assert "户籍户" in head and "一网格" in head and "幸福路1号" in head
        members = text_of(pilot, "#members-box")
        assert "户主 · 男 · 80 岁" in members and "配偶 · 女" in members
        wife_id = id_number_of(db, home1.person_ids[1])
        assert mask_id(wife_id) in members and wife_id not in members
        assert len(screen.query(PersonNumbers)) == 2
        assert isinstance(screen.focused, PersonNumbers) and "Ctrl+T" in text_of(pilot, "Footer")
        assert "独居老人" in text_of(pilot, "#registers-box")
        assert "入户" in text_of(pilot, "#visits-box") and "(计划)" in text_of(pilot, "#visits-box")
        assert len(screen.file.requests) == 1
        assert screen.file.requests[0].number in text_of(pilot, "#requests-box")

    drive(app_for(db), scenario, size=(120, 48))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ledger_keys_built_from_names_exist(language):
    """Keys the ledger screens build with f-strings (the i18n test only sees literal ones)."""
    keys = {f"ledger.col_{column}" for column, _width in COLUMNS}
    keys |= {f"ledger.status_{status}" for status in ("active", "moved_out", "deceased")}
    keys |= {f"household.{section}_title" for section in SECTIONS}
    keys |= {f"household.kind_{kind}" for kind in ("registered", "dwelling")}
    keys |= {f"household.status_{status}" for status in ("active", "moved_out")}
    keys |= {f"household.col_{column}" for column in ("person", "category", "start_on", "next_visit",
                                                      "date", "kind", "worker", "content", "number",
                                                      "state", "received")}
    keys |= {f"household_form.{field}" for field in (*FIELDS, *PLACE_FIELDS)}
    keys |= {f"help.{place}.text" for place in ("ledger", "household", "household_form")}
    assert sorted(key for key in keys if not Catalogue(language).has(key)) == []


def test_the_palette_opens_a_household_by_name(db, town):
    _place, home1, _home2 = town

    async def scenario(pilot):
        await log_in(pilot)
        await run_palette_command(pilot, "打开住户")
        assert screen_name(pilot) == "PickPersonDialog"
        await pilot.press(*"王大爷")
        await settle(pilot)
        await pilot.press("enter")  # the only hit is picked at once
        await settle(pilot)
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.household_id == home1.household_id

    drive(app_for(db), scenario)


def test_the_person_picker_cancels_with_escape(db, town):
    async def scenario(pilot):
        await log_in(pilot)
        await run_palette_command(pilot, "打开住户")
        await pilot.press(*"王")
        await settle(pilot)
        assert "找到 2 人" in text_of(pilot, "#pick-note")
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"

    drive(app_for(db), scenario)


def test_numbers_typed_into_notes_and_visits_are_masked_in_the_household_file(db, town):
    _place, home1, _home2 = town
    leak = "其子身份证110105 19840724 8761,手机+8613912345678"
    with db.engine.begin() as conn:
        conn.execute(text("update households set notes = :leak where id = :id"),
                     {"leak": leak, "id": home1.household_id})
        conn.execute(text("update visits set content = :leak where household_id = :id"),
                     {"leak": leak, "id": home1.household_id})

    async def scenario(pilot):
        await log_in(pilot)
        await _search(pilot, "王大妈")
        pilot.app.screen.query_one(VirtualTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        head, visits = squeeze(text_of(pilot, "#household-head")), squeeze(text_of(pilot, "#visits-box"))
        assert "110105********8761" in head and "139****5678" in head
        assert "110105" in visits  # the visit's content is shown, masked
        for shown in (head, visits):
            assert "19840724" not in shown and "13912345678" not in shown

    drive(app_for(db), scenario, size=(120, 48))
