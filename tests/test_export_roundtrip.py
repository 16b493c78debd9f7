"""An unmasked persons export is a ledger: importing it into an empty database gives the same ledger."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from datetime import date

import pytest
from conftest import PG_URL, _worker
from factories import family, person
from openpyxl import load_workbook
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from test_export import FORMULA_TEXTS

from models import Building, Grid, Household, Membership, Person, Unit
from reports.ledger_reader import read_ledger
from reports.xlsx_export import write_table
from station import demo
from station.actor import Actor
from station.db import Database, make_engine
from station.exporting import export_table
from station.households import register_household
from station.importing import run_import
from station.places import ensure_community
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
    name = f"t_{_worker()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    database = Database(make_engine(make_url(PG_URL).set(database=name)), settings, clock)
    yield database
    database.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def ledger(db: Database) -> list[tuple]:
    """Everything the ledger format carries, for everyone living in a household, in a fixed order."""
    query = (
        select(Household.number, Grid.name, Building.name, Unit.name, Household.room, Household.address,
               Person.name, Person.id_number, Person.id_type, Membership.relation, Person.sex,
               Person.birth_date, Person.ethnicity, Person.phone, Person.population_type, Person.notes)
        .join(Person, Person.id == Membership.person_id)
        .join(Household, Household.id == Membership.household_id)
        .join(Grid, Grid.id == Household.grid_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .where(Membership.left_on.is_(None))
        .order_by(Person.id_number)
    )
    with db.session() as session:
        return [tuple(row) for row in session.execute(query)]


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


def test_export_then_import_gives_the_same_ledger(db, community_id, empty_db, tmp_path):
    demo.generate(db, households=40, seed=11)
    add_formula_household(db, community_id)
    exported = export_persons(db, tmp_path / "ledger.xlsx")
    with UnitOfWork(empty_db, admin_of(empty_db)) as uow:
        report = run_import(uow, read_ledger(tmp_path / "ledger.xlsx"), source_name="ledger.xlsx")
    assert report.written, [error.describe() for error in report.errors[:5]]
    original, imported = ledger(db), ledger(empty_db)
    assert len(original) == len(exported) - 1 > 100
    assert imported == original
    assert export_persons(empty_db, tmp_path / "again.xlsx") == exported
