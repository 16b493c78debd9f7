"""Residents' data on disk is the station user's alone: 0600 files, 0700 folders, doctor warns."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli_station import init_admin, station

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_backups_reports_and_exports_are_owner_only(tmp_path):
    (tmp_path / "station.toml").write_text(
        '[station]\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
        '[database]\nurl = "sqlite:///data/station.db"\n', encoding="utf-8")
    before = os.umask(0o022)  # the usual default: the program must not rely on a careful umask
    try:
        assert init_admin(tmp_path).returncode == 0
        for command in (("demo", "-n", "3"), ("backup",), ("report", "household", "H000001"),
                        ("export", "persons", "persons.xlsx")):
            result = station(tmp_path, *command)
            assert result.returncode == 0, result.stderr
    finally:
        os.umask(before)
    data = tmp_path / "data"
    files = [data / "station.db", *(data / "backups").iterdir(), *(data / "reports").iterdir(),
             tmp_path / "persons.xlsx"]
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    assert {mode(folder) for folder in (data, data / "backups", data / "reports")} == {0o700}
    doctor = station(tmp_path, "doctor")
    assert "文件权限" in doctor.stdout and "仅本用户可读" in doctor.stdout


def test_doctor_names_files_others_can_read(tmp_path):
    (tmp_path / "station.toml").write_text(
        '[station]\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
        '[database]\nurl = "sqlite:///data/station.db"\n', encoding="utf-8")
    assert init_admin(tmp_path).returncode == 0
    database = tmp_path / "data" / "station.db"
    database.chmod(0o644)
    doctor = station(tmp_path, "doctor")
    assert "WARN 文件权限" in doctor.stdout and str(database) in doctor.stdout
