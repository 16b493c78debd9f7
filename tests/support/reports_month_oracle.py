"""An independent count of every monthly-report figure: plain SELECTs of the raw rows, then Python.

Nothing here uses station.stats.figures; it restates the definitions (see its module doc) the
slow, obvious way, so the printed report is checked against a second implementation.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict, namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import text

from station.idcard import age_on

BANDS = ("0-17", "18-59", "60-79", "80+")


@dataclass
class Oracle:
    """The month's figures as counted here; keys are codes (categories, kinds, usernames, grid codes)."""

    households: int = 0
    households_by_type: Counter = field(default_factory=Counter)
    persons_by_type: Counter = field(default_factory=Counter)
    persons_by_type_age: Counter = field(default_factory=Counter)  # (type, band)
    registers: dict[str, list[int]] = field(default_factory=dict)  # open, new, ended, covered
    visits_by_kind: Counter = field(default_factory=Counter)
    received: int = 0
    closed: int = 0
    on_time: int = 0
    hours: list[float] = field(default_factory=list)
    ratings: Counter = field(default_factory=Counter)
    workers: dict[str, list[int]] = field(default_factory=dict)  # visits, closed
    grid_workers: set[str] = field(default_factory=set)  # usernames of listed workers in that role
    grids: dict[str, list[int]] = field(default_factory=dict)  # see GRID_FIGURES
    unvisited: int = 0
    headless: dict[str, int] = field(default_factory=dict)  # household number: residents
    overdue: dict[str, int] = field(default_factory=dict)  # request number: whole days late


GRID_FIGURES = ("households", "persons", "registers", "covered", "visits", "received", "closed", "on_time")


def count(session, community_id: int, year: int, month: int) -> Oracle:
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    start, stop = datetime(year, month, 1), datetime.combine(last + timedelta(days=1), datetime.min.time())
    rows = _Rows(session, community_id)
    oracle = Oracle()
    _population(oracle, rows, last)
    _registers(oracle, rows, first, last)
    _visits_and_requests(oracle, rows, first, last, start, stop)
    _workers(oracle, rows, first, last, start, stop)
    _grids(oracle, rows, first, last, start, stop)
    _checks(oracle, rows, last, stop)
    return oracle


class _Rows:
    """The raw tables of one community, read once."""

    def __init__(self, session, community_id: int):
        def fetch(sql: str) -> list:
            result = session.execute(text(sql), {"c": community_id})
            Row = namedtuple("Row", list(result.keys()))  # noqa: PYI024 - a throwaway row type
            return [Row(*(_typed(key, value) for key, value in zip(result.keys(), values, strict=True)))
                    for values in result]

        self.members = fetch(
            "select m.id, m.household_id, h.number as household_number, h.grid_id, h.status,"
            " h.moved_out_on as household_closed_on, m.relation, m.joined_on, m.left_on, p.id as person_id,"
            " p.birth_date, p.population_type, p.deceased_on, p.moved_out_on from memberships m"
            " join households h on h.id = m.household_id join persons p on p.id = m.person_id"
            " where h.community_id = :c")
        self.entries = fetch("select person_id, category, start_on, end_on, visit_every_days"
                             " from register_entries where community_id = :c")
        self.visits = fetch("select person_id, grid_id, worker_id, kind, done_on from visits"
                            " where community_id = :c and done_on is not null")
        self.requests = fetch("select number, grid_id, received_at, closed_at, deadline_at, satisfaction, assignee_id"
                              " from requests where community_id = :c")
        accounts = fetch("select id, username, role from users where community_id = :c")
        self.users = {account.id: account.username for account in accounts}
        self.roles = {account.id: account.role for account in accounts}
        self.grid_workers = {row[0] for row in fetch(
            "select ug.user_id from user_grids ug join grids g on g.id = ug.grid_id"
            " join users u on u.id = ug.user_id where g.community_id = :c and not u.disabled")}
        self.grids = dict(fetch("select id, code from grids where community_id = :c"))

    def residents_at(self, last: date) -> list:
        """在住 on the day: joined, not left, household not closed, person neither dead nor moved out."""
        def later(day):
            return day is None or day > last

        return [m for m in self.members if m.joined_on <= last and later(m.left_on) and later(m.deceased_on)
                and later(m.moved_out_on) and (m.status == "active" or (m.household_closed_on or last) > last)]

    def home_grid(self, person_id: int, last: date) -> int | None:
        mine = [m for m in self.members if m.person_id == person_id and m.joined_on <= last]
        return max(mine, key=lambda m: (m.joined_on, m.id)).grid_id if mine else None

    def done(self, person_id: int, since: date, until: date) -> int:
        return sum(1 for v in self.visits if v.person_id == person_id and since <= v.done_on <= until)


def _typed(column: str, value):
    """SQLite hands dates back as text from a raw SELECT: make them dates again."""
    if not isinstance(value, str):
        return value
    if column.endswith("_on") or column == "birth_date":
        return date.fromisoformat(value[:10])
    if column.endswith("_at"):
        return datetime.fromisoformat(value)
    return value


