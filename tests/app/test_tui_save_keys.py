"""Ctrl+S saves in every form and dialog: 结束登记 and each request step as everywhere else."""

from __future__ import annotations

from datetime import date

import pytest
from register_fixtures import register_town
from request_fixtures import build_desk, with_logins
from textual.widgets import Select
from tui_support import app_for, drive, log_in, screen_name, settle

from screens.requests.actions import RequestActionDialog
from screens.requests.screen import RequestTable
from station.actor import Actor
from station.registers import entries as register_entries
from station.requests import workflow as requests
from station.uow import UnitOfWork

ADMIN = Actor(None, "tests", "admin", None)


def test_ctrl_s_ends_a_register_entry(db, community_id):
    town = register_town(db, community_id)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert screen_name(pilot) == "EndEntryDialog"
        await pilot.press(*"已入住养老院", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "RegistersScreen"

    drive(app_for(db), scenario)
    with UnitOfWork(db, ADMIN) as uow:
        [entry] = register_entries.entries_for_person(uow, town.li.head_id)
    assert (entry.end_on, entry.end_reason) == (date(2026, 11, 23), "已入住养老院")


@pytest.mark.parametrize("step", ["assign", "start"])
def test_ctrl_s_saves_a_request_step(db, community_id, clock, step):
    desk = build_desk(db, community_id, clock)
    with_logins(db, desk)
    request = desk.fresh
    if step == "start":
        with UnitOfWork(db, ADMIN) as uow:
            request = requests.assign(uow, request.id, desk.place.worker1.id, request.version)
    key = {"assign": "ctrl+d", "start": "ctrl+g"}[step]

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        table = pilot.app.screen.query_one(RequestTable)
        table.focus()
        table.move_cursor(row=[r.number for r in pilot.app.screen.page.requests].index(request.number))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, RequestActionDialog)
        if step == "assign":
            dialog.query_one(Select).value = desk.place.worker1.id
        await pilot.press("tab", *"马上处理", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "RequestDetailScreen"

    drive(app_for(db), scenario)
    with UnitOfWork(db, ADMIN) as uow:
        stored = requests.get_request(uow, request.id).request
    assert stored.state == {"assign": "assigned", "start": "in_progress"}[step]
