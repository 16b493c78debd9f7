"""Revealing one person's numbers: a reason, an audit entry, full numbers, masked again."""

from __future__ import annotations

from datetime import date

import pytest
from ledger_fixtures import Resident, id_number_of, make_home, neighbourhood, set_person
from sqlalchemy import select
from textual.app import ComposeResult
from tui_support import app_for, drive, log_in, make_user, screen_name, settle, text_of

from models import AuditEntry
from screens.base import StationScreen
from screens.widgets.labels import station_footer
from screens.widgets.reveal import PersonNumbers
from station.residents.privacy import mask_id


class PersonView(StationScreen):
    """Stands in for the next slice's person view."""

    def __init__(self, person_id: int, id_number: str):
        super().__init__()
        self.numbers = PersonNumbers(person_id, "王大爷", id_number, "13812341234", id="numbers")

    def compose(self) -> ComposeResult:
        yield self.numbers
        yield station_footer()


@pytest.fixture
def person(db, community_id):
    place = neighbourhood(db, community_id)
    home = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))
    set_person(db, home.head_id, phone="13812341234")
    make_user(db, "staff2", "staff", community_id, name="钱干事")
    make_user(db, "clerk2", "clerk", community_id, name="孙窗口")
    return home.head_id, id_number_of(db, home.head_id)


async def _open_view(pilot, person, username):
    await log_in(pilot, username=username)
    await pilot.app.push_screen(PersonView(*person))
    await settle(pilot)
    pilot.app.screen.query_one("#numbers").focus()
    await pilot.pause()


def test_numbers_are_masked_until_revealed_with_a_reason(db, person):
    person_id, id_number = person

    async def scenario(pilot):
        await _open_view(pilot, person, "staff2")
        shown = text_of(pilot, "#numbers")
        assert mask_id(id_number) in shown and "138****1234" in shown and id_number not in shown
        assert "Ctrl+T 查看完整号码" in text_of(pilot, "Footer")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen_name(pilot) == "ReasonDialog"
        await pilot.press(*"核对材料", "enter")
        await settle(pilot)
        shown = text_of(pilot, "#numbers")
        assert id_number in shown and "13812341234" in shown and "5 分钟后重新隐藏" in shown
        numbers = pilot.app.screen.query_one(PersonNumbers)
        assert numbers.mask_timer is not None and numbers.mask_timer._interval == 300
        numbers.hide()
        await pilot.pause()
        assert id_number not in text_of(pilot, "#numbers")

    drive(app_for(db), scenario)
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).one()
    assert entry.entity_id == person_id and entry.detail.endswith("原因:核对材料")


def test_cancelling_the_reason_reveals_nothing(db, person):
    async def scenario(pilot):
        await _open_view(pilot, person, "staff2")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert person[1] not in text_of(pilot, "#numbers")

    drive(app_for(db), scenario)
    with db.session() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).all() == []


def test_a_clerk_has_no_reveal_key(db, person):
    async def scenario(pilot):
        await _open_view(pilot, person, "clerk2")
        assert "查看完整号码" not in text_of(pilot, "Footer")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen_name(pilot) == "PersonView"
        assert person[1] not in text_of(pilot, "#numbers")

    drive(app_for(db), scenario)
