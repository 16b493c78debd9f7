"""The registers screen (F3): per-category lists, adding with typed attributes, ending, printing, roles."""

from __future__ import annotations

from datetime import date

import pytest
from register_fixtures import CLERK, register_town
from sqlalchemy import select
from textual.widgets import Input, Select
from tui_support import app_for, drive, log_in, notices, screen_name, settle, text_of, type_into

import screens.registers.screen
import screens.widgets.printing
from models import AuditEntry
from screens.i18n import LANGUAGES, Catalogue
from screens.registers.form import FIELD_LABELS, RegisterEntryForm
from screens.registers.table import COLUMNS
from station.idcard import mask_id
from station.registers import entries as register_entries
from station.registers.views import register_page
from station.search.lookup import search
from station.uow import UnitOfWork

TODAY = date(2026, 11, 23)
ELDERS = ["李奶奶", "赵爷爷", "王大爷", "陈阿婆"]


@pytest.fixture
def town(db, community_id):
    return register_town(db, community_id)


async def _registers(pilot, username="admin"):
    await log_in(pilot, username=username)
    await pilot.press("f3")
    await settle(pilot)
    assert screen_name(pilot) == "RegistersScreen"


def _names(pilot):
    return [entry.person_name for entry in pilot.app.screen.page.entries]


def _entries(db, actor, person_id):
    with UnitOfWork(db, actor) as uow:
        return register_entries.entries_for_person(uow, person_id)


# --- the list --------------------------------------------------------------------------------


