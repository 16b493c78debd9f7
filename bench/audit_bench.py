"""Audit chain benchmark: `station audit verify` over a log of one million rows.

The log is written once straight into a fresh SQLite database (rows chained exactly as
`audit.record` chains them, values as the engine stores them) and kept in bench/out/; the
timing is the service `verify_chain` reading it end to end.

Target: verify 1M rows ≤ 10 s.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from models import AuditEntry
from station.audit_chain import GENESIS, row_hash, stored, values_digest, verify_chain
from station.db import make_engine
from station.migrate import head_revision, upgrade

FULL_ROWS, QUICK_ROWS = 1_000_000, 20_000
TARGET_S = 10.0
_CHUNK = 50_000
Figure = tuple[str, float | str, str]


def run(out: Path, quick: bool) -> list[Figure]:
    rows = QUICK_ROWS if quick else FULL_ROWS
    path = _cached_log(out, rows)
    engine = make_engine(f"sqlite:///{path}")
    try:
        started = time.perf_counter()
        with engine.connect() as connection:
            result = verify_chain(connection)
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    if not result.ok or result.rows != rows:
        raise RuntimeError(f"the benchmark log does not verify: {result}")
    label = "1m" if rows == FULL_ROWS else f"{rows // 1000}k"
    return [
        ("audit_rows", rows, "rows"),
        (f"audit_verify_{label}_rows", round(seconds, 2), "s"),
        ("target_audit_verify_1m_le_10s", "skipped" if quick else ("ok" if seconds <= TARGET_S else "FAIL"), ""),
    ]


def _cached_log(out: Path, rows: int) -> Path:
    path = out / f"audit-{rows}-rev{head_revision()}.db"
    if not path.exists():
        building = path.with_suffix(".building.db")
        building.unlink(missing_ok=True)
        _write_log(building, rows)
        building.rename(path)
    return path


def _write_log(path: Path, rows: int) -> None:
    """`rows` chained entries, as a busy counter writes them: opens, edits, prints."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    previous, start = GENESIS, datetime(2026, 1, 1, 8, 0)
    try:
        for first in range(0, rows, _CHUNK):
            batch = []
            for n in range(first, min(first + _CHUNK, rows)):
                entry = _entry(n, start + timedelta(seconds=7 * n), previous)
                previous = entry["row_hash"]
                batch.append(entry)
            with engine.begin() as connection:
                connection.execute(insert(AuditEntry), batch)
    finally:
        engine.dispose()


def _entry(n: int, at: datetime, previous: str) -> dict:
    old, new = ({"phone": "139****5678"}, {"phone": "138****1234"}) if n % 3 == 0 else (None, {"household": n})
    action, detail = ("update", "修改电话") if n % 3 == 0 else ("print", f"打印住户 H{n:06d}")
    digest = values_digest(stored(old), stored(new), detail)
    return dict(at=at, user_id=None, username="clerk", community_id=None, action=action, entity="household",
                entity_id=n, old_values=old, new_values=new, detail=detail, prev_hash=previous,
                values_digest=digest,
                row_hash=row_hash(previous, at, None, "clerk", None, action, "household", n, digest))
