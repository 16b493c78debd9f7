"""Upsert mode: rows whose ID number is already registered update that person instead.

Semantics (kept deliberately simple):
- A person found by ID number gets the file's 姓名/民族/电话/人口类型/备注 where those cells are
  filled in (a blank cell never erases); sex and birth date follow the ID number anyway.
- Households are matched by 户号 within the community; without a 户号 column, by the current
  household of the group's 户主. A matched household keeps its place (move households in the
  ledger); members the file does not mention stay. Unmatched groups become new households.
- A person the file puts in another household leaves their old one (left_reason 导入调整) and
  joins the new one; a household left empty is closed as 注销. Leaving a household as its 户主
  while others stay is refused: change the head in the ledger first.
- Persons of another community, deceased persons and households no longer active are refused.
- A row whose 状态 says the person moved away or died (import_status) is history: it must say what
  the database says (status, dates, household, relation); only the person's details may change.
  Moving away and dying are done at the counter, which also ends their register entries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from station.codes import HEAD
from station.imports.existing import (
    ExistingHousehold,
    ExistingPerson,
    existing_households,
    existing_numbers,
)
from station.imports.households import HouseholdGroup
from station.imports.records import LedgerSource, RowError
from station.imports.rows import CleanRow
from station.messages import Term


@dataclass
class UpsertMatch:
    """Existing households involved, those left empty, and the persons the import changes."""

    households: dict[int, ExistingHousehold] = field(default_factory=dict)
    emptied: list[int] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)  # person ids
    unchanged: set[int] = field(default_factory=set)


def match_upsert(session: Session, community_id: int, groups: list[HouseholdGroup],
                 persons: dict[str, ExistingPerson], source: LedgerSource) -> tuple[UpsertMatch, list[RowError]]:
    """Attach groups to existing households and find what each existing person's row changes."""
    errors = _refuse_unmovable(groups, persons, community_id, source)
    _claim_households(session, community_id, groups, persons)
    errors += _refuse_rewritten_history(groups, persons, community_id, source)
    sources = {p.household_id for p in persons.values() if p.household_id and p.community_id == community_id}
    match = UpsertMatch(existing_households(session, sources | {g.existing_id for g in groups if g.existing_id}))
    moves = _mentioned(groups, persons)
    errors += _refuse_inactive_targets(groups, match, source)
    for group in groups:
        if group.existing_id is not None:
            members = match.households[group.existing_id].members
            group.staying_relations = [relation for pid, relation in members if pid not in moves]
    errors += _check_left_behind(groups, match, moves, persons, source)
    _sort_changes(groups, persons, match)
    return match, errors


def _refuse_unmovable(groups: list[HouseholdGroup], persons: dict[str, ExistingPerson],
                      community_id: int, source: LedgerSource) -> list[RowError]:
    label = source.label("id_number")
    errors = []
    for row in (row for group in groups for row in group.rows):
        person = persons.get(row.values["id_number"])
        if person is None:
            continue
        if person.community_id != community_id:
            errors.append(RowError.at(row, label, Term("imports.in_other_community"), "id_number"))
        elif person.deceased and row.departure is None:
            errors.append(RowError.at(row, label, Term("imports.deceased_not_revived", name=person.name), "id_number"))
    return errors


def _refuse_rewritten_history(groups: list[HouseholdGroup], persons: dict[str, ExistingPerson],
                              community_id: int, source: LedgerSource) -> list[RowError]:
    """A row saying a registered person moved away or died must say what the database says."""
    errors = []
    for group in groups:
        for row in group.rows:
            person = persons.get(row.values["id_number"])
            if person is None or person.community_id != community_id or row.departure is None:
                continue
            left = row.departure
            if (person.status, person.moved_out_on, person.deceased_on) != (
                    left.status, left.moved_out_on, left.deceased_on):
                reason = Term("imports.status_differs", name=person.name, state=_state(person))
                errors.append(RowError.at(row, source.label("status"), reason, "status"))
            elif (person.last_household_id, person.last_relation) != (group.existing_id, row.relation):
                state = Term("imports.state.deceased") if left.status == "deceased" else Term("imports.state.moved_out")
                reason = Term("imports.departed_fixed", name=person.name, state=state)
                errors.append(RowError.at(row, source.label("household_no"), reason, "household_no"))
    return errors


