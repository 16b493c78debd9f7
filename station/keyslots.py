"""Key slots: the database's data key, stored only wrapped, once per user and once for recovery.

As disk encryption does (LUKS, BitLocker), a random 256-bit data key encrypts the database and
only slots hold it, each opened by one secret: a user's password (argon2id at the login's
parameters) or the recovery key shown once when the station was created (high-entropy already,
so HKDF suffices). Nothing in the slots file opens the database without one of those secrets.
Each slot's owner and kind are authenticated with it, so a slot copied under another user's
name does not open.

Each slot owns an X25519 key pair, and the data key is granted to its public key (ECIES:
an ephemeral X25519 exchange, HKDF-SHA256, AES-256-GCM); a user's private key is kept wrapped
under their password, the recovery slot's is derived from the recovery key. So `station rekey`
can grant a new data key to every slot without anybody's password, and a slot taken away (a
user who left) opens nothing made after the rekey. A slot's public key carries a tag under the
data key, checked before a rekey grants to it: a public key swapped into the file by someone
without the data key is not given the new one. Version 1 files wrapped the data key under
the secret directly; they are still read, and a slot is moved to version 2 when it is opened.

The slots file lives beside the database (`station.db.keys`) and travels in every backup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from station.disk import fsync_folder, replace_with_text
from station.errors import AuthError, ValidationError

FORMAT = "station-keyslots"
VERSION = 2
_READABLE = (1, 2)
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
class Grant:
    """The data key sealed to a slot's public key (ECIES)."""

    ephemeral: bytes  # the sender's one-time X25519 public key
    nonce: bytes
    sealed: bytes


@dataclass(frozen=True)
class Slot:
    """One way in: a user's password, or the recovery key.

    Version 2: `wrapped` is the slot's X25519 private key under the user's password (empty for
    the recovery slot, whose private key is derived from the recovery key), and `grant` holds
    the data key for `public`. Version 1 (grant None): `wrapped` is the data key itself."""

    kind: str  # USER or RECOVERY
    owner: str  # the user name; "" for the recovery slot
    salt: bytes
    nonce: bytes
    wrapped: bytes
    kdf: dict[str, int]  # the argon2 parameters a user slot was made with (empty for recovery)
    public: bytes = b""
    grant: Grant | None = None
    tag: bytes = b""  # HMAC of kind, owner and public under the data key (see _tag)

    @property
    def legacy(self) -> bool:
        """A version 1 slot: it cannot be granted a new data key without its secret."""
        return self.grant is None


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

    def granted(self, data_key: bytes, old_key: bytes) -> KeySlots:
        """Every slot given `data_key` in place of `old_key` (rekey). Left out: version 1 slots,
        which only their secret could move, and any whose public key was not tagged under
        `old_key` (it was put in the file by someone without the key)."""
        return replace(self, slots=tuple(
            _retagged(replace(slot, grant=_grant(data_key, slot)), data_key)
            for slot in self.slots if not slot.legacy and hmac.compare_digest(slot.tag, _tag(old_key, slot))))

    @property
    def legacy_users(self) -> tuple[str, ...]:
        """Users whose slot is still version 1 (they have not logged in since the upgrade)."""
        return tuple(slot.owner for slot in self.slots if slot.kind == USER and slot.legacy)


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return secrets.token_bytes(KEY_BYTES)


def new_recovery_key() -> str:
    """A random recovery key as 8 groups of 5 letters and digits (ABCDE-FGH23-…)."""
    text = base64.b32encode(secrets.token_bytes(_RECOVERY_BYTES)).decode()
    return "-".join(text[i:i + 5] for i in range(0, len(text), 5))


def user_slot(data_key: bytes, username: str, password: str) -> Slot:
    """A slot for `username`'s password, granted `data_key`."""
    salt, nonce, private = secrets.token_bytes(16), secrets.token_bytes(12), X25519PrivateKey.generate()
    wrapped = AESGCM(_password_key(password, salt, ARGON2)).encrypt(
        nonce, private.private_bytes_raw(), _bound(USER, username))
    slot = Slot(USER, username, salt, nonce, wrapped, dict(ARGON2), private.public_key().public_bytes_raw())
    return _retagged(replace(slot, grant=_grant(data_key, slot)), data_key)


def recovery_slot(data_key: bytes, recovery_key: str) -> Slot:
    """The recovery slot for `recovery_key`, granted `data_key`."""
    salt = secrets.token_bytes(16)
    public = _recovery_private_key(recovery_key, salt).public_key().public_bytes_raw()
    slot = Slot(RECOVERY, "", salt, b"", b"", {}, public)
    return _retagged(replace(slot, grant=_grant(data_key, slot)), data_key)


def unlock(slots: KeySlots, username: str, password: str) -> bytes:
    """The data key, opened with a user's password; AuthError for an unknown user or a wrong
    password alike (the login says one thing for both)."""
    slot = slots.of_user(username)
    if slot is None:
        # As long as a wrong password takes: the time must not tell which names have a slot.
        _password_key(password, secrets.token_bytes(16), ARGON2)
        raise AuthError("accounts.wrong_credentials")
    key = _password_key(password, slot.salt, slot.kdf)
    if slot.legacy:
        return _opened(slot, key)
    private = X25519PrivateKey.from_private_bytes(_opened(slot, key))
    return _received(slot, private)


