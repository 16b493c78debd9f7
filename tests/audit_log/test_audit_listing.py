"""Reading the audit log: each filter narrows to exactly its rows, newest first, pages that agree
however they are asked, a 站长 never sees another community's rows, a clerk is refused, and no
ID or phone number leaves the service unmasked."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from actors import actor_for
from ledger_fixtures import Resident, make_grid, make_home, make_worker
from sqlalchemy import select

from models import AuditEntry, Community, Household, Person
from station import audit
from station.actor import Actor
from station.audit_log.listing import audit_page, audit_size
from station.audit_log.records import AuditFilter
from station.audit_log.subjects import find_household, find_person, find_subject
from station.errors import NotFound, PermissionDenied, ValidationError
from station.retention.audit_redaction import redact_audit_rows
from station.uow import UnitOfWork

ID_NUMBER = "110105198405011234"
PHONE = "13912345678"


@pytest.fixture
def town(db, community_id):
    """Community A with two homes and a worker; community B with one home."""
    grid = make_grid(db, community_id, "G01", "一网格")
    with db.session() as session:
        other = Community(code="OTHER", name="别的社区")
        session.add(other)
        session.commit()
        other_id = other.id
    other_grid = make_grid(db, other_id, "G01", "一网格")
    return {
        "a": community_id, "b": other_id,
        "wang": make_worker(db, community_id, "wang", "王网格", grid_ids=(grid,)),
        "home": make_home(db, community_id, grid, Resident("张三", date(1980, 5, 1)),
                          Resident("李四", date(1982, 7, 9), male=False, relation="10")),
        "neighbour": make_home(db, community_id, grid, Resident("王五", date(1970, 1, 1))),
        "far": make_home(db, other_id, other_grid, Resident("赵六", date(1960, 1, 1))),
    }


def write(db, actor: Actor, action: str, entity: str = "", entity_id: int | None = None, **values) -> int:
    with UnitOfWork(db, actor) as uow:
        audit.record(uow, action, entity, entity_id, **values)
        uow.commit()
    with db.session() as session:
        return session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))


def listed(db, actor: Actor, **wanted) -> list:
    with UnitOfWork(db, actor) as uow:
        size = audit_size(uow, AuditFilter(**wanted))
        rows = audit_page(uow, AuditFilter(**wanted), before_id=size.page_start, limit=500)
    assert size.rows == len(rows)
    return rows


def ids(rows) -> list[int]:
    return [row.id for row in rows]


def stored_ids(db, community_id: int | None = None) -> list[int]:
    statement = select(AuditEntry.id).order_by(AuditEntry.id.desc())
    if community_id is not None:
        statement = statement.where(AuditEntry.community_id == community_id)
    with db.session() as session:
        return list(session.scalars(statement))


def test_the_whole_log_newest_first_in_pages_that_agree(db, admin, town):
    for n in range(230):
        write(db, admin, "print", "person", n, detail=f"第 {n} 次")
    expected = stored_ids(db, town["a"])
    with UnitOfWork(db, admin) as uow:
        size = audit_size(uow, AuditFilter())
        keyset, before = [], size.page_start
        while page := audit_page(uow, AuditFilter(), before_id=before, limit=100):
            keyset.extend(page)
            before = page[-1].id
        by_offset = [row for start in range(0, size.rows, 100)
                     for row in audit_page(uow, AuditFilter(), before_id=size.page_start, offset=start, limit=100)]
    assert size.rows == len(expected) and size.newest_id == expected[0]
    assert ids(keyset) == ids(by_offset) == expected


def test_rows_written_after_sizing_do_not_shift_the_pages(db, admin, town):
    for n in range(30):
        write(db, admin, "print", "person", n)
    with UnitOfWork(db, admin) as uow:
        size = audit_size(uow, AuditFilter())
        first = audit_page(uow, AuditFilter(), before_id=size.page_start, limit=10)
    for n in range(5):
        write(db, admin, "print", "person", 100 + n)
    with UnitOfWork(db, admin) as uow:
        second = audit_page(uow, AuditFilter(), before_id=size.page_start, offset=10, limit=10)
    assert ids(second) == stored_ids(db, town["a"])[5 + 10:5 + 20]
    assert first[-1].id > second[0].id


def test_by_user_by_username_in_any_case_or_by_name(db, admin, town):
    wang = town["wang"]
    mine = [write(db, Actor(wang.id, "wang", "grid_worker", town["a"]), "view", "household", 1) for _ in range(3)]
    write(db, admin, "view", "household", 1)
    assert ids(listed(db, admin, user="WANG")) == mine[::-1]
    assert ids(listed(db, admin, user="王网格")) == mine[::-1]
    assert listed(db, admin, user="nobody") == []


def test_by_action(db, admin, town):
    reveals = [write(db, admin, "reveal", "person", 1, detail="原因") for _ in range(2)]
    write(db, admin, "print", "person", 1)
    assert ids(listed(db, admin, action="reveal")) == reveals[::-1]
    assert {row.action for row in listed(db, admin, action="print")} == {"print"}


def test_by_action_name_in_either_language(db, admin, town):
    created = write(db, admin, "create", "household", 1)
    registered = write(db, admin, "register", "household", 1)
    shown = write(db, admin, "reveal", "person", 1, detail="原因")
    both = ids(listed(db, admin, action="create")) + ids(listed(db, admin, action="register"))
    assert ids(listed(db, admin, action="登记")) == sorted(both, reverse=True)  # one name, two codes
    assert {registered, created} <= set(both)
    assert ids(listed(db, admin, action="显示完整号码")) == [shown]
    assert ids(listed(db, admin, action="full number shown")) == [shown]
    assert listed(db, admin, action="没有这种操作") == []


def test_by_date_range_inclusive(db, admin, town, clock):
    days = {}
    for day in (20, 21, 22, 23):
        clock.current = datetime(2026, 12, day, 23, 59, 30)
        days[day] = write(db, admin, "print", "person", day)
    rows = listed(db, admin, date_from=date(2026, 12, 21), date_to=date(2026, 12, 22))
    assert ids(rows) == [days[22], days[21]]
    assert ids(listed(db, admin, date_from=date(2026, 12, 23))) == [days[23]]
    assert days[20] in ids(listed(db, admin, date_to=date(2026, 12, 20)))
    assert days[21] not in ids(listed(db, admin, date_to=date(2026, 12, 20)))


def test_by_person_their_rows_and_their_households(db, admin, town):
    home, neighbour = town["home"], town["neighbour"]
    zhang, li = home.person_ids
    about_zhang = write(db, admin, "update", "person", zhang, old={"phone": ""}, new={"phone": PHONE})
    write(db, admin, "update", "person", li, new={"notes": "李四的"})
    write(db, admin, "update", "person", neighbour.head_id, new={"notes": "王五的"})
    write(db, admin, "view", "household", neighbour.household_id)
    about_home = write(db, admin, "view", "household", home.household_id)
    registered = _rows(db, "register", home.household_id)
    assert ids(listed(db, admin, person_id=zhang)) == [about_home, about_zhang, *registered]
    assert neighbour.head_id not in {row.entity_id for row in listed(db, admin, person_id=zhang)
                                     if row.entity == "person"}


def test_by_household_its_rows_and_its_members(db, admin, town):
    home, neighbour = town["home"], town["neighbour"]
    zhang, li = home.person_ids
    expected = [write(db, admin, "update", "person", zhang, new={"notes": "x"}),
                write(db, admin, "update", "person", li, new={"notes": "y"}),
                write(db, admin, "view", "household", home.household_id)]
    write(db, admin, "view", "household", neighbour.household_id)
    write(db, admin, "update", "person", neighbour.head_id, new={"notes": "z"})
    rows = listed(db, admin, household_id=home.household_id)
    assert ids(rows) == [*expected[::-1], *_rows(db, "register", home.household_id)]


def test_filters_combine(db, admin, town):
    zhang = town["home"].person_ids[0]
    wanted = write(db, admin, "reveal", "person", zhang, detail="核对")
    write(db, admin, "print", "person", zhang)
    write(db, admin, "reveal", "person", town["neighbour"].head_id)
    assert ids(listed(db, admin, person_id=zhang, action="reveal", user="admin")) == [wanted]


def test_a_director_reads_only_their_community(db, town):
    far = town["far"]
    mine = write(db, actor_for("director", town["a"]), "print", "person", 1)
    theirs = write(db, actor_for("director", town["b"]), "print", "person", far.head_id)
    director = actor_for("director", town["a"])
    seen = ids(listed(db, director))
    assert mine in seen and theirs not in seen
    assert set(seen) == set(stored_ids(db, town["a"]))
    assert listed(db, director, household_id=far.household_id) == []
    assert {mine, theirs} <= set(ids(listed(db, actor_for("street", None))))
    with UnitOfWork(db, director) as uow, pytest.raises(NotFound):
        find_subject(uow, "赵六")


@pytest.mark.parametrize("role", ["clerk", "staff", "grid_worker"])
def test_roles_without_the_right_are_refused(db, town, role):
    with UnitOfWork(db, actor_for(role, town["a"])) as uow:
        for call in (lambda: audit_size(uow, AuditFilter()),
                     lambda: audit_page(uow, AuditFilter()),
                     lambda: find_subject(uow, "张三")):
            with pytest.raises(PermissionDenied):
                call()


def test_numbers_are_masked_in_every_field(db, admin, town):
    write(db, admin, "update", "person", town["home"].head_id,
          old={"id_number": ID_NUMBER, "phone": "010-87654321"},
          new={"id_number": "110105198405011250", "phone": PHONE, "members": [{"phone": "139 1234 5679"}]},
          detail=f"改正 {ID_NUMBER},电话 {PHONE}")
    (row,) = listed(db, admin, action="update")
    shown = repr(row)
    for number in (ID_NUMBER, "110105198405011250", PHONE, "87654321", "139 1234 5679", "13912345679"):
        assert number not in shown
    assert "110105********1234 → 110105********1250" in row.summary
    assert "139****5678" in row.summary and "139****5678" in row.detail
    assert [change.key for change in row.changes] == ["id_number", "phone", "members"]


def test_a_redacted_row_says_so_and_keeps_nothing(db, admin, town):
    row_id = write(db, admin, "update", "person", town["home"].head_id, new={"name": "张三"}, detail="张三")
    with UnitOfWork(db, admin) as uow:
        redact_audit_rows(uow, [row_id])
        uow.commit()
    (row,) = [row for row in listed(db, admin, action="update") if row.id == row_id]
    assert row.redacted and row.summary == "" and row.detail == "" and row.changes == ()


def test_subjects_by_id_number_household_number_or_name(db, admin, town):
    home = town["home"]
    zhang = home.person_ids[0]
    with db.session() as session:
        number = session.get_one(Person, zhang).id_number
        household_number = session.get_one(Household, home.household_id).number
    with UnitOfWork(db, admin) as uow:
        assert find_subject(uow, number).id == zhang
        assert find_subject(uow, number.lower()).id == zhang
        assert find_subject(uow, "张三").label == f"张三 {number[:6]}********{number[-4:]}"
        assert find_subject(uow, household_number) == find_household(uow, household_number.lower())
        assert find_subject(uow, household_number).kind == "household"
        assert find_person(uow, number).kind == "person"
        with pytest.raises(NotFound) as missing:
            find_subject(uow, ID_NUMBER)
        assert ID_NUMBER not in missing.value.message


def test_a_name_two_residents_share_is_refused_with_both_masked(db, admin, town, community_id):
    grid = town["home"].grid_id
    make_home(db, community_id, grid, Resident("张三", date(1990, 2, 2)))
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError) as several:
        find_person(uow, "张三")
    assert several.value.params["count"] == 2 and "********" in several.value.params["listing"]


def test_a_street_actor_is_told_which_communities_share_a_number(db, town):
    with db.session() as session:
        numbers = {session.get_one(Household, town[key].household_id).number for key in ("home", "far")}
    assert len(numbers) == 1  # each community numbers its households from H000001
    with UnitOfWork(db, actor_for("street", None)) as uow, pytest.raises(ValidationError) as several:
        find_household(uow, numbers.pop())
    assert "别的社区" in several.value.params["listing"]


def _rows(db, action: str, entity_id: int) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.id).where(AuditEntry.action == action,
                                                                 AuditEntry.entity_id == entity_id)
                                    .order_by(AuditEntry.id.desc())))
