"""Database passwords: a real keyring backend when there is one, the environment otherwise."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from station import secrets
from station.errors import ConfigError


class MemoryKeyring(KeyringBackend):
    """A working in-process backend standing in for the OS keyring (Secret Service, Windows)."""

    priority = 5

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture
def restore_keyring():
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_working_keyring_is_used_first(restore_keyring, monkeypatch):
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv(secrets.ENV_VAR, "from-env")
    secrets.store_database_password("station@db", "from-keyring")
    password, source = secrets.database_password("station@db")
    assert (password, source.kind) == ("from-keyring", "keyring")
    assert backend.store[("station", "station@db")] == "from-keyring"


def test_missing_entry_falls_back_to_environment(restore_keyring, monkeypatch):
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setenv(secrets.ENV_VAR, "from-env")
    password, source = secrets.database_password("other@db")
    assert (password, source.kind) == ("from-env", "environment")


@pytest.mark.parametrize("backend", [fail.Keyring(), PlaintextKeyring()])
def test_failing_or_plaintext_backends_are_not_a_keyring(restore_keyring, monkeypatch, backend, tmp_path):
    if isinstance(backend, PlaintextKeyring):
        backend.file_path = str(tmp_path / "keyring.cfg")
    keyring.set_keyring(backend)
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    assert secrets.keyring_backend().kind == "none"
    with pytest.raises(ConfigError, match=secrets.ENV_VAR):
        secrets.store_database_password("station@db", "secret")
    assert secrets.database_password("station@db") == (None, secrets.keyring_backend())
    monkeypatch.setenv(secrets.ENV_VAR, "env-secret")
    assert secrets.database_password("station@db")[0] == "env-secret"


def test_postgres_url_gets_password_from_store_and_sqlite_path_is_resolved(restore_keyring, monkeypatch, tmp_path):
    from dataclasses import replace

    from station.db import database_url
    from station.settings import DatabaseSettings, Settings

    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv(secrets.ENV_VAR, "pg-secret")
    settings = replace(Settings(), database=DatabaseSettings("postgresql://station@db.local/street"),
                       base_dir=tmp_path)
    url, source = database_url(settings)
    assert url.password == "pg-secret" and url.drivername == "postgresql+psycopg"
    assert source.kind == "environment"
    sqlite_url, none = database_url(replace(settings, database=DatabaseSettings()))
    assert sqlite_url.database == str(tmp_path / "data/station.db") and none is None
