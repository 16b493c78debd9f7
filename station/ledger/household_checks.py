"""Everything the household operations (move out, split, merge) check, without writing: the
dialogs ask these before the confirmation, and station.ledger.households runs the same plans again inside
their transaction (see station.ledger.member_checks for the member operations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import Household, Membership
from station import month_locks
from station.codes import HEAD, relation_code
from station.errors import ValidationError
from station.ledger.member_checks import (
    Warnings,
    refuse_leaving_before_joining,
    require_active,
    sex_warnings,
)
from station.messages import Term
from station.permissions import require
from station.residents.loading import current_members, load_household
from station.residents.memberships import check_on_date, check_one_head
from station.text_rules import text_for
from station.uow import UnitOfWork


@dataclass
class MoveOutPlan:
    household: Household
    members: list[Membership]
    reason: str
    on: date


@dataclass
class SplitPlan:
    source: Household
    memberships: dict[int, Membership]
    new_relations: dict[int, str]
    on: date
    warnings: Warnings


@dataclass
class MergePlan:
    source: Household
    target: Household
    moving: list[Membership]
    new_relations: dict[int, str]
    on: date
    warnings: Warnings


def plan_move_out(uow: UnitOfWork, household_id: int, expected_version: int, on: date | None,
                  reason: str) -> MoveOutPlan:
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    if household.status != "active":
        raise ValidationError("ledger.not_living_here", field="status")
    reason = text_for("memberships.left_reason", reason)
    day = check_on_date(on, uow, Term("labels.moved_out_on"))
    month_locks.refuse_if_locked(uow, household.community_id, day, field="on")
    members = current_members(uow, household.id)
    for membership in members:
        refuse_leaving_before_joining(uow, membership, day, Term("labels.moved_out_on"))
    return MoveOutPlan(household, members, reason, day)


def plan_split(uow: UnitOfWork, household_id: int, expected_version: int, relations: dict[int, str],
               on: date | None) -> SplitPlan:
    require(uow.actor, "ledger.write")
    source = load_household(uow, household_id, expected_version)
    require_active(source)
    day = check_on_date(on, uow, Term("labels.split_on"))
    month_locks.refuse_if_locked(uow, source.community_id, day, field="on")
    memberships = {m.person_id: m for m in current_members(uow, source.id)}
    _check_split(memberships, relations)
    new_relations = {pid: relation_code(code) for pid, code in relations.items()}
    check_one_head(list(new_relations.values()))
    for person_id in new_relations:
        refuse_leaving_before_joining(uow, memberships[person_id], day, Term("labels.split_on"))
    return SplitPlan(source, memberships, new_relations, day, sex_warnings(uow, new_relations))


def plan_merge(uow: UnitOfWork, source_id: int, source_version: int, target_id: int, target_version: int,
               relations: dict[int, str], on: date | None) -> MergePlan:
    require(uow.actor, "ledger.write")
    if source_id == target_id:
        raise ValidationError("ledger.merge_with_itself", field="household")
    source = load_household(uow, source_id, source_version)
    target = load_household(uow, target_id, target_version)
    require_active(source)
    require_active(target)
    day = check_on_date(on, uow, Term("labels.merged_on"))
    month_locks.refuse_if_locked(uow, target.community_id, day, field="on")
    moving = current_members(uow, source.id)
    if set(relations) != {m.person_id for m in moving}:
        raise ValidationError("ledger.merge_relations_missing", field="relation")
    new_relations = {pid: relation_code(code) for pid, code in relations.items()}
    if HEAD in new_relations.values():
        raise ValidationError("ledger.merge_keeps_target_head", field="relation")
    for membership in moving:
        refuse_leaving_before_joining(uow, membership, day, Term("labels.merged_on"))
    return MergePlan(source, target, moving, new_relations, day, sex_warnings(uow, new_relations))


def _check_split(memberships: dict[int, Membership], relations: dict[int, str]) -> None:
    if not relations:
        raise ValidationError("ledger.split_nobody", field="persons")
    if not set(relations) <= set(memberships):
        raise ValidationError("ledger.not_current_members", field="persons")
    remaining = [m.relation for pid, m in memberships.items() if pid not in relations]
    if not remaining:
        raise ValidationError("ledger.split_leaves_nobody", field="persons")
    if HEAD not in remaining:
        raise ValidationError("ledger.split_head", field="persons")
