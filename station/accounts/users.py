"""User accounts: create, list, disable, passwords and grids (login is in station.accounts.login)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import nullcontext

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Community, Grid, LoginFailure, User, UserGrid
from station import audit
from station.accounts import unlock_failures
from station.accounts.passwords import check_password_strength, hash_password, verify_password
from station.accounts.records import UserRecord
from station.actor import Actor
from station.db import Database
from station.errors import AuthError, NotFound, PermissionDenied, ValidationError
from station.messages import Term
from station.permissions import GRID_SCOPED_ROLES, ROLES, STREET_ROLES, require
from station.phone import parse_phone
from station.scope import check_visible, community_clause
from station.text_rules import text_for
from station.uow import UnitOfWork
from station.vault import new_recovery, no_slot, password_slot, slots_changed

USERNAME = re.compile(r"[a-z0-9._-]{3,32}")


# --- accounts -------------------------------------------------------------------------------


def add_user(
    uow: UnitOfWork,
    username: str,
    display_name: str,
    role: str,
    password: str,
    *,
    community_id: int | None = None,
    grid_ids: Iterable[int] = (),
    phone: str = "",
) -> UserRecord:
    """Create an account in the actor's community (street accounts only by a street-wide admin)."""
    require(uow.actor, "users.manage")
    if role not in ROLES:
        raise ValidationError("accounts.unknown_role", role=role, field="role")
    community_id = _community_for(uow, role, community_id)
    return _insert_user(uow, username, display_name, role, password, community_id, grid_ids, phone)


def list_users(uow: UnitOfWork) -> list[UserRecord]:
    """Accounts of the actor's community (every account for street-wide actors)."""
    user_rows = list(
        uow.session.scalars(
            select(User)
            .where(community_clause(uow.actor, User.community_id))
            .order_by(User.username)
        )
    )
    grids = _grids_by_user(uow.session, [user.id for user in user_rows])
    return [user_record(user, grids.get(user.id, ())) for user in user_rows]


def get_user(uow: UnitOfWork, username: str) -> UserRecord:
    user = _visible_user(uow, username)
    return user_record(user, grid_ids_of(uow.session, user.id))


def disable_user(uow: UnitOfWork, username: str, disabled: bool = True) -> UserRecord:
    """Disable (or with disabled=False re-enable) an account; nobody can disable themselves."""
    require(uow.actor, "users.manage")
    user = _visible_user(uow, username)
    if disabled and user.id == uow.actor.user_id:
        raise ValidationError("accounts.disable_self", field="disabled")
    if user.disabled != disabled:
        audit.record(uow, "update", "user", user.id, old={"disabled": user.disabled},
                     new={"disabled": disabled}, community_id=user.community_id)
        user.disabled = disabled
        # A disabled account opens nothing; re-enabled, it opens again after a password reset.
        with slots_changed(uow.database.vault, no_slot(user.username)) if disabled else nullcontext():
            uow.commit()
    return user_record(user, grid_ids_of(uow.session, user.id))


def set_grids(uow: UnitOfWork, username: str, grid_ids: Iterable[int]) -> UserRecord:
    """Replace the grids an account looks after (a grid worker's data scope)."""
    require(uow.actor, "users.manage")
    user = _visible_user(uow, username)
    new_ids = _valid_grids(uow.session, user.role, user.community_id, grid_ids)
    old_ids = grid_ids_of(uow.session, user.id)
    if new_ids != old_ids:
        uow.session.execute(delete(UserGrid).where(UserGrid.user_id == user.id))
        uow.session.add_all(UserGrid(user_id=user.id, grid_id=grid_id) for grid_id in new_ids)
        audit.record(uow, "update", "user", user.id, old={"grid_ids": old_ids},
                     new={"grid_ids": new_ids}, community_id=user.community_id)
        uow.commit()
    return user_record(user, new_ids)


def has_users(source: Database | UnitOfWork) -> bool:
    """True once any account exists (the TUI shows its first-run screen until then)."""
    if isinstance(source, UnitOfWork):
        return _any_user(source.session)
    with source.session() as session:
        return _any_user(session)


