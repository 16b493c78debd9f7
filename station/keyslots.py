"""Key slots: the database's data key, stored only wrapped, once per user and once for recovery.

As disk encryption does (LUKS, BitLocker), a random 256-bit data key encrypts the database and
each slot holds that key encrypted (AES-256-GCM) under a key derived from one secret: a user's
password (argon2id at the login's parameters) or the recovery key shown once when the station
was created (high-entropy already, so HKDF suffices). Nothing in the slots file opens the
database without one of those secrets. Each slot's owner and kind are authenticated with it, so
a slot copied under another user's name does not open.

The slots file lives beside the database (`station.db.keys`) and travels in every backup.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from station.disk import fsync_folder, replace_with_text
from station.errors import AuthError, ValidationError

FORMAT = "station-keyslots"
VERSION = 1
KEY_BYTES = 32
USER, RECOVERY = "user", "recovery"
# The login's own parameters (OWASP: argon2id, 19 MiB, 2 passes, 1 lane): unlocking costs what
# logging in costs, and no less for an attacker holding the file.
ARGON2 = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
# RFC 4648 base32: no 0, 1, 8 or 9, so a recovery key read aloud or retyped has no O/0, I/1 doubt.
_RECOVERY_BYTES = 25  # 200 bits: 40 characters, 8 groups of 5
# What a slots file may ask argon2 for: the login's settings and stronger ones, never absurd ones.
_KDF_RANGES = {"time_cost": range(1, 11), "memory_cost": range(8192, 1_048_577), "parallelism": range(1, 9)}
_MISREAD = str.maketrans({"0": "O", "1": "I", "8": "B"})


@dataclass(frozen=True)
class Slot:
    """The data key wrapped under one secret: a user's password, or the recovery key."""

    kind: str  # USER or RECOVERY
    owner: str  # the user name; "" for the recovery slot
    salt: bytes
    nonce: bytes
    wrapped: bytes
    kdf: dict[str, int]  # the argon2 parameters a user slot was made with (empty for recovery)


@dataclass(frozen=True)
class KeySlots:
    """Every slot of one database."""

    slots: tuple[Slot, ...] = ()

    def of_user(self, username: str) -> Slot | None:
        return next((slot for slot in self.slots if slot.kind == USER and slot.owner == username), None)

    @property
    def recovery(self) -> Slot | None:
        return next((slot for slot in self.slots if slot.kind == RECOVERY), None)

    @property
    def users(self) -> tuple[str, ...]:
        return tuple(slot.owner for slot in self.slots if slot.kind == USER)

    def put(self, slot: Slot) -> KeySlots:
        """These slots with `slot` in place of the one of the same kind and owner."""
        kept = tuple(s for s in self.slots if (s.kind, s.owner) != (slot.kind, slot.owner))
        return replace(self, slots=(*kept, slot))

    def without_user(self, username: str) -> KeySlots:
        return replace(self, slots=tuple(s for s in self.slots if (s.kind, s.owner) != (USER, username)))


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return secrets.token_bytes(KEY_BYTES)


def new_recovery_key() -> str:
    """A random recovery key as 8 groups of 5 letters and digits (ABCDE-FGH23-…)."""
    text = base64.b32encode(secrets.token_bytes(_RECOVERY_BYTES)).decode()
    return "-".join(text[i:i + 5] for i in range(0, len(text), 5))


def user_slot(data_key: bytes, username: str, password: str) -> Slot:
    """The data key wrapped under `username`'s password."""
    salt = secrets.token_bytes(16)
    return _wrapped(data_key, USER, username, salt, _password_key(password, salt, ARGON2), dict(ARGON2))


def recovery_slot(data_key: bytes, recovery_key: str) -> Slot:
    """The data key wrapped under the recovery key."""
    salt = secrets.token_bytes(16)
    return _wrapped(data_key, RECOVERY, "", salt, _recovery_wrapping_key(recovery_key, salt), {})


def unlock(slots: KeySlots, username: str, password: str) -> bytes:
    """The data key, opened with a user's password; AuthError for an unknown user or a wrong
    password alike (the login says one thing for both)."""
    slot = slots.of_user(username)
    if slot is None:
        raise AuthError("accounts.wrong_credentials")
    return _opened(slot, _password_key(password, slot.salt, slot.kdf))


