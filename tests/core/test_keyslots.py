"""Key slots: the data key opens with a user's password or the recovery key, and with nothing else."""

from __future__ import annotations

import json
import os
import stat

import pytest

from station import keyslots
from station.errors import AuthError, ValidationError
from station.keyslots import KeySlots, new_data_key, new_recovery_key, read_slots, write_slots


@pytest.fixture(scope="module")
def station_keys():
    data_key, recovery = new_data_key(), new_recovery_key()
    slots = KeySlots().put(keyslots.user_slot(data_key, "admin", "正确的密码 1a")).put(
        keyslots.user_slot(data_key, "clerk", "clerk-pass-2b")).put(keyslots.recovery_slot(data_key, recovery))
    return data_key, recovery, slots


def test_each_user_opens_the_same_data_key_with_their_password(station_keys):
    data_key, _recovery, slots = station_keys
    assert keyslots.unlock(slots, "admin", "正确的密码 1a") == data_key
    assert keyslots.unlock(slots, "clerk", "clerk-pass-2b") == data_key
    assert len(data_key) == 32 and slots.users == ("admin", "clerk")


@pytest.mark.parametrize("user, password", [("admin", "clerk-pass-2b"), ("nobody", "正确的密码 1a"), ("admin", "")])
def test_a_wrong_password_and_an_unknown_user_are_refused_alike(station_keys, user, password):
    with pytest.raises(AuthError) as refused:
        keyslots.unlock(station_keys[2], user, password)
    assert refused.value.code == "accounts.wrong_credentials"


def test_the_recovery_key_opens_however_it_is_retyped(station_keys):
    data_key, recovery, slots = station_keys
    assert len(recovery) == 47 and recovery.count("-") == 7
    retyped = recovery.lower().replace("-", " ").replace("o", "0").replace("i", "1")
    assert keyslots.unlock_with_recovery(slots, retyped) == data_key
    with pytest.raises(AuthError) as refused:
        keyslots.unlock_with_recovery(slots, new_recovery_key())
    assert refused.value.code == "keys.wrong_recovery_key"
    with pytest.raises(AuthError):
        keyslots.unlock_with_recovery(slots, recovery[:-1])


def test_a_slot_renamed_to_another_user_does_not_open(station_keys, tmp_path):
    """The owner is authenticated with the slot: a clerk cannot relabel the admin's slot as theirs."""
    _data_key, _recovery, slots = station_keys
    path = tmp_path / "station.db.keys"
    write_slots(path, slots)
    data = json.loads(path.read_text())
    clerk = next(entry for entry in data["slots"] if entry["owner"] == "clerk")
    admin = next(entry for entry in data["slots"] if entry["owner"] == "admin")
    data["slots"] = [{**admin, "owner": "clerk"} if entry is clerk else entry for entry in data["slots"]
                     if entry is not admin]
    path.write_text(json.dumps(data))
    with pytest.raises(AuthError):
        keyslots.unlock(read_slots(path), "clerk", "正确的密码 1a")


def test_the_file_holds_no_key_or_password_and_is_the_owners_only(station_keys, tmp_path):
    data_key, recovery, slots = station_keys
    path = tmp_path / "station.db.keys"
    write_slots(path, slots)
    raw = path.read_bytes()
    for secret in (data_key, data_key.hex().encode(), recovery.encode(), "正确的密码".encode(), b"clerk-pass-2b"):
        assert secret not in raw
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_slots(path) == slots
    assert [p.name for p in tmp_path.iterdir()] == ["station.db.keys"]  # no temporary file left


def test_an_edited_wrapped_key_is_refused(station_keys):
    _data_key, _recovery, slots = station_keys
    slot = slots.of_user("admin")
    forged = slots.put(keyslots.Slot(slot.kind, slot.owner, slot.salt, slot.nonce,
                                     bytes([slot.wrapped[0] ^ 1]) + slot.wrapped[1:], slot.kdf))
    with pytest.raises(AuthError):
        keyslots.unlock(forged, "admin", "正确的密码 1a")


@pytest.mark.parametrize("edit", [
    lambda data: data.update(format="other"),
    lambda data: data["slots"][0].update(kdf={"time_cost": 2, "memory_cost": 100_000_000, "parallelism": 1}),
    lambda data: data["slots"][0].update(salt="not base64!"),
    lambda data: data["slots"][0].update(kind="master"),
    lambda data: data.pop("slots"),
])
def test_a_damaged_or_hostile_slots_file_is_refused_by_name(station_keys, tmp_path, edit):
    path = tmp_path / "station.db.keys"
    write_slots(path, station_keys[2])
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError) as refused:
        read_slots(path)
    assert refused.value.code == "keys.file_unreadable" and str(path) in refused.value.render("en")


def test_a_missing_slots_file_says_where_it_was_looked_for(tmp_path):
    with pytest.raises(ValidationError) as refused:
        read_slots(tmp_path / "station.db.keys")
    assert refused.value.code == "keys.file_missing"


def test_a_password_change_replaces_the_users_slot_and_removing_a_user_drops_it(station_keys):
    data_key, _recovery, slots = station_keys
    changed = slots.put(keyslots.user_slot(data_key, "clerk", "new-pass-3c"))
    assert changed.users == ("admin", "clerk")
    assert keyslots.unlock(changed, "clerk", "new-pass-3c") == data_key
    with pytest.raises(AuthError):
        keyslots.unlock(changed, "clerk", "clerk-pass-2b")
    assert changed.without_user("clerk").users == ("admin",)
    assert changed.without_user("clerk").recovery is not None
