"""`station backup` and `station restore` as an admin runs them: real processes and files."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_station import init_admin, station


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "station.toml").write_text(
        '[station]\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
        '[database]\nurl = "sqlite:///data/station.db"\n[backup]\nkeep = 3\n', encoding="utf-8")
    assert init_admin(tmp_path).returncode == 0
    created = station(tmp_path, "demo", "-n", "20")
    assert created.returncode == 0, created.stderr
    return tmp_path


def backups(folder: Path) -> list[Path]:
    return sorted((folder / "data" / "backups").glob("station-*.db"))


def test_backup_then_restore_with_confirmation(folder):
    made = station(folder, "backup")
    assert made.returncode == 0, made.stderr
    assert "备份完成" in made.stdout and "sha256" in made.stdout
    (backup,) = [path for path in backups(folder) if "manual" in path.name]
    declined = station(folder, "restore", str(backup), stdin="n\n")
    assert declined.returncode == 0 and "已取消" in declined.stdout
    assert not any("pre-restore" in path.name for path in backups(folder))
    restored = station(folder, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "已恢复" in restored.stdout and "恢复前的数据库已备份到" in restored.stdout


def test_backup_to_another_folder(folder, tmp_path_factory):
    usb = tmp_path_factory.mktemp("usb")
    made = station(folder, "backup", "--out", str(usb))
    assert made.returncode == 0, made.stderr
    assert len(list(usb.glob("station-*-manual.db"))) == 1
    assert len(list(usb.glob("*.manifest.json"))) == 1


def test_a_damaged_backup_is_refused_with_a_message(folder):
    station(folder, "backup")
    backup = next(path for path in backups(folder) if "manual" in path.name)
    data = bytearray(backup.read_bytes())
    data[len(data) // 3] ^= 0xFF
    backup.write_bytes(bytes(data))
    refused = station(folder, "restore", str(backup), "--yes")
    assert refused.returncode == 1 and "校验和与清单不符" in refused.stderr
