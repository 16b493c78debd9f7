"""到期去标识 in the TUI: an administrator sees who is past the limit, confirms once, and they are
de-identified; a 站长 is not offered it."""

from __future__ import annotations

from datetime import datetime

from figures_fixtures import build_small_ledger
from sqlalchemy import text
from tui_support import (
    app_for,
    drive,
    log_in,
    make_admin,
    make_user,
    run_palette_command,
    settle,
    text_of,
    wait_for_screen,
)

from station.retention.deidentify import NO_NAME


def test_an_admin_lists_them_confirms_and_they_are_gone(db, clock, admin, community_id):
    ledger = build_small_ledger(db, admin, community_id)
    make_admin(db)
    clock.current = datetime(2029, 12, 1, 9, 0)  # three years after the November 2026 departures

    async def scenario(pilot):
        await log_in(pilot)
        await run_palette_command(pilot, "到期去标识")
        await wait_for_screen(pilot, "RetentionScreen")
        await settle(pilot)
        shown = text_of(pilot)
        assert "共 5 人" in shown and "赵老" in shown and "张三" not in shown
        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.press("enter")  # 是 has the focus
        await settle(pilot)
        assert "共 0 人" in text_of(pilot)

    drive(app_for(db), scenario)
    with db.engine.connect() as connection:
        names = dict(connection.execute(text("select id, name from persons")).all())
    assert names[ledger.persons["赵老"]] == NO_NAME and names[ledger.persons["张三"]] == "张三"


def test_a_director_is_not_offered_it(db, community_id):
    make_user(db, "boss", "director", community_id)

    async def scenario(pilot):
        await log_in(pilot, username="boss")
        titles = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert "到期去标识" not in titles

    drive(app_for(db), scenario)
