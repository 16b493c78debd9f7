"""Consistent online copies of the database (SQLite backup API), written under a temporary name."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from .errors import DatabaseError


def backup_sqlite(engine: Engine, folder: Path, *, label: str = "backup") -> Path:
    """Copy a live SQLite database to folder/station-<label>-<time>.db, fsynced, then renamed."""
    source_path = engine.url.database
    if not source_path:
        raise DatabaseError("内存数据库无法备份")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    final = folder / f"station-{label}-{stamp}.db"
    partial = final.with_name(final.name + ".partial")
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, final)
    return final
