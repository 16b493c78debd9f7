"""个人信息查阅单 from the household file: Ctrl+R (or F8) on a member asks whether their ID card was
checked; yes writes the report into the reports folder, says where, and audits the print."""

from __future__ import annotations

import pytest
from household_ops_fixtures import build, focus_member, open_file, press
from reports_support import pdf_text, squeeze
from sqlalchemy import select
from tui_support import app_for, drive, make_user, notices, run_palette_command, settle, text_of

from models import AuditEntry
from screens.ledger.household import HouseholdScreen
from screens.widgets import printing
from screens.widgets.dialogs import ConfirmDialog
from station.actor import Actor
from station.idcard import mask_id
from station.ledger.queries import get_person
from station.uow import UnitOfWork


@pytest.fixture
def town(db, community_id, monkeypatch):
    monkeypatch.setattr(printing, "has_printer", lambda: False)
    return build(db, community_id)


def _prints(db) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "print")))


def _reports(db) -> list:
    folder = db.settings.resolve(db.settings.reports.folder)
    return sorted(folder.glob("*.pdf")) if folder.is_dir() else []


def _id(db, person_id: int) -> str:
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        return get_person(uow, person_id).id_number


def _notified(pilot) -> str:
    return notices(pilot)


def test_ctrl_r_asks_for_the_id_card_then_prints_the_members_own_report(db, town):
    home = town.home1
    spouse, head = home.person_ids[1], home.person_ids[0]
    make_user(db, "chuangkou", "clerk", town.place.community_id, name="窗口甲")

    async def scenario(pilot):
        await open_file(pilot, home.household_id, username="chuangkou")
        await focus_member(pilot, spouse)
        await press(pilot, "ctrl+r")
        question = pilot.app.screen
        assert isinstance(question, ConfirmDialog) and "王大妈" in question.message
        assert "身份证件" in question.message
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HouseholdScreen)
        assert f"resident-{spouse}.pdf" in _notified(pilot)

    drive(app_for(db), scenario)
    (report,) = _reports(db)
    assert report.name == f"resident-{spouse}.pdf"
    flat = squeeze(pdf_text(report, layout=False))
    assert _id(db, spouse) in flat and mask_id(_id(db, head)) in flat and _id(db, head) not in flat
    assert "chuangkou" in flat  # opening the household file is among the accesses listed
    (printed,) = _prints(db)
    assert (printed.entity, printed.entity_id, printed.username) == ("person", spouse, "chuangkou")


def test_no_to_the_id_card_question_prints_nothing(db, town):
    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await focus_member(pilot, town.home1.person_ids[0])
        await press(pilot, "ctrl+r")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, HouseholdScreen)

    drive(app_for(db), scenario)
    assert _reports(db) == [] and _prints(db) == []


def test_the_actions_menu_offers_it_for_the_selected_member(db, town):
    home = town.home1

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await focus_member(pilot, home.person_ids[2])
        await press(pilot, "f8")
        assert "个人信息查阅单(王小明)" in text_of(pilot, "#ops-list") and "Ctrl+R" in text_of(pilot, "#ops-list")
        pilot.app.screen.dismiss("resident_report")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await press(pilot, "enter")

    drive(app_for(db), scenario)
    assert [entry.entity_id for entry in _prints(db)] == [home.person_ids[2]]


def test_a_role_without_printing_is_not_offered_it(db, town, monkeypatch):
    from screens.ledger import operations

    async def scenario(pilot):
        screen = await open_file(pilot, town.home1.household_id)
        monkeypatch.setattr(operations, "allowed", lambda actor, permission: permission != "reports.print")
        assert screen.check_action("resident_report", ()) is False
        await press(pilot, "ctrl+r")
        assert pilot.app.screen is screen

    drive(app_for(db), scenario)
    assert _prints(db) == []


def test_the_palette_offers_it_in_the_household_file(db, town):
    home = town.home1

    async def scenario(pilot):
        await open_file(pilot, home.household_id)
        await focus_member(pilot, home.person_ids[0])
        titles = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert "个人信息查阅单" in titles
        await run_palette_command(pilot, "个人信息查阅单")
        assert isinstance(pilot.app.screen, ConfirmDialog) and "王大爷" in pilot.app.screen.message

    drive(app_for(db), scenario)
