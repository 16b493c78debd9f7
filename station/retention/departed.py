"""Who is past the retention limit: moved out (and living nowhere here now) or died before the cutoff."""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select

from models import Membership, Person
from station.dates import years_before
from station.idcard import mask_id
from station.permissions import require
from station.retention.records import Departed, RetentionPlan
from station.scope import community_clause
from station.uow import UnitOfWork


def plan_retention(uow: UnitOfWork) -> RetentionPlan:
    """Everyone the next run would de-identify, oldest departure first (names the dry run shows)."""
    require(uow.actor, "data.retention")
    years = uow.settings.retention.years
    cutoff = years_before(uow.today(), years)
    rows = uow.session.execute(
        select(Person.id, Person.name, Person.id_number, Person.deceased_on, Person.moved_out_on)
        .where(_past(cutoff), community_clause(uow.actor, Person.community_id))
        .order_by(Person.id)).all()
    people = sorted((_departed(*row) for row in rows), key=lambda person: (person.since, person.person_id))
    return RetentionPlan(years, cutoff, tuple(people))


def _past(cutoff):
    """Not yet de-identified, and died before the cutoff or moved out before it and living nowhere
    here since (someone who moved back keeps an old moved-out date)."""
    living = exists().where(Membership.person_id == Person.id, Membership.left_on.is_(None))
    return and_(
        Person.deidentified_on.is_(None),
        or_(Person.deceased_on < cutoff, and_(Person.deceased_on.is_(None), Person.moved_out_on < cutoff, ~living)),
    )


def _departed(person_id, name, id_number, deceased_on, moved_out_on) -> Departed:
    if deceased_on is not None:
        return Departed(person_id, name, mask_id(id_number), "died", deceased_on)
    return Departed(person_id, name, mask_id(id_number), "moved_out", moved_out_on)
