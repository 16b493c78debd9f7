"""`station rekey`: an encrypted station moves to a new data key; every active account still logs
in with its password, the recovery key still opens it, and the key (or slots file) of someone
who left opens nothing written afterwards."""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from cli_station import ADMIN, ADMIN_PASSWORD, admin_actor, station, write_config
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from station.backup.files import opens_with as backup_opens_with
from station.backup.rekey import rekey_database
from station.bootstrap import create_encrypted_station, unlock_database
from station.config import load_settings
from station.errors import AuthError, DatabaseError
from station.keyslots import (
    ARGON2,
    FORMAT,
    RECOVERY,
    USER,
    KeySlots,
    Slot,
    _password_key,
    _recovery_wrapping_key,
    new_data_key,
    new_recovery_key,
    read_slots,
    recovery_slot,
    unlock,
    unlock_with_recovery,
    user_slot,
    write_slots,
)
from station.sqlite_files import connect_file
from station.vault import (
    open_vault,
    open_vault_with_recovery,
    opens_with,
    pending_slots_path,
    slots_path_for,
)

CLERK, CLERK_PASSWORD = "clerk.li", "Clerk-Pass-2024"
LEAVER, LEAVER_PASSWORD = "leaver.wu", "Leaver-Pass-2024"


@pytest.fixture(scope="module")
def rekeyed(tmp_path_factory) -> dict:
    """An encrypted station with a demo community and three accounts, one of whom left (disabled)
    and kept a copy of the slots file; then `station rekey`."""
    folder = tmp_path_factory.mktemp("rekey")
    write_config(folder)
    made = station(folder, "init", "--admin", ADMIN, "--name", "管理员", "--encrypt", "--password-stdin",
                   stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n", as_user=None)
    assert made.returncode == 0, made.stderr
    recovery = made.stdout.split("恢复密钥:")[1].split()[0]
    for args in (("demo", "-n", "20"),
                 ("user", "add", CLERK, "--name", "李窗口", "--role", "clerk", "--password-stdin"),
                 ("user", "add", LEAVER, "--name", "吴离职", "--role", "staff", "--password-stdin")):
        stdin = f"{CLERK_PASSWORD}\n{CLERK_PASSWORD}\n" if CLERK in args else f"{LEAVER_PASSWORD}\n{LEAVER_PASSWORD}\n"
        result = station(folder, *args, stdin=stdin)
        assert result.returncode == 0, result.stdout + result.stderr
    database = folder / "data" / "station.db"
    kept = folder.parent / f"{folder.name}-kept.keys"
    shutil.copy(slots_path_for(database), kept)  # what the leaver walks away with
    old_key = open_vault(database, LEAVER, LEAVER_PASSWORD).data_key
    counts_before = _counts(database, old_key)
    assert station(folder, "user", "disable", LEAVER).returncode == 0
    result = station(folder, "rekey", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    return {"folder": folder, "database": database, "kept": kept, "old_key": old_key, "output": result.stdout,
            "counts_before": counts_before, "recovery": recovery}


def _counts(database: Path, data_key: bytes) -> dict[str, int]:
    connection = connect_file(database, data_key)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('audit_log', 'sqlite_sequence')")]
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
    finally:
        connection.close()


def test_every_active_account_still_logs_in_and_sees_the_same_data(rekeyed):
    new_key = open_vault(rekeyed["database"], CLERK, CLERK_PASSWORD).data_key
    assert new_key != rekeyed["old_key"]
    assert open_vault(rekeyed["database"], ADMIN, ADMIN_PASSWORD).data_key == new_key
    assert _counts(rekeyed["database"], new_key) == rekeyed["counts_before"]
    listed = station(rekeyed["folder"], "user", "list", as_user=CLERK, password=CLERK_PASSWORD)
    assert listed.returncode == 0 and "李窗口" in listed.stdout, listed.stdout + listed.stderr
    checked = station(rekeyed["folder"], "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_recovery_key_opens_the_new_key(rekeyed):
    vault = open_vault_with_recovery(rekeyed["database"], rekeyed["recovery"])
    assert opens_with(rekeyed["database"], vault.data_key)


def test_the_leavers_old_key_and_kept_slots_open_nothing_new(rekeyed):
    database = rekeyed["database"]
    assert not opens_with(database, rekeyed["old_key"])
    with pytest.raises(AuthError):
        open_vault(database, LEAVER, LEAVER_PASSWORD)  # their slot is gone from the live file
    assert unlock(read_slots(rekeyed["kept"]), LEAVER, LEAVER_PASSWORD) == rekeyed["old_key"]
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(database).execute("SELECT count(*) FROM persons").fetchone()


def test_the_rekey_is_audited_and_backed_up_under_the_new_key(rekeyed):
    output = rekeyed["output"]
    assert ADMIN in output and CLERK in output and LEAVER not in output.split("已在新密钥下备份")[0]
    backups = sorted((rekeyed["database"].parent / "backups").glob("station-*-rekey.pack"))
    assert len(backups) == 1
    new_key = open_vault(rekeyed["database"], ADMIN, ADMIN_PASSWORD).data_key
    assert backup_opens_with(backups[0], new_key) and not backup_opens_with(backups[0], rekeyed["old_key"])
    listed = station(rekeyed["folder"], "audit", "list", "--action", "rekey")
    assert listed.returncode == 0 and "更换数据密钥" in listed.stdout, listed.stdout + listed.stderr


def test_a_backup_from_before_the_rekey_still_restores_with_its_own_slots(rekeyed, tmp_path):
    older = sorted(path for path in (rekeyed["database"].parent / "backups").glob("station-*.pack") if "rekey" not in path.name)
    assert older, "init or demo made no backup"
    target = tmp_path / "new-pc"
    target.mkdir()
    write_config(target)
    restored = station(target, "restore", str(older[-1]), "--yes", as_user=ADMIN, password=ADMIN_PASSWORD)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert open_vault(target / "data" / "station.db", ADMIN, ADMIN_PASSWORD).data_key == rekeyed["old_key"]


def test_a_clerk_may_not_rekey_and_nothing_changes(rekeyed):
    before = rekeyed["database"].read_bytes()
    refused = station(rekeyed["folder"], "rekey", "--yes", as_user=CLERK, password=CLERK_PASSWORD)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert rekeyed["database"].read_bytes() == before


def test_rekey_is_refused_while_another_program_has_the_database_open(tmp_path):
    settings, database = _encrypted_station(tmp_path)
    db = unlock_database(settings, ADMIN, ADMIN_PASSWORD, daily_backup=False)
    other = connect_file(database, db.vault.data_key)
    other.execute("SELECT count(*) FROM users").fetchone()
    before = database.read_bytes()
    try:
        with pytest.raises(DatabaseError) as refused:
            rekey_database(db, admin_actor(db), None)
        assert refused.value.code == "keys.busy"
    finally:
        other.close()
    assert database.read_bytes() == before
    assert not list(tmp_path.rglob("*.partial")) and not pending_slots_path(slots_path_for(database)).exists()
    assert open_vault(database, ADMIN, ADMIN_PASSWORD).data_key == db.vault.data_key


@pytest.mark.parametrize("database_moved", [True, False])
def test_a_rekey_killed_between_its_renames_is_settled_at_the_next_unlock(tmp_path, database_moved):
    """Killed after the new slots were written: if the database had been renamed too, the new
    slots are kept; if not, they are dropped. Either way the password opens the database."""
    settings, database = _encrypted_station(tmp_path)
    slots_path = slots_path_for(database)
    old_key = open_vault(database, ADMIN, ADMIN_PASSWORD).data_key
    new_key = new_data_key()
    write_slots(pending_slots_path(slots_path), read_slots(slots_path).granted(new_key, old_key))
    if database_moved:
        copy = database.with_name("copy.db")
        source, target = connect_file(database, old_key), connect_file(copy, new_key)
        source.backup(target)
        source.close()
        target.close()
        copy.replace(database)
    vault = open_vault(database, ADMIN, ADMIN_PASSWORD)
    assert vault.data_key == (new_key if database_moved else old_key)
    assert opens_with(database, vault.data_key)
    assert not pending_slots_path(slots_path).exists()


def test_a_version_1_slot_moves_to_version_2_when_opened_and_then_follows_a_rekey(tmp_path):
    data_key = new_data_key()
    path = tmp_path / "station.db.keys"
    write_slots(path, KeySlots().put(_version_1_slot(data_key, CLERK, CLERK_PASSWORD))
                .put(user_slot(data_key, ADMIN, ADMIN_PASSWORD)))
    assert read_slots(path).legacy_users == (CLERK,)
    regranted = read_slots(path).granted(new_data_key(), data_key)
    assert regranted.users == (ADMIN,)  # a version 1 slot cannot follow without its password
    assert open_vault(tmp_path / "station.db", CLERK, CLERK_PASSWORD).data_key == data_key
    assert read_slots(path).legacy_users == ()
    later = new_data_key()
    assert unlock(read_slots(path).granted(later, data_key), CLERK, CLERK_PASSWORD) == later


def test_granting_a_new_key_keeps_every_slot_and_its_secret(tmp_path):
    old, new, recovery = new_data_key(), new_data_key(), new_recovery_key()
    slots = KeySlots().put(user_slot(old, ADMIN, ADMIN_PASSWORD)).put(recovery_slot(old, recovery))
    moved = slots.granted(new, old)
    assert unlock(moved, ADMIN, ADMIN_PASSWORD) == new and unlock_with_recovery(moved, recovery) == new
    assert moved.of_user(ADMIN).wrapped == slots.of_user(ADMIN).wrapped  # the password's part is untouched


def _version_1_slot(data_key: bytes, username: str, password: str):
    """A slot as version 1 wrote it: the data key itself under the password-derived key."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    bound = json.dumps([FORMAT, 1, USER, username], ensure_ascii=False).encode()
    wrapped = AESGCM(_password_key(password, salt, ARGON2)).encrypt(nonce, data_key, bound)
    return Slot(USER, username, salt, nonce, wrapped, dict(ARGON2))


def _encrypted_station(folder: Path):
    write_config(folder)
    settings = load_settings(folder / "station.toml")
    db, _admin_record, _recovery = create_encrypted_station(settings, ADMIN, "管理员", ADMIN_PASSWORD)
    db.dispose()
    return settings, folder / "data" / "station.db"


def test_a_backup_from_before_the_rekey_is_refused_on_the_station_itself_and_says_why(rekeyed):
    older = sorted(path for path in (rekeyed["database"].parent / "backups").glob("station-*.pack")
                   if "rekey" not in path.name)
    before = rekeyed["database"].read_bytes()
    refused = station(rekeyed["folder"], "restore", str(older[-1]), "--yes")
    assert refused.returncode != 0 and "更换数据密钥" in refused.stderr and "Traceback" not in refused.stderr
    assert rekeyed["database"].read_bytes() == before


def test_a_public_key_swapped_into_the_slots_file_is_not_granted_the_new_key():
    """Someone who can write the slots file but has no key puts their own public key in the
    clerk's slot, hoping the next rekey seals the new key to it: the rekey leaves it out."""
    old, new = new_data_key(), new_data_key()
    slots = KeySlots().put(user_slot(old, ADMIN, ADMIN_PASSWORD)).put(user_slot(old, CLERK, CLERK_PASSWORD))
    intruder = user_slot(new_data_key(), CLERK, "Intruder-Pass-99")  # their key pair, their tag
    forged = slots.put(replace(slots.of_user(CLERK), public=intruder.public, tag=intruder.tag))
    moved = forged.granted(new, old)
    assert moved.users == (ADMIN,)
    assert unlock(moved, ADMIN, ADMIN_PASSWORD) == new


def test_a_version_1_recovery_slot_is_replaced_by_a_new_recovery_key(tmp_path):
    """A station made before key pairs keeps a version 1 recovery slot until the recovery key is
    used; a rekey cannot move it, so it makes a new one rather than leave the station without."""
    settings, database = _encrypted_station(tmp_path)
    slots_path = slots_path_for(database)
    old_recovery = new_recovery_key()
    data_key = open_vault(database, ADMIN, ADMIN_PASSWORD).data_key
    write_slots(slots_path, read_slots(slots_path).put(_version_1_recovery(data_key, old_recovery)))
    db = unlock_database(settings, ADMIN, ADMIN_PASSWORD, daily_backup=False)
    result = rekey_database(db, admin_actor(db), None)
    assert result.recovery_key is not None and result.recovery_key != old_recovery
    assert opens_with(database, open_vault_with_recovery(database, result.recovery_key).data_key)
    with pytest.raises(AuthError):
        open_vault_with_recovery(database, old_recovery)


def _version_1_recovery(data_key: bytes, recovery_key: str) -> Slot:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    bound = json.dumps([FORMAT, 1, RECOVERY, ""], ensure_ascii=False).encode()
    wrapped = AESGCM(_recovery_wrapping_key(recovery_key, salt)).encrypt(nonce, data_key, bound)
    return Slot(RECOVERY, "", salt, nonce, wrapped, {})
