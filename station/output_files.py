"""Files written for people (exports, printouts, error workbooks): never over what must not be touched.

Every output goes through `output_file`: the target is checked first (not the database or its
-wal/-shm/-journal, not inside the backups folder, not the config file, not a directory, device,
FIFO or symbolic link, its folder must exist, an existing file only with `force`), then the file
is written under a temporary owner-only name in the same folder, fsynced and renamed, so a
half-written file never carries the name asked for and a failed write leaves nothing behind.
Names the app picks itself (the reports folder, errors beside a source) come from `free_name`,
which never reuses an existing file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from station.disk import fsync_file, fsync_folder, make_private, private_folder
from station.errors import ValidationError
from station.settings import Settings

_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def database_files(settings: Settings) -> list[Path]:
    """The SQLite database file with its -wal, -shm and -journal companions (none for PostgreSQL)."""
    url = make_url(settings.database.url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return []
    database = settings.resolve(url.database)
    return [database.with_name(database.name + suffix) for suffix in _SQLITE_COMPANIONS]


def protected_files(settings: Settings) -> list[Path]:
    """Files no output may replace: the database files and the config file."""
    found = database_files(settings)
    if settings.source not in ("(defaults)", ""):
        found.append(Path(settings.source))
    return found


def check_output(path: Path, settings: Settings, *, force: bool = False) -> Path:
    """The absolute target, or ValidationError saying why nothing may be written there."""
    path = Path(path).expanduser()
    target = Path(os.path.abspath(path))
    _refuse_special(target)
    _refuse_protected(target, settings)
    if not target.parent.is_dir():
        raise ValidationError("output.folder_missing", folder=target.parent, field="output")
    if target.exists() and not force:
        raise ValidationError("output.exists", target=target, field="output")
    return target


@contextlib.contextmanager
def output_file(path: Path, settings: Settings, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is fsynced and renamed to the checked target."""
    target = check_output(path, settings, force=force)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(temporary)
    make_private(partial)  # mkstemp makes it 0600 on POSIX already; say so where it is not
    try:
        yield partial
        fsync_file(partial)
        # Checked again: the target may have appeared (or been swapped) while writing.
        check_output(target, settings, force=force)
        os.replace(partial, target)
        fsync_folder(target.parent)
    finally:
        partial.unlink(missing_ok=True)


def write_output(path: Path, settings: Settings, write: Callable[[Path], object], *,
                 force: bool = False) -> Path:
    """Check `path`, let `write` fill a temporary file, then rename it there; returns the target."""
    target = check_output(path, settings, force=force)
    with output_file(target, settings, force=force) as partial:
        write(partial)
    return target


def default_output(settings: Settings, folder: Path, name: str) -> Path:
    """A free name in a folder the app picks (created owner-only), for files nobody named."""
    return free_name(private_folder(folder), _safe_name(name))


def free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `stem-2.suffix`, `stem-3.suffix` … whichever does not exist yet."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def _safe_name(name: str) -> str:
    """A file name without path separators or characters Windows refuses."""
    return "".join("_" if char in '\\/:*?"<>|' else char for char in name)


def _refuse_special(target: Path) -> None:
    if target.is_symlink():
        raise ValidationError("output.symlink", target=target, field="output")
    if not target.exists():
        return
    mode = target.stat().st_mode
    if stat.S_ISDIR(mode):
        raise ValidationError("output.is_folder", target=target, example=target / '导出.xlsx', field="output")
    if not stat.S_ISREG(mode):
        raise ValidationError("output.not_regular", target=target, field="output")


def _refuse_protected(target: Path, settings: Settings) -> None:
    real = _real(target)
    for protected in protected_files(settings):
        if real == _real(protected) or _same_file(target, protected):
            raise ValidationError("output.protected", target=target, field="output")
    backups = _real(settings.resolve(settings.backup.folder))
    if real == backups or backups in real.parents:
        raise ValidationError("output.in_backups", target=target, backups=backups, field="output")


def _real(path: Path) -> Path:
    """Absolute, symbolic links resolved, case folded where the file system ignores case."""
    return Path(os.path.normcase(os.path.realpath(path)))


def _same_file(one: Path, other: Path) -> bool:
    """Hard links and other aliases of the same file."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False
