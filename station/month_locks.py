"""Locked months: a month whose report was printed stays as printed until an admin unlocks it.

What "an edit that would change a locked month" means here: an operation that records a date
inside the locked month of the community. The guarded operations and their dates are:

- visits: log_visit / complete_visit with done_on in the month;
- registers: add_entry start_on, end_entry end_on in the month;
- households and members: register (registered_on), move out, split, merge, add / remove /
  transfer a member, record a death, dated in the month;
- requests: every transition of a request closed in the month (rating or reopening it would
  change the month's closed, on-time and satisfaction figures).

Operations dated today never touch a locked month, because only months that have ended can be
locked. Corrections that carry no date (a person's details, a register's attributes) are not
refused: they fix the ledger, and the printed report stays the record of what was reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from models import MonthLock
from station import audit
from station.errors import NotFound, PermissionDenied, ValidationError
from station.permissions import require
from station.text_rules import free_text
from station.uow import UnitOfWork

MAX_UNLOCK_REASON = 500  # it goes to the audit log's detail, VARCHAR(1000)


@dataclass(frozen=True)
class MonthLockRecord:
    """A locked month: which community's, who locked it and when."""

    community_id: int
    year: int
    month: int
    locked_at: datetime
    locked_by: str


def refuse_if_locked(uow: UnitOfWork, community_id: int, day: date | datetime | None,
                     *, field: str = "date") -> None:
    """Raise ValidationError when `day` falls in a locked month of the community (None passes)."""
    if day is None:
        return
    lock = _lock(uow, community_id, day.year, day.month)
    if lock is not None:
        raise ValidationError(
            "month_locks.locked", year=day.year, month=day.month, field=field)


def lock_month(uow: UnitOfWork, community_id: int, year: int, month: int) -> MonthLockRecord:
    """Lock an ended month of the community (after its report was printed)."""
    require(uow.actor, "month.lock")
    _check_whole_community(uow, community_id)
    first = _first_day(year, month)
    if (first.year, first.month) >= (uow.today().year, uow.today().month):
        raise ValidationError("month_locks.not_over", field="month")
    if _lock(uow, community_id, year, month) is not None:
        raise ValidationError("month_locks.already_locked", year=year, month=month, field="month")
    lock = MonthLock(community_id=community_id, year=year, month=month, locked_at=uow.now(),
                     locked_by=uow.actor.username)
    uow.session.add(lock)
    uow.flush()
    audit.record(uow, "lock", "month", lock.id, new={"year": year, "month": month},
                 community_id=community_id)
    uow.commit()
    return _record(lock)


def unlock_month(uow: UnitOfWork, community_id: int, year: int, month: int,
                 reason: str) -> None:
    """Lift a lock (admin only); the reason goes to the audit log."""
    require(uow.actor, "month.unlock")
    _check_whole_community(uow, community_id)
    reason = free_text(reason, limit=MAX_UNLOCK_REASON, field="reason", label="解锁原因")
    if not reason:
        raise ValidationError("month_locks.reason_missing", field="reason")
    lock = _lock(uow, community_id, year, month)
    if lock is None:
        raise NotFound("month_locks.not_locked", year=year, month=month, field="month")
    audit.record(uow, "unlock", "month", lock.id, old=audit.snapshot(lock), detail=reason,
                 community_id=community_id)
    uow.session.delete(lock)
    uow.commit()


def month_lock(uow: UnitOfWork, community_id: int, year: int, month: int) -> MonthLockRecord | None:
    """The lock of a month, or None."""
    lock = _lock(uow, community_id, year, month)
    return _record(lock) if lock is not None else None


def list_locks(uow: UnitOfWork, community_id: int) -> list[MonthLockRecord]:
    """Every locked month of the community, newest first."""
    require(uow.actor, "stats.read")
    _check_whole_community(uow, community_id)
    locks = uow.session.scalars(select(MonthLock).where(MonthLock.community_id == community_id)
                                .order_by(MonthLock.year.desc(), MonthLock.month.desc()))
    return [_record(lock) for lock in locks]


def _lock(uow: UnitOfWork, community_id: int, year: int, month: int) -> MonthLock | None:
    return uow.session.scalar(select(MonthLock).where(
        MonthLock.community_id == community_id, MonthLock.year == year, MonthLock.month == month))


def _check_whole_community(uow: UnitOfWork, community_id: int) -> None:
    """Locks cover a whole community: only actors who see all of it may set or lift them."""
    actor = uow.actor
    if actor.community_id not in (None, community_id) or actor.grid_ids is not None:
        raise PermissionDenied("month_locks.community_only")


def _first_day(year: int, month: int) -> date:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError("month_locks.bad_month", field="month")
    return date(year, month, 1)


def _record(lock: MonthLock) -> MonthLockRecord:
    return MonthLockRecord(lock.community_id, lock.year, lock.month, lock.locked_at, lock.locked_by)
