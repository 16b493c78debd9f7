"""Import (F7): check, confirm and import an Excel ledger all or nothing, with progress and refusals."""

from __future__ import annotations

import pytest
from hostile_books import far_cell_book
from import_books import families, person, write_openpyxl, write_sheets
from openpyxl import load_workbook
from sqlalchemy import select
from textual.widgets import DataTable, Input, ProgressBar, Select
from tui_support import (
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

from models import AuditEntry
from reports.excel_import.session import errors_path, import_file
from screens.imports.screen import ImportScreen
from screens.widgets.dialogs import ConfirmDialog
from station.actor import Actor
from station.errors import PermissionDenied
from station.ledger.queries import find_household
from station.stats.figures import overview
from station.uow import UnitOfWork

BAD_ID = "110105194912310021"  # the check digit is wrong


@pytest.fixture
def station(db, community_id):
    make_admin(db)
    make_user(db, "clerk", "clerk", community_id, name="窗口小刘")
    return db


def as_admin(db, community_id) -> UnitOfWork:
    return UnitOfWork(db, Actor(None, "admin", "admin", community_id))


def persons_in(db, community_id) -> int:
    with as_admin(db, community_id) as uow:
        return overview(uow).persons


def imports_audited(db) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "import")))


def refusal_rows(pilot) -> list[tuple[str, ...]]:
    table = pilot.app.screen.query_one("#refusals", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)]


async def open_import(pilot, path=None, mode: str = "") -> None:
    await log_in(pilot)
    await pilot.press("f7")
    await settle(pilot)
    assert screen_name(pilot) == "ImportScreen"
    if path is not None:
        pilot.app.screen.query_one("#path", Input).value = str(path)
    if mode:
        pilot.app.screen.query_one("#mode", Select).value = mode
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def test_a_good_workbook_is_checked_confirmed_and_imported_with_progress(station, community_id, tmp_path):
    ledger = write_openpyxl(tmp_path / "台账.xlsx", families(3))

    async def scenario(pilot):
        await open_import(pilot, ledger)
        await press(pilot, "ctrl+s")  # checks first, then asks with the counts of that check
        assert isinstance(pilot.app.screen, ConfirmDialog)
        question = text_of(pilot)
        assert "台账.xlsx" in question and "读取 9 行" in question and "新增 9 人" in question
        assert persons_in(station, community_id) == 0  # the check wrote nothing
        await pilot.click("#yes")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ImportScreen) and "导入完成" in text_of(pilot, "#summary")
        bar = screen.query_one("#progress", ProgressBar)
        assert bar.total == 9 and bar.progress == 9 and "建立检索 9/9" in text_of(pilot, "#stage")
        assert screen.query_one("#refusals", DataTable).row_count == 0
        assert "import.errors" not in {b.id for _n, b, on, _t in screen.active_bindings.values() if on}

    drive(app_for(station), scenario)
    assert persons_in(station, community_id) == 9
    with as_admin(station, community_id) as uow:
        household = find_household(uow, "H000001")
        assert [member.name for member in household.members][:1] == [families(3)[3]["姓名"]]
        assert household.grid_name == "第一网格"
    assert len(imports_audited(station)) == 1 and "台账.xlsx" in imports_audited(station)[0].detail


def test_one_bad_row_writes_nothing_and_is_listed_then_the_errors_workbook(station, community_id, tmp_path):
    rows = families(2) + [person("X1", "错号", BAD_ID, "户主")]
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", rows)

    async def scenario(pilot):
        await open_import(pilot, ledger)
        await press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, ImportScreen)  # nothing to confirm: a row is refused
        summary = text_of(pilot, "#summary")
        assert "未写入任何数据" in summary and "拒绝 1 行" in summary
        [(row, column, reason)] = refusal_rows(pilot)
        assert row == "10" and column == "公民身份号码" and "校验" in reason
        await press(pilot, "ctrl+o")
        assert str(tmp_path / "ledger-错误.xlsx") in notices(pilot)

    drive(app_for(station), scenario)
    assert persons_in(station, community_id) == 0 and imports_audited(station) == []
    sheet = load_workbook(tmp_path / "ledger-错误.xlsx").active
    header = [cell.value for cell in sheet[3]]
    reasons = sheet.cell(10, header.index("错误原因") + 1).value
    assert "校验" in reasons and sheet.cell(9, header.index("错误原因") + 1).value is None
    assert errors_path(ledger) == tmp_path / "ledger-错误-2.xlsx"  # the next one does not overwrite it