def _band(age: int) -> str:
    return "0-17" if age < 18 else "18-59" if age < 60 else "60-79" if age < 80 else "80+"


def _population(oracle: Oracle, rows: _Rows, last: date) -> None:
    residents = rows.residents_at(last)
    oracle.households = len({m.household_id for m in residents})
    for m in residents:
        oracle.persons_by_type[m.population_type] += 1
        oracle.persons_by_type_age[(m.population_type, _band(age_on(m.birth_date, last)))] += 1
        if m.relation == "02":
            oracle.households_by_type[m.population_type] += 1


def _is_open(entry, last: date) -> bool:
    return entry.start_on <= last and (entry.end_on is None or entry.end_on > last)


def _covered(rows: _Rows, entry, first: date, last: date) -> bool:
    days = (last - first).days + 1
    if entry.visit_every_days <= days:
        return rows.done(entry.person_id, first, last) >= days // entry.visit_every_days
    return rows.done(entry.person_id, last - timedelta(days=entry.visit_every_days - 1), last) >= 1


def _registers(oracle: Oracle, rows: _Rows, first: date, last: date) -> None:
    for entry in rows.entries:
        figures = oracle.registers.setdefault(entry.category, [0, 0, 0, 0])
        is_open = _is_open(entry, last)
        figures[0] += is_open
        figures[1] += first <= entry.start_on <= last
        figures[2] += entry.end_on is not None and first <= entry.end_on <= last
        figures[3] += is_open and _covered(rows, entry, first, last)


def _visits_and_requests(oracle: Oracle, rows: _Rows, first: date, last: date,
                         start: datetime, stop: datetime) -> None:
    oracle.visits_by_kind.update(v.kind for v in rows.visits if first <= v.done_on <= last)
    for r in rows.requests:
        oracle.received += start <= r.received_at < stop
        if r.closed_at is not None and start <= r.closed_at < stop:
            oracle.closed += 1
            oracle.on_time += r.closed_at <= r.deadline_at
            oracle.hours.append((r.closed_at - r.received_at).total_seconds() / 3600)
            if r.satisfaction:
                oracle.ratings[r.satisfaction] += 1


def _workers(oracle: Oracle, rows: _Rows, first: date, last: date, start: datetime, stop: datetime) -> None:
    work: dict[int, list[int]] = {user_id: [0, 0] for user_id in rows.grid_workers}
    for v in rows.visits:
        if first <= v.done_on <= last:
            work.setdefault(v.worker_id, [0, 0])[0] += 1
    for r in rows.requests:
        if r.assignee_id and r.closed_at is not None and start <= r.closed_at < stop:
            work.setdefault(r.assignee_id, [0, 0])[1] += 1
    oracle.workers = {rows.users[user_id]: counts for user_id, counts in work.items()}
    oracle.grid_workers = {rows.users[user_id] for user_id in work if rows.roles[user_id] == "grid_worker"}


def _grids(oracle: Oracle, rows: _Rows, first: date, last: date, start: datetime, stop: datetime) -> None:
    grids: dict[int, list[int]] = defaultdict(lambda: [0] * len(GRID_FIGURES))
    residents = rows.residents_at(last)
    for _household_id, grid_id in {(m.household_id, m.grid_id) for m in residents}:
        grids[grid_id][0] += 1
    for m in residents:
        grids[m.grid_id][1] += 1
    for entry in rows.entries:
        home = rows.home_grid(entry.person_id, last)
        if _is_open(entry, last) and home is not None:
            grids[home][2] += 1
            grids[home][3] += _covered(rows, entry, first, last)
    for v in rows.visits:
        grids[v.grid_id][4] += first <= v.done_on <= last
    for r in rows.requests:
        if r.grid_id is not None:
            closed = r.closed_at is not None and start <= r.closed_at < stop
            grids[r.grid_id][5] += start <= r.received_at < stop
            grids[r.grid_id][6] += closed
            grids[r.grid_id][7] += closed and r.closed_at <= r.deadline_at
    oracle.grids = {rows.grids[grid_id]: grids[grid_id] for grid_id in rows.grids}


def _checks(oracle: Oracle, rows: _Rows, last: date, stop: datetime) -> None:
    year, index = divmod(last.year * 12 + last.month - 4, 12)
    since = date(year, index + 1, min(last.day, calendar.monthrange(year, index + 1)[1]))
    for entry in rows.entries:
        if _is_open(entry, last) and entry.visit_every_days <= 7 and entry.start_on <= since:
            recent = [v for v in rows.visits if v.person_id == entry.person_id and since < v.done_on <= last]
            oracle.unvisited += not recent and rows.home_grid(entry.person_id, last) is not None
    by_household: dict[str, list] = defaultdict(list)
    for m in rows.residents_at(last):
        by_household[m.household_number].append(m.relation)
    oracle.headless = {number: len(relations) for number, relations in by_household.items()
                       if "02" not in relations}
    oracle.overdue = {r.number: (stop - r.deadline_at).days for r in rows.requests
                      if r.received_at < stop and r.deadline_at < stop
                      and (r.closed_at is None or r.closed_at >= stop)}
