"""Workbooks built to hurt: a far cell, a million formatted rows, cells placed without references.

The checks happen on the sheet's XML before python-calamine builds its dense grid (which for one
cell at XFD1048576 would be 512 GB and abort the process): the real CLI in a subprocess must
exit 1 with one Chinese line naming the cell, in bounded memory.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_station import cli_env, initialised
from hostile_books import (
    HEADER,
    cell,
    far_cell_book,
    formatted_rows_book,
    ledger_rows,
    row,
    write_book,
)
from openpyxl import load_workbook

from reports.excel_import.errors_book import write_errors_workbook
from reports.excel_import.reach import (
    DIGITS,
    LETTERS,
    MAX_CELLS,
    MAX_COLUMNS,
    Reach,
    check_sheet_reach,
    column_letters,
    column_number,
    greater_than,
)
from reports.excel_import.reader import read_ledger
from station.errors import ValidationError
from station.imports.records import RowError
from station.messages import Term

PEAK_RSS_MB = 400
PERSON = ("H1", "一网格", "张三", "110105194912310021", "户主")


# The CLI is started by a small Python of its own, which reports its child's peak RSS: a child
# forked straight from the test worker would count the worker's own peak (Linux keeps the
# forking process's high-water mark across exec), and workers grow to hundreds of MB.
_MEASURED = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
             "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
             "sys.exit(code)")


def run_cli(folder: Path, *args: str) -> tuple[int, str, str, float]:
    """`python -m cli ...` in `folder`: exit code, stdout, stderr and the CLI's own peak RSS in MB."""
    out, err, peak = folder / "out.txt", folder / "err.txt", folder / "peak-rss.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        code = subprocess.call([sys.executable, "-c", _MEASURED, str(peak), sys.executable, "-m", "cli", *args],
                               cwd=folder, env=cli_env(folder), stdout=stdout, stderr=stderr)
    return code, out.read_text("utf-8"), err.read_text("utf-8"), int(peak.read_text()) / 1024


@pytest.fixture
def folder(tmp_path) -> Path:
    return initialised(tmp_path)


def test_a_2_kb_workbook_with_a_cell_at_xfd1048576_is_refused_by_the_cli(folder):
    book = far_cell_book(folder / "far.xlsx")
    assert book.stat().st_size < 4096
    for extra in ((), ("--errors", "far-错误.xlsx")):
        code, out, err, rss = run_cli(folder, "import", "far.xlsx", "--dry-run", *extra)
        assert code == 1, (code, err[-2000:])
        lines = [line for line in (out + err).splitlines() if "XFD1048576" in line]
        assert len(lines) == 1 and "工作表“台账”的单元格 XFD1048576 超出台账的范围" in lines[0]
        assert "panicked" not in err and "backtrace" not in err.lower() and "Traceback" not in err
        assert rss < PEAK_RSS_MB, rss
    assert not (folder / "far-错误.xlsx").exists()


def test_a_million_formatted_empty_rows_read_and_marked_in_bounded_memory(folder):
    formatted_rows_book(folder / "formatted.xlsx")
    code, out, err, rss = run_cli(folder, "import", "formatted.xlsx", "--dry-run", "--errors", "marked.xlsx")
    assert code == 1, err[-2000:]
    assert "读取 1 行" in out and "第 2 行「公民身份号码」" in out and "校验位" in out
    assert rss < PEAK_RSS_MB, rss
    sheet = load_workbook(folder / "marked.xlsx", read_only=True)["台账"]
    marked = list(sheet.iter_rows(values_only=True))
    assert marked[0][: len(HEADER) + 1] == (*HEADER, "错误原因") and "校验位" in marked[1][len(HEADER)]
    assert len(marked) < 10  # the empty formatted rows are not carried over


def test_the_reader_names_the_far_cell(tmp_path):
    with pytest.raises(ValidationError, match="单元格 XFD1048576 超出台账的范围（最多 200 列"):
        read_ledger(far_cell_book(tmp_path / "far.xlsx"))


