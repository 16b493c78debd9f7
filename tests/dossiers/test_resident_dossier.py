"""A resident's own file: in a demo community, the accesses a test makes are exactly the ones listed,
with who and what; another resident's are not; a household's rows count only while they lived there."""

from __future__ import annotations

from datetime import date

import pytest
from actors import actor_for
from ledger_fixtures import Resident, make_home, neighbourhood
from resident_fixtures import DemoPeople, demo_people, id_of, touch_both
from sqlalchemy import select

from models import AuditEntry
from station.actor import Actor
from station.dossiers.household import open_household_file
from station.dossiers.resident import find_resident, resident_dossier
from station.errors import NotFound, ValidationError
from station.exports.workbook import export_table
from station.idcard import mask_id
from station.ledger.members import transfer_member
from station.ledger.queries import get_household
from station.requests.workflow import receive
from station.retention.audit_redaction import rows_about
from station.search.lookup import search
from station.uow import UnitOfWork
from station.visits.log import log_visit


@pytest.fixture
def people(db, community_id) -> DemoPeople:
    return demo_people(db)


def _accesses(db, actor: Actor, person_id: int) -> list[tuple[str, str, str]]:
    with UnitOfWork(db, actor) as uow:
        return [(event.username, event.action, event.entity) for event in resident_dossier(uow, person_id).accesses]


def test_the_report_lists_exactly_the_accesses_made_to_the_resident(db, people, tmp_path):
    touch_both(db, people, tmp_path)

    clerk, staff = people.clerk.username, people.staff.username
    assert _accesses(db, people.clerk, people.person_id) == [
        (clerk, "view", "household"), (staff, "search", "persons"), (staff, "reveal", "person"),
        (clerk, "print", "household")]
    with UnitOfWork(db, people.clerk) as uow:
        dossier = resident_dossier(uow, people.person_id)
    view, found, reveal, printed = dossier.accesses
    assert view.subject == printed.subject == people.number and reveal.subject == ""
    assert "核实身份" in reveal.note and ".pdf" not in printed.note and "住户信息登记表" in printed.note
    assert people.id_number not in found.note and mask_id(people.id_number) in found.note


def test_the_dossier_holds_the_person_in_full_and_housemates_masked(db, people):
    with UnitOfWork(db, people.clerk) as uow:
        dossier = resident_dossier(uow, people.person_id)
    assert dossier.person.id_number == people.id_number  # their own copy
    (stay,) = dossier.stays
    assert (stay.household_id, stay.number, stay.left_on, stay.visible) == (people.household_id, people.number,
                                                                          None, True)
    assert stay.housemates and all("*" in mate.id_number for mate in stay.housemates)
    assert dossier.registers and {entry.person_id for entry in dossier.registers} == {people.person_id}
    assert all(visit.person_id in (people.person_id, None) for visit in dossier.visits)


def test_a_search_by_a_whole_id_names_whom_it_found_as_retention_reads_it(db, people):
    with UnitOfWork(db, people.staff) as uow:
        search(uow, people.id_number)
    with db.session() as session:
        row = session.scalars(select(AuditEntry).where(AuditEntry.action == "search")).one()
    assert row.new_values["persons"] == [people.person_id] and row.new_values["found"] == 1
    with UnitOfWork(db, people.staff) as uow:
        assert row.id in rows_about(uow, [people.person_id], set())
        assert row.id not in rows_about(uow, [people.other_id], set())


# --- a smaller town: moving house, scope, finding the resident ----------------------------------


@pytest.fixture
def town(db, community_id):
    place = neighbourhood(db, community_id)
    first = make_home(db, community_id, place.grid1, Resident("周大山", date(1960, 1, 1)),
                      Resident("周小河", date(1990, 2, 2), relation="20"), registered_on=date(2026, 1, 5))
    second = make_home(db, community_id, place.grid2, Resident("吴同名", date(1970, 3, 3)),
                       registered_on=date(2026, 1, 5))
    third = make_home(db, community_id, place.grid2, Resident("吴同名", date(1975, 4, 4)),
                      registered_on=date(2026, 1, 5))
    return place, first, second, third


