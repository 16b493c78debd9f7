"""The header words a ledger's columns are known by (with aliases), shared by the reader and the export."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

HEADER_SEARCH_ROWS = 30
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "household_no": ("户号", "户编号"),
    "grid": ("网格", "所属网格", "网格名称"),
    "building": ("楼栋", "楼号", "栋号", "楼栋号"),
    "unit": ("单元", "单元号"),
    "room": ("房号", "门牌号", "室号", "房间号"),
    "address": ("地址", "现住址", "居住地址"),
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "证件号码", "身份证"),
    "relation": ("与户主关系", "关系", "与户主的关系", "户主关系"),
    "sex": ("性别",),
    "birth_date": ("出生日期",),
    "ethnicity": ("民族",),
    "phone": ("联系电话", "手机号码", "电话", "手机号"),
    "population_type": ("人口类型", "居住类型"),
    "notes": ("备注",),
    "status": ("状态", "人员状态"),
    "moved_out_on": ("迁出日期", "迁出时间"),
    "deceased_on": ("死亡日期", "死亡时间", "去世日期"),
}
# The template's example row says this in its 备注 cell; such a row is never imported.
EXAMPLE_MARK = "示例行，导入时自动跳过"
_HEADER_WORDS = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_DECORATION = re.compile(r"[（(【\[].*?[)）】\]]|[*＊:：\s]")


def header_field(text: Any) -> str | None:
    """The field a header cell names ("身份证号*" and "联系电话（手机）" count), else None."""
    if not isinstance(text, str):
        return None
    return _HEADER_WORDS.get(_DECORATION.sub("", unicodedata.normalize("NFKC", text)))


def is_ledger_header(row: list[Any]) -> bool:
    """True for a row that names both 姓名 and an ID number column."""
    fields = {header_field(cell) for cell in row}
    return {"name", "id_number"} <= fields
