"""The street's roll-up (街道各社区月度统计汇总表): every community's row and the street's totals
equal an independent count of the raw rows (reports_month_oracle), on SQLite and PostgreSQL,
printed as PDF and written as .xlsx; only a street account may have it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from actors import actor_for
from openpyxl import load_workbook
from reports_month_oracle import BANDS, Oracle, count
from reports_support import assert_fonts_embedded, pdf_text

from reports.print_jobs import print_monthly, print_street_monthly
from station.db import Database
from station.demo import community as demo
from station.errors import NotFound, ValidationError
from station.places.directory import list_communities
from station.stats.figures import month_figures
from station.stats.street import street_month
from station.uow import UnitOfWork

STREET = actor_for("street", None)


@pytest.fixture
def street(db, settings, community_id) -> dict[str, int]:
    """Two communities with a year of demo work each: code → id."""
    demo.generate(db, households=60, seed=4242)
    east = replace(settings, station=replace(settings.station, name="东站", community="东社区", community_code="DSQ"))
    demo.generate(Database(db.engine, east, db.clock), households=40, seed=77)
    with UnitOfWork(db, STREET) as uow:
        return {community.code: community.id for community in list_communities(uow)}


def _oracles(db, street: dict[str, int]) -> dict[str, Oracle]:
    with db.session() as session:
        return {code: count(session, community_id, 2026, 10) for code, community_id in street.items()}


def _expected(oracle: Oracle) -> dict[str, object]:
    """The roll-up's figures of one community (or the street), as the oracle counts them."""
    grid_visits = [oracle.workers[name][0] for name in oracle.grid_workers]
    return {
        "households": oracle.households, "persons": sum(oracle.persons_by_type.values()),
        "persons_by_type": {k: v for k, v in oracle.persons_by_type.items() if v},
        "persons_by_age": {band: sum(v for (_, b), v in oracle.persons_by_type_age.items() if b == band)
                           for band in BANDS},
        "households_by_type": {k: v for k, v in oracle.households_by_type.items() if v},
        "registers": {k: v for k, v in oracle.registers.items() if any(v)},
        "visits_by_kind": dict(oracle.visits_by_kind),
        "requests": (oracle.received, oracle.closed, oracle.on_time,
                     round(sum(oracle.hours) / len(oracle.hours), 2) if oracle.hours else None),
        "ratings": {k: v for k, v in oracle.ratings.items() if v},
        "work": (len(grid_visits), sum(grid_visits), min(grid_visits, default=None),
                 sum(closed for _, closed in oracle.workers.values())),
    }


def _street_oracle(oracles: dict[str, Oracle]) -> Oracle:
    """The street's oracle: every community's raw counts added up."""
    total = Oracle()
    for oracle in oracles.values():
        total.households += oracle.households
        for name in ("households_by_type", "persons_by_type", "persons_by_type_age", "visits_by_kind", "ratings"):
            getattr(total, name).update(getattr(oracle, name))
        for category, values in oracle.registers.items():
            total.registers[category] = [a + b for a, b in zip(total.registers.get(category, [0] * 4), values,
                                                               strict=True)]
        total.received, total.closed = total.received + oracle.received, total.closed + oracle.closed
        total.on_time += oracle.on_time
        total.hours += oracle.hours
        for name, work in oracle.workers.items():
            total.workers[f"{name}@{id(oracle)}"] = work
        total.grid_workers |= {f"{name}@{id(oracle)}" for name in oracle.grid_workers}
    return total


def _rolled_up(figures, work) -> dict[str, object]:
    """The same figures as street_month gives them."""
    people, requests = figures.population, figures.requests
    return {
        "households": people.households, "persons": people.persons,
        "persons_by_type": {k: v for k, v in people.persons_by_type.items() if v},
        "persons_by_age": people.persons_by_age,
        "households_by_type": {k: v for k, v in people.households_by_type.items() if v},
        "registers": {r.category: [r.open_at_end, r.new_in_month, r.ended_in_month, r.covered]
                      for r in figures.registers if (r.open_at_end, r.new_in_month, r.ended_in_month, r.covered)
                      != (0, 0, 0, 0)},
        "visits_by_kind": {k: v for k, v in figures.visits_by_kind.items() if v},
        "requests": (requests.received, requests.closed, requests.closed_on_time, requests.average_hours),
        "ratings": {k: v for k, v in requests.satisfaction.items() if v},
        "work": (work.grid_workers, work.grid_worker_visits, work.fewest_visits, work.requests_closed),
    }


