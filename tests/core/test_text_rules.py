"""Text rules: every text column's limit comes from the model, and every service applies it.

Names refuse terminal escapes, bidi overrides and zero-width characters; free text loses them.
Service tests run on SQLite (which would store any length) and PostgreSQL (which would fail
with an error naming no field).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from factories import family, person
from ledger_fixtures import Resident, make_home, neighbourhood
from sqlalchemy import String, select

from models import Base, Household, Person
from station.accounts import users
from station.errors import ValidationError
from station.ledger import households, members
from station.ledger.households import Location
from station.ledger.queries import get_household
from station.ledger.records import HouseholdDraft
from station.places import directory as places
from station.registers import entries as register_entries
from station.requests import workflow as request_workflow
from station.text_rules import (
    CODE,
    FREE,
    INTERNAL,
    NAME,
    RULES,
    free_text,
    limit_of,
    name_text,
    text_for,
    visible,
)
from station.uow import UnitOfWork
from station.visits import log as visit_log

STATION = Path(__file__).resolve().parents[2] / "station"
ESCAPES = ["\x1b[2J\x1b[31m红", "王\u202e丽", "王\u200b丽", "王\n丽", "王\x00丽", "\ufeff王丽", "王\u2066丽"]


# --- the rule table -------------------------------------------------------------------------


def _string_columns() -> set[str]:
    return {f"{table.name}.{column.name}" for table in Base.metadata.sorted_tables
            for column in table.columns if isinstance(column.type, String)}


def test_every_string_column_of_every_model_has_a_rule():
    assert set(RULES) == _string_columns()
    assert {rule.kind for rule in RULES.values()} <= {NAME, FREE, CODE, INTERNAL}


def test_limits_are_read_off_the_model():
    assert limit_of("households.address") == 200
    assert limit_of("persons.name") == 64
    assert limit_of("visits.content") == 2000
    assert all(limit_of(column) > 0 for column in RULES)


def test_every_name_and_free_text_rule_is_applied_by_a_service():
    """Each typed column's rule is named in some station module besides the rule table."""
    sources = "\n".join(path.read_text(encoding="utf-8") for path in STATION.rglob("*.py")
                        if path.name != "text_rules.py")
    unused = [column for column, rule in RULES.items()
              if rule.kind in (NAME, FREE) and f'"{column}"' not in sources]
    assert unused == []


# --- the rules themselves -------------------------------------------------------------------


@pytest.mark.parametrize("name", ESCAPES)
def test_names_refuse_control_bidi_and_zero_width_characters(name):
    with pytest.raises(ValidationError) as refused:
        name_text(name, limit=64, field="name", label="姓名")
    assert refused.value.field == "name"
    assert "控制字符" in refused.value.message and "\\u" in refused.value.message
    assert visible(refused.value.message) == refused.value.message  # the message itself is safe


def test_names_keep_what_chinese_names_need():
    for name in ("阿依古丽·买买提", "欧阳 娜娜", "𠮷田", "JOHN O'NEIL", "王[red]x"):
        assert name_text(f" {name} ", limit=64, field="name", label="姓名") == name


def test_free_text_loses_unsafe_characters_and_keeps_line_breaks():
    typed = "\x1b[2J入户\u200b走访\r\n老人\t身体\u202e好\u2028"
    assert free_text(typed, limit=100, field="content", label="走访内容") == "[2J入户走访\n老人 身体好"


def test_visible_writes_unsafe_characters_out():
    assert visible("\x1b[2J红") == "\\u001b[2J红"
    assert visible("王丽") == "王丽"


def test_a_too_long_value_names_its_field_and_limit():
    with pytest.raises(ValidationError) as refused:
        text_for("households.address", "路" * 30_000)
    assert refused.value.field == "address"
    assert refused.value.message == "地址过长（最多 200 个字，现有 30000 个字）"


# --- every service, on both backends ---------------------------------------------------------


@pytest.fixture
def town(db, community_id):
    place = neighbourhood(db, community_id)
    home = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)),
                     Resident("王小", date(1990, 3, 1), relation="20"))
    return place, home


def _household(uow, town, **location):
    place, _ = town
    draft = replace(family(place.grid1, seq=7), address="幸福路2号")
    return households.register_household(uow, replace(draft, **location))


def _member(uow, town, **fields):
    place, _ = town
    draft = family(place.grid1, seq=8)
    head = replace(draft.members[0], **fields)
    return households.register_household(uow, replace(draft, members=(head,), address="幸福路3号"))


def _update_household(uow, town, **changes):
    home = get_household(uow, town[1].household_id)
    return households.update_household(uow, home.id, home.version, **changes)


def _remove_member(uow, town, reason):
    _, home = town
    version = get_household(uow, home.household_id).version
    return members.remove_member(uow, home.household_id, version, home.person_ids[1], reason=reason)


def _move_out(uow, town, reason):
    _, home = town
    version = get_household(uow, home.household_id).version
    return households.move_out(uow, home.household_id, version, reason=reason)


def _end_entry(uow, town, reason):
    _, home = town
    entry = register_entries.add_entry(uow, home.head_id, "elderly_alone", date(2026, 1, 5))
    return register_entries.end_entry(uow, entry.id, date(2026, 11, 1), reason, entry.version)


