"""Service log (走访/服务记录): log and plan visits, complete plans, and see what is due this week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from models import Grid, Household, Person, User, Visit
from station import audit, month_locks
from station.accounts.users import load_worker
from station.errors import ValidationError
from station.messages import Term
from station.permissions import require
from station.registers.entries import list_entries
from station.registers.records import RegisterEntryRecord
from station.residents.loading import current_membership, load_household, load_person
from station.scope import community_clause, grid_clause, load_visible
from station.search.list_search import person_condition
from station.text_rules import text_for
from station.uow import UnitOfWork
from station.visits.records import DueVisitRecord, VisitRecord

VISIT_KINDS = {
    "home_visit": "入户走访",
    "phone_visit": "电话探访",
    "proxy": "代办服务",
    "policy": "政策宣传",
    "mediation": "矛盾调解",
    "assistance": "帮扶救助",
    "health": "健康服务",
    "other": "其他",
}


# --- writes ---------------------------------------------------------------------------------


def log_visit(uow: UnitOfWork, *, kind: str, worker_id: int, household_id: int | None = None,
              person_id: int | None = None, planned_on: date | None = None,
              done_on: date | None = None, content: str = "",
              follow_up_on: date | None = None) -> VisitRecord:
    """Record a visit or service: done today unless dated, or only planned when just planned_on is given."""
    require(uow.actor, "visits.write")
    kind = _kind(kind)
    if done_on is None and planned_on is None:
        done_on = uow.today()
    household, person = _visited(uow, household_id, person_id)
    month_locks.refuse_if_locked(uow, household.community_id, done_on, field="done_on")
    content = _check_dates(uow, planned_on, done_on, content, follow_up_on)
    visit = Visit(
        community_id=household.community_id, grid_id=household.grid_id, household_id=household.id,
        person_id=person.id if person else None,
        worker_id=load_worker(uow, worker_id, household.community_id).id, kind=kind,
        planned_on=planned_on, done_on=done_on, content=content, follow_up_on=follow_up_on,
    )
    uow.session.add(visit)
    uow.flush()
    audit.record(uow, "create", "visit", visit.id, new=audit.snapshot(visit),
                 community_id=visit.community_id)
    uow.commit()
    return _record_by_id(uow, visit.id)


def plan_visit(uow: UnitOfWork, *, kind: str, worker_id: int, planned_on: date,
               household_id: int | None = None, person_id: int | None = None,
               content: str = "") -> VisitRecord:
    """Plan a visit for a day from today on; complete_visit records it as done."""
    if planned_on is None:
        raise ValidationError("visits.planned_on_missing", field="planned_on")
    return log_visit(uow, kind=kind, worker_id=worker_id, household_id=household_id,
                     person_id=person_id, planned_on=planned_on, content=content)


def complete_visit(uow: UnitOfWork, visit_id: int, done_on: date, content: str,
                   follow_up_on: date | None, expected_version: int) -> VisitRecord:
    """Record a planned visit as done."""
    require(uow.actor, "visits.write")
    visit = _load_visit(uow, visit_id, expected_version)
    month_locks.refuse_if_locked(uow, visit.community_id, done_on, field="done_on")
    if visit.done_on is not None:
        raise ValidationError("visits.already_done", field="done_on")
    if done_on is None:
        raise ValidationError("visits.done_on_missing", field="done_on")
    content = _check_dates(uow, visit.planned_on, done_on, content, follow_up_on)
    before = audit.snapshot(visit)
    visit.done_on, visit.content, visit.follow_up_on = done_on, content, follow_up_on
    uow.flush()
    old, new = audit.changes(before, audit.snapshot(visit))
    audit.record(uow, "complete", "visit", visit.id, old=old, new=new,
                 community_id=visit.community_id)
    uow.commit()
    return _record_by_id(uow, visit.id)


# --- reads ----------------------------------------------------------------------------------


def list_visits(uow: UnitOfWork, *, worker_id: int | None = None, grid_id: int | None = None,
                kind: str | None = None, date_from: date | None = None,
                date_to: date | None = None, limit: int = 500, query: str | None = None) -> list[VisitRecord]:
    """Visits the actor may see, newest first; dates filter on the done (else planned) day; a query
    keeps the visits to the people or households it finds (as the ledger's search box)."""
    require(uow.actor, "visits.read")
    day = func.coalesce(Visit.done_on, Visit.planned_on)
    conditions = []
    if worker_id is not None:
        conditions.append(Visit.worker_id == worker_id)
    if grid_id is not None:
        conditions.append(Visit.grid_id == grid_id)
    if kind is not None:
        conditions.append(Visit.kind == _kind(kind))
    if date_from is not None:
        conditions.append(day >= date_from)
    if date_to is not None:
        conditions.append(day <= date_to)
    found = person_condition(query, Visit.person_id, Visit.household_id, members_of_household=True)
    if found is not None:
        conditions.append(found)
    return _records(uow, *conditions, limit=limit)


def visits_for_household(uow: UnitOfWork, household_id: int) -> list[VisitRecord]:
    """Every visit to one household, newest first."""
    require(uow.actor, "visits.read")
    load_household(uow, household_id)
    return _records(uow, Visit.household_id == household_id)


def visits_for_person(uow: UnitOfWork, person_id: int, household_ids: Iterable[int] = ()) -> list[VisitRecord]:
    """Visits to one person, and household-wide ones (no person named) to `household_ids`, newest first."""
    require(uow.actor, "visits.read")
    households = sorted(set(household_ids))
    whole_household = and_(Visit.person_id.is_(None), Visit.household_id.in_(households))
    return _records(uow, or_(Visit.person_id == person_id, whole_household) if households
                    else Visit.person_id == person_id)


def due_this_week(uow: UnitOfWork, worker_id: int | None = None,
                  today: date | None = None) -> list[DueVisitRecord]:
    """Visits to make by Sunday: register entries due or overdue, and planned visits not yet done.

    Sorted by worker (unassigned last), then due date. A person with a pending planned visit is
    listed once, by the plan.
    """
    require(uow.actor, "visits.read")
    today = today or uow.today()
    week_end = today + timedelta(days=6 - today.weekday())
    plans = _pending_plans(uow, worker_id, week_end, today)
    planned_people = {plan.person_id for plan in plans if plan.person_id is not None}
    entries = [
        entry for entry in list_entries(uow)
        if entry.next_visit_due is not None and entry.next_visit_due <= week_end
        and (worker_id is None or entry.worker_id == worker_id)
        and entry.person_id not in planned_people
    ]
    items = plans + [_due_from_entry(entry, today) for entry in entries]
    return sorted(items, key=lambda d: (d.worker_id is None, d.worker_name, d.worker_id or 0,
                                        d.due_on, d.person_name, d.household_number))


def _pending_plans(uow: UnitOfWork, worker_id: int | None, week_end: date,
                   today: date) -> list[DueVisitRecord]:
    """Planned visits not done by the end of the week, including overdue plans of earlier weeks."""
    conditions = [Visit.done_on.is_(None), Visit.planned_on <= week_end]
    if worker_id is not None:
        conditions.append(Visit.worker_id == worker_id)
    return [_due_from_plan(record, today) for record in _records(uow, *conditions)]


def _due_from_plan(visit: VisitRecord, today: date) -> DueVisitRecord:
    assert visit.planned_on is not None
    return DueVisitRecord(
        source="plan", worker_id=visit.worker_id, worker_name=visit.worker_name,
        due_on=visit.planned_on, overdue=visit.planned_on < today, person_id=visit.person_id,
        person_name=visit.person_name, household_id=visit.household_id,
        household_number=visit.household_number, grid_id=visit.grid_id,
        grid_name=visit.grid_name, what=visit.kind_name, visit_id=visit.id,
        visit_version=visit.version,
    )


def _due_from_entry(entry: RegisterEntryRecord, today: date) -> DueVisitRecord:
    assert entry.next_visit_due is not None
    return DueVisitRecord(
        source="register", worker_id=entry.worker_id, worker_name=entry.worker_name,
        due_on=entry.next_visit_due, overdue=entry.next_visit_due < today,
        person_id=entry.person_id, person_name=entry.person_name,
        household_id=entry.household_id, household_number=entry.household_number,
        grid_id=entry.grid_id, grid_name=entry.grid_name, what=entry.category_name,
        entry_id=entry.id,
    )


# --- checks ---------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in VISIT_KINDS:
        raise ValidationError("visits.kind_missing", field="kind")
    return kind


def _visited(uow: UnitOfWork, household_id: int | None,
             person_id: int | None) -> tuple[Household, Person | None]:
    """The household visited (a person's current one) and the person, if one was named."""
    if person_id is None:
        if household_id is None:
            raise ValidationError("visits.target_missing", field="household_id")
        return load_household(uow, household_id), None
    person = load_person(uow, person_id)
    membership = current_membership(uow, person.id)
    if membership is None:
        raise ValidationError("visits.person_without_household", name=person.name, field="person_id")
    if household_id is not None and household_id != membership.household_id:
        raise ValidationError("visits.person_not_in_household", name=person.name, field="person_id")
    return load_household(uow, membership.household_id), person


def _check_dates(uow: UnitOfWork, planned_on: date | None, done_on: date | None, content: str,
                 follow_up_on: date | None) -> str:
    """Validate the dates and content of a done or planned visit; return the content."""
    content = text_for("visits.content", content)
    if done_on is None:
        if planned_on is not None and planned_on < uow.today():
            raise ValidationError("visits.planned_in_past", field="planned_on")
        if follow_up_on is not None:
            raise ValidationError("visits.follow_up_before_done", field="follow_up_on")
        return content
    if done_on > uow.today():
        raise ValidationError("visits.done_in_future", field="done_on")
    if not content:
        raise ValidationError("visits.content_missing", field="content")
    if follow_up_on is not None and follow_up_on <= done_on:
        raise ValidationError("visits.follow_up_not_after", field="follow_up_on")
    return content


def _load_visit(uow: UnitOfWork, visit_id: int, expected_version: int | None = None) -> Visit:
    return load_visible(uow, Visit, visit_id, Term("things.visit"), field="visit_id",
                        expected_version=expected_version)


# --- records --------------------------------------------------------------------------------


def _records(uow: UnitOfWork, *conditions, limit: int | None = None) -> list[VisitRecord]:
    actor = uow.actor
    day = func.coalesce(Visit.done_on, Visit.planned_on)
    query = (
        select(Visit, Grid.name, Household.number, Person.name, User.display_name)
        .join(Grid, Grid.id == Visit.grid_id)
        .outerjoin(Household, Household.id == Visit.household_id)
        .outerjoin(Person, Person.id == Visit.person_id)
        .join(User, User.id == Visit.worker_id)
        .where(community_clause(actor, Visit.community_id), grid_clause(actor, Visit.grid_id),
               *conditions)
        .order_by(day.desc(), Visit.id.desc())
        .limit(limit)
    )
    return [_record(*row) for row in uow.session.execute(query)]


def _record_by_id(uow: UnitOfWork, visit_id: int) -> VisitRecord:
    return _records(uow, Visit.id == visit_id)[0]


def _record(visit: Visit, grid_name: str, household_number: str | None, person_name: str | None,
            worker_name: str) -> VisitRecord:
    return VisitRecord(
        id=visit.id, community_id=visit.community_id, grid_id=visit.grid_id, grid_name=grid_name,
        household_id=visit.household_id, household_number=household_number or "",
        person_id=visit.person_id, person_name=person_name or "", worker_id=visit.worker_id,
        worker_name=worker_name, kind=visit.kind, kind_name=VISIT_KINDS.get(visit.kind, visit.kind),
        planned_on=visit.planned_on, done_on=visit.done_on, content=visit.content,
        follow_up_on=visit.follow_up_on, version=visit.version,
    )
