"""`station init --encrypt` and `station recovery-key` with --sheet PATH and --print, through the real
CLI: the sheet goes where it is sent, the key stays on the terminal, and the station's folder
holds no file with the key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cli_station import ADMIN, ADMIN_PASSWORD, station, write_config
from reports_support import pdf_text, squeeze
from sheet_support import fake_lp, files_holding, path_with

from station.errors import AuthError
from station.vault import open_vault_with_recovery


def init_encrypted(folder: Path, *options: str):
    return station(folder, "init", "--admin", ADMIN, "--name", "管理员", "--encrypt", "--password-stdin", *options,
                   stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n", as_user=None)


def with_path(monkeypatch, folder: Path, *, alone: bool = False) -> None:
    """The CLI's children find `folder`'s programs first (or only them): cli_station passes os.environ on."""
    monkeypatch.setenv("PATH", str(folder) if alone else path_with(folder))


def shown_key(stdout: str) -> str:
    return stdout.split("恢复密钥:")[1].split()[0]


@pytest.fixture
def places(tmp_path) -> tuple[Path, Path]:
    """A station folder with its station.toml, and a USB stick beside it."""
    folder, usb = tmp_path / "station", tmp_path / "usb"
    folder.mkdir()
    usb.mkdir()
    write_config(folder)
    return folder, usb


def test_init_writes_the_sheet_to_the_stick_and_nothing_with_the_key_in_the_station(places):
    folder, usb = places
    made = init_encrypted(folder, "--sheet", str(usb / "sheet.pdf"))
    assert made.returncode == 0, made.stderr
    key = shown_key(made.stdout)  # the key is still shown on the terminal
    sheet = usb / "sheet.pdf"
    assert "恢复密钥单已写入" in made.stdout and stat.S_IMODE(sheet.stat().st_mode) == 0o600
    assert key.replace("-", "") in squeeze(pdf_text(sheet))
    assert open_vault_with_recovery(folder / "data" / "station.db", key).data_key
    assert files_holding(folder, key) == []
    rows = station(folder, "audit", "list", "--action", "print").stdout
    assert "恢复密钥单" in rows and key.split("-")[0] not in rows


def test_init_refuses_a_sheet_it_cannot_write_before_making_anything(places):
    folder, usb = places
    (usb / "sheet.pdf").write_bytes(b"kept")
    for target in (usb / "sheet.pdf", folder / "data" / "sheet.pdf"):
        (folder / "data").mkdir(exist_ok=True)
        refused = init_encrypted(folder, "--sheet", str(target))
        assert refused.returncode == 1, refused.stdout
        assert not (folder / "data" / "station.db").exists()  # no station without its sheet
    assert (usb / "sheet.pdf").read_bytes() == b"kept"
    plain = station(folder, "init", "--admin", ADMIN, "--name", "管理员", "--password-stdin", "--sheet",
                str(usb / "other.pdf"), stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n", as_user=None)
    assert plain.returncode == 1 and "--encrypt" in plain.stderr


def test_recovery_key_prints_the_new_sheet_through_lp_and_voids_the_old_key(places, tmp_path, monkeypatch):
    folder, _usb = places
    old_key = shown_key(init_encrypted(folder).stdout)
    printed = fake_lp(tmp_path / "printer")
    with_path(monkeypatch, tmp_path / "printer")
    renewed = station(folder, "recovery-key", "--print")
    assert renewed.returncode == 0, renewed.stderr
    new_key = shown_key(renewed.stdout)
    assert "恢复密钥单已送打印机" in renewed.stdout and "Fake-7" in renewed.stdout
    assert new_key.replace("-", "") in squeeze(pdf_text(printed))
    database = folder / "data" / "station.db"
    assert open_vault_with_recovery(database, new_key).data_key
    with pytest.raises(AuthError):
        open_vault_with_recovery(database, old_key)
    assert files_holding(folder, new_key) == []


def test_recovery_key_refuses_a_bad_sheet_or_no_printer_before_voiding_the_key(places, tmp_path, monkeypatch):
    folder, usb = places
    key = shown_key(init_encrypted(folder).stdout)
    (usb / "sheet.pdf").write_bytes(b"kept")
    (folder / "data" / "backups").mkdir(exist_ok=True)
    for target in (usb / "sheet.pdf", folder / "data" / "backups" / "sheet.pdf"):
        refused = station(folder, "recovery-key", "--sheet", str(target))
        assert refused.returncode == 1 and "恢复密钥:" not in refused.stdout, refused.stdout
    (tmp_path / "bare").mkdir()
    with_path(monkeypatch, tmp_path / "bare", alone=True)  # no lp anywhere
    refused = station(folder, "recovery-key", "--print")
    assert refused.returncode == 1 and "恢复密钥:" not in refused.stdout
    assert "lp" in refused.stderr and "--sheet" in refused.stderr
    assert open_vault_with_recovery(folder / "data" / "station.db", key).data_key  # still the valid one
    assert (usb / "sheet.pdf").read_bytes() == b"kept"


def test_a_printer_failing_after_the_key_is_made_says_the_key_shown_holds(places, tmp_path, monkeypatch):
    folder, _usb = places
    init_encrypted(folder)
    fake_lp(tmp_path / "printer", fails=True)
    with_path(monkeypatch, tmp_path / "printer")
    renewed = station(folder, "recovery-key", "--print")
    assert renewed.returncode == 1
    key = shown_key(renewed.stdout)
    assert "仍然有效" in renewed.stderr and "does not exist" in renewed.stderr
    assert open_vault_with_recovery(folder / "data" / "station.db", key).data_key
