"""One definition of 在住: the dashboard, the ledger's total and list, and the month's figures agree.

The ledger is built through the services, then three departures are undone in the database the
way the old demo generator wrote them (a member of a moved-out household, a dead person and a
person who moved away keep open memberships). None of them lives here, whatever the rows say.
"""

from __future__ import annotations

import pytest
from figures_fixtures import SmallLedger, build_small_ledger, reopen_membership

from station.exports.workbook import export_table
from station.ledger.pages import ledger_page, ledger_totals
from station.stats.breakdowns import grid_rows
from station.stats.dashboard import dashboard
from station.stats.figures import month_figures, overview
from station.uow import UnitOfWork


@pytest.fixture
def ledger(db, admin, community_id) -> SmallLedger:
    return build_small_ledger(db, admin, community_id)


def _figures(db, actor) -> dict[str, tuple[int, int]]:
    with UnitOfWork(db, actor) as uow:
        board, summary, totals = dashboard(uow), overview(uow), ledger_totals(uow)
        month = month_figures(uow, 2026, 11).population
        grid = grid_rows(uow, 2026, 11)[0]
    return {"dashboard": (board.households, board.persons), "overview": (summary.households, summary.persons),
            "ledger": (totals.households, totals.residents), "month": (month.households, month.persons),
            "grid": (grid.households, grid.persons)}


def _listed(db, actor) -> set[int]:
    with UnitOfWork(db, actor) as uow:
        return {hit.person_id for hit in ledger_page(uow, 0, 100)}


def test_clean_ledger_every_count_agrees(db, admin, ledger):
    assert set(_figures(db, admin).values()) == {(2, 5)}  # H1 (with 刘甲 merged in) and H4
    assert _listed(db, admin) == ledger.living()


def test_open_memberships_of_people_who_left_do_not_count(db, admin, ledger):
    for name in ("王六", "赵老", "陈父", "陈二"):  # moved-out household, dead alone, dead, moved away
        reopen_membership(db, ledger.persons[name])
    assert set(_figures(db, admin).values()) == {(2, 5)}
    assert _listed(db, admin) == ledger.living()


def test_the_household_export_counts_living_residents(db, admin, ledger):
    for name in ("王六", "陈父", "陈二"):
        reopen_membership(db, ledger.persons[name])
    with UnitOfWork(db, admin) as uow:
        table = export_table(uow, "households")
        size = {row[0]: row[8] for row in table.rows}
    assert table.headers[8] == "人数"
    numbers = ledger.numbers
    assert [size[numbers[key]] for key in ("H1", "H2", "H3", "H4", "H5")] == [4, 0, 0, 1, 0]
