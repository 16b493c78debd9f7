"""Household operations, each one transaction: register, edit, move out, split, merge."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from models import Building, Grid, Household, Membership, Person
from station import audit, month_locks
from station.codes import HEAD, HOUSEHOLD_KINDS, KIND_POPULATION
from station.counters import next_value
from station.errors import StationError, ValidationError
from station.ledger.household_checks import plan_merge, plan_move_out, plan_split
from station.ledger.queries import household_record
from station.ledger.records import HouseholdDraft, SaveResult
from station.messages import Term
from station.permissions import require
from station.phone import parse_phone
from station.places.directory import unit_id_for
from station.places.lookup import check_building, load_grid
from station.registers.entries import close_entries_for_person
from station.residents.kinship import sex_relation_warning
from station.residents.loading import load_household
from station.residents.memberships import check_on_date, check_one_head, join, leave, touch
from station.residents.people import insert_person, same_name_warning
from station.residents.records import Warning
from station.residents.rules import CleanPerson, clean_person
from station.search import lookup as search
from station.text_rules import text_for
from station.uow import UnitOfWork


@dataclass(frozen=True)
class Location:
    """Where a household lives; used when registering, editing and splitting."""

    grid_id: int
    building_id: int | None = None
    unit: str = ""
    room: str = ""
    address: str = ""


def register_household(uow: UnitOfWork, draft: HouseholdDraft) -> SaveResult:
    """Register a household with its members; refuses the whole household on any bad member."""
    require(uow.actor, "ledger.write")
    today = uow.today()
    cleaned = [_clean_member(draft, index, today) for index, _ in enumerate(draft.members)]
    check_one_head([c.relation for c in cleaned])
    _refuse_ids_twice([c.values["id_number"] for c in cleaned])
    location = Location(draft.grid_id, draft.building_id, draft.unit, draft.room, draft.address)
    household = _new_household(uow, replace(draft, phone=draft.phone.strip() or _head_phone(cleaned)), location)
    on = check_on_date(draft.registered_on, uow, Term("labels.registered_on"))
    month_locks.refuse_if_locked(uow, household.community_id, on, field="registered_on")
    warnings: list[Warning] = []
    for number, clean in enumerate(cleaned, start=1):
        values = clean.values
        notes = (same_name_warning(uow, clean),
                 sex_relation_warning(values["name"], values["sex"], clean.relation))
        warnings.extend(note for note in notes if note)
        person = _insert_member(uow, clean, household.community_id, number)
        join(uow, household, person, clean.relation, on)
    uow.flush()
    record = household_record(uow, household)
    search.reindex_persons(uow, [m.id for m in record.members])
    audit.record(uow, "register", "household", household.id, new=_summary(record),
                 community_id=household.community_id)
    uow.commit()
    return SaveResult(record, tuple(warnings))


def update_household(uow: UnitOfWork, household_id: int, expected_version: int, *,
                     location: Location | None = None, phone: str | None = None,
                     notes: str | None = None, kind: str | None = None) -> SaveResult:
    """Edit a household's address, phone, kind or notes."""
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    before = audit.snapshot(household)
    if location is not None:
        _place(uow, household, location)
    if phone is not None:
        household.phone = parse_phone(phone)
    if notes is not None:
        household.notes = text_for("households.notes", notes)
    if kind is not None:
        household.kind = _kind(kind)
    uow.flush()
    old, new = audit.changes(before, audit.snapshot(household))
    if location is not None:
        search.reindex_household(uow, household.id)
    audit.record(uow, "update", "household", household.id, old=old, new=new,
                 community_id=household.community_id)
    uow.commit()
    return SaveResult(household_record(uow, household))


def move_out(uow: UnitOfWork, household_id: int, expected_version: int, *,
             on: date | None = None, reason: str = "迁出") -> SaveResult:
    """The whole household moves out: members leave, the household is kept as history."""
    plan = plan_move_out(uow, household_id, expected_version, on, reason)
    household, on, reason = plan.household, plan.on, plan.reason
    for membership in plan.members:
        leave(membership, on, reason)
        membership_person(uow, membership).moved_out_on = on
        close_entries_for_person(uow, membership.person_id, on, reason)
    household.status, household.moved_out_on = "moved_out", on
    uow.flush()
    search.reindex_persons(uow, [m.person_id for m in plan.members])
    audit.record(uow, "move_out", "household", household.id, new={"on": on, "reason": reason},
                 community_id=household.community_id)
    uow.commit()
    return SaveResult(household_record(uow, household))


def check_move_out(uow: UnitOfWork, household_id: int, expected_version: int, *,
                   on: date | None = None, reason: str = "迁出") -> tuple[Warning, ...]:
    """move_out's checks without saving."""
    plan_move_out(uow, household_id, expected_version, on, reason)
    return ()


def split_household(uow: UnitOfWork, household_id: int, expected_version: int, *,
                    relations: dict[int, str], location: Location,
                    number: str = "", on: date | None = None) -> SaveResult:
    """Members listed in `relations` (person id → relation in the new household) form a new one."""
    plan = plan_split(uow, household_id, expected_version, relations, on)
    source, memberships = plan.source, plan.memberships
    draft = HouseholdDraft(grid_id=location.grid_id, members=(), number=number, kind=source.kind,
                           phone=source.phone)
    target = _new_household(uow, draft, location)
    for person_id, relation in plan.new_relations.items():
        leave(memberships[person_id], plan.on, "分户")
        join(uow, target, membership_person(uow, memberships[person_id]), relation, plan.on)
    touch(uow, source)
    uow.flush()
    search.reindex_persons(uow, list(plan.new_relations))
    audit.record(uow, "split", "household", source.id,
                 new={"new_household": target.id, "persons": sorted(plan.new_relations)},
                 community_id=source.community_id)
    uow.commit()
    return SaveResult(household_record(uow, target), plan.warnings)


