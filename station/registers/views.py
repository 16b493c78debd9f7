"""The registers screen's list: one category's open entries, most overdue first, capped.

needs.list_entries builds a full record for every entry; a screen shows at most a few hundred,
so the due dates of all entries are worked out from a narrow query and only the page is built.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from models import Household, Membership, RegisterEntry, Visit
from station.errors import ValidationError
from station.permissions import require
from station.registers.queries import current_membership_of, entry_records
from station.registers.rules import valid_category
from station.registers.schedule import visit_schedule
from station.registers.view_records import RegisterPage
from station.scope import community_clause, grid_clause
from station.search.list_search import person_condition
from station.uow import UnitOfWork

LIST_LIMIT = 500


def register_page(uow: UnitOfWork, category: str, *, limit: int = LIST_LIMIT,
                  query: str | None = None) -> RegisterPage:
    """Open entries of a category the actor may see, most overdue first, at most `limit` of them;
    with a query only those of the people it finds (name, pinyin initials, ID tail, 户号...)."""
    require(uow.actor, "registers.read")
    category = valid_category(uow, category)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError("registers.bad_page_size", field="limit")
    schedule = _schedule(uow, category, query)
    page_ids = [entry_id for _due, entry_id, _state in schedule[:limit]]
    position = {entry_id: index for index, entry_id in enumerate(page_ids)}
    entries = entry_records(uow, RegisterEntry.id.in_(page_ids)) if page_ids else []
    states = [state for _due, _id, state in schedule]
    return RegisterPage(
        category=category, category_name=uow.settings.registers.categories[category],
        entries=tuple(sorted(entries, key=lambda entry: position[entry.id])),
        total=len(schedule), overdue=states.count("overdue"), due_soon=states.count("due_soon"),
    )


def _schedule(uow: UnitOfWork, category: str, search: str | None) -> list[tuple[date, int, str]]:
    """(next visit due, entry id, state) of every open entry in scope, earliest due first."""
    last_visit = (
        select(func.max(Visit.done_on))
        .where(Visit.person_id == RegisterEntry.person_id, Visit.done_on.is_not(None))
        .scalar_subquery()
    )
    query = (
        select(RegisterEntry.id, RegisterEntry.start_on, RegisterEntry.visit_every_days, last_visit)
        .outerjoin(Membership, current_membership_of(RegisterEntry.person_id))
        .outerjoin(Household, Household.id == Membership.household_id)
        .where(community_clause(uow.actor, RegisterEntry.community_id),
               grid_clause(uow.actor, Household.grid_id),
               RegisterEntry.category == category, RegisterEntry.end_on.is_(None))
    )
    found = person_condition(search, RegisterEntry.person_id, Household.id)
    if found is not None:
        query = query.where(found)
    today = uow.today()
    rows = []
    for entry_id, start_on, every_days, last_visit_on in uow.session.execute(query):
        due, state = visit_schedule(start_on, every_days, last_visit_on, today)
        rows.append((due, entry_id, state))
    return sorted(rows)
