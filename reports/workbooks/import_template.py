"""The import template (openpyxl): the ledger columns, dropdowns for coded columns, an example row.

The ID and phone columns are formatted as text before anyone types into them, so Excel cannot
turn an 18-digit ID number into 1.10105E+17. Dropdowns read their lists from a 代码表 sheet
(56 ethnic groups do not fit in an inline list); they warn rather than stop, because the import
also accepts common synonyms (儿子, 老伴, 汉).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from reports.excel_import.reader import EXAMPLE_MARK
from station import codes
from station.imports.records import REQUIRED_COLUMNS
from station.ledger.columns import IMPORT_COLUMNS

SHEET = "人口台账"
CODES_SHEET = "代码表"
TEXT = "@"
DATE = "yyyy-mm-dd"
HEADER_ROW = 2
VALIDATED_ROWS = 20_000
EXAMPLE = {
    "household_no": "H000001", "grid": "第一网格", "building": "3号楼", "unit": "2单元", "room": "201",
    "address": "", "name": "王秀英", "id_number": "11010519491231002X", "relation": "户主", "sex": "女",
    "birth_date": date(1949, 12, 31), "ethnicity": "汉族", "phone": "13800138000",
    "population_type": "户籍人口", "notes": EXAMPLE_MARK,
}
WIDTHS = {"id_number": 22, "address": 28, "notes": 24, "phone": 15, "birth_date": 12, "population_type": 12}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")


def write_template(path: Path) -> Path:
    """Write the template workbook to `path`; returns it."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    lists = _code_lists(book)
    fields = list(IMPORT_COLUMNS)
    _title(sheet, len(fields))
    _header(sheet, fields)
    _example(sheet, fields)
    _formats(sheet, fields)
    _dropdowns(sheet, fields, lists)
    _instructions(book)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _title(sheet: Worksheet, width: int) -> None:
    sheet.cell(1, 1, "人口信息导入模板（红色列为必填；示例行导入时自动跳过，可删除）").font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _header(sheet: Worksheet, fields: list[str]) -> None:
    for column, field in enumerate(fields, 1):
        cell = sheet.cell(HEADER_ROW, column, IMPORT_COLUMNS[field])
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if field in REQUIRED_COLUMNS else Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)


def _example(sheet: Worksheet, fields: list[str]) -> None:
    for column, field in enumerate(fields, 1):
        cell = sheet.cell(HEADER_ROW + 1, column, EXAMPLE[field])
        cell.font = Font(italic=True, color="808080")


def _formats(sheet: Worksheet, fields: list[str]) -> None:
    """Text format for the ID, phone and number columns, as column styles and on the example."""
    for column, field in enumerate(fields, 1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = WIDTHS.get(field, 10)
        number_format = DATE if field == "birth_date" else TEXT
        sheet.column_dimensions[letter].number_format = number_format
        sheet.cell(HEADER_ROW + 1, column).number_format = number_format


def _code_lists(book: Workbook) -> dict[str, str]:
    """Write the dropdown lists to the 代码表 sheet; field → range formula."""
    sheet = book.create_sheet(CODES_SHEET)
    lists = {
        "relation": list(codes.relations().values()),
        "ethnicity": list(codes.ethnicities().values()),
        "population_type": list(codes.POPULATION_TYPES.values()),
        "sex": ["男", "女"],
    }
    formulas = {}
    for column, (field, names) in enumerate(lists.items(), 1):
        sheet.cell(1, column, IMPORT_COLUMNS[field]).font = Font(bold=True)
        for row, name in enumerate(names, 2):
            sheet.cell(row, column, name)
        letter = get_column_letter(column)
        formulas[field] = f"'{CODES_SHEET}'!${letter}$2:${letter}${len(names) + 1}"
    return formulas


def _dropdowns(sheet: Worksheet, fields: list[str], lists: dict[str, str]) -> None:
    for field, formula in lists.items():
        letter = get_column_letter(fields.index(field) + 1)
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning",
                                    showErrorMessage=True, errorTitle="不在列表中",
                                    error=f"“{IMPORT_COLUMNS[field]}”建议从下拉列表中选择")
        validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + VALIDATED_ROWS}")
        sheet.add_data_validation(validation)


def _instructions(book: Workbook) -> None:
    sheet = book.create_sheet("填写说明")
    lines = [
        "每行一人；同一户的成员填写相同的户号。没有户号列时，每户从“户主”行开始，到下一个户主行之前。",
        "表头可以不在第一行；列的顺序不限，多余的列会被忽略。",
        "公民身份号码请保持文本格式：存成数字的号码已丢失末几位，导入时会被拒绝。",
        "出生日期、性别可不填（从身份证号码中读取）；填写时须与身份证号码一致。",
        "与户主关系可填标准名称，也可填 子、女、配偶、儿子、女儿、老伴 等常用说法；每户必须有且只有一名户主。",
        "网格、楼栋不存在时，导入会自动新建；平房、村民小组可不填楼栋，只填地址。",
        "任何一行有误时整批不导入；用 --errors 输出带“错误原因”列的工作簿，改正后重新导入。",
    ]
    sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(lines, 1):
        sheet.cell(row, 1, f"{row}. {line}")
