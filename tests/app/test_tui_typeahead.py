"""Keys typed ahead (fast typists, ID-card readers) land where they would at typing speed.

`burst` puts a whole sequence in the app's queue at once, as a terminal delivers what an
ID-card reader or a fast typist sends, with no pause until the end.
"""

from __future__ import annotations

import pytest
from household_ops_fixtures import build, new_id, open_file
from ledger_fixtures import neighbourhood
from textual.widgets import Input
from tui_support import (
    PASSWORD,
    app_for,
    burst,
    drive,
    log_in,
    make_admin,
    screen_name,
    text_of,
)
from visit_fixtures import TODAY, visit_town, visits_as

from station.accounts.users import list_users
from station.actor import SYSTEM
from station.uow import UnitOfWork


def values(pilot, *field_ids: str) -> dict[str, str]:
    screen = pilot.app.screen
    return {field_id: screen.query_one(f"#{field_id}", Input).value for field_id in field_ids}


def test_a_login_burst_fills_each_field_in_turn(db):
    make_admin(db)

    async def scenario(pilot):
        await burst(pilot, *"admin", "tab", *"wrong-pass", "enter")
        assert values(pilot, "username", "password") == {"username": "admin", "password": ""}
        assert "用户名或密码错误" in text_of(pilot, "#login-error")
        await burst(pilot, *PASSWORD, "enter", "f2")
        assert screen_name(pilot) == "LedgerScreen"

    drive(app_for(db), scenario)


def test_enter_typed_before_the_terminal_was_set_up_is_still_enter(db):
    make_admin(db)

    async def scenario(pilot):
        await burst(pilot, *"admin", "ctrl+j", *PASSWORD, "ctrl+j")
        assert screen_name(pilot) == "DashboardScreen"

    drive(app_for(db), scenario)


def test_a_first_run_burst_fills_each_field_in_turn(db):
    async def scenario(pilot):
        await burst(pilot, *"admin", "enter", *"王管理", "enter", *PASSWORD, "enter", *PASSWORD)
        assert values(pilot, "username", "display_name", "password", "password_again") == {
            "username": "admin", "display_name": "王管理", "password": PASSWORD, "password_again": PASSWORD}
        await burst(pilot, "ctrl+s")
        assert screen_name(pilot) == "LoginScreen"

    drive(app_for(db), scenario)
    with UnitOfWork(db, SYSTEM) as uow:
        assert [(user.username, user.display_name) for user in list_users(uow)] == [("admin", "王管理")]


@pytest.fixture
def grids(db, community_id):
    make_admin(db)
    return neighbourhood(db, community_id)


def test_keys_typed_while_the_ledger_and_its_form_open_land_in_the_form(db, grids):
    async def scenario(pilot):
        await log_in(pilot)
        await burst(pilot, "f2", "ctrl+n", *"1901", "tab", *"地址甲", "enter", *"周杰")
        assert screen_name(pilot) == "RegisterHouseholdScreen"
        assert values(pilot, "room", "address", "m1-name") == {"room": "1901", "address": "地址甲",
                                                             "m1-name": "周杰"}
        assert pilot.app.focused.id == "m1-name"

    drive(app_for(db), scenario, size=(120, 40))


def test_keys_typed_while_a_dialog_opens_land_in_its_fields(db, community_id):
    town = build(db, community_id)
    id_number = new_id()

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await burst(pilot, "ctrl+n", *"王小红", "tab", *id_number, "tab", *"孙女")
        assert screen_name(pilot) == "AddMemberDialog"
        assert values(pilot, "name", "id_number", "relation") == {
            "name": "王小红", "id_number": id_number, "relation": "孙女"}

    drive(app_for(db), scenario)


def test_a_whole_visit_typed_at_once_is_saved_for_the_person_typed(db, community_id, clock):
    town = visit_town(db, community_id, clock)

    async def scenario(pilot):
        await log_in(pilot, username="wang")
        # F4, Ctrl+N opens the picker, the name, Enter picks the one hit, the content, Ctrl+S.
        await burst(pilot, "f4", "ctrl+n", *"钱奶奶", "enter", *"送药上门", "ctrl+s")
        assert screen_name(pilot) == "VisitsScreen"

    drive(app_for(db), scenario)
    [visit] = [visit for visit in visits_as(db, town.place.director.actor) if visit.done_on == TODAY]
    assert (visit.person_id, visit.content) == (town.qian_home.head_id, "送药上门")