def create_first_admin(
    uow: UnitOfWork, username: str, display_name: str, password: str, community_id: int
) -> UserRecord:
    """Create the first administrator; refused once any account exists."""
    if _any_user(uow.session):
        raise PermissionDenied("accounts.already_set_up")
    return _insert_user(uow, username, display_name, "admin", password, community_id, (), "")


def actor_for_user(uow: UnitOfWork, user_id: int) -> Actor:
    """The actor an account works as (its role, community and, for grid workers, its grids)."""
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("accounts.user_not_found", field="username")
    if user.disabled:
        raise AuthError("accounts.account_disabled")
    return actor_from_user(user, grid_ids_of(uow.session, user.id))


def load_worker(uow: UnitOfWork, user_id: int, community_id: int, *, field: str = "worker_id") -> User:
    """An enabled account of the community (or a street-level one) to give work to."""
    user = uow.session.get(User, user_id)
    if user is None or user.disabled or user.community_id not in (None, community_id):
        raise ValidationError("accounts.worker_not_found", field=field)
    return user


# --- passwords ------------------------------------------------------------------------------


def set_password(uow: UnitOfWork, username: str, new_password: str) -> UserRecord:
    """An administrator's reset: sets a new password and lifts any lock-out."""
    require(uow.actor, "users.manage")
    user = _visible_user(uow, username)
    check_password_strength(new_password, user.username)
    _store_password(uow, user, new_password, detail="管理员重置密码")
    with slots_changed(uow.database.vault, password_slot(user.username, new_password)):
        uow.commit()
    return user_record(user, grid_ids_of(uow.session, user.id))


def change_own_password(uow: UnitOfWork, old_password: str, new_password: str) -> None:
    """The logged-in user changes their own password, proving they know the old one."""
    user_id = uow.actor.user_id
    user = uow.session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise PermissionDenied("accounts.not_logged_in")
    if not verify_password(user.password_hash, old_password):
        raise ValidationError("accounts.old_password_wrong", field="old_password")
    if new_password == old_password:
        raise ValidationError("accounts.password_unchanged", field="password")
    check_password_strength(new_password, user.username)
    _store_password(uow, user, new_password, detail="修改本人密码")
    with slots_changed(uow.database.vault, password_slot(user.username, new_password)):
        uow.commit()


def replace_recovery_key(uow: UnitOfWork) -> str:
    """A new recovery key for an encrypted station (the old sheet opens nothing from now on);
    returned once to be printed, audited without it."""
    require(uow.actor, "users.manage")
    vault = uow.database.vault
    if vault is None:
        raise ValidationError("keys.not_encrypted", field="database")
    key = new_recovery(vault)
    audit.record(uow, "new_recovery_key", "database", None, detail="更换恢复密钥,旧恢复密钥单作废")
    uow.commit()
    return key


# --- helpers --------------------------------------------------------------------------------


def _insert_user(
    uow: UnitOfWork, username: str, display_name: str, role: str, password: str,
    community_id: int | None, grid_ids: Iterable[int], phone: str,
) -> UserRecord:
    name = _valid_username(uow.session, username)
    display_name = _valid_display_name(display_name)
    if community_id is not None and uow.session.get(Community, community_id) is None:
        raise NotFound("accounts.community_not_found", field="community")
    grid_tuple = _valid_grids(uow.session, role, community_id, grid_ids)
    check_password_strength(password, name)
    user = User(username=name, display_name=display_name, role=role, community_id=community_id,
                phone=parse_phone(phone), password_hash=hash_password(password), disabled=False,
                created_at=uow.now())
    uow.session.add(user)
    uow.flush()
    uow.session.add_all(UserGrid(user_id=user.id, grid_id=grid_id) for grid_id in grid_tuple)
    audit.record(uow, "create", "user", user.id, new={**audit.snapshot(user), "grid_ids": grid_tuple},
                 community_id=community_id)
    with slots_changed(uow.database.vault, password_slot(name, password)):
        uow.commit()
    return user_record(user, grid_tuple)


