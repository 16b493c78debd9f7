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
        raise ValidationError("该户已有户主;如需更换请使用“变更户主”", field="relation")
    day = check_on_date(on or draft.moved_in_on, uow, "入户日期")
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
        raise ValidationError("户主不能直接移出;请先变更户主或办理整户迁出", field="person")
    reason = text_for("memberships.left_reason", reason)
    day = check_on_date(on, uow, "迁出日期")
    month_locks.refuse_if_locked(uow, household.community_id, day, field="on")
    refuse_leaving_before_joining(uow, membership, day, "迁出日期")
    return LeavePlan(household, membership, reason, day)


def plan_transfer_member(uow: UnitOfWork, source_id: int, source_version: int, person_id: int,
                         target_id: int, target_version: int, relation: str, on: date | None) -> TransferPlan:
    require(uow.actor, "ledger.write")
    if source_id == target_id:
        raise ValidationError("目标户与原户相同", field="household")
    source = load_household(uow, source_id, source_version)
    target = load_household(uow, target_id, target_version)
    require_active(target)
    membership = membership_in(uow, source.id, person_id)
    if membership.relation == HEAD:
        raise ValidationError("户主不能转出;请先变更户主", field="person")
    code = relation_code(relation)
    if code == HEAD:
        raise ValidationError("目标户已有户主", field="relation")
    day = check_on_date(on, uow, "转户日期")
    month_locks.refuse_if_locked(uow, source.community_id, day, field="on")
    refuse_leaving_before_joining(uow, membership, day, "转户日期")
    return TransferPlan(source, target, membership, code, day, sex_warnings(uow, {person_id: code}))


def plan_change_head(uow: UnitOfWork, household_id: int, expected_version: int, new_head_id: int,
                     relations: dict[int, str]) -> HeadPlan:
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    require_active(household)
    members = {m.person_id: m for m in current_members(uow, household.id)}
    if new_head_id not in members:
        raise ValidationError("新户主必须是本户现有成员", field="person")
    new_codes = _new_relations(uow, members, new_head_id, relations)
    return HeadPlan(household, members, new_codes, sex_warnings(uow, new_codes))


def plan_record_death(uow: UnitOfWork, person_id: int, expected_version: int, on: date,
                      new_head_id: int | None, relations: dict[int, str]) -> DeathPlan:
    require(uow.actor, "ledger.write")
    person = load_person(uow, person_id, expected_version)
    if person.deceased_on is not None:
        raise ValidationError("已登记死亡", field="deceased_on")
    day = check_on_date(on, uow, "死亡日期")
    month_locks.refuse_if_locked(uow, person.community_id, day, field="deceased_on")
    if day < person.birth_date:
        raise ValidationError("死亡日期早于出生日期", field="deceased_on")
    membership = current_membership(uow, person_id)
    if membership is None:
        return DeathPlan(person, day, None, None, [], {}, ())
    refuse_leaving_before_joining(uow, membership, day, "死亡日期")
    household = load_household(uow, membership.household_id)
    others = [m for m in current_members(uow, household.id) if m.person_id != person_id]
    new_codes: dict[int, str] = {}
    if membership.relation == HEAD and others:
        if new_head_id is None:
            raise ValidationError("户主死亡后请指定新户主", field="new_head")
        by_person = {m.person_id: m for m in others}
        if new_head_id not in by_person:
            raise ValidationError("新户主必须是本户现有成员", field="new_head")
        new_codes = _new_relations(uow, by_person, new_head_id, relations)
    return DeathPlan(person, day, membership, household, others, new_codes, sex_warnings(uow, new_codes))


def refuse_leaving_before_joining(uow: UnitOfWork, membership: Membership, on: date, label: str) -> None:
    """Nobody leaves a household (or dies in it) before the day they joined it."""
    if on < membership.joined_on:
        name = uow.session.get_one(Person, membership.person_id).name
        raise ValidationError(f"{label} {on} 早于“{name}”的入户日期 {membership.joined_on}", field="on")


def membership_in(uow: UnitOfWork, household_id: int, person_id: int) -> Membership:
    membership = current_membership(uow, person_id)
    if membership is None or membership.household_id != household_id:
        raise ValidationError("该人员不是本户现有成员", field="person")
    return membership


def require_active(household: Household) -> None:
    if household.status != "active":
        raise ValidationError("该户已迁出或注销", field="status")


def _new_relations(uow: UnitOfWork, members: dict[int, Membership], new_head_id: int,
                   relations: dict[int, str]) -> dict[int, str]:
    """Every member's code under the new head (which is 户主); a relation is needed for each other one."""
    if set(relations) != set(members) - {new_head_id}:
        raise ValidationError("请为其他每名成员填写与新户主的关系", field="relation")
    new_codes = {}
    for person_id, typed in relations.items():
        try:
            new_codes[person_id] = relation_code(typed)
        except ValidationError as error:
            name = uow.session.get_one(Person, person_id).name
            raise ValidationError(f"“{name}”:{error.message}", field="relation") from error
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
