"""Member operations, each one confirmed transaction: add, remove, transfer, change head, death, edit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from station import audit
from station.errors import ValidationError
from station.ledger.households import membership_person
from station.ledger.member_checks import (
    DeathPlan,
    plan_add_member,
    plan_change_head,
    plan_record_death,
    plan_remove_member,
    plan_transfer_member,
)
from station.ledger.queries import get_person, household_record
from station.ledger.records import SaveResult
from station.permissions import require
from station.registers.entries import close_entries_for_person
from station.residents.loading import (
    current_membership,
    load_household,
    load_person,
)
from station.residents.memberships import join, leave, touch
from station.residents.people import insert_person, refuse_duplicate_id
from station.residents.records import PersonDraft, PersonRecord, Warning
from station.residents.rules import clean_person
from station.search import lookup as search
from station.uow import UnitOfWork


def add_member(uow: UnitOfWork, household_id: int, expected_version: int, draft: PersonDraft,
               *, on: date | None = None) -> SaveResult:
    """A new person joins a household (birth, marriage, moving in)."""
    plan = plan_add_member(uow, household_id, expected_version, draft, on)
    household, clean = plan.household, plan.clean
    person = insert_person(uow, clean, household.community_id)
    join(uow, household, person, clean.relation, plan.on)
    touch(uow, household)
    uow.flush()
    search.reindex_persons(uow, [person.id])
    audit.record(uow, "add_member", "household", household.id,
                 new={"person_id": person.id, "name": person.name, "relation": clean.relation},
                 community_id=household.community_id)
    uow.commit()
    return SaveResult(household_record(uow, household), plan.warnings)


def check_add_member(uow: UnitOfWork, household_id: int, expected_version: int, draft: PersonDraft,
                     *, on: date | None = None) -> tuple[Warning, ...]:
    """add_member's checks without saving: refuses as it would, else the warnings it would give."""
    return plan_add_member(uow, household_id, expected_version, draft, on).warnings


def remove_member(uow: UnitOfWork, household_id: int, expected_version: int, person_id: int,
                  *, reason: str = "迁出", on: date | None = None) -> SaveResult:
    """A member leaves (moves away); the head can leave only after another member became head."""
    plan = plan_remove_member(uow, household_id, expected_version, person_id, reason, on)
    household, membership = plan.household, plan.membership
    leave(membership, plan.on, plan.reason)
    membership_person(uow, membership).moved_out_on = plan.on
    close_entries_for_person(uow, person_id, plan.on, plan.reason)
    touch(uow, household)
    uow.flush()
    search.reindex_persons(uow, [person_id])
    audit.record(uow, "remove_member", "household", household.id,
                 old={"person_id": person_id, "relation": membership.relation},
                 new={"reason": plan.reason, "on": plan.on}, community_id=household.community_id)
    uow.commit()
    return SaveResult(household_record(uow, household))


def check_remove_member(uow: UnitOfWork, household_id: int, expected_version: int, person_id: int,
                        *, reason: str = "迁出", on: date | None = None) -> tuple[Warning, ...]:
    """remove_member's checks without saving."""
    plan_remove_member(uow, household_id, expected_version, person_id, reason, on)
    return ()


def transfer_member(uow: UnitOfWork, source_id: int, source_version: int, person_id: int,
                    target_id: int, target_version: int, relation: str,
                    *, on: date | None = None) -> SaveResult:
    """A member moves from one household to another in the community (not as its head)."""
    plan = plan_transfer_member(uow, source_id, source_version, person_id, target_id, target_version,
                                relation, on)
    source, target, membership = plan.source, plan.target, plan.membership
    old_relation = membership.relation
    leave(membership, plan.on, "转户")
    join(uow, target, membership_person(uow, membership), plan.code, plan.on)
    touch(uow, source)
    touch(uow, target)
    uow.flush()
    search.reindex_persons(uow, [person_id])
    audit.record(uow, "transfer_member", "person", person_id,
                 old={"household_id": source.id, "relation": old_relation},
                 new={"household_id": target.id, "relation": plan.code},
                 community_id=source.community_id)
    uow.commit()
    return SaveResult(household_record(uow, target), plan.warnings)


def check_transfer_member(uow: UnitOfWork, source_id: int, source_version: int, person_id: int,
                          target_id: int, target_version: int, relation: str,
                          *, on: date | None = None) -> tuple[Warning, ...]:
    """transfer_member's checks without saving."""
    return plan_transfer_member(uow, source_id, source_version, person_id, target_id, target_version,
                                relation, on).warnings


