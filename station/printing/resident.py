"""个人信息查阅单: a resident's own file as printed text, in the station's language.

Gathered from station.dossiers.resident (which checks ledger.read and scope); printing it needs
reports.print, as every printout, and is audited by the caller (record_print) once the file exists.
Their own ID, phone and disability certificate print whole; other people's numbers are masked, and
free text has its numbers masked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from station import codes
from station.audit import action_name
from station.dossiers.resident import resident_dossier
from station.dossiers.resident_records import AccessEvent, ResidentDossier, Stay
from station.masking import mask_text
from station.messages import code_name, has_message, message
from station.permissions import require
from station.printing.common import attribute_text, letterhead
from station.printing.resident_records import HomeSection, ResidentReport, Row
from station.registers.records import RegisterEntryRecord
from station.requests.records import RequestDetail
from station.residents.kinship import relation_name
from station.uow import UnitOfWork
from station.visits.records import VisitRecord

DOCUMENT = "个人信息查阅单"  # as the audit log names the printout (the log is kept in Chinese)


class Words:
    """The report's words in one language: its own, the catalogue's column labels and code names."""

    def __init__(self, language: str, categories: dict[str, str]):
        self.language = language
        self.categories = categories  # register categories as station.toml names them

    def __call__(self, key: str, **params: Any) -> str:
        return message(f"dossiers.report.{key}", self.language, **params)

    def code(self, family: str, value: str, name: str) -> str:
        return code_name(family, value, name, self.language)

    def label(self, table: str, column: str) -> str:
        """A field's name: the column's, else the report's own, else "other details"."""
        for key in (f"columns.{table}.{column}", f"dossiers.report.field_{column}"):
            if has_message(key, self.language):
                return message(key, self.language)
        return self("field_other")

    def category(self, value: str) -> str:
        return self.code("register_category", value, self.categories.get(value, value))


def resident_report(uow: UnitOfWork, person_id: int) -> ResidentReport:
    """The resident's own file as printed (see the module)."""
    require(uow.actor, "reports.print")
    dossier = resident_dossier(uow, person_id)
    words = Words(uow.settings.station.language, uow.settings.registers.categories)
    person = dossier.person
    return ResidentReport(
        letterhead=letterhead(uow, person.community_id), language=words.language, person_id=person.id,
        name=person.name, fields=_person_fields(dossier, words), wide_fields=_wide_fields(dossier, words),
        homes=tuple(_home(stay, words) for stay in reversed(dossier.stays)),
        registers=tuple(_register_row(entry, words) for entry in dossier.registers)
        if dossier.registers_shown else None,
        visits=tuple(_visit_row(visit, person.id, words) for visit in dossier.visits) if dossier.visits_shown else None,
        requests=tuple(_request_row(detail, words) for detail in dossier.requests) if dossier.requests_shown else None,
        request_steps=tuple(row for detail in dossier.requests for row in _step_rows(detail, words)),
        accesses=tuple(_access_row(event, words) for event in dossier.accesses),
    )


# --- the person and their homes ----------------------------------------------------------------


def _person_fields(dossier: ResidentDossier, words: Words) -> tuple[tuple[str, str], ...]:
    person = dossier.person

    def label(column: str) -> str:
        return words.label("persons", column)

    return (
        (label("name"), person.name), (label("sex"), words.code("sex", person.sex, codes.sexes().get(person.sex, ""))),
        (label("birth_date"), _day(person.birth_date)),
        (label("ethnicity"), codes.ethnicities().get(person.ethnicity, person.ethnicity)),
        (label("id_number"), person.id_number), (label("phone"), person.phone),
        (label("population_type"), words.code("population_type", person.population_type,
                                              codes.POPULATION_TYPES.get(person.population_type, ""))),
        (label("residence_state"), words.code("residence_state", person.residence_state,
                                              codes.RESIDENCE_STATES.get(person.residence_state, ""))),
        (label("political_status"), codes.POLITICAL_STATUSES.get(person.political_status, person.political_status)),
        (label("education"), codes.EDUCATION_LEVELS.get(person.education, person.education)),
        (label("marital_status"), words.code("marital_status", person.marital_status,
                                             codes.marital_statuses().get(person.marital_status, ""))),
        (label("moved_in_on"), _day(person.moved_in_on)), (words("status"), _status(dossier, words)),
    )


