"""The demo community generator: deterministic, valid and consistent data the services accept."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from factories import person
from sqlalchemy import select

from models import (
    AuditEntry,
    Household,
    Membership,
    Person,
    RegisterEntry,
    RequestEvent,
    ResidentRequest,
    SearchEntry,
    User,
    UserGrid,
    Visit,
)
from station.actor import Actor
from station.db import Database, make_engine
from station.demo import community as demo
from station.demo.places import chinese_number
from station.errors import ValidationError
from station.idcard import age_on, parse_id
from station.ledger.households import register_household
from station.ledger.records import HouseholdDraft
from station.registers.attributes import clean_attributes
from station.requests.workflow import STATES, receive
from station.search import lookup as search
from station.uow import UnitOfWork

ROOT = Path(__file__).resolve().parents[2]
SEED = 4242
TODAY = date(2026, 11, 23)  # the test clock's day


@pytest.fixture
def summary(db, community_id):
    return demo.generate(db, households=60, seed=SEED)


def _rows(db: Database, model) -> list:
    with db.session() as session:
        order = model.id if hasattr(model, "id") else model.user_id
        return list(session.scalars(select(model).order_by(order)))


def _second_sqlite(sqlite_template, tmp_path, settings, clock) -> Database:
    path = tmp_path / "second.db"
    shutil.copyfile(sqlite_template, path)
    return Database(make_engine(f"sqlite:///{path}"), settings, clock)


# --- shape and determinism ------------------------------------------------------------------


def test_summary_counts_match_the_rows(db, summary):
    households = _rows(db, Household)
    assert summary.households == len(households) >= 60
    assert summary.active_households == sum(h.status == "active" for h in households) == 60
    assert summary.persons == len(_rows(db, Person))
    assert summary.grids == 2 and summary.users == 2 + 3
    assert summary.visits == len(_rows(db, Visit)) > 0
    assert summary.requests == len(_rows(db, ResidentRequest))
    assert summary.search_keys == len(_rows(db, SearchEntry))
    assert 2.0 <= summary.residents / summary.active_households <= 4.0


def test_same_seed_gives_the_same_community(db, summary, sqlite_template, tmp_path, settings, clock):
    other = _second_sqlite(sqlite_template, tmp_path, settings, clock)
    try:
        demo.generate(other, households=60, seed=SEED)
        people = [(p.name, p.id_number, p.phone, p.birth_date) for p in _rows(db, Person)]
        assert people == [(p.name, p.id_number, p.phone, p.birth_date) for p in _rows(other, Person)]
        requests = [(r.number, r.state, r.received_at) for r in _rows(db, ResidentRequest)]
        assert requests == [(r.number, r.state, r.received_at) for r in _rows(other, ResidentRequest)]
    finally:
        other.dispose()


def test_another_seed_gives_other_people(db, summary, sqlite_template, tmp_path, settings, clock):
    other = _second_sqlite(sqlite_template, tmp_path, settings, clock)
    try:
        demo.generate(other, households=60, seed=SEED + 1)
        assert {p.id_number for p in _rows(db, Person)} != {p.id_number for p in _rows(other, Person)}
    finally:
        other.dispose()


def test_progress_is_reported_up_to_the_total(db, community_id):
    calls = []
    demo.generate(db, households=30, seed=1, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (30, 30)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_injected_day_dates_everything_before_it(db, community_id):
    day = date(2025, 6, 30)
    demo.generate(db, households=40, seed=3, today=day)
    assert max(v.done_on for v in _rows(db, Visit) if v.done_on) <= day
    assert max(r.received_at for r in _rows(db, ResidentRequest)).date() <= day
    assert max(p.birth_date for p in _rows(db, Person)) <= day
    assert min(v.done_on for v in _rows(db, Visit) if v.done_on) > day - timedelta(days=365)


def test_refuses_a_community_that_has_households(db, summary):
    with pytest.raises(ValidationError, match="已有住户"):
        demo.generate(db, households=10, seed=1)
    assert len(_rows(db, Household)) == summary.households


def test_one_audit_entry_with_the_counts(db, summary):
    entries = [e for e in _rows(db, AuditEntry) if e.action == "demo"]
    assert len(entries) == 1
    assert entries[0].new_values["active_households"] == 60 and "住户 60 户" in entries[0].detail


# --- persons --------------------------------------------------------------------------------


def test_ids_are_valid_unique_and_match_sex_and_birth(db, summary):
    persons = _rows(db, Person)
    assert len({p.id_number for p in persons}) == len(persons)
    for p in persons:
        if p.id_type == "resident":
            info = parse_id(p.id_number, today=TODAY)
            assert (info.number, info.sex, info.birth_date) == (p.id_number, p.sex, p.birth_date)
        else:
            assert p.id_type == "passport" and p.population_type == "overseas"
        assert p.birth_date <= TODAY


def test_exactly_one_head_per_household(db, summary):
    heads = Counter()
    for membership in _rows(db, Membership):
        heads[membership.household_id] += membership.relation == "02"
    assert set(heads.values()) == {1}


def test_those_who_left_have_left_their_household(db, summary):
    """As move_out and record_death leave it: the membership ends the day the person left."""
    persons = {p.id: p for p in _rows(db, Person)}
    households = {h.id: h for h in _rows(db, Household)}
    departed = 0
    for membership in _rows(db, Membership):
        person = persons[membership.person_id]
        left = person.moved_out_on or person.deceased_on
        assert membership.left_on == left, (person.name, membership.left_on, left)
        if households[membership.household_id].status != "active":
            assert membership.left_on is not None
        departed += left is not None
    assert departed > 0


def test_every_person_is_found_by_name(db, summary, admin):
    with UnitOfWork(db, admin) as uow:
        for p in _rows(db, Person):
            assert p.id in {hit.person_id for hit in search.search(uow, p.name, limit=200)}, p.name


def test_search_keys_are_the_services_keys(db, summary, admin):
    """Reindexing through the service changes nothing: the generator wrote the same keys."""
    def keys():
        return sorted((k.person_id, k.grid_id, k.key) for k in _rows(db, SearchEntry))

    before = keys()
    with UnitOfWork(db, admin) as uow:
        search.reindex_persons(uow, [p.id for p in _rows(db, Person)])
        uow.commit()
    assert keys() == before


def test_a_grid_worker_finds_only_their_grid(db, summary, community_id):
    grid_of = {h.id: h.grid_id for h in _rows(db, Household)}
    link = _rows(db, UserGrid)[0]
    worker = Actor(link.user_id, "w", "grid_worker", community_id, frozenset({link.grid_id}))
    with UnitOfWork(db, worker) as uow:
        hits = search.search(uow, "13", limit=200)
    assert hits and all(grid_of.get(hit.household_id) == link.grid_id for hit in hits)


# --- registers, visits, requests -------------------------------------------------------------


def test_registers_fit_the_people_in_them(db, summary):
    persons = {p.id: p for p in _rows(db, Person)}
    households = defaultdict(list)
    for m in _rows(db, Membership):
        households[m.household_id].append(m.person_id)
    household_of = {pid: hid for hid, pids in households.items() for pid in pids}
    for entry in _rows(db, RegisterEntry):
        p = persons[entry.person_id]
        age = age_on(p.birth_date, entry.end_on or TODAY)
        assert p.birth_date <= entry.start_on <= TODAY
        assert entry.end_on is None or entry.start_on <= entry.end_on <= TODAY
        assert entry.visit_every_days == db.settings.visit_every_days(entry.category)
        assert clean_attributes(entry.category, entry.attributes, p) == entry.attributes
        if entry.category == "oldest_old":
            assert age >= 80
        if entry.category in ("elderly_alone", "empty_nest"):
            assert age >= 60
        if entry.category == "elderly_alone":
            assert len(households[household_of[p.id]]) == 1
        if entry.category == "left_behind_child":
            assert age < 16
    residents = {m.person_id for m in _rows(db, Membership) if m.left_on is None}
    oldest = {e.person_id for e in _rows(db, RegisterEntry) if e.category == "oldest_old" and e.end_on is None}
    assert {pid for pid in residents if age_on(persons[pid].birth_date, TODAY) >= 80} == oldest


def test_register_workers_look_after_the_persons_grid(db, summary):
    grid_of_household = {h.id: h.grid_id for h in _rows(db, Household)}
    grid_of_person = {m.person_id: grid_of_household[m.household_id] for m in _rows(db, Membership)}
    worker_grids = {link.user_id: link.grid_id for link in _rows(db, UserGrid)}
    for entry in _rows(db, RegisterEntry):
        assert worker_grids[entry.worker_id] == grid_of_person[entry.person_id]


def test_visits_lie_in_the_past_twelve_months(db, summary):
    roles = {u.id: u.role for u in _rows(db, User)}
    for visit in _rows(db, Visit):
        if visit.done_on is not None:
            assert TODAY - timedelta(days=365) < visit.done_on <= TODAY
            assert visit.content
        else:
            assert visit.planned_on is not None
        assert roles[visit.worker_id] in ("grid_worker", "director", "staff")
    done_by_grid_workers = [v for v in _rows(db, Visit) if roles[v.worker_id] == "grid_worker"]
    assert len(done_by_grid_workers) > len(_rows(db, Visit)) * 0.7


def test_request_states_follow_their_events(db, summary):
    events = defaultdict(list)
    for event in _rows(db, RequestEvent):
        events[event.request_id].append(event)
    requests = _rows(db, ResidentRequest)
    assert requests
    for r in requests:
        history = events[r.id]
        assert history[0].from_state == "" and history[0].to_state == "received"
        assert all(a.to_state == b.from_state and a.at <= b.at for a, b in pairwise(history))
        assert history[-1].to_state == r.state and history[0].at == r.received_at
        assert (r.closed_at is not None) == (r.state in ("closed", "rated"))
        assert bool(r.satisfaction) == (r.state == "rated")
        assert (r.assignee_id is None) == (r.state == "received")
        hours = db.settings.deadline_hours(r.category, r.urgency)
        assert r.deadline_at == r.received_at + timedelta(hours=hours)
        assert re.fullmatch(rf"S{r.received_at:%Y%m%d}-\d{{4}}", r.number)


def test_services_continue_after_the_demo(db, summary, admin):
    """New households and requests get the next numbers (and, on PostgreSQL, free ids)."""
    grid_id = _rows(db, Household)[0].grid_id
    draft = HouseholdDraft(grid_id=grid_id, address="新村1号", members=(
        person("新住户", "02", date(1990, 1, 1), seq=777),
    ))
    with UnitOfWork(db, admin) as uow:
        saved = register_household(uow, draft).household
    assert saved.number == f"H{summary.households + 1:06d}"
    today_count = sum(1 for r in _rows(db, ResidentRequest) if r.received_at.date() == TODAY)
    with UnitOfWork(db, admin) as uow:
        record = receive(uow, channel="window", category="other", urgency="normal",
                         description="测试", grid_id=grid_id)
    assert record.number == f"S{TODAY:%Y%m%d}-{today_count + 1:04d}"
    assert saved.members[0].id > max(p.id for p in _rows(db, Person) if p.name != "新住户")


def test_a_larger_community_has_a_realistic_mix(db, community_id):
    result = demo.generate(db, households=800, seed=7)
    persons = _rows(db, Person)
    kinds = Counter(p.population_type for p in persons)
    assert 0.72 < kinds["registered"] / len(persons) < 0.88
    assert 0.10 < kinds["floating"] / len(persons) < 0.26
    assert kinds["overseas"] > 0
    assert 0.02 < sum(p.ethnicity not in ("01", "97") for p in persons) / len(persons) < 0.10
    assert result.grids == 2
    assert {r.state for r in _rows(db, ResidentRequest)} == set(STATES)
    ages = Counter(min(age_on(p.birth_date, TODAY) // 20, 4) for p in persons if p.deceased_on is None)
    assert ages[4] > 0 and ages[0] > 0  # 80+ and children


# --- small pieces and the benchmark ---------------------------------------------------------


def test_chinese_numbers_for_grid_names():
    assert [chinese_number(n) for n in (1, 10, 12, 20, 45, 100, 105, 110, 167)] == [
        "一", "十", "十二", "二十", "四十五", "一百", "一百零五", "一百一十", "一百六十七"]


def test_bench_quick_prints_figures(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert all(re.fullmatch(r"[a-z0-9_]+: \S+( [A-Za-z%]+)?", line) for line in lines), lines
    names = {line.split(":")[0] for line in lines}
    assert {"search_query_p50", "search_query_p95", "search_query_max", "stats_overview",
            "month_figures", "target_search_le_20ms"} <= names
    assert int(dict(line.split(": ", 1) for line in lines)["search_queries"].split()[0]) >= 200
