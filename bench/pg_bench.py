"""`python -m bench.pg_bench` (`make bench-pg`): a street's district on PostgreSQL.

Builds a district of N communities × M households with the demo generator (two communities at a
time, as two stations would) in its own database on the test server (scripts/test-postgres.sh;
or --url), kept for later runs, and prints `name: value unit` figures, each with its goal:

- search p50/p95 of one clerk alone, and p95 with --clerks processes searching non-stop;
- a ledger page at the start, the middle and the end of a community and of the whole street,
  jumped to by OFFSET and read as the counter scrolls (by key next to a page it holds, or
  counted from the end);
- the month's figures of a community and of the street, both monthly reports (PDF + xlsx);
- the dashboard, and how long the first login of the day waits (no dump at login any more);
- an import of the same generated ledger (5k persons; 100k with --full or --import-persons)
  into a fresh PostgreSQL database (COPY) and into a fresh SQLite file, in the same run.

The quick default (2 × 3,000 households) fits a CI run; `--full` is the street of issue 15
(5 × 70,000 households, about 1M persons). The test server runs with fsync off: figures of
reads are a server's, writes are optimistic.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.database import SEED, busy_month, figure, generator_fingerprint, target
from bench.import_bench import FULL_PERSONS, QUICK_PERSONS, cached_ledger, timed_import
from bench.search_bench import percentile, query_set, time_queries
from models import Community, Person, User
from station.accounts.login import login
from station.accounts.users import add_user
from station.actor import SYSTEM, Actor
from station.db import Database, make_engine
from station.demo import community as demo
from station.ledger.pages import (
    LedgerKey,
    ledger_page,
    ledger_page_after,
    ledger_page_before,
    ledger_page_from_end,
    ledger_size,
)
from station.migrate import head_revision, upgrade
from station.places.directory import ensure_community
from station.settings import DatabaseSettings, Settings, StationSettings
from station.uow import UnitOfWork, is_reading

ROOT = Path(__file__).resolve().parent.parent
QUICK = (2, 3_000)
FULL = (5, 70_000)
PASSWORD = "Bench-Clerk-Key-42"
PAGE = 50  # rows of a ledger page (the counter's VirtualTable reads 100 at 100x30)
IMPORT_RATIO = 2.0  # PostgreSQL's import of a ledger against SQLite's, same ledger, same run
GOALS = {"search_8": 20.0, "page": 30.0, "month_community": 1.0, "month_street": 2.0, "report_community": 2.5,
         "first_login": 1.0, "dashboard": 1.0}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    communities, households = FULL if args.full else (args.communities, args.households)
    server = args.url or _test_server()
    url = _district(server, communities, households)
    db = _open(url, 1)
    try:
        _measure(db, url, communities, args)
    finally:
        db.dispose()
    _imports(server, args.import_persons or (FULL_PERSONS if args.full else QUICK_PERSONS))
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=QUICK[0])
    parser.add_argument("--households", type=int, default=QUICK[1], help="per community")
    parser.add_argument("--full", action="store_true", help="5 communities × 70,000 households (~1M persons)")
    parser.add_argument("--url", help="a PostgreSQL server where the role may CREATE DATABASE")
    parser.add_argument("--clerks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the clerks search")
    parser.add_argument("--import-persons", type=int, default=None,
                        help=f"persons in the imported ledger ({QUICK_PERSONS}; {FULL_PERSONS} with --full)")
    return parser.parse_args(argv)


def _test_server() -> str:
    started = subprocess.run(["bash", str(ROOT / "scripts" / "test-postgres.sh")], capture_output=True, text=True,
                             check=True)
    return started.stdout.strip().splitlines()[-1]


# --- the district -----------------------------------------------------------------------------


def _settings(url: str, number: int) -> Settings:
    station = StationSettings(name=f"第{number}社区服务站", community=f"第{number}社区", community_code=f"C{number:02d}",
                              street="示范街道")
    return replace(Settings(), station=station, database=DatabaseSettings(url=url),
                   base_dir=Path(tempfile.gettempdir()) / "station-pg-bench", source="(bench)")


def _open(url: str, number: int) -> Database:
    return Database(make_engine(url), _settings(url, number))


def _district(server: str, communities: int, households: int) -> str:
    """The district's database on the server: built once per size, schema and generator."""
    name = f"bench_{communities}x{households}_r{head_revision()}_{generator_fingerprint()}".lower()
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                _build(admin, server, name, communities, households)
    finally:
        admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _build(admin, server: str, name: str, communities: int, households: int) -> None:
    building = f"{name}_building"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{building}"'))
    url = make_url(server).set(database=building).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    started = time.perf_counter()

    def generate(number: int) -> None:
        db = _open(url, number)
        try:
            demo.generate(db, households=households, seed=SEED + number)
            _clerk_account(db, number)
        finally:
            db.dispose()

    with ThreadPoolExecutor(2) as pool:  # two stations at a time: ids from the sequences
        list(pool.map(generate, range(1, communities + 1)))
    figure(f"pg_district_generate_{communities}x{households}", round(time.perf_counter() - started, 1), "s")
    _settle(url)
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))