@pytest.mark.parametrize("content, named", [
    # No references: cells follow one another, 16,384 of them reach XFD.
    ('<row r="9">' + "<c/>" * 16_383 + "<c><v>1</v></c></row>", "XFD9"),
    # Rows without numbers follow the row before; a cell without a reference sits in its row.
    ('<row r="1048576"/><row><c><v>1</v></c></row>', "A1048577"),
    # Two references in one cell: calamine would take the last (here: refused as invalid XML).
    ('<row r="5"><c r="A5" r="XFD5"><v>1</v></c></row>', "不是有效的 XML"),
    # Lower case and leading zeros are read by calamine, so they count here too.
    ('<row r="5"><c r="gs05"><v>1</v></c></row>', "GS5"),
    ('<row r="5"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="GS5">'
     "<x:v>1</x:v></x:c></row>", "GS5"),
])
def test_cells_placed_any_way_calamine_places_them_are_checked(tmp_path, content, named):
    path = write_book(tmp_path / "odd.xlsx", {"台账": ledger_rows([PERSON]) + content})
    with pytest.raises(ValidationError, match=re.escape(named)):
        read_ledger(path)


def test_a_grid_too_large_names_its_corners(tmp_path):
    far_down = MAX_CELLS // 20 + 1
    content = ledger_rows([PERSON]) + row(far_down, ["x"]) + row(3, ["y"], first_column=20)
    with pytest.raises(ValidationError, match=f"从 A1 延伸到 A{far_down} 和 T3"):
        read_ledger(write_book(tmp_path / "wide.xlsx", {"台账": content}))


def test_empty_formatted_cells_far_away_do_not_count(tmp_path):
    content = ledger_rows([PERSON]) + f'<row r="1048576">{cell("XFD1048576", None, style=1)}</row>'
    source = read_ledger(write_book(tmp_path / "styled.xlsx", {"台账": content}))
    assert [r.cells["name"] for r in source.rows] == ["张三"]


def test_the_claimed_dimension_is_not_trusted(tmp_path):
    content = ledger_rows([PERSON]) + row(3, ["x"], first_column=16_384)
    with pytest.raises(ValidationError, match="XFD3"):
        read_ledger(write_book(tmp_path / "claims.xlsx", {"台账": content}, dimension="A1:E3"))


def test_a_plain_ledger_takes_the_fast_pass_and_is_measured_exactly(tmp_path):
    rows = [(f"H{n}", "一网格", f"人{n}", "110105194912310021", "户主") for n in range(50)]
    path = write_book(tmp_path / "plain.xlsx", {"台账": ledger_rows(rows)})
    with zipfile.ZipFile(path) as archive:
        assert check_sheet_reach(archive, "台账") == Reach(51, 5)


def test_limits_admit_a_100k_ledger_and_refuse_the_far_cell():
    assert Reach(100_002, 16).within_limits() and Reach(100_002, 60).within_limits()
    assert not Reach(1_048_576, 16_384).within_limits() and not Reach(3, MAX_COLUMNS + 1).within_limits()


def test_the_greater_than_patterns_agree_with_numbers_and_columns():
    pick = random.Random(7)
    for _ in range(300):
        bound, value = pick.randint(1, 9_999_999), pick.choice([pick.randint(1, 9_999_999), pick.randint(1, 999)])
        pattern = re.compile(greater_than(str(bound), DIGITS, DIGITS[1:], 7))
        assert bool(pattern.fullmatch(str(value))) == (value > bound), (bound, value)
        bound, value = pick.randint(1, 18_278), pick.randint(1, 18_278)
        pattern = re.compile(greater_than(column_letters(bound), LETTERS, LETTERS, 3))
        assert bool(pattern.fullmatch(column_letters(value))) == (value > bound), (bound, value)
    assert column_number("XFD") == 16_384 and column_letters(200) == "GR"


def test_a_bloated_workbook_is_written_back_as_values_with_text_kept_text(tmp_path):
    rows = "".join(f'<row r="{n}" s="1" customFormat="1"/>' for n in range(4, 150_004))
    content = ledger_rows([PERSON, ("H2", "一网格", "=A1+1", "-5", "户主")]) + rows
    source = write_book(tmp_path / "bloated.xlsx", {"台账": content})
    errors = [RowError(2, "公民身份号码", Term("idcard.bad_check_digit")), RowError(3, "姓名", Term("residents.name_missing"))]
    assert write_errors_workbook(source, tmp_path / "marked.xlsx", {"台账": 1}, errors) == 2
    sheet = load_workbook(tmp_path / "marked.xlsx")["台账"]
    assert [cell.value for cell in sheet[1]] == [*HEADER, "错误原因"]
    assert sheet["C3"].value == "=A1+1" and sheet["C3"].data_type == "s" and sheet["C3"].quotePrefix
    assert sheet["F2"].value == "公民身份号码：身份证号码校验位错误，请核对号码" and sheet.max_row == 3