def _community_for(uow: UnitOfWork, role: str, community_id: int | None) -> int | None:
    """The community a new account belongs to, within what the acting admin may manage."""
    actor = uow.actor
    if role in STREET_ROLES:
        if actor.community_id is not None:
            raise PermissionDenied("accounts.street_admins_only")
        if community_id is not None:
            raise ValidationError("accounts.street_account_community", field="community")
        return None
    community_id = community_id if community_id is not None else actor.community_id
    if community_id is None:
        raise ValidationError("accounts.community_missing", field="community")
    check_visible(actor, community_id, None, Term("things.community"))
    return community_id


def _valid_username(session: Session, username: str) -> str:
    name = text_for("users.username", normalise_username(username))
    if not USERNAME.fullmatch(name):
        raise ValidationError("accounts.bad_username", field="username")
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise ValidationError("accounts.username_taken", field="username")
    return name


def _valid_display_name(display_name: str) -> str:
    display_name = text_for("users.display_name", display_name)
    if not display_name:
        raise ValidationError("accounts.display_name_missing", field="display_name")
    return display_name


def _valid_grids(
    session: Session, role: str, community_id: int | None, grid_ids: Iterable[int]
) -> tuple[int, ...]:
    wanted = tuple(sorted(set(grid_ids)))
    if role in GRID_SCOPED_ROLES and not wanted:
        raise ValidationError("accounts.grid_worker_needs_grid", field="grids")
    if not wanted:
        return wanted
    if community_id is None:
        raise ValidationError("accounts.street_account_grids", field="grids")
    found = set(session.scalars(
        select(Grid.id).where(Grid.id.in_(wanted), Grid.community_id == community_id)
    ))
    if found != set(wanted):
        raise ValidationError("accounts.grids_not_in_community", field="grids")
    return wanted


def _visible_user(uow: UnitOfWork, username: str) -> User:
    user = uow.session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise NotFound("accounts.user_not_found", field="username")
    check_visible(uow.actor, user.community_id, None, Term("things.user"))
    return user


def _store_password(uow: UnitOfWork, user: User, password: str, detail: str) -> None:
    user.password_hash = hash_password(password)
    user.locked_until = None
    uow.session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    if uow.database.vault is not None:  # a lock held beside an encrypted database goes too
        unlock_failures.clear(unlock_failures.ledger_of(uow.database.vault), user.username, uow.now())
    audit.record(uow, "password", "user", user.id, detail=detail, community_id=user.community_id)


def normalise_username(username: str) -> str:
    # Case-insensitive names: "Zhang" and "zhang" would be the same person at the counter.
    return username.strip().lower()


def _any_user(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def grid_ids_of(session: Session, user_id: int) -> tuple[int, ...]:
    return tuple(session.scalars(
        select(UserGrid.grid_id).where(UserGrid.user_id == user_id).order_by(UserGrid.grid_id)
    ))


def _grids_by_user(session: Session, user_ids: list[int]) -> dict[int, tuple[int, ...]]:
    rows = session.execute(
        select(UserGrid.user_id, UserGrid.grid_id)
        .where(UserGrid.user_id.in_(user_ids))
        .order_by(UserGrid.grid_id)
    )
    grids: dict[int, list[int]] = {}
    for user_id, grid_id in rows:
        grids.setdefault(user_id, []).append(grid_id)
    return {user_id: tuple(ids) for user_id, ids in grids.items()}


def actor_from_user(user: User, grid_ids: tuple[int, ...]) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        community_id=None if user.role in STREET_ROLES else user.community_id,
        grid_ids=frozenset(grid_ids) if user.role in GRID_SCOPED_ROLES else None,
    )


def user_record(user: User, grid_ids: tuple[int, ...]) -> UserRecord:
    return UserRecord(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        role_name=ROLES.get(user.role, user.role), community_id=user.community_id,
        grid_ids=grid_ids, phone=user.phone, disabled=user.disabled,
        locked_until=user.locked_until, version=user.version,
    )