def test_refusals_quoting_a_cell_show_it_as_text_not_markup(station, community_id, tmp_path):
    rows = families(1)
    rows[1]["与户主关系"] = "[/red]配偶[b]"  # would stop Textual's markup parser
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", rows)

    async def scenario(pilot):
        await open_import(pilot, ledger)
        await press(pilot, "ctrl+s")
        [(row, column, reason)] = refusal_rows(pilot)
        assert (row, column) == ("5", "与户主关系") and "“[/red]配偶[b]”" in reason
        assert "[/red]配偶[b]" in text_of(pilot, "#refusals")

    drive(app_for(station), scenario)


def test_a_dry_run_writes_nothing_and_no_means_no(station, community_id, tmp_path):
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", families(2))

    async def scenario(pilot):
        await open_import(pilot, ledger)
        await press(pilot, "ctrl+t")
        summary = text_of(pilot, "#summary")
        assert "检查通过" in summary and "新增 6 人" in summary and "新建住户 2 户" in summary
        assert "校验 6/6" in text_of(pilot, "#stage")
        await press(pilot, "ctrl+s")  # the check of this very file is reused for the question
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.click("#no")
        await settle(pilot)

    drive(app_for(station), scenario)
    assert persons_in(station, community_id) == 0 and imports_audited(station) == []


def test_a_changed_file_is_checked_again_before_the_question(station, community_id, tmp_path):
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", families(2))

    async def scenario(pilot):
        await open_import(pilot, ledger)
        await press(pilot, "ctrl+t")
        write_openpyxl(ledger, families(2) + [person("X1", "错号", BAD_ID, "户主")])
        await press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, ImportScreen) and len(refusal_rows(pilot)) == 1

    drive(app_for(station), scenario)
    assert persons_in(station, community_id) == 0


def test_upsert_updates_what_insert_refuses(station, community_id, tmp_path):
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", families(2))
    with as_admin(station, community_id) as uow:
        import_file(uow, ledger)

    async def scenario(pilot):
        await open_import(pilot, ledger)
        await press(pilot, "ctrl+t")
        assert "未写入任何数据" in text_of(pilot, "#summary") and len(refusal_rows(pilot)) >= 6
        pilot.app.screen.query_one("#mode", Select).value = "upsert"
        await press(pilot, "ctrl+t")
        assert "检查通过" in text_of(pilot, "#summary") and "无变化 6 人" in text_of(pilot, "#summary")

    drive(app_for(station), scenario)
    assert persons_in(station, community_id) == 6


@pytest.mark.parametrize(("name", "message"), [
    ("", "请填写要导入的 .xlsx 文件路径"),
    ("missing.xlsx", "找不到文件"),
    ("old.xls", "不接受旧版 .xls 文件"),
    ("notes.xlsx", "不是有效的 .xlsx 文件"),
])
def test_a_wrong_file_is_refused_with_a_clear_message(station, community_id, tmp_path, name, message):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "notes.xlsx").write_text("not a workbook", encoding="utf-8")

    async def scenario(pilot):
        await open_import(pilot, tmp_path / name if name else "")
        await press(pilot, "ctrl+t")
        assert message in text_of(pilot, "#summary") + text_of(pilot, "#path-error")
        assert isinstance(pilot.app.screen, ImportScreen)

    drive(app_for(station), scenario)
    assert persons_in(station, community_id) == 0


def test_a_cell_at_xfd1048576_is_refused_naming_the_cell(station, community_id, tmp_path):
    far = far_cell_book(tmp_path / "far.xlsx")

    async def scenario(pilot):
        await open_import(pilot, far)
        await press(pilot, "ctrl+t")
        summary = text_of(pilot, "#summary")
        assert "单元格 XFD1048576 超出台账的范围" in summary and "panicked" not in summary
        assert isinstance(pilot.app.screen, ImportScreen)

    drive(app_for(station), scenario)
    assert persons_in(station, community_id) == 0


