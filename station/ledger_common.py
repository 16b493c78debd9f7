"""Building blocks shared by the household and member operations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Building, Grid, Household, Membership, Person

from .codes import HEAD
from .errors import DuplicateError, ValidationError
from .idcard import mask_id
from .person_rules import CleanPerson
from .records import Warning
from .scope import load_visible
from .uow import UnitOfWork


def load_household(uow: UnitOfWork, household_id: int, expected_version: int | None = None) -> Household:
    """The household if the actor may see it, refusing a stale version."""
    return load_visible(uow, Household, household_id, "户", field="household",
                        expected_version=expected_version)


def load_person(uow: UnitOfWork, person_id: int, expected_version: int | None = None) -> Person:
    """The person if the actor may see them (through their current household's grid)."""
    return load_visible(uow, Person, person_id, "人员", field="person", expected_version=expected_version,
                        grid_of=lambda person: home_grid(uow, person.id))


def home_grid(uow: UnitOfWork, person_id: int) -> int | None:
    """The grid of the person's current household (None: not living in one)."""
    membership = current_membership(uow, person_id)
    household = uow.session.get(Household, membership.household_id) if membership else None
    return household.grid_id if household else None


def load_grid(uow: UnitOfWork, grid_id: int) -> Grid:
    return load_visible(uow, Grid, grid_id, "网格", field="grid_id", grid_of=lambda grid: grid.id)


def check_building(uow: UnitOfWork, building_id: int | None, grid_id: int) -> Building | None:
    if building_id is None:
        return None
    building = uow.session.get(Building, building_id)
    if building is None or building.grid_id != grid_id:
        raise ValidationError("楼栋不属于所选网格", field="building_id")
    return building


def current_membership(uow: UnitOfWork, person_id: int) -> Membership | None:
    return uow.session.scalar(
        select(Membership).where(Membership.person_id == person_id, Membership.left_on.is_(None))
    )


def current_members(uow: UnitOfWork, household_id: int) -> list[Membership]:
    return list(
        uow.session.scalars(
            select(Membership)
            .where(Membership.household_id == household_id, Membership.left_on.is_(None))
            .order_by(Membership.id)
        )
    )


def refuse_duplicate_id(uow: UnitOfWork, id_number: str, *, except_person: int | None = None) -> None:
    """An ID number already in the database stops the save, pointing at the existing person."""
    existing = uow.session.scalar(select(Person).where(Person.id_number == id_number))
    if existing is not None and existing.id != except_person:
        raise DuplicateError(
            f"身份证号 {mask_id(id_number)} 已登记为“{existing.name}”,请打开已有人员",
            field="id_number",
            existing_id=existing.id,
        )


def same_name_warning(uow: UnitOfWork, clean: CleanPerson, except_person: int | None = None) -> Warning | None:
    """Same name and birth date as someone else: worth a look, not a refusal (namesakes exist)."""
    values = clean.values
    twin = uow.session.scalar(
        select(Person.id).where(
            Person.name == values["name"],
            Person.birth_date == values["birth_date"],
            Person.id != (except_person or -1),
        )
    )
    if twin is None:
        return None
    return Warning("name", f"已有同名且出生日期相同的人员“{values['name']}”,请核实是否重复登记", twin)


def insert_person(uow: UnitOfWork, clean: CleanPerson, community_id: int) -> Person:
    refuse_duplicate_id(uow, clean.values["id_number"])
    person = Person(community_id=community_id, **clean.values)
    uow.session.add(person)
    uow.flush()
    return person


def join(uow: UnitOfWork, household: Household, person: Person, relation: str, on: date) -> Membership:
    membership = Membership(household_id=household.id, person_id=person.id, relation=relation, joined_on=on)
    uow.session.add(membership)
    return membership


def leave(membership: Membership, on: date, reason: str) -> None:
    membership.left_on = on
    membership.left_reason = reason


def touch(uow: UnitOfWork, household: Household) -> None:
    """Bump the household's version so a concurrent edit of its members is refused."""
    household.updated_at = uow.now()


def check_one_head(relations: list[str]) -> None:
    """Exactly one 户主 per household, at all times."""
    heads = relations.count(HEAD)
    if heads == 0:
        raise ValidationError("每户必须有一名户主", field="relation")
    if heads > 1:
        raise ValidationError("每户只能有一名户主", field="relation")


def check_on_date(on: date | None, uow: UnitOfWork, label: str) -> date:
    on = on or uow.today()
    if on > uow.today():
        raise ValidationError(f"{label}不能晚于今天", field="on")
    return on
