"""Write tests/data/import_refusals.xlsx with xlsxwriter (a second writer besides openpyxl).

One small household per refusal the import must make; the extra 用例 and 预期 columns (ignored
by the import) name the case and, on the row to refuse, "column|part of the reason".
Run `python tests/data/make_import_fixtures.py` from the project root to rewrite the file.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent)]

from factories import make_id  # noqa: E402
from import_books import HEADER, person, write_xlsxwriter  # noqa: E402

REFUSALS = HERE / "import_refusals.xlsx"
IN_DATABASE_ID = make_id(date(1975, 6, 1), seq=201)  # registered by the test before importing
IN_DATABASE_NUMBER = "R16"
TWICE_ID = make_id(date(1990, 2, 2), seq=202)


def _case(name: str, number: str, rows: list[dict], expected: dict[int, str]) -> list[dict]:
    for index, row in enumerate(rows):
        row["户号"], row["用例"], row["预期"] = number, name, expected.get(index, "")
    return rows


def _head(name: str, id_number, **cells) -> dict:
    return person("", name, id_number, "户主", **cells)


def cases() -> list[dict]:
    rows = []
    rows += _case("ok_family", "R01", [
        _head("王建国", make_id(date(1960, 3, 3), seq=11), 性别="男", 出生日期=date(1960, 3, 3)),
        person("", "李秀英", make_id(date(1962, 4, 4), male=False, seq=12), "配偶"),
        person("", "王小明", make_id(date(1990, 5, 5), seq=13), "子"),
    ], {})
    rows += _case("bad_checksum", "R02", [_head("赵一", "110105194912310021")],
                  {0: "公民身份号码|校验位错误"})
    rows += _case("impossible_birth_date", "R03", [_head("钱二", "210102198617083732")],
                  {0: "公民身份号码|不存在"})
    rows += _case("future_birth_date", "R04", [_head("孙三", make_id(date(2030, 1, 1), seq=14))],
                  {0: "公民身份号码|晚于今天"})
    rows += _case("id_stored_as_number", "R05", [_head("李四", 110105194912310029)],
                  {0: "公民身份号码|存成了数字"})
    rows += _case("sex_contradicts_id", "R06",
                  [_head("周五", make_id(date(1970, 7, 7), male=False, seq=15), 性别="男")],
                  {0: "性别|性别与身份证号码不符"})
    rows += _case("birth_date_contradicts_id", "R07",
                  [_head("吴六", make_id(date(1980, 1, 1), seq=16), 出生日期="1980-01-02")],
                  {0: "出生日期|出生日期与身份证号码不符"})
    rows += _case("relation_missing", "R08", [
        _head("郑七", make_id(date(1955, 8, 8), seq=17)),
        person("", "郑小七", make_id(date(1985, 8, 8), seq=18), ""),
    ], {1: "与户主关系|请填写与户主关系"})
    rows += _case("relation_unknown", "R09", [
        _head("冯八", make_id(date(1956, 9, 9), seq=19)),
        person("", "陈邻", make_id(date(1986, 9, 9), seq=20), "邻居"),
    ], {1: "与户主关系|无法识别的与户主关系"})
    rows += _case("ethnicity_unknown", "R10", [_head("褚九", make_id(date(1957, 10, 10), seq=21), 民族="火星族")],
                  {0: "民族|无法识别的民族"})
    rows += _case("ethnicity_missing", "R11", [_head("卫十", make_id(date(1958, 11, 11), seq=22), 民族="")],
                  {0: "民族|请填写民族"})
    rows += _case("household_without_head", "R12", [
        person("", "蒋妻", make_id(date(1959, 12, 12), male=False, seq=23), "配偶"),
        person("", "蒋子", make_id(date(1989, 12, 12), seq=24), "子"),
    ], {0: "与户主关系|没有户主", 1: "与户主关系|没有户主"})
    rows += _case("household_with_two_heads", "R13", [
        _head("沈甲", make_id(date(1961, 1, 13), seq=25)),
        _head("沈乙", make_id(date(1961, 1, 14), seq=26)),
    ], {0: "与户主关系|有 2 名户主", 1: "与户主关系|有 2 名户主"})
    rows += _case("id_twice_in_file", "R14", [_head("韩一", TWICE_ID)], {0: "公民身份号码|重复出现"})
    rows += _case("id_twice_in_file", "R15", [_head("韩二", TWICE_ID)], {0: "公民身份号码|重复出现"})
    rows += _case("id_in_database", "R17", [_head("杨已", IN_DATABASE_ID)], {0: "公民身份号码|已登记"})
    rows += _case("household_number_in_database", IN_DATABASE_NUMBER,
                  [_head("朱新", make_id(date(1963, 2, 2), seq=27))], {0: "户号|已存在"})
    return rows


def main() -> None:
    write_xlsxwriter(REFUSALS, cases(), header=[*HEADER, "用例", "预期"])
    print(f"wrote {REFUSALS}")


if __name__ == "__main__":
    main()
