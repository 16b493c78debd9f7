"""Relations and sex: the plausibility warning, and each member's relation to a new head."""

from __future__ import annotations

from datetime import date

import pytest

from station.residents.kinship import Kin, propose_relations, sex_relation_warning

MAN, WOMAN = "1", "2"


def _family(*members: tuple[str, str, int]) -> list[Kin]:
    """(relation code, sex, birth year) → Kin with person ids 1, 2, 3..."""
    return [Kin(index, relation, sex, date(year, 1, 1)) for index, (relation, sex, year) in enumerate(members, 1)]


def test_the_eldest_son_becomes_head():
    members = _family(("02", MAN, 1950), ("12", WOMAN, 1952), ("22", MAN, 1975), ("33", WOMAN, 1978),
                      ("38", WOMAN, 1976), ("41", MAN, 2002), ("52", WOMAN, 1928), ("99", WOMAN, 1980))
    assert propose_relations(members, new_head_id=3) == {
        1: "51", 2: "52",  # the old head and his wife: 父亲, 母亲
        4: "77",  # the younger sister: 妹妹
        5: "12", 6: "20",  # the only son's 儿媳 is his 妻, the 孙子 his 子
        7: "62",  # the old head's mother: 祖母
        8: "99",
    }


def test_with_two_sons_the_in_laws_and_grandchildren_are_left_to_the_clerk():
    members = _family(("02", MAN, 1950), ("22", MAN, 1975), ("23", MAN, 1977), ("38", WOMAN, 1976),
                      ("41", MAN, 2002), ("21", MAN, 1977))
    proposals = propose_relations(members, new_head_id=2)
    assert proposals[4] is None and proposals[5] is None
    assert proposals[3] == "73" and proposals[6] == "73"  # younger brothers: 弟


def test_a_daughter_becomes_head_of_her_mothers_household():
    members = _family(("02", WOMAN, 1950), ("32", WOMAN, 1975), ("28", MAN, 1974), ("43", MAN, 2000),
                      ("71", MAN, 1945), ("51", MAN, 1925))
    assert propose_relations(members, new_head_id=2) == {
        1: "52", 3: "11", 4: "20",  # 母亲, her husband 夫, her son 子
        5: "85", 6: "63",  # the mother's elder brother: 舅父; the mother's father: 外祖父
    }


def test_the_wife_becomes_head():
    members = _family(("02", MAN, 1950), ("12", WOMAN, 1952), ("22", MAN, 1975), ("52", WOMAN, 1928))
    assert propose_relations(members, new_head_id=2) == {1: "11", 3: "22", 4: "54"}  # 夫, 长子, 婆婆


def test_a_parent_becomes_head():
    members = _family(("02", MAN, 1975), ("12", WOMAN, 1976), ("31", WOMAN, 2005), ("52", WOMAN, 1950),
                      ("51", MAN, 1948))
    assert propose_relations(members, new_head_id=4) == {1: "20", 2: "38", 3: "42", 5: "11"}


def test_twins_and_unknown_relations_stay_blank():
    members = _family(("02", MAN, 1950), ("22", MAN, 1975), ("23", MAN, 1975), ("97", WOMAN, 1960))
    assert propose_relations(members, new_head_id=2) == {1: "51", 3: None, 4: None}


@pytest.mark.parametrize(("sex", "relation", "warned"), [
    (WOMAN, "20", True), (WOMAN, "22", True), (MAN, "30", True), (MAN, "52", True), (MAN, "12", True),
    (MAN, "20", False), (WOMAN, "30", False), (WOMAN, "02", False), (WOMAN, "10", False), ("9", "20", False),
])
def test_a_relation_of_the_other_sex_is_a_warning(sex, relation, warned):
    warning = sex_relation_warning("王小红", sex, relation)
    assert (warning is not None) == warned
    if warning:
        assert "王小红" in warning.message and warning.field == "relation"


def test_list_names_are_whole_and_short():
    from rich.cells import cell_len

    from station.codes import relations
    from station.residents.kinship import relation_name

    assert (relation_name("02"), relation_name("22"), relation_name("40")) == ("户主", "长子", "孙辈")
    assert all(cell_len(relation_name(code)) <= 10 for code in relations())
