"""Everything a member operation checks, without writing: the household file's dialogs ask these
before the confirmation (check first, confirm second), and the operations in station.ledger.members run
the same plan again inside their transaction, so a check can never be skipped.

Each `plan_*` loads what the operation changes and raises ValidationError on the first problem; its
`warnings` are plausibility notes the confirmation shows and the clerk may accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import Household, Membership, Person
from station import month_locks
from station.codes import HEAD, relation_code
from station.errors import ValidationError
from station.ledger.records import PersonDraft, Warning
from station.messages import Term
from station.permissions import require
from station.residents.kinship import sex_relation_warning
from station.residents.loading import (
    current_members,
    current_membership,
    load_household,
    load_person,
)
from station.residents.memberships import check_on_date, check_one_head
from station.residents.people import refuse_duplicate_id, same_name_warning
from station.residents.rules import CleanPerson, clean_person
from station.text_rules import text_for
from station.uow import UnitOfWork

Warnings = tuple[Warning, ...]


@dataclass
class AddPlan:
    household: Household
    clean: CleanPerson
    on: date
    warnings: Warnings


@dataclass
class LeavePlan:
    household: Household
    membership: Membership
    reason: str
    on: date


@dataclass
class TransferPlan:
    source: Household
    target: Household
    membership: Membership
    code: str
    on: date
    warnings: Warnings


@dataclass
class HeadPlan:
    household: Household
    members: dict[int, Membership]
    new_codes: dict[int, str]
    warnings: Warnings


@dataclass
class DeathPlan:
    person: Person
    on: date
    membership: Membership | None
    household: Household | None
    others: list[Membership]
    new_codes: dict[int, str]  # the survivors' relations when the head died; else empty
    warnings: Warnings


def plan_add_member(uow: UnitOfWork, household_id: int, expected_version: int, draft: PersonDraft,
                    on: date | None) -> AddPlan:
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    require_active(household)
    clean = clean_person(draft, uow.today())
    if clean.relation == HEAD:
        raise ValidationError("ledger.has_head", field="relation")
    day = check_on_date(on or draft.moved_in_on, uow, Term("labels.joined_on"))
    month_locks.refuse_if_locked(uow, household.community_id, day, field="on")
    refuse_duplicate_id(uow, clean.values["id_number"])
    notes = (same_name_warning(uow, clean),
             sex_relation_warning(clean.values["name"], clean.values["sex"], clean.relation))
    return AddPlan(household, clean, day, tuple(note for note in notes if note))


def plan_remove_member(uow: UnitOfWork, household_id: int, expected_version: int, person_id: int,
                       reason: str, on: date | None) -> LeavePlan:
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    membership = membership_in(uow, household.id, person_id)
    if membership.relation == HEAD:
        raise ValidationError("ledger.remove_head", field="person")
    reason = text_for("memberships.left_reason", reason)
    day = check_on_date(on, uow, Term("labels.moved_out_on"))
    month_locks.refuse_if_locked(uow, household.community_id, day, field="on")
    refuse_leaving_before_joining(uow, membership, day, Term("labels.moved_out_on"))
    return LeavePlan(household, membership, reason, day)


def plan_transfer_member(uow: UnitOfWork, source_id: int, source_version: int, person_id: int,
                         target_id: int, target_version: int, relation: str, on: date | None) -> TransferPlan:
    require(uow.actor, "ledger.write")
    if source_id == target_id:
        raise ValidationError("ledger.same_household", field="household")
    source = load_household(uow, source_id, source_version)
    target = load_household(uow, target_id, target_version)
    require_active(target)
    membership = membership_in(uow, source.id, person_id)
    if membership.relation == HEAD:
        raise ValidationError("ledger.transfer_head", field="person")
    code = relation_code(relation)
    if code == HEAD:
        raise ValidationError("ledger.target_has_head", field="relation")
    day = check_on_date(on, uow, Term("labels.transferred_on"))
    month_locks.refuse_if_locked(uow, source.community_id, day, field="on")
    refuse_leaving_before_joining(uow, membership, day, Term("labels.transferred_on"))
    return TransferPlan(source, target, membership, code, day, sex_warnings(uow, {person_id: code}))


def plan_change_head(uow: UnitOfWork, household_id: int, expected_version: int, new_head_id: int,
                     relations: dict[int, str]) -> HeadPlan:
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    require_active(household)
    members = {m.person_id: m for m in current_members(uow, household.id)}
    if new_head_id not in members:
        raise ValidationError("ledger.new_head_not_member", field="person")
    new_codes = _new_relations(uow, members, new_head_id, relations)
    return HeadPlan(household, members, new_codes, sex_warnings(uow, new_codes))


def plan_record_death(uow: UnitOfWork, person_id: int, expected_version: int, on: date,
                      new_head_id: int | None, relations: dict[int, str]) -> DeathPlan:
    require(uow.actor, "ledger.write")
    person = load_person(uow, person_id, expected_version)
    if person.deceased_on is not None:
        raise ValidationError("ledger.already_deceased", field="deceased_on")
    day = check_on_date(on, uow, Term("labels.deceased_on"))
    month_locks.refuse_if_locked(uow, person.community_id, day, field="deceased_on")
    if day < person.birth_date:
        raise ValidationError("ledger.death_before_birth", field="deceased_on")
    membership = current_membership(uow, person_id)
    if membership is None:
        return DeathPlan(person, day, None, None, [], {}, ())
    refuse_leaving_before_joining(uow, membership, day, Term("labels.deceased_on"))
    household = load_household(uow, membership.household_id)
    others = [m for m in current_members(uow, household.id) if m.person_id != person_id]
    new_codes: dict[int, str] = {}
    if membership.relation == HEAD and others:
        if new_head_id is None:
            raise ValidationError("ledger.new_head_needed", field="new_head")
        by_person = {m.person_id: m for m in others}
        if new_head_id not in by_person:
            raise ValidationError("ledger.new_head_not_member", field="new_head")
        new_codes = _new_relations(uow, by_person, new_head_id, relations)
    return DeathPlan(person, day, membership, household, others, new_codes, sex_warnings(uow, new_codes))


def refuse_leaving_before_joining(uow: UnitOfWork, membership: Membership, on: date, label: Term) -> None:
    """Nobody leaves a household (or dies in it) before the day they joined it."""
    if on < membership.joined_on:
        name = uow.session.get_one(Person, membership.person_id).name
        raise ValidationError("ledger.leaves_before_joining", field="on", label=label, on=on, name=name,
                              joined=membership.joined_on)


def membership_in(uow: UnitOfWork, household_id: int, person_id: int) -> Membership:
    membership = current_membership(uow, person_id)
    if membership is None or membership.household_id != household_id:
        raise ValidationError("ledger.not_a_member", field="person")
    return membership


def require_active(household: Household) -> None:
    if household.status != "active":
        raise ValidationError("ledger.gone", field="status")


def _new_relations(uow: UnitOfWork, members: dict[int, Membership], new_head_id: int,
                   relations: dict[int, str]) -> dict[int, str]:
    """Every member's code under the new head (which is 户主); a relation is needed for each other one."""
    if set(relations) != set(members) - {new_head_id}:
        raise ValidationError("ledger.relations_missing", field="relation")
    new_codes = {}
    for person_id, typed in relations.items():
        try:
            new_codes[person_id] = relation_code(typed)
        except ValidationError as error:
            name = uow.session.get_one(Person, person_id).name
            raise ValidationError("ledger.member_problem", field="relation", name=name, problem=error) from error
    new_codes[new_head_id] = HEAD
    check_one_head(list(new_codes.values()))
    return new_codes


def sex_warnings(uow: UnitOfWork, codes: dict[int, str]) -> Warnings:
    """A warning for each person whose new relation names the other sex (see station.residents.kinship)."""
    notes = []
    for person_id, code in codes.items():
        person = uow.session.get_one(Person, person_id)
        note = sex_relation_warning(person.name, person.sex, code, person_id)
        if note:
            notes.append(note)
    return tuple(notes)