def unlock_with_recovery(slots: KeySlots, recovery_key: str) -> bytes:
    """The data key, opened with the recovery key; AuthError when it is not this station's."""
    slot = slots.recovery
    if slot is None:
        raise AuthError("keys.no_recovery_slot")
    return _opened(slot, _recovery_wrapping_key(recovery_key, slot.salt))


def read_slots(path: Path) -> KeySlots:
    """The slots file; ValidationError naming it when it is missing or not a slots file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError("not a slots file of this version")
        return KeySlots(tuple(_slot(entry) for entry in data["slots"]))
    except FileNotFoundError:
        raise ValidationError("keys.file_missing", path=path, field="keys") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise ValidationError("keys.file_unreadable", path=path, field="keys") from None


def write_slots(path: Path, slots: KeySlots) -> None:
    """Write the slots file whole or not at all (owner-only, fsynced, renamed into place)."""
    path = Path(path)
    data = {"format": FORMAT, "version": VERSION, "slots": [_entry(slot) for slot in slots.slots]}
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        replace_with_text(path, json.dumps(data, indent=1), partial)
    finally:
        partial.unlink(missing_ok=True)
    fsync_folder(path.parent)


def _wrapped(data_key: bytes, kind: str, owner: str, salt: bytes, key: bytes, kdf: dict[str, int]) -> Slot:
    if len(data_key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(key).encrypt(nonce, data_key, _bound(kind, owner))
    return Slot(kind, owner, salt, nonce, wrapped, kdf)


def _opened(slot: Slot, key: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(slot.nonce, slot.wrapped, _bound(slot.kind, slot.owner))
    except InvalidTag:
        code = "accounts.wrong_credentials" if slot.kind == USER else "keys.wrong_recovery_key"
        raise AuthError(code) from None


def _bound(kind: str, owner: str) -> bytes:
    """What a slot's encryption authenticates besides the key: its format, kind and owner."""
    return json.dumps([FORMAT, VERSION, kind, owner], ensure_ascii=False).encode()


def _password_key(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(password.encode(), salt, hash_len=KEY_BYTES, type=Type.ID, **kdf)


def _recovery_wrapping_key(recovery_key: str, salt: bytes) -> bytes:
    return HKDF(hashes.SHA256(), KEY_BYTES, salt, b"station recovery slot").derive(_recovery_bytes(recovery_key))


def _recovery_bytes(recovery_key: str) -> bytes:
    """The key's bytes, however it was typed: any case, spaces or dashes, 0/1/8 for O/I/B."""
    text = "".join(ch for ch in recovery_key.upper() if ch.isalnum()).translate(_MISREAD)
    try:
        raw = base64.b32decode(text)
    except ValueError:
        raise AuthError("keys.wrong_recovery_key") from None
    if len(raw) != _RECOVERY_BYTES:
        raise AuthError("keys.wrong_recovery_key")
    return raw


def _entry(slot: Slot) -> dict[str, Any]:
    encode = base64.b64encode
    return {"kind": slot.kind, "owner": slot.owner, "kdf": slot.kdf, "salt": encode(slot.salt).decode(),
            "nonce": encode(slot.nonce).decode(), "wrapped": encode(slot.wrapped).decode()}


def _slot(entry: dict[str, Any]) -> Slot:
    def decode(text: str) -> bytes:
        return base64.b64decode(text, validate=True)

    kind = entry["kind"]
    if kind not in (USER, RECOVERY):
        raise ValueError(f"unknown slot kind {kind!r}")
    kdf = {name: int(entry["kdf"][name]) for name in ARGON2} if kind == USER else {}
    if any(value not in _KDF_RANGES[name] for name, value in kdf.items()):
        raise ValueError("argon2 parameters out of range")  # a file asking for 100 GiB is refused
    return Slot(kind, str(entry["owner"]), decode(entry["salt"]), decode(entry["nonce"]),
                decode(entry["wrapped"]), kdf)
