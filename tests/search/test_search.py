"""Resident search: keys, prefix lookups on both backends, scope, ranking and reindexing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from actors import actor_for
from factories import make_id
from sqlalchemy import select

from models import Building, Community, Grid, Household, Membership, Person, SearchEntry, Unit
from station.errors import PermissionDenied
from station.search.lookup import (
    KEY_LENGTH,
    address_keys,
    normalize,
    person_keys,
    reindex_household,
    reindex_persons,
    search,
    successor,
)
from station.uow import UnitOfWork

ZHANG_SAN_ID = make_id(date(1980, 5, 1), seq=11)
XIAO_MING_ID = make_id(date(2010, 3, 15), seq=12)


@dataclass
class Town:
    community_id: int
    grid_one: int
    grid_two: int
    building: int
    unit: int


# --- keys (no database) ---


def test_person_keys_cover_name_fragments_pinyin_id_and_phone():
    keys = person_keys("张小明", "11010520100315002x", "138 1234 5678", {"201"})
    assert {"张小明", "小明", "明", "zhangxiaoming", "zxm"} <= keys
    assert {"11010520100315002x", "002x", "13812345678", "5678", "201"} <= keys


def test_landline_keys_include_the_number_without_area_code():
    assert {"01087654321", "87654321", "4321"} <= person_keys("李四", "", "010-87654321")


def test_keys_are_short_and_never_a_single_ascii_letter():
    keys = person_keys("王" * 80, "A1", "", {"x" * 100})
    assert all(len(key) <= KEY_LENGTH for key in keys)
    assert "w" not in keys and "a1" in keys


@pytest.mark.parametrize(("typed", "key"), [
    ("11010520100315002X", "11010520100315002x"),  # plain ASCII: lower case only
    ("１３８\u3000１２３４\u2003５６７８", "13812345678"),  # full-width digits, ideographic and em spaces
    ("阿卜杜·热依木", "阿卜杜热依木"),  # the middle dot of transliterated names
    ("Li\tMing.", "liming"),
    ("010—1234", "010-1234"),  # any dash is "-"
    ("", ""),
])
def test_normalize_removes_typing_noise(typed, key):
    assert normalize(typed) == key


def test_address_keys_are_what_a_clerk_types():
    keys = address_keys("3号楼", "2单元", "201", "幸福路12号院3号楼2单元201")
    assert {"3号楼2单元201", "3-2-201", "201", "幸福路12号院3号楼2单元201", "12号院3号楼2单元201"} <= keys
    assert "3-201" in address_keys("3号楼", "", "201", "")
    assert {"1-3-1201", "1201"} <= address_keys("一号楼", "三单元", "1201室", "")
    assert "a-12-302" in address_keys("Ａ座", "十二单元", "302", "")


def test_successor_bounds_every_continuation():
    assert successor("张") == "弡"
    assert successor("\u9fff") == "\ua000"
    assert successor("a\U0010ffff") == "b"
    assert successor("\ud7ff") == "\ue000"
    assert successor("\U0010ffff") is None
    for prefix in ("zs", "张", "\U00020000", "\uffff"):
        assert prefix < prefix + "\U0010ffff" < successor(prefix)


# --- search against the database ---


def _add_person(uow, community_id, name, id_number, phone="", **extra) -> int:
    person = Person(community_id=community_id, name=name, id_number=id_number, phone=phone,
                    sex="1", birth_date=date(1980, 5, 1), **extra)
    uow.session.add(person)
    uow.flush()
    return person.id


def _add_household(uow, town, grid_id, members, *, number, building=None, unit=None, room="",
                   address="", community_id=None) -> list[int]:
    """A household with (name, id_number, phone, relation) members; returns their person ids."""
    community_id = community_id or town.community_id
    household = Household(community_id=community_id, grid_id=grid_id, number=number,
                          building_id=building, unit_id=unit, room=room, address=address)
    uow.session.add(household)
    uow.flush()
    ids = []
    for name, id_number, phone, relation in members:
        person_id = _add_person(uow, community_id, name, id_number, phone)
        uow.session.add(Membership(household_id=household.id, person_id=person_id,
                                   relation=relation, joined_on=date(2020, 1, 1)))
        ids.append(person_id)
    uow.flush()
    reindex_persons(uow, ids)
    return ids


@pytest.fixture
def town(uow, community_id) -> Town:
    grids = [Grid(community_id=community_id, code=code, name=name)
             for code, name in (("G1", "第一网格"), ("G2", "第二网格"))]
    uow.session.add_all(grids)
    uow.flush()
    building = Building(grid_id=grids[0].id, name="3号楼")
    uow.session.add(building)
    uow.flush()
    unit = Unit(building_id=building.id, name="2单元")
    uow.session.add(unit)
    uow.flush()
    place = Town(community_id, grids[0].id, grids[1].id, building.id, unit.id)
    _add_household(uow, place, place.grid_one, [
        ("张三", ZHANG_SAN_ID, "13812345678", "02"),
        ("张小明", XIAO_MING_ID, "", "20"),
    ], number="H001", building=building.id, unit=unit.id, room="201")
    _add_household(uow, place, place.grid_two, [
        ("李四", make_id(date(1975, 1, 2), seq=13), "010-87654321", "02"),
    ], number="H002", address="幸福路12号院")
    uow.commit()
    return place


def names(db, actor, query, **options) -> list[str]:
    with UnitOfWork(db, actor) as unit_of_work:
        return [hit.name for hit in search(unit_of_work, query, **options)]


@pytest.mark.parametrize("query", ["zs", "ZS", "zhangs", "zhangsan", "张三", "张", "ｚｓ"])
def test_name_and_pinyin_find_zhang_san(db, admin, town, query):
    assert names(db, admin, query)[0] == "张三"


@pytest.mark.parametrize("query", ["小明", "明", "zxm", "zhangxiao"])
def test_fragments_and_initials_find_xiao_ming(db, admin, town, query):
    assert names(db, admin, query) == ["张小明"]


def test_id_number_whole_or_last_four(db, admin, town):
    assert names(db, admin, XIAO_MING_ID[-4:]) == ["张小明"]
    assert names(db, admin, XIAO_MING_ID.lower()) == ["张小明"]
    assert names(db, admin, ZHANG_SAN_ID[:14]) == ["张三"]


@pytest.mark.parametrize("query", ["13812345678", "138-1234-5678", "5678", "1381234"])
def test_mobile_numbers(db, admin, town, query):
    assert names(db, admin, query) == ["张三"]


@pytest.mark.parametrize("query", ["87654321", "010-8765", "01087654321", "4321"])
def test_landline_numbers(db, admin, town, query):
    assert names(db, admin, query) == ["李四"]


@pytest.mark.parametrize("query", ["3-2-201", "3-2", "201", "3号楼", "3号楼2单元201"])
def test_address_finds_the_whole_household(db, admin, town, query):
    assert sorted(names(db, admin, query)) == ["张三", "张小明"]


def test_free_text_address(db, admin, town):
    assert names(db, admin, "12号院") == ["李四"]


def test_hit_carries_household_and_status(db, admin, town):
    with UnitOfWork(db, admin) as unit_of_work:
        (hit,) = search(unit_of_work, "小明")
    assert (hit.household_number, hit.address, hit.grid_name) == ("H001", "3号楼2单元201", "第一网格")
    assert (hit.relation, hit.status, hit.id_number) == ("20", "active", XIAO_MING_ID)


def test_short_or_empty_queries_find_nothing(db, admin, town):
    assert names(db, admin, "z") == []
    assert names(db, admin, "  ") == []


def test_search_needs_ledger_read(db, town):
    with UnitOfWork(db, actor_for("visitor", town.community_id)) as unit_of_work, \
            pytest.raises(PermissionDenied):
        search(unit_of_work, "张三")


def test_a_query_with_no_successor_scans_to_the_end_of_the_keys(db, uow, admin, town):
    # A name of U+10FFFF alone has no string above all its continuations: the range is open.
    _add_person(uow, town.community_id, "\U0010ffff\U0010ffff", make_id(date(1990, 1, 1), seq=16))
    reindex_persons(uow, [uow.session.scalar(select(Person.id).where(Person.name.startswith("\U0010ffff")))])
    uow.commit()
    assert names(db, admin, "\U0010ffff") == ["\U0010ffff\U0010ffff"]
    assert "\U0010ffff\U0010ffff" not in names(db, admin, "张")


def test_grid_worker_sees_only_their_grids(db, town):
    worker = actor_for("grid_worker", town.community_id, grid_ids={town.grid_two})
    assert names(db, worker, "张") == []
    assert names(db, worker, "李四") == ["李四"]


def test_person_without_household_is_hidden_from_grid_workers(db, uow, admin, town):
    _add_person(uow, town.community_id, "王五", make_id(date(1990, 1, 1), seq=14))
    reindex_persons(uow, [uow.session.scalar(select(Person.id).where(Person.name == "王五"))])
    uow.commit()
    worker = actor_for("grid_worker", town.community_id, grid_ids={town.grid_one, town.grid_two})
    assert names(db, worker, "王五") == []
    assert names(db, admin, "ww") == ["王五"]


def test_other_communities_are_invisible(db, uow, admin, town):
    other = Community(code="QT", name="其他社区")
    uow.session.add(other)
    uow.flush()
    grid = Grid(community_id=other.id, code="G1", name="一网格")
    uow.session.add(grid)
    uow.flush()
    _add_household(uow, town, grid.id, [("张三丰", make_id(date(1950, 1, 1), seq=15), "", "02")],
                   number="H001", community_id=other.id)
    homeless = _add_person(uow, other.id, "张三宝", make_id(date(1951, 1, 1), seq=18))
    reindex_persons(uow, [homeless])
    uow.commit()
    assert names(db, admin, "张三") == ["张三"]
    assert names(db, actor_for("street", None), "张三") == ["张三", "张三丰", "张三宝"]


def test_ranking_exact_name_then_prefix_then_others(db, uow, admin, town):
    _add_household(uow, town, town.grid_two, [
        ("李张三", make_id(date(1960, 1, 1), seq=16), "", "02"),
        ("张三丰", make_id(date(1961, 1, 1), seq=17), "", "10"),
    ], number="H003")
    uow.commit()
    assert names(db, admin, "张三") == ["张三", "张三丰", "李张三"]


def test_inactive_persons_are_found_with_their_status(db, uow, admin, town):
    person = uow.session.scalar(select(Person).where(Person.name == "张小明"))
    person.deceased_on = date(2026, 1, 1)
    uow.commit()
    with UnitOfWork(db, admin) as unit_of_work:
        assert [hit.status for hit in search(unit_of_work, "小明")] == ["deceased"]
    assert names(db, admin, "小明", include_inactive=False) == []


def test_reindex_after_rename(db, uow, admin, town):
    person = uow.session.scalar(select(Person).where(Person.name == "张小明"))
    person.name = "张晓明"
    uow.flush()
    reindex_persons(uow, [person.id])
    uow.commit()
    assert names(db, admin, "小明") == []
    assert names(db, admin, "晓明") == ["张晓明"]
    assert names(db, admin, "zxm") == ["张晓明"]


def test_reindex_household_after_moving_grid(db, uow, town):
    household = uow.session.scalar(select(Household).where(Household.number == "H001"))
    household.grid_id = town.grid_two
    household.building_id = household.unit_id = None
    household.room = ""
    uow.flush()
    reindex_household(uow, household.id)
    uow.commit()
    worker = actor_for("grid_worker", town.community_id, grid_ids={town.grid_two})
    assert sorted(names(db, worker, "张")) == ["张三", "张小明"]
    assert names(db, worker, "3-2-201") == []


def test_reindex_replaces_rather_than_adds(uow, town):
    person_id = uow.session.scalar(select(Person.id).where(Person.name == "张三"))
    before = uow.session.scalars(select(SearchEntry.key).where(SearchEntry.person_id == person_id)).all()
    reindex_persons(uow, [person_id, person_id])
    after = uow.session.scalars(select(SearchEntry.key).where(SearchEntry.person_id == person_id)).all()
    assert sorted(after) == sorted(before) and len(after) == len(set(after))


def test_prefix_ranges_hold_at_code_point_boundaries(db, uow, admin, town):
    boundary_names = ["张", "弡", "王\u9fff", "王\ua000", "\U00020000三", "\U00020001四", "\uffef一"]
    for seq, name in enumerate(boundary_names, start=20):
        person_id = _add_person(uow, town.community_id, name, make_id(date(1970, 1, 1), seq=seq))
        reindex_persons(uow, [person_id])
    uow.commit()
    assert names(db, admin, "弡") == ["弡"]
    assert names(db, admin, "王\u9fff") == ["王\u9fff"]
    assert names(db, admin, "\U00020000") == ["\U00020000三"]
    assert names(db, admin, "\uffef") == ["\uffef一"]
    assert names(db, admin, "张")[:3] == ["张", "张三", "张小明"]


# --- 户号 (household number), printed on every form ---


@pytest.mark.parametrize("query", ["H001", "h001", " H001 ", "Ｈ００１", "001"])
def test_household_number_finds_its_members_head_first(db, admin, town, query):
    assert names(db, admin, query)[:2] == ["张三", "张小明"]


def test_household_number_hits_come_before_key_matches(db, uow, admin, town):
    # An address that starts like the number matches by its keys: the household itself goes first.
    _add_household(uow, town, town.grid_two, [("王五", make_id(date(1990, 1, 1), seq=14), "", "02")],
                   number="H009", address="H001路5号")
    uow.commit()
    assert names(db, admin, "h001") == ["张三", "张小明", "王五"]


def test_household_number_respects_grids_and_communities(db, town):
    worker = actor_for("grid_worker", town.community_id, grid_ids={town.grid_two})
    assert names(db, worker, "H001") == []
    assert names(db, worker, "H002") == ["李四"]


def test_a_moved_out_household_number_finds_its_last_members(db, uow, admin, town):
    household = uow.session.scalar(select(Household).where(Household.number == "H002"))
    household.status, household.moved_out_on = "moved_out", date(2026, 1, 5)
    for membership in uow.session.scalars(select(Membership).where(Membership.household_id == household.id)):
        membership.left_on = date(2026, 1, 5)
        uow.session.get_one(Person, membership.person_id).moved_out_on = date(2026, 1, 5)
    uow.flush()
    reindex_household(uow, household.id)
    uow.commit()
    with UnitOfWork(db, admin) as unit_of_work:
        (hit,) = search(unit_of_work, "H002")
    assert (hit.name, hit.status, hit.household_id) == ("李四", "moved_out", None)
    assert (hit.last_household_id, hit.last_household_number) == (household.id, "H002")
    assert names(db, admin, "H002", include_inactive=False) == []
