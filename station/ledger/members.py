"""Member operations, each one confirmed transaction: add, remove, transfer, change head, death, edit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from station import audit, month_locks
from station.codes import HEAD, relation_code
from station.errors import ValidationError
from station.ledger.households import membership_person
from station.ledger.queries import get_person, household_record
from station.ledger.records import SaveResult
from station.messages import Term
from station.permissions import require
from station.registers.entries import close_entries_for_person
from station.residents.loading import (
    current_members,
    current_membership,
    load_household,
    load_person,
)
from station.residents.memberships import check_on_date, check_one_head, join, leave, touch
from station.residents.people import insert_person, refuse_duplicate_id, same_name_warning
from station.residents.records import PersonDraft, PersonRecord
from station.residents.rules import clean_person
from station.search import lookup as search
from station.text_rules import text_for
from station.uow import UnitOfWork


def add_member(uow: UnitOfWork, household_id: int, expected_version: int, draft: PersonDraft,
               *, on: date | None = None) -> SaveResult:
    """A new person joins a household (birth, marriage, moving in)."""
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    _require_active(household)
    clean = clean_person(draft, uow.today())
    if clean.relation == HEAD:
        raise ValidationError("ledger.has_head", field="relation")
    on = check_on_date(on or draft.moved_in_on, uow, Term("labels.joined_on"))
    month_locks.refuse_if_locked(uow, household.community_id, on, field="on")
    warning = same_name_warning(uow, clean)
    person = insert_person(uow, clean, household.community_id)
    join(uow, household, person, clean.relation, on)
    touch(uow, household)
    uow.flush()
    search.reindex_persons(uow, [person.id])
    audit.record(uow, "add_member", "household", household.id,
                 new={"person_id": person.id, "name": person.name, "relation": clean.relation},
                 community_id=household.community_id)
    uow.commit()
    return SaveResult(household_record(uow, household), (warning,) if warning else ())


def remove_member(uow: UnitOfWork, household_id: int, expected_version: int, person_id: int,
                  *, reason: str = "迁出", on: date | None = None) -> SaveResult:
    """A member leaves (moves away); the head can leave only after another member became head."""
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    membership = _membership_in(uow, household.id, person_id)
    if membership.relation == HEAD:
        raise ValidationError("ledger.remove_head", field="person")
    reason = text_for("memberships.left_reason", reason)
    on = check_on_date(on, uow, Term("labels.moved_out_on"))
    month_locks.refuse_if_locked(uow, household.community_id, on, field="on")
    leave(membership, on, reason)
    membership_person(uow, membership).moved_out_on = on
    close_entries_for_person(uow, person_id, on, reason)
    touch(uow, household)
    uow.flush()
    search.reindex_persons(uow, [person_id])
    audit.record(uow, "remove_member", "household", household.id,
                 old={"person_id": person_id, "relation": membership.relation},
                 new={"reason": reason, "on": on}, community_id=household.community_id)
    uow.commit()
    return SaveResult(household_record(uow, household))


def transfer_member(uow: UnitOfWork, source_id: int, source_version: int, person_id: int,
                    target_id: int, target_version: int, relation: str,
                    *, on: date | None = None) -> SaveResult:
    """A member moves from one household to another in the community (not as its head)."""
    require(uow.actor, "ledger.write")
    if source_id == target_id:
        raise ValidationError("ledger.same_household", field="household")
    source = load_household(uow, source_id, source_version)
    target = load_household(uow, target_id, target_version)
    _require_active(target)
    membership = _membership_in(uow, source.id, person_id)
    if membership.relation == HEAD:
        raise ValidationError("ledger.transfer_head", field="person")
    code = relation_code(relation)
    if code == HEAD:
        raise ValidationError("ledger.target_has_head", field="relation")
    on = check_on_date(on, uow, Term("labels.transferred_on"))
    month_locks.refuse_if_locked(uow, source.community_id, on, field="on")
    leave(membership, on, "转户")
    join(uow, target, membership_person(uow, membership), code, on)
    touch(uow, source)
    touch(uow, target)
    uow.flush()
    search.reindex_persons(uow, [person_id])
    audit.record(uow, "transfer_member", "person", person_id,
                 old={"household_id": source.id, "relation": membership.relation},
                 new={"household_id": target.id, "relation": code},
                 community_id=source.community_id)
    uow.commit()
    return SaveResult(household_record(uow, target))


def change_head(uow: UnitOfWork, household_id: int, expected_version: int, new_head_id: int,
                relations: dict[int, str]) -> SaveResult:
    """Make another member the head; `relations` gives every other member's new relation."""
    require(uow.actor, "ledger.write")
    household = load_household(uow, household_id, expected_version)
    members = {m.person_id: m for m in current_members(uow, household.id)}
    if new_head_id not in members:
        raise ValidationError("ledger.new_head_not_member", field="person")
    others = set(members) - {new_head_id}
    if set(relations) != others:
        raise ValidationError("ledger.relations_missing", field="relation")
    new_codes = {pid: relation_code(code) for pid, code in relations.items()}
    new_codes[new_head_id] = HEAD
    check_one_head(list(new_codes.values()))
    old = {pid: m.relation for pid, m in members.items()}
    for person_id, code in new_codes.items():
        members[person_id].relation = code
    touch(uow, household)
    uow.flush()
    audit.record(uow, "change_head", "household", household.id, old={"relations": old},
                 new={"relations": new_codes}, community_id=household.community_id)
    uow.commit()
    return SaveResult(household_record(uow, household))


