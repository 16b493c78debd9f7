"""Ledger exports: persons in the ledger (import) format, and households; rows streamed in SQL order.

The persons sheet uses the import's headers and writes codes as the names the import reads back
(户主, 男, 汉族, 户籍人口), so an unmasked export is a ledger the import accepts. It lists every
person of the ledger in their latest household, with 状态 (在住, 迁出, 死亡), 迁出日期 and 死亡日期:
imported again, the dead stay dead and the households they left stay closed. A masked one shows
年龄 instead of 出生日期: the masked ID hides exactly the birth date, which the date column would
give away.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, select

from models import Building, Grid, Household, Membership, Person, Unit
from station.codes import (
    HEAD,
    HOUSEHOLD_KINDS,
    HOUSEHOLD_STATUSES,
    PERSON_STATUSES,
    POPULATION_TYPES,
    ethnicities,
    relations,
    sexes,
)
from station.exports.common import (
    ExportRows,
    blank,
    count_rows,
    free_text,
    mask_id_cell,
    mask_phone_cell,
    stream,
)
from station.idcard import age_on
from station.ledger.columns import LEDGER_COLUMNS
from station.residents.living import residents
from station.scope import scope_conditions
from station.uow import UnitOfWork

PERSON_HEADERS = tuple(LEDGER_COLUMNS.values())
MASKED_PERSON_HEADERS = tuple("年龄" if h == LEDGER_COLUMNS["birth_date"] else h for h in PERSON_HEADERS)
HOUSEHOLD_HEADERS = ("户号", "网格", "楼栋", "单元", "房号", "地址", "户类型", "户主", "人数",
                     "联系电话", "状态", "迁出日期", "备注")


def person_rows(uow: UnitOfWork, grid_id: int | None, masked: bool) -> ExportRows:
    """Everyone in the ledger, in their latest household, household by household, head first."""
    query = _person_query(uow, grid_id)
    names = _PersonNames()
    today = uow.today()

    def rows() -> Iterator[tuple[Any, ...]]:
        for row in stream(uow, query):
            yield _person_row(row, names, masked, today)

    return ExportRows(MASKED_PERSON_HEADERS if masked else PERSON_HEADERS, count_rows(uow, query), rows())


def household_rows(uow: UnitOfWork, grid_id: int | None, masked: bool) -> ExportRows:
    """Every household (moved-out ones too, with their status), with its head and member count."""
    query = _household_query(uow, grid_id)

    def rows() -> Iterator[tuple[Any, ...]]:
        for row in stream(uow, query):
            yield _household_row(row, masked)

    return ExportRows(HOUSEHOLD_HEADERS, count_rows(uow, query), rows())


class _PersonNames:
    """Code → name tables, loaded once per export."""

    def __init__(self) -> None:
        self.relations, self.sexes, self.ethnicities = relations(), sexes(), ethnicities()


def _person_query(uow: UnitOfWork, grid_id: int | None) -> Select:
    # The latest membership is the current one when there is one: joining means leaving first.
    latest = (select(Membership.person_id, func.max(Membership.id).label("membership_id"))
              .group_by(Membership.person_id).subquery())
    return (
        select(Household.number, Grid.name, Building.name, Unit.name, Household.room,
               Household.address, Person.name, Person.id_number, Membership.relation, Person.sex,
               Person.birth_date, Person.ethnicity, Person.phone, Person.population_type,
               Person.notes, Membership.left_on, Person.moved_out_on, Person.deceased_on)
        .select_from(latest)
        .join(Membership, Membership.id == latest.c.membership_id)
        .join(Person, Person.id == Membership.person_id)
        .join(Household, Household.id == Membership.household_id)
        .join(Grid, Grid.id == Household.grid_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .where(*scope_conditions(uow, Household.community_id, Household.grid_id, grid_id))
        .order_by(Grid.code, Household.number, Membership.relation != HEAD, Membership.relation,
                  Person.birth_date, Person.id)
    )


def _person_row(row: Any, names: _PersonNames, masked: bool, today) -> tuple[Any, ...]:
    (number, grid, building, unit, room, address, name, id_number, relation, sex, birth,
     ethnicity, phone, population, notes, left_on, moved_out_on, deceased_on) = row
    return (
        number, grid, blank(building), blank(unit), blank(room), blank(address), name,
        mask_id_cell(id_number) if masked else id_number, names.relations.get(relation, relation),
        names.sexes.get(sex, sex), age_on(birth, deceased_on or today) if masked else birth,
        names.ethnicities.get(ethnicity, ethnicity),
        mask_phone_cell(phone) if masked else blank(phone),
        POPULATION_TYPES.get(population, population), free_text(notes, masked),
        _status(left_on, deceased_on), moved_out_on or (left_on if not deceased_on else None), deceased_on,
    )


def _status(left_on, deceased_on) -> str:
    """在住 / 迁出 / 死亡, as the import reads it back (import_status)."""
    if deceased_on is not None:
        return PERSON_STATUSES["deceased"]
    return PERSON_STATUSES["active" if left_on is None else "moved_out"]


def _household_query(uow: UnitOfWork, grid_id: int | None) -> Select:
    # 人数 is the living residents (living.py), as the dashboard and the reports count them.
    members = residents(Membership.household_id, func.count().label("size")).group_by(Membership.household_id).subquery()
    head = (select(Membership.household_id, Person.name)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.left_on.is_(None), Membership.relation == HEAD).subquery())
    return (
        select(Household.number, Grid.name, Building.name, Unit.name, Household.room,
               Household.address, Household.kind, head.c.name, members.c.size, Household.phone,
               Household.status, Household.moved_out_on, Household.notes)
        .join(Grid, Grid.id == Household.grid_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .outerjoin(members, members.c.household_id == Household.id)
        .outerjoin(head, head.c.household_id == Household.id)
        .where(*scope_conditions(uow, Household.community_id, Household.grid_id, grid_id))
        .order_by(Grid.code, Household.number, Household.id)
    )


def _household_row(row: Any, masked: bool) -> tuple[Any, ...]:
    (number, grid, building, unit, room, address, kind, head, size, phone, status, moved_out_on,
     notes) = row
    return (
        number, grid, blank(building), blank(unit), blank(room), blank(address),
        HOUSEHOLD_KINDS.get(kind, kind), blank(head), size or 0,
        mask_phone_cell(phone) if masked else blank(phone),
        HOUSEHOLD_STATUSES.get(status, status), moved_out_on, free_text(notes, masked),
    )
