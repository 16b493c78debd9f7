"""Household operations in the household file: each one a dialog, a confirmation, the service call;
results checked through the services; refusals leave the ledger unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from household_ops_fixtures import (
    build,
    fill,
    focus_member,
    form_error,
    household,
    new_id,
    open_file,
    person,
    press,
    save_and_confirm,
)
from ledger_fixtures import id_number_of
from sqlalchemy import select
from textual.widgets import RadioButton, Select
from tui_support import PASSWORD, app_for, drive, make_user, screen_name, settle, text_of

from models import AuditEntry
from screens.i18n import LANGUAGES, Catalogue
from screens.ledger.household import HouseholdScreen
from screens.ledger.member_dialogs import PERSON_CHOICES
from screens.ledger.operations import MENU
from screens.widgets import printing
from screens.widgets.dialogs import ConfirmDialog, MessageDialog
from station.accounts.users import set_password
from station.actor import Actor
from station.idcard import mask_id
from station.ledger.households import update_household
from station.messages import message as catalogue_message
from station.phone import mask_phone
from station.search.records import SearchHit
from station.uow import UnitOfWork


@pytest.fixture
def town(db, community_id):
    return build(db, community_id)


def _relations(db, household_id):
    return {member.name: member.relation for member in household(db, household_id).members}


def test_edit_household_changes_the_address_and_kind(db, town):
    home = town.home1

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+e")
        assert screen_name(pilot) == "EditHouseholdDialog"
        await fill(pilot, room="302", address="幸福路8号")
        pilot.app.screen.query_one("#kind", Select).value = "dwelling"
        summary = await save_and_confirm(pilot)
        assert "幸福路8号" in summary and "居住户" in summary
        assert screen_name(pilot) == "HouseholdScreen"
        assert "幸福路8号" in text_of(pilot, "#household-head") and "居住户" in text_of(pilot, "#household-head")

    drive(app_for(db), scenario)
    saved = household(db, home.household_id)
    assert (saved.room, saved.address, saved.kind) == ("302", "幸福路8号", "dwelling")


def test_edit_household_phone_and_notes_never_show_the_number_on_file(db, town):
    home = town.home1
    on_file = "13800001234"
    version = household(db, home.household_id).version
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        update_household(uow, home.household_id, version, phone=on_file)

    async def change(pilot):
        await open_file(pilot, home.household_id)
        head = text_of(pilot, "#household-head")
        assert on_file not in head and mask_phone(on_file) in head
        await press(pilot, "ctrl+e")
        assert on_file not in text_of(pilot) and mask_phone(on_file) in text_of(pilot)
        await fill(pilot, phone="13912345678", notes="独居老人,子女在外地")
        summary = await save_and_confirm(pilot)
        assert mask_phone("13912345678") in summary and "13912345678" not in summary
        assert "独居老人" in summary
        head = text_of(pilot, "#household-head")
        assert "独居老人" in head and "13912345678" not in head and mask_phone("13912345678") in head

    drive(app_for(db), change)
    saved = household(db, home.household_id)
    assert (saved.phone, saved.notes) == ("13912345678", "独居老人,子女在外地")

    async def keep_phone(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+e")
        await fill(pilot, room="502")
        summary = await save_and_confirm(pilot)
        assert "电话" not in summary and "备注" not in summary  # neither changed

    drive(app_for(db), keep_phone)
    kept = household(db, home.household_id)
    assert (kept.room, kept.phone, kept.notes) == ("502", "13912345678", "独居老人,子女在外地")


def test_edit_member_keeps_the_numbers_left_empty(db, town):
    son = town.home1.person_ids[2]
    id_before = id_number_of(db, son)

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, son)
        await press(pilot, "enter")
        assert screen_name(pilot) == "EditMemberDialog"
        assert id_before not in text_of(pilot) and mask_id(id_before) in text_of(pilot)
        await fill(pilot, name="王晓明", phone="13912345678", education="本科")
        pilot.app.screen.query_one("#population_type", Select).value = "floating"
        summary = await save_and_confirm(pilot)
        assert "王小明 → 王晓明" in summary and "139****5678" in summary and "流动人口" in summary
        assert "王晓明" in text_of(pilot, "#members-box")

    drive(app_for(db), scenario)
    saved = person(db, son)
    assert (saved.name, saved.phone, saved.education, saved.population_type) == \
        ("王晓明", "13912345678", "20", "floating")
    assert saved.id_number == id_before


def test_edit_member_to_an_id_already_on_file_offers_the_other_household(db, town):
    son, grandma = town.home1.person_ids[2], town.home2.head_id

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, son)
        await press(pilot, "enter")
        await fill(pilot, id_number=id_number_of(db, grandma))
        pilot.app.screen.query_one("#population_type", Select).value = "registered"
        await press(pilot, "ctrl+s")  # checked before any confirmation: the duplicate is asked about at once
        assert isinstance(pilot.app.screen, ConfirmDialog) and "是否打开已有人员所在的住户" in pilot.app.screen.message
        await press(pilot, "enter")
        assert screen_name(pilot) == "HouseholdScreen" and pilot.app.screen.household_id == town.home2.household_id

    drive(app_for(db), scenario)
    assert person(db, son).id_number != id_number_of(db, grandma)


def test_add_member_takes_sex_and_birth_from_the_id(db, town):
    home = town.home1
    number = new_id(date(2001, 2, 3), male=False)

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+n")
        await fill(pilot, name="王小红", id_number=number, relation="孙女", phone="13800138000")
        assert "女 · 出生 2001-02-03" in text_of(pilot, "#derived")
        summary = await save_and_confirm(pilot)
        assert "王小红" in summary and mask_id(number) in summary and number not in summary
        assert "王小红" in text_of(pilot, "#members-box")

    drive(app_for(db), scenario)
    added = next(m for m in household(db, home.household_id).members if m.name == "王小红")
    assert (added.sex, added.birth_date, added.relation, added.phone) == ("2", date(2001, 2, 3), "42", "13800138000")


def test_a_bad_id_checksum_is_refused_before_the_confirmation(db, town):
    home = town.home1
    good = new_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+n")
        await fill(pilot, name="王小红", id_number=bad, relation="孙女")
        assert "校验" in text_of(pilot, "#derived")
        await press(pilot, "ctrl+s")
        assert screen_name(pilot) == "AddMemberDialog" and "校验" in form_error(pilot)

    drive(app_for(db), scenario)
    assert len(household(db, home.household_id).members) == 3


def test_a_second_head_is_refused_and_nothing_is_saved(db, town):
    home = town.home1

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+n")
        await fill(pilot, name="王二", id_number=new_id(), relation="户主")
        await press(pilot, "ctrl+s")
        assert screen_name(pilot) == "AddMemberDialog"
        assert "该户已有户主" in form_error(pilot)

    drive(app_for(db), scenario)
    assert len(household(db, home.household_id).members) == 3


def test_a_duplicate_id_offers_to_open_the_existing_household(db, town):
    grandma_id = id_number_of(db, town.home2.head_id)

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await press(pilot, "ctrl+n")
        await fill(pilot, name="赵奶奶", id_number=grandma_id, relation="母亲")
        await press(pilot, "ctrl+s")  # checked before any confirmation: the duplicate is asked about at once
        question = pilot.app.screen
        assert isinstance(question, ConfirmDialog) and "已登记为“赵奶奶”" in question.message
        assert grandma_id not in question.message
        await press(pilot, "enter")
        assert screen_name(pilot) == "HouseholdScreen"
        assert pilot.app.screen.household_id == town.home2.household_id

    drive(app_for(db), scenario)
    assert len(household(db, town.home1.household_id).members) == 3


def test_remove_member_with_reason_and_date(db, town):
    home = town.home1
    son = home.person_ids[2]

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await focus_member(pilot, son)
        await press(pilot, "delete")
        await fill(pilot, reason="迁往上海", on="2026-11-20")
        summary = await save_and_confirm(pilot)
        assert "王小明" in summary and "迁往上海" in summary and "2026-11-20" in summary

    drive(app_for(db), scenario)
    assert [m.name for m in household(db, home.household_id).members] == ["王大爷", "王大妈"]
    gone = person(db, son)
    assert gone.household_id is None and gone.moved_out_on == date(2026, 11, 20)


def test_the_head_cannot_be_removed(db, town):
    home = town.home1

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "delete")  # the head has the focus when the file opens
        await press(pilot, "ctrl+s")
        assert screen_name(pilot) == "RemoveMemberDialog"  # refused before any confirmation
        assert "户主不能直接移出" in form_error(pilot)

    drive(app_for(db), scenario)
    assert len(household(db, home.household_id).members) == 3


def test_a_future_or_garbled_date_is_refused(db, town):
    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, town.home1.person_ids[2])
        await press(pilot, "delete")
        await fill(pilot, on="2026-13-01")
        await press(pilot, "ctrl+s")
        assert "没有这一天:2026-13-01" in form_error(pilot)
        await fill(pilot, on="2026-1l-01")
        await press(pilot, "ctrl+s")
        assert "日期“2026-1l-01”无效,请按 2026-11-23 的格式填写" in form_error(pilot)
        await fill(pilot, on="2026-12-01")
        await press(pilot, "ctrl+s")
        assert screen_name(pilot) == "RemoveMemberDialog"  # refused before any confirmation
        assert "迁出日期不能晚于今天" in form_error(pilot)

    drive(app_for(db), scenario)
    assert len(household(db, town.home1.household_id).members) == 3


async def _pick(pilot, text):
    assert screen_name(pilot) == "PickPersonDialog"
    await pilot.press(*text)
    await settle(pilot)
    await press(pilot, "enter")


def test_transfer_member_to_a_household_picked_by_search(db, town):
    son = town.home1.person_ids[2]

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, son)
        await press(pilot, "ctrl+x")
        await _pick(pilot, "赵奶奶")
        assert screen_name(pilot) == "TransferMemberDialog"
        await fill(pilot, relation="子")
        summary = await save_and_confirm(pilot)
        assert "H000001" in summary and "H000002" in summary
        assert "王小明" not in text_of(pilot, "#members-box")

    drive(app_for(db), scenario)
    assert _relations(db, town.home2.household_id) == {"赵奶奶": "02", "王小明": "20"}


def test_change_head_asks_every_other_members_relation(db, town):
    home = town.home1
    grandpa, grandma, son = home.person_ids

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+g")
        pilot.app.screen.query_one("#new_head", Select).value = son
        await settle(pilot)
        await fill(pilot, **{f"rel-{grandpa}": ""})  # the clerk clears a proposed relation
        await press(pilot, "ctrl+s")
        assert "请填写“王大爷”与户主的关系" in form_error(pilot)
        await fill(pilot, **{f"rel-{grandpa}": "父亲", f"rel-{grandma}": "母亲"})
        summary = await save_and_confirm(pilot)
        assert "王小明" in summary and "王大爷(父亲)" in summary

    drive(app_for(db), scenario)
    assert _relations(db, home.household_id) == {"王小明": "02", "王大爷": "51", "王大妈": "52"}


def test_the_head_dies_and_a_new_head_is_named_in_the_same_step(db, town):
    home = town.home1
    grandpa, grandma, son = home.person_ids

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+k")  # the head has the focus
        await fill(pilot, on="2026-11-22")
        pilot.app.screen.query_one("#new_head", Select).value = grandma
        await settle(pilot)
        assert not pilot.app.screen.query_one(f"#rel-{grandpa}").display
        summary = await save_and_confirm(pilot)
        assert "王大爷" in summary and "2026-11-22" in summary and "王小明(子)" in summary

    drive(app_for(db), scenario)
    assert person(db, grandpa).deceased_on == date(2026, 11, 22)
    assert _relations(db, home.household_id) == {"王大妈": "02", "王小明": "20"}


def test_move_out_the_whole_household(db, town):
    home = town.home1

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+o")
        await fill(pilot, reason="北京")
        summary = await save_and_confirm(pilot)
        assert "迁往北京" in summary and "王大爷、王大妈、王小明" in summary
        assert "已迁出" in text_of(pilot, "#household-head")

    drive(app_for(db), scenario)
    saved = household(db, home.household_id)
    assert saved.status == "moved_out" and saved.members == ()


def test_split_members_into_a_new_household(db, town):
    home = town.home1
    son = home.person_ids[2]

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+y")
        await press(pilot, "ctrl+s")
        assert "请勾选要分出的成员" in form_error(pilot)
        pilot.app.screen.query_one("#new_head", Select).value = son
        await fill(pilot, address="幸福路9号")
        summary = await save_and_confirm(pilot)
        assert "王小明(户主)" in summary and "幸福路9号" in summary
        assert "新户号 H000003" in text_of(pilot)

    drive(app_for(db), scenario)
    assert [m.name for m in household(db, home.household_id).members] == ["王大爷", "王大妈"]
    new_home = household(db, person(db, son).household_id)
    assert (new_home.number, new_home.address, new_home.grid_id) == ("H000003", "幸福路9号", town.place.grid1)


def test_merge_keeping_this_household(db, town):
    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await press(pilot, "ctrl+u")
        await _pick(pilot, "赵奶奶")
        assert screen_name(pilot) == "MergeDialog"
        await fill(pilot, **{f"rel-{town.home2.head_id}": "其他"})
        summary = await save_and_confirm(pilot)
        assert "H000002 户的成员并入 H000001" in summary and "赵奶奶(其他)" in summary
        assert "赵奶奶" in text_of(pilot, "#members-box")

    drive(app_for(db), scenario)
    assert household(db, town.home2.household_id).status == "cancelled"
    assert len(household(db, town.home1.household_id).members) == 4


def test_merge_keeping_the_other_household_shows_it(db, town):
    grandpa, grandma, son = town.home1.person_ids

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await press(pilot, "ctrl+u")
        await _pick(pilot, "赵奶奶")
        pilot.app.screen.query_one("#keep-1", RadioButton).value = True
        await settle(pilot)
        await fill(pilot, **{f"rel-{grandpa}": "子", f"rel-{grandma}": "儿媳", f"rel-{son}": "孙子"})
        summary = await save_and_confirm(pilot)
        assert "H000001 户的成员并入 H000002" in summary
        assert pilot.app.screen.household_id == town.home2.household_id
        assert "H000002" in text_of(pilot, "#household-head")

    drive(app_for(db), scenario)
    assert household(db, town.home1.household_id).status == "cancelled"
    assert _relations(db, town.home2.household_id) == {"赵奶奶": "02", "王大爷": "20", "王大妈": "38",
                                                        "王小明": "41"}


def test_the_menu_lists_every_operation_and_enter_opens_one(db, town):
    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, town.home1.person_ids[1])
        await press(pilot, "f8")
        menu = text_of(pilot, "#ops-list")
        assert "移出成员(王大妈)" in menu and "Ctrl+N" in menu and "整户迁出" in menu
        await press(pilot, "down", "enter")
        assert screen_name(pilot) == "AddMemberDialog"
        await press(pilot, "escape")
        assert screen_name(pilot) == "HouseholdScreen"

    drive(app_for(db), scenario)


def test_someone_else_saving_first_gives_the_conflict_message(db, town):
    home = town.home1

    async def scenario(pilot):
        screen = await open_file(pilot, home.household_id)
        await press(pilot, "ctrl+e")
        await fill(pilot, room="999")
        with UnitOfWork(db, Actor(None, "other", "admin", None)) as uow:
            update_household(uow, home.household_id, household(db, home.household_id).version, kind="dwelling")
        await save_and_confirm(pilot)
        message = pilot.app.screen
        assert isinstance(message, MessageDialog) and message.message == catalogue_message("common.stale")
        await press(pilot, "enter")
        assert screen.file.household.kind == "dwelling"  # reloaded

    drive(app_for(db), scenario)
    assert household(db, home.household_id).room == ""


def test_the_street_role_is_not_offered_the_operations(db, town):
    make_user(db, "jiedao", "street", None, name="街道甲")

    async def scenario(pilot):
        screen = await open_file(pilot, town.home1.household_id, username="jiedao")
        footer = text_of(pilot, "Footer")
        assert "F8" not in footer and "F9" in footer
        assert text_of(pilot, "#member-keys").strip() == ""
        for key in ("f8", "ctrl+e", "ctrl+n", "enter", "delete", "ctrl+o"):
            await press(pilot, key)
            assert pilot.app.screen is screen
        assert not any(screen.check_action(action, ()) for action in MENU)

    drive(app_for(db), scenario)
    assert len(household(db, town.home1.household_id).members) == 3


def test_a_grid_worker_cannot_open_or_transfer_into_another_grid(db, town):
    worker = town.place.worker1
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        set_password(uow, worker.username, PASSWORD)
    son = town.home1.person_ids[2]

    async def scenario(pilot):
        await open_file(pilot, town.home2.household_id, username=worker.username)
        assert isinstance(pilot.app.screen, MessageDialog) and "未找到该户" in pilot.app.screen.message
        await press(pilot, "enter")
        assert screen_name(pilot) != "HouseholdScreen"
        pilot.app.push_screen(HouseholdScreen(town.home1.household_id))
        await settle(pilot)
        await focus_member(pilot, son)
        await press(pilot, "ctrl+x")
        await pilot.press(*"赵奶奶")
        await settle(pilot)
        assert pilot.app.screen.hits == []
        pilot.app.screen.dismiss(_hit_in(town.home2, "赵奶奶"))  # as if a stale hit had been shown
        await settle(pilot)
        assert isinstance(pilot.app.screen, MessageDialog) and "未找到该户" in pilot.app.screen.message

    drive(app_for(db), scenario)
    assert person(db, son).household_id == town.home1.household_id


def test_print_writes_the_form_and_audits_it(db, town, monkeypatch):
    monkeypatch.setattr(printing, "has_printer", lambda: False)

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await press(pilot, "f9")

    drive(app_for(db), scenario)
    folder = db.settings.resolve(db.settings.reports.folder)
    assert [path.suffix for path in folder.rglob("*") if path.is_file()] == [".pdf"]
    with db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "print"))
    assert entry is not None and entry.entity_id == town.home1.household_id and ".pdf" in entry.detail


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_keys_built_from_names_exist(language):
    keys = {f"household_ops.menu_{action}" for action in MENU}
    keys |= {f"household_ops.{name}" for name in PERSON_CHOICES}
    keys |= {f"household.status_{status}" for status in ("active", "moved_out", "cancelled")}
    keys |= {"help.household_ops.text"}
    assert sorted(key for key in keys if not Catalogue(language).has(key)) == []


def _hit_in(home, name):
    return SearchHit(person_id=home.head_id, name=name, sex="2", birth_date=date(1940, 1, 1), id_number="",
                     phone="", household_id=home.household_id, household_number="H000002", address="",
                     grid_id=home.grid_id, grid_name="", relation="02", status="active")
