"""登记新户 by keys: how many navigation keys a household takes from a cold start and for the next
one in the same building (after a restart), each sent as one burst; buildings and units by their
number; the kind, population types and household phone; the layout at 80x24."""

from __future__ import annotations

from datetime import date

import pytest
from factories import make_id
from ledger_fixtures import neighbourhood
from textual.widgets import Input, Select
from tui_support import app_for, burst, drive, log_in, make_admin, screen_name, settle, text_of

from screens.ledger.member_rows import READER_GAP, READER_QUIET
from station.actor import Actor
from station.idcard import is_valid_id
from station.ledger.queries import get_household
from station.places.directory import add_building, unit_id_for
from station.uow import UnitOfWork

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

NAVIGATION = {"ctrl+n", "tab", "shift+tab", "enter", "ctrl+s", "escape", "up", "down", "left", "right",
              "ctrl+down"}
HEAD_ID = make_id(date(1980, 5, 1), seq=301)
WIFE_ID = make_id(date(1982, 7, 9), male=False, seq=302)
SON_ID = make_id(date(2010, 3, 15), seq=303)
# From the ledger, nothing remembered: Ctrl+N, the building by its number, unit, room, three members.
# After a member's 18-digit ID the cursor is on the relation (户主 is filled in for the first).
COLD = [
    "ctrl+n", "1", "tab", "3", "tab", "1808", "enter",
    "张三", "tab", HEAD_ID, "tab", "tab", "13812345678", "enter",
    "李四", "tab", WIFE_ID, "妻", "enter",
    "张小明", "tab", SON_ID, "长子", "ctrl+s",
]
# The next household in the same building, after a restart: grid, building and unit are remembered.
NEXT = [
    "ctrl+n", "1809", "enter",
    "王五", "tab", make_id(date(1975, 2, 3), seq=311), "tab", "tab", "13912345678", "enter",
    "赵六", "tab", make_id(date(1977, 8, 9), male=False, seq=312), "妻", "enter",
    "王小虎", "tab", make_id(date(2005, 6, 7), seq=313), "长子", "ctrl+s",
]


def navigation_keys(sequence: list[str]) -> int:
    return sum(step in NAVIGATION for step in sequence)


def keys_of(sequence: list[str]) -> list[str]:
    """The sequence as pressed: navigation keys by name, data character by character."""
    return [key for step in sequence for key in ([step] if step in NAVIGATION else list(step))]


@pytest.fixture
def place(db, community_id):
    place = neighbourhood(db, community_id)
    with UnitOfWork(db, Actor(None, "tests", "admin", community_id)) as uow:
        first = add_building(uow, place.grid1, "1号楼").id
        unit_id_for(uow, first, "3单元")
        add_building(uow, place.grid1, "10号楼")
        add_building(uow, place.grid1, "2号楼")
        uow.commit()
    make_admin(db)
    return place


async def _in_ledger(pilot):
    await log_in(pilot)
    await pilot.press("f2")
    await settle(pilot)


async def _burst(pilot, sequence):
    await pilot.press(*keys_of(sequence))
    await settle(pilot)


def _saved(db, pilot):
    assert screen_name(pilot) == "HouseholdScreen"
    shown = pilot.app.screen.file.household
    with UnitOfWork(db, pilot.app.actor) as uow:
        assert shown == get_household(uow, shown.id)
    return shown


def test_a_household_from_a_cold_start_and_the_next_after_a_restart(db, place):
    assert navigation_keys(COLD) == 12 <= 15  # was 19: Shift+Tab ×2, Enter ↓ Enter on the list, a Tab per ID
    assert navigation_keys(NEXT) == 10  # was 19 after a restart (the building was forgotten)

    async def cold(pilot):
        await _in_ledger(pilot)
        await _burst(pilot, COLD)
        home = _saved(db, pilot)
        assert (home.grid_id, home.building_name, home.unit, home.room) == (place.grid1, "1号楼", "3单元", "1808")
        assert home.kind == "registered" and home.phone == "13812345678"
        members = {m.name: (m.relation, m.sex, m.population_type, m.phone) for m in home.members}
        assert members == {"张三": ("02", "1", "registered", "13812345678"), "李四": ("12", "2", "registered", ""),
                           "张小明": ("22", "1", "registered", "")}

    async def next_after_restart(pilot):
        await _in_ledger(pilot)
        await _burst(pilot, NEXT)
        home = _saved(db, pilot)
        assert (home.grid_id, home.building_name, home.unit, home.room) == (place.grid1, "1号楼", "3单元", "1809")
        assert home.kind == "registered" and home.phone == "13912345678"
        assert sorted((m.name, m.relation) for m in home.members) == [("王五", "02"), ("王小虎", "22"), ("赵六", "12")]

    drive(app_for(db), cold, size=(100, 30))
    drive(app_for(db), next_after_restart, size=(100, 30))  # a new app: nothing kept in memory


