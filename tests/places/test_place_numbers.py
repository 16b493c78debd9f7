"""Buildings and units are matched by their number: 3, 三, 3单元, 三单元 and ３ are one unit."""

from __future__ import annotations

import pytest

from station.places.numbers import BUILDING_SUFFIX, UNIT_SUFFIX, place_name, place_number, twins


@pytest.mark.parametrize(("text", "number"), [
    ("3", "3"), ("３", "3"), ("三", "3"), ("3单元", "3"), ("三单元", "3"), ("３单元", "3"),
    ("1号楼", "1"), ("一号楼", "1"), ("十二号楼", "12"), ("二十三栋", "23"), ("A座", "a"),
    ("201室", "201"), ("幸福苑", None), ("", None),
])
def test_the_number_of_a_place_name(text, number):
    assert place_number(text) == number


@pytest.mark.parametrize("typed", ["3", "三", "3单元", "三单元", "３", "３单元", " 3 "])
def test_a_unit_typed_any_way_is_the_existing_unit(typed):
    assert place_name(typed, ["1单元", "13单元", "3单元"], UNIT_SUFFIX) == "3单元"


@pytest.mark.parametrize("typed", ["1", "1号楼", "一号楼", "１", "一"])
def test_a_building_typed_any_way_is_the_existing_building(typed):
    assert place_name(typed, ["10号楼", "1号楼", "2号楼"], BUILDING_SUFFIX) == "1号楼"


def test_a_new_bare_number_is_named_as_a_unit_or_building_is():
    assert place_name("5", ["3单元"], UNIT_SUFFIX) == "5单元"
    assert place_name("五", [], UNIT_SUFFIX) == "5单元"
    assert place_name("７", [], BUILDING_SUFFIX) == "7号楼"


def test_other_names_are_kept_as_typed():
    assert place_name("东区", ["3单元"], UNIT_SUFFIX) == "东区"
    assert place_name("5门", [], UNIT_SUFFIX) == "5门"
    assert place_name("  ", ["3单元"], UNIT_SUFFIX) == ""


def test_letters_match_their_building():
    assert place_name("a", ["A座", "B座"], BUILDING_SUFFIX) == "A座"


def test_a_number_two_places_share_is_not_guessed():
    assert place_name("1栋", ["1号楼", "1号院"], BUILDING_SUFFIX) == "1栋"
    assert place_name("1", ["1号楼", "1号院"], BUILDING_SUFFIX) == "1号楼"  # a bare number means 1号楼


def test_the_same_text_wins_over_the_same_number():
    assert place_name("3", ["3", "3单元"], UNIT_SUFFIX) == "3"


def test_twins_share_a_number_under_one_parent():
    places = [(7, 31, "3"), (7, 32, "三单元"), (7, 33, "4单元"), (8, 41, "3单元"), (8, 42, "幸福苑"), (8, 43, "幸福苑东")]
    assert twins(places) == {31, 32}
