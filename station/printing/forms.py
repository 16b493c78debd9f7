"""Printing services: gather the plain, masked records each printed form needs, and audit prints.

Each gatherer requires "reports.print" (besides the read permission of what it reads) and
returns a record with every code named and every ID and phone number masked. Nothing is
written until `record_print`, which the caller runs once the file exists: one audit entry
"print" per printout, committed on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from models import RegisterEntry, User
from station import audit, codes
from station.errors import NotFound, ValidationError
from station.idcard import mask_id
from station.ledger.queries import find_household, get_household, get_person
from station.ledger.records import HouseholdRecord
from station.masking import mask_text
from station.permissions import require
from station.phone import mask_phone
from station.printing.common import letterhead, member_line, place_text, register_line
from station.printing.records import HouseholdForm, PersonFile, RequestReceipt, VisitSheet
from station.printing.visits import find_worker, visit_lines
from station.registers.entries import entries_for_person
from station.registers.queries import entry_records
from station.requests.queries import get_request
from station.residents.records import PersonRecord
from station.uow import UnitOfWork
from station.visits.log import list_visits, visits_for_household

LAST_VISITS = 10
MAX_SHEET_DAYS = 93
MAX_SHEET_LINES = 2000


def household_form(uow: UnitOfWork, number: str) -> HouseholdForm:
    """住户信息登记表 of one household: its current members and their open register entries."""
    require(uow.actor, "reports.print")
    household = find_household(uow, number)
    entries = [entry for member in household.members for entry in entries_for_person(uow, member.id)
               if entry.is_open]
    return HouseholdForm(
        letterhead=letterhead(uow, household.community_id), blank=False, household_id=household.id,
        number=household.number,
        grid_name=household.grid_name, address=_household_place(household),
        kind_name=codes.HOUSEHOLD_KINDS.get(household.kind, household.kind),
        status_name=codes.HOUSEHOLD_STATUSES.get(household.status, household.status),
        phone=mask_phone(household.phone), notes=mask_text(household.notes),
        members=tuple(member_line(member) for member in household.members),
        registers=tuple(register_line(entry) for entry in entries),
    )


def blank_household_form(uow: UnitOfWork) -> HouseholdForm:
    """An empty 住户信息登记表 to fill in by hand in the field."""
    require(uow.actor, "reports.print")
    return HouseholdForm(letterhead=letterhead(uow, uow.actor.community_id), blank=True)


def person_file(uow: UnitOfWork, person_id: int) -> PersonFile:
    """重点人群档案卡: the person, their household, register entries and last visits."""
    require(uow.actor, "reports.print")
    person = get_person(uow, person_id)
    household = get_household(uow, person.household_id) if person.household_id else None
    visits = visits_for_household(uow, household.id) if household else []
    own_visits = [visit for visit in visits if visit.done_on and visit.person_id in (None, person.id)]
    return PersonFile(
        letterhead=letterhead(uow, person.community_id), person_id=person.id, **_person_details(person),
        household_number=household.number if household else "",
        relation=codes.relations().get(person.relation, ""),
        grid_name=household.grid_name if household else "",
        address=_household_place(household) if household else "",
        household=tuple(member_line(member) for member in household.members) if household else (),
        registers=tuple(register_line(entry) for entry in entries_for_person(uow, person.id)),
        visits=tuple(visit_lines(uow, own_visits[:LAST_VISITS])),
    )


def find_person(uow: UnitOfWork, text: str, household_number: str | None = None) -> int:
    """The one person meant by a full ID number or a full name (optionally within a household)."""
    from station.search.lookup import search

    needle = (text or "").strip()
    hits = [hit for hit in search(uow, needle, limit=50)
            if needle.upper() in (hit.id_number.upper(), hit.name.upper())
            and household_number in (None, hit.household_number)]
    if len(hits) == 1:
        return hits[0].person_id
    if not hits:
        raise NotFound("printing.person_not_found", needle=needle, field="person")
    listing = ";".join(f"{hit.name} {mask_id(hit.id_number)} 户号 {hit.household_number or '无'}"
                       for hit in hits[:10])
    raise ValidationError("printing.several_people", needle=needle, listing=listing, count=len(hits),
                          field="person")


def visit_sheet(uow: UnitOfWork, worker: str, date_from: date, date_to: date) -> VisitSheet:
    """走访记录表 of a worker: visits done or planned in the period, and register visits due by its end."""
    require(uow.actor, "reports.print")
    require(uow.actor, "visits.read")
    if date_to < date_from or (date_to - date_from).days >= MAX_SHEET_DAYS:
        raise ValidationError("printing.bad_period", days=MAX_SHEET_DAYS, field="date_to")
    user = find_worker(uow, worker)
    visits = list_visits(uow, worker_id=user.id, date_from=date_from, date_to=date_to, limit=MAX_SHEET_LINES)
    pending = {visit.person_id for visit in visits if visit.person_id and visit.done_on is None}
    due = [entry for entry in entry_records(uow, RegisterEntry.end_on.is_(None), RegisterEntry.worker_id == user.id)
           if entry.next_visit_due and entry.next_visit_due <= date_to and entry.person_id not in pending]
    grids = {visit.grid_name for visit in visits} | {entry.grid_name for entry in due}
    return VisitSheet(
        letterhead=letterhead(uow, user.community_id), blank=False, worker_id=user.id,
        worker_name=user.display_name,
        grid_names="、".join(sorted(grids - {""})), date_from=date_from, date_to=date_to,
        lines=tuple(sorted(visit_lines(uow, visits, due), key=lambda line: line.day)),
    )


def blank_visit_sheet(uow: UnitOfWork) -> VisitSheet:
    """An empty 走访记录表 to fill in by hand."""
    require(uow.actor, "reports.print")
    return VisitSheet(letterhead=letterhead(uow, uow.actor.community_id), blank=True)


def request_receipt(uow: UnitOfWork, number: str) -> RequestReceipt:
    """居民诉求受理回执 of a request, by its number."""
    require(uow.actor, "reports.print")
    request = get_request(uow, number).request
    receiver = uow.session.get(User, request.received_by_id) if request.received_by_id else None
    return RequestReceipt(
        letterhead=letterhead(uow, request.community_id), request_id=request.id, number=request.number,
        received_at=request.received_at, channel_name=request.channel_name,
        category_name=request.category_name, urgency_name=request.urgency_name,
        deadline_at=request.deadline_at, description=mask_text(request.description),
        contact_name=request.contact_name, contact_phone=mask_phone(request.contact_phone),
        grid_name=request.grid_name, received_by=receiver.display_name if receiver else "",
    )


def record_print(uow: UnitOfWork, document: str, entity: str, entity_id: int | None,
                 files: Sequence[Path], *, printer: str = "", community_id: int | None = None) -> None:
    """Audit one printout ("print"): which document, of what, to which files or printer."""
    require(uow.actor, "reports.print")
    where = "、".join(str(path) for path in files)
    sent = f";已送打印机 {printer}" if printer else ""
    audit.record(uow, "print", entity, entity_id, detail=f"{document}:{where}{sent}",
                 community_id=community_id)
    uow.commit()


def _person_details(person: PersonRecord) -> dict[str, Any]:
    status = "已故" if person.deceased_on else ("迁出" if person.moved_out_on else "在住")
    return {
        "name": person.name, "sex": codes.sexes().get(person.sex, person.sex),
        "birth_date": person.birth_date, "age": person.age,
        "ethnicity": codes.ethnicities().get(person.ethnicity, person.ethnicity),
        "id_number": mask_id(person.id_number), "phone": mask_phone(person.phone),
        "population_type": codes.POPULATION_TYPES.get(person.population_type, person.population_type),
        "residence_state": codes.RESIDENCE_STATES.get(person.residence_state, person.residence_state),
        "political_status": codes.POLITICAL_STATUSES.get(person.political_status, person.political_status),
        "education": codes.EDUCATION_LEVELS.get(person.education, person.education),
        "marital_status": codes.marital_statuses().get(person.marital_status, person.marital_status),
        "employment": mask_text(person.employment), "status": status,
    }


def _household_place(household: HouseholdRecord) -> str:
    return place_text(household.address, household.building_name, household.unit, household.room)
