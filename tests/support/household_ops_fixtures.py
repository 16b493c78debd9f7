"""A small community for the household-operation tests, and steps that drive the household file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from factories import make_id
from ledger_fixtures import Home, Neighbourhood, Resident, make_home, neighbourhood
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import log_in, make_admin, settle

from screens.ledger.household import HouseholdScreen, MemberLine
from screens.widgets.dialogs import ConfirmDialog
from station.actor import Actor
from station.db import Database
from station.ledger.queries import get_household, get_person
from station.ledger.records import HouseholdRecord
from station.residents.records import PersonRecord
from station.uow import UnitOfWork


@dataclass(frozen=True)
class Town:
    place: Neighbourhood
    home1: Home  # 王大爷 (head), 王大妈 (spouse), 王小明 (son) in grid 1
    home2: Home  # 赵奶奶 alone in grid 2


# When the homes' members joined them: before any date a test records (nobody leaves before joining).
MOVED_IN = date(2026, 1, 5)


def build(db: Database, community_id: int) -> Town:
    place = neighbourhood(db, community_id)
    home1 = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)),
                      Resident("王大妈", date(1948, 5, 2), male=False, relation="10"),
                      Resident("王小明", date(1975, 6, 1), relation="20"), registered_on=MOVED_IN)
    home2 = make_home(db, community_id, place.grid2, Resident("赵奶奶", date(1940, 1, 1), male=False),
                      registered_on=MOVED_IN)
    make_admin(db)
    return Town(place, home1, home2)


def household(db: Database, household_id: int) -> HouseholdRecord:
    with UnitOfWork(db, _admin()) as uow:
        return get_household(uow, household_id)


def person(db: Database, person_id: int) -> PersonRecord:
    with UnitOfWork(db, _admin()) as uow:
        return get_person(uow, person_id)


def _admin() -> Actor:
    return Actor(None, "tests", "admin", None)


def new_id(birth: date = date(2001, 2, 3), *, male: bool = True, seq: int = 321) -> str:
    return make_id(birth, male=male, seq=seq)


async def open_file(pilot: Pilot, household_id: int, username: str = "admin") -> HouseholdScreen:
    """Log in and open a household's file (the screen on top afterwards: an error if refused)."""
    await log_in(pilot, username=username)
    pilot.app.push_screen(HouseholdScreen(household_id))
    await settle(pilot)
    return pilot.app.screen  # type: ignore[return-value]


async def focus_member(pilot: Pilot, person_id: int) -> None:
    pilot.app.screen.query_one(f"#member-{person_id}", MemberLine).focus()
    await settle(pilot)


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def fill(pilot: Pilot, **values: str) -> None:
    """Type into the dialog's fields by id, replacing what they held."""
    for field_id, text in values.items():
        field = pilot.app.screen.query_one(f"#{field_id}", Input)
        field.value = ""
        field.focus()
        await pilot.pause()
        await pilot.press(*text)
    await settle(pilot)


async def save_and_confirm(pilot: Pilot) -> str:
    """Ctrl+S, check a confirmation came up, answer yes; returns what it said."""
    await press(pilot, "ctrl+s")
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog), type(dialog).__name__
    summary = dialog.message
    await press(pilot, "enter")
    return summary


def form_error(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#op-error").render())
