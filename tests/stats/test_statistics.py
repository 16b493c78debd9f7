"""Statistics against a small hand-built community whose every figure is counted out below.

The community (month under test: October 2026, 31 days; the clock says 2026-11-23):

    grid A: H1 P1 (head, registered, b. 1940, 80+), P2 (spouse, b. 1950-12-01, 75)
            H2 P3 (head, floating, 36), P4 (floating, 11), P5 (floating, born 2026-10-20),
               P6 (registered, joined 2026-11-05: not yet there at the end of October)
            H5 P9 (head, registered, b. 1966-10-31: exactly 60 on the 31st),
               P10 (died 2026-10-20), P11 (b. 2010-11-01: 15 on the 31st; died 2026-11-10),
               P12 (b. 2008-10-31: exactly 18; moved here from H3 on 2026-10-10)
    grid B: H3 P7 (head, overseas, 46)
            H4 P8 (head, registered, 96; the household moved out on 2026-10-15)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from actors import actor_for
from factories import make_id

from models import (
    Building,
    Grid,
    Household,
    Membership,
    Person,
    RegisterEntry,
    RequestEvent,
    ResidentRequest,
    User,
    UserGrid,
    Visit,
)
from station.errors import NotFound, ValidationError
from station.stats.figures import month_figures, overview
from station.uow import UnitOfWork

OCT_1, OCT_31 = date(2026, 10, 1), date(2026, 10, 31)


@dataclass
class Town:
    grid_a: int
    grid_b: int
    worker_a: int
    worker_b: int
    staff: int
    persons: dict[str, int]
    households: dict[str, int]


@pytest.fixture
def town(db, community_id) -> Town:
    with db.session() as session:
        return _build(session, community_id)


def _build(session, community_id: int) -> Town:
    grid_a, grid_b = (Grid(community_id=community_id, code=code, name=name)
                      for code, name in (("A", "甲网格"), ("B", "乙网格")))
    session.add_all([grid_a, grid_b])
    session.flush()
    session.add(Building(grid_id=grid_a.id, name="1号楼"))
    users = {name: User(username=name, display_name=name, role=role, community_id=community_id,
                        password_hash="x")
             for name, role in (("wa", "grid_worker"), ("wb", "grid_worker"), ("st", "staff"))}
    session.add_all(users.values())
    session.flush()
    session.add_all([UserGrid(user_id=users["wa"].id, grid_id=grid_a.id),
                     UserGrid(user_id=users["wb"].id, grid_id=grid_b.id)])
    households = {number: Household(community_id=community_id, grid_id=grid.id, number=number,
                                     address="幸福路", status=status, moved_out_on=moved)
                  for number, grid, status, moved in (
                      ("H1", grid_a, "active", None), ("H2", grid_a, "active", None),
                      ("H3", grid_b, "active", None), ("H4", grid_b, "moved_out", date(2026, 10, 15)),
                      ("H5", grid_a, "active", None))}
    session.add_all(households.values())
    session.flush()
    persons = _people(session, community_id, {k: h.id for k, h in households.items()})
    town = Town(grid_a.id, grid_b.id, users["wa"].id, users["wb"].id, users["st"].id, persons,
                {k: h.id for k, h in households.items()})
    _registers(session, community_id, town)
    _visits(session, community_id, town)
    _requests(session, community_id, town)
    session.commit()
    return town


# (key, household, relation, birth, male, population type, joined, left, deceased)
PEOPLE = [
    ("P1", "H1", "02", date(1940, 3, 1), True, "registered", date(2000, 1, 1), None, None),
    ("P2", "H1", "10", date(1950, 12, 1), False, "registered", date(2000, 1, 1), None, None),
    ("P3", "H2", "02", date(1990, 6, 15), True, "floating", date(2020, 1, 1), None, None),
    ("P4", "H2", "20", date(2015, 1, 1), True, "floating", date(2020, 1, 1), None, None),
    ("P5", "H2", "30", date(2026, 10, 20), False, "floating", date(2026, 10, 20), None, None),
    ("P6", "H2", "97", date(1985, 4, 4), True, "registered", date(2026, 11, 5), None, None),
    ("P7", "H3", "02", date(1980, 1, 1), True, "overseas", date(2019, 5, 1), None, None),
    ("P8", "H4", "02", date(1930, 1, 1), True, "registered", date(1990, 1, 1), date(2026, 10, 15), None),
    ("P9", "H5", "02", date(1966, 10, 31), False, "registered", date(2001, 1, 1), None, None),
    ("P10", "H5", "51", date(1936, 2, 2), True, "registered", date(2001, 1, 1), date(2026, 10, 20),
     date(2026, 10, 20)),
    ("P11", "H5", "41", date(2010, 11, 1), True, "registered", date(2010, 11, 1), date(2026, 11, 10),
     date(2026, 11, 10)),
]


def _people(session, community_id: int, households: dict[str, int]) -> dict[str, int]:
    persons = {}
    for seq, (key, home, relation, birth, male, kind, joined, left, died) in enumerate(PEOPLE, 1):
        overseas = kind == "overseas"
        person = Person(community_id=community_id, name=f"居民{key}", sex="1" if male else "2",
                        birth_date=birth, population_type=kind, deceased_on=died,
                        id_type="passport" if overseas else "resident",
                        id_number="M12345678" if overseas else make_id(birth, male=male, seq=seq))
        session.add(person)
        session.flush()
        persons[key] = person.id
        session.add(Membership(household_id=households[home], person_id=person.id, relation=relation,
                               joined_on=joined, left_on=left))
    # P12 moved from H3 (grid B) to H5 (grid A) on 10 October.
    p12 = Person(community_id=community_id, name="居民P12", sex="1", birth_date=date(2008, 10, 31),
                 population_type="registered", id_number=make_id(date(2008, 10, 31), seq=99))
    session.add(p12)
    session.flush()
    persons["P12"] = p12.id
    session.add_all([
        Membership(household_id=households["H3"], person_id=p12.id, relation="97",
                   joined_on=date(2015, 1, 1), left_on=date(2026, 10, 10)),
        Membership(household_id=households["H5"], person_id=p12.id, relation="97",
                   joined_on=date(2026, 10, 10)),
    ])
    return persons


# (person, category, start, end, every)
ENTRIES = [
    ("P1", "oldest_old", date(2020, 3, 1), None, 30),
    ("P2", "empty_nest", date(2026, 10, 5), None, 30),
    ("P8", "oldest_old", date(2010, 1, 1), date(2026, 10, 15), 30),
    ("P12", "disabled", date(2026, 1, 1), None, 30),
    ("P9", "elderly_alone", date(2026, 9, 1), None, 7),
    ("P10", "dibao_urban", date(2025, 1, 1), date(2026, 10, 20), 90),
    ("P3", "dibao_urban", date(2026, 6, 1), None, 90),
    ("P7", "entitled", date(2026, 11, 2), None, 90),
    ("P2", "disabled", date(2024, 1, 1), date(2026, 9, 30), 30),
]


def _registers(session, community_id: int, town: Town) -> None:
    session.add_all(
        RegisterEntry(community_id=community_id, person_id=town.persons[key], category=category,
                      start_on=start, end_on=end, end_reason="结束" if end else "",
                      visit_every_days=every, attributes={})
        for key, category, start, end, every in ENTRIES
    )


def _visits(session, community_id: int, town: Town) -> None:
    a, b = town.grid_a, town.grid_b
    h, p = town.households, town.persons
    # (grid, household, person, worker, kind, done, planned)
    rows = [
        (a, "H1", "P1", town.worker_a, "home_visit", date(2026, 10, 10), None),
        (a, "H1", "P1", town.worker_a, "home_visit", None, date(2026, 10, 25)),
        (a, "H5", "P9", town.worker_a, "phone_visit", date(2026, 10, 1), None),
        (a, "H5", "P9", town.worker_a, "phone_visit", date(2026, 10, 8), None),
        (a, "H5", "P9", town.worker_a, "phone_visit", date(2026, 10, 15), None),
        (a, "H5", "P9", town.staff, "home_visit", date(2026, 10, 22), None),
        (a, "H5", "P9", town.worker_a, "home_visit", date(2026, 9, 30), None),
        (b, "H3", None, town.worker_b, "policy", date(2026, 10, 12), None),
        (b, "H3", "P12", town.worker_b, "home_visit", date(2026, 9, 20), None),
        # Exactly 89 days before 31 October: still inside P3's 90-day window.
        (a, "H2", "P3", town.worker_a, "assistance", date(2026, 8, 3), None),
    ]
    session.add_all(
        Visit(community_id=community_id, grid_id=grid, household_id=h[home],
              person_id=p[person] if person else None, worker_id=worker, kind=kind,
              done_on=done, planned_on=planned, content="走访")
        for grid, home, person, worker, kind, done, planned in rows
    )


def _requests(session, community_id: int, town: Town) -> None:
    a, b = town.grid_a, town.grid_b
    # (number, grid, state, received, hours allowed, closed, satisfaction, assignee)
    rows = [
        ("R1", a, "rated", datetime(2026, 10, 2, 10), 168, datetime(2026, 10, 5, 10), "satisfied", town.worker_a),
        ("R2", a, "rated", datetime(2026, 9, 28, 9), 168, datetime(2026, 10, 6, 9), "unsatisfied", town.worker_a),
        ("R3", b, "closed", datetime(2026, 10, 30, 12), 24, datetime(2026, 11, 1, 8), "", town.worker_b),
        ("R4", b, "in_progress", datetime(2026, 10, 31, 23, 30), 168, None, "", town.worker_b),
        ("R5", a, "received", datetime(2026, 11, 1), 168, None, "", None),
        ("R6", b, "closed", datetime(2026, 10, 10, 8), 2, datetime(2026, 10, 10, 9), "", town.staff),
    ]
    for number, grid, state, received, hours, closed, satisfaction, assignee in rows:
        request = ResidentRequest(
            community_id=community_id, grid_id=grid, number=number, channel="window",
            category="property", urgency="normal", description="诉求", state=state,
            assignee_id=assignee, received_at=received, deadline_at=received + timedelta(hours=hours),
            closed_at=closed, satisfaction=satisfaction,
        )
        session.add(request)
        session.flush()
        session.add(RequestEvent(request_id=request.id, to_state="received", at=received))


def _figures(db, actor, grid_id=None):
    with UnitOfWork(db, actor) as uow:
        return month_figures(uow, 2026, 10, grid_id)


# --- month figures --------------------------------------------------------------------------


def test_population_at_month_end(db, admin, town):
    population = _figures(db, admin, None).population
    assert population.households == 4  # H1 H2 H3 H5; H4 moved out on the 15th
    assert population.households_by_type == {"registered": 2, "floating": 1, "overseas": 1}
    assert population.persons == 9
    assert population.persons_by_type == {"registered": 5, "floating": 3, "overseas": 1}
    assert population.persons_by_age == {"0-17": 3, "18-59": 3, "60-79": 2, "80+": 1}
    assert population.persons_by_type_and_age == {
        "registered": {"0-17": 1, "18-59": 1, "60-79": 2, "80+": 1},
        "floating": {"0-17": 2, "18-59": 1, "60-79": 0, "80+": 0},
        "overseas": {"0-17": 0, "18-59": 1, "60-79": 0, "80+": 0},
    }


def test_population_of_one_grid(db, admin, town):
    grid_a = _figures(db, admin, town.grid_a).population
    assert (grid_a.households, grid_a.persons) == (3, 8)
    grid_b = _figures(db, admin, town.grid_b).population
    assert (grid_b.households, grid_b.persons) == (1, 1)
    assert grid_b.persons_by_type["overseas"] == 1


def _register_table(figures) -> dict[str, tuple[int, int, int, int]]:
    return {r.category: (r.open_at_end, r.new_in_month, r.ended_in_month, r.covered)
            for r in figures.registers if (r.open_at_end, r.new_in_month, r.ended_in_month) != (0, 0, 0)}


def test_registers_open_new_ended_and_covered(db, admin, town):
    figures = _figures(db, admin, None)
    # (open at end, new in month, ended in month, covered)
    assert _register_table(figures) == {
        "oldest_old": (1, 0, 1, 1),  # P1 visited once; P8 ended on moving out
        "empty_nest": (1, 1, 0, 0),  # P2 registered on the 5th, never visited
        "disabled": (1, 0, 0, 0),  # P12's only visit was in September
        "elderly_alone": (1, 0, 0, 1),  # P9: four visits, floor(31 / 7) = 4 required
        "dibao_urban": (1, 0, 1, 1),  # P3 visited 89 days before the 31st; P10 died
    }
    assert figures.register("oldest_old").coverage_rate == 1.0
    assert figures.register("entitled").open_at_end == 0  # starts in November
    assert len(figures.registers) == len(db.settings.registers.categories)


def test_registers_by_the_grid_of_the_month_home(db, admin, town):
    # P12 moved to grid A on the 10th and P10 lived in grid A when he died: both count there.
    assert _register_table(_figures(db, admin, town.grid_a)) == {
        "oldest_old": (1, 0, 0, 1), "empty_nest": (1, 1, 0, 0), "disabled": (1, 0, 0, 0),
        "elderly_alone": (1, 0, 0, 1), "dibao_urban": (1, 0, 1, 1),
    }
    assert _register_table(_figures(db, admin, town.grid_b)) == {"oldest_old": (0, 0, 1, 0)}


def test_a_weekly_register_with_three_visits_is_not_covered(db, admin, town):
    with db.session() as session:
        visit = session.query(Visit).filter_by(done_on=date(2026, 10, 22)).one()
        visit.done_on = date(2026, 11, 2)
        session.commit()
    assert _figures(db, admin, None).register("elderly_alone").covered == 0


def test_visits_in_month(db, admin, town):
    figures = _figures(db, admin, None)
    assert figures.visits_done == 6
    assert figures.visits_by_kind == {"home_visit": 2, "phone_visit": 3, "policy": 1}
    assert _figures(db, admin, town.grid_b).visits_by_kind == {"policy": 1}


def test_requests_in_month(db, admin, town):
    requests = _figures(db, admin, None).requests
    assert (requests.received, requests.closed, requests.closed_on_time) == (4, 3, 2)
    assert requests.on_time_rate == pytest.approx(2 / 3, abs=1e-4)
    assert requests.average_hours == pytest.approx((72 + 192 + 1) / 3, abs=0.01)
    assert requests.satisfaction == {"very_satisfied": 0, "satisfied": 1, "basic": 0, "unsatisfied": 1}


def test_requests_of_one_grid(db, admin, town):
    requests = _figures(db, admin, town.grid_a).requests
    assert (requests.received, requests.closed, requests.closed_on_time) == (1, 2, 1)
    assert requests.average_hours == pytest.approx(132.0, abs=0.01)


def test_work_per_worker(db, admin, town):
    work = {w.username: (w.visits_done, w.requests_closed) for w in _figures(db, admin, None).workers}
    assert work == {"wa": (4, 2), "wb": (1, 0), "st": (1, 1)}
    grid_b = {w.username: (w.visits_done, w.requests_closed) for w in _figures(db, admin, town.grid_b).workers}
    assert grid_b == {"wb": (1, 0), "st": (0, 1)}


def test_a_grid_worker_sees_their_grid_only(db, community_id, town):
    worker = actor_for("grid_worker", community_id, grid_ids={town.grid_a}, user_id=town.worker_a)
    mine = _figures(db, worker, None)
    with UnitOfWork(db, actor_for("admin", community_id)) as uow:
        grid_a = month_figures(uow, 2026, 10, town.grid_a)
    assert mine.population == grid_a.population
    assert mine.registers == grid_a.registers
    assert mine.requests == grid_a.requests
    with pytest.raises(NotFound):
        _figures(db, worker, town.grid_b)


def test_month_figures_refuse_a_bad_month(db, admin, town):
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError):
        month_figures(uow, 2026, 13)


def test_month_figures_as_json(db, admin, town):
    data = json.loads(json.dumps(_figures(db, admin, None).as_dict(), ensure_ascii=False))
    assert data["first_day"] == "2026-10-01" and data["last_day"] == "2026-10-31"
    oldest = next(row for row in data["registers"] if row["category"] == "oldest_old")
    assert oldest["coverage_rate"] == 1.0
    assert data["requests"]["on_time_rate"] == pytest.approx(0.6667)


# --- overview -------------------------------------------------------------------------------


def test_overview_counts_now(db, admin, town):
    with UnitOfWork(db, admin) as uow:
        summary = overview(uow)
    assert (summary.grids, summary.buildings, summary.households, summary.persons) == (2, 1, 4, 9)
    open_entries = {k: v for k, v in summary.registers.items() if v}
    assert open_entries == {"oldest_old": 1, "empty_nest": 1, "disabled": 1, "elderly_alone": 1,
                            "dibao_urban": 1, "entitled": 1}
    assert summary.visits_done == 9
    assert summary.requests == {"received": 1, "assigned": 0, "in_progress": 1, "closed": 2, "rated": 2}
    assert json.dumps(summary.as_dict())


def test_overview_of_a_grid_worker(db, community_id, town):
    worker = actor_for("grid_worker", community_id, grid_ids={town.grid_a}, user_id=town.worker_a)
    with UnitOfWork(db, worker) as uow:
        summary = overview(uow)
    assert (summary.grids, summary.buildings, summary.households, summary.persons) == (1, 1, 3, 8)
    assert sum(summary.registers.values()) == 5  # all but P7's (grid B)
    assert summary.visits_done == 7
    assert summary.requests == {"received": 1, "assigned": 0, "in_progress": 0, "closed": 0, "rated": 2}


def test_statistics_of_an_empty_community(db, admin):
    with UnitOfWork(db, admin) as uow:
        figures = month_figures(uow, 2026, 10)
        summary = overview(uow)
    assert figures.population.persons == 0 and figures.requests.average_hours is None
    assert figures.requests.on_time_rate is None and summary.persons == 0