def change_head(uow: UnitOfWork, household_id: int, expected_version: int, new_head_id: int,
                relations: dict[int, str]) -> SaveResult:
    """Make another member the head; `relations` gives every other member's new relation."""
    plan = plan_change_head(uow, household_id, expected_version, new_head_id, relations)
    household, members = plan.household, plan.members
    old = {pid: m.relation for pid, m in members.items()}
    for person_id, code in plan.new_codes.items():
        members[person_id].relation = code
    touch(uow, household)
    uow.flush()
    audit.record(uow, "change_head", "household", household.id, old={"relations": old},
                 new={"relations": plan.new_codes}, community_id=household.community_id)
    uow.commit()
    return SaveResult(household_record(uow, household), plan.warnings)


def check_change_head(uow: UnitOfWork, household_id: int, expected_version: int, new_head_id: int,
                      relations: dict[int, str]) -> tuple[Warning, ...]:
    """change_head's checks without saving."""
    return plan_change_head(uow, household_id, expected_version, new_head_id, relations).warnings


def record_death(uow: UnitOfWork, person_id: int, expected_version: int, on: date,
                 *, new_head_id: int | None = None, relations: dict[int, str] | None = None) -> PersonRecord:
    """Record a death; when the head dies and others remain, a new head is named in the same step."""
    plan = plan_record_death(uow, person_id, expected_version, on, new_head_id, relations or {})
    person = plan.person
    if plan.membership is not None and plan.household is not None:
        _leave_by_death(uow, plan)
    person.deceased_on = plan.on
    close_entries_for_person(uow, person_id, plan.on, "死亡")
    uow.flush()
    search.reindex_persons(uow, [person_id])
    audit.record(uow, "death", "person", person_id, new={"deceased_on": plan.on},
                 community_id=person.community_id)
    uow.commit()
    return get_person(uow, person_id)


def check_record_death(uow: UnitOfWork, person_id: int, expected_version: int, on: date,
                       *, new_head_id: int | None = None,
                       relations: dict[int, str] | None = None) -> tuple[Warning, ...]:
    """record_death's checks without saving."""
    return plan_record_death(uow, person_id, expected_version, on, new_head_id, relations or {}).warnings


def update_person(uow: UnitOfWork, person_id: int, expected_version: int, draft: PersonDraft) -> PersonRecord:
    """Edit a person's details; an ID change is checked for duplicates like a new registration."""
    person, clean = _plan_update_person(uow, person_id, expected_version, draft)
    before = audit.snapshot(person)
    for key, value in clean.values.items():
        setattr(person, key, value)
    uow.flush()
    old, new = audit.changes(before, audit.snapshot(person))
    search.reindex_persons(uow, [person.id])
    audit.record(uow, "update", "person", person.id, old=old, new=new, community_id=person.community_id)
    uow.commit()
    return get_person(uow, person.id)


def check_update_person(uow: UnitOfWork, person_id: int, expected_version: int,
                        draft: PersonDraft) -> tuple[Warning, ...]:
    """update_person's checks without saving (a duplicate ID is refused before the confirmation)."""
    _plan_update_person(uow, person_id, expected_version, draft)
    return ()


def _plan_update_person(uow: UnitOfWork, person_id: int, expected_version: int, draft: PersonDraft):
    require(uow.actor, "ledger.write")
    person = load_person(uow, person_id, expected_version)
    clean = clean_person(replace(draft, relation=""), uow.today(), needs_relation=False)
    if clean.values["id_number"] != person.id_number:
        refuse_duplicate_id(uow, clean.values["id_number"], except_person=person.id)
    return person, clean


def set_registered_household(uow: UnitOfWork, person_id: int, expected_version: int,
                             household_id: int | None) -> PersonRecord:
    """Record where a person's 户籍 is when they live elsewhere (人户分离); None clears it."""
    require(uow.actor, "ledger.write")
    person = load_person(uow, person_id, expected_version)
    if household_id is not None:
        load_household(uow, household_id)
        membership = current_membership(uow, person_id)
        if membership is not None and membership.household_id == household_id:
            raise ValidationError("ledger.registered_here", field="registered_household_id")
    old = person.registered_household_id
    person.registered_household_id = household_id
    person.residence_state = "both" if household_id is None else "person_only"
    uow.flush()
    audit.record(uow, "update", "person", person.id, old={"registered_household_id": old},
                 new={"registered_household_id": household_id}, community_id=person.community_id)
    uow.commit()
    return get_person(uow, person.id)


def _leave_by_death(uow: UnitOfWork, plan: DeathPlan) -> None:
    household, membership = plan.household, plan.membership
    assert household is not None and membership is not None
    by_person = {m.person_id: m for m in plan.others}
    for person_id, code in plan.new_codes.items():
        by_person[person_id].relation = code
    leave(membership, plan.on, "死亡")
    if not plan.others:
        household.status, household.moved_out_on = "cancelled", plan.on
    touch(uow, household)