def check_split_household(uow: UnitOfWork, household_id: int, expected_version: int, *,
                          relations: dict[int, str], location: Location,
                          number: str = "", on: date | None = None) -> tuple[Warning, ...]:
    """split_household's checks without saving (the new place too)."""
    plan = plan_split(uow, household_id, expected_version, relations, on)
    _check_place(uow, location)
    return plan.warnings


def merge_households(uow: UnitOfWork, source_id: int, source_version: int, target_id: int,
                     target_version: int, *, relations: dict[int, str],
                     on: date | None = None) -> SaveResult:
    """Everyone in `source` joins `target` with a new relation to target's head; source closes."""
    plan = plan_merge(uow, source_id, source_version, target_id, target_version, relations, on)
    source, target = plan.source, plan.target
    for membership in plan.moving:
        leave(membership, plan.on, "合户")
        join(uow, target, membership_person(uow, membership), plan.new_relations[membership.person_id],
             plan.on)
    source.status, source.moved_out_on = "cancelled", plan.on
    touch(uow, target)
    uow.flush()
    search.reindex_persons(uow, list(plan.new_relations))
    audit.record(uow, "merge", "household", target.id, new={"merged": source.id},
                 community_id=target.community_id)
    uow.commit()
    return SaveResult(household_record(uow, target), plan.warnings)


def check_merge_households(uow: UnitOfWork, source_id: int, source_version: int, target_id: int,
                           target_version: int, *, relations: dict[int, str],
                           on: date | None = None) -> tuple[Warning, ...]:
    """merge_households's checks without saving."""
    return plan_merge(uow, source_id, source_version, target_id, target_version, relations, on).warnings


def membership_person(uow: UnitOfWork, membership: Membership) -> Person:
    return uow.session.get_one(Person, membership.person_id)


def _clean_member(draft: HouseholdDraft, index: int, today: date) -> CleanPerson:
    """The form's member, checked; a member whose population type is not given takes the kind's."""
    member = draft.members[index]
    if not member.population_type.strip():
        member = replace(member, population_type=KIND_POPULATION.get(draft.kind, "registered"))
    try:
        return clean_person(member, today)
    except ValidationError as error:
        raise error.with_index(index + 1) from error


def _head_phone(cleaned: list[CleanPerson]) -> str:
    """The head's phone: a household registered without its own phone is reached through them."""
    return next((clean.values["phone"] for clean in cleaned if clean.relation == HEAD), "")


def _insert_member(uow: UnitOfWork, clean: CleanPerson, community_id: int, number: int) -> Person:
    """The form's `number`-th member, inserted; a refusal (an ID already registered) names them."""
    try:
        return insert_person(uow, clean, community_id)
    except StationError as error:
        raise error.with_index(number) from error


def _refuse_ids_twice(id_numbers: list[str]) -> None:
    seen = set()
    for index, number in enumerate(id_numbers, start=1):
        if number in seen:
            raise ValidationError("ledger.id_twice", field="id_number", index=index)
        seen.add(number)


def _new_household(uow: UnitOfWork, draft: HouseholdDraft, location: Location) -> Household:
    grid = load_grid(uow, location.grid_id)
    number = text_for("households.number", draft.number) or f"H{next_value(uow, grid.community_id, 'household'):06d}"
    if uow.session.scalar(select(Household.id).where(
            Household.community_id == grid.community_id, Household.number == number)):
        raise ValidationError("ledger.number_taken", number=number, field="number")
    household = Household(community_id=grid.community_id, grid_id=grid.id, number=number,
                          kind=_kind(draft.kind), phone=parse_phone(draft.phone, field="household_phone"),
                          notes=text_for("households.notes", draft.notes))
    _place(uow, household, location)
    uow.session.add(household)
    uow.flush()
    return household


def _place(uow: UnitOfWork, household: Household, location: Location) -> None:
    grid, building, unit, room, address = _check_place(uow, location)
    household.grid_id = grid.id
    household.building_id = building.id if building else None
    household.unit_id = unit_id_for(uow, building.id, unit) if building and unit else None
    household.room, household.address = room, address


def _check_place(uow: UnitOfWork, location: Location) -> tuple[Grid, Building | None, str, str, str]:
    """The grid and building (checked) and the unit, room and address texts of a location."""
    unit, room = text_for("units.name", location.unit), text_for("households.room", location.room)
    address = text_for("households.address", location.address)
    grid = load_grid(uow, location.grid_id)
    building = check_building(uow, location.building_id, grid.id)
    if building is None and not address:
        raise ValidationError("ledger.place_missing", field="address")
    return grid, building, unit, room, address


def _kind(kind: str) -> str:
    if kind not in HOUSEHOLD_KINDS:
        raise ValidationError("ledger.unknown_kind", kind=kind, field="kind")
    return kind


def _summary(record) -> dict:
    return {
        "number": record.number, "grid_id": record.grid_id, "building_id": record.building_id,
        "room": record.room, "address": record.address,
        "members": [{"person_id": m.id, "name": m.name, "relation": m.relation} for m in record.members],
    }
