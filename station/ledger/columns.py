"""The ledger workbook's columns: what the import reads, the template offers and the persons export writes."""

from __future__ import annotations

# The fields an import understands, with the header the template and messages use for each.
IMPORT_COLUMNS: dict[str, str] = {
    "household_no": "户号",
    "grid": "网格",
    "building": "楼栋",
    "unit": "单元",
    "room": "房号",
    "address": "地址",
    "name": "姓名",
    "id_number": "公民身份号码",
    "relation": "与户主关系",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "phone": "联系电话",
    "population_type": "人口类型",
    "notes": "备注",
}
# What the persons export adds (and the import honours): who has left, and when. Not in the template.
STATUS_COLUMNS: dict[str, str] = {"status": "状态", "moved_out_on": "迁出日期", "deceased_on": "死亡日期"}
LEDGER_COLUMNS: dict[str, str] = {**IMPORT_COLUMNS, **STATUS_COLUMNS}
