"""Registering a household from the form: few keys, inline messages, duplicates offer the existing."""

from __future__ import annotations

from datetime import date

import pytest
from factories import make_id
from ledger_fixtures import Resident, make_home, neighbourhood
from textual.widgets import Input, Select
from tui_support import (
    PASSWORD,
    app_for,
    drive,
    log_in,
    make_admin,
    screen_name,
    settle,
    squeeze,
    text_of,
    with_settings,
)

from station.accounts.users import set_password
from station.actor import Actor
from station.ledger.queries import get_household
from station.places.directory import add_building
from station.uow import UnitOfWork

HEAD_ID = make_id(date(1980, 5, 1), seq=301)
WIFE_ID = make_id(date(1982, 7, 9), male=False, seq=302)
SON_ID = make_id(date(2010, 3, 15), seq=303)
NAVIGATION = {"tab", "shift+tab", "enter", "ctrl+s", "up", "down", "left", "right", "ctrl+down"}
# The 3-person household as typed: strings are data, single key names are navigation.
THREE_PERSONS = [
    "101", "tab", "幸福路8号", "enter",
    "张三", "tab", HEAD_ID, "tab", "tab", "13812345678", "enter",
    "李四", "tab", WIFE_ID, "tab", "妻", "enter",
    "张小明", "tab", SON_ID, "tab", "子",
    "ctrl+s",
]


@pytest.fixture
def place(db, community_id):
    place = neighbourhood(db, community_id)
    with UnitOfWork(db, Actor(None, "tests", "admin", community_id)) as uow:
        add_building(uow, place.grid2, "8号楼")
    make_admin(db)
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        set_password(uow, place.worker2.username, PASSWORD)
    return place


async def _open_form(pilot, username="admin"):
    await log_in(pilot, username=username)
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert screen_name(pilot) == "RegisterHouseholdScreen"


async def _play(pilot, sequence):
    for step in sequence:
        if step in NAVIGATION:
            await pilot.press(step)
        else:
            await pilot.press(*step)
        await pilot.pause()
    await settle(pilot)


def test_a_three_person_household_takes_few_navigation_keys(db, place):
    assert sum(step in NAVIGATION for step in THREE_PERSONS) <= 15

    async def scenario(pilot):
        await _open_form(pilot)
        await _play(pilot, THREE_PERSONS)
        assert screen_name(pilot) == "HouseholdScreen"
        shown = pilot.app.screen.file.household
        with UnitOfWork(db, pilot.app.actor) as uow:
            assert shown == get_household(uow, shown.id)
        assert shown.grid_id == place.grid1 and shown.room == "101" and shown.address == "幸福路8号"
        members = {m.name: (m.relation, m.sex, m.birth_date, m.ethnicity, m.phone) for m in shown.members}
        assert members == {"张三": ("02", "1", date(1980, 5, 1), "01", "13812345678"),
                           "李四": ("12", "2", date(1982, 7, 9), "01", ""),
                           "张小明": ("20", "1", date(2010, 3, 15), "01", "")}

    drive(app_for(db), scenario, size=(120, 40))


def test_sex_and_birth_follow_the_id_and_a_bad_id_says_why(db, place):
    async def scenario(pilot):
        await _open_form(pilot)
        await _play(pilot, ["enter", "张三", "tab", HEAD_ID])
        assert "男 · 出生 1980-05-01" in text_of(pilot, "#m1-derived")
        bad = HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")
        pilot.app.screen.query_one("#m1-id_number", Input).value = bad
        await settle(pilot)
        assert "校验位错误" in text_of(pilot, "#m1-derived")
        await _play(pilot, ["ctrl+s"])
        assert screen_name(pilot) == "RegisterHouseholdScreen"
        assert "第 1 名成员" in text_of(pilot, "#form-error") and "校验位错误" in text_of(pilot, "#form-error")
        assert pilot.app.screen.focused.id == "m1-id_number"

    drive(app_for(db), scenario, size=(120, 40))


def test_in_english_a_bad_member_is_named_and_focused_in_english(db, place):
    with_settings(db, language="en")

    async def scenario(pilot):
        await _open_form(pilot)
        bad = HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")
        await _play(pilot, ["101", "tab", "幸福路8号", "enter", "张三", "tab", HEAD_ID, "enter",
                            "李四", "tab", bad, "tab", "妻", "ctrl+s"])
        assert screen_name(pilot) == "RegisterHouseholdScreen"
        said = text_of(pilot, "#form-error")
        assert said.startswith("Member 2: ") and "check digit" in said
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in said)
        assert pilot.app.screen.focused.id == "m2-id_number"  # from the error's index, not its words

    drive(app_for(db), scenario, size=(120, 40))


def test_in_english_a_second_head_is_refused_in_english(db, place):
    with_settings(db, language="en")

    async def scenario(pilot):
        await _open_form(pilot)
        await _play(pilot, ["101", "tab", "幸福路8号", "enter", "张三", "tab", HEAD_ID, "enter",
                            "李四", "tab", WIFE_ID, "tab", "户主", "ctrl+s"])
        assert "A household can have only one head" in text_of(pilot, "#form-error")

    drive(app_for(db), scenario, size=(120, 40))


def test_a_second_head_is_refused_inline(db, place):
    async def scenario(pilot):
        await _open_form(pilot)
        await _play(pilot, ["101", "tab", "幸福路8号", "enter", "张三", "tab", HEAD_ID, "enter",
                            "李四", "tab", WIFE_ID, "tab", "户主", "ctrl+s"])
        assert screen_name(pilot) == "RegisterHouseholdScreen"
        assert "每户只能有一名户主" in text_of(pilot, "#form-error")

    drive(app_for(db), scenario, size=(120, 40))


def test_a_duplicate_id_offers_the_existing_household(db, place, community_id):
    home = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))
    with UnitOfWork(db, Actor(None, "tests", "admin", community_id)) as uow:
        existing_id = get_household(uow, home.household_id).members[0].id_number

    async def scenario(pilot):
        await _open_form(pilot)
        await _play(pilot, ["101", "tab", "幸福路8号", "enter", "王老", "tab", existing_id, "ctrl+s"])
        assert screen_name(pilot) == "ConfirmDialog"
        said = squeeze(text_of(pilot)).replace("\n", "")  # the dialog wraps the message
        assert said.count("第1名成员:身份证号") == 1 and "已登记为“王大爷”" in said
        await pilot.click("#yes")
        await settle(pilot)
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.household_id == home.household_id

    drive(app_for(db), scenario, size=(120, 40))


def test_a_grid_worker_registers_in_their_grid_and_it_is_remembered(db, place):
    async def scenario(pilot):
        await _open_form(pilot, username=place.worker2.username)
        screen = pilot.app.screen
        grid = screen.query_one("#grid", Select)
        assert [value for _label, value in grid._options if value != Select.NULL] == [place.grid2]
        building = screen.query_one("#building", Select)
        assert building.is_blank() and screen.focused is building  # nothing to go on: choose the building
        await _play(pilot, ["8", "tab", "tab", "302", "enter", "赵六", "tab", HEAD_ID, "ctrl+s"])
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.file.household.building_name == "8号楼"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        again = pilot.app.screen
        assert again.query_one("#grid", Select).value == place.grid2
        assert again.query_one("#building", Select).value == building.value

    drive(app_for(db), scenario, size=(120, 40))
