"""The backups folder: finished backups in order, names for new ones, pruning and leftovers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from station.backup.manifest import (
    MANIFEST_SUFFIX,
    PARTIAL_SUFFIX,
    SLOTS_SUFFIX,
    BackupManifest,
    backup_path_for,
    manifest_path,
    read_manifest,
    slots_copy_path,
)
from station.backup.pack_format import is_pack
from station.backup.pack_format import opens_with as pack_opens_with
from station.disk import file_lock
from station.errors import StationError
from station.settings import Settings
from station.vault import opens_with as file_opens_with

LOCK_NAME = ".backup.lock"


@dataclass(frozen=True)
class BackupFile:
    """A finished backup: where it is and what its manifest says."""

    path: Path
    manifest: BackupManifest


def backup_folder(settings: Settings) -> Path:
    """The configured backups folder."""
    return settings.resolve(settings.backup.folder)


def opens_with(backup: Path, data_key: bytes) -> bool:
    """True when an encrypted station's backup (a pack, or an older page copy) is under `data_key`."""
    return pack_opens_with(backup, data_key) if is_pack(backup) else file_opens_with(backup, data_key)


def list_backups(folder: Path) -> list[BackupFile]:
    """Finished backups in a folder (those with a readable manifest), oldest first."""
    found = []
    for manifest in folder.glob(f"station-*{MANIFEST_SUFFIX}"):
        path = backup_path_for(manifest)
        with contextlib.suppress(StationError, OSError):
            if path.is_file():
                found.append((read_manifest(path), path.stat().st_mtime_ns, path))
    found.sort(key=lambda item: (item[0].created_at, item[1]))
    return [BackupFile(path, manifest) for manifest, _, path in found]


def made_on(folder: Path, day: date) -> bool:
    """True when the folder holds a finished backup created on `day`."""
    return any(made.manifest.created_at.startswith(day.isoformat()) for made in list_backups(folder))


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest backups beyond `keep`; called only after a new backup succeeded."""
    backups = list_backups(folder)
    removed = [made.path for made in backups[: max(0, len(backups) - keep)]]
    for path in removed:
        remove_backup(path)
    return removed


def remove_backup(path: Path) -> None:
    """Delete a backup with its manifest and key slots copy."""
    # The file before its manifest: a manifest alone is a leftover, a file alone would look damaged.
    path.unlink(missing_ok=True)
    manifest_path(path).unlink(missing_ok=True)
    slots_copy_path(path).unlink(missing_ok=True)


def remove_leftovers(folder: Path) -> None:
    """Remove what an interrupted backup left: partial files and manifests without a backup."""
    for partial in folder.glob(f"station-*{PARTIAL_SUFFIX}"):
        partial.unlink(missing_ok=True)
    for manifest in folder.glob(f"station-*{MANIFEST_SUFFIX}"):
        if not backup_path_for(manifest).exists():
            manifest.unlink(missing_ok=True)
    for slots in folder.glob(f"station-*{SLOTS_SUFFIX}"):
        if not slots.with_name(slots.name.removesuffix(SLOTS_SUFFIX)).exists():
            slots.unlink(missing_ok=True)


def free_name(folder: Path, now: datetime, label: str, suffix: str) -> Path:
    """`station-<time>-<label><suffix>`, numbered when two backups fall in the same second."""
    stem = f"station-{now:%Y%m%d-%H%M%S}-{label}"
    path, number = folder / f"{stem}{suffix}", 1
    while path.exists() or manifest_path(path).exists():
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Serialise backups into one folder (two stations starting at once); freed if killed."""
    with file_lock(folder / LOCK_NAME):
        yield
