"""Durable, owner-only files on disk: fsync of files and folders, private folders and files.

Residents' data leaves the database only into files and folders that the station's own OS user
can read (0600/0700 on POSIX); on Windows, the profile folders' ACLs do that job and modes are
ignored.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: one station process at a time is the rule there
    fcntl = None  # type: ignore[assignment]

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def fsync_file(path: Path) -> None:
    """Flush a written file to the disk."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    """Make renames inside a folder durable (a no-op where folders cannot be opened, e.g. Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def private_folder(folder: Path) -> Path:
    """Create a folder (and missing parents) owner-only; an existing one keeps its mode."""
    if not folder.is_dir():
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):  # mkdir's mode is filtered by the umask
            folder.chmod(FOLDER_MODE)
    return folder


def private_file(path: Path) -> Path:
    """Create an empty owner-only file unless one exists, so whatever writes it next keeps the mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    return path


def replace_with_text(path: Path, text: str, partial: Path) -> None:
    """Put `text` at `path` whole or not at all: written under `partial` (owner-only from its
    creation), fsynced, then renamed over `path`."""
    with open(private_file(partial), "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def make_private(path: Path) -> None:
    """Owner-only access to a file the app created."""
    with contextlib.suppress(OSError):
        path.chmod(FILE_MODE)


def is_private(path: Path) -> bool:
    """True when neither group nor others may read or enter (always true where modes mean nothing)."""
    if os.name != "posix":
        return True
    return path.stat().st_mode & 0o077 == 0


@contextlib.contextmanager
def file_lock(path: Path | None, *, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (created owner-only); yields False when `wait` is off and
    another process holds it. Freed if the process dies; a no-op (always True) without fcntl."""
    if fcntl is None or path is None:
        yield True
        return
    with open(private_file(path), "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