def _visit(uow, town, content):
    place, home = town
    return visit_log.log_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                                household_id=home.household_id, content=content)


def _request(uow, town, **fields):
    values = {"channel": "window", "category": "property", "urgency": "normal",
              "description": "楼道灯不亮", "grid_id": town[0].grid1} | fields
    return request_workflow.receive(uow, **values)


def _building(uow, town, **fields):
    values = {"name": "9号楼", "address": ""} | fields
    return places.add_building(uow, town[0].grid1, values["name"], address=values["address"])


TOO_LONG = {
    "household address": (lambda uow, t: _household(uow, t, address="路" * 201), "address", 200),
    "household room": (lambda uow, t: _household(uow, t, room="1" * 33), "room", 32),
    "household number": (lambda uow, t: _household(uow, t, number="H" * 33), "number", 32),
    "household notes": (lambda uow, t: _update_household(uow, t, notes="注" * 1001), "notes", 1000),
    "person name": (lambda uow, t: _member(uow, t, name="王" * 65), "name", 64),
    "person employment": (lambda uow, t: _member(uow, t, employment="工" * 33), "employment", 32),
    "registered address": (lambda uow, t: _member(uow, t, registered_address="址" * 201),
                           "registered_address", 200),
    "person notes": (lambda uow, t: _member(uow, t, notes="注" * 1001), "notes", 1000),
    "unit": (lambda uow, t: _update_household(uow, t, location=Location(
        t[0].grid1, _building(uow, t).id, unit="单" * 33, room="101")), "unit", 32),
    "grid code": (lambda uow, t: places.add_grid(uow, t[0].community_id, "G" * 33, "九网格"), "code", 32),
    "grid name": (lambda uow, t: places.add_grid(uow, t[0].community_id, "G09", "网" * 65), "name", 64),
    "building name": (lambda uow, t: _building(uow, t, name="楼" * 65), "name", 64),
    "building address": (lambda uow, t: _building(uow, t, address="址" * 201), "address", 200),
    "user display name": (lambda uow, t: users.add_user(uow, "zhao.yi", "赵" * 65, "clerk",
                                                         "Station-2026"), "display_name", 64),
    "leaving reason": (lambda uow, t: _remove_member(uow, t, "迁" * 33), "reason", 32),
    "moving-out reason": (lambda uow, t: _move_out(uow, t, "迁" * 33), "reason", 32),
    "register end reason": (lambda uow, t: _end_entry(uow, t, "因" * 201), "reason", 200),
    "visit content": (lambda uow, t: _visit(uow, t, "访" * 2001), "content", 2000),
    "request description": (lambda uow, t: _request(uow, t, description="诉" * 2001), "description", 2000),
    "request contact": (lambda uow, t: _request(uow, t, contact_name="联" * 65), "contact_name", 64),
}


@pytest.mark.parametrize("case", list(TOO_LONG))
def test_services_refuse_a_too_long_value_naming_field_and_limit(db, admin, town, case):
    call, field, limit = TOO_LONG[case]
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError) as refused:
        call(uow, town)
    assert refused.value.field == field
    assert f"最多 {limit} 个字" in refused.value.message


NAMES = {
    "person name": lambda uow, t, v: _member(uow, t, name=v),
    "household address": lambda uow, t, v: _household(uow, t, address=v),
    "household room": lambda uow, t, v: _household(uow, t, room=v),
    "grid name": lambda uow, t, v: places.add_grid(uow, t[0].community_id, "G09", v),
    "building name": lambda uow, t, v: _building(uow, t, name=v),
    "unit": lambda uow, t, v: _update_household(uow, t, location=Location(
        t[0].grid1, _building(uow, t).id, unit=v, room="101")),
    "user display name": lambda uow, t, v: users.add_user(uow, "zhao.yi", v, "clerk", "Station-2026"),
    "request contact": lambda uow, t, v: _request(uow, t, contact_name=v),
}


@pytest.mark.parametrize("case", list(NAMES))
def test_names_with_terminal_escapes_are_refused_at_every_entry(db, admin, town, case):
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError) as refused:
        NAMES[case](uow, town, "\x1b[2J\x1b[31m红")
    assert "控制字符" in refused.value.message


def test_free_text_is_stored_without_escapes(db, admin, town):
    with UnitOfWork(db, admin) as uow:
        _update_household(uow, town, notes="\x1b[2J低保\u202e户")
        visit = _visit(uow, town, "\x1b[31m入户\u200b走访")
    assert visit.content == "[31m入户走访"
    with db.session() as session:
        notes = session.scalar(select(Household.notes).where(Household.id == town[1].household_id))
    assert notes == "[2J低保户"


def test_a_draft_of_the_longest_allowed_values_is_stored(db, admin, town):
    place, _ = town
    draft = HouseholdDraft(grid_id=place.grid1, address="路" * 200, room="1" * 32,
                           members=(person("王" * 64, "02", date(1970, 1, 1), seq=9,
                                           employment="工" * 32),))
    with UnitOfWork(db, admin) as uow:
        saved = households.register_household(uow, draft)
    with db.session() as session:
        assert session.scalar(select(Person.name).where(Person.id == saved.household.members[0].id)) == "王" * 64