def unlock_with_recovery(slots: KeySlots, recovery_key: str) -> bytes:
    """The data key, opened with the recovery key; AuthError when it is not this station's."""
    slot = slots.recovery
    if slot is None:
        raise AuthError("keys.no_recovery_slot")
    if slot.legacy:
        return _opened(slot, _recovery_wrapping_key(recovery_key, slot.salt))
    return _received(slot, _recovery_private_key(recovery_key, slot.salt))


def read_slots(path: Path) -> KeySlots:
    """The slots file; ValidationError naming it when it is missing or not a slots file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("version") not in _READABLE:
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


def _grant(data_key: bytes, slot: Slot) -> Grant:
    """`data_key` sealed to the slot's public key: only its private key opens it."""
    if len(data_key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(slot.public))
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_grant_key(shared, ephemeral_public, slot.public)).encrypt(
        nonce, data_key, _bound(slot.kind, slot.owner))
    return Grant(ephemeral_public, nonce, sealed)


def _tag(data_key: bytes, slot: Slot) -> bytes:
    """Proof that whoever wrote this slot's public key held the data key."""
    key = HKDF(hashes.SHA256(), KEY_BYTES, None, b"station slot tag").derive(data_key)
    return hmac.new(key, _bound(slot.kind, slot.owner) + slot.public, hashlib.sha256).digest()


def _retagged(slot: Slot, data_key: bytes) -> Slot:
    return replace(slot, tag=_tag(data_key, slot))


def _received(slot: Slot, private: X25519PrivateKey) -> bytes:
    """The data key of the slot's grant, opened with its private key."""
    grant = slot.grant
    assert grant is not None
    shared = private.exchange(X25519PublicKey.from_public_bytes(grant.ephemeral))
    try:
        return AESGCM(_grant_key(shared, grant.ephemeral, slot.public)).decrypt(
            grant.nonce, grant.sealed, _bound(slot.kind, slot.owner))
    except InvalidTag:
        code = _refusal(slot)
        raise AuthError(code) from None


def _grant_key(shared: bytes, ephemeral_public: bytes, public: bytes) -> bytes:
    return HKDF(hashes.SHA256(), KEY_BYTES, ephemeral_public + public, b"station data key grant").derive(shared)


def _opened(slot: Slot, key: bytes) -> bytes:
    """What the slot wraps under `key` (its private key; the data key in version 1)."""
    try:
        bound = _bound(slot.kind, slot.owner, 1 if slot.legacy else VERSION)
        return AESGCM(key).decrypt(slot.nonce, slot.wrapped, bound)
    except InvalidTag:
        code = _refusal(slot)
        raise AuthError(code) from None


def _refusal(slot: Slot) -> str:
    return "accounts.wrong_credentials" if slot.kind == USER else "keys.wrong_recovery_key"


def _bound(kind: str, owner: str, version: int = VERSION) -> bytes:
    """What a slot's encryption authenticates besides the key: its format, kind and owner."""
    return json.dumps([FORMAT, version, kind, owner], ensure_ascii=False).encode()


def _password_key(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(password.encode(), salt, hash_len=KEY_BYTES, type=Type.ID, **kdf)


def _recovery_wrapping_key(recovery_key: str, salt: bytes) -> bytes:
    return HKDF(hashes.SHA256(), KEY_BYTES, salt, b"station recovery slot").derive(_recovery_bytes(recovery_key))


def _recovery_private_key(recovery_key: str, salt: bytes) -> X25519PrivateKey:
    raw = HKDF(hashes.SHA256(), KEY_BYTES, salt, b"station recovery key pair").derive(_recovery_bytes(recovery_key))
    return X25519PrivateKey.from_private_bytes(raw)


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
    def encode(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    entry: dict[str, Any] = {"kind": slot.kind, "owner": slot.owner, "kdf": slot.kdf, "salt": encode(slot.salt),
                             "nonce": encode(slot.nonce), "wrapped": encode(slot.wrapped)}
    if slot.grant is not None:
        grant = slot.grant
        entry |= {"public": encode(slot.public), "tag": encode(slot.tag), "grant": {
            "ephemeral": encode(grant.ephemeral), "nonce": encode(grant.nonce), "sealed": encode(grant.sealed)}}
    return entry


def _slot(entry: dict[str, Any]) -> Slot:
    def decode(text: str) -> bytes:
        return base64.b64decode(text, validate=True)

    kind = entry["kind"]
    if kind not in (USER, RECOVERY):
        raise ValueError(f"unknown slot kind {kind!r}")
    kdf = {name: int(entry["kdf"][name]) for name in ARGON2} if kind == USER else {}
    if any(value not in _KDF_RANGES[name] for name, value in kdf.items()):
        raise ValueError("argon2 parameters out of range")  # a file asking for 100 GiB is refused
    slot = Slot(kind, str(entry["owner"]), decode(entry["salt"]), decode(entry["nonce"]),
                decode(entry["wrapped"]), kdf)
    if "grant" not in entry:
        return slot
    grant = entry["grant"]
    public = decode(entry["public"])
    if len(public) != KEY_BYTES:
        raise ValueError("a public key is 32 bytes")
    return replace(slot, public=public, tag=decode(entry.get("tag", "")),
                   grant=Grant(decode(grant["ephemeral"]), decode(grant["nonce"]), decode(grant["sealed"])))
