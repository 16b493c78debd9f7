"""`station check`: the ledger's rules verified over the whole database, violations by household.

The services keep these rules on every write (households.py, members.py, ledger_common.py,
needs.py); data written around them (an old demo, a hand-edited database, a faulty import) may
not. Each rule is one SELECT of the rows that break it, as (community, household, person); the
same two aggregate queries then count them and fetch the first households, so the whole check
is a few dozen indexed scans even at 200k persons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    null,
    or_,
    select,
    union_all,
)

from models import (
    Building,
    Community,
    Household,
    Membership,
    Person,
    RegisterEntry,
    SearchEntry,
    Unit,
)
from station.codes import HEAD
from station.ledger.check_records import CheckedHousehold, LedgerCheck, RuleResult
from station.messages import Term
from station.permissions import require
from station.places.numbers import twins
from station.residents.living import ACTIVE
from station.scope import community_clause, grid_clause
from station.uow import UnitOfWork

EXAMPLES = 10


@dataclass(frozen=True)
class Facts:
    """What the rules are checked against: the station's day, and the places written as twins
    (units "3" and "3单元" of one building), found in Python since SQL cannot read 三单元 as 3."""

    today: date
    twin_buildings: frozenset[int] = frozenset()
    twin_units: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Rule:
    code: str
    # SELECT community_id, household_id, person_id (NULL when the rule is about a household).
    offenders: Callable[[Facts], Any]

    @property
    def reason(self) -> Term:
        """What breaking the rule means, from the catalogue (ledger.rule.<code>)."""
        return Term(f"ledger.rule.{self.code}")


def check_ledger(uow: UnitOfWork, examples: int = EXAMPLES) -> LedgerCheck:
    """Every rule over the actor's ledger (the CLI's: the whole database)."""
    require(uow.actor, "ledger.read")
    facts = _facts(uow)
    return LedgerCheck(tuple(_result(uow, rule, rule.offenders(facts).subquery(), examples) for rule in RULES))


def _facts(uow: UnitOfWork) -> Facts:
    # Only places someone lives in: an empty twin splits nobody's address.
    lived_in = select(Household.id).where(Household.status == ACTIVE)
    buildings = uow.session.execute(select(Building.grid_id, Building.id, Building.name).where(
        exists(lived_in.where(Household.building_id == Building.id)))).all()
    units = uow.session.execute(select(Unit.building_id, Unit.id, Unit.name).where(
        exists(lived_in.where(Household.unit_id == Unit.id)))).all()
    return Facts(uow.today(), frozenset(twins(buildings)), frozenset(twins(units)))


def _result(uow: UnitOfWork, rule: Rule, rows: Any, examples: int) -> RuleResult:
    """Count the rule's offending rows in the actor's scope; list the first households if any."""
    found = (
        select()
        .select_from(rows)
        .outerjoin(Household, Household.id == rows.c.household_id)
        .outerjoin(Person, Person.id == rows.c.person_id)
        .where(community_clause(uow.actor, rows.c.community_id), grid_clause(uow.actor, Household.grid_id))
    )
    total, households, homeless = uow.session.execute(
        found.add_columns(func.count(), func.count(distinct(rows.c.household_id)),
                          func.count(case((rows.c.household_id.is_(None), 1))))
    ).one()
    listed = _first_households(uow, found, rows, examples) if total and examples else ()
    return RuleResult(rule.code, rule.reason, int(total), int(households) + (1 if homeless else 0), listed)


def _first_households(uow: UnitOfWork, found: Any, rows: Any, examples: int) -> tuple[CheckedHousehold, ...]:
    listed = uow.session.execute(
        found.add_columns(rows.c.household_id, Household.number, Person.name, Community.name)
        .outerjoin(Community, Community.id == rows.c.community_id)
        .order_by(Household.number.is_(None), Household.number, Community.name, Person.name, rows.c.person_id)
        .limit(examples * 20)
    ).all()
    return _by_household(listed, examples)


def _by_household(rows: Sequence[Any], examples: int) -> tuple[CheckedHousehold, ...]:
    """The first `examples` households of the listed rows, each with its persons' names."""
    names: dict[int | None, list[str]] = {}
    places: dict[int | None, tuple[str, str]] = {}
    for household_id, number, name, community in rows:
        if household_id not in names and len(names) == examples:
            break
        names.setdefault(household_id, [])
        places[household_id] = (number or "", community or "")
        if name and name not in names[household_id]:
            names[household_id].append(name)
    return tuple(CheckedHousehold(key, places[key][0], tuple(value), places[key][1]) for key, value in names.items())


# --- the rules ------------------------------------------------------------------------------


def _no_person() -> Any:
    """A typed NULL person id: PostgreSQL reads a bare NULL column as text."""
    return cast(null(), Integer).label("person_id")


def _open_memberships(*conditions: Any) -> Any:
    """Open memberships (with their household and person) meeting the conditions."""
    return (
        select(Household.community_id, Membership.household_id, Membership.person_id)
        .join(Household, Household.id == Membership.household_id)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.left_on.is_(None), *conditions)
    )


def _heads_of_living_households(having: Callable[[Any], Any]) -> Any:
    """Active households by how many living members are their head (户主)."""
    heads = func.sum(case((and_(Membership.relation == HEAD, Person.id.is_not(None)), 1), else_=0))
    return (
        select(Household.community_id, Household.id.label("household_id"), _no_person())
        .outerjoin(Membership, and_(Membership.household_id == Household.id, Membership.left_on.is_(None)))
        .outerjoin(Person, and_(Person.id == Membership.person_id, Person.deceased_on.is_(None),
                                Person.moved_out_on.is_(None)))
        .where(Household.status == ACTIVE)
        .group_by(Household.community_id, Household.id)
        .having(having(func.coalesce(heads, 0)))
    )


