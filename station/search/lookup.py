"""Resident search for the counter's one search box: precomputed keys and prefix lookups.

Every person has a set of keys in one key space (table search_keys): each suffix of the name,
full pinyin and initials, the ID number and its last 4, phone numbers, and address keys. A query
finds a person when it is a prefix of one of their keys, so suffixes make any fragment of a name
findable. A prefix is a range scan `q <= key < successor(q)` on the btree, which SQLite and
PostgreSQL (C collation) both answer from the index (key, grid_id, person_id), scope included.
Keys are written when a person or household changes (`reindex_persons`), never at search time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, delete, insert, or_, select

from models import Building, Grid, Household, Membership, Person, SearchEntry, Unit
from station import audit
from station.idcard import is_valid_id
from station.masking import mask_text
from station.permissions import require
from station.phone import is_mobile, normalize_phone
from station.residents.former_home import last_households
from station.scope import scope_shape, scope_values
from station.search.household_number import members_by_number
from station.search.keys import KEY_LENGTH, address_keys, key_rows, normalize, person_keys
from station.search.records import SearchHit
from station.statements import count_bound, one_of_ids
from station.uow import UnitOfWork, reads_only

__all__ = [
    "address_keys", "key_rows", "normalize", "person_keys", "reindex_household", "reindex_persons",
    "search", "successor",
]

# Key rows read per wanted hit: a person often matches through several keys (张 → 张三, zs...).
SCAN_FACTOR = 4
# Persons per statement: well under SQLite's bound-parameter limit.
CHUNK = 500
# Person ids an audited search keeps (enough to say who a whole number found; retention reads them).
AUDITED_PERSONS = 50


def reindex_persons(uow: UnitOfWork, person_ids: Iterable[int]) -> None:
    """Rebuild these persons' keys from the database (in the caller's transaction; no commit)."""
    ids = sorted(set(person_ids))
    for chunk in _chunks(ids, CHUNK):
        sources = uow.session.execute(_key_sources(chunk)).all()
        uow.session.execute(
            delete(SearchEntry).where(SearchEntry.person_id.in_(chunk)),
            execution_options={"synchronize_session": False},
        )
        rows = [row for source in sources for row in _source_key_rows(source)]
        if rows:
            uow.session.execute(insert(SearchEntry), rows)


def reindex_household(uow: UnitOfWork, household_id: int) -> None:
    """Rebuild the keys of a household's members after its address or grid changed (no commit)."""
    # Past members too: one who left in this transaction must lose the household's keys.
    member_ids = uow.session.scalars(
        select(Membership.person_id).where(Membership.household_id == household_id)
    )
    reindex_persons(uow, member_ids)


def _only_reads(query: str, **_options: Any) -> bool:
    """A search writes only the audit row of a search by a whole ID or phone number."""
    return identifying_kind(query) is None


@reads_only(when=_only_reads)
def search(uow: UnitOfWork, query: str, *, limit: int = 50, include_inactive: bool = True) -> list[SearchHit]:
    """Residents in the actor's scope with a key starting with the query, best matches first.

    A query that is a household's number (户号) answers that household's members first. The
    counter runs it in a reading unit of work unless the query is a whole ID or phone number,
    whose search writes an audit row (through uow.writing(), should the unit be a reading one).
    """
    require(uow.actor, "ledger.read")
    needle = normalize(query)[:KEY_LENGTH]
    if not needle or (needle.isascii() and len(needle) < 2):
        return []
    numbered = members_by_number(uow, query)
    candidates = _candidates(uow, _query_variants(needle), limit * SCAN_FACTOR)
    ranked = sorted(
        (_rank(name, needle, key), key, person_id)
        for person_id, (key, name, status) in candidates.items()
        if include_inactive or status == "active"
    )
    chosen = [*numbered, *(person_id for _tier, _key, person_id in ranked if person_id not in numbered)]
    # Only the shown persons are joined to their homes: that join is the costly read.
    hits = {hit.person_id: hit for hit in hits_for(uow, chosen[:limit + len(numbered)])}
    shown = [hits[person_id] for person_id in chosen if person_id in hits]
    found = [hit for hit in shown if include_inactive or hit.status == "active"][:limit]
    _audit_identifying(uow, query, [hit.person_id for hit in found])
    return found


