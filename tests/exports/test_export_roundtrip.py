"""An unmasked persons export is a ledger: importing it into an empty database gives the same ledger,
with the dead and the departed as they were; upserting it unchanged refuses and changes nothing."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from datetime import date

import pytest
from backends import PG_URL, worker_name
from factories import family, person
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased
from test_export import FORMULA_TEXTS

from models import Building, Grid, Household, Membership, Person, Unit
from reports.excel_import.reader import read_ledger
from reports.workbooks.export import write_table
from station.actor import Actor
from station.db import Database, make_engine
from station.demo import community as demo
from station.exports.workbook import export_table
from station.imports.ledger import run_import
from station.ledger import households, members
from station.ledger.households import register_household
from station.ledger.queries import get_household
from station.places.directory import ensure_community
from station.uow import UnitOfWork


@pytest.fixture
def empty_db(backend, request, tmp_path, settings, clock):
    """A second fresh, migrated database of the backend under test (conftest's `db` is the first)."""
    if backend == "sqlite":
        target = tmp_path / "second.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        database = Database(make_engine(f"sqlite:///{target}"), settings, clock)
        yield database
        database.dispose()
        return
    template = request.getfixturevalue("pg_template")
    name = f"t_{worker_name()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    database = Database(make_engine(make_url(PG_URL).set(database=name)), settings, clock)
    yield database
    database.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def ledger(db: Database) -> dict[str, list[tuple]]:
    """The whole ledger an export carries: persons (with status dates) and their latest membership,
    households (with status) and places, in a fixed order."""
    other = aliased(Membership)
    latest = select(func.max(other.id)).where(other.person_id == Person.id).correlate(Person).scalar_subquery()
    persons = (
        select(Person.id_number, Person.name, Person.id_type, Person.sex, Person.birth_date, Person.ethnicity,
               Person.phone, Person.population_type, Person.notes, Person.moved_out_on, Person.deceased_on,
               Household.number, Membership.relation, Membership.left_on)
        .select_from(Person)
        .join(Membership, Membership.id == latest)
        .join(Household, Household.id == Membership.household_id)
        .order_by(Person.id_number)
    )
    households = (
        select(Household.number, Household.status, Household.moved_out_on, Grid.name, Building.name, Unit.name,
               Household.room, Household.address)
        .join(Grid, Grid.id == Household.grid_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .order_by(Household.number)
    )
    with db.session() as session:
        return {"persons": [tuple(row) for row in session.execute(persons)],
                "households": [tuple(row) for row in session.execute(households)],
                "memberships": [tuple(row) for row in session.execute(
                    select(func.count()).select_from(Membership).where(Membership.left_on.is_(None)))]}


def export_persons(db: Database, path) -> list[tuple]:
    with UnitOfWork(db, admin_of(db)) as uow:
        write_table(path, export_table(uow, "persons", unmasked=True, reason="迁移台账"))
    return list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))


def admin_of(db: Database) -> Actor:
    with UnitOfWork(db, Actor(None, "admin", "admin", None)) as uow:
        community = ensure_community(uow, db.settings)
        uow.commit()
        return Actor(None, "admin", "admin", community.id)


def add_formula_household(db: Database, community_id: int) -> None:
    """Text that looks like formulas must come back as the same text."""
    members = tuple(person(name, "02" if i == 0 else "20", date(1970 + i, 3, 3), seq=400 + i, notes=note)
                    for i, (name, note) in enumerate(zip(("公一", "公二", "公三", "公四"), FORMULA_TEXTS,
                                                         strict=True)))
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        grid_id = uow.session.scalar(select(Grid.id).order_by(Grid.code).limit(1))
        register_household(uow, replace(family(grid_id), members=members, address="=A1&\"号\""))


def add_departures(db: Database, community_id: int) -> None:
    """What the counter does: a member dies, one moves away, the head dies and the spouse takes
    over, a household moves out, a person living alone dies (the household is closed)."""
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        grid_id = uow.session.scalar(select(Grid.id).order_by(Grid.code).limit(1))
    elder = person("离世老人", "61", date(1940, 2, 2), seq=451)
    moving = person("外出子女", "20", date(2001, 6, 6), male=False, seq=452)
    kept = register(db, replace(family(grid_id, seq=453, room="901"), members=family(grid_id, seq=453).members
                                + (elder, moving), address="幸福路9号")).household
    by_name = {member.name: member for member in kept.members}
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        members.record_death(uow, by_name["离世老人"].id, by_name["离世老人"].version, date(2026, 3, 1))
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        kept = get_household(uow, kept.id)
        kept = members.remove_member(uow, kept.id, kept.version, by_name["外出子女"].id,
                                     on=date(2026, 4, 1)).household
    head, spouse, child = kept.head, *[m for m in kept.members if m.relation != "02"]
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        members.record_death(uow, head.id, head.version, date(2026, 5, 1), new_head_id=spouse.id,
                             relations={child.id: "子"})
    leaving = register(db, replace(family(grid_id, seq=454, room="902"), address="幸福路9号")).household
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        households.move_out(uow, leaving.id, leaving.version, on=date(2026, 6, 1))
    alone = register(db, replace(family(grid_id, seq=455, room="903"), address="幸福路9号",
                                 members=(person("独居老人", "02", date(1935, 1, 1), seq=455),))).household
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        members.record_death(uow, alone.head.id, alone.head.version, date(2026, 7, 1))


def register(db: Database, draft):
    """Registered in January: the departures above are dated after the members joined."""
    with UnitOfWork(db, admin_of(db)) as uow:
        return register_household(uow, replace(draft, registered_on=date(2026, 1, 5)))


def import_ledger(db: Database, path, mode: str = "insert"):
    with UnitOfWork(db, admin_of(db)) as uow:
        return run_import(uow, read_ledger(path), mode=mode, source_name=path.name)


def test_export_then_import_gives_the_same_ledger(db, community_id, empty_db, tmp_path):
    demo.generate(db, households=40, seed=11)
    add_formula_household(db, community_id)
    add_departures(db, community_id)
    exported = export_persons(db, tmp_path / "ledger.xlsx")
    original = ledger(db)
    statuses = {row[exported[0].index("状态")] for row in exported[1:]}
    assert statuses == {"在住", "迁出", "死亡"} and len(original["persons"]) == len(exported) - 1 > 100
    report = import_ledger(empty_db, tmp_path / "ledger.xlsx")
    assert report.written, [error.describe() for error in report.errors[:5]]
    assert ledger(empty_db) == original
    assert export_persons(empty_db, tmp_path / "again.xlsx") == exported


@pytest.mark.parametrize("into", ["original", "imported"])
def test_the_unchanged_export_upserts_without_a_refusal_or_a_change(db, community_id, empty_db, tmp_path, into):
    demo.generate(db, households=40, seed=11)
    add_departures(db, community_id)
    exported = export_persons(db, tmp_path / "ledger.xlsx")
    target = db
    if into == "imported":
        assert import_ledger(empty_db, tmp_path / "ledger.xlsx").written
        target = empty_db
    before = ledger(target)
    report = import_ledger(target, tmp_path / "ledger.xlsx", mode="upsert")
    assert report.errors == () and report.written, [error.describe() for error in report.errors[:5]]
    counts = report.counts
    assert (counts.persons_created, counts.persons_updated, counts.households_created,
            counts.households_joined) == (0, 0, 0, 0)
    assert counts.persons_unchanged == len(exported) - 1
    assert ledger(target) == before