def _settle(url: str) -> None:
    """Vacuum the new district as autovacuum leaves a settled one: with visibility maps set, the
    search box's key ranges are index-only scans that read no table pages."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
    finally:
        engine.dispose()


def _clerk(db: Database, number: int) -> Actor:
    """The bench clerk of community number `number`, as logged in (each unit of work then checks
    that the account is still enabled, as the counter's do)."""
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == f"c{number:02d}.bench")).one()
        return Actor(user.id, user.username, user.role, user.community_id)


def _clerk_account(db: Database, number: int) -> None:
    with UnitOfWork(db, SYSTEM) as uow:
        community_id = ensure_community(uow, db.settings).id
        uow.actor = Actor(None, "bench", "admin", community_id)
        add_user(uow, f"c{number:02d}.bench", "计时员", "clerk", PASSWORD)
        uow.commit()


# --- figures ----------------------------------------------------------------------------------


def _measure(db: Database, url: str, communities: int, args: argparse.Namespace) -> None:
    with db.session() as session:
        figure("pg_persons", int(session.scalar(select(func.count(Person.id))) or 0), "persons")
        ids = dict(session.execute(select(Community.code, Community.id)).all())
    clerk = Actor(None, "bench", "admin", ids["C01"])
    street = Actor(None, "bench-street", "street", None)
    _search(db, url, _clerk(db, 1), args)
    _pages(db, clerk, "community")
    _pages(db, street, "street")
    _months(db, clerk, street)
    _first_login(url)


def _timed(work: Callable[[], object], runs: int = 3) -> float:
    """Median seconds of `runs` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _search(db: Database, url: str, clerk: Actor, args: argparse.Namespace) -> None:
    queries = query_set(db, SEED)
    alone = time_queries(db, clerk, queries, 3)
    figure("pg_search_p50_alone", round(percentile(alone, 0.50), 2), "ms")
    figure("pg_search_p95_alone", round(percentile(alone, 0.95), 2), "ms")
    texts = [query.text for query in queries]
    with ProcessPoolExecutor(args.clerks) as pool:
        runs = pool.map(_clerk_searches, [url] * args.clerks, [texts] * args.clerks, [args.seconds] * args.clerks,
                        range(args.clerks))
        times = [ms for run in runs for ms in run]
    p95 = percentile(times, 0.95)
    figure(f"pg_search_p95_{args.clerks}_clerks", round(p95, 2), "ms")
    figure(f"pg_searches_{args.clerks}_clerks", len(times), "searches")
    target(f"target_pg_search_{args.clerks}_clerks_le_20ms", p95 <= GOALS["search_8"])


def _clerk_searches(url: str, texts: list[str], seconds: float, index: int) -> list[float]:
    """One clerk's process: search non-stop for `seconds`, logged in as a clerk of a community, in
    the reading units of work the counter's search box uses."""
    from station.search.lookup import search

    db = _open(url, 1)
    try:
        with db.session() as session:
            communities = len(session.scalars(select(Community.id)).all())
        actor = _clerk(db, index % communities + 1)
        times: list[float] = []
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            started = time.perf_counter()
            typed = texts[len(times) % len(texts)]
            with UnitOfWork(db, actor, reading=is_reading(search, typed)) as uow:
                search(uow, typed)
            times.append((time.perf_counter() - started) * 1000)
        return times
    finally:
        db.dispose()


