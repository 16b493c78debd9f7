"""Validating before confirming: typed as a clerk types, refused before the question, warned in it."""

from __future__ import annotations

from datetime import date

import pytest
from household_ops_fixtures import (
    build,
    fill,
    focus_member,
    form_error,
    household,
    open_file,
    person,
    press,
)
from textual.widgets import Select
from tui_support import app_for, drive, screen_name, settle, text_of

from screens.widgets.dialogs import ConfirmDialog


@pytest.fixture
def town(db, community_id):
    return build(db, community_id)


async def _pick(pilot, typed: str) -> None:
    assert screen_name(pilot) == "PickPersonDialog"
    await pilot.press(*typed)
    await settle(pilot)
    await press(pilot, "enter")


def test_a_transfer_with_an_unknown_relation_is_refused_before_the_confirmation(db, town):
    son = town.home1.person_ids[2]

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, son)
        await press(pilot, "ctrl+x")
        await _pick(pilot, "赵奶奶")
        await fill(pilot, relation="abc")
        await press(pilot, "ctrl+s")
        assert screen_name(pilot) == "TransferMemberDialog"
        assert "无法识别的与户主关系“abc”" in form_error(pilot)

    drive(app_for(db), scenario)
    assert person(db, son).household_id == town.home1.household_id


def test_a_death_dated_in_the_future_is_refused_before_the_confirmation(db, town):
    son = town.home1.person_ids[2]

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, son)
        await press(pilot, "ctrl+k")
        await fill(pilot, on="2026-12-01")
        await press(pilot, "ctrl+s")
        assert screen_name(pilot) == "RecordDeathDialog"
        assert "死亡日期不能晚于今天" in form_error(pilot)

    drive(app_for(db), scenario)
    assert person(db, son).deceased_on is None


def test_a_death_before_the_person_joined_is_refused(db, town):
    son = town.home1.person_ids[2]

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, son)
        await press(pilot, "ctrl+k")
        await fill(pilot, on="2025-12-31")
        await press(pilot, "ctrl+s")
        assert screen_name(pilot) == "RecordDeathDialog"
        assert "早于“王小明”的入户日期 2026-01-05" in form_error(pilot)

    drive(app_for(db), scenario)
    assert person(db, son).deceased_on is None


def test_the_confirmation_warns_of_a_relation_of_the_other_sex(db, town):
    grandma = town.home1.person_ids[1]

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, grandma)
        await press(pilot, "ctrl+x")
        await _pick(pilot, "赵奶奶")
        await fill(pilot, relation="子")
        await press(pilot, "ctrl+s")
        question = pilot.app.screen
        assert isinstance(question, ConfirmDialog)
        assert "“王大妈”为女性,与户主关系却是“子”" in question.message
        await press(pilot, "enter")  # a warning, not a refusal: the clerk may save
        assert screen_name(pilot) == "HouseholdScreen"

    drive(app_for(db), scenario)
    assert person(db, grandma).household_id == town.home2.household_id


def test_change_head_proposes_each_members_relation_to_the_new_head(db, town):
    grandpa, grandma, son = town.home1.person_ids

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await press(pilot, "ctrl+g")
        pilot.app.screen.query_one("#new_head", Select).value = son
        await settle(pilot)
        shown = text_of(pilot)
        assert pilot.app.screen.query_one(f"#rel-{grandpa}").value == "父亲"
        assert pilot.app.screen.query_one(f"#rel-{grandma}").value == "母亲"
        assert "王大爷" in shown
        await press(pilot, "ctrl+s")
        question = pilot.app.screen
        assert isinstance(question, ConfirmDialog) and "王大爷(父亲)、王大妈(母亲)" in question.message
        await press(pilot, "enter")

    drive(app_for(db), scenario)
    relations = {m.name: m.relation for m in household(db, town.home1.household_id).members}
    assert relations == {"王小明": "02", "王大爷": "51", "王大妈": "52"}


def test_the_heads_death_proposes_the_survivors_relations(db, town):
    grandpa, grandma, son = town.home1.person_ids

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await press(pilot, "ctrl+k")  # the head has the focus
        await fill(pilot, on="2026-11-22")
        pilot.app.screen.query_one("#new_head", Select).value = grandma
        await settle(pilot)
        assert pilot.app.screen.query_one(f"#rel-{son}").value == "子"
        await press(pilot, "ctrl+s")
        await press(pilot, "enter")

    drive(app_for(db), scenario)
    assert person(db, grandpa).deceased_on == date(2026, 11, 22)
    relations = {m.name: m.relation for m in household(db, town.home1.household_id).members}
    assert relations == {"王大妈": "02", "王小明": "20"}


