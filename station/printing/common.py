"""Shared by the printing services: the letterhead, masked member and register lines, names for codes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import Community
from station import codes
from station.errors import NotFound
from station.idcard import mask_id
from station.masking import mask_text
from station.phone import mask_phone
from station.printing.records import Letterhead, MemberLine, RegisterLine
from station.registers.records import RegisterEntryRecord
from station.residents.records import PersonRecord
from station.uow import UnitOfWork

ATTRIBUTE_LABELS = {
    "disability_category": "残疾类别",
    "disability_grade": "残疾等级",
    "certificate_no": "残疾证号",
    "scheme_no": "救助证编号",
    "monthly_amount": "月发放金额(元)",
    "guardian": "监护人",
    "guardian_phone": "监护人电话",
}


def letterhead(uow: UnitOfWork, community_id: int | None = None) -> Letterhead:
    """The station and community a printout comes from (this station's community by default)."""
    statement = select(Community)
    if community_id is not None:
        statement = statement.where(Community.id == community_id)
    else:
        statement = statement.where(Community.code == uow.settings.station.community_code)
    community = uow.session.scalar(statement)
    if community is None:
        raise NotFound("printing.community_missing", field="community")
    station = uow.settings.station
    return Letterhead(
        community_id=community.id, station_name=station.name, community_name=community.name,
        street=community.street or station.street, station_phone=station.phone or community.phone,
        printed_at=uow.now(), printed_by=uow.actor.username,
    )


def member_line(person: PersonRecord) -> MemberLine:
    """A person as a row of the members table, ID and phone masked."""
    return MemberLine(
        name=person.name, relation=codes.relations().get(person.relation, person.relation),
        sex=codes.sexes().get(person.sex, person.sex), birth_date=person.birth_date,
        ethnicity=codes.ethnicities().get(person.ethnicity, person.ethnicity),
        id_number=mask_id(person.id_number), phone=mask_phone(person.phone),
        population_type=codes.POPULATION_TYPES.get(person.population_type, person.population_type),
    )


def register_line(entry: RegisterEntryRecord) -> RegisterLine:
    """A register entry with its attributes named and masked."""
    return RegisterLine(
        person_name=entry.person_name, category_name=entry.category_name, start_on=entry.start_on,
        end_on=entry.end_on, end_reason=mask_text(entry.end_reason), worker_name=entry.worker_name,
        visit_every_days=entry.visit_every_days, last_visit_on=entry.last_visit_on,
        next_visit_due=entry.next_visit_due,
        attributes=tuple((ATTRIBUTE_LABELS.get(key, key), attribute_text(key, value))
                         for key, value in entry.attributes.items()),
    )


def attribute_text(key: str, value: Any) -> str:
    """A register attribute as printed: codes named, certificate and phones masked."""
    text = str(value)
    if key == "disability_category":
        return codes.disability_categories().get(text, text)
    if key == "disability_grade":
        return codes.disability_grades().get(text, text)
    if key == "certificate_no":
        return mask_id(text)
    if key.endswith("phone"):
        return mask_phone(text)
    return mask_text(text)


def place_text(address: str, building: str, unit: str, room: str) -> str:
    """Where a household lives: the free address, then building, unit and room."""
    parts = "".join(part for part in (building, unit, room and f"{room}室") if part)
    return " ".join(part for part in (address, parts) if part)