def _pages(db: Database, actor: Actor, label: str) -> None:
    """A page jumped to by OFFSET at three depths (for comparison), and the pages the counter
    reads as it scrolls: after a key in the middle, before the last one, counted from the end."""
    with UnitOfWork(db, actor) as uow:
        size = ledger_size(uow)
        middle = LedgerKey.of(ledger_page(uow, size // 2, 1)[0])
        last = LedgerKey.of(ledger_page_from_end(uow, 0, 1)[0])
    reads: dict[str, Callable[[UnitOfWork], object]] = {
        "offset_start": lambda uow: ledger_page(uow, 0, PAGE),
        "offset_middle": lambda uow: ledger_page(uow, size // 2, PAGE),
        "offset_end": lambda uow: ledger_page(uow, max(0, size - PAGE), PAGE),
        "keyed_middle": lambda uow: ledger_page_after(uow, middle, PAGE),
        "keyed_before_end": lambda uow: ledger_page_before(uow, last, PAGE),
        "from_end": lambda uow: ledger_page_from_end(uow, 0, PAGE),
    }
    worst = 0.0
    for where, read in reads.items():
        def page(read: Callable[[UnitOfWork], object] = read) -> None:
            with UnitOfWork(db, actor) as uow:
                read(uow)
        ms = _timed(page) * 1000
        if not where.startswith("offset_") or where == "offset_start":
            worst = max(worst, ms)
        figure(f"pg_ledger_page_{label}_{where}", round(ms, 1), "ms")
    target(f"target_pg_ledger_page_{label}_scrolled_le_30ms", worst <= GOALS["page"])


def _months(db: Database, clerk: Actor, street: Actor) -> None:
    from reports.print_jobs import print_monthly, print_street_monthly
    from station.stats.dashboard import dashboard
    from station.stats.figures import month_figures
    from station.stats.street import street_month

    year, month = busy_month(db)
    folder = Path(tempfile.mkdtemp(prefix="station-pg-bench-"))

    def run(actor: Actor, work: Callable) -> Callable[[], object]:
        def once() -> None:
            with UnitOfWork(db, actor) as uow:
                work(uow)
        return once

    timings = {
        "month_community": _timed(run(clerk, lambda uow: month_figures(uow, year, month))),
        "month_street": _timed(run(street, lambda uow: street_month(uow, year, month))),
        "report_community": _timed(run(clerk, lambda uow: print_monthly(
            uow, year, month, pdf=_fresh(folder, "c.pdf"), xlsx=_fresh(folder, "c.xlsx"))), 1),
        "report_street": _timed(run(street, lambda uow: print_street_monthly(
            uow, year, month, pdf=_fresh(folder, "s.pdf"), xlsx=_fresh(folder, "s.xlsx"))), 1),
        "dashboard": _timed(run(clerk, dashboard)),
    }
    for name, seconds in timings.items():
        figure(f"pg_{name}", round(seconds, 2), "s")
        if name in GOALS:
            target(f"target_pg_{name}_le_{GOALS[name]:g}s", seconds <= GOALS[name])


def _fresh(folder: Path, name: str) -> Path:
    path = folder / name
    path.unlink(missing_ok=True)
    return path


def _first_login(url: str) -> None:
    """Open the station and log a clerk in, as the first login of the day does."""
    from station.bootstrap import open_database

    settings = _settings(url, 1)
    started = time.perf_counter()
    db = open_database(settings, daily_backup=True)
    try:
        with UnitOfWork(db, SYSTEM) as uow:
            login(uow, "c01.bench", PASSWORD)
        seconds = time.perf_counter() - started
    finally:
        db.dispose()
    figure("pg_first_login_of_the_day", round(seconds, 2), "s")
    target("target_pg_first_login_le_1s", seconds <= GOALS["first_login"])


# --- import -----------------------------------------------------------------------------------


def _imports(server: str, persons: int) -> None:
    """The same generated ledger imported into a fresh PostgreSQL database and a fresh SQLite file."""
    ledger = cached_ledger(ROOT / "bench" / "out", persons)
    name = f"bench_import_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        db = Database(make_engine(url), _import_settings(url))
        try:
            upgrade(db.engine)
            pg_seconds, _stages = timed_import(db, ledger)
        finally:
            db.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    sqlite_seconds = _sqlite_import(ledger)
    label = f"{persons // 1000}k"
    figure(f"pg_import_{label}_persons", round(pg_seconds, 2), "s")
    figure(f"sqlite_import_{label}_persons", round(sqlite_seconds, 2), "s")
    figure("pg_import_ratio_to_sqlite", round(pg_seconds / sqlite_seconds, 2), "x")
    target(f"target_pg_import_le_{IMPORT_RATIO:g}x_sqlite", pg_seconds <= IMPORT_RATIO * sqlite_seconds)


def _sqlite_import(ledger: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="station-pg-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'import.db'}"
        db = Database(make_engine(url), _import_settings(url))
        try:
            upgrade(db.engine)
            return timed_import(db, ledger)[0]
        finally:
            db.dispose()


def _import_settings(url: str) -> Settings:
    station = StationSettings(community="导入测试社区", community_code="IMPORT")
    return replace(Settings(), station=station, database=DatabaseSettings(url=url),
                   base_dir=Path(tempfile.gettempdir()) / "station-pg-bench", source="(bench)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