def _state(person: ExistingPerson) -> Term:
    """What the database holds about a person's leaving, in the reader's language."""
    if person.deceased_on is not None:
        if person.moved_out_on:
            return Term("imports.state.deceased_after_moving", on=person.deceased_on, moved_on=person.moved_out_on)
        return Term("imports.state.deceased_on", on=person.deceased_on)
    if person.status == "moved_out":
        return Term("imports.state.moved_out_on", on=person.moved_out_on) if person.moved_out_on \
            else Term("imports.state.moved_out")
    return Term("imports.state.active")


def _claim_households(session: Session, community_id: int, groups: list[HouseholdGroup],
                      persons: dict[str, ExistingPerson]) -> None:
    """By 户号, else by the head's current household; each household goes to one group only."""
    by_number = existing_numbers(session, community_id, [g.number for g in groups if g.number])
    claimed: set[int] = set()
    for group in groups:
        target = by_number.get(group.number) if group.number else _head_household(group, persons, community_id)
        if target is not None and target not in claimed:
            group.existing_id = target
            claimed.add(target)


def _head_household(group: HouseholdGroup, persons: dict[str, ExistingPerson], community_id: int) -> int | None:
    head = next((row for row in group.rows if row.relation == HEAD), None)
    person = persons.get(head.values["id_number"]) if head else None
    return person.household_id if person and person.community_id == community_id else None


def _mentioned(groups: list[HouseholdGroup], persons: dict[str, ExistingPerson]) -> dict[int, HouseholdGroup]:
    """Existing person id → the group the file puts them in (to live there: history moves nobody)."""
    return {persons[row.values["id_number"]].id: group for group in groups for row in group.living
            if row.values["id_number"] in persons}


def _refuse_inactive_targets(groups: list[HouseholdGroup], match: UpsertMatch,
                             source: LedgerSource) -> list[RowError]:
    label = source.label("household_no")
    errors = []
    for group in groups:
        household = match.households.get(group.existing_id) if group.existing_id else None
        if household is not None and household.status != "active":
            reason = Term("imports.household_closed", number=household.number)
            errors += [RowError.at(row, label, reason, "household_no") for row in group.living]
    return errors


def _check_left_behind(groups: list[HouseholdGroup], match: UpsertMatch, moves: dict[int, HouseholdGroup],
                       persons: dict[str, ExistingPerson], source: LedgerSource) -> list[RowError]:
    """Households that lose members to other households: emptied ones close, headless ones refuse."""
    targets = {group.existing_id for group in groups if group.existing_id}
    leaving: dict[int, list[CleanRow]] = defaultdict(list)
    for group in groups:
        for row in group.living:
            person = persons.get(row.values["id_number"])
            if person and person.household_id and person.household_id != group.existing_id:
                leaving[person.household_id].append(row)
    errors = []
    for household_id, rows in leaving.items():
        household = match.households.get(household_id)
        if household is None or household_id in targets:
            continue
        remaining = [relation for pid, relation in household.members if pid not in moves]
        if not remaining:
            match.emptied.append(household_id)
        elif HEAD not in remaining:
            reason = Term("imports.head_leaves_members", number=household.number)
            errors += [RowError.at(row, source.label("relation"), reason, "relation")
                       for row in rows if persons[row.values["id_number"]].relation == HEAD]
    return errors


def _sort_changes(groups: list[HouseholdGroup], persons: dict[str, ExistingPerson], match: UpsertMatch) -> None:
    for group in groups:
        for row in group.rows:
            person = persons.get(row.values["id_number"])
            if person is None:
                continue
            # A departed row's household and relation are checked equal (_refuse_rewritten_history).
            placed = row.departure is not None or (
                person.household_id == group.existing_id and person.relation == row.relation)
            same = placed and all(row.values[name] == person.values[name] for name in row.given)
            (match.unchanged if same else match.changed).add(person.id)
