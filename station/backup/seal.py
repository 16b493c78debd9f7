"""The seal on a backup's manifest: proof that this station wrote it and nobody changed it since.

A checksum in the manifest proves nothing against someone who edits the backup and recomputes it.
The manifest is therefore sealed with an HMAC-SHA256 under the station's seal key, a random
256-bit key that never travels in a backup: it sits beside the live SQLite file (0600), or in
the OS user's data folder for a PostgreSQL database. Restore refuses a manifest whose seal does
not match. The key can be shown to an administrator (`station backup-key`) and written on the
station's paper records: with it, a backup restores on a new PC after the old one died.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, replace
from pathlib import Path

from sqlalchemy import Engine

from station import audit
from station.backup.manifest import BackupManifest
from station.db import data_key_of
from station.disk import make_private, private_folder
from station.errors import DatabaseError, ValidationError
from station.permissions import require
from station.uow import UnitOfWork

KEY_NAME = "station-seal.key"
_LATER_FIELDS = {"audit_rows": 0, "audit_head": ""}
_KEY_BYTES = 32


def key_path(engine: Engine) -> Path:
    """Where this database's seal key lives (never inside the backups folder)."""
    if engine.dialect.name == "sqlite":
        from station.backup.sqlite import live_sqlite_path

        return live_sqlite_path(engine).parent / KEY_NAME
    from platformdirs import user_data_dir

    url = engine.url
    name = f"seal-{url.host or 'local'}-{url.port or 5432}-{url.database}.key"
    return Path(user_data_dir("station", appauthor=False)) / name


def seal_key(engine: Engine, *, create: bool = False) -> bytes | None:
    """The station's seal key; made on the first backup when `create`; None when there is none.

    An encrypted station's seal key is derived from its data key: whoever opens a backup's key
    slots (a user's password, the recovery key) can check its seal on any PC, and nobody else
    can make one that passes."""
    data_key = data_key_of(engine)
    if data_key is not None:
        return derived_seal_key(data_key)
    key = stored_seal_key(engine)
    if key is not None or not create:
        return key
    key = secrets.token_bytes(_KEY_BYTES)
    install_key(key_path(engine), key)
    return key


def stored_seal_key(engine: Engine) -> bytes | None:
    """The seal key in this station's key file (a plaintext station's; an encrypted station
    keeps the one it had before, for its old plaintext backups), or None."""
    path = key_path(engine)
    if not path.is_file():
        return None
    return parse_key(path.read_text(encoding="ascii").strip(), field="key")


def derived_seal_key(data_key: bytes) -> bytes:
    """The seal key of an encrypted station (HKDF-SHA256 of its data key, for this use only)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), _KEY_BYTES, b"station", b"station backup seal").derive(data_key)


def install_key(path: Path, key: bytes) -> None:
    """Write a seal key owner-only (a key given at restore becomes this PC's key)."""
    private_folder(path.parent)
    path.write_text(key.hex(), encoding="ascii")
    make_private(path)


def parse_key(text: str, *, field: str = "key") -> bytes:
    """A key as typed or stored: 64 hex digits, spaces and dashes ignored."""
    cleaned = "".join(char for char in text if char not in " -\n\t").lower()
    try:
        key = bytes.fromhex(cleaned)
    except ValueError:
        key = b""
    if len(key) != _KEY_BYTES:
        raise ValidationError("backup.bad_key", field=field)
    return key


def sealed(manifest: BackupManifest, key: bytes) -> BackupManifest:
    """The manifest with its seal."""
    return replace(manifest, seal=_mac(manifest, key))


def check_seal(manifest: BackupManifest, key: bytes | None, name: str) -> None:
    """Refuse a manifest this station did not seal, or that changed after sealing."""
    if not manifest.seal:
        raise DatabaseError("backup.unsealed", name=name)
    if key is None:
        raise DatabaseError("backup.no_key", name=name)
    if not hmac.compare_digest(manifest.seal, _mac(manifest, key)):
        raise DatabaseError("backup.seal_differs", name=name)


def _mac(manifest: BackupManifest, key: bytes) -> str:
    # Fields added after a manifest format was first sealed count only when set, so a backup
    # sealed before them still proves intact (and one that had them cannot drop them).
    fields = {name: value for name, value in asdict(manifest).items()
              if name != "seal" and not (name in _LATER_FIELDS and value == _LATER_FIELDS[name])}
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def shown_key(uow: UnitOfWork) -> str:
    """The seal key in groups of 8 for writing down (made if there is none yet); audited."""
    require(uow.actor, "backup.restore")
    key = seal_key(uow.database.engine, create=True) or b""
    audit.record(uow, "show_backup_key", "database", None, detail="查看备份签名密钥")
    uow.commit()
    text = key.hex()
    return " ".join(text[index:index + 8] for index in range(0, len(text), 8))
