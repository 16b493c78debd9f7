"""Reports (F6): the monthly report and blank forms land under [reports] folder, audited; month locks."""

from __future__ import annotations

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood
from openpyxl import load_workbook
from reports_support import pdf_text, squeeze
from sqlalchemy import select
from textual.widgets import Button, Input, Select
from tui_support import (
    PASSWORD,
    app_for,
    drive,
    log_in,
    make_admin,
    make_user,
    notices,
    screen_name,
    settle,
    text_of,
)

from models import AuditEntry, Community
from screens.reporting.locks import LockTable
from screens.reporting.month import last_month
from screens.reporting.month import typed_month as parse_month
from screens.widgets.dialogs import ConfirmDialog, ReasonDialog
from station.accounts.users import set_password
from station.actor import Actor
from station.month_locks import lock_month, month_lock
from station.stats.figures import month_figures
from station.uow import UnitOfWork


@pytest.fixture
def town(db, community_id, clock):
    place = neighbourhood(db, community_id)
    build_town(db, community_id, place, clock)
    make_admin(db)
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        for worker in (place.staff, place.worker1):
            set_password(uow, worker.username, PASSWORD)
    return place


def reports_folder(db):
    return db.settings.resolve(db.settings.reports.folder)


def audits(db, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def usable_keys(pilot) -> set[str]:
    """Ids of the bindings the screen offers now (hidden ones are left out)."""
    return {binding.id for _node, binding, enabled, _tip in pilot.app.screen.active_bindings.values() if enabled}


async def open_reports(pilot, username: str = "admin") -> None:
    await log_in(pilot, username)
    await pilot.press("f6")
    await settle(pilot)
    assert screen_name(pilot) == "ReportsScreen"
    await pilot.pause(0.4)  # the summary's pending refresh (the month field was just filled) has run
    await settle(pilot)


async def choose(pilot, month: str = "", scope: str | None = None) -> None:
    screen = pilot.app.screen
    if month:
        screen.query_one("#month", Input).value = month
    if scope is not None:
        screen.query_one("#scope", Select).value = scope
    await pilot.pause(0.4)  # the summary waits for typing to pause
    await settle(pilot)


def test_month_parsing_and_default():
    from datetime import date

    assert parse_month("2026-10") == parse_month("2026/10") == parse_month("202610") == (2026, 10)
    assert parse_month("2026年3月") == (2026, 3)
    assert parse_month("2026-13") is None and parse_month("十月") is None and parse_month("") is None
    assert last_month(date(2026, 1, 15)) == (2025, 12) and last_month(date(2026, 11, 23)) == (2026, 10)


def test_monthly_report_of_last_month_is_written_audited_and_summarised(db, town, community_id):
    async def scenario(pilot):
        await open_reports(pilot)
        screen = pilot.app.screen
        assert screen.query_one("#month", Input).value == "2026-10"  # last month by the station clock
        with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
            expected = month_figures(uow, 2026, 10)
        assert screen.figures == expected
        summary = text_of(pilot, "#month-summary").splitlines()
        labels, values = next((line.split(), summary[index + 1].split()) for index, line in enumerate(summary)
                              if "完成走访" in line)
        shown = dict(zip(labels, values, strict=True))
        assert shown["完成走访"] == str(expected.visits_done) and shown["受理诉求"] == str(expected.requests.received)
        assert expected.visits_done == 1 and "2026年10月未锁定" in squeeze(text_of(pilot, "#month-summary"))
        await pilot.press("f9")
        await settle(pilot)
        pdf, xlsx = reports_folder(db) / "monthly-2026-10.pdf", reports_folder(db) / "monthly-2026-10.xlsx"
        assert pdf.is_file() and xlsx.is_file()
        assert str(pdf) in notices(pilot) and str(xlsx) in notices(pilot)

    drive(app_for(db), scenario)
    assert "2026年10月" in squeeze(pdf_text(reports_folder(db) / "monthly-2026-10.pdf"))
    book = load_workbook(reports_folder(db) / "monthly-2026-10.xlsx", read_only=True)
    cells = {str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row}
    assert any("2026" in cell and "10" in cell for cell in cells)
    printed = audits(db, "print")
    assert len(printed) == 1 and printed[0].entity == "month" and "2026-10" in printed[0].detail
    assert printed[0].username == "admin"


def test_one_grids_report(db, town):
    async def scenario(pilot):
        await open_reports(pilot)
        await choose(pilot, scope="G01")
        assert pilot.app.screen.figures.grid_id == town.grid1
        await pilot.press("f9")
        await settle(pilot)

    drive(app_for(db), scenario)
    pdf = reports_folder(db) / "monthly-2026-10-G01.pdf"
    assert pdf.is_file() and (reports_folder(db) / "monthly-2026-10-G01.xlsx").is_file()
    assert "一网格2026年10月" in squeeze(pdf_text(pdf))
    assert "一网格" in audits(db, "print")[0].detail


def test_a_bad_month_is_refused_before_anything_is_written(db, town):
    async def scenario(pilot):
        await open_reports(pilot)
        await choose(pilot, month="2026-13")
        assert text_of(pilot, "#month-summary").strip() == "—"
        await pilot.press("f9")
        await settle(pilot)
        assert "请填写年月" in text_of(pilot, "#month-error")
        assert pilot.app.screen.focused.id == "month"

    drive(app_for(db), scenario)
    assert not reports_folder(db).exists() and audits(db, "print") == []


def test_blank_forms(db, town):
    async def scenario(pilot):
        await open_reports(pilot)
        for form in ("household", "visits"):
            await pilot.press("ctrl+b")
            await settle(pilot)
            await pilot.click(f"#{form}")
            await settle(pilot)
        await pilot.press("ctrl+b")  # and a change of mind writes nothing
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

    drive(app_for(db), scenario)
    household, visits = reports_folder(db) / "household-blank.pdf", reports_folder(db) / "visits-blank.pdf"
    assert "住户信息登记表" in squeeze(pdf_text(household))
    assert "走访记录表" in squeeze(pdf_text(visits))
    assert [entry.detail.split(":")[0] for entry in audits(db, "print")] == ["住户信息登记表(空白)",
                                                                             "走访记录表(空白)"]


def test_lock_then_unlock_with_a_reason(db, town, community_id):
    def lock_of(month):
        with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
            return month_lock(uow, community_id, 2026, month)

    async def scenario(pilot):
        await open_reports(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        assert "2026年10月" in text_of(pilot) and "拒绝" in text_of(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert lock_of(10) is not None and lock_of(10).locked_by == "admin"
        assert pilot.app.screen.query_one(LockTable).row_count == 1
        assert "2026-10" in text_of(pilot, "#locks") and "已锁定" in text_of(pilot, "#month-summary")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReasonDialog)
        await pilot.press("enter")  # no reason: the dialog says so and stays
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReasonDialog) and lock_of(10) is not None
        await pilot.press(*"补录十月走访", "enter")
        await settle(pilot)
        assert screen_name(pilot) == "ReportsScreen" and lock_of(10) is None
        assert "未锁定" in text_of(pilot, "#month-summary")

    drive(app_for(db), scenario)
    unlocked = audits(db, "unlock")
    assert len(unlocked) == 1 and unlocked[0].detail == "补录十月走访"


def test_a_running_month_cannot_be_locked_and_an_unlocked_one_not_unlocked(db, town, community_id):
    async def scenario(pilot):
        await open_reports(pilot)
        await choose(pilot, month="2026-11")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert "只能锁定已经结束的月份" in text_of(pilot)  # the service's refusal, in a dialog
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert screen_name(pilot) == "ReportsScreen"  # no reason asked for a month not locked
        assert "2026年11月未锁定" in notices(pilot)

    drive(app_for(db), scenario)
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        assert month_lock(uow, community_id, 2026, 11) is None


def test_staff_may_lock_but_not_unlock(db, town, community_id):
    with UnitOfWork(db, town.director.actor) as uow:
        lock_month(uow, community_id, 2026, 9)

    async def scenario(pilot):
        await open_reports(pilot, "zhao")
        keys = usable_keys(pilot)
        assert "reports.lock" in keys and "reports.unlock" not in keys and "解锁" not in text_of(pilot, "Footer")
        await choose(pilot, month="2026-09")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert screen_name(pilot) == "ReportsScreen"  # the key does nothing for staff

    drive(app_for(db), scenario)
    with UnitOfWork(db, town.staff.actor) as uow:
        assert month_lock(uow, community_id, 2026, 9) is not None


def test_picking_a_locked_month_fills_the_month_field(db, town, community_id):
    with UnitOfWork(db, town.director.actor) as uow:
        lock_month(uow, community_id, 2026, 8)

    async def scenario(pilot):
        await open_reports(pilot)
        pilot.app.screen.query_one(LockTable).focus()
        await pilot.press("enter")
        await pilot.pause(0.4)
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.query_one("#month", Input).value == "2026-08" and screen.figures.month == 8

    drive(app_for(db), scenario)


def test_a_grid_worker_reports_on_own_grid_and_sees_no_locks(db, town):
    async def scenario(pilot):
        await open_reports(pilot, "wang")
        screen = pilot.app.screen
        scope = screen.query_one("#scope", Select)
        assert scope.value == "G01" and [code for _label, code in scope._options] == ["G01"]
        assert "整个社区" in text_of(pilot, "#locks-box")
        keys = usable_keys(pilot)
        assert "reports.lock" not in keys and {"screen.print", "reports.blank"} <= keys
        await pilot.press("f9")
        await settle(pilot)

    drive(app_for(db), scenario)
    assert (reports_folder(db) / "monthly-2026-10-G01.pdf").is_file()


def test_buttons_confirm_with_the_keyboard(db, town, community_id):
    """The lock question is answered with Tab/Enter as well as the mouse."""

    async def scenario(pilot):
        await open_reports(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        dialog = pilot.app.screen
        dialog.query_one("#yes", Button).focus()
        await pilot.press("enter")
        await settle(pilot)

    drive(app_for(db), scenario)
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        assert month_lock(uow, community_id, 2026, 10) is not None


def test_f1_explains_the_screen_and_its_keys(db, town):
    async def scenario(pilot):
        await open_reports(pilot)
        await pilot.press("f1")
        await settle(pilot)
        shown = squeeze(text_of(pilot))
        assert "默认上月" in shown and "可写成2026-10" in shown  # the screen's, then the month field's
        assert "Ctrl+O锁定" in shown and "Ctrl+B空白表单" in shown

    drive(app_for(db), scenario)


def test_the_running_month_is_summarised_as_of_now(db, town):
    async def scenario(pilot):
        await open_reports(pilot)
        await choose(pilot, "2026-11")  # the station clock says 2026-11-23 12:00
        assert pilot.app.screen.figures.as_of is not None
        assert "截至2026-11-23" in squeeze(text_of(pilot, "#month-summary"))
        await choose(pilot, "2026-10")
        assert "截至" not in text_of(pilot, "#month-summary")

    drive(app_for(db), scenario)


def test_a_street_account_prints_the_roll_up_and_any_community_s_report(db, town, community_id):
    with db.session() as session:
        other = Community(code="HPL", name="和平里社区", street="", phone="")
        session.add(other)
        session.commit()
    make_user(db, "street.wu", "street", None, name="吴街道")

    async def scenario(pilot):
        await open_reports(pilot, "street.wu")
        screen = pilot.app.screen
        scope = screen.query_one("#scope", Select)
        assert [label for label, _value in scope._options] == ["全街道(各社区汇总)", "HPL 和平里社区",
                                                               "XFL 幸福里社区"]
        with UnitOfWork(db, Actor(None, "street.wu", "street", None)) as uow:
            assert screen.figures == month_figures(uow, 2026, 10)  # the street's totals
        keys = usable_keys(pilot)
        assert "reports.lock" not in keys and "screen.print" in keys
        await pilot.press("f9")
        await settle(pilot)
        await choose(pilot, scope="@community:XFL")
        with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
            assert screen.figures == month_figures(uow, 2026, 10)  # what the community counts itself
        await pilot.press("f9")
        await settle(pilot)

    drive(app_for(db), scenario)
    street = reports_folder(db) / "street-monthly-2026-10.pdf"
    assert street.is_file() and (reports_folder(db) / "street-monthly-2026-10.xlsx").is_file()
    text = squeeze(pdf_text(street))
    assert "各社区月度统计汇总表" in text and "和平里社区" in text and "幸福里社区" in text
    assert "幸福里社区2026年10月月度统计报表" in squeeze(pdf_text(reports_folder(db) / "monthly-2026-10.pdf"))
    assert [entry.username for entry in audits(db, "print")] == ["street.wu", "street.wu"]
