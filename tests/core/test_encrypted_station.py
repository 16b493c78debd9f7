"""An encrypted station end to end: `station init --encrypt` makes it, a login opens it (CLI and
TUI), and a resident written into it is found in no file the app wrote."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import msoffcrypto
import pytest
from cli_station import ADMIN, ADMIN_PASSWORD, station, write_config
from factories import make_id
from import_books import families, person, write_openpyxl
from openpyxl import load_workbook
from tui_support import PASSWORD, drive, log_in, screen_name, settle, text_of

from screens.app import create_app
from station.bootstrap import create_encrypted_station, open_database, unlock_database
from station.config import load_settings
from station.errors import AuthError
from station.keyslots import read_slots
from station.vault import open_vault_with_recovery, slots_path_for

SECRET_NAME, SECRET_ID = "欧阳秘密", make_id(date(1961, 7, 4), male=False, seq=77)
FILE_PASSWORD = "File-Pass-77"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """An encrypted station holding a known resident (imported), backed up and exported."""
    folder = tmp_path_factory.mktemp("encrypted")
    write_config(folder)
    made = station(folder, "init", "--admin", ADMIN, "--name", "管理员", "--encrypt", "--password-stdin",
                   stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n", as_user=None)
    assert made.returncode == 0, made.stderr
    folder.joinpath("recovery.txt").write_text(made.stdout.split("恢复密钥:")[1].split()[0])
    rows = families(3) + [person("H900001", SECRET_NAME, SECRET_ID, "户主")]
    write_openpyxl(folder / "ledger.xlsx", rows)
    for args in (("import", "ledger.xlsx"), ("backup",), ("check",), ("report", "monthly", "--month", "2026-10")):
        result = station(folder, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    (folder / "ledger.xlsx").unlink()  # the clerk's own workbook is not a file the app wrote
    return folder


def test_init_shows_a_recovery_key_once_and_the_file_is_not_sqlite(folder):
    recovery = folder.joinpath("recovery.txt").read_text()
    assert len(recovery.replace("-", "")) == 40
    database = folder / "data" / "station.db"
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(database).execute("select count(*) from persons").fetchone()
    slots = read_slots(slots_path_for(database))
    assert slots.users == (ADMIN,) and slots.recovery is not None
    assert open_vault_with_recovery(database, recovery).data_key  # the recovery key opens it too


def test_the_resident_is_in_no_file_the_app_wrote(folder):
    exported = station(folder, "export", "persons", "check.xlsx", "--unmasked", "--reason", "核对",
                       "--password-stdin", stdin=f"{FILE_PASSWORD}\n")
    assert exported.returncode == 0, exported.stderr
    assert SECRET_ID in [row[7] for row in decrypted_rows(folder / "check.xlsx")]  # it is in there
    files = [path for path in folder.rglob("*") if path.is_file() and path.name != "recovery.txt"]
    assert any(path.suffix == ".pack" and "backups" in path.parts for path in files)
    assert any(path.suffix == ".pdf" for path in files) or any("reports" in path.parts for path in files)
    for path in files:
        raw = path.read_bytes()
        for secret in (SECRET_ID, SECRET_NAME):
            for encoded in (secret.encode(), secret.encode("utf-16-le")):
                assert encoded not in raw, f"{secret} in {path}"


def decrypted_rows(path: Path) -> list[tuple]:
    plain = io.BytesIO()
    with open(path, "rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        office.load_key(password=FILE_PASSWORD)
        office.decrypt(plain)
    return list(load_workbook(plain, read_only=True).active.iter_rows(values_only=True))


def test_without_the_password_nothing_opens(folder):
    for user, password in (("admin", "Wr0ng-Pass-1"), ("nobody", ADMIN_PASSWORD)):
        refused = station(folder, "stats", as_user=user, password=password)
        assert refused.returncode == 1 and "用户名或密码错误" in refused.stderr
    unnamed = station(folder, "stats", as_user=None, password=None)
    assert unnamed.returncode == 1 and "请先登录" in unnamed.stderr
    doctor = station(folder, "doctor", as_user=None)
    assert "已加密" in doctor.stdout and doctor.returncode == 0
    with pytest.raises(AuthError):
        open_database(load_settings(folder / "station.toml"))


def test_a_backup_restores_and_stays_encrypted(folder):
    backup = sorted((folder / "data" / "backups").glob("station-*-manual.pack"))[-1]
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(backup).execute("select count(*) from persons").fetchone()
    restored = station(folder, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    found = station(folder, "check")
    assert found.returncode == 0 and "全部符合" in found.stdout


def test_the_counter_logs_in_to_an_encrypted_station_and_logout_forgets_the_key(tmp_path):
    settings = load_settings(write_config(tmp_path))
    db, admin, _recovery = create_encrypted_station(settings, "admin", "王管理", PASSWORD)
    db.dispose()
    app = create_app(settings=settings, open_db=lambda: open_database(settings),
                     unlock_db=lambda username, password: unlock_database(settings, username, password))

    async def scenario(pilot):
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"  # not the first-run screen: it has users
        await log_in(pilot, password="Wr0ng-Pass-1")
        assert "用户名或密码错误" in text_of(pilot, "#login-error")
        await log_in(pilot)
        assert pilot.app.login is not None and pilot.app.database.get().vault is not None
        pilot.app.action_logout()
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"
        with pytest.raises(AuthError):
            pilot.app.database.get()  # closed: the next login opens it again

    drive(app, scenario)
    assert admin.username == "admin"


def a_new_pc_with(folder: Path, tmp_path: Path) -> tuple[Path, Path]:
    """An empty station folder and a USB stick holding the newest backup (file, manifest, slots)."""
    usb, new_pc = tmp_path / "usb", tmp_path / "new-pc"
    usb.mkdir()
    write_config(new_pc.mkdir() or new_pc)
    backup = sorted((folder / "data" / "backups").glob("station-*-manual.pack"))[-1]
    for suffix in ("", ".manifest.json", ".keys"):
        shutil.copyfile(f"{backup}{suffix}", usb / f"{backup.name}{suffix}")
    return new_pc, usb / backup.name


def test_a_new_pc_restores_an_encrypted_backup_with_a_password(folder, tmp_path):
    new_pc, backup = a_new_pc_with(folder, tmp_path)
    for user, password in (("admin", "Wr0ng-Pass-1"), ("nobody", ADMIN_PASSWORD)):
        refused = station(new_pc, "restore", str(backup), "--yes", as_user=user, password=password)
        assert refused.returncode == 1 and "用户名或密码错误" in refused.stderr
        assert not (new_pc / "data" / "station.db").exists()
    restored = station(new_pc, "restore", str(backup), "--yes")  # no seal key typed: the slots give it
    assert restored.returncode == 0, restored.stderr
    assert (new_pc / "data" / "station.db.keys").exists()
    found = station(new_pc, "report", "person", SECRET_ID)
    assert "欧阳" in found.stdout + found.stderr or found.returncode == 0
    checked = station(new_pc, "check")
    assert checked.returncode == 0 and "全部符合" in checked.stdout
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(new_pc / "data" / "station.db").execute("select 1 from persons").fetchone()


def test_a_new_pc_restores_with_the_recovery_key_and_not_with_another(folder, tmp_path):
    new_pc, backup = a_new_pc_with(folder, tmp_path)
    wrong = station(new_pc, "restore", str(backup), "--yes", "--recovery-key", "AAAAA-" * 7 + "AAAAA",
                    as_user=None, password=None)
    assert wrong.returncode == 1 and "恢复密钥不正确" in wrong.stderr
    recovery = folder.joinpath("recovery.txt").read_text()
    restored = station(new_pc, "restore", str(backup), "--yes", "--recovery-key", recovery.lower(),
                       as_user=None, password=None)
    assert restored.returncode == 0, restored.stderr
    assert station(new_pc, "stats").returncode == 0  # the backup's administrator logs in there


def test_a_forged_manifest_or_another_stations_backup_is_refused(folder, tmp_path):
    new_pc, backup = a_new_pc_with(folder, tmp_path)
    manifest = Path(f"{backup}.manifest.json")
    forged = json.loads(manifest.read_text())
    forged["counts"]["persons"] += 1
    manifest.write_text(json.dumps(forged))
    refused = station(new_pc, "restore", str(backup), "--yes")
    assert refused.returncode == 1 and "签名不符" in refused.stderr
    assert not (new_pc / "data" / "station.db").exists()


def test_a_backup_changed_inside_is_refused_and_the_live_database_stays_as_it_was(folder, tmp_path):
    copy = tmp_path / "station"
    shutil.copytree(folder, copy)
    backup = sorted((copy / "data" / "backups").glob("station-*-manual.pack"))[-1]
    raw = bytearray(backup.read_bytes())
    raw[len(raw) // 2] ^= 0x40  # one bit, deep inside a record; the manifest is left alone
    backup.write_bytes(bytes(raw))
    live = copy / "data" / "station.db"
    before = live.read_bytes()
    refused = station(copy, "restore", str(backup), "--yes")
    assert refused.returncode == 1 and "已损坏或被改动" in refused.stderr and "Traceback" not in refused.stderr
    assert live.read_bytes() == before
    assert not list((copy / "data").glob("*.restore.partial"))


def test_the_recovery_key_resets_a_lost_password_and_a_new_key_voids_the_old_sheet(tmp_path):
    folder = tmp_path
    write_config(folder)
    made = station(folder, "init", "--admin", ADMIN, "--name", "管理员", "--encrypt", "--password-stdin",
                   stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n", as_user=None)
    recovery = made.stdout.split("恢复密钥:")[1].split()[0]
    new_password = "Found-Again-58"
    wrong = station(folder, "recover", ADMIN, "--password-stdin", stdin=f"{'B' * 40}\n{new_password}\n",
                    as_user=None, password=None)
    assert wrong.returncode == 1 and "恢复密钥不正确" in wrong.stderr
    reset = station(folder, "recover", ADMIN, "--password-stdin", stdin=f"{recovery}\n{new_password}\n",
                    as_user=None, password=None)
    assert reset.returncode == 0, reset.stderr
    assert station(folder, "stats").returncode == 1  # the old password opens nothing now
    assert station(folder, "stats", password=new_password).returncode == 0
    renewed = station(folder, "recovery-key", password=new_password)
    assert renewed.returncode == 0, renewed.stderr
    fresh = renewed.stdout.split("恢复密钥:")[1].split()[0]
    assert fresh != recovery
    database = folder / "data" / "station.db"
    assert open_vault_with_recovery(database, fresh).data_key
    with pytest.raises(AuthError):
        open_vault_with_recovery(database, recovery)
    rows = station(folder, "audit", "list", "--action", "password", password=new_password).stdout
    assert "(恢复密钥)" in rows


def test_the_first_run_screen_makes_an_encrypted_station_and_shows_the_recovery_key_once(tmp_path):
    settings = load_settings(write_config(tmp_path))
    app = create_app(settings=settings, open_db=lambda: open_database(settings),
                     unlock_db=lambda username, password: unlock_database(settings, username, password),
                     create_db=lambda *account: create_encrypted_station(settings, *account))
    database = tmp_path / "data" / "station.db"

    async def scenario(pilot):
        await settle(pilot)
        assert screen_name(pilot) == "FirstRunScreen" and not database.exists()  # nothing made yet
        assert pilot.app.screen.query_one("#encrypt").value  # encrypted unless unticked
        for field, text in (("#username", "admin"), ("#display_name", "王管理"), ("#password", PASSWORD),
                            ("#password_again", PASSWORD)):
            pilot.app.screen.query_one(field).value = text
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = text_of(pilot)
        assert "恢复密钥:只显示这一次" in shown
        recovery = next(word for word in shown.split() if word.count("-") == 7)
        assert open_vault_with_recovery(database, recovery).data_key
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"
        await log_in(pilot)
        assert pilot.app.login is not None and pilot.app.login.user.username == "admin"

    drive(app, scenario)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(database).execute("select 1 from users").fetchone()
    raw = b"".join(path.read_bytes() for path in (tmp_path / "data").iterdir() if path.is_file())
    assert "王管理".encode() not in raw
