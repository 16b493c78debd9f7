"""An encrypted station's key slots follow its accounts: a new user, a reset, a change of one's own
password and a disabled account each leave exactly the slots that should open the database."""

from __future__ import annotations

import hashlib

import pytest

from station.accounts import users
from station.actor import SYSTEM, Actor
from station.db import Database, make_engine
from station.errors import AuthError, ValidationError
from station.migrate import upgrade
from station.places.directory import ensure_community
from station.uow import UnitOfWork
from station.vault import (
    create_vault,
    new_recovery,
    open_vault,
    open_vault_with_recovery,
    password_slot,
    slots_changed,
    slots_path_for,
)

ADMIN_PASSWORD, CLERK_PASSWORD = "Counter-2026", "Window-Desk-7"


@pytest.fixture
def station(tmp_path, settings):
    """An encrypted database with its first administrator; returns (db, file, recovery key)."""
    path = tmp_path / "station.db"
    vault, recovery = create_vault(path, "admin", ADMIN_PASSWORD)
    db = Database(make_engine(f"sqlite:///{path}", data_key=vault.data_key), settings, vault=vault)
    upgrade(db.engine)
    with UnitOfWork(db, SYSTEM) as uow:
        community_id = ensure_community(uow, settings).id
        uow.commit()
    with UnitOfWork(db, SYSTEM) as uow:
        users.create_first_admin(uow, "admin", "王管理", ADMIN_PASSWORD, community_id)
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        users.add_user(uow, "clerk", "李窗口", "clerk", CLERK_PASSWORD)
    yield db, path, recovery
    db.dispose()


def admin_of(db: Database) -> Actor:
    with UnitOfWork(db, SYSTEM) as uow:
        return users.actor_for_user(uow, users.get_user(uow, "admin").id)


def opens(path, username: str, password: str) -> bool:
    try:
        open_vault(path, username, password)
    except AuthError:
        return False
    return True


def test_a_new_user_opens_the_same_key(station):
    db, path, _recovery = station
    assert open_vault(path, "clerk", CLERK_PASSWORD).data_key == db.vault.data_key
    assert open_vault(path, "admin", ADMIN_PASSWORD).data_key == db.vault.data_key


def test_a_reset_and_a_change_of_ones_own_password_move_the_slot(station):
    db, path, _recovery = station
    with UnitOfWork(db, admin_of(db)) as uow:
        users.set_password(uow, "clerk", "Reset-By-Admin-1")
    assert not opens(path, "clerk", CLERK_PASSWORD) and opens(path, "clerk", "Reset-By-Admin-1")
    with UnitOfWork(db, SYSTEM) as uow:
        clerk = users.actor_for_user(uow, users.get_user(uow, "clerk").id)
    with UnitOfWork(db, clerk) as uow:
        users.change_own_password(uow, "Reset-By-Admin-1", "My-Own-Choice-2")
    assert not opens(path, "clerk", "Reset-By-Admin-1") and opens(path, "clerk", "My-Own-Choice-2")


def test_a_disabled_account_opens_nothing_until_its_password_is_reset(station):
    db, path, _recovery = station
    with UnitOfWork(db, admin_of(db)) as uow:
        users.disable_user(uow, "clerk")
    assert not opens(path, "clerk", CLERK_PASSWORD)
    with UnitOfWork(db, admin_of(db)) as uow:
        users.disable_user(uow, "clerk", disabled=False)
    assert not opens(path, "clerk", CLERK_PASSWORD)
    with UnitOfWork(db, admin_of(db)) as uow:
        users.set_password(uow, "clerk", "Back-Again-33")
    assert opens(path, "clerk", "Back-Again-33") and opens(path, "admin", ADMIN_PASSWORD)


def test_a_refused_account_change_leaves_the_slots_as_they_were(station):
    db, path, _recovery = station
    slots = slots_path_for(path)
    before = hashlib.sha256(slots.read_bytes()).hexdigest()
    with UnitOfWork(db, admin_of(db)) as uow, pytest.raises(ValidationError):
        users.add_user(uow, "clerk", "重名", "clerk", "Another-Pass-44")  # the name is taken
    with pytest.raises(RuntimeError), slots_changed(db.vault, password_slot("ghost", "Ghost-Pass-55")):
        raise RuntimeError("the database commit failed")
    assert hashlib.sha256(slots.read_bytes()).hexdigest() == before
    assert not opens(path, "ghost", "Ghost-Pass-55")


def test_the_recovery_key_opens_and_a_new_one_retires_it(station):
    db, path, recovery = station
    assert open_vault_with_recovery(path, recovery).data_key == db.vault.data_key
    fresh = new_recovery(db.vault)
    assert open_vault_with_recovery(path, fresh).data_key == db.vault.data_key
    with pytest.raises(AuthError):
        open_vault_with_recovery(path, recovery)


def test_a_station_is_set_up_once(station):
    _db, path, _recovery = station
    with pytest.raises(ValidationError) as refused:
        create_vault(path, "admin", ADMIN_PASSWORD)
    assert refused.value.code == "keys.already_exist"


def test_a_plaintext_station_writes_no_slots(db, admin, tmp_path):
    with UnitOfWork(db, admin) as uow:
        users.add_user(uow, "clerk", "李窗口", "clerk", CLERK_PASSWORD)
    assert not list(tmp_path.rglob("*.keys"))
