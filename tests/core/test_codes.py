"""Reference code lists and the lenient lookups used on data entry and import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from station import codes
from station.codes import (
    HEAD,
    POPULATION_TYPES,
    check_disability_certificate,
    disability_categories,
    disability_grades,
    education_code,
    ethnicities,
    ethnicity_code,
    marital_statuses,
    political_status_code,
    population_type_code,
    relation_code,
    relation_leaf_codes,
    relations,
    sexes,
)
from station.errors import ValidationError
from station.messages import message

ID = "11010519491231002X"


def test_ethnicity_list_has_56_groups_and_two_extra_codes():
    table = ethnicities()
    assert len(table) == 58
    assert table["01"] == "汉族"
    assert table["36"] == "毛南族"
    assert table["46"] == "德昂族"
    assert table["98"] == "外国血统中国籍人士"


def test_lists_are_copies_so_callers_cannot_corrupt_the_cache():
    ethnicities()["01"] = "changed"
    assert ethnicities()["01"] == "汉族"


def test_relation_list_has_group_and_leaf_codes():
    table = relations()
    assert table["02"] == "户主"
    assert table["20"] == "子"
    leaves = relation_leaf_codes()
    assert "02" in leaves
    assert "41" in leaves
    assert "20" not in leaves
    assert "10" not in leaves
    assert set(leaves) < set(table)


def test_small_lists():
    assert disability_categories()["7"] == "多重残疾"
    assert len(disability_categories()) == 7
    assert disability_grades() == {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}
    assert sexes()["1"] == "男"
    assert sexes()["2"] == "女"
    assert marital_statuses()["20"] == "已婚"


def test_enum_constants():
    assert codes.POLITICAL_STATUSES["01"] == "中共党员"
    assert codes.POLITICAL_STATUSES["10"] == "九三学社社员"
    assert codes.POLITICAL_STATUSES["13"] == "群众"
    assert len(codes.POLITICAL_STATUSES) == 13
    assert list(codes.EDUCATION_LEVELS) == ["10", "20", "30", "40", "60", "70", "80", "90"]
    assert codes.POPULATION_TYPES["floating"] == "流动人口"
    assert codes.RESIDENCE_STATES["person_only"] == "人在户不在"
    assert codes.HOUSEHOLD_KINDS == {"registered": "户籍户", "dwelling": "居住户"}
    assert codes.HOUSEHOLD_STATUSES["moved_out"] == "迁出"
    assert codes.BUILDING_KINDS["village_group"] == "村民小组"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("01", "01"),
        ("1", "01"),
        ("０１", "01"),
        ("汉族", "01"),
        ("汉", "01"),
        (" 汉族 ", "01"),
        ("蒙古", "02"),
        ("蒙古族", "02"),
        ("维吾尔", "05"),
        ("毛难族", "36"),
        ("毛南族", "36"),
        ("崩龙族", "46"),
        ("德昂", "46"),
        ("其他", "97"),
    ],
)
def test_ethnicity_code(text, code):
    assert ethnicity_code(text) == code


@pytest.mark.parametrize("text", ["火星族", "", "99", "族"])
def test_unknown_ethnicity_is_refused(text):
    with pytest.raises(ValidationError) as caught:
        ethnicity_code(text)
    assert caught.value.field == "ethnicity"
    assert "民族" in caught.value.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("02", "02"),
        ("2", "02"),
        ("41", "41"),
        ("户主", HEAD),
        ("本人", HEAD),
        ("01", HEAD),
        ("子", "20"),
        ("女", "30"),
        ("配偶", "10"),
        ("儿子", "20"),
        ("女儿", "30"),
        ("老伴", "10"),
        ("丈夫", "11"),
        ("妻子", "12"),
        ("夫", "11"),
        ("妻", "12"),
        ("父", "51"),
        ("母", "52"),
        ("爸爸", "51"),
        ("父亲", "51"),
        ("妈妈", "52"),
        ("母亲", "52"),
        ("孙子", "41"),
        ("孙女", "42"),
        ("外孙", "43"),
        ("外孙女", "44"),
        ("儿媳", "38"),
        ("儿媳妇", "38"),
        ("女婿", "28"),
        ("哥哥", "71"),
        ("兄", "71"),
        ("弟弟", "73"),
        ("姐", "75"),
        ("妹", "77"),
        ("保姆", "99"),
        ("租客", "99"),
        ("朋友", "99"),
        ("其他", "97"),
        ("岳母", "56"),
        ("长子", "22"),
    ],
)
def test_relation_code(text, code):
    assert relation_code(text) == code


@pytest.mark.parametrize("text", ["邻居家的狗", "", "98", "100"])
def test_unknown_relation_is_refused(text):
    with pytest.raises(ValidationError) as caught:
        relation_code(text)
    assert caught.value.field == "relation"
    assert "与户主关系" in caught.value.message


@pytest.mark.parametrize(
    ("text", "code"),
    [("01", "01"), ("中共党员", "01"), ("党员", "01"), ("团员", "03"), ("群众", "13"), ("9", "09")],
)
def test_political_status_code(text, code):
    assert political_status_code(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("大学本科", "20"),
        ("本科", "20"),
        ("中专", "40"),
        ("文盲", "90"),
        ("初中", "70"),
        ("10", "10"),
    ],
)
def test_education_code(text, code):
    assert education_code(text) == code


def test_unknown_political_status_and_education_are_refused():
    with pytest.raises(ValidationError) as caught:
        political_status_code("宇航员")
    assert caught.value.field == "political_status"
    assert "政治面貌" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        education_code("50")
    assert caught.value.field == "education"
    assert "文化程度" in caught.value.message


def test_disability_certificate_accepted_and_normalised():
    assert check_disability_certificate(ID + "42", ID, "4", "2") == ID + "42"
    assert check_disability_certificate(" 11010519491231002x42 ", ID.lower(), 4, 2) == ID + "42"


def test_disability_certificate_matches_a_widened_fifteen_digit_id():
    assert check_disability_certificate(ID + "11", "110105491231002", "1", "1") == ID + "11"


@pytest.mark.parametrize(
    ("cert", "category", "grade", "word"),
    [
        (ID, "4", "2", "20位"),
        (ID + "4", "4", "2", "20位"),
        ("440524188001010014" + "42", "4", "2", "身份证号码"),
        (ID + "82", "8", "2", "类别"),
        (ID + "45", "4", "5", "等级"),
        (ID + "42", "5", "2", "类别"),
        (ID + "42", "4", "1", "等级"),
    ],
)
def test_disability_certificate_refusals(cert, category, grade, word):
    with pytest.raises(ValidationError) as caught:
        check_disability_certificate(cert, ID, category, grade)
    assert caught.value.field == "certificate_no"
    assert "残疾人证号" in caught.value.message
    assert word in caught.value.message


def test_core_modules_stay_headless():
    # A fresh interpreter, so modules other tests loaded do not hide an import.
    script = (
        "import sys, station.idcard, station.phone, station.codes; "
        "print(sorted({'textual', 'rich', 'typer', 'reportlab', 'openpyxl'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_short_population_name_reads_back_as_its_type(language):
    for code in POPULATION_TYPES:
        assert population_type_code(message(f"names.population_short.{code}", language)) == code
