"""The counter prints the recovery sheet from the dialog that shows the key once (F9): after the first
run, and after 新恢复密钥单 in an administrator's palette, which replaces the key first."""

from __future__ import annotations

import pytest
from cli_station import write_config
from reports_support import pdf_text, squeeze
from sheet_support import audit_rows, fake_lp, files_holding, path_with
from textual.widgets import Button
from tui_support import (
    PASSWORD,
    app_for,
    drive,
    log_in,
    make_admin,
    notices,
    run_palette_command,
    screen_name,
    settle,
    text_of,
)

from screens.app import create_app
from screens.commands import station_commands
from screens.widgets.dialogs import ConfirmDialog, MessageDialog
from screens.widgets.recovery_key import RecoveryKeyDialog
from station.accounts.users import add_user
from station.bootstrap import create_encrypted_station, open_database, unlock_database
from station.config import load_settings
from station.errors import AuthError
from station.printing.recovery_sheet import actor_of
from station.uow import UnitOfWork
from station.vault import open_vault_with_recovery


def counter(settings, *, first_run: bool):
    """The counter's app over an encrypted station, as `station run` makes it."""
    create_db = (lambda *account: create_encrypted_station(settings, *account)) if first_run else None
    return create_app(settings=settings, open_db=lambda: open_database(settings),
                      unlock_db=lambda username, password: unlock_database(settings, username, password),
                      create_db=create_db)


def shown_key(pilot) -> str:
    return next(word for word in text_of(pilot).split() if word.count("-") == 7)


async def create_station(pilot) -> None:
    for field, text in (("#username", "admin"), ("#display_name", "王管理"), ("#password", PASSWORD),
                        ("#password_again", PASSWORD)):
        pilot.app.screen.query_one(field).value = text
    await pilot.press("ctrl+s")
    await settle(pilot)


def test_f9_on_the_first_runs_recovery_key_prints_the_sheet_through_lp(tmp_path, monkeypatch):
    settings = load_settings(write_config(tmp_path))
    printed = fake_lp(tmp_path / "printer")
    monkeypatch.setenv("PATH", path_with(tmp_path / "printer"))
    found: dict[str, str] = {}

    async def scenario(pilot):
        await create_station(pilot)
        assert isinstance(pilot.app.screen, RecoveryKeyDialog)
        found["key"] = shown_key(pilot)
        assert "F9" in text_of(pilot)  # the way to print is on the dialog itself
        await pilot.press("f9")
        await settle(pilot)
        assert "恢复密钥单已送打印机" in notices(pilot) and "Fake-7" in notices(pilot)
        assert isinstance(pilot.app.screen, RecoveryKeyDialog)  # the key stays until closed
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"

    drive(counter(settings, first_run=True), scenario)
    key = found["key"]
    assert key.replace("-", "") in squeeze(pdf_text(printed))
    assert files_holding(tmp_path, key, skip=tmp_path / "printer") == []
    db = unlock_database(settings, "admin", PASSWORD)
    try:
        assert audit_rows(db, "print") == [("admin", "database", "恢复密钥单:已送打印机 request id is Fake-7 "
                                            "(1 file(s))")]
    finally:
        db.dispose()


def test_without_a_printer_the_dialog_says_so_and_the_key_stays(tmp_path, monkeypatch):
    settings = load_settings(write_config(tmp_path))
    (tmp_path / "bare").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bare"))

    async def scenario(pilot):
        await create_station(pilot)
        key = shown_key(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MessageDialog)
        assert "没有打印命令 lp" in text_of(pilot) and "恢复密钥单未打印" in text_of(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecoveryKeyDialog) and shown_key(pilot) == key

    drive(counter(settings, first_run=True), scenario)


def test_an_administrator_replaces_the_key_from_the_palette_and_prints_the_new_sheet(tmp_path, monkeypatch):
    settings = load_settings(write_config(tmp_path))
    db, _admin, old_key = create_encrypted_station(settings, "admin", "王管理", PASSWORD)
    db.dispose()
    printed = fake_lp(tmp_path / "printer")
    monkeypatch.setenv("PATH", path_with(tmp_path / "printer"))
    database = tmp_path / "data" / "station.db"
    found: dict[str, str] = {}

    async def scenario(pilot):
        await log_in(pilot)
        await run_palette_command(pilot, "新恢复密钥单")
        question = pilot.app.screen
        assert isinstance(question, ConfirmDialog) and "作废" in question.message
        question.query_one("#yes", Button).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecoveryKeyDialog)
        found["key"] = shown_key(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert "恢复密钥单已送打印机" in notices(pilot)

    drive(counter(settings, first_run=False), scenario)
    new_key = found["key"]
    assert new_key != old_key
    assert open_vault_with_recovery(database, new_key).data_key
    with pytest.raises(AuthError):
        open_vault_with_recovery(database, old_key)
    assert new_key.replace("-", "") in squeeze(pdf_text(printed))
    assert files_holding(tmp_path, new_key, skip=tmp_path / "printer") == []


def test_saying_no_keeps_the_key(tmp_path):
    settings = load_settings(write_config(tmp_path))
    db, _admin, old_key = create_encrypted_station(settings, "admin", "王管理", PASSWORD)
    db.dispose()

    async def scenario(pilot):
        await log_in(pilot)
        await run_palette_command(pilot, "新恢复密钥单")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, RecoveryKeyDialog | ConfirmDialog)

    drive(counter(settings, first_run=False), scenario)
    assert open_vault_with_recovery(tmp_path / "data" / "station.db", old_key).data_key


def test_only_an_administrator_of_an_encrypted_station_is_offered_the_command(tmp_path, db):
    settings = load_settings(write_config(tmp_path))
    made, admin, _key = create_encrypted_station(settings, "admin", "王管理", PASSWORD)
    with UnitOfWork(made, actor_of(admin.id, admin.username, admin.role, admin.community_id)) as uow:
        add_user(uow, "clerk", "李窗口", "clerk", PASSWORD)
    made.dispose()
    make_admin(db)
    offered: dict[str, list[str]] = {}

    def titles(label: str):
        async def scenario(pilot):
            await log_in(pilot, "admin" if label != "clerk" else "clerk")
            offered[label] = [str(command.title) for command in station_commands(pilot.app)]
        return scenario

    drive(counter(settings, first_run=False), titles("admin"))
    drive(counter(settings, first_run=False), titles("clerk"))
    drive(app_for(db), titles("plaintext admin"))
    assert "新恢复密钥单" in offered["admin"]
    assert "新恢复密钥单" not in offered["clerk"] and "审计日志" not in offered["clerk"]
    assert "新恢复密钥单" not in offered["plaintext admin"] and "审计日志" in offered["plaintext admin"]