def _audit_identifying(uow: UnitOfWork, query: str, found: list[int]) -> None:
    """A search by a whole ID or phone number asks "is this person registered here?": it is
    audited like a reveal, with the number masked and the ids of whom it found (so a resident's
    own report can say who looked them up, and retention can blank the row)."""
    kind = identifying_kind(query)
    if kind is None:
        return
    typed = mask_text(query.strip())
    with uow.writing() as writing:
        audit.record(writing, "search", "persons", None,
                     new={"by": kind, "query": typed, "found": len(found), "persons": found[:AUDITED_PERSONS]},
                     detail=f"按{'身份证号' if kind == 'id_number' else '电话'}查找 {typed}:{len(found)} 人")
        writing.commit()


def identifying_kind(query: str) -> str | None:
    """"id_number" or "phone" when the query is a whole one (not a fragment), else None."""
    text = query.strip()
    if is_valid_id(text):
        return "id_number"
    digits = normalize_phone(text).replace("-", "")
    if is_mobile(digits) or (digits.isdigit() and digits.startswith("0") and len(digits) >= 10):
        return "phone"
    return None


def successor(prefix: str) -> str | None:
    """The least string above every string that starts with `prefix` (None: there is none).

    Compares like SQLite's BINARY and PostgreSQL's C collation: by code point (UTF-8 bytes).
    """
    while prefix:
        code = ord(prefix[-1]) + 1
        if code == 0xD800:
            code = 0xE000  # surrogates never occur in stored text
        if code <= 0x10FFFF:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _with_current_home(statement: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """Join a person query to the current membership's household, building, unit and grid."""
    return (
        statement.outerjoin(
            Membership, and_(Membership.person_id == Person.id, Membership.left_on.is_(None))
        )
        .outerjoin(Household, Household.id == Membership.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .outerjoin(Grid, Grid.id == Household.grid_id)
    )


@cache
def _hits_statement(dialect: str) -> Select[*tuple[Any, ...]]:
    """What a hit shows, for a list of persons :ids (`_hit` unpacks the columns in this order)."""
    return _with_current_home(
        select(
            Person.id, Person.name, Person.sex, Person.birth_date, Person.id_number, Person.phone,
            Person.moved_out_on, Person.deceased_on, Membership.relation, Household.id, Household.number,
            Household.grid_id, Household.room, Household.address, Building.name, Unit.name, Grid.name,
        ).where(one_of_ids(Person.id, "ids", dialect))
    )


def _key_sources(person_ids: list[int]) -> Select[*tuple[Any, ...]]:
    """What a person's keys are made of, for a batch of persons."""
    return _with_current_home(
        select(
            Person.id, Person.community_id, Person.name, Person.id_number, Person.phone,
            Household.grid_id, Building.name.label("building"), Unit.name.label("unit"),
            Household.room, Household.address,
        ).where(Person.id.in_(person_ids))
    )


def _source_key_rows(source: Any) -> list[dict[str, Any]]:
    home = address_keys(source.building or "", source.unit or "", source.room or "", source.address or "")
    keys = person_keys(source.name, source.id_number, source.phone, home)
    return key_rows(source.id, source.community_id, source.grid_id, keys)


def _query_variants(needle: str) -> tuple[str, ...]:
    """The query, plus a phone number typed with dashes (138-1234-5678, 010-1234...) without them."""
    digits = needle.replace("-", "")
    if digits != needle and digits.isdigit() and (needle[0] == "0" or len(digits) >= 7):
        return (needle, digits)
    return (needle,)


def _candidates(uow: UnitOfWork, needles: tuple[str, ...], scan: int) -> dict[int, tuple[str, str, str]]:
    """Person id → (first matching key, name, status) for the first `scan` keys of each needle."""
    actor = uow.actor
    connection = uow.session.connection()
    found: dict[int, tuple[str, str, str]] = {}
    for needle in needles:
        upper = successor(needle)
        values = {**scope_values(actor), "low": needle, "scan": scan}
        if upper is not None:
            values["high"] = upper
        rows = connection.execute(_candidate_statement(scope_shape(actor), upper is not None), values)
        # Checked here, not in SQL: a filter on persons tempts PostgreSQL into a hash join.
        for person_id, key, community_id, name, moved_out_on, deceased_on in rows.all():
            if actor.community_id is not None and community_id != actor.community_id:
                continue
            if person_id not in found or key < found[person_id][0]:
                found[person_id] = (key, name, _status(moved_out_on, deceased_on))
    return found


@cache
def _candidate_statement(shape: tuple[bool, bool], bounded: bool) -> Select[*tuple[Any, ...]]:
    """The first :scan keys from :low (below :high when bounded) in a scope of this shape, with
    their persons. Built once: the search box runs it on every keystroke, and building and
    caching a statement cost more client time than PostgreSQL spends answering it."""
    keys = (
        select(SearchEntry.person_id, SearchEntry.key)
        .where(SearchEntry.key >= bindparam("low"), *_index_scope(shape))
        .order_by(SearchEntry.key, SearchEntry.grid_id, SearchEntry.person_id)
        .limit(count_bound("scan"))
    )
    if bounded:
        keys = keys.where(SearchEntry.key < bindparam("high"))
    found = keys.subquery()
    return (
        select(found.c.person_id, found.c.key, Person.community_id, Person.name,
               Person.moved_out_on, Person.deceased_on)
        .join(Person, Person.id == found.c.person_id)
    )


def _index_scope(shape: tuple[bool, bool]) -> list[ColumnElement[bool]]:
    """The actor's scope on the index's own columns, so the range scan never reads the table.

    community_id is not in the index: reading it costs a table row per key, and PostgreSQL then
    may prefer a bitmap scan and a sort of the whole range. So a community is its grids, plus
    keys without a grid (persons with no current home), whose community `_candidates` checks.
    """
    has_community, has_grids = shape
    if has_grids:
        return [SearchEntry.grid_id.in_(bindparam("grids", expanding=True))]
    if not has_community:
        return []
    community_grids = select(Grid.id).where(Grid.community_id == bindparam("community"))
    return [or_(SearchEntry.grid_id.in_(community_grids), SearchEntry.grid_id.is_(None))]


def _rank(name: str, needle: str, key: str) -> int:
    """0 exact name, 1 name prefix, 2 another key equal to the query (zs, 201, last 4), 3 the rest."""
    name = normalize(name)
    if name == needle:
        return 0
    if name.startswith(needle):
        return 1
    return 2 if key == needle else 3


def hits_for(uow: UnitOfWork, person_ids: list[int]) -> list[SearchHit]:
    """The hit records of these persons, with their current homes."""
    if not person_ids:
        return []
    connection = uow.session.connection()
    rows = connection.execute(_hits_statement(connection.dialect.name), {"ids": person_ids})
    # Keys carry the grid already; checking the rows too keeps a stale key from leaking a person.
    hits = [hit for hit in map(_hit, rows.all()) if uow.actor.sees_grid(hit.grid_id)]
    homeless = [hit.person_id for hit in hits if hit.household_id is None]
    if not homeless:
        return hits
    last = last_households(uow, homeless)
    return [_with_last_home(hit, last.get(hit.person_id)) for hit in hits]


def _with_last_home(hit: SearchHit, last: tuple[int, str, int] | None) -> SearchHit:
    if hit.household_id is not None or last is None:
        return hit
    household_id, number, _grid_id = last
    return replace(hit, last_household_id=household_id, last_household_number=number)


def _hit(row: Any) -> SearchHit:
    (person_id, name, sex, birth_date, id_number, phone, moved_out_on, deceased_on, relation,
     household_id, number, grid_id, room, address, building, unit, grid_name) = row
    return SearchHit(
        person_id=person_id, name=name, sex=sex, birth_date=birth_date, id_number=id_number,
        phone=phone, household_id=household_id, household_number=number or "",
        address=_address_text(building, unit, room, address), grid_id=grid_id,
        grid_name=grid_name or "", relation=relation or "", status=_status(moved_out_on, deceased_on),
    )


def _address_text(building: str | None, unit: str | None, room: str | None, address: str | None) -> str:
    """3号楼2单元201 where the household is in a building or unit; else its address and room."""
    room = room or ""
    home = "".join(part for part in (building, unit) if part)
    if home or not address:
        return home + room
    return address if address.endswith(room) else address + room


def _status(moved_out_on: date | None, deceased_on: date | None) -> str:
    if deceased_on is not None:
        return "deceased"
    return "moved_out" if moved_out_on is not None else "active"
