"""`station encrypt`: a plaintext station (from before encryption) is encrypted in place, its old
plaintext backups are encrypted or deleted, and no resident is left readable in any file."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from cli_station import ADMIN, ADMIN_PASSWORD, admin_actor, initialised, station
from sheet_support import files_holding

from station.backup.encrypt import encrypt_database
from station.bootstrap import open_database
from station.config import load_settings
from station.errors import AuthError, DatabaseError
from station.keyslots import (
    KeySlots,
    new_data_key,
    new_recovery_key,
    recovery_slot,
    user_slot,
    write_slots,
)
from station.sqlite_files import connect_file, is_plaintext_sqlite
from station.vault import (
    is_encrypted,
    open_vault,
    open_vault_with_recovery,
    opens_with,
    pending_slots_path,
    slots_path_for,
)

CLERK, CLERK_PASSWORD = "clerk.li", "Clerk-Pass-2024"
NEW_CLERK_PASSWORD = "Clerk-Pass-2025"


def _plain_station(folder: Path, households: int = 12) -> dict:
    """A plaintext station with a demo community, a clerk and two plaintext backups."""
    initialised(folder)
    for args, stdin in ((("demo", "-n", str(households)), ""),
                        (("user", "add", CLERK, "--name", "李窗口", "--role", "clerk", "--password-stdin"),
                         f"{CLERK_PASSWORD}\n{CLERK_PASSWORD}\n"),
                        (("backup",), "")):
        result = station(folder, *args, stdin=stdin)
        assert result.returncode == 0, result.stdout + result.stderr
    database = folder / "data" / "station.db"
    with closing(sqlite3.connect(database)) as connection:
        residents = connection.execute("SELECT name, id_number FROM persons ORDER BY id LIMIT 3").fetchall()
        counts = connection.execute("SELECT count(*) FROM persons").fetchone()[0]
    return {"folder": folder, "database": database, "residents": residents, "persons": counts}


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory) -> dict:
    made = _plain_station(tmp_path_factory.mktemp("upgrade"))
    stick = tmp_path_factory.mktemp("usb-stick")
    result = station(made["folder"], "encrypt", "--yes", "--sheet", str(stick / "recovery.pdf"))
    assert result.returncode == 0, result.stdout + result.stderr
    recovery = result.stdout.split("恢复密钥:")[1].split()[0]
    return {**made, "output": result.stdout, "sheet": stick / "recovery.pdf", "recovery": recovery}


def _backups(made: dict) -> list[Path]:
    folder = made["database"].parent / "backups"
    return sorted([*folder.glob("station-*.db"), *folder.glob("station-*.pack")])


def test_the_database_is_encrypted_and_opens_with_the_admins_password(encrypted):
    database = encrypted["database"]
    assert is_encrypted(database) and not is_plaintext_sqlite(database)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(database).execute("SELECT count(*) FROM persons").fetchone()
    key = open_vault(database, ADMIN, ADMIN_PASSWORD).data_key
    connection = connect_file(database, key)
    assert connection.execute("SELECT count(*) FROM persons").fetchone()[0] == encrypted["persons"]
    connection.close()
    assert "恢复密钥:" in encrypted["output"]
    assert station(encrypted["folder"], "check").returncode == 0
    doctor = station(encrypted["folder"], "doctor")  # logged in: it looks inside and says so
    assert "数据库文件已加密" in doctor.stdout and "未加密" not in doctor.stdout, doctor.stdout


def test_the_recovery_sheet_went_to_the_stick_and_nowhere_else(encrypted):
    text = subprocess.run(["pdftotext", str(encrypted["sheet"]), "-"], capture_output=True, text=True).stdout
    assert all(group in text for group in encrypted["recovery"].split("-"))
    assert files_holding(encrypted["folder"], encrypted["recovery"]) == []
    assert open_vault_with_recovery(encrypted["database"], encrypted["recovery"]).data_key


def test_no_resident_is_readable_in_any_file_under_the_station(encrypted):
    files = [path for path in encrypted["folder"].rglob("*") if path.is_file()]
    assert any("backups" in path.parts for path in files)
    for path in files:
        raw = path.read_bytes()
        for name, id_number in encrypted["residents"]:
            assert name.encode() not in raw and id_number.encode() not in raw, path
    assert not any(is_plaintext_sqlite(path) for path in files)


def test_old_backups_were_encrypted_and_still_restore(encrypted, tmp_path):
    backups = _backups(encrypted)
    converted = [path for path in backups if path.stem.endswith("-encrypted")]
    old = next(path for path in converted if "-manual-" in path.name)  # `station backup`, converted
    assert [path for path in backups if path not in converted] == [
        path for path in backups if path.stem.endswith("-encryption")]  # and the one made right after
    listed = station(encrypted["folder"], "audit", "list", "--action", "encrypt")
    assert "数据库加密" in listed.stdout, listed.stdout + listed.stderr
    restored = station(encrypted["folder"], "restore", str(old), "--yes")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert not is_plaintext_sqlite(encrypted["database"])


def test_other_accounts_log_in_once_the_admin_set_their_password(encrypted):
    assert CLERK in encrypted["output"]  # named as needing a new password
    refused = station(encrypted["folder"], "user", "list", as_user=CLERK, password=CLERK_PASSWORD)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    reset = station(encrypted["folder"], "user", "passwd", CLERK, "--password-stdin",
                    stdin=f"{NEW_CLERK_PASSWORD}\n{NEW_CLERK_PASSWORD}\n")
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert open_vault(encrypted["database"], CLERK, NEW_CLERK_PASSWORD).data_key


def test_old_backups_kept_then_encrypted_then_deleted_and_a_forged_one_is_never_encrypted(tmp_path):
    made = _plain_station(tmp_path, households=3)
    forged, genuine = _backups(made)
    with closing(sqlite3.connect(forged)) as connection:
        connection.execute("UPDATE persons SET name = '假名' WHERE id = 1")
        connection.commit()
    kept = station(made["folder"], "encrypt", "--yes", "--old-backups", "keep")
    assert kept.returncode == 0 and "保留 2 份" in kept.stdout, kept.stdout + kept.stderr
    assert is_plaintext_sqlite(forged) and is_plaintext_sqlite(genuine)
    encrypted = station(made["folder"], "encrypt", "--old-backups", "encrypt")
    assert encrypted.returncode == 0, encrypted.stdout + encrypted.stderr
    assert "已加密旧备份 1 份" in encrypted.stdout and forged.name in encrypted.stdout
    assert forged.exists() and not genuine.exists()  # the forged one was refused and left as it was
    assert genuine.with_name(f"{genuine.stem}-encrypted.pack").exists()
    deleted = station(made["folder"], "encrypt", "--old-backups", "delete")
    assert deleted.returncode == 0 and "已删除旧备份 1 份" in deleted.stdout, deleted.stdout + deleted.stderr
    assert not any(is_plaintext_sqlite(path) for path in _backups(made))
    assert "恢复密钥:" not in deleted.stdout  # already encrypted: only the old backups were dealt with


def test_a_wrong_password_a_clerk_and_a_busy_database_change_nothing(tmp_path):
    made = _plain_station(tmp_path, households=2)
    database, before = made["database"], made["database"].read_bytes()
    settings = load_settings(made["folder"] / "station.toml")
    clerk = station(made["folder"], "encrypt", "--yes", as_user=CLERK, password=CLERK_PASSWORD)
    assert clerk.returncode != 0 and "Traceback" not in clerk.stderr
    db = open_database(settings, daily_backup=False)
    with pytest.raises(AuthError):
        encrypt_database(db, admin_actor(db), "not-the-password")
    db = open_database(settings, daily_backup=False)
    other = sqlite3.connect(database)
    other.execute("SELECT count(*) FROM persons").fetchone()
    try:
        with pytest.raises(DatabaseError) as busy:
            encrypt_database(db, admin_actor(db), ADMIN_PASSWORD)
        assert busy.value.code == "keys.busy"
    finally:
        other.close()
    assert not slots_path_for(database).exists() and not list(tmp_path.rglob("*.partial"))
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT count(*) FROM persons").fetchone()[0] == made["persons"]
    assert before[:16] == database.read_bytes()[:16]


@pytest.mark.parametrize("database_moved", [True, False])
def test_an_encryption_killed_between_its_renames_is_settled_at_the_next_start(tmp_path, database_moved):
    database = tmp_path / "station.db"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE t (x)")
    data_key = new_data_key()
    slots = KeySlots().put(user_slot(data_key, ADMIN, ADMIN_PASSWORD)).put(recovery_slot(data_key, new_recovery_key()))
    write_slots(pending_slots_path(slots_path_for(database)), slots)
    if database_moved:
        from station.backup.encrypt import export_encrypted

        export_encrypted(database, tmp_path / "copy.db", data_key)
        (tmp_path / "copy.db").replace(database)
    assert is_encrypted(database) is database_moved
    assert not pending_slots_path(slots_path_for(database)).exists()
    if database_moved:
        assert opens_with(database, open_vault(database, ADMIN, ADMIN_PASSWORD).data_key)
