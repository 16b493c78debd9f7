"""The manifest written beside every backup: what it holds and the checksum that proves it intact."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from station.disk import replace_with_text
from station.errors import DatabaseError

FORMAT = "station-backup"
FORMAT_VERSION = 1
MANIFEST_SUFFIX = ".manifest.json"
SLOTS_SUFFIX = ".keys"
PARTIAL_SUFFIX = ".partial"
# A pack (pack_format) is an encrypted SQLite station's backup and every PostgreSQL backup (older
# PostgreSQL backups are plain pg_dump archives, `.dump`, and still restore).
PACK_SUFFIX = ".pack"
BACKUP_SUFFIXES = {"sqlite": ".db", "postgresql": PACK_SUFFIX}


@dataclass(frozen=True)
class BackupManifest:
    """One backup: its file (beside the manifest), backend, schema revision, checksum and row counts."""

    file: str
    backend: str
    schema_revision: str
    sha256: str
    size: int
    created_at: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    seal: str = ""  # HMAC under the station's seal key (station.backup.seal); "" when unsealed
    # The audit log's length and head in the backup (audit_chain): an anchor kept off the live
    # database. Absent (0, "") in manifests written before the chain.
    audit_rows: int = 0
    audit_head: str = ""

    def total_rows(self) -> int:
        return sum(self.counts.values())


def manifest_path(backup: Path) -> Path:
    """Where the manifest of a backup file lives."""
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def slots_copy_path(backup: Path) -> Path:
    """Where an encrypted station's backup keeps its key slots: `<backup>.keys` beside it."""
    return backup.with_name(backup.name + SLOTS_SUFFIX)


def backup_path_for(manifest: Path) -> Path:
    """The backup file a manifest describes."""
    return manifest.with_name(manifest.name.removesuffix(MANIFEST_SUFFIX))


def write_manifest(manifest: BackupManifest, path: Path) -> None:
    """Write a manifest durably: to a partial name, fsynced, then renamed into place."""
    text = json.dumps(asdict(manifest), ensure_ascii=False, indent=2, sort_keys=True)
    replace_with_text(path, text + "\n", path.with_name(path.name + PARTIAL_SUFFIX))


def read_manifest(backup: Path) -> BackupManifest:
    """The manifest beside a backup file; a missing or malformed one is refused in Chinese."""
    path = manifest_path(backup)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatabaseError("backup.manifest_missing", name=backup.name, manifest=path.name) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatabaseError("backup.manifest_unreadable", name=path.name, error=error) from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise DatabaseError("backup.not_a_manifest", name=path.name)
    if raw.get("format_version") != FORMAT_VERSION:
        raise DatabaseError("backup.manifest_version", version=raw.get('format_version'))
    try:
        manifest = BackupManifest(**raw)
    except TypeError as error:
        raise DatabaseError("backup.manifest_incomplete", name=path.name, error=error) from error
    _check_types(manifest, path.name)
    return manifest


def _check_types(manifest: BackupManifest, name: str) -> None:
    """Every field of the type the app wrote (a hand-edited manifest may hold anything)."""
    texts = ("file", "backend", "schema_revision", "sha256", "created_at", "label", "seal", "audit_head")
    wrong = [field for field in texts if not isinstance(getattr(manifest, field), str)]
    wrong += [field for field in ("size", "audit_rows") if not _count(getattr(manifest, field))]
    counts = manifest.counts
    if not isinstance(counts, dict) or not all(
            isinstance(key, str) and isinstance(value, int) and not isinstance(value, bool) and value >= 0
            for key, value in counts.items()):
        wrong.append("counts")
    if wrong:
        raise DatabaseError("backup.manifest_types", name=name, wrong='、'.join(wrong))


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks (hashlib releases the GIL for them)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