def test_registering_someone_of_a_three_person_household_as_living_alone_warns(db, town):
    from tui_support import log_in

    from station.actor import Actor
    from station.registers import entries as register_entries
    from station.uow import UnitOfWork

    grandma = town.home1.person_ids[1]

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert pilot.app.screen.category == "elderly_alone"
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"王大妈", "enter")
        await settle(pilot)
        assert screen_name(pilot) == "RegisterEntryForm"
        warning = text_of(pilot, "#form-warning")
        assert "王大妈" in warning and "3 名成员" in warning and "独居老人" in warning
        await press(pilot, "ctrl+s")  # a note, never a refusal
        assert screen_name(pilot) == "RegistersScreen"

    drive(app_for(db), scenario)
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        assert [entry.category for entry in register_entries.entries_for_person(uow, grandma)] == ["elderly_alone"]


def test_the_edit_confirmations_list_only_what_changed(db, town):
    son = town.home1.person_ids[2]

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await press(pilot, "ctrl+e")
        await fill(pilot, notes="独居老人,子女在外地")
        await press(pilot, "ctrl+s")
        summary = pilot.app.screen.message
        assert summary.splitlines()[1:] == ["备注:— → 独居老人,子女在外地"], summary
        await press(pilot, "enter")
        await focus_member(pilot, son)
        await press(pilot, "enter")
        await fill(pilot, name="王晓明")
        await press(pilot, "ctrl+s")
        summary = pilot.app.screen.message
        assert summary.splitlines()[1:] == ["姓名:王小明 → 王晓明"], summary
        await press(pilot, "enter")

    drive(app_for(db), scenario)
    assert person(db, son).name == "王晓明"
    assert household(db, town.home1.household_id).notes == "独居老人,子女在外地"


def test_the_forms_message_clears_once_its_field_is_fixed(db, town):
    from factories import make_id
    from tui_support import log_in

    good = make_id(date(1980, 5, 1), seq=301)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"101", "tab", *"幸福路8号", "enter", *"张三", "tab", *bad, "ctrl+s")
        await settle(pilot)
        assert "第 1 名成员:身份证号码校验位错误" in text_of(pilot, "#form-error")
        await pilot.press("tab", "tab", *"13812345678")  # typing elsewhere leaves the message
        await settle(pilot)
        assert "校验位错误" in text_of(pilot, "#form-error")
        await pilot.press("shift+tab", "shift+tab", "backspace", good[-1])  # the ID, fixed
        await settle(pilot)
        assert text_of(pilot, "#form-error").strip() == ""

    drive(app_for(db), scenario, size=(120, 40))


def test_an_operations_message_clears_once_its_field_is_fixed(db, town):
    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, town.home1.person_ids[2])
        await press(pilot, "delete")
        await fill(pilot, on="2026-12-01")
        await press(pilot, "ctrl+s")
        assert "迁出日期不能晚于今天" in form_error(pilot)
        await pilot.press("backspace", "backspace")
        await settle(pilot)
        assert form_error(pilot).strip() == ""

    drive(app_for(db), scenario)


def test_a_phone_field_shows_the_whole_number_once_left(db, town):
    from tui_support import log_in

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"王小明", "enter")
        await settle(pilot)
        pilot.app.screen.query_one("#category", Select).value = "left_behind_child"
        await settle(pilot)
        pilot.app.screen.query_one("#guardian").focus()
        await pilot.press(*"王大妈", "tab", *"139-1234-5678", "tab")
        await settle(pilot)
        assert pilot.app.screen.query_one("#guardian_phone").value == "13912345678"
        assert "13912345678" in text_of(pilot, "#guardian_phone")

    drive(app_for(db), scenario, size=(80, 24))


def test_the_new_household_forms_phone_is_shown_as_saved(db, town):
    from tui_support import log_in

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"101", "enter", *"张三", "tab", "tab", "tab", *"+86 139 1234 5678", "tab")
        await settle(pilot)
        assert pilot.app.screen.query_one("#m1-phone").value == "13912345678"
        assert "13912345678" in text_of(pilot, "#m1-phone")

    drive(app_for(db), scenario, size=(80, 24))
