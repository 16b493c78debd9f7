"""The recovery sheet (恢复密钥单): made in memory, written only where the administrator names a new
file outside the station's folders, or piped to a real `lp` process, and audited without the key."""

from __future__ import annotations

import stat
from dataclasses import replace

import pytest
from cli_station import write_config
from reports_support import pdf_text, squeeze
from sheet_support import audit_rows, fake_lp, files_holding, path_with
from tui_support import PASSWORD

from reports.printer import PrintError
from reports.recovery_sheets import deliver_sheet
from station.accounts.users import actor_for_user, get_user
from station.actor import SYSTEM
from station.bootstrap import create_encrypted_station
from station.config import load_settings
from station.errors import PermissionDenied, ValidationError
from station.printing.recovery_sheet import check_sheet_target
from station.uow import UnitOfWork


@pytest.fixture
def station(tmp_path):
    """An encrypted station in tmp_path/station (data/station.db), its administrator, its recovery
    key, and an empty "USB stick" beside it."""
    folder = tmp_path / "station"
    folder.mkdir()
    settings = load_settings(write_config(folder))
    db, admin, recovery_key = create_encrypted_station(settings, "admin", "王管理", PASSWORD)
    (tmp_path / "usb").mkdir()
    yield db, recovery_key, tmp_path / "usb"
    db.dispose()


def as_admin(db) -> UnitOfWork:
    with UnitOfWork(db, SYSTEM) as uow:
        actor = actor_for_user(uow, get_user(uow, "admin").id)
    return UnitOfWork(db, actor)


def test_the_sheet_holds_the_key_in_its_groups_and_says_which_station(station):
    db, recovery_key, usb = station
    with as_admin(db) as uow:
        delivery = deliver_sheet(uow, recovery_key, out=usb / "sheet.pdf")
    assert delivery.file == usb / "sheet.pdf" and delivery.printed == ""
    text = pdf_text(delivery.file)
    assert recovery_key.replace("-", "") in squeeze(text)  # every group, in order
    for group in recovery_key.split("-"):
        assert group in text
    database = str(db.settings.resolve("data/station.db"))
    for words in ("恢复密钥单", "测试社区", "测试站", "admin", "station recovery-key", "保管人(签字)"):
        assert words in text
    assert database in squeeze(text)
    assert "王管理" not in text  # who made it is said by user name, and no resident is on it


def test_the_sheet_speaks_english_when_the_station_does(station):
    db, recovery_key, usb = station
    db.settings = replace(db.settings, station=replace(db.settings.station, language="en"))
    with as_admin(db) as uow:
        delivery = deliver_sheet(uow, recovery_key, out=usb / "sheet-en.pdf")
    text = pdf_text(delivery.file)
    assert "Recovery sheet" in text and "What it opens" in text and "恢复密钥单" not in text
    assert recovery_key.replace("-", "") in squeeze(text)


def test_the_written_sheet_is_the_owners_alone_and_audited_without_the_key(station):
    db, recovery_key, usb = station
    with as_admin(db) as uow:
        deliver_sheet(uow, recovery_key, out=usb / "sheet.pdf")
    assert stat.S_IMODE((usb / "sheet.pdf").stat().st_mode) == 0o600
    rows = audit_rows(db, "print")
    assert rows == [("admin", "database", f"恢复密钥单:写入 {usb / 'sheet.pdf'}")]
    assert all(group not in str(rows) for group in recovery_key.split("-"))


def test_a_sheet_never_replaces_a_file(station):
    db, recovery_key, usb = station
    existing = usb / "notes.pdf"
    existing.write_bytes(b"the director's own file")
    with as_admin(db) as uow, pytest.raises(ValidationError) as refused:
        deliver_sheet(uow, recovery_key, out=existing)
    assert refused.value.code == "output.sheet_exists"
    assert existing.read_bytes() == b"the director's own file"
    (usb / "link.pdf").symlink_to(usb / "nowhere.pdf")
    with pytest.raises(ValidationError):
        check_sheet_target(usb / "link.pdf", db.settings)
    assert not (usb / "nowhere.pdf").exists()
    assert audit_rows(db, "print") == []


@pytest.mark.parametrize("inside", ["data/sheet.pdf", "data/backups/sheet.pdf", "data/reports/sheet.pdf",
                                    "data/station.db.keys"])
def test_a_sheet_never_lies_in_the_stations_folders(station, inside):
    db, recovery_key, _usb = station
    target = db.settings.resolve(inside)
    target.parent.mkdir(parents=True, exist_ok=True)
    before = sorted(target.parent.iterdir())
    with as_admin(db) as uow, pytest.raises(ValidationError) as refused:
        deliver_sheet(uow, recovery_key, out=target)
    assert refused.value.code in ("output.sheet_in_station", "output.in_backups", "output.sheet_exists")
    assert sorted(target.parent.iterdir()) == before


def test_printing_pipes_the_sheet_to_lp_and_leaves_no_file(station, tmp_path, monkeypatch):
    db, recovery_key, _usb = station
    printed = fake_lp(tmp_path / "printer")
    monkeypatch.setenv("PATH", path_with(tmp_path / "printer"))
    station_folder = db.settings.resolve(".")
    before = {path for path in station_folder.rglob("*")}
    with as_admin(db) as uow:
        delivery = deliver_sheet(uow, recovery_key, send=True)
    assert delivery.file is None and "Fake-7" in delivery.printed
    assert printed.read_bytes().startswith(b"%PDF")
    assert recovery_key.replace("-", "") in squeeze(pdf_text(printed))
    assert files_holding(station_folder, recovery_key) == []
    new_files = {path for path in station_folder.rglob("*")} - before
    assert all(path.name.startswith("station.db") for path in new_files)  # -wal/-shm at most
    assert audit_rows(db, "print") == [("admin", "database", f"恢复密钥单:已送打印机 {delivery.printed}")]


def test_without_lp_the_sheet_is_not_printed_and_it_says_so(station, tmp_path, monkeypatch):
    db, recovery_key, _usb = station
    (tmp_path / "bare").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bare"))
    with as_admin(db) as uow, pytest.raises(PrintError) as refused:
        deliver_sheet(uow, recovery_key, send=True)
    assert refused.value.code == "printing.no_lp_stdin"
    assert "恢复密钥单未打印" in refused.value.message
    assert audit_rows(db, "print") == []


def test_a_printer_that_refuses_the_job_is_reported_and_the_written_file_is_audited(station, tmp_path,
                                                                                      monkeypatch):
    db, recovery_key, usb = station
    fake_lp(tmp_path / "printer", fails=True)
    monkeypatch.setenv("PATH", path_with(tmp_path / "printer"))
    with as_admin(db) as uow, pytest.raises(PrintError) as refused:
        deliver_sheet(uow, recovery_key, out=usb / "sheet.pdf", send=True)
    assert refused.value.code == "printing.lp_failed_stdin" and "does not exist" in refused.value.message
    assert (usb / "sheet.pdf").exists()
    assert audit_rows(db, "print") == [("admin", "database", f"恢复密钥单:写入 {usb / 'sheet.pdf'}")]


def test_only_an_administrator_makes_a_sheet(station):
    db, recovery_key, usb = station
    with as_admin(db) as uow:
        clerk = replace(uow.actor, role="clerk")
    with UnitOfWork(db, clerk) as uow, pytest.raises(PermissionDenied):
        deliver_sheet(uow, recovery_key, out=usb / "sheet.pdf")
    assert not (usb / "sheet.pdf").exists()
