"""Printing benchmark: the monthly report (PDF + .xlsx) of the whole 200k-person community, and
the household form, each timed end to end as `station report` runs them (records, file, audit).

Targets: monthly report ≤ 5 s; a household form ≤ 0.3 s. The font is registered by the first
(untimed) run, as it would be by the first print of a session; its cost is reported apart.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from models import Household, Membership
from reports.pdf import monthly as pdf_monthly
from reports.pdf.fonts import cjk_font
from reports.print_jobs import print_household, print_monthly
from reports.workbooks import month as month_workbook
from station.actor import Actor
from station.db import Database
from station.printing.month import month_report
from station.uow import UnitOfWork

MONTHLY_TARGET_S, HOUSEHOLD_TARGET_S = 5.0, 0.3
Figure = tuple[str, float | str, str]


def run(out: Path, quick: bool) -> list[Figure]:
    """Time the printouts on the benchmark database (built by bench/__main__ when missing)."""
    from bench.database import FULL, QUICK, SEED, busy_month, cached_database, community_id

    db = cached_database(out, (QUICK if quick else FULL)["households"], SEED)
    folder = out / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    actor = Actor(user_id=None, username="bench", role="admin", community_id=community_id(db))
    year, month = busy_month(db)
    try:
        return _font(db) + _monthly(db, actor, year, month, folder, quick) + _households(db, actor, folder)
    finally:
        db.dispose()


def _font(db: Database) -> list[Figure]:
    started = time.perf_counter()
    cjk_font(db.settings)
    return [("report_font_register", round((time.perf_counter() - started) * 1000, 1), "ms")]


def _monthly(db: Database, actor: Actor, year: int, month: int, folder: Path, quick: bool) -> list[Figure]:
    def whole() -> None:
        with UnitOfWork(db, actor) as uow:
            print_monthly(uow, year, month, pdf=folder / "monthly.pdf", xlsx=folder / "monthly.xlsx",
                          force=True)  # the same scratch files, timed again

    whole()  # warms the database pages and the font, as a first print of the day would
    seconds = _median(whole, 3)
    parts = _monthly_parts(db, actor, year, month, folder)
    return [
        ("report_monthly_pdf_xlsx", round(seconds, 2), "s"),
        *parts,
        ("report_monthly_pdf_size", round((folder / "monthly.pdf").stat().st_size / 1024), "KiB"),
        ("target_report_monthly_le_5s", "skipped" if quick else ("ok" if seconds <= MONTHLY_TARGET_S else "FAIL"),
         ""),
    ]


def _monthly_parts(db: Database, actor: Actor, year: int, month: int, folder: Path) -> list[Figure]:
    """Where the monthly report's time goes: the queries, the PDF, the workbook."""
    font = cjk_font(db.settings)
    with UnitOfWork(db, actor) as uow:
        started = time.perf_counter()
        report = month_report(uow, year, month)
        gathered = time.perf_counter()
    pdf_monthly.render(report, folder / "parts.pdf", font)
    rendered = time.perf_counter()
    month_workbook.write(report, folder / "parts.xlsx")
    written = time.perf_counter()
    return [("report_monthly_queries", round(gathered - started, 2), "s"),
            ("report_monthly_pdf", round(rendered - gathered, 2), "s"),
            ("report_monthly_xlsx", round(written - rendered, 2), "s")]


def _households(db: Database, actor: Actor, folder: Path) -> list[Figure]:
    numbers = _sample_households(db, 20)
    times = []
    for number in numbers:
        started = time.perf_counter()
        with UnitOfWork(db, actor) as uow:
            print_household(uow, number, out=folder / "household.pdf", force=True)
        times.append(time.perf_counter() - started)
    worst = max(times)
    return [("report_household_form_median", round(statistics.median(times) * 1000, 1), "ms"),
            ("report_household_form_max", round(worst * 1000, 1), "ms"),
            ("target_report_household_le_0_3s", "ok" if worst <= HOUSEHOLD_TARGET_S else "FAIL", "")]


def _sample_households(db: Database, count: int) -> list[str]:
    """Households with the most members first: the slowest forms to print."""
    with db.session() as session:
        members = func.count(Membership.id)
        return list(session.scalars(
            select(Household.number).join(Membership, Membership.household_id == Household.id)
            .where(Membership.left_on.is_(None)).group_by(Household.id, Household.number)
            .order_by(members.desc(), Household.id).limit(count)))


def _median(action: Callable[[], None], repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


if __name__ == "__main__":
    for name, value, unit in run(Path(__file__).parent / "out", quick=False):
        print(f"{name}: {value} {unit}".rstrip())
