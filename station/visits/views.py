"""Services for the service-log screens: the community's workers (readable with visits.read
alone), and a visit logged together with its follow-up plan in one transaction.

station.accounts.users.list_users returns whole accounts (phones, lock-outs) for user management; a
visit form needs only who may be named as the worker.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import User
from station.errors import ValidationError
from station.permissions import ROLE_PERMISSIONS, require
from station.scope import community_clause
from station.uow import UnitOfWork
from station.visits.log import log_visit, plan_visit
from station.visits.view_records import VisitLogged, WorkerOption

# Roles whose accounts can be named as a visit's worker: those that may log visits.
WORKER_ROLES = tuple(sorted(role for role, granted in ROLE_PERMISSIONS.items() if "visits.write" in granted))


def list_workers(uow: UnitOfWork, *, include_disabled: bool = False) -> list[WorkerOption]:
    """Accounts of the actor's community that may make visits (disabled ones too when asked)."""
    require(uow.actor, "visits.read")
    conditions = [community_clause(uow.actor, User.community_id), User.community_id.is_not(None),
                  User.role.in_(WORKER_ROLES)]
    if not include_disabled:
        conditions.append(User.disabled.is_(False))
    rows = uow.session.scalars(select(User).where(*conditions).order_by(User.username))
    return [WorkerOption(id=user.id, username=user.username, display_name=user.display_name,
                         role=user.role, disabled=user.disabled) for user in rows]


def log_visit_with_follow_up(uow: UnitOfWork, *, kind: str, worker_id: int, person_id: int | None,
                             household_id: int | None, done_on: date, content: str,
                             follow_up_note: str = "", follow_up_on: date | None = None) -> VisitLogged:
    """Log a done visit; with a follow-up day also plan that visit (the note is its content).

    A note without a day is kept with the visit's content. Both are saved, or neither.
    """
    if follow_up_on is not None and follow_up_on < uow.today():
        raise ValidationError("visits.follow_up_in_past", field="follow_up_on")
    note = follow_up_note.strip()
    if note and follow_up_on is None and content.strip():
        content = f"{content.strip()}\n跟进事项:{note}"
    held = _HeldCommits(uow)
    visit = log_visit(held, kind=kind, worker_id=worker_id, household_id=household_id,
                      person_id=person_id, done_on=done_on, content=content, follow_up_on=follow_up_on)
    plan = None
    if follow_up_on is not None:
        plan = plan_visit(held, kind=kind, worker_id=worker_id, planned_on=follow_up_on,
                          household_id=visit.household_id, person_id=person_id, content=note)
    uow.commit()
    return VisitLogged(visit=visit, plan=plan)


class _HeldCommits(UnitOfWork):
    """The caller's unit of work with commits held back, so two service calls make one transaction."""

    def __init__(self, outer: UnitOfWork):
        super().__init__(outer.database, outer.actor)
        self.session = outer.session

    def commit(self) -> None:
        self.flush()
