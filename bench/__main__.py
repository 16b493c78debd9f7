"""`python -m bench` (`make bench`): demo generation, search and statistics timings for station.

Prints one figure per line as `name: value unit`. The 200k-person database is built once with the
demo generator and reused from bench/out/ (keyed by size, seed, schema revision and the
generator's code); the 50k-household generation is timed on a fresh file every run. Targets:

- target_demo_generate_50k_le_60s: generating 50,000 households (~150k persons) on SQLite;
- target_search_le_20ms: the slowest query's median of 5 runs (admin and grid worker), i.e.
  `search_query_max` below, at most 20 ms;
- target_month_figures_le_2s: the monthly statistics for the whole community.
"""

from __future__ import annotations

import argparse
import statistics as stats
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from bench.database import (
    FULL,
    QUICK,
    SEED,
    admin,
    busy_month,
    cached_database,
    community_id,
    figure,
    fresh_database,
    grid_worker,
    target,
)
from bench.search_bench import percentile, query_set, time_queries
from models import Person
from station.actor import Actor
from station.db import Database
from station.demo import community as demo
from station.stats.figures import month_figures, overview
from station.uow import UnitOfWork

GENERATE_TARGET_S, SEARCH_TARGET_MS, MONTH_TARGET_MS = 60.0, 20.0, 2000.0


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    sizes = QUICK if args.quick else FULL
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = cached_database(out, sizes["households"], args.seed)
    figure("bench_persons", _count_persons(db), "persons")
    _search(db, args.seed, sizes["repeats"])
    _statistics(db)
    from bench import (
        audit_bench,
        backup_bench,
        encryption_bench,
        import_bench,
        ledger_ui_bench,
        report_bench,
        tui_bench,
    )

    for module in (report_bench, backup_bench, import_bench, audit_bench, tui_bench, ledger_ui_bench,
                   encryption_bench):
        for name, value, unit in module.run(out, args.quick):
            figure(name, value, unit)
    seconds = _timed_generation(out, sizes["timed_households"], args.seed)
    label = "50k" if sizes["timed_households"] == 50_000 else str(sizes["timed_households"])
    figure(f"demo_generate_{label}_households", round(seconds, 1), "s")
    target("target_demo_generate_50k_le_60s", seconds <= GENERATE_TARGET_S, args.quick)
    db.dispose()
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run (seconds, not minutes)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "out"), help="where databases go")
    parser.add_argument("--seed", type=int, default=SEED)
    return parser.parse_args(argv)


# --- databases ------------------------------------------------------------------------------


def _timed_generation(out: Path, households: int, seed: int) -> float:
    path = out / "timed-generation.db"
    db = fresh_database(path)
    started = time.perf_counter()
    demo.generate(db, households=households, seed=seed + 1)
    seconds = time.perf_counter() - started
    db.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return seconds


def _count_persons(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count(Person.id))) or 0)


# --- timings --------------------------------------------------------------------------------


def _search(db: Database, seed: int, repeats: int) -> None:
    queries = query_set(db, seed)
    figure("search_queries", len(queries), "queries")
    medians = []
    for label, actor in (("admin", admin(community_id(db))), ("grid_worker", grid_worker(db))):
        times = time_queries(db, actor, queries, repeats)
        figure(f"search_query_p95_{label}", round(percentile(times, 0.95), 2), "ms")
        medians += times
    figure("search_query_p50", round(percentile(medians, 0.50), 2), "ms")
    figure("search_query_p95", round(percentile(medians, 0.95), 2), "ms")
    figure("search_query_max", round(max(medians), 2), "ms")
    target("target_search_le_20ms", max(medians) <= SEARCH_TARGET_MS)


def _statistics(db: Database) -> None:
    admin_actor, worker = admin(community_id(db)), grid_worker(db)
    year, month = busy_month(db)
    figure("stats_overview", _median_ms(lambda: _run(db, admin_actor, overview)), "ms")
    figure("stats_overview_grid_worker", _median_ms(lambda: _run(db, worker, overview)), "ms")
    month_ms = _median_ms(lambda: _run(db, admin_actor, lambda uow: month_figures(uow, year, month)))
    figure("month_figures", month_ms, "ms")
    worker_ms = _median_ms(lambda: _run(db, worker, lambda uow: month_figures(uow, year, month)))
    figure("month_figures_grid_worker", worker_ms, "ms")
    target("target_month_figures_le_2s", month_ms <= MONTH_TARGET_MS)


def _run(db: Database, actor: Actor, operation: Callable) -> None:
    with UnitOfWork(db, actor) as uow:
        operation(uow)


def _median_ms(action: Callable[[], None], repeats: int = 5) -> float:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    return round(stats.median(runs), 1)




if __name__ == "__main__":
    sys.exit(main())
