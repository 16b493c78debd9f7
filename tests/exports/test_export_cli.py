"""`station export` as an admin runs it: masked by default, unmasked with a reason and a file
password (an encrypted workbook), audited."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import msoffcrypto
import msoffcrypto.exceptions
import pytest
from cli_station import init_admin, station
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    (folder / "station.toml").write_text(
        '[station]\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
        '[database]\nurl = "sqlite:///data/station.db"\n', encoding="utf-8")
    assert init_admin(folder).returncode == 0
    created = station(folder, "demo", "-n", "20")
    assert created.returncode == 0, created.stderr
    # The day's automatic backup (and its audit row) comes with the first login: taken here, so
    # that whichever test runs first counts only what its own command writes.
    assert station(folder, "stats").returncode == 0
    return folder


def sheet(path: Path) -> list[tuple]:
    return list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))


def test_export_is_masked_by_default(folder):
    result = station(folder, "export", "persons", "persons.xlsx")
    assert result.returncode == 0, result.stderr
    assert "已脱敏" in result.stdout
    rows = sheet(folder / "persons.xlsx")
    assert all("*" in row[7] for row in rows[1:])


FILE_PASSWORD = "File-Pass-77"


def opened(path: Path, password: str) -> list[tuple]:
    """An encrypted workbook decrypted in memory and read by openpyxl and by calamine."""
    decrypted = io.BytesIO()
    with open(path, "rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        office.load_key(password=password)
        office.decrypt(decrypted)
    rows = [tuple(row) for row in load_workbook(decrypted, read_only=True).active.iter_rows(values_only=True)]
    decrypted.seek(0)
    second = CalamineWorkbook.from_filelike(decrypted).get_sheet_by_index(0).to_python()
    assert len(second) == len(rows) and [row[7] for row in second] == [row[7] for row in rows]
    return rows


def test_unmasked_export_asks_for_a_reason_and_a_password_and_is_audited(folder):
    result = station(folder, "export", "persons", "full.xlsx", "--unmasked", "--password-stdin",
                     stdin=f"上报街道\n{FILE_PASSWORD}\n")
    assert result.returncode == 0, result.stderr
    assert "已设打开密码" in result.stdout and "不要与文件放在一起" in result.stdout
    raw = (folder / "full.xlsx").read_bytes()
    assert raw.startswith(bytes.fromhex("d0cf11e0a1b11ae1"))  # an encrypted Office file, not a zip
    with pytest.raises(zipfile.BadZipFile):
        load_workbook(folder / "full.xlsx")
    rows = opened(folder / "full.xlsx", FILE_PASSWORD)
    numbers = [row[7] for row in rows[1:]]
    assert numbers and not any("*" in number for number in numbers)
    assert not any(number.encode() in raw for number in numbers[:20])
    with open(folder / "full.xlsx", "rb") as handle, pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        office = msoffcrypto.OfficeFile(handle)
        office.load_key(password="Wrong-Pass-77")
        office.decrypt(io.BytesIO())
    assert not list(folder.glob(".full.xlsx.*"))  # no partial, protected or not
    with sqlite3.connect(folder / "data" / "station.db") as connection:
        detail, values = connection.execute(
            "SELECT detail, new_values FROM audit_log WHERE action = 'export' ORDER BY id DESC").fetchone()
    assert "未脱敏" in detail and "上报街道" in detail
    assert json.loads(values)["password_protected"] is True and FILE_PASSWORD not in values


def test_a_weak_file_password_is_refused_before_anything_is_written(folder):
    before = audit_rows(folder)
    weak = station(folder, "export", "persons", "weak.xlsx", "--unmasked", "--reason", "上报街道",
                   "--password-stdin", stdin="123456\n")
    assert weak.returncode == 1 and "密码" in weak.stderr and "Traceback" not in weak.stderr
    assert not (folder / "weak.xlsx").exists() and audit_rows(folder) == before


def audit_rows(folder: Path) -> int:
    with sqlite3.connect(folder / "data" / "station.db") as connection:
        return connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_one_grid_and_bad_input(folder):
    grid = station(folder, "export", "households", "grid.xlsx", "--grid", "NOPE")
    assert grid.returncode == 1 and "未找到网格" in grid.stderr
    kind = station(folder, "export", "salaries", "x.xlsx")
    assert kind.returncode == 1 and "未知的导出内容" in kind.stderr
    assert not (folder / "x.xlsx").exists()


def test_a_one_row_protected_workbook_opens_too(tmp_path):
    from reports.workbooks.export import write_table
    from station.exports.records import ExportTable

    headers = ("户号", "网格", "楼栋", "单元", "房号", "地址", "姓名", "公民身份号码")
    row = ("H1", "一网格", "1号楼", "1单元", "101", "东胡同1号", "欧阳秘密", "110105196107040077")
    table = ExportTable(kind="persons", title="人员台账", headers=headers, count=1, masked=False, rows=iter([row]))
    write_table(tmp_path / "one.xlsx", table, password=FILE_PASSWORD)  # under 4 KiB before padding
    assert opened(tmp_path / "one.xlsx", FILE_PASSWORD) == [headers, row]