def test_each_community_and_the_street_total_equal_an_independent_count(db, street):
    with UnitOfWork(db, STREET) as uow:
        month = street_month(uow, 2026, 10)
    oracles = _oracles(db, street)
    assert [row.code for row in month.communities] == sorted(street)
    for row in month.communities:
        assert _rolled_up(row.figures, row.work) == _expected(oracles[row.code]), row.code
    assert _rolled_up(month.total, month.work) == _expected(_street_oracle(oracles))
    assert all(row.figures.population.persons > 0 and row.figures.visits_done > 0 for row in month.communities)


def test_a_row_is_what_the_community_itself_counts(db, street):
    """The street's row of a community and that community's own figures are one number."""
    with UnitOfWork(db, STREET) as uow:
        rows = {row.code: row.figures for row in street_month(uow, 2026, 10).communities}
    for code, community_id in street.items():
        with UnitOfWork(db, actor_for("director", community_id)) as uow:
            assert month_figures(uow, 2026, 10) == rows[code]


def test_the_total_agrees_with_the_street_wide_figures(db, street):
    """Counting the whole street at once gives the totals (the workers are listed per community)."""
    with UnitOfWork(db, STREET) as uow:
        month, whole = street_month(uow, 2026, 10), month_figures(uow, 2026, 10)
    assert replace(month.total, workers=()) == replace(whole, workers=())
    assert Counter(w.user_id for w in month.total.workers) == Counter(w.user_id for w in whole.workers)


def test_a_community_account_cannot_have_the_roll_up(db, street):
    with UnitOfWork(db, actor_for("director", street["XFL"])) as uow, pytest.raises(ValidationError) as refused:
        street_month(uow, 2026, 10)
    assert refused.value.field == "community"


def test_a_street_account_prints_any_community_s_own_report(db, street, tmp_path):
    with UnitOfWork(db, STREET) as uow:
        printout = print_monthly(uow, 2026, 10, community_id=street["DSQ"], pdf=tmp_path / "d.pdf")
    text = pdf_text(printout.files[0])
    assert "东社区 2026年10月月度统计报表" in text and printout.community_id == street["DSQ"]
    with UnitOfWork(db, actor_for("director", street["XFL"])) as uow, pytest.raises(NotFound):
        print_monthly(uow, 2026, 10, community_id=street["DSQ"], pdf=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


@pytest.fixture
def printed(db, street, tmp_path):
    with UnitOfWork(db, STREET) as uow:
        printout = print_street_monthly(uow, 2026, 10, pdf=tmp_path / "s.pdf", xlsx=tmp_path / "s.xlsx")
        month = street_month(uow, 2026, 10)
    return printout, month


def _cells(line: str) -> list[str]:
    return line.split()


def test_the_pdf_prints_every_community_and_the_total(printed):
    printout, month = printed
    text = pdf_text(printout.files[0])
    assert_fonts_embedded(printout.files[0])
    assert "2026年10月各社区月度统计汇总表" in text
    lines = [_cells(line) for line in text.splitlines() if line.split()]
    for name, figures in [*((row.name, row.figures) for row in month.communities), ("合计", month.total)]:
        population = next(cells for cells in lines if cells[0] == name)
        assert population[1:3] == [str(figures.population.households), str(figures.population.persons)]
        requests = [cells for cells in lines if cells[0] == name][3]
        assert requests[1:3] == [str(figures.requests.received), str(figures.requests.closed)]
    assert "图表" in text


def test_the_workbook_holds_the_same_figures(printed):
    printout, month = printed
    book = load_workbook(printout.files[1], read_only=True)
    population = {row[0]: row for row in book["人口"].iter_rows(min_row=2, values_only=True)}
    registers = {row[0]: row for row in book["重点人群"].iter_rows(min_row=2, values_only=True)}
    requests = {row[0]: row for row in book["诉求"].iter_rows(min_row=2, values_only=True)}
    work = {row[0]: row for row in book["工作量"].iter_rows(min_row=2, values_only=True)}
    for name, figures, summary in [*((row.name, row.figures, row.work) for row in month.communities),
                                   ("合计", month.total, month.work)]:
        assert population[name][1:3] == (figures.population.households, figures.population.persons)
        open_total = sum(r.open_at_end for r in figures.registers)
        covered = sum(r.covered for r in figures.registers)
        assert registers[name][1] == open_total and registers[name][4] == covered
        assert requests[name][1:4] == (figures.requests.received, figures.requests.closed,
                                       figures.requests.closed_on_time)
        assert work[name][1:3] == (summary.grid_workers, summary.grid_worker_visits)
