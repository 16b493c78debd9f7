"""Pinned looks of the reports screen and of the import screen after a check with a refusal."""

from __future__ import annotations

import pytest
from dashboard_fixtures import build_town
from import_books import families, person, write_openpyxl
from ledger_fixtures import neighbourhood
from textual.widgets import Input
from tui_support import SIZE, app_for, log_in, make_admin, settle, still, with_settings

from station.month_locks import lock_month
from station.uow import UnitOfWork

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LANGUAGES = ["zh", "en"]


@pytest.fixture
def town(db, community_id, clock):
    place = neighbourhood(db, community_id)
    build_town(db, community_id, place, clock)
    with UnitOfWork(db, place.director.actor) as uow:
        lock_month(uow, community_id, 2026, 9)
    make_admin(db)
    return db


@pytest.fixture
def ledger_folder(db, community_id, tmp_path, monkeypatch):
    """The current folder holds a ledger with one bad ID number (the file list shows it)."""
    monkeypatch.chdir(tmp_path)
    write_openpyxl(tmp_path / "台账.xlsx", families(2) + [person("X1", "错号", "110105194912310021", "户主")])
    make_admin(db)
    return db


async def _reports(pilot) -> None:
    await settle(pilot)
    await log_in(pilot)
    await pilot.press("f6")
    await settle(pilot)
    await pilot.pause(0.4)  # the summary's pending refresh has run
    await still(pilot)


async def _checked(pilot) -> None:
    await settle(pilot)
    await log_in(pilot)
    await pilot.press("f7")
    await settle(pilot)
    pilot.app.screen.query_one("#path", Input).value = "台账.xlsx"
    await pilot.press("ctrl+t")
    await still(pilot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reports(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_reports)


@pytest.mark.parametrize("language", LANGUAGES)
def test_import_checked_with_a_refusal(snap_compare, ledger_folder, language):
    app = app_for(with_settings(ledger_folder, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_checked)