def _home_of(person_id: Any) -> Any:
    """SQL: the person's current household, else the last one they lived in (None: never any)."""
    return (
        select(Membership.household_id)
        .where(Membership.person_id == person_id)
        .order_by(Membership.left_on.is_(None).desc(), Membership.joined_on.desc(), Membership.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _persons(*conditions: Any) -> Any:
    return select(Person.community_id, _home_of(Person.id).label("household_id"),
                  Person.id.label("person_id")).where(*conditions)


def _no_head(_facts: Facts) -> Any:
    return _heads_of_living_households(lambda heads: heads == 0)


def _several_heads(_facts: Facts) -> Any:
    return _heads_of_living_households(lambda heads: heads > 1)


def _closed_household_members(_facts: Facts) -> Any:
    return _open_memberships(Household.status != ACTIVE)


def _dead_members(_facts: Facts) -> Any:
    return _open_memberships(Person.deceased_on.is_not(None))


def _moved_out_members(_facts: Facts) -> Any:
    return _open_memberships(Person.moved_out_on.is_not(None))


def _homeless(_facts: Facts) -> Any:
    current = exists().where(Membership.person_id == Person.id, Membership.left_on.is_(None))
    return _persons(Person.deceased_on.is_(None), Person.moved_out_on.is_(None), ~current)


def _without_search_keys(_facts: Facts) -> Any:
    return _persons(~exists().where(SearchEntry.person_id == Person.id))


def _orphan_search_keys(_facts: Facts) -> Any:
    """Keys of a person who is no longer there: search_keys has no foreign keys (migration 0010),
    so nothing but this check would notice one written around the services."""
    return (
        select(SearchEntry.community_id, cast(null(), Integer).label("household_id"), SearchEntry.person_id)
        .where(~exists().where(Person.id == SearchEntry.person_id))
        .distinct()
    )


def _open_entries_of_departed(_facts: Facts) -> Any:
    return (
        select(Person.community_id, _home_of(Person.id).label("household_id"), Person.id.label("person_id"))
        .join(RegisterEntry, RegisterEntry.person_id == Person.id)
        .where(RegisterEntry.end_on.is_(None),
               or_(Person.deceased_on.is_not(None), Person.moved_out_on.is_not(None)))
    )


def _left_before_joined(_facts: Facts) -> Any:
    return (
        select(Household.community_id, Membership.household_id, Membership.person_id)
        .join(Household, Household.id == Membership.household_id)
        .where(Membership.left_on < Membership.joined_on)
    )


def _closing_date_mismatch(_facts: Facts) -> Any:
    return select(Household.community_id, Household.id.label("household_id"), _no_person()).where(
        or_(and_(Household.status != ACTIVE, Household.moved_out_on.is_(None)),
            and_(Household.status == ACTIVE, Household.moved_out_on.is_not(None))))


def _in_the_future(facts: Facts) -> Any:
    today = facts.today
    memberships = (
        select(Household.community_id, Membership.household_id, Membership.person_id)
        .join(Household, Household.id == Membership.household_id)
        .where(or_(Membership.joined_on > today, Membership.left_on > today))
    )
    persons = _persons(or_(Person.deceased_on > today, Person.moved_out_on > today))
    households = select(Household.community_id, Household.id, _no_person()).where(Household.moved_out_on > today)
    entries = (
        select(Person.community_id, _home_of(Person.id), Person.id)
        .join(RegisterEntry, RegisterEntry.person_id == Person.id)
        .where(or_(RegisterEntry.start_on > today, RegisterEntry.end_on > today))
    )
    return union_all(memberships, persons, households, entries)


def _before_birth(_facts: Facts) -> Any:
    persons = _persons(or_(Person.deceased_on < Person.birth_date, Person.moved_out_on < Person.birth_date))
    entries = (
        select(Person.community_id, _home_of(Person.id), Person.id)
        .join(RegisterEntry, RegisterEntry.person_id == Person.id)
        .where(or_(RegisterEntry.start_on < Person.birth_date, RegisterEntry.end_on < RegisterEntry.start_on))
    )
    return union_all(persons, entries)


def _twin_places(facts: Facts) -> Any:
    return select(Household.community_id, Household.id.label("household_id"), _no_person()).where(
        Household.status == ACTIVE,
        or_(Household.building_id.in_(facts.twin_buildings), Household.unit_id.in_(facts.twin_units)))


RULES: tuple[Rule, ...] = (
    Rule("no_head", _no_head),
    Rule("several_heads", _several_heads),
    Rule("closed_household_member", _closed_household_members),
    Rule("dead_member", _dead_members),
    Rule("moved_out_member", _moved_out_members),
    Rule("homeless_person", _homeless),
    Rule("missing_search_keys", _without_search_keys),
    Rule("orphan_search_keys", _orphan_search_keys),
    Rule("open_register_of_departed", _open_entries_of_departed),
    Rule("left_before_joined", _left_before_joined),
    Rule("closing_date", _closing_date_mismatch),
    Rule("future_date", _in_the_future),
    Rule("twin_places", _twin_places),
    Rule("before_birth", _before_birth),
)

RULE_CODES = tuple(rule.code for rule in RULES)