def test_typing_a_buildings_number_chooses_it(db, place):
    async def scenario(pilot):
        await _in_ledger(pilot)
        await _burst(pilot, ["ctrl+n", "1"])
        building = pilot.app.screen.query_one("#building", Select)
        assert pilot.app.screen.focused is building
        chosen = {label: value for label, value in building._options}
        assert building.value == chosen["1号楼"]
        await _burst(pilot, ["0"])
        assert building.value == chosen["10号楼"]
        await _burst(pilot, ["二"])  # digits and numerals do not run together: 二 alone
        assert building.value == chosen["2号楼"]
        await pilot.press("space")
        await settle(pilot)
        assert building.expanded  # space still opens the list

    drive(app_for(db), scenario, size=(100, 30))


@pytest.mark.parametrize("typed", ["3", "三", "３", "三单元"])
def test_the_unit_becomes_the_buildings_own_once_left(db, place, typed):
    async def scenario(pilot):
        await _in_ledger(pilot)
        await _burst(pilot, ["ctrl+n", "1", "tab", typed, "tab"])
        assert pilot.app.screen.query_one("#unit", Input).value == "3单元"
        assert pilot.app.screen.focused.id == "room"

    drive(app_for(db), scenario, size=(100, 30))


def test_a_dwelling_households_members_default_to_floating_and_its_phone_is_its_own(db, place):
    async def scenario(pilot):
        await _in_ledger(pilot)
        await _burst(pilot, ["ctrl+n", "2", "tab", "tab", "301", "tab", "tab"])
        kind = pilot.app.screen.query_one("#kind", Select)
        assert pilot.app.screen.focused is kind
        await _burst(pilot, ["enter", "down", "enter"])  # the list: 户籍户, 居住户
        assert kind.value == "dwelling"
        assert pilot.app.screen.query_one("#m1-population_type", Input).value == "流动"
        await _burst(pilot, ["tab", "010-62345678", "enter", "张三", "tab", HEAD_ID, "tab", "tab", "13812345678",
                             "enter", "李四", "tab", WIFE_ID, "妻", "tab", "tab", "tab", "户籍", "ctrl+s"])
        home = _saved(db, pilot)
        assert (home.building_name, home.kind, home.phone) == ("2号楼", "dwelling", "010-62345678")
        assert {m.name: m.population_type for m in home.members} == {"张三": "floating", "李四": "registered"}

    drive(app_for(db), scenario, size=(100, 30))


def test_at_80x24_each_members_sex_and_birth_stay_in_view(db, place):
    async def scenario(pilot):
        await _in_ledger(pilot)
        await _burst(pilot, COLD[:-1])  # all but Ctrl+S: the cursor is on the third member's relation
        screen = text_of(pilot)
        assert "男 · 出生 2010-03-15" in screen and "张小明" in screen
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab")
        await settle(pilot)
        assert pilot.app.screen.focused.id == "m2-relation"
        assert "女 · 出生 1982-07-09" in text_of(pilot)

    drive(app_for(db), scenario, size=(80, 24))


OLD_ID = "110105490315001"  # a first-generation (15-digit) number: born 1949-03-15


async def _to_first_id(pilot):
    await _in_ledger(pilot)
    await _burst(pilot, ["ctrl+n", "1", "tab", "3", "tab", "1808", "enter", "张三", "tab"])
    assert pilot.app.screen.focused.id == "m1-id_number"


def test_an_old_id_from_a_card_reader_moves_on_once_the_reader_stops(db, place):
    async def scenario(pilot):
        await _to_first_id(pilot)
        await burst(pilot, *OLD_ID)  # all at once, as a reader types
        await pilot.pause(READER_QUIET * 3)
        assert pilot.app.screen.focused.id == "m1-relation"
        await pilot.press("tab")  # the habitual Tab is taken as done
        await settle(pilot)
        assert pilot.app.screen.focused.id == "m1-relation"
        assert pilot.app.screen.query_one("#m1-id_number", Input).value == OLD_ID

    drive(app_for(db), scenario, size=(100, 30))


def test_an_old_id_typed_by_hand_stays_until_tab(db, place):
    async def scenario(pilot):
        await _to_first_id(pilot)
        for digit in OLD_ID:  # a person's pace: far slower than a reader's
            await pilot.press(digit)
            await pilot.pause(READER_GAP * 2)
        await pilot.pause(READER_QUIET * 3)
        assert pilot.app.screen.focused.id == "m1-id_number"
        assert "出生 1949-03-15" in text_of(pilot)

    drive(app_for(db), scenario, size=(100, 30))


def test_a_new_id_whose_first_15_digits_read_as_an_old_one_waits_for_all_18(db, place):
    assert is_valid_id(SON_ID[:15])  # born 2010-03-15: "201003150" reads as 1920-10-03

    async def scenario(pilot):
        await _to_first_id(pilot)
        await burst(pilot, *SON_ID, "长", "子")
        await pilot.pause(READER_QUIET * 3)
        assert pilot.app.screen.query_one("#m1-id_number", Input).value == SON_ID
        relation = pilot.app.screen.query_one("#m1-relation", Input).value
        assert "长子" in relation and not any(ch.isdigit() for ch in relation), relation

    drive(app_for(db), scenario, size=(100, 30))
