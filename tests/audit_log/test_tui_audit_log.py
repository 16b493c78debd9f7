"""审计日志 in the TUI: a 站长 opens it from the palette, sees the newest rows first with every number
masked, narrows it to a resident, opens a row in full, and goes back, all by keyboard; another
community's rows never show; it works at 80x24."""

from __future__ import annotations

from datetime import date

import pytest
from ledger_fixtures import Resident, make_grid, make_home
from sqlalchemy import select
from tui_support import (
    app_for,
    drive,
    log_in,
    make_user,
    run_palette_command,
    settle,
    text_of,
    wait_for_screen,
    with_settings,
)

from models import AuditEntry, Community, Person
from station import audit
from station.actor import Actor
from station.uow import UnitOfWork

ID_NUMBER = "110105198405011234"
PHONE = "13912345678"


def setting(db, community_id):
    """A 站长 (boss); a home of two; one row quoting whole numbers about 张三; another
    community's print; returns (张三's id number, the other community's detail)."""
    make_user(db, "boss", "director", community_id, name="孙站长")
    grid = make_grid(db, community_id, "G01", "一网格")
    home = make_home(db, community_id, grid, Resident("张三", date(1980, 5, 1)),
                     Resident("李四", date(1982, 7, 9), male=False, relation="10"))
    with db.session() as session:
        other = Community(code="OTHER", name="别的社区")
        session.add(other)
        session.commit()
        zhang_number = session.get_one(Person, home.head_id).id_number
        other_id = other.id
    with UnitOfWork(db, Actor(None, "sun", "director", community_id)) as uow:
        audit.record(uow, "update", "person", home.head_id,
                     old={"phone": "010-87654321"}, new={"phone": PHONE, "id_number": ID_NUMBER},
                     detail=f"更正 {ID_NUMBER}")
        audit.record(uow, "reveal", "person", home.person_ids[1], detail="查看李四电话;原因:回访")
        uow.commit()
    with UnitOfWork(db, Actor(None, "far", "director", other_id)) as uow:
        audit.record(uow, "print", "person", 1, detail="别的社区的打印")
        uow.commit()
    return zhang_number


def newest_id(db) -> int:
    with db.session() as session:
        return session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))


async def open_log(pilot) -> None:
    await log_in(pilot, username="boss")
    await run_palette_command(pilot, "审计日志")
    await wait_for_screen(pilot, "AuditLogScreen")
    await settle(pilot)


def assert_masked(shown: str) -> None:
    for number in (ID_NUMBER, PHONE, "87654321"):
        assert number not in shown


def test_a_director_reads_filters_and_opens_a_row(db, community_id):
    zhang_number = setting(db, community_id)

    async def scenario(pilot):
        await open_log(pilot)
        shown = text_of(pilot)
        assert "审计日志" in shown and "最新的在前" in shown
        assert shown.index("显示完整号码") < shown.index("修改")  # newest first, actions by name
        assert "别的社区的打印" not in shown
        assert_masked(shown)
        assert "139****5678" in shown
        await pilot.press("ctrl+f")  # to the user field
        await pilot.press("tab")  # to the resident field
        await pilot.press(*zhang_number, "enter")
        await settle(pilot)
        note, rows = text_of(pilot, "#audit-note"), text_of(pilot, "#audit-rows")
        assert "张三" in note and "相关记录 2 条" in note and "显示完整号码" not in rows and "登记" in rows
        assert zhang_number not in note + rows  # the field keeps what was typed, as the ledger's does
        table = pilot.app.screen.query_one("#audit-rows")
        table.focus()
        await settle(pilot)
        await pilot.press("enter")  # the newest row: the update quoting the numbers
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "AuditRowDialog"
        shown = text_of(pilot)
        assert "phone: 010-****4321 → 139****5678" in shown and "110105********1234" in shown
        assert_masked(shown)
        await pilot.press("escape")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "AuditLogScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ != "AuditLogScreen"

    drive(app_for(db), scenario)


def test_a_bad_date_or_an_unknown_household_is_said_on_the_note(db, community_id):
    setting(db, community_id)

    async def scenario(pilot):
        await open_log(pilot)
        await pilot.press("ctrl+f", "tab", "tab", "tab", *"2026-13-01", "enter")
        await settle(pilot)
        assert "开始日期没有这一天:2026-13-01" in text_of(pilot, "#audit-note")
        await pilot.press("home", "ctrl+k", *"2026-1", "enter")
        await settle(pilot)
        assert "开始日期格式不对" in text_of(pilot, "#audit-note")
        await pilot.press("home", "ctrl+k")  # clear the date
        await pilot.press("shift+tab", "shift+tab", *"H999999", "enter")
        await settle(pilot)
        assert "没有户号为“H999999”的住户" in text_of(pilot, "#audit-note")

    drive(app_for(db), scenario)


def test_deep_pages_arrive_and_end_at_the_oldest_row(db, community_id):
    setting(db, community_id)
    admin = Actor(None, "sun", "director", community_id)
    for start in range(0, 260, 20):
        with UnitOfWork(db, admin) as uow:
            for n in range(start, start + 20):
                audit.record(uow, "print", "household", n, detail=f"第 {n} 张")
            uow.commit()

    async def scenario(pilot):
        await open_log(pilot)
        table = pilot.app.screen.query_one("#audit-rows")
        assert table.cursor_row.id == newest_id(db)  # the boss's login
        assert "登录" in text_of(pilot, "#audit-rows") and " login " not in text_of(pilot, "#audit-rows")
        await pilot.press("end")
        await settle(pilot)
        oldest = table.cursor_row
        with db.session() as session:
            first_mine = session.scalar(select(AuditEntry.id).where(AuditEntry.community_id == community_id)
                                        .order_by(AuditEntry.id).limit(1))
        assert oldest is not None and oldest.id == first_mine
        await pilot.press("home")
        await pilot.press(*["pagedown"] * 8)
        await settle(pilot)
        ids = [table.row(index).id for index in range(table.size_rows) if table.row(index) is not None]
        assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids))

    drive(app_for(db), scenario)


@pytest.mark.parametrize("language, palette, titles", [
    ("zh", "审计日志", ("时间", "用户", "操作", "内容(原值 → 新值")),
    ("en", "Audit log", ("Time", "User", "Action", "Values (old → new)")),
])
def test_it_fits_80_by_24_in_each_language(db, community_id, language, palette, titles):
    setting(db, community_id)

    async def scenario(pilot):
        await log_in(pilot, username="boss")
        await run_palette_command(pilot, palette)
        await wait_for_screen(pilot, "AuditLogScreen")
        await settle(pilot)
        shown = text_of(pilot)
        for title in titles:
            assert title in shown
        assert "Ctrl+F" in shown and "Esc" in shown
        assert "phone: 010-****4321" in shown
        assert_masked(shown)

    drive(app_for(with_settings(db, language=language)), scenario, size=(80, 24))