def record_death(uow: UnitOfWork, person_id: int, expected_version: int, on: date,
                 *, new_head_id: int | None = None, relations: dict[int, str] | None = None) -> PersonRecord:
    """Record a death; when the head dies and others remain, a new head is named in the same step."""
    require(uow.actor, "ledger.write")
    person = load_person(uow, person_id, expected_version)
    if person.deceased_on is not None:
        raise ValidationError("ledger.already_deceased", field="deceased_on")
    on = check_on_date(on, uow, Term("labels.deceased_on"))
    month_locks.refuse_if_locked(uow, person.community_id, on, field="deceased_on")
    if on < person.birth_date:
        raise ValidationError("ledger.death_before_birth", field="deceased_on")
    membership = current_membership(uow, person_id)
    household = load_household(uow, membership.household_id) if membership else None
    if membership and household:
        _leave_by_death(uow, household, membership, on, new_head_id, relations or {})
    person.deceased_on = on
    close_entries_for_person(uow, person_id, on, "死亡")
    uow.flush()
    search.reindex_persons(uow, [person_id])
    audit.record(uow, "death", "person", person_id, new={"deceased_on": on},
                 community_id=person.community_id)
    uow.commit()
    return get_person(uow, person_id)


def update_person(uow: UnitOfWork, person_id: int, expected_version: int, draft: PersonDraft) -> PersonRecord:
    """Edit a person's details; an ID change is checked for duplicates like a new registration."""
    require(uow.actor, "ledger.write")
    person = load_person(uow, person_id, expected_version)
    clean = clean_person(replace(draft, relation=""), uow.today(), needs_relation=False)
    if clean.values["id_number"] != person.id_number:
        refuse_duplicate_id(uow, clean.values["id_number"], except_person=person.id)
    before = audit.snapshot(person)
    for key, value in clean.values.items():
        setattr(person, key, value)
    uow.flush()
    old, new = audit.changes(before, audit.snapshot(person))
    search.reindex_persons(uow, [person.id])
    audit.record(uow, "update", "person", person.id, old=old, new=new, community_id=person.community_id)
    uow.commit()
    return get_person(uow, person.id)


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


def _leave_by_death(uow: UnitOfWork, household, membership, on: date,
                    new_head_id: int | None, relations: dict[int, str]) -> None:
    others = [m for m in current_members(uow, household.id) if m.person_id != membership.person_id]
    if membership.relation == HEAD and others:
        if new_head_id is None:
            raise ValidationError("ledger.new_head_needed", field="new_head")
        by_person = {m.person_id: m for m in others}
        if new_head_id not in by_person or set(relations) != set(by_person) - {new_head_id}:
            raise ValidationError("ledger.relations_missing", field="relation")
        for person_id, code in relations.items():
            by_person[person_id].relation = relation_code(code)
        by_person[new_head_id].relation = HEAD
    leave(membership, on, "死亡")
    if not others:
        household.status, household.moved_out_on = "cancelled", on
    touch(uow, household)


def _membership_in(uow: UnitOfWork, household_id: int, person_id: int):
    membership = current_membership(uow, person_id)
    if membership is None or membership.household_id != household_id:
        raise ValidationError("ledger.not_a_member", field="person")
    return membership


def _require_active(household) -> None:
    if household.status != "active":
        raise ValidationError("ledger.gone", field="status")

