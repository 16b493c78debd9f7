"""Reference code lists (national standards and the app's own enums) and lenient lookups."""

from __future__ import annotations

import csv
import io
import unicodedata
from functools import cache
from importlib import resources

from station.errors import ValidationError
from station.idcard import normalize_id, parse_id
from station.messages import Term

HEAD = "02"  # 与户主关系: 户主
SELF = "01"  # 与户主关系: 本人, treated as the head (see relation_code)
NON_RELATIVE = "99"

POLITICAL_STATUSES: dict[str, str] = {  # GB/T 4762
    "01": "中共党员",
    "02": "中共预备党员",
    "03": "共青团员",
    "04": "民革会员",
    "05": "民盟盟员",
    "06": "民建会员",
    "07": "民进会员",
    "08": "农工党党员",
    "09": "致公党党员",
    "10": "九三学社社员",
    "11": "台盟盟员",
    "12": "无党派人士",
    "13": "群众",
}

EDUCATION_LEVELS: dict[str, str] = {  # GB/T 4658, first level only
    "10": "研究生",
    "20": "大学本科",
    "30": "大学专科",
    "40": "中等专科",
    "60": "普通高中",
    "70": "初中",
    "80": "小学",
    "90": "其他",
}

POPULATION_TYPES: dict[str, str] = {
    "registered": "户籍人口",
    "floating": "流动人口",
    "overseas": "境外人员",
}

# What ledgers write in a narrow 人口类型 column (and the form fills in).
POPULATION_SHORT: dict[str, str] = {"registered": "户籍", "floating": "流动", "overseas": "境外"}
POPULATION_SYNONYMS: dict[str, str] = {
    "户籍": "registered", "常住": "registered", "常住人口": "registered",
    "流动": "floating", "暂住": "floating", "暂住人口": "floating", "外来人口": "floating",
    "境外": "overseas", "外籍": "overseas", "外籍人员": "overseas", "境外人口": "overseas",
    # The English form's short names (names.population_short in the catalogue).
    "local": "registered", "float": "floating", "intl": "overseas",
}

RESIDENCE_STATES: dict[str, str] = {
    "both": "人在户在",
    "person_only": "人在户不在",
    "household_only": "户在人不在",
}

HOUSEHOLD_KINDS: dict[str, str] = {"registered": "户籍户", "dwelling": "居住户"}
# The population type a household's kind implies for its members (a 居住户 is home to 流动人口).
KIND_POPULATION: dict[str, str] = {"registered": "registered", "dwelling": "floating"}

HOUSEHOLD_STATUSES: dict[str, str] = {
    "active": "在住",
    "moved_out": "迁出",
    "cancelled": "注销",
}

# A person in the ledger: living in a household, moved away, or dead (as a ledger's 状态 column says).
PERSON_STATUSES: dict[str, str] = {
    "active": "在住",
    "moved_out": "迁出",
    "deceased": "死亡",
}
PERSON_STATUS_SYNONYMS: dict[str, str] = {
    "正常": "active", "在册": "active", "现住": "active", "已迁出": "moved_out", "迁走": "moved_out",
    "已故": "deceased", "去世": "deceased", "已死亡": "deceased", "亡故": "deceased",
}

BUILDING_KINDS: dict[str, str] = {
    "building": "楼栋",
    "bungalow": "平房",
    "village_group": "村民小组",
}

# Names that older ledgers still use for two renamed groups.
ETHNICITY_LEGACY: dict[str, str] = {"毛难族": "36", "毛难": "36", "崩龙族": "46", "崩龙": "46"}

# What ledgers actually write in the 与户主关系 column, mapped to GB/T 4761 codes.
RELATION_SYNONYMS: dict[str, str] = {
    "户主": HEAD,
    "本人": HEAD,
    "配偶": "10",
    "老伴": "10",
    "爱人": "10",
    "丈夫": "11",
    "妻子": "12",
    "子": "20",
    "儿子": "20",
    "女": "30",
    "女儿": "30",
    "女婿": "28",
    "儿媳": "38",
    "儿媳妇": "38",
    "孙子": "41",
    "孙女": "42",
    "外孙": "43",
    "外孙女": "44",
    "父": "51",
    "父亲": "51",
    "爸爸": "51",
    "母": "52",
    "母亲": "52",
    "妈妈": "52",
    "哥哥": "71",
    "弟弟": "73",
    "姐": "75",
    "妹": "77",
    "其他": "97",
    "保姆": NON_RELATIVE,
    "租客": NON_RELATIVE,
    "朋友": NON_RELATIVE,
}

EDUCATION_SYNONYMS: dict[str, str] = {
    "博士": "10",
    "硕士": "10",
    "本科": "20",
    "大学": "20",
    "大专": "30",
    "专科": "30",
    "中专": "40",
    "中技": "40",
    "职高": "40",
    "高中": "60",
    "文盲": "90",
    "半文盲": "90",
}

POLITICAL_SYNONYMS: dict[str, str] = {
    "党员": "01",
    "预备党员": "02",
    "团员": "03",
    "无党派": "12",
}


def ethnicities() -> dict[str, str]:
    """民族 (GB/T 3304), code → name."""
    return dict(_load("ethnicity_gbt3304.csv"))


def relations() -> dict[str, str]:
    """与户主关系 (GB/T 4761), code → name, leaf and group codes."""
    return dict(_load("relationship_gbt4761.csv"))


def relation_leaf_codes() -> tuple[str, ...]:
    """The GB/T 4761 codes that are not group (X0) codes."""
    return _relation_leaves()


def disability_categories() -> dict[str, str]:
    """残疾类别 1-7, code → name."""
    return dict(_load_disability("category"))


def disability_grades() -> dict[str, str]:
    """残疾等级 1-4 (一级 most severe), code → name."""
    return dict(_load_disability("grade"))


