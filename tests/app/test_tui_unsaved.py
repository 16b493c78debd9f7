"""A form with typed input asks before closing (保存 / 放弃 / 继续编辑); a clean one closes at once.

Keys go in as a fast typist sends them: one press call, no waits between."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from factories import make_id
from household_ops_fixtures import build, focus_member, household, open_file
from ledger_fixtures import neighbourhood
from register_fixtures import register_town
from request_fixtures import build_desk, with_logins
from textual.widgets import Button, Input
from tui_support import (
    app_for,
    drive,
    log_in,
    make_admin,
    screen_name,
    settle,
    text_of,
    wait_for_screen,
)

import screens.ledger.new_household
from station.actor import Actor
from station.ledger.households import register_household
from station.ledger.queries import get_household
from station.search.lookup import search
from station.uow import UnitOfWork

# The guard is the screens' own: one backend is enough.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

HEAD_ID = make_id(date(1980, 5, 1), seq=301)
WIFE_ID = make_id(date(1982, 7, 9), male=False, seq=302)
SON_ID = make_id(date(2010, 3, 15), seq=303)
NAMES = ["张三", "李四", "张小明"]
# 登记新户 with three members, typed without a pause.
THREE_MEMBERS = [
    *"101", "tab", *"幸福路8号", "enter",
    *"张三", "tab", *HEAD_ID, "tab", "tab", *"13812345678", "enter",
    *"李四", "tab", *WIFE_ID, "tab", *"妻", "enter",
    *"张小明", "tab", *SON_ID, "tab", *"子",
]


@pytest.fixture
def place(db, community_id):
    place = neighbourhood(db, community_id)
    make_admin(db)
    return place


async def keys(pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


async def _new_household_form(pilot):
    await log_in(pilot)
    await keys(pilot, "f2")
    await keys(pilot, "ctrl+n")
    assert screen_name(pilot) == "RegisterHouseholdScreen"
    return pilot.app.screen


def _members_typed(form) -> list[str]:
    return [field.value for field in form.query(Input) if field.id and field.id.endswith("-name")]


def _households_with_room(db, room: str) -> list[int]:
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        hits = search(uow, "张三")
        found = {hit.household_id for hit in hits if hit.household_id is not None}
        return [found_id for found_id in found if get_household(uow, found_id).room == room]


def _question_buttons(pilot) -> list[str]:
    return [str(button.label) for button in pilot.app.screen.query(Button)]


# --- the case: 登记新户 with three members, then Esc ----------------------------------


def test_esc_asks_and_keep_editing_loses_nothing_and_puts_the_cursor_back(db, place):
    async def scenario(pilot):
        form = await _new_household_form(pilot)
        await keys(pilot, *THREE_MEMBERS)
        assert _members_typed(form) == NAMES
        where = form.focused
        assert where is not None and where.id == "m3-relation"
        await keys(pilot, "escape")
        assert screen_name(pilot) == "UnsavedDialog"
        assert _question_buttons(pilot) == ["保存", "放弃", "继续编辑"]
        assert "尚未保存" in text_of(pilot) and "“登记新户”中填写的内容还没有保存" in text_of(pilot)
        await keys(pilot, "escape")  # Esc in the question is 继续编辑
        assert pilot.app.screen is form and form.focused is where
        assert _members_typed(form) == NAMES
        assert form.query_one("#m3-relation", Input).value == "子"
        # The button, by arrow keys and Enter, does the same.
        await keys(pilot, "escape", "right", "right", "enter")
        assert pilot.app.screen is form and form.focused is where and _members_typed(form) == NAMES

    drive(app_for(db), scenario, size=(120, 40))


def test_discard_closes_without_a_household(db, place):
    async def scenario(pilot):
        await _new_household_form(pilot)
        await keys(pilot, *THREE_MEMBERS, "escape")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "right", "enter")  # 保存 has the focus; → 放弃
        assert screen_name(pilot) == "LedgerScreen"

    drive(app_for(db), scenario, size=(120, 40))
    assert _households_with_room(db, "101") == []


def test_save_in_the_question_saves_the_household(db, place):
    async def scenario(pilot):
        await _new_household_form(pilot)
        await keys(pilot, *THREE_MEMBERS, "escape")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "enter")  # 保存
        assert screen_name(pilot) == "HouseholdScreen"
        assert sorted(member.name for member in pilot.app.screen.file.household.members) == sorted(NAMES)

    drive(app_for(db), scenario, size=(120, 40))
    assert len(_households_with_room(db, "101")) == 1


def test_save_that_fails_its_checks_keeps_the_form_with_the_message(db, place):
    async def scenario(pilot):
        form = await _new_household_form(pilot)
        await keys(pilot, *"101", "enter", *"张三", "tab", *HEAD_ID, "enter",
                   *"李四", "tab", *WIFE_ID, "tab", "ctrl+a", *"户主", "escape")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "enter")
        assert pilot.app.screen is form
        assert "每户只能有一名户主" in text_of(pilot, "#form-error")
        assert _members_typed(form) == ["张三", "李四"]

    drive(app_for(db), scenario, size=(120, 40))
    assert _households_with_room(db, "101") == []


def test_a_clean_form_closes_on_one_esc(db, place):
    async def scenario(pilot):
        await _new_household_form(pilot)  # grid and building filled in by the form itself
        await keys(pilot, "escape")
        assert screen_name(pilot) == "LedgerScreen"

    drive(app_for(db), scenario, size=(120, 40))


def test_typing_and_rubbing_it_out_again_is_clean(db, place):
    async def scenario(pilot):
        await _new_household_form(pilot)
        await keys(pilot, *"101", "backspace", "backspace", "backspace", "escape")
        assert screen_name(pilot) == "LedgerScreen"

    drive(app_for(db), scenario, size=(120, 40))


def test_a_section_key_on_a_typed_form_asks_too(db, place):
    async def scenario(pilot):
        form = await _new_household_form(pilot)
        await keys(pilot, *"101", "f3")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "escape")
        assert pilot.app.screen is form
        await keys(pilot, "f3", "right", "enter")
        assert screen_name(pilot) == "RegistersScreen"

    drive(app_for(db), scenario, size=(120, 40))


def test_save_from_ctrl_q_over_the_help_closes_the_help_and_saves(db, place):
    async def scenario(pilot):
        await _new_household_form(pilot)
        await keys(pilot, *THREE_MEMBERS, "f1")
        assert screen_name(pilot) == "HelpScreen"
        await keys(pilot, "ctrl+q")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "enter")  # 保存: the help goes, the form saves and shows the household
        assert screen_name(pilot) == "HouseholdScreen"
        stack = [type(screen).__name__ for screen in pilot.app.screen_stack]
        assert "HelpScreen" not in stack and "RegisterHouseholdScreen" not in stack, stack

    drive(app_for(db), scenario, size=(120, 40))
    assert len(_households_with_room(db, "101")) == 1


def test_a_save_that_ends_while_the_question_is_up_closes_both(db, place, monkeypatch):
    release = threading.Event()

    def slow_register(uow, *args, **kwargs):  # a slow database link: Ctrl+S, then Esc at once
        release.wait(10)
        return register_household(uow, *args, **kwargs)

    monkeypatch.setattr(screens.ledger.new_household, "register_household", slow_register)

    async def scenario(pilot):
        await _new_household_form(pilot)
        await pilot.press(*THREE_MEMBERS, "ctrl+s", "escape")
        # Esc typed ahead waits a moment for the save it follows, then asks (screens.typeahead).
        await wait_for_screen(pilot, "UnsavedDialog")
        release.set()
        await settle(pilot)
        stack = [type(screen).__name__ for screen in pilot.app.screen_stack]
        assert stack[-2:] == ["LedgerScreen", "HouseholdScreen"], stack

    drive(app_for(db), scenario, size=(120, 40))
    assert len(_households_with_room(db, "101")) == 1


# --- dialogs -----------------------------------------------------------------------------------


@pytest.fixture
def town(db, community_id):
    return build(db, community_id)


def test_add_member_dialog_asks_on_esc_and_on_its_cancel_button(db, town):
    home = town.home1
    before = household(db, home.household_id).members

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await keys(pilot, "ctrl+n")
        dialog = pilot.app.screen
        assert screen_name(pilot) == "AddMemberDialog"
        await keys(pilot, *"王小红", "escape")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "escape")
        assert pilot.app.screen is dialog and dialog.query_one("#name", Input).value == "王小红"
        dialog.query_one("#cancel", Button).focus()
        await keys(pilot, "enter")  # 取消
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "right", "enter")  # 放弃
        assert screen_name(pilot) == "HouseholdScreen"

    drive(app_for(db), scenario)
    assert household(db, home.household_id).members == before


def test_clean_operation_dialogs_close_on_one_esc(db, town):
    home = town.home1

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await focus_member(pilot, home.person_ids[1])
        for key, name in (("ctrl+e", "EditHouseholdDialog"), ("ctrl+n", "AddMemberDialog"),
                          ("enter", "EditMemberDialog"), ("ctrl+y", "SplitDialog")):
            await keys(pilot, key)
            assert screen_name(pilot) == name
            await keys(pilot, "escape")
            assert screen_name(pilot) == "HouseholdScreen", name
            await focus_member(pilot, home.person_ids[1])

    drive(app_for(db), scenario)


# --- the register form -------------------------------------------------------------------------


@pytest.fixture
def registers(db, community_id):
    return register_town(db, community_id)


async def _register_form(pilot):
    await keys(pilot, "ctrl+n")
    await keys(pilot, *"刘建国")
    await keys(pilot, "enter")
    assert screen_name(pilot) == "RegisterEntryForm"
    return pilot.app.screen


def test_register_form_clean_closes_and_typed_asks(db, registers):
    async def scenario(pilot):
        await log_in(pilot)
        await keys(pilot, "f3")
        await _register_form(pilot)  # its worker is chosen for it once the list loads
        await keys(pilot, "escape")
        assert screen_name(pilot) == "RegistersScreen"
        form = await _register_form(pilot)
        form.query_one("#notes", Input).focus()
        await keys(pilot, *"需轮椅", "escape")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "escape")
        assert pilot.app.screen is form and form.query_one("#notes", Input).value == "需轮椅"
        await keys(pilot, "escape", "enter")  # 保存
        assert screen_name(pilot) == "RegistersScreen"

    drive(app_for(db), scenario)
    assert _register_notes(db, registers) == ["需轮椅"]


def _register_notes(db, registers) -> list[str]:
    from station.registers import entries as register_entries

    with UnitOfWork(db, registers.place.director.actor) as uow:
        return [entry.notes for entry in register_entries.entries_for_person(uow, registers.liu.head_id)]


# --- first run: Ctrl+Q is its only way out ------------------------------------------------------


def test_first_run_asks_before_quitting_with_typed_input(db):
    async def scenario(pilot):
        assert screen_name(pilot) == "FirstRunScreen"
        form = pilot.app.screen
        await keys(pilot, *"admin", "ctrl+q")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "escape")
        assert pilot.app.screen is form and form.query_one("#username", Input).value == "admin"
        await keys(pilot, "ctrl+q", "right", "enter")
        assert not pilot.app.is_running

    drive(app_for(db), scenario)


def test_a_typed_reveal_reason_asks_and_save_reveals(db, town):
    home = town.home1
    full_id = household(db, home.household_id).members[0].id_number

    async def scenario(pilot):
        file = await open_file(pilot, home.household_id)
        await focus_member(pilot, home.head_id)
        await keys(pilot, "ctrl+t")
        assert screen_name(pilot) == "ReasonDialog"
        await keys(pilot, "escape")  # nothing typed: closes at once
        assert pilot.app.screen is file
        await keys(pilot, "ctrl+t", *"核对户籍", "escape")
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "enter")  # 保存: the dialog's own OK, with its reason
        assert pilot.app.screen is file
        assert full_id in text_of(pilot, f"#member-{home.head_id}")

    drive(app_for(db), scenario)


# --- the request form ----------------------------------------------------------------------------


@pytest.fixture
def desk(db, community_id, clock):
    desk = build_desk(db, community_id, clock)
    with_logins(db, desk)
    return desk


def test_request_form_of_a_grid_worker_closes_clean_and_asks_for_a_choice(db, desk):
    async def scenario(pilot):
        await log_in(pilot, username=desk.place.worker1.username)
        await keys(pilot, "f5")
        await keys(pilot, "ctrl+n")
        assert screen_name(pilot) == "ReceiveRequestScreen"
        await keys(pilot, "escape")  # their grid is filled in by the form: nothing typed
        assert screen_name(pilot) == "RequestsScreen"
        await keys(pilot, "ctrl+n", "enter", "down", "enter", "escape")  # a category chosen
        assert screen_name(pilot) == "UnsavedDialog"
        await keys(pilot, "right", "enter")
        assert screen_name(pilot) == "RequestsScreen"

    drive(app_for(db), scenario)
