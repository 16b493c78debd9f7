"""One search box for every list (重点人群, 诉求, 走访记录): what the ledger's box finds a person by
(name fragments, pinyin and initials, ID or phone tail, address) and a household's 户号.

Built as SQL conditions the list services add to their own query (their scope stays theirs): the
keys are the ledger's search_keys rows, read by the same prefix range on their index.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select

from models import Household, Membership, SearchEntry
from station.search.household_number import number_variants
from station.search.keys import KEY_LENGTH, normalize
from station.search.lookup import successor


def needle_of(query: str | None) -> str:
    """The query as keys are stored; "" when there is nothing to search by (too short)."""
    needle = normalize(query or "")[:KEY_LENGTH]
    if not needle or (needle.isascii() and len(needle) < 2):
        return ""
    return needle


def matching_persons(needle: str) -> Select[Any]:
    """Ids of persons with a search key starting with the needle."""
    statement = select(SearchEntry.person_id).where(SearchEntry.key >= needle)
    upper = successor(needle)
    return statement if upper is None else statement.where(SearchEntry.key < upper)


def numbered_households(query: str) -> Select[Any]:
    """Ids of households whose 户号 is the query (H000001, h000001, 000001)."""
    return select(Household.id).where(Household.number.in_(number_variants(query) or ("",)))


def person_condition(query: str | None, person_column: Any, household_column: Any = None,
                     *, members_of_household: bool = False) -> ColumnElement[bool] | None:
    """Rows about a matching person or a household numbered `query` (None: no search).

    `members_of_household` also matches rows about a household (no person) one of whose members,
    past or present, matches: a visit to 王家 is found by typing 王大爷.
    """
    needle = needle_of(query)
    if not needle:
        return None
    persons = matching_persons(needle)
    conditions = [person_column.in_(persons)]
    if household_column is not None:
        conditions.append(household_column.in_(numbered_households(query or "")))
        if members_of_household:
            homes = select(Membership.household_id).where(Membership.person_id.in_(persons))
            conditions.append(household_column.in_(homes))
    return or_(*conditions)
