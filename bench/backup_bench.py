"""Backup, restore and export timings on the benchmark database (200k persons in a full run).

- target_backup_200k_le_5s: `create_backup` (online copy, full integrity and foreign-key check,
  counts, sha256, manifest) of the cached demo database;
- restore_seconds: restoring that backup into a scratch database (verify, copy, swap);
- target_export_100k_le_12s: exporting persons (service + .xlsx writer), scaled to 100,000 rows
  from the whole community's ~200,000.

The export and the restore run on the scratch copy, so the cached database is never written.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench import database as bench_db
from reports.workbooks.export import write_table
from station.actor import SYSTEM
from station.backup.make import create_backup
from station.backup.restore import restore_backup
from station.backup.seal import seal_key
from station.exports.workbook import export_table
from station.uow import UnitOfWork

BACKUP_TARGET_S, EXPORT_TARGET_S = 5.0, 12.0
Figure = tuple[str, float | str, str]
T = TypeVar("T")


def run(out: Path, quick: bool) -> list[Figure]:
    """Figures as (name, value, unit); targets are "skipped" in a quick run."""
    db = bench_db.cached_database(out, (bench_db.QUICK if quick else bench_db.FULL)["households"], bench_db.SEED)
    scratch = out / "backup-bench"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        cpu_started = time.process_time()
        seconds, made = _timed(lambda: create_backup(db.engine, scratch / "backups", label="bench"))
        cpu_seconds = time.process_time() - cpu_started
        key = seal_key(db.engine)  # the restore goes into another folder: as on a new PC, with the key
        db.dispose()
        figures: list[Figure] = [
            ("backup_persons", made.manifest.counts.get("persons", 0), "persons"),
            ("backup_size", round(made.manifest.size / 1e6, 1), "MB"),
            ("backup_seconds", round(seconds, 2), "s"),
            # CPU of all checking threads: above the wall time when the cores were free for them.
            ("backup_cpu_seconds", round(cpu_seconds, 2), "s"),
            ("target_backup_200k_le_5s", _verdict(seconds <= BACKUP_TARGET_S, quick), ""),
        ]
        return figures + _restore_and_export(made.path, key, scratch, quick)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _restore_and_export(backup: Path, key: bytes | None, scratch: Path, quick: bool) -> list[Figure]:
    copy = bench_db.open_bench_database(scratch / "restored.db")
    try:
        restore_seconds, _ = _timed(lambda: restore_backup(copy, SYSTEM, backup, key=key))
        admin = bench_db.admin(bench_db.community_id(copy))
        with UnitOfWork(copy, admin) as uow:
            started = time.perf_counter()
            table = export_table(uow, "persons", unmasked=True, reason="bench")
            rows = write_table(scratch / "persons.xlsx", table)
            export_seconds = time.perf_counter() - started
    finally:
        copy.dispose()
    per_100k = export_seconds * 100_000 / max(rows, 1)
    return [
        ("restore_seconds", round(restore_seconds, 2), "s"),
        ("export_persons_rows", rows, "rows"),
        ("export_persons_seconds", round(export_seconds, 2), "s"),
        ("export_seconds_per_100k_rows", round(per_100k, 2), "s"),
        ("target_export_100k_le_12s", _verdict(per_100k <= EXPORT_TARGET_S, quick), ""),
    ]



def _timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _verdict(met: bool, quick: bool) -> str:
    return "skipped" if quick else ("ok" if met else "FAIL")


if __name__ == "__main__":
    import sys

    for name, value, unit in run(Path(__file__).parent / "out", "--quick" in sys.argv):
        print(f"{name}: {value} {unit}".rstrip(), flush=True)
