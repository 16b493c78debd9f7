"""The benchmark database: generated once by the demo generator, cached, and the actors that use it.

Shared by every bench module; keyed by size, seed, schema revision and the generator's code.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from models import UserGrid, Visit
from station.actor import Actor
from station.db import Database, make_engine
from station.demo import community as demo
from station.migrate import head_revision, upgrade
from station.places.directory import ensure_community
from station.settings import Settings, StationSettings
from station.uow import UnitOfWork

SEED = 20261123
FULL = {"households": 68_000, "timed_households": 50_000, "repeats": 5}
QUICK = {"households": 1_500, "timed_households": 500, "repeats": 2}


def open_bench_database(path: Path) -> Database:
    settings = replace(Settings(), station=StationSettings(community="示范社区", community_code="BENCH"),
                       base_dir=path.parent, source="(bench)")
    return Database(make_engine(f"sqlite:///{path}"), settings)


def fresh_database(path: Path) -> Database:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_bench_database(path)
    upgrade(db.engine)
    return db


def cached_database(out: Path, households: int, seed: int) -> Database:
    """The benchmark database, generated on first use and kept for later runs.

    Keyed by size, seed, schema revision and the generator's code, so a changed generator or
    schema builds afresh (and the stale files are removed: each is a few hundred MB).
    """
    path = out / f"demo-{households}-seed{seed}-rev{head_revision()}-{generator_fingerprint()}.db"
    if path.exists():
        return open_bench_database(path)
    for stale in out.glob(f"demo-{households}-*.db*"):
        stale.unlink()
    building = out / f"{path.name}.building"
    db = fresh_database(building)
    started = time.perf_counter()
    demo.generate(db, households=households, seed=seed)
    figure(f"demo_generate_{households}_households", round(time.perf_counter() - started, 1), "s")
    db.dispose()
    building.rename(path)
    return open_bench_database(path)


def generator_fingerprint() -> str:
    sources = sorted(Path(demo.__file__).parent.glob("*.py"))
    digest = hashlib.sha256(b"".join(source.read_bytes() for source in sources))
    return digest.hexdigest()[:10]


def busy_month(db: Database) -> tuple[int, int]:
    """The last full month of the demo's visits (the month before the latest visit)."""
    with db.session() as session:
        latest = session.scalar(select(func.max(Visit.done_on))) or date.today()
    return (latest.year - 1, 12) if latest.month == 1 else (latest.year, latest.month - 1)


def community_id(db: Database) -> int:
    with UnitOfWork(db, admin(None)) as uow:
        return ensure_community(uow, db.settings).id


def admin(community_id: int | None) -> Actor:
    return Actor(user_id=None, username="bench", role="admin", community_id=community_id)


def grid_worker(db: Database) -> Actor:
    """The first grid's worker, scoped to that grid like a logged-in grid worker."""
    with db.session() as session:
        user_id, grid_id = session.execute(select(UserGrid.user_id, UserGrid.grid_id)
                                           .order_by(UserGrid.grid_id).limit(1)).one()
    return Actor(user_id=user_id, username="bench-grid", role="grid_worker",
                 community_id=community_id(db), grid_ids=frozenset({grid_id}))


def figure(name: str, value: float | int | str, unit: str = "") -> None:
    print(f"{name}: {value} {unit}".rstrip(), flush=True)


def target(name: str, met: bool, skipped: bool = False) -> None:
    figure(name, "skipped" if skipped else ("ok" if met else "FAIL"))