def test_the_list_is_most_overdue_first_and_colours_due_dates(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        screen = pilot.app.screen
        with UnitOfWork(db, pilot.app.actor) as uow:
            assert screen.page == register_page(uow, "elderly_alone")
        assert _names(pilot) == ELDERS
        due_cells = [screen.query_one("#entries").get_row_at(row)[-1] for row in range(4)]
        assert [cell.style for cell in due_cells] == ["bold red", "bold red", "yellow", ""]
        shown = text_of(pilot, "#entries")
        assert "2026-10-08" in shown and "2026-11-21" in shown and "王网格" in shown and "H000001" in shown
        head = screen.page.entries[0]
        assert mask_id(head.id_number) in shown and head.id_number not in shown
        assert "在册 4 人,逾期 2 人,7 天内到期 1 人" in text_of(pilot, "#registers-note")

    drive(app_for(db), scenario)


def test_left_and_right_change_the_category(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        await pilot.press("right")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.category == "empty_nest" and screen.page.category == "empty_nest"
        assert _names(pilot) == [] and "暂无在册人员" in text_of(pilot, "#registers-note")
        await pilot.press("left", "left")
        await settle(pilot)
        assert screen.page.category == "entitled"  # wraps round to the last category
        assert screen.query_one("#category", Select).value == "entitled"

    drive(app_for(db), scenario)


def test_a_long_list_is_capped_and_says_so(db, town, monkeypatch):
    monkeypatch.setattr(screens.registers.screen, "LIST_LIMIT", 2)

    async def scenario(pilot):
        await _registers(pilot)
        assert _names(pilot) == ELDERS[:2]
        assert "在册 4 人" in text_of(pilot, "#registers-note")
        assert "只列出最紧急的 2 人" in text_of(pilot, "#registers-note")

    drive(app_for(db), scenario)


def test_enter_opens_the_persons_household(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.household_id == town.zhao.household_id
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "RegistersScreen" and _names(pilot) == ELDERS

    drive(app_for(db), scenario)


# --- adding ----------------------------------------------------------------------------------


async def _open_form(pilot, name="刘建国"):
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert screen_name(pilot) == "PickPersonDialog"
    await pilot.press(*name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert screen_name(pilot) == "RegisterEntryForm"
    return pilot.app.screen


async def _choose(pilot, selector, value):
    pilot.app.screen.query_one(selector, Select).value = value
    await settle(pilot)


async def _save(pilot):
    await pilot.press("ctrl+s")
    await settle(pilot)


def test_register_a_disabled_resident_with_category_and_grade(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        form = await _open_form(pilot)
        assert form.query_one("#start_on", Input).value == "2026-11-23"
        assert form.query_one("#worker_id", Select).value == town.place.worker1.id  # grid 1's worker
        await _choose(pilot, "#category", "disabled")
        assert form.query_one("#attrs-disability").display and not form.query_one("#attrs-none").display
        assert form.query_one("#visit_every_days", Input).value == "30"
        await _choose(pilot, "#disability_category", "4")
        await _choose(pilot, "#disability_grade", "2")
        await type_into(pilot, "#notes", "需轮椅")
        await _save(pilot)
        assert screen_name(pilot) == "RegistersScreen"
        screen = pilot.app.screen
        assert screen.category == "disabled" and _names(pilot) == ["刘建国"]
        assert "刘建国" in text_of(pilot, "#entries")

    drive(app_for(db), scenario)
    [entry] = _entries(db, town.place.director.actor, town.liu.head_id)
    assert (entry.category, entry.start_on, entry.worker_id) == ("disabled", TODAY, town.place.worker1.id)
    assert entry.attributes == {"disability_category": "4", "disability_grade": "2"}
    assert (entry.visit_every_days, entry.notes) == (30, "需轮椅")


def test_bad_input_names_the_field_and_saves_nothing(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        form = await _open_form(pilot)
        await _choose(pilot, "#category", "disabled")
        await _choose(pilot, "#disability_category", "4")
        await _save(pilot)  # no grade
        assert "请选择残疾等级(1-4)" in text_of(pilot, "#form-error")
        assert form.focused is form.query_one("#disability_grade")
        await _choose(pilot, "#disability_grade", "2")
        for typed, message in (("2026-12-01", "登记日期不能晚于今天"), ("1970-01-01", "登记日期不能早于出生日期"),
                               ("2026-13-45", "登记日期没有这一天:2026-13-45"),
                               ("2026.1l.23", "登记日期:应为日期,如 2026-11-23")):
            form.query_one("#start_on", Input).value = typed
            await _save(pilot)
            assert message in text_of(pilot, "#form-error")
            assert screen_name(pilot) == "RegisterEntryForm"
        form.query_one("#start_on", Input).value = "2026-11-23"
        await _choose(pilot, "#category", "tekun_scattered")
        form.query_one("#monthly_amount", Input).value = "12.345"
        await _save(pilot)
        assert text_of(pilot, "#form-error").strip() == "月发放金额最多保留两位小数"
        form.query_one("#monthly_amount", Input).value = "1200"
        form.query_one("#visit_every_days", Input).value = "0"
        await _save(pilot)
        assert text_of(pilot, "#form-error").strip() == "走访周期应为1-366天"
        await _choose(pilot, "#category", "left_behind_child")
        await _save(pilot)
        assert "请填写监护人" in text_of(pilot, "#form-error")
        assert form.focused is form.query_one("#guardian")
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "UnsavedDialog"  # typed input is not thrown away unasked
        await pilot.press("right", "enter")  # 放弃
        await settle(pilot)
        assert screen_name(pilot) == "RegistersScreen"

    drive(app_for(db), scenario)
    assert _entries(db, town.place.director.actor, town.liu.head_id) == []


def test_a_second_entry_in_the_same_register_is_refused(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        await _open_form(pilot, name="王大爷")
        await _save(pilot)
        assert "该人员已在“独居老人”台账中" in text_of(pilot, "#form-error")

    drive(app_for(db), scenario)
    assert len(_entries(db, town.place.director.actor, town.wang.head_id)) == 1


# --- ending ----------------------------------------------------------------------------------


def test_end_the_selected_entry(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert screen_name(pilot) == "EndEntryDialog"
        await pilot.press("enter")  # no reason yet
        await settle(pilot)
        assert "请填写结束原因" in text_of(pilot, "#dialog-error")
        await pilot.press(*"已入住养老院")
        for typed, message in (("2026-02-30", "结束日期没有这一天:2026-02-30"), ("2026-2", "结束日期应为日期,如 2026-11-23")):
            pilot.app.screen.query_one("#end_on", Input).value = typed
            pilot.app.screen.query_one("#reason", Input).focus()  # Enter there saves
            await pilot.press("enter")
            await settle(pilot)
            assert screen_name(pilot) == "EndEntryDialog" and message in text_of(pilot, "#dialog-error")
        pilot.app.screen.query_one("#end_on", Input).value = "2026-11-23"
        pilot.app.screen.query_one("#reason", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(pilot) == "RegistersScreen"
        assert _names(pilot) == ELDERS[1:]

    drive(app_for(db), scenario)
    [entry] = _entries(db, town.place.director.actor, town.li.head_id)
    assert (entry.end_on, entry.end_reason) == (TODAY, "已入住养老院")


def test_the_end_buttons_refuse_a_missing_reason_and_keep_the_dialog(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.click("#ok")  # the mouse, or Enter on the button: no reason yet
        await settle(pilot)
        assert screen_name(pilot) == "EndEntryDialog"
        assert "请填写结束原因" in text_of(pilot, "#dialog-error")

    drive(app_for(db), scenario)
    assert _entries(db, town.place.director.actor, town.li.head_id)[0].is_open


def test_ending_an_entry_changed_meanwhile_shows_the_conflict(db, town):
    async def scenario(pilot):
        await _registers(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        with UnitOfWork(db, town.place.director.actor) as uow:  # another clerk saves first
            entry = register_entries.entries_for_person(uow, town.li.head_id)[0]
            register_entries.update_entry(uow, entry.id, entry.version, notes="已电话联系")
        await pilot.press(*"已入住养老院", "enter")
        await settle(pilot)
        assert screen_name(pilot) == "EndEntryDialog"
        assert "该记录已被其他人修改" in text_of(pilot, "#dialog-error")

    drive(app_for(db), scenario)
    [entry] = _entries(db, town.place.director.actor, town.li.head_id)
    assert entry.is_open and entry.notes == "已电话联系"


# --- printing --------------------------------------------------------------------------------


def test_f9_prints_the_persons_card_and_audits_it(db, town, monkeypatch):
    monkeypatch.setattr(screens.widgets.printing, "has_printer", lambda: False)
    pdf = db.settings.resolve(db.settings.reports.folder) / f"person-{town.li.head_id}.pdf"

    async def scenario(pilot):
        await _registers(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert str(pdf) in notices(pilot)

    drive(app_for(db), scenario)
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    with db.session() as session:
        details = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "print", AuditEntry.entity == "person",
            AuditEntry.entity_id == town.li.head_id)).all()
    assert len(details) == 1 and "重点人群档案卡" in details[0]


# --- roles -----------------------------------------------------------------------------------


def test_a_grid_worker_sees_only_their_grid_and_gets_no_add_or_end_key(db, town):
    async def scenario(pilot):
        await _registers(pilot, username=town.place.worker1.username)
        assert _names(pilot) == ["李奶奶", "王大爷", "陈阿婆"]
        assert "赵爷爷" not in text_of(pilot, "#entries")
        footer = text_of(pilot, "Footer")
        assert "F9" in footer and "Ctrl+N" not in footer and "Ctrl+E" not in footer
        await pilot.press("ctrl+n", "ctrl+e")
        await settle(pilot)
        assert screen_name(pilot) == "RegistersScreen"

    drive(app_for(db), scenario)


def test_a_clerk_gets_no_add_key_and_the_service_refuses_if_reached(db, town):
    async def scenario(pilot):
        await _registers(pilot, username=CLERK)
        assert _names(pilot) == ELDERS
        assert "Ctrl+N" not in text_of(pilot, "Footer")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen_name(pilot) == "RegistersScreen"
        with UnitOfWork(db, pilot.app.actor) as uow:
            [hit] = search(uow, "刘建国")
        await pilot.app.push_screen(RegisterEntryForm(hit, "oldest_old"))
        await settle(pilot)
        await _save(pilot)
        assert "窗口人员无权登记重点人群" in text_of(pilot, "#form-error")

    drive(app_for(db), scenario)
    assert _entries(db, town.place.director.actor, town.liu.head_id) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_register_keys_built_from_names_exist(language):
    """Keys the registers screens hold in tables (the i18n test only sees literal t("...") calls)."""
    keys = set(FIELD_LABELS.values()) | {f"registers.col_{column}" for column in COLUMNS}
    catalogue = Catalogue(language)
    assert sorted(key for key in keys if not catalogue.has(key)) == []
