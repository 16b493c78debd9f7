"""Visit lines for printed forms: visits done or planned, register visits due, with addresses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select

from models import Building, Household, Unit, User
from station.errors import NotFound
from station.masking import mask_text
from station.printing.common import place_text
from station.printing.records import VisitLine
from station.registers.records import RegisterEntryRecord
from station.scope import community_clause
from station.uow import UnitOfWork
from station.visits.records import VisitRecord


def visit_lines(uow: UnitOfWork, visits: Sequence[VisitRecord],
                due: Sequence[RegisterEntryRecord] = ()) -> list[VisitLine]:
    """Visits (in the given order) then due register visits, with their households' addresses."""
    places = _places(uow, [v.household_id for v in visits] + [e.household_id for e in due])
    lines = [_visit_line(visit, places.get(visit.household_id, "")) for visit in visits]
    return lines + [_due_line(entry, places.get(entry.household_id, "")) for entry in due]


def find_worker(uow: UnitOfWork, name: str) -> User:
    """An account of the actor's community by username, else by display name (must be unique)."""
    text = (name or "").strip()
    rows = list(uow.session.scalars(
        select(User).where(or_(User.username == text.lower(), User.display_name == text),
                           community_clause(uow.actor, User.community_id))
        .order_by(User.username != text.lower(), User.id)
    ))
    if not rows:
        raise NotFound("printing.worker_not_found", text=text, field="worker")
    if len(rows) > 1 and rows[0].username != text.lower():
        raise NotFound("printing.worker_ambiguous", text=text, field="worker")
    return rows[0]


def _visit_line(visit: VisitRecord, place: str) -> VisitLine:
    day = visit.done_on or visit.planned_on
    assert day is not None, "a visit is done or planned"
    return VisitLine(
        source="done" if visit.done_on else "plan", day=day, done_on=visit.done_on,
        household_number=visit.household_number, address=place, person_name=visit.person_name,
        kind_name=visit.kind_name, worker_name=visit.worker_name, content=mask_text(visit.content),
    )


def _due_line(entry: RegisterEntryRecord, place: str) -> VisitLine:
    assert entry.next_visit_due is not None, "only entries with a due date are listed"
    return VisitLine(
        source="register", day=entry.next_visit_due, done_on=None,
        household_number=entry.household_number, address=place, person_name=entry.person_name,
        kind_name=entry.category_name, worker_name=entry.worker_name, content="",
    )


def _places(uow: UnitOfWork, household_ids: Iterable[int | None]) -> dict[int | None, str]:
    wanted = sorted({household_id for household_id in household_ids if household_id is not None})
    if not wanted:
        return {}
    rows = uow.session.execute(
        select(Household.id, Household.address, Building.name, Unit.name, Household.room)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .where(Household.id.in_(wanted))
    )
    return {household_id: place_text(address, building or "", unit or "", room or "")
            for household_id, address, building, unit, room in rows}
