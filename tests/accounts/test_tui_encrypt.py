"""加密数据库 in an administrator's palette: a plaintext station is encrypted at the counter (as
`station encrypt` does), the session goes on with the encrypted database, the recovery key is
shown once with its sheet, and the old plaintext backups are encrypted when chosen."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import date
from pathlib import Path

from cli_station import write_config
from ledger_fixtures import Resident, make_grid, make_home
from reports_support import pdf_text
from reports_support import squeeze as squeeze_pdf
from sheet_support import audit_rows, fake_lp, files_holding, path_with
from textual.widgets import Button, Input
from tui_support import (
    PASSWORD,
    drive,
    log_in,
    make_admin,
    make_user,
    run_palette_command,
    screen_name,
    settle,
    squeeze,
    text_of,
    type_into,
)

from screens.admin.encrypt import EncryptPasswordDialog
from screens.admin.encrypt_after import Encrypted, OldBackupsDialog, summary_lines
from screens.app import create_app
from screens.commands import station_commands
from screens.database_handle import DatabaseHandle
from screens.i18n import Catalogue
from screens.widgets.dialogs import ConfirmDialog, MessageDialog
from screens.widgets.recovery_key import RecoveryKeyDialog
from station.actor import Actor
from station.backup.encrypt import OldBackups, plaintext_backups
from station.backup.make import run_backup
from station.bootstrap import create_encrypted_station, open_database, unlock_database
from station.config import load_settings
from station.places.directory import ensure_community
from station.sqlite_files import is_plaintext_sqlite
from station.uow import UnitOfWork
from station.vault import open_vault_with_recovery, slots_path_for

SMALL = (80, 24)
RESIDENT = "张三丰"


def plain_station(folder):
    """A plaintext station (as made before encryption existed): an administrator, a clerk, one
    household and one plaintext backup."""
    folder.mkdir(exist_ok=True)
    settings = load_settings(write_config(folder))
    db = open_database(settings, daily_backup=False)
    try:
        admin_id = make_admin(db)
        with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
            community_id = ensure_community(uow, settings).id
        make_user(db, "clerk", "clerk", community_id, name="李窗口")
        make_home(db, community_id, make_grid(db, community_id, "G01", "一网格"), Resident(RESIDENT, date(1950, 3, 1)))
        with UnitOfWork(db, Actor(admin_id, "admin", "admin", community_id)) as uow:
            run_backup(uow, label="manual")
    finally:
        db.dispose()
    return settings


def counter(settings):
    """The counter's app as `station run` makes it."""
    return create_app(settings=settings, open_db=lambda: open_database(settings, daily_backup=False),
                      unlock_db=lambda username, password: unlock_database(settings, username, password))


def database_file(folder):
    return folder / "data" / "station.db"


def shown_key(pilot) -> str:
    return next(word for word in text_of(pilot).split() if word.count("-") == 7)


def flat(pilot) -> str:
    """The screen's text without spaces, borders or line breaks (a sentence wraps anywhere)."""
    return squeeze(text_of(pilot)).replace("\n", "")


def notes(pilot) -> str:
    return "\n".join(notification.message for notification in pilot.app._notifications)


async def open_password_dialog(pilot) -> None:
    await log_in(pilot)
    await run_palette_command(pilot, "加密数据库")
    question = pilot.app.screen
    assert isinstance(question, ConfirmDialog) and "恢复密钥" in question.message
    assert "其他窗口" in question.message and "新密码" in question.message
    question.query_one("#yes", Button).focus()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EncryptPasswordDialog)


async def submit_password(pilot, password: str) -> None:
    await type_into(pilot, "#password", password)
    assert password not in text_of(pilot)  # masked
    await pilot.press("enter")
    await settle(pilot)


def test_the_command_is_offered_only_to_an_administrator_of_a_plaintext_station(tmp_path):
    plain = plain_station(tmp_path / "plain")
    (tmp_path / "encrypted").mkdir()
    encrypted = load_settings(write_config(tmp_path / "encrypted"))
    create_encrypted_station(encrypted, "admin", "王管理", PASSWORD)[0].dispose()
    offered: dict[str, list[str]] = {}

    def titles(label: str, username: str):
        async def scenario(pilot):
            await log_in(pilot, username)
            offered[label] = [str(command.title) for command in station_commands(pilot.app)]
        return scenario

    drive(counter(plain), titles("plaintext admin", "admin"))
    drive(counter(plain), titles("plaintext clerk", "clerk"))
    drive(counter(encrypted), titles("encrypted admin", "admin"))
    assert "加密数据库" in offered["plaintext admin"] and "新恢复密钥单" not in offered["plaintext admin"]
    assert "加密数据库" not in offered["plaintext clerk"] and "审计日志" not in offered["plaintext clerk"]
    assert "加密数据库" not in offered["encrypted admin"] and "新恢复密钥单" in offered["encrypted admin"]


