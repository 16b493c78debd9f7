"""恢复密钥单: what the printed recovery sheet holds, where it may be written, and its audit entry.

The sheet is the recovery key on paper: whoever holds it opens the database and every backup.
So it is made in memory and goes to the printer on stdin or to a file the administrator names
(a USB stick), never into the station's own folders, never over a file, and readable only by
the station's OS account. The audit entry says that a sheet was made and where it went, never
the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from station import audit
from station.actor import Actor
from station.disk import fsync_file, fsync_folder
from station.errors import ValidationError
from station.output_files import check_output, database_files
from station.permissions import require
from station.settings import Settings
from station.uow import UnitOfWork

DOCUMENT = "恢复密钥单"


@dataclass(frozen=True)
class RecoverySheet:
    """One recovery sheet: the key and what says which station it opens (no resident's data)."""

    recovery_key: str
    station_name: str
    community_name: str
    database_file: str
    made_at: datetime
    made_by: str
    language: str


def recovery_sheet(uow: UnitOfWork, recovery_key: str) -> RecoverySheet:
    """The sheet for `recovery_key`, made by the acting administrator now."""
    require(uow.actor, "users.manage")
    settings = uow.settings
    files = database_files(settings)
    return RecoverySheet(
        recovery_key=recovery_key, station_name=settings.station.name,
        community_name=settings.station.community, database_file=str(files[0]) if files else "",
        made_at=uow.now(), made_by=uow.actor.username, language=settings.station.language,
    )


def actor_of(user_id: int, username: str, role: str, community_id: int | None) -> Actor:
    """The actor of an administrator who has not logged in yet (the first run's, who made the key)."""
    return Actor(user_id=user_id, username=username, role=role, community_id=community_id)


def record_sheet(uow: UnitOfWork, *, file: Path | None = None, printer: str = "") -> None:
    """Audit one recovery sheet ("print"): to which file and/or printer job; never the key."""
    require(uow.actor, "users.manage")
    where = [f"写入 {file}"] if file is not None else []
    where += [f"已送打印机 {printer}"] if printer else []
    audit.record(uow, "print", "database", None, detail=f"{DOCUMENT}:{';'.join(where)}")
    uow.commit()


def check_sheet_target(path: Path, settings: Settings) -> Path:
    """The absolute file a sheet may be written to, or ValidationError saying why not.

    Never an existing file (no --force: a sheet replaces nothing), never inside the folder of
    the database, its backups or the reports: the key must not lie beside what it opens.
    """
    target = Path(os.path.abspath(Path(path).expanduser()))
    if target.exists() or target.is_symlink():
        raise ValidationError("output.sheet_exists", target=target, field="output")
    target = check_output(target, settings)
    real = _real(target)
    for folder in station_folders(settings):
        if real == _real(folder) or _real(folder) in real.parents:
            raise ValidationError("output.sheet_in_station", target=target, folder=folder, field="output")
    return target


def write_sheet(data: bytes, path: Path, settings: Settings) -> Path:
    """Write the sheet's PDF to a new owner-only file (refused if it exists); returns it."""
    target = check_sheet_target(path, settings)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(target, flags, 0o600)  # O_EXCL: it appeared since the check? refused, not replaced
    except FileExistsError:
        raise ValidationError("output.sheet_exists", target=target, field="output") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        fsync_file(target)
    except BaseException:
        target.unlink(missing_ok=True)  # half a key is no key: nothing stays behind
        raise
    fsync_folder(target.parent)
    return target


def station_folders(settings: Settings) -> list[Path]:
    """The folders a sheet may never go into: the database's, the backups' and the reports'."""
    folders = [files[0].parent for files in (database_files(settings),) if files]
    folders += [settings.resolve(settings.backup.folder), settings.resolve(settings.reports.folder)]
    return folders


def _real(path: Path) -> Path:
    """Absolute, symbolic links resolved, case folded where the file system ignores case."""
    return Path(os.path.normcase(os.path.realpath(path)))
