"""Reading ledgers (header anywhere, aliases, merged cells), the template, the errors workbook, safety."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from factories import make_id
from import_books import families, person, read, write_openpyxl, write_xlsxwriter
from openpyxl import Workbook, load_workbook

from reports.excel_import.errors_book import write_errors_workbook
from reports.excel_import.reader import header_field, read_ledger
from reports.excel_import.safety import WorkbookLimits, check_workbook, ensure_defused_xml
from reports.workbooks.import_template import CODES_SHEET, SHEET, write_template
from station.errors import ValidationError
from station.imports.records import RowError
from station.messages import Term


def test_header_below_a_title_with_aliases_in_any_order(tmp_path):
    header = ["备注", "所属网格", "证件号码", "姓名", "与户主关系", "扫描件", "门牌号", "手机号码"]
    rows = [{"姓名": "张三", "证件号码": "11010519491231002X", "与户主关系": "户主", "扫描件": "x.jpg",
             "门牌号": "101", "手机号码": "13800138000", "所属网格": "一网格"}]
    source = read(write_openpyxl(tmp_path / "l.xlsx", rows, header=header))
    assert source.header_row == 3 and source.sheet == "台账"
    assert source.columns == {"notes": "备注", "grid": "所属网格", "id_number": "证件号码", "name": "姓名",
                              "relation": "与户主关系", "room": "门牌号", "phone": "手机号码"}
    assert source.rows[0].number == 4
    assert source.rows[0].cells["room"] == "101" and "扫描件" not in source.rows[0].cells


def test_header_words_ignore_marks_and_hints():
    assert header_field("身份证号*") == "id_number"
    assert header_field(" 联系电话（手机） ") == "phone"
    assert header_field("居住类型") == "population_type"
    assert header_field("户籍地") is None and header_field(3) is None


def test_cells_keep_their_stored_type(tmp_path):
    rows = [person("1", "张三", 110105194912310029, "户主", 出生日期=date(1949, 12, 31), 联系电话=13800138000)]
    cells = read(write_xlsxwriter(tmp_path / "l.xlsx", rows)).rows[0].cells
    assert isinstance(cells["id_number"], float)
    assert cells["birth_date"] == date(1949, 12, 31) and cells["phone"] == 13800138000


def test_cells_merged_down_a_household_fill_every_row(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["户号", "姓名", "身份证号", "关系", "地址"])
    sheet.append(["H1", "张三", make_id(date(1970, 1, 1)), "户主", "幸福路1号"])
    sheet.append([None, "李四", make_id(date(1971, 1, 1), male=False), "配偶", None])
    sheet.append([None, None, None, None, None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("E2:E3")
    book.save(tmp_path / "merged.xlsx")
    rows = read_ledger(tmp_path / "merged.xlsx").rows
    assert [(r.cells["household_no"], r.cells["address"]) for r in rows] == [("H1", "幸福路1号")] * 2


def test_a_sheet_without_a_header_is_refused(tmp_path):
    book = Workbook()
    book.active.append(["甲", "乙"])
    book.save(tmp_path / "none.xlsx")
    with pytest.raises(ValidationError, match="未找到表头"):
        read_ledger(tmp_path / "none.xlsx")


def test_the_template_reads_back_empty_with_text_ids_and_dropdowns(tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    check_workbook(path)
    source = read_ledger(path)
    assert source.rows == () and source.header_row == 2 and len(source.columns) == 15
    book = load_workbook(path)
    sheet = book[SHEET]
    id_letter = next(c.column_letter for c in sheet[2] if c.value == "公民身份号码")
    assert sheet.column_dimensions[id_letter].number_format == "@" and sheet[f"{id_letter}3"].number_format == "@"
    lists = {v.formula1.split("!")[1] for v in sheet.data_validations.dataValidation}
    assert len(lists) == 4
    assert "毛南族" in [c.value for c in book[CODES_SHEET]["B"]]
    assert "户主" in [c.value for c in book[CODES_SHEET]["A"]]


def test_the_errors_workbook_adds_a_reason_column(tmp_path):
    source_path = write_openpyxl(tmp_path / "ledger.xlsx", families(2))
    errors = [RowError(4, "公民身份号码", Term("idcard.bad_check_digit")),
              RowError(4, "性别", Term("residents.sex_differs_from_id")),
              RowError(6, "", Term("imports.no_head", household=Term("imports.this_household")))]
    out = tmp_path / "errors.xlsx"
    assert write_errors_workbook(source_path, out, {"台账": 3}, errors) == 2
    sheet = load_workbook(out)["台账"]
    assert sheet.cell(3, 16).value == "错误原因"
    assert sheet.cell(4, 16).value == "公民身份号码：身份证号码校验位错误，请核对号码\n性别：性别与身份证号码不符"
    assert sheet.cell(6, 16).value == "该户没有户主" and sheet.cell(5, 16).value is None
    assert sheet.cell(4, 7).value == families(2)[0]["姓名"]
    # Fixed and written again, the same column is reused rather than a second one added.
    # In English, and the column marked in Chinese is reused.
    write_errors_workbook(out, tmp_path / "again.xlsx", {"台账": 3},
                          [RowError(5, "性别", Term("residents.sex_differs_from_id"))], "en")
    again = load_workbook(tmp_path / "again.xlsx")["台账"]
    assert again.max_column == 16 and again.cell(4, 16).value is None
    assert again.cell(3, 16).value == "Why refused"
    assert again.cell(5, 16).value == "性别: The sex does not match the ID number"
    with pytest.raises(ValidationError):
        write_errors_workbook(source_path, source_path, {"台账": 3}, errors)


# --- safety ---------------------------------------------------------------------------------


def test_defusedxml_is_active():
    ensure_defused_xml()


@pytest.mark.parametrize("name", ["ledger.xlsm", "ledger.xls", "ledger.csv", "ledger.xlsb"])
def test_other_formats_are_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(ValidationError, match="xlsx"):
        check_workbook(path)


def test_a_macro_workbook_renamed_to_xlsx_is_refused(tmp_path):
    path = write_openpyxl(tmp_path / "l.xlsx", families(1))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 100)
    with pytest.raises(ValidationError, match="宏"):
        check_workbook(path)


def test_macro_content_types_are_refused(tmp_path):
    path = _rewritten(write_openpyxl(tmp_path / "l.xlsx", families(1)), tmp_path / "m.xlsx",
                      "[Content_Types].xml", lambda xml: xml.replace(
                          b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"))
    with pytest.raises(ValidationError, match="宏"):
        check_workbook(path)


def test_a_zip_bomb_is_refused(tmp_path):
    path = write_openpyxl(tmp_path / "l.xlsx", families(1))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.xml", b" " * 20_000_000)
    with pytest.raises(ValidationError, match="压缩炸弹"):
        check_workbook(path)


def test_size_and_member_limits(tmp_path):
    path = write_openpyxl(tmp_path / "l.xlsx", families(1))
    with pytest.raises(ValidationError, match="文件过大"):
        check_workbook(path, WorkbookLimits(max_bytes=1000))
    with pytest.raises(ValidationError, match="部件"):
        check_workbook(path, WorkbookLimits(max_members=3))


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 password protected OLE file")
    with pytest.raises(ValidationError, match="不是有效的"):
        check_workbook(path)


def test_a_real_ledger_passes(tmp_path):
    check_workbook(write_xlsxwriter(tmp_path / "l.xlsx", families(50)))


def _rewritten(source: Path, target: Path, member: str, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename == member else data)
    return target
