"""Registering a household: units matched by their number, the household's phone and kind, and the
place a user registered in last (the form's defaults, read back from the database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from actors import actor_for
from factories import family
from sqlalchemy import func, select

from models import Unit
from station.accounts.users import add_user
from station.errors import ValidationError
from station.ledger import households
from station.ledger.households import Location
from station.ledger.registering import register_start
from station.places import directory as places
from station.search import lookup as search
from station.uow import UnitOfWork

MOVED_IN = date(2026, 1, 5)


@pytest.fixture
def grid_id(uow, community_id) -> int:
    return places.add_grid(uow, community_id, "G01", "一网格").id


@pytest.fixture
def building_id(db, admin, grid_id) -> int:
    with UnitOfWork(db, admin) as uow:
        building = places.add_building(uow, grid_id, "1号楼").id
        places.unit_id_for(uow, building, "3单元")
        uow.commit()
        return building


def register(db, actor, draft):
    with UnitOfWork(db, actor) as uow:
        return households.register_household(uow, replace(draft, registered_on=MOVED_IN,
                                                          address=draft.address or "幸福路1号"))


def unit_names(db) -> list[str]:
    with db.session() as session:
        return sorted(session.scalars(select(Unit.name)))


@pytest.mark.parametrize("typed", ["3", "三", "３", "三单元", "3单元"])
def test_a_unit_typed_by_its_number_is_the_existing_unit_and_search_finds_it(db, admin, building_id, typed):
    draft = replace(family(0, building_id=building_id, room="1808"), grid_id=_grid_of(db, building_id))
    saved = register(db, admin, replace(draft, unit=typed)).household
    assert saved.unit == "3单元" and unit_names(db) == ["3单元"]
    with UnitOfWork(db, admin) as uow:
        assert {hit.name for hit in search.search(uow, "1号楼3单元1808")} == {"张三", "李四", "张小明"}


def test_a_new_unit_typed_as_a_bare_number_is_named_as_units_are(db, admin, building_id):
    draft = replace(family(_grid_of(db, building_id), building_id=building_id), unit="5")
    assert register(db, admin, draft).household.unit == "5单元"
    assert unit_names(db) == ["3单元", "5单元"]


def test_editing_a_household_matches_its_unit_too(db, admin, building_id):
    grid_id = _grid_of(db, building_id)
    saved = register(db, admin, family(grid_id, building_id=building_id)).household
    with UnitOfWork(db, admin) as uow:
        moved = households.update_household(uow, saved.id, saved.version,
                                            location=Location(grid_id, building_id, "三", "201"))
    assert moved.household.unit == "3单元" and unit_names(db) == ["3单元"]


def test_the_units_of_a_building_are_listed(db, admin, building_id):
    with UnitOfWork(db, admin) as uow:
        places.unit_id_for(uow, building_id, "1单元")
        uow.commit()
        assert places.list_units(uow, building_id) == ["1单元", "3单元"]


def test_the_household_phone_is_the_heads_when_left_empty(db, admin, grid_id):
    def with_head_phone(draft):
        return replace(draft, members=(replace(draft.members[0], phone="138 1234 5678"), *draft.members[1:]))

    assert register(db, admin, with_head_phone(family(grid_id))).household.phone == "13812345678"
    own = replace(with_head_phone(family(grid_id, seq=7)), phone="010-62345678")
    assert register(db, admin, own).household.phone == "010-62345678"


def test_a_bad_household_phone_names_the_households_field(db, admin, grid_id):
    with pytest.raises(ValidationError) as refused:
        register(db, admin, replace(family(grid_id), phone="12345"))
    assert refused.value.field == "household_phone" and refused.value.index is None


def test_members_population_type_follows_the_kind_unless_given(db, admin, grid_id):
    def typed(draft, *types):
        return replace(draft, members=tuple(replace(m, population_type=t)
                                            for m, t in zip(draft.members, types, strict=True)))

    dwelling = register(db, admin, replace(typed(family(grid_id), "", "", ""), kind="dwelling")).household
    assert dwelling.kind == "dwelling" and {m.population_type for m in dwelling.members} == {"floating"}
    registered = register(db, admin, typed(family(grid_id, seq=9), "户籍", "境外", "")).household
    assert [m.population_type for m in registered.members] == ["registered", "overseas", "registered"]


def test_an_unknown_population_type_names_the_member(db, admin, grid_id):
    members = family(grid_id).members
    draft = replace(family(grid_id), members=(members[0], replace(members[1], population_type="本地"), members[2]))
    with pytest.raises(ValidationError) as refused:
        register(db, admin, draft)
    assert refused.value.field == "population_type" and refused.value.index == 2


def test_the_form_starts_where_this_user_registered_last(db, admin, community_id, grid_id, building_id):
    with UnitOfWork(db, admin) as uow:
        other_grid = places.add_grid(uow, community_id, "G02", "二网格").id
        clerk = add_user(uow, "clerk", "王干事", "staff", "Counter-2026", community_id=community_id).id
        other = add_user(uow, "other", "李干事", "staff", "Counter-2026", community_id=community_id).id
    as_clerk = replace(actor_for("staff", community_id), user_id=clerk, username="clerk")
    as_other = replace(actor_for("staff", community_id), user_id=other, username="other")
    with UnitOfWork(db, as_clerk) as uow:
        start = register_start(uow)
    assert start.grid_id == grid_id and start.building_id is None and start.unit == ""
    assert [b.name for b in start.buildings] == ["1号楼"] and start.units == ()
    register(db, as_clerk, replace(family(grid_id, building_id=building_id), unit="3"))
    register(db, as_other, family(other_grid, seq=5))
    with UnitOfWork(db, as_clerk) as uow:
        start = register_start(uow)
    assert (start.grid_id, start.building_id, start.unit, start.units) == (grid_id, building_id, "3单元", ("3单元",))
    with UnitOfWork(db, as_other) as uow:
        start = register_start(uow)
    assert (start.grid_id, start.building_id, start.unit) == (other_grid, None, "")


def test_a_grid_worker_starts_in_their_own_grid(db, admin, community_id, grid_id, building_id):
    with UnitOfWork(db, admin) as uow:
        second = places.add_grid(uow, community_id, "G02", "二网格").id
    register(db, admin, family(grid_id, building_id=building_id))
    worker = actor_for("grid_worker", community_id, grid_ids=[second])
    with UnitOfWork(db, worker) as uow:
        start = register_start(uow)
    assert [g.id for g in start.grids] == [second] and start.grid_id == second


def _grid_of(db, building_id: int) -> int:
    with db.session() as session:
        from models import Building

        return session.get_one(Building, building_id).grid_id


def test_no_unit_rows_pile_up(db, admin, building_id):
    grid_id = _grid_of(db, building_id)
    for seq, typed in enumerate(["3", "三单元", "３"], start=11):
        register(db, admin, replace(family(grid_id, seq=seq, building_id=building_id), unit=typed))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 1