def _wide_fields(dossier: ResidentDossier, words: Words) -> tuple[tuple[str, str], ...]:
    person = dossier.person
    fields = [(words.label("persons", "registered_address"), person.registered_address),
              (words.label("persons", "employment"), mask_text(person.employment))]
    if dossier.registered_household_number:
        fields.append((words("registered_household"), dossier.registered_household_number))
    return (*fields, (words.label("persons", "notes"), mask_text(person.notes)))


def _status(dossier: ResidentDossier, words: Words) -> str:
    person = dossier.person
    if person.deceased_on:
        return words("status_deceased", on=_day(person.deceased_on))
    if person.moved_out_on:
        return words("status_moved_out", on=_day(person.moved_out_on))
    return words("status_active")


def _home(stay: Stay, words: Words) -> HomeSection:
    title = words("home_now" if stay.left_on is None else "home_before", number=stay.number or "—")
    left = f"{_day(stay.left_on)} {mask_text(stay.left_reason)}".strip()
    dates = ((words("joined_on"), _day(stay.joined_on)), (words("left_on"), left or words("still_there")))
    if not stay.visible:
        return HomeSection(title, dates, (), withheld=True)
    fields = ((words.label("households", "number"), stay.number), (words("grid"), stay.grid_name),
              (words.label("households", "address"), stay.address),
              (words.label("memberships", "relation"), relation_name(stay.relation)), *dates)
    mates = tuple((mate.name, relation_name(mate.relation), words.code("sex", mate.sex, codes.sexes().get(mate.sex, "")),
                   _day(mate.birth_date), mate.id_number, mate.phone, _day(mate.joined_on), _day(mate.left_on))
                  for mate in stay.housemates)
    return HomeSection(title, fields, mates)


# --- registers, visits, requests ---------------------------------------------------------------


def _register_row(entry: RegisterEntryRecord, words: Words) -> Row:
    ended = f"{_day(entry.end_on)} {mask_text(entry.end_reason)}".strip() if entry.end_on else words("on_register")
    attributes = ";".join(f"{_attribute_label(key, words)}:{_own_attribute(key, value)}"
                          for key, value in entry.attributes.items())
    return (words.code("register_category", entry.category, entry.category_name), _day(entry.start_on), ended,
            entry.worker_name, words("every_days", days=entry.visit_every_days), attributes)


def _attribute_label(key: str, words: Words) -> str:
    code = f"registers.attribute.{key}"
    return message(code, words.language) if has_message(code, words.language) else key


def _own_attribute(key: str, value: Any) -> str:
    """Their own certificate number whole (it is their copy); a guardian's phone and the rest as printed."""
    return str(value) if key == "certificate_no" else attribute_text(key, value)


def _visit_row(visit: VisitRecord, person_id: int, words: Words) -> Row:
    day = _day(visit.done_on or visit.planned_on) + ("" if visit.is_done else words("planned"))
    whom = visit.person_name if visit.person_id == person_id else words("whole_household")
    return (day, visit.kind_name, visit.worker_name, whom, mask_text(visit.content))


def _request_row(detail: RequestDetail, words: Words) -> Row:
    request = detail.request
    return (request.number, _day(request.received_at),
            words.code("request_category", request.category, request.category_name),
            message(f"requests.state.{request.state}", words.language),
            mask_text(request.description), mask_text(request.result))


def _step_rows(detail: RequestDetail, words: Words) -> list[Row]:
    number = detail.request.number
    return [(number, _day(event.at), _step(event.from_state, event.to_state, words), event.user_name,
             mask_text(event.note)) for event in detail.events]


def _step(from_state: str, to_state: str, words: Words) -> str:
    named = [message(f"requests.state.{state}", words.language) for state in (from_state, to_state) if state]
    return " → ".join(named)


# --- who touched their data --------------------------------------------------------------------


def _access_row(event: AccessEvent, words: Words) -> Row:
    what = action_name(event.action, words.language)
    changed = "、".join(dict.fromkeys(words.label(*field.split(".", 1)) for field in event.changed))
    details = "; ".join(part for part in (words("changed", fields=changed) if changed else "", event.note) if part)
    return (_day(event.at), event.username, what, _subject(event, words), details)


def _subject(event: AccessEvent, words: Words) -> str:
    entity, subject = event.entity, event.subject
    if event.action == "export":
        kind = f"exports.kind.{entity}"
        named = message(kind, words.language) if has_message(kind, words.language) else entity
        return words("of_export", kind=named, scope=subject or words("whole_community"))
    if entity == "register_entry":
        return words("of_register", category=words.category(subject))
    if entity in ("person", "household", "visit", "request", "persons"):
        return words(f"of_{entity}", subject=subject or "—")
    return entity


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else f"{value:%Y-%m-%d}"
