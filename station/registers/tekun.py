"""特困 candidates: persons who may qualify for 特困 support by age or disability; a worker decides."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, or_, select

from models import Grid, Household, Membership, Person, RegisterEntry
from station import codes
from station.dates import years_before
from station.idcard import age_on
from station.permissions import require
from station.registers.queries import current_membership_of
from station.registers.records import CandidateRecord
from station.scope import community_clause, grid_clause
from station.uow import UnitOfWork

TEKUN_PREFIX = "tekun_"
# 民发〔2021〕43号: disability grades that may mean no capacity to work (category → grades).
TEKUN_DISABILITY_GRADES = {"1": {"1"}, "4": {"1", "2"}, "5": {"1", "2", "3"}, "6": {"1", "2", "3"}}
TEKUN_OLD_AGE = 60
TEKUN_CHILD_AGE = 16


def tekun_candidates(uow: UnitOfWork) -> list[CandidateRecord]:
    """Flag persons who may qualify for 特困 support by age or disability; a worker decides."""
    require(uow.actor, "registers.read")
    today = uow.today()
    rows = uow.session.execute(_candidate_query(uow, today)).all()
    disabilities = _open_disabilities(uow, [row.id for row in rows])
    candidates = []
    for row in rows:
        age = age_on(row.birth_date, today)
        reasons = _age_reasons(age) + _disability_reasons(disabilities.get(row.id, []))
        if reasons:
            candidates.append(CandidateRecord(
                person_id=row.id, name=row.name, id_number=row.id_number, sex=row.sex,
                birth_date=row.birth_date, age=age, household_id=row.household_id,
                household_number=row.household_number or "", grid_id=row.grid_id,
                grid_name=row.grid_name or "", reasons=tuple(reasons),
            ))
    return candidates


def _candidate_query(uow: UnitOfWork, today: date):
    actor = uow.actor
    tekun = [code for code in uow.settings.registers.categories if code.startswith(TEKUN_PREFIX)]
    return (
        select(Person.id, Person.name, Person.id_number, Person.sex, Person.birth_date,
               Household.id.label("household_id"), Household.number.label("household_number"),
               Grid.id.label("grid_id"), Grid.name.label("grid_name"))
        .select_from(Person)
        .outerjoin(Membership, current_membership_of(Person.id))
        .outerjoin(Household, Household.id == Membership.household_id)
        .outerjoin(Grid, Grid.id == Household.grid_id)
        .where(
            community_clause(actor, Person.community_id), grid_clause(actor, Household.grid_id),
            Person.deceased_on.is_(None), Person.moved_out_on.is_(None),
            ~_open_entry_exists(RegisterEntry.category.in_(tekun)),
            or_(
                Person.birth_date <= years_before(today, TEKUN_OLD_AGE),
                Person.birth_date > years_before(today, TEKUN_CHILD_AGE),
                _open_entry_exists(RegisterEntry.category == "disabled"),
            ),
        )
        .order_by(Grid.code, Household.number, Person.birth_date, Person.id)
    )


def _open_entry_exists(condition):
    return exists().where(
        RegisterEntry.person_id == Person.id, RegisterEntry.end_on.is_(None), condition
    )


def _open_disabilities(uow: UnitOfWork, person_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    if not person_ids:
        return found
    rows = uow.session.execute(
        select(RegisterEntry.person_id, RegisterEntry.attributes).where(
            RegisterEntry.category == "disabled", RegisterEntry.end_on.is_(None),
            RegisterEntry.person_id.in_(person_ids),
        )
    )
    for person_id, attributes in rows:
        found.setdefault(person_id, []).append(attributes or {})
    return found


def _age_reasons(age: int) -> list[str]:
    if age >= TEKUN_OLD_AGE:
        return [f"年满{TEKUN_OLD_AGE}周岁({age}岁)"]
    if age < TEKUN_CHILD_AGE:
        return [f"未满{TEKUN_CHILD_AGE}周岁({age}岁)"]
    return []


def _disability_reasons(attribute_sets: list[dict]) -> list[str]:
    names, grades = codes.disability_categories(), codes.disability_grades()
    reasons = []
    for attributes in attribute_sets:
        category = attributes.get("disability_category", "")
        grade = attributes.get("disability_grade", "")
        if grade in TEKUN_DISABILITY_GRADES.get(category, ()):
            reasons.append(f"{names[category]}{grades[grade]}")
    return reasons


