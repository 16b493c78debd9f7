"""Special-needs registers: entries, typed attributes, visit due states, scope and 特困 flags."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from actors import actor_for
from ledger_fixtures import Resident, id_number_of, make_home, neighbourhood, set_person
from sqlalchemy import func, select

from models import AuditEntry
from station.errors import (
    ConflictError,
    DuplicateError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from station.registers import entries as register_entries
from station.uow import UnitOfWork
from station.visits.log import log_visit

TODAY = date(2026, 11, 23)


@pytest.fixture
def place(db, community_id):
    return neighbourhood(db, community_id)


@pytest.fixture
def elder(db, community_id, place):
    """An 80-year-old living alone in grid 1."""
    return make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))


# --- adding entries -------------------------------------------------------------------------


def test_add_entry_fills_person_place_and_default_visit_frequency(uow, elder, place):
    entry = register_entries.add_entry(uow, elder.head_id, "elderly_alone", date(2026, 11, 20),
                            worker_id=place.worker1.id)
    assert entry.person_name == "王大爷"
    assert entry.category_name == "独居老人"
    assert entry.household_id == elder.household_id
    assert (entry.grid_id, entry.grid_name) == (place.grid1, "一网格")
    assert (entry.worker_id, entry.worker_name) == (place.worker1.id, "王网格")
    assert entry.visit_every_days == 7  # settings.visit_every_days("elderly_alone")
    assert entry.next_visit_due == date(2026, 11, 27)
    assert entry.visit_state == "due_soon"
    assert entry.age == 80 and entry.is_open


def test_add_entry_is_audited(db, uow, elder):
    entry = register_entries.add_entry(uow, elder.head_id, "oldest_old", TODAY)
    with db.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "register_entry", AuditEntry.entity_id == entry.id)).all()
    assert actions == ["create"]


def test_unknown_or_missing_category_is_refused(uow, elder):
    with pytest.raises(ValidationError) as error:
        register_entries.add_entry(uow, elder.head_id, "astronaut", TODAY)
    assert error.value.field == "category"
    with pytest.raises(ValidationError, match="请选择重点人群类别"):
        register_entries.add_entry(uow, elder.head_id, "", TODAY)


def test_extra_category_from_settings_is_accepted(db, uow, elder):
    categories = {**db.settings.registers.categories, "veteran_family": "军属"}
    db.settings = _with_register_categories(db.settings, categories)
    entry = register_entries.add_entry(uow, elder.head_id, "veteran_family", TODAY, attributes={"unit": "某部", "years": 3})
    assert entry.category_name == "军属"
    assert entry.attributes == {"unit": "某部", "years": 3}
    assert entry.visit_every_days == 30


def test_second_open_entry_in_same_category_points_at_the_first(uow, elder):
    first = register_entries.add_entry(uow, elder.head_id, "elderly_alone", TODAY)
    with pytest.raises(DuplicateError) as error:
        register_entries.add_entry(uow, elder.head_id, "elderly_alone", TODAY)
    assert error.value.existing_id == first.id
    other = register_entries.add_entry(uow, elder.head_id, "oldest_old", TODAY)
    assert other.id != first.id


def test_after_ending_an_entry_the_person_can_be_registered_again(uow, elder):
    first = register_entries.add_entry(uow, elder.head_id, "elderly_alone", date(2026, 1, 1))
    register_entries.end_entry(uow, first.id, date(2026, 6, 1), "子女回家同住", first.version)
    again = register_entries.add_entry(uow, elder.head_id, "elderly_alone", TODAY)
    assert again.id != first.id


@pytest.mark.parametrize("column, message", [("deceased_on", "已去世"), ("moved_out_on", "已迁出")])
def test_deceased_or_moved_out_person_gets_no_new_entry(db, uow, elder, column, message):
    set_person(db, elder.head_id, **{column: date(2026, 10, 1)})
    with pytest.raises(ValidationError, match=message):
        register_entries.add_entry(uow, elder.head_id, "oldest_old", TODAY)


def test_start_date_not_in_the_future_nor_before_birth(uow, elder):
    with pytest.raises(ValidationError, match="晚于今天") as error:
        register_entries.add_entry(uow, elder.head_id, "oldest_old", TODAY + timedelta(days=1))
    assert error.value.field == "start_on"
    with pytest.raises(ValidationError, match="早于出生日期"):
        register_entries.add_entry(uow, elder.head_id, "oldest_old", date(1946, 2, 28))


def test_unknown_person_and_worker_are_refused(uow, elder):
    with pytest.raises(NotFound):
        register_entries.add_entry(uow, 999_999, "oldest_old", TODAY)
    with pytest.raises(ValidationError) as error:
        register_entries.add_entry(uow, elder.head_id, "oldest_old", TODAY, worker_id=999_999)
    assert error.value.field == "worker_id"


def test_visit_frequency_must_be_a_sensible_number_of_days(uow, elder):
    with pytest.raises(ValidationError) as error:
        register_entries.add_entry(uow, elder.head_id, "oldest_old", TODAY, visit_every_days=0)
    assert error.value.field == "visit_every_days"
    entry = register_entries.add_entry(uow, elder.head_id, "oldest_old", TODAY, visit_every_days=14)
    assert entry.next_visit_due == TODAY + timedelta(days=14)


def test_roles_without_register_write_cannot_add(db, elder, place):
    for actor in (actor_for("clerk", place.community_id), place.worker1.actor):
        with UnitOfWork(db, actor) as uow, pytest.raises(PermissionDenied):
            register_entries.add_entry(uow, elder.head_id, "oldest_old", TODAY)


# --- typed attributes -----------------------------------------------------------------------


def test_disability_attributes_with_matching_certificate(db, uow, elder):
    certificate = id_number_of(db, elder.head_id) + "52"
    entry = register_entries.add_entry(uow, elder.head_id, "disabled", TODAY, attributes={
        "disability_category": "5", "disability_grade": 2, "certificate_no": certificate.lower()})
    assert entry.attributes == {"disability_category": "5", "disability_grade": "2",
                                "certificate_no": certificate.upper()}


def test_disability_category_and_grade_come_from_the_certificate_or_names(db, uow, elder, place):
    certificate = id_number_of(db, elder.head_id) + "41"
    entry = register_entries.add_entry(uow, elder.head_id, "disabled", TODAY, attributes={"certificate_no": certificate})
    assert (entry.attributes["disability_category"], entry.attributes["disability_grade"]) == ("4", "1")
    other = make_home(db, place.community_id, place.grid1, Resident("李大妈", date(1950, 1, 1), male=False))
    named = register_entries.add_entry(uow, other.head_id, "disabled", TODAY,
                            attributes={"disability_category": "视力残疾", "disability_grade": "一级"})
    assert named.attributes == {"disability_category": "1", "disability_grade": "1"}


@pytest.mark.parametrize("attributes, field", [
    ({"disability_grade": "2"}, "disability_category"),
    ({"disability_category": "8", "disability_grade": "2"}, "disability_category"),
    ({"disability_category": "5", "disability_grade": "5"}, "disability_grade"),
    ({"disability_category": "5", "disability_grade": "2", "certificate_no": "123"}, "certificate_no"),
    ({"disability_category": "5", "disability_grade": "2", "colour": "red"}, "attributes"),
])
def test_bad_disability_attributes_are_refused(uow, elder, attributes, field):
    with pytest.raises(ValidationError) as error:
        register_entries.add_entry(uow, elder.head_id, "disabled", TODAY, attributes=attributes)
    assert error.value.field == field


def test_certificate_must_belong_to_the_person_and_match_grade(db, uow, elder):
    own = id_number_of(db, elder.head_id)
    with pytest.raises(ValidationError, match="前18位"):
        register_entries.add_entry(uow, elder.head_id, "disabled", TODAY,
                        attributes={"certificate_no": "11010519491231002X52"})
    with pytest.raises(ValidationError, match="等级不一致"):
        register_entries.add_entry(uow, elder.head_id, "disabled", TODAY, attributes={
            "disability_category": "5", "disability_grade": "3", "certificate_no": own + "52"})


def test_assistance_attributes_keep_the_amount_exact(uow, elder):
    entry = register_entries.add_entry(uow, elder.head_id, "dibao_urban", TODAY,
                            attributes={"scheme_no": " DB-2026-017 ", "monthly_amount": "1,200.5"})
    assert entry.attributes == {"scheme_no": "DB-2026-017", "monthly_amount": "1200.50"}
    tekun = register_entries.add_entry(uow, elder.head_id, "tekun_scattered", TODAY, attributes={"monthly_amount": 980})
    assert tekun.attributes == {"monthly_amount": "980.00"}


@pytest.mark.parametrize("attributes", [
    {"monthly_amount": -1}, {"monthly_amount": "很多"}, {"monthly_amount": "10.005"},
    {"monthly_amount": True}, {"guardian": "张三"},
])
def test_bad_assistance_attributes_are_refused(uow, elder, attributes):
    with pytest.raises(ValidationError):
        register_entries.add_entry(uow, elder.head_id, "dibao_edge", TODAY, attributes=attributes)


def test_left_behind_child_needs_a_guardian(db, uow, place, community_id):
    child = make_home(db, community_id, place.grid1, Resident("小明", date(2016, 4, 1)))
    with pytest.raises(ValidationError) as error:
        register_entries.add_entry(uow, child.head_id, "left_behind_child", TODAY, attributes={})
    assert error.value.field == "guardian"
    entry = register_entries.add_entry(uow, child.head_id, "left_behind_child", TODAY,
                            attributes={"guardian": "爷爷 王大", "guardian_phone": "138 0013 8000"})
    assert entry.attributes == {"guardian": "爷爷 王大", "guardian_phone": "13800138000"}


@pytest.mark.parametrize("attributes", [{"x": {"nested": 1}}, {"x": [1]}, {"x": None}, {"": "a"}])
def test_free_form_attributes_are_strings_or_numbers(uow, elder, attributes):
    with pytest.raises(ValidationError) as error:
        register_entries.add_entry(uow, elder.head_id, "empty_nest", TODAY, attributes=attributes)
    assert error.value.field == "attributes"


# --- update and end -------------------------------------------------------------------------


def test_update_changes_worker_frequency_and_attributes(uow, elder, place):
    entry = register_entries.add_entry(uow, elder.head_id, "dibao_urban", TODAY)
    updated = register_entries.update_entry(uow, entry.id, entry.version, worker_id=place.worker1.id,
                                 visit_every_days=60, attributes={"monthly_amount": 800})
    assert (updated.worker_name, updated.visit_every_days) == ("王网格", 60)
    assert updated.attributes == {"monthly_amount": "800.00"}
    assert updated.version == entry.version + 1
    unassigned = register_entries.update_entry(uow, entry.id, updated.version, worker_id=None, notes="改由站里统一走访")
    assert unassigned.worker_id is None and unassigned.visit_every_days == 60
    assert unassigned.notes == "改由站里统一走访"


def test_update_with_a_stale_version_is_refused(db, admin, elder):
    with UnitOfWork(db, admin) as uow:
        entry = register_entries.add_entry(uow, elder.head_id, "empty_nest", TODAY)
    with UnitOfWork(db, admin) as first, UnitOfWork(db, admin) as second:
        seen_by_first = register_entries.get_entry(first, entry.id)
        seen_by_second = register_entries.get_entry(second, entry.id)
        register_entries.update_entry(first, entry.id, seen_by_first.version, visit_every_days=10)
        with pytest.raises(ConflictError):
            register_entries.update_entry(second, entry.id, seen_by_second.version, visit_every_days=20)
    with UnitOfWork(db, admin) as uow:
        assert register_entries.get_entry(uow, entry.id).visit_every_days == 10


def test_end_entry_rules(uow, elder):
    entry = register_entries.add_entry(uow, elder.head_id, "empty_nest", date(2026, 5, 1))
    with pytest.raises(ValidationError, match="结束原因"):
        register_entries.end_entry(uow, entry.id, TODAY, "  ", entry.version)
    with pytest.raises(ValidationError, match="早于登记日期"):
        register_entries.end_entry(uow, entry.id, date(2026, 4, 30), "搬走", entry.version)
    with pytest.raises(ValidationError, match="晚于今天"):
        register_entries.end_entry(uow, entry.id, TODAY + timedelta(days=1), "搬走", entry.version)
    ended = register_entries.end_entry(uow, entry.id, TODAY, "子女接去同住", entry.version)
    assert (ended.end_on, ended.end_reason, ended.visit_state, ended.next_visit_due) == (
        TODAY, "子女接去同住", "", None)
    with pytest.raises(ValidationError, match="已结束"):
        register_entries.end_entry(uow, entry.id, TODAY, "again", ended.version)
    assert register_entries.list_entries(uow) == []
    assert [e.id for e in register_entries.list_entries(uow, open_only=False)] == [entry.id]


def test_close_entries_for_person_joins_the_callers_transaction(db, uow, elder):
    register_entries.add_entry(uow, elder.head_id, "empty_nest", date(2026, 5, 1))
    register_entries.add_entry(uow, elder.head_id, "oldest_old", date(2026, 5, 1))
    assert register_entries.close_entries_for_person(uow, elder.head_id, TODAY, "去世") == 2
    uow.commit()
    assert all(e.end_reason == "去世" for e in register_entries.entries_for_person(uow, elder.head_id))


# --- listing, visits due and scope ----------------------------------------------------------


def test_visit_state_moves_from_ok_to_due_soon_to_overdue(db, admin, elder, clock):
    with UnitOfWork(db, admin) as uow:
        entry = register_entries.add_entry(uow, elder.head_id, "empty_nest", TODAY)  # every 30 days
    assert _state(db, admin, entry.id) == ("ok", TODAY + timedelta(days=30))
    clock.advance(days=23)
    assert _state(db, admin, entry.id) == ("due_soon", TODAY + timedelta(days=30))
    clock.advance(days=7)
    assert _state(db, admin, entry.id)[0] == "due_soon"  # due today
    clock.advance(days=1)
    assert _state(db, admin, entry.id)[0] == "overdue"


def test_a_done_visit_resets_the_schedule_and_a_plan_does_not(db, admin, elder, place, clock):
    with UnitOfWork(db, admin) as uow:
        entry = register_entries.add_entry(uow, elder.head_id, "elderly_alone", TODAY)  # every 7 days
    clock.advance(days=10)
    assert _state(db, admin, entry.id)[0] == "overdue"
    with UnitOfWork(db, admin) as uow:
        log_visit(uow, kind="home_visit", worker_id=place.worker1.id, person_id=elder.head_id,
                  planned_on=TODAY + timedelta(days=12))
        assert register_entries.get_entry(uow, entry.id).last_visit_on is None
        log_visit(uow, kind="home_visit", worker_id=place.worker1.id, person_id=elder.head_id,
                  content="身体好,家中整洁")
        record = register_entries.get_entry(uow, entry.id)
    assert record.last_visit_on == TODAY + timedelta(days=10)
    assert (record.next_visit_due, record.visit_state) == (TODAY + timedelta(days=17), "due_soon")


def test_visit_schedule_ignores_visits_before_registration():
    assert register_entries.visit_schedule(TODAY, 30, date(2026, 1, 1), TODAY) == (TODAY + timedelta(days=30), "ok")
    assert register_entries.visit_schedule(date(2026, 1, 1), 30, None, TODAY)[1] == "overdue"


def test_list_filters_by_category_and_grid(db, uow, community_id, place, elder):
    other = make_home(db, community_id, place.grid2, Resident("赵奶奶", date(1940, 1, 1), male=False))
    register_entries.add_entry(uow, elder.head_id, "elderly_alone", TODAY)
    register_entries.add_entry(uow, other.head_id, "elderly_alone", TODAY)
    register_entries.add_entry(uow, other.head_id, "oldest_old", TODAY)
    assert len(register_entries.list_entries(uow)) == 3
    assert {e.person_name for e in register_entries.list_entries(uow, "elderly_alone")} == {"王大爷", "赵奶奶"}
    assert [e.category for e in register_entries.list_entries(uow, grid_id=place.grid2)] == ["elderly_alone", "oldest_old"]
    with pytest.raises(ValidationError):
        register_entries.list_entries(uow, "nonsense")


def test_grid_worker_sees_only_their_grids(db, uow, community_id, place, elder):
    other = make_home(db, community_id, place.grid2, Resident("赵奶奶", date(1940, 1, 1), male=False))
    mine = register_entries.add_entry(uow, elder.head_id, "elderly_alone", TODAY)
    theirs = register_entries.add_entry(uow, other.head_id, "elderly_alone", TODAY)
    with UnitOfWork(db, place.worker1.actor) as worker_uow:
        assert [e.id for e in register_entries.list_entries(worker_uow)] == [mine.id]
        assert register_entries.list_entries(worker_uow, grid_id=place.grid2) == []
        with pytest.raises(NotFound):
            register_entries.get_entry(worker_uow, theirs.id)
        with pytest.raises(NotFound):
            register_entries.entries_for_person(worker_uow, other.head_id)
        assert [e.id for e in register_entries.entries_for_person(worker_uow, elder.head_id)] == [mine.id]


def test_staff_of_another_community_sees_nothing(db, uow, elder):
    register_entries.add_entry(uow, elder.head_id, "elderly_alone", TODAY)
    with UnitOfWork(db, actor_for("staff", 999)) as stranger:
        assert register_entries.list_entries(stranger) == []
        with pytest.raises(NotFound):
            register_entries.entries_for_person(stranger, elder.head_id)


def test_entries_for_person_lists_open_first(uow, elder):
    old = register_entries.add_entry(uow, elder.head_id, "dibao_urban", date(2025, 1, 1))
    register_entries.end_entry(uow, old.id, date(2025, 12, 31), "收入超标", old.version)
    current = register_entries.add_entry(uow, elder.head_id, "oldest_old", date(2026, 3, 1))
    assert [e.id for e in register_entries.entries_for_person(uow, elder.head_id)] == [current.id, old.id]


# --- 特困 candidates ------------------------------------------------------------------------


def test_tekun_candidates_are_flagged_by_age_or_disability(db, uow, community_id, place):
    people = {name: _one(db, community_id, place.grid1, name, birth) for name, birth in [
        ("满六十", date(1966, 11, 23)), ("差一天六十", date(1966, 11, 24)),
        ("十五岁", date(2010, 11, 24)), ("刚满十六", date(2010, 11, 23)),
        ("智力二级", date(1985, 1, 1)), ("肢体三级", date(1985, 1, 2)), ("视力一级", date(1985, 1, 3)),
        ("视力二级", date(1985, 1, 4)), ("精神三级", date(1985, 1, 5)), ("已特困", date(1940, 1, 1)),
        ("已去世", date(1930, 1, 1)), ("已迁出", date(1931, 1, 1)), ("老年残疾", date(1950, 1, 1)),
    ]}
    for name, digits in [("智力二级", "52"), ("肢体三级", "43"), ("视力一级", "11"),
                         ("视力二级", "12"), ("精神三级", "63"), ("老年残疾", "42")]:
        register_entries.add_entry(uow, people[name], "disabled", TODAY,
                        attributes={"disability_category": digits[0], "disability_grade": digits[1]})
    register_entries.add_entry(uow, people["已特困"], "tekun_scattered", TODAY)
    set_person(db, people["已去世"], deceased_on=date(2026, 1, 1))
    set_person(db, people["已迁出"], moved_out_on=date(2026, 1, 1))

    flagged = {c.name: c.reason for c in register_entries.tekun_candidates(uow)}
    assert flagged == {
        "满六十": "年满60周岁(60岁)",
        "十五岁": "未满16周岁(15岁)",
        "智力二级": "智力残疾二级",
        "视力一级": "视力残疾一级",
        "精神三级": "精神残疾三级",
        "老年残疾": "年满60周岁(76岁)；肢体残疾二级",
    }


def test_ended_tekun_or_disability_entries_do_not_count(db, uow, community_id, place):
    person = _one(db, community_id, place.grid1, "曾特困", date(1950, 6, 1))
    entry = register_entries.add_entry(uow, person, "tekun_central", date(2025, 1, 1))
    assert register_entries.tekun_candidates(uow) == []
    register_entries.end_entry(uow, entry.id, date(2025, 12, 1), "转入低保", entry.version)
    assert [c.person_id for c in register_entries.tekun_candidates(uow)] == [person]
    younger = _one(db, community_id, place.grid1, "曾残疾", date(1990, 6, 1))
    disabled = register_entries.add_entry(uow, younger, "disabled", date(2025, 1, 1),
                               attributes={"disability_category": "5", "disability_grade": "1"})
    assert younger in {c.person_id for c in register_entries.tekun_candidates(uow)}
    register_entries.end_entry(uow, disabled.id, TODAY, "重新评定", disabled.version)
    assert younger not in {c.person_id for c in register_entries.tekun_candidates(uow)}


def test_tekun_candidates_respect_grid_scope(db, uow, community_id, place):
    mine = _one(db, community_id, place.grid1, "甲", date(1940, 1, 1))
    _one(db, community_id, place.grid2, "乙", date(1940, 1, 1))
    with UnitOfWork(db, place.worker1.actor) as worker_uow:
        candidates = register_entries.tekun_candidates(worker_uow)
    assert [(c.person_id, c.grid_name) for c in candidates] == [(mine, "一网格")]


# --- helpers --------------------------------------------------------------------------------


def _one(db, community_id, grid_id, name, birth) -> int:
    return make_home(db, community_id, grid_id, Resident(name, birth)).head_id


def _state(db, actor, entry_id):
    with UnitOfWork(db, actor) as uow:
        record = register_entries.get_entry(uow, entry_id)
        return record.visit_state, record.next_visit_due


def _with_register_categories(settings, categories):
    return replace(settings, registers=replace(settings.registers, categories=categories))


def test_audit_rows_are_not_written_for_refused_adds(db, uow, elder):
    with pytest.raises(ValidationError):
        register_entries.add_entry(uow, elder.head_id, "disabled", TODAY, attributes={"disability_grade": "9"})
    with db.session() as session:
        count = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "register_entry"))
    assert count == 0