def sexes() -> dict[str, str]:
    """性别 (GB/T 2261.1), code → name."""
    return dict(_load("gender_gbt2261.csv"))


def marital_statuses() -> dict[str, str]:
    """婚姻状况 (GB/T 2261.2), code → name."""
    return dict(_load("marital_gbt2261.csv"))


def ethnicity_code(text: str) -> str:
    """The GB/T 3304 code for a code ("01"/"1"), a name ("汉族"/"汉") or a legacy name."""
    key = _clean(text)
    table = _load("ethnicity_gbt3304.csv")
    code = _as_code(key, table) or _by_name(key, table) or ETHNICITY_LEGACY.get(key)
    if code is None and not key.endswith("族"):
        code = _by_name(key + "族", table)
    if code is None:
        raise ValidationError("codes.unknown_ethnicity", text=text.strip(), field="ethnicity")
    return code


def relation_code(text: str) -> str:
    """The GB/T 4761 code for a code, a standard name or a common synonym (本人 → 户主)."""
    key = _clean(text)
    table = _load("relationship_gbt4761.csv")
    code = RELATION_SYNONYMS.get(key) or _as_code(key, table) or _by_name(key, table)
    if code is None:
        raise ValidationError("codes.unknown_relation", text=text.strip(), field="relation")
    # A ledger's 本人 row is the household head: one code keeps "exactly one head" checkable.
    return HEAD if code == SELF else code


def person_status_code(text: str) -> str:
    """active / moved_out / deceased from a code, 在住/迁出/死亡, or a common word (已故, 正常)."""
    return _lookup(text, PERSON_STATUSES, PERSON_STATUS_SYNONYMS, "status", Term("codes.label.status"))


def population_type_code(text: str) -> str:
    """registered / floating / overseas from a code, a name (户籍人口) or a short form (户籍, 流动, 暂住)."""
    key = _clean(text).lower()
    if key in POPULATION_TYPES:
        return key
    if key in POPULATION_SYNONYMS:
        return POPULATION_SYNONYMS[key]
    return _lookup(text, POPULATION_TYPES, POPULATION_SYNONYMS, "population_type",
                   Term("columns.persons.population_type"))


def political_status_code(text: str) -> str:
    """The GB/T 4762 code for a code, a name or a short form (党员, 团员)."""
    return _lookup(text, POLITICAL_STATUSES, POLITICAL_SYNONYMS, "political_status",
                   Term("columns.persons.political_status"))


def education_code(text: str) -> str:
    """The simplified GB/T 4658 code for a code, a name or a short form (本科, 中专, 文盲)."""
    return _lookup(text, EDUCATION_LEVELS, EDUCATION_SYNONYMS, "education", Term("columns.persons.education"))


def check_disability_certificate(
    cert: str, id_number: str, category: str | int, grade: str | int
) -> str:
    """Validate a 20-character 残疾人证号 (ID number + category + grade); return it normalised."""
    number = normalize_id(cert)
    field = "certificate_no"
    if len(number) != 20:
        raise ValidationError(
            "codes.disability_number_length", length=len(number),
            field=field,
        )
    if number[:18] != _id18(id_number):
        raise ValidationError("codes.disability_number_id", field=field)
    if number[18] not in _load_disability("category"):
        raise ValidationError("codes.disability_number_category", field=field)
    if number[19] not in _load_disability("grade"):
        raise ValidationError("codes.disability_number_grade", field=field)
    if number[18] != str(category).strip():
        raise ValidationError("codes.disability_category_differs", field=field)
    if number[19] != str(grade).strip():
        raise ValidationError("codes.disability_grade_differs", field=field)
    return number


def _id18(id_number: str) -> str:
    """The 18-character form of an ID number, widening a valid 15-digit one."""
    try:
        return parse_id(id_number).number
    except ValidationError:
        return normalize_id(id_number)


def _lookup(
    text: str, table: dict[str, str], synonyms: dict[str, str], field: str, label: Term
) -> str:
    """Resolve a code, a name or a synonym against a small code table."""
    key = _clean(text)
    code = _as_code(key, table) or _by_name(key, table) or synonyms.get(key)
    if code is None:
        raise ValidationError("codes.unknown_value", label=label, text=text.strip(), field=field)
    return code


def _clean(text: str) -> str:
    """NFKC and no whitespace, so full-width digits and stray spaces still match."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _as_code(key: str, table: dict[str, str]) -> str | None:
    """`key` as a code of `table`, zero-padding "1" to "01" where codes have two digits."""
    if not key.isascii() or not key.isdigit():
        return None
    if key in table:
        return key
    padded = key.zfill(2)
    return padded if padded in table else None


def _by_name(key: str, table: dict[str, str]) -> str | None:
    """The code whose name is exactly `key` (tables are small: a scan is enough)."""
    return next((code for code, name in table.items() if name == key), None)


@cache
def _rows(filename: str) -> tuple[dict[str, str], ...]:
    """The rows of a CSV shipped in station/data (works from an installed package too)."""
    text = (
        resources.files("station").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    )
    return tuple(csv.DictReader(io.StringIO(text)))


@cache
def _load(filename: str) -> dict[str, str]:
    """A code → name CSV."""
    return {row["code"]: row["name"] for row in _rows(filename)}


@cache
def _load_disability(kind: str) -> dict[str, str]:
    """One kind ("category" or "grade") of disability.csv."""
    return {row["code"]: row["name"] for row in _rows("disability.csv") if row["kind"] == kind}


@cache
def _relation_leaves() -> tuple[str, ...]:
    """Leaf codes of relationship_gbt4761.csv in file order."""
    return tuple(r["code"] for r in _rows("relationship_gbt4761.csv") if r["level"] == "leaf")
