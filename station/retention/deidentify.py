"""The retention run: blank what identifies the people past the limit, keep what the figures count.

Rows stay (persons, memberships, register entries, visits, requests), so every count of a closed
month is unchanged; names, numbers, free text and register attributes go, and the search keys
that would still find them are dropped. Audit rows about them are redacted in the same
transaction (audit_redaction), and the run's own audit row lists them so `audit verify` can tell
a declared redaction from a rewrite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Table, bindparam, delete, func, select, update

from models import (
    Household,
    Membership,
    Person,
    RegisterEntry,
    RequestEvent,
    ResidentRequest,
    SearchEntry,
    Visit,
)
from station import audit
from station.audit_chain import RETENTION_ACTION, id_ranges
from station.permissions import require
from station.retention.audit_redaction import redact_audit_rows, rows_about
from station.retention.records import RetentionPlan, RetentionResult
from station.uow import UnitOfWork

# What a de-identified person's name reads in every list (the same in both languages).
NO_NAME = "—"
_CHUNK = 500  # ids per IN list (SQLite allows 32k parameters; PostgreSQL more)


def run_retention(uow: UnitOfWork, plan: RetentionPlan,
                  progress: Callable[[int, int], None] | None = None) -> RetentionResult:
    """De-identify everyone in `plan`, redact the audit rows about them, audit the run; commits."""
    require(uow.actor, "data.retention")
    ids = [person.person_id for person in plan.people]
    numbers = _numbers(uow, ids)
    audit_ids = rows_about(uow, ids, numbers, progress)
    result = RetentionResult(
        persons=_blank_persons(uow, ids),
        search_keys=_in_chunks(uow, ids, lambda chunk: delete(SearchEntry).where(SearchEntry.person_id.in_(chunk))),
        register_entries=_in_chunks(uow, ids, lambda chunk: update(RegisterEntry).where(
            RegisterEntry.person_id.in_(chunk)).values(attributes={}, notes="", end_reason="",
                                                       version=RegisterEntry.version + 1)),
        visits=_in_chunks(uow, ids, lambda chunk: update(Visit).where(Visit.person_id.in_(chunk)).values(
            content="", version=Visit.version + 1)),
        requests=_blank_requests(uow, ids),
        households=_blank_empty_households(uow, ids),
        audit_rows=redact_audit_rows(uow, audit_ids),
    )
    audit.record(uow, RETENTION_ACTION, "community", uow.actor.community_id,
                 new={"years": plan.years, "cutoff": plan.cutoff, **result.as_dict(),
                      "redacted_rows": id_ranges(audit_ids)},
                 detail=f"到期去标识:离开或去世早于 {plan.cutoff} 的 {result.persons} 人,"
                        f"审计记录 {result.audit_rows} 条的个人信息已清除")
    uow.commit()
    return result


def _numbers(uow: UnitOfWork, ids: Sequence[int]) -> set[str]:
    """Their ID and phone numbers: audit rows that quote them are about them."""
    found: set[str] = set()
    for chunk in _chunks(ids):
        for id_number, phone in uow.session.execute(
                select(Person.id_number, Person.phone).where(Person.id.in_(chunk))):
            found.update(number for number in (id_number, phone) if number)
    return found


def _blank_persons(uow: UnitOfWork, ids: Sequence[int]) -> int:
    # Core executemany by primary key: the ORM's version check would read every row first.
    table: Table = Person.__table__  # type: ignore[assignment]
    statement = table.update().where(table.c.id == bindparam("person")).values(
        name=NO_NAME, id_number=bindparam("placeholder"), phone="", notes="", registered_address="",
        deidentified_on=uow.today(), version=table.c.version + 1)
    params = [{"person": person_id, "placeholder": f"deid-{person_id}"} for person_id in ids]
    if params:
        uow.session.execute(statement, params)
    return len(params)


def _blank_requests(uow: UnitOfWork, ids: Sequence[int]) -> int:
    count = _in_chunks(uow, ids, lambda chunk: update(ResidentRequest).where(
        ResidentRequest.person_id.in_(chunk)).values(
        description="", contact_name="", contact_phone="", result="", feedback="",
        version=ResidentRequest.version + 1))
    _in_chunks(uow, ids, lambda chunk: update(RequestEvent).where(RequestEvent.request_id.in_(
        select(ResidentRequest.id).where(ResidentRequest.person_id.in_(chunk)))).values(note=""))
    return count


def _blank_empty_households(uow: UnitOfWork, ids: Sequence[int]) -> int:
    """Closed households whose every member is now de-identified lose their phone and notes."""
    uow.session.flush()
    identified = select(Membership.household_id).join(Person, Person.id == Membership.person_id).where(
        Person.deidentified_on.is_(None))
    return _in_chunks(uow, ids, lambda chunk: update(Household).where(
        Household.id.in_(select(Membership.household_id).where(Membership.person_id.in_(chunk))),
        Household.id.not_in(identified), Household.status != "active",
        func.length(Household.phone) + func.length(Household.notes) > 0,
    ).values(phone="", notes="", version=Household.version + 1))


def _in_chunks(uow: UnitOfWork, ids: Sequence[int], statement: Callable) -> int:
    changed = 0
    for chunk in _chunks(ids):
        result = uow.session.execute(statement(chunk), execution_options={"synchronize_session": False})
        changed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return changed


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start:start + _CHUNK] for start in range(0, len(ids), _CHUNK)]