def test_every_ledger_sheet_is_checked_and_a_refusal_names_its_sheet(station, community_id, tmp_path):
    second = families(1, start=20)
    second[1]["公民身份号码"] = BAD_ID
    path = write_sheets(tmp_path / "grids.xlsx", {"一网格": families(2), "二网格": second})

    async def scenario(pilot):
        await open_import(pilot, path)
        await press(pilot, "ctrl+t")
        assert "读取了 2 个工作表:一网格、二网格" in text_of(pilot, "#summary")
        assert refusal_rows(pilot)[0][0] == "二网格 3"

    drive(app_for(station), scenario)


def test_a_file_without_the_required_columns(station, community_id, tmp_path):
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", families(1),
                            header=["户号", "姓名", "公民身份号码", "备注"])

    async def scenario(pilot):
        await open_import(pilot, ledger)
        await press(pilot, "ctrl+t")
        assert "未导入任何数据" in text_of(pilot, "#summary") and "与户主关系" in text_of(pilot, "#summary")

    drive(app_for(station), scenario)


def test_files_nearby_are_offered(station, community_id, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_openpyxl(tmp_path / "台账.xlsx", families(1))
    (tmp_path / "~$台账.xlsx").write_bytes(b"lock")

    async def scenario(pilot):
        await open_import(pilot)
        files = pilot.app.screen.query_one("#files")
        assert "台账.xlsx" in text_of(pilot, "#files") and "~$" not in text_of(pilot, "#files")
        files.focus()
        await press(pilot, "enter")
        assert pilot.app.screen.query_one("#path", Input).value == str((tmp_path / "台账.xlsx").resolve())
        await press(pilot, "enter")  # Enter in the path field checks
        assert "检查通过" in text_of(pilot, "#summary")

    drive(app_for(station), scenario)


def test_a_clerk_has_no_import_key_and_the_screen_refuses(station, community_id, tmp_path):
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", families(1))

    async def scenario(pilot):
        await log_in(pilot, "clerk")
        assert "导入" not in text_of(pilot)
        await press(pilot, "f7")
        assert screen_name(pilot) == "DashboardScreen"
        await pilot.app.push_screen(ImportScreen())  # e.g. reached some other way
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#path", Input).value = str(ledger)
        assert screen.query_one("#path", Input).disabled and "无权导入" in text_of(pilot, "#summary")
        await press(pilot, "ctrl+t", "ctrl+s")
        assert screen.outcome is None and "无权导入" in text_of(pilot, "#summary")

    drive(app_for(station), scenario)
    assert persons_in(station, community_id) == 0


def test_the_shared_import_refuses_a_role_without_the_permission(db, community_id, tmp_path):
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", families(1))
    with UnitOfWork(db, Actor(None, "clerk", "clerk", community_id)) as uow, pytest.raises(PermissionDenied):
        import_file(uow, ledger)
    assert persons_in(db, community_id) == 0


def test_the_shared_import_reports_reading_then_the_services_stages(db, community_id, tmp_path):
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", families(2))
    stages: list[str] = []
    with as_admin(db, community_id) as uow:
        outcome = import_file(uow, ledger, progress=lambda stage, done, total: stages.append(stage))
    assert outcome.report.written and (outcome.sheet, outcome.header_row) == ("台账", 3)
    assert [stage for index, stage in enumerate(stages) if stage not in stages[:index]] == \
        ["read", "check", "write", "index"]  # codes; their names are the catalogue's (imports.stage.*)


def test_an_unexpected_failure_ends_the_run_and_says_so(station, community_id, tmp_path, monkeypatch):
    import screens.imports.screen

    def broken(uow, path, **options):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(screens.imports.screen, "import_file", broken)
    ledger = write_openpyxl(tmp_path / "ledger.xlsx", families(1))

    async def scenario(pilot):
        await open_import(pilot, ledger)
        await press(pilot, "ctrl+t")
        assert "系统错误" in text_of(pilot)  # the gateway's generic dialog
        await press(pilot, "escape")
        screen = pilot.app.screen
        assert isinstance(screen, ImportScreen) and not screen.busy
        assert "未能完成" in text_of(pilot, "#summary")

    drive(app_for(station), scenario)