def test_an_administrator_encrypts_the_station_at_80x24_and_goes_on_working(tmp_path, monkeypatch):
    settings = plain_station(tmp_path)
    database = database_file(tmp_path)
    backups = database.parent / "backups"
    [old] = plaintext_backups(backups)
    printed = fake_lp(tmp_path / "printer")
    monkeypatch.setenv("PATH", path_with(tmp_path / "printer"))
    found: dict[str, str] = {}

    async def scenario(pilot):
        await open_password_dialog(pilot)
        await submit_password(pilot, PASSWORD)
        assert isinstance(pilot.app.screen, RecoveryKeyDialog)
        found["key"] = shown_key(pilot)
        assert "数据库已加密" in text_of(pilot) and "F9" in text_of(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert "恢复密钥单已送打印机" in notes(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OldBackupsDialog) and "1 份未加密的旧备份" in text_of(pilot)
        await pilot.press("enter")  # 加密, the first button
        await settle(pilot)
        summary = pilot.app.screen
        assert isinstance(summary, MessageDialog) and summary.title_text == "数据库已加密"
        assert "clerk" in summary.message and f"已加密旧备份 1 份:{old.path.stem}-encrypted.pack" in summary.message
        pilot.app.clear_notifications()  # the printer's and the old backups' toasts
        await settle(pilot)
        assert "确定" in text_of(pilot) and "请销毁" in text_of(pilot)  # the summary fits at 80x24
        await pilot.press("enter")
        await settle(pilot)
        assert "加密数据库" not in [str(command.title) for command in station_commands(pilot.app)]
        await pilot.press("f2")  # still logged in, on the encrypted database
        await settle(pilot)
        await pilot.press(*RESIDENT)
        await settle(pilot)
        assert screen_name(pilot) == "LedgerScreen" and RESIDENT in text_of(pilot)

    drive(counter(settings), scenario, size=SMALL)
    key = found["key"]
    assert not is_plaintext_sqlite(database) and slots_path_for(database).exists()
    assert open_vault_with_recovery(database, key).data_key
    assert key.replace("-", "") in squeeze_pdf(pdf_text(printed))
    assert files_holding(tmp_path, key, skip=tmp_path / "printer") == []
    assert plaintext_backups(backups) == [] and not old.path.exists()
    assert (backups / f"{old.path.stem}-encrypted.pack").exists()
    assert not any(is_plaintext_sqlite(path) for path in tmp_path.rglob("*") if path.is_file())
    db = unlock_database(settings, "admin", PASSWORD)
    try:
        assert [detail for _user, _entity, detail in audit_rows(db, "encrypt")] == ["数据库已加密"]
        assert audit_rows(db, "encrypt_backups")[0][2] == "加密旧的未加密备份 1 份"
        assert any(detail.endswith("-encryption.pack") for _u, _e, detail in audit_rows(db, "backup"))
    finally:
        db.dispose()


def test_a_wrong_password_changes_nothing_and_is_counted(tmp_path):
    settings = plain_station(tmp_path)
    database = database_file(tmp_path)

    async def scenario(pilot):
        await open_password_dialog(pilot)
        before = database.read_bytes()
        await submit_password(pilot, "Not-the-password-1")
        assert isinstance(pilot.app.screen, EncryptPasswordDialog)
        assert "密码错误" in flat(pilot) and "数据库未加密" in flat(pilot)
        assert pilot.app.screen.query_one("#password", Input).value == ""
        assert database.read_bytes() == before and is_plaintext_sqlite(database)
        await pilot.press("escape")  # cancels: nothing started
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"

    drive(counter(settings), scenario, size=SMALL)
    assert is_plaintext_sqlite(database) and not slots_path_for(database).exists()
    assert not list(tmp_path.rglob("*.partial"))
    db = open_database(settings, daily_backup=False)
    try:
        assert [user for user, _entity, _detail in audit_rows(db, "login_failed")] == ["admin"]
    finally:
        db.dispose()


def test_a_database_another_program_holds_is_left_as_it_was_with_a_clear_message(tmp_path):
    settings = plain_station(tmp_path)
    database = database_file(tmp_path)

    async def scenario(pilot):
        await open_password_dialog(pilot)
        with closing(sqlite3.connect(database)) as other:
            other.execute("SELECT count(*) FROM persons").fetchone()
            await submit_password(pilot, PASSWORD)
            assert isinstance(pilot.app.screen, EncryptPasswordDialog)
            assert "正被其他程序使用" in flat(pilot) and "数据库未改动" in flat(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")  # the plaintext database still serves the session
        await settle(pilot)
        await pilot.press(*RESIDENT)
        await settle(pilot)
        assert RESIDENT in text_of(pilot)

    drive(counter(settings), scenario, size=SMALL)
    assert is_plaintext_sqlite(database) and not slots_path_for(database).exists()
    assert not list(tmp_path.rglob("*.partial"))


def test_while_it_works_the_dialog_stays_and_the_keys_wait_then_the_next_login_uses_the_key_slot(
        tmp_path, monkeypatch):
    settings = plain_station(tmp_path)
    database = database_file(tmp_path)
    [old] = plaintext_backups(database.parent / "backups")
    go_on = threading.Event()
    encrypt = DatabaseHandle.encrypt

    def slow_encrypt(handle, actor, password):
        assert go_on.wait(30)
        return encrypt(handle, actor, password)

    monkeypatch.setattr(DatabaseHandle, "encrypt", slow_encrypt)

    async def scenario(pilot):
        await open_password_dialog(pilot)
        await type_into(pilot, "#password", PASSWORD)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "正在加密数据库" in flat(pilot)  # the screen is painted while the work runs
        for key in ("escape", "ctrl+p", "ctrl+q"):
            await pilot.press(key)
            await pilot.pause(0.1)
            assert isinstance(pilot.app.screen, EncryptPasswordDialog) and pilot.app.is_running
        go_on.set()
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecoveryKeyDialog)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")  # the old backups: Esc keeps them
        await settle(pilot)
        assert "未加密的旧备份已保留1份" in flat(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await run_palette_command(pilot, "退出登录")
        await log_in(pilot, "clerk")  # no key slot yet: an administrator must set a new password
        assert screen_name(pilot) == "LoginScreen" and "用户名或密码错误" in flat(pilot)
        await log_in(pilot, "admin")
        assert screen_name(pilot) == "DashboardScreen"
        assert pilot.app.database.get().vault is not None

    drive(counter(settings), scenario, size=SMALL)
    assert not is_plaintext_sqlite(database) and is_plaintext_sqlite(old.path)


def test_an_unexpected_failure_is_a_message_and_the_dialog_can_be_used_again(tmp_path, monkeypatch):
    settings = plain_station(tmp_path)
    database = database_file(tmp_path)

    def broken(_handle, _actor, _password):
        raise RuntimeError("the disk controller fell over")

    monkeypatch.setattr(DatabaseHandle, "encrypt", broken)

    async def scenario(pilot):
        await open_password_dialog(pilot)
        await submit_password(pilot, PASSWORD)
        assert isinstance(pilot.app.screen, MessageDialog) and "系统错误" in flat(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, EncryptPasswordDialog) and not dialog.working
        assert not dialog.query_one("#password", Input).disabled
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"

    drive(counter(settings), scenario, size=SMALL)
    assert is_plaintext_sqlite(database)


def test_a_backup_failing_after_the_encryption_still_shows_the_recovery_key(tmp_path, monkeypatch):
    settings = plain_station(tmp_path)
    database = database_file(tmp_path)
    found: dict[str, str] = {}

    def broken(_uow, **_options):
        raise RuntimeError("the backup disk fell over")

    monkeypatch.setattr("station.backup.make.run_backup", broken)

    async def scenario(pilot):
        await open_password_dialog(pilot)
        await submit_password(pilot, PASSWORD)
        assert isinstance(pilot.app.screen, RecoveryKeyDialog)
        found["key"] = shown_key(pilot)
        await pilot.press("enter")
        await settle(pilot)
        summary = pilot.app.screen
        assert isinstance(summary, MessageDialog) and "备份未完成" in summary.message
        assert "station backup" in summary.message

    drive(counter(settings), scenario, size=SMALL)
    assert open_vault_with_recovery(database, found["key"]).data_key
    db = unlock_database(settings, "admin", PASSWORD)
    try:
        assert len(audit_rows(db, "encrypt")) == 1
    finally:
        db.dispose()


def test_the_summary_names_a_few_old_backups_so_that_it_fits_the_screen():
    done = Encrypted("KEY", ("clerk", "li"), "station-x-encryption.db")
    encrypted = tuple(Path(f"station-{day}-encrypted.db") for day in range(1, 15))
    refused = tuple((f"station-{day}.db", "封印不符") for day in range(20, 25))
    lines = summary_lines(Catalogue("zh"), done, "encrypt", OldBackups(encrypted=encrypted, refused=refused), None)
    assert "clerk、li" in lines[1]
    assert lines[2] == "已加密旧备份 14 份:station-1-encrypted.db、station-2-encrypted.db、station-3-encrypted.db 等(另有 11 份)"
    assert lines[3:7] == ["未能处理 station-20.db:封印不符(文件保留原样)", "未能处理 station-21.db:封印不符(文件保留原样)",
                          "未能处理 station-22.db:封印不符(文件保留原样)", "另有 2 份未能处理(文件保留原样;详见审计日志)"]
    assert len(lines) == 8
