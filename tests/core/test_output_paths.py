"""Every file the CLI writes refuses the database, backups, folders, devices and existing files.

The attacks from the hardening review, run as an admin would type them: each must exit 1 with one
line naming the path, leave the database byte-identical, and leave the next command working.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from cli_station import new_station, station

from station.config import settings_from_dict
from station.output_files import check_output, free_name, output_file, write_output


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = new_station(tmp_path_factory.mktemp("outputs"), households=5)
    made = station(folder, "backup")
    assert made.returncode == 0, made.stderr
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def a_backup(folder: Path) -> Path:
    return next((folder / "data" / "backups").glob("station-*.db"))


def refused(folder: Path, *args: str, says: str) -> None:
    database = folder / "data" / "station.db"
    before = digest(database)
    result = station(folder, *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr
    assert digest(database) == before
    assert station(folder, "stats", "--json").returncode == 0


@pytest.mark.parametrize("args", [
    ("export", "persons", "data/station.db"),
    ("export", "persons", "data/station.db-wal"),
    ("report", "household", "H000001", "--pdf", "data/station.db"),
    ("report", "monthly", "--month", "2026-10", "--xlsx", "data/station.db-shm"),
    ("template", "station.toml", "--force"),
], ids=["export-db", "export-wal", "pdf-db", "monthly-shm", "template-config"])
def test_the_database_and_config_are_never_an_output(folder, args):
    refused(folder, *args, says="不能作为输出文件")


def test_a_backup_and_its_manifest_are_never_an_output(folder):
    backup = a_backup(folder)
    backup_digest = digest(backup)
    refused(folder, "export", "visits", str(backup), "--force", says="备份目录")
    refused(folder, "export", "visits", f"{backup}.manifest.json", says="备份目录")
    assert digest(backup) == backup_digest


def test_import_errors_workbook_cannot_replace_the_database(folder, tmp_path):
    ledger = tmp_path / "x.xlsx"
    assert station(folder, "template", str(ledger)).returncode == 0
    refused(folder, "import", str(ledger), "--errors", "data/station.db", says="不能作为输出文件")


def test_a_symbolic_link_to_the_database_is_refused(folder):
    link = folder / "innocent.xlsx"
    link.symlink_to(folder / "data" / "station.db")
    refused(folder, "export", "persons", str(link), "--force", says="符号链接")
    assert link.is_symlink()


def test_folders_devices_and_missing_folders(folder):
    refused(folder, "export", "persons", "data", says="是一个目录")
    refused(folder, "export", "persons", "nowhere/persons.xlsx", says="不存在")
    if Path("/dev/full").exists():
        refused(folder, "export", "persons", "/dev/full", "--force", says="不是普通文件")
        assert not Path("/dev/full").is_file()  # the device node is still a device


def test_an_existing_file_needs_force(folder):
    target = folder / "mine.xlsx"
    target.write_bytes(b"not the app's")
    refused(folder, "export", "persons", str(target), says="--force")
    assert target.read_bytes() == b"not the app's"
    forced = station(folder, "export", "persons", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_bytes()[:2] == b"PK"
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]


def test_printing_twice_keeps_both_files(folder):
    first = station(folder, "report", "household", "H000001")
    second = station(folder, "report", "household", "H000001")
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    printed = sorted(p.name for p in (folder / "data" / "reports").glob("household-H000001*.pdf"))
    assert printed == ["household-H000001-2.pdf", "household-H000001.pdf"]


def settings_in(folder: Path):
    return settings_from_dict({"database": {"url": "sqlite:///data/station.db"}}, source=str(folder / "station.toml"),
                              base_dir=folder)


def test_a_hard_link_to_the_database_is_refused(tmp_path):
    (tmp_path / "data").mkdir()
    database = tmp_path / "data" / "station.db"
    database.write_bytes(b"live")
    alias = tmp_path / "alias.pdf"
    os.link(database, alias)
    with pytest.raises(Exception, match="不能作为输出文件"):
        check_output(alias, settings_in(tmp_path), force=True)


def test_a_failed_write_leaves_neither_file_nor_partial(tmp_path):
    settings = settings_in(tmp_path)

    def half(partial: Path) -> None:
        partial.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_output(tmp_path / "out.xlsx", settings, half)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_outputs_are_owner_only_and_free_names_count_up(tmp_path):
    settings = settings_in(tmp_path)
    with output_file(tmp_path / "a.pdf", settings) as partial:
        partial.write_bytes(b"%PDF")
    assert (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o600
    assert free_name(tmp_path, "a.pdf") == tmp_path / "a-2.pdf"