def test_a_household_counts_only_while_they_lived_there(db, town, clock):
    place, first, second, _third = town
    son, admin = first.person_ids[1], actor_for("admin", place.community_id)
    with UnitOfWork(db, place.staff.actor) as uow:
        open_household_file(uow, first.household_id)  # counts: he lives there
    clock.advance(days=1)
    with UnitOfWork(db, admin) as uow:
        source, target = get_household(uow, first.household_id), get_household(uow, second.household_id)
        transfer_member(uow, source.id, source.version, son, target.id, target.version, "99")
    clock.advance(days=1)
    with UnitOfWork(db, place.staff.actor) as uow:
        open_household_file(uow, first.household_id)  # no longer his home
        open_household_file(uow, second.household_id)  # his home now
    with UnitOfWork(db, admin) as uow:
        dossier = resident_dossier(uow, son)
    views = [(event.action, event.subject) for event in dossier.accesses if event.action == "view"]
    first_number = dossier.stays[0].number
    assert views == [("view", first_number), ("view", dossier.stays[1].number)]
    assert [(stay.left_on is None) for stay in dossier.stays] == [False, True]
    assert ("admin", "transfer_member") in [(event.username, event.action) for event in dossier.accesses]


def test_a_grid_worker_reaches_only_residents_of_their_grids(db, town):
    place, first, _second, _third = town
    with UnitOfWork(db, place.worker1.actor) as uow:
        assert resident_dossier(uow, first.head_id).person.name == "周大山"
    with UnitOfWork(db, place.worker2.actor) as uow, pytest.raises(NotFound):
        resident_dossier(uow, first.head_id)


def test_finding_the_resident_by_id_or_name(db, town):
    place, first, second, third = town
    clerk = actor_for("clerk", place.community_id)
    with UnitOfWork(db, clerk) as uow:
        assert find_resident(uow, id_of(db, first.head_id)) == first.head_id
        assert find_resident(uow, "周大山") == first.head_id
        assert find_resident(uow, f"  {id_of(db, second.head_id).lower()} ") == second.head_id
        with pytest.raises(ValidationError) as several:
            find_resident(uow, "吴同名")
        with pytest.raises(NotFound):
            find_resident(uow, "无此人")
    text = several.value.render("zh")
    assert "2" in text and mask_id(id_of(db, third.head_id)) in text and id_of(db, third.head_id) not in text
    assert "身份证号" in text


def test_an_export_shows_when_its_list_held_them(db, town):
    place, first, _second, third = town
    director = place.director.actor
    with UnitOfWork(db, director) as uow:
        export_table(uow, "persons")  # everyone: them too
        export_table(uow, "visits")  # they have none
        export_table(uow, "persons", grid_code="G02")  # another grid's list
    with UnitOfWork(db, director) as uow:
        exports = [(event.entity, event.subject) for event in resident_dossier(uow, first.head_id).accesses
                   if event.action == "export"]
        others = [event.action for event in resident_dossier(uow, third.head_id).accesses]
    assert exports == [("persons", "")]
    assert others.count("export") == 2  # the whole community's list and their own grid's


def test_household_visits_and_requests_count_while_they_lived_there(db, town, clock):
    place, first, second, _third = town
    son, staff = first.person_ids[1], place.staff.actor
    with UnitOfWork(db, staff) as uow:
        log_visit(uow, kind="home_visit", worker_id=place.worker1.id, household_id=first.household_id,
                  done_on=clock().date(), content="全户走访(他在)")
        log_visit(uow, kind="phone_visit", worker_id=place.worker1.id, person_id=son, done_on=clock().date(),
                  content="找他本人")
        receive(uow, channel="window", category="elderly", urgency="normal", grid_id=place.grid1,
                description="全户的诉求(他在)", household_id=first.household_id)
    clock.advance(days=1)
    with UnitOfWork(db, staff) as uow:
        source, target = get_household(uow, first.household_id), get_household(uow, second.household_id)
        transfer_member(uow, source.id, source.version, son, target.id, target.version, "99")
    clock.advance(days=2)
    with UnitOfWork(db, staff) as uow:
        log_visit(uow, kind="home_visit", worker_id=place.worker1.id, household_id=first.household_id,
                  done_on=clock().date(), content="全户走访(他已搬走)")
        receive(uow, channel="window", category="elderly", urgency="normal", grid_id=place.grid1,
                description="全户的诉求(他已搬走)", household_id=first.household_id)
    with UnitOfWork(db, staff) as uow:
        dossier = resident_dossier(uow, son)
    assert sorted(visit.content for visit in dossier.visits) == ["全户走访(他在)", "找他本人"]
    assert [detail.request.description for detail in dossier.requests] == ["全户的诉求(他在)"]
    touched = {(event.action, event.entity) for event in dossier.accesses}
    assert {("create", "visit"), ("receive", "request")} <= touched
    assert len([event for event in dossier.accesses if event.entity == "visit"]) == 2
    assert len([event for event in dossier.accesses if event.entity == "request"]) == 1
