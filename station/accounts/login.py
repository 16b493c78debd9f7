"""Login and the idle lock screen's password check, with lock-out after repeated failures."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NoReturn

from argon2.low_level import Type, hash_secret_raw
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Community, LoginFailure, User
from station import audit
from station.accounts import unlock_failures
from station.accounts.lockout import (
    FAILURE_WINDOW,
    LOCK_AFTER_FAILURES,
    LOCK_DURATION,
    locked_error,
)
from station.accounts.passwords import hash_password, needs_rehash, verify_password
from station.accounts.records import LoginResult
from station.accounts.users import actor_from_user, grid_ids_of, normalise_username, user_record
from station.actor import Actor
from station.errors import AuthError
from station.permissions import STREET_ROLES
from station.uow import UnitOfWork

# One message for unknown users and wrong passwords, so the login form does not reveal accounts.
# What the audit log records as the name of an attempt with a name no account has: what was
# typed may well be the password, typed into the wrong field.
UNKNOWN_USERNAME = "(未知用户名)"
# Where a login came from, as the audit log's detail says it (the log is kept in Chinese).
COUNTER, COMMAND_LINE = "登录", "命令行"


def login(uow: UnitOfWork, username: str, password: str, *, via: str = COUNTER) -> LoginResult:
    """Check a password and return the actor; refusals are audited and committed before raising.

    `via` says where in the audit log (the counter's login form, or the command line)."""
    user = _attempt(uow, username, password, via=via)
    grid_ids = grid_ids_of(uow.session, user.id)
    return LoginResult(user_record(user, grid_ids), actor_from_user(user, grid_ids))


def quiet_login(uow: UnitOfWork, username: str, password: str, *, via: str) -> Actor:
    """A login that writes nothing when it simply succeeds: the command line's, where each
    command logs in again and what it does is audited under the user's name (a refused export
    or restore leaves the database byte for byte as it was). Anything with something to write
    goes through `login`: a refusal (counted and audited), failures to clear, a hash to renew."""
    user = uow.session.scalar(select(User).where(User.username == normalise_username(username)[:64]))
    if (user is not None and _nothing_to_write(uow.session, user, password, uow.now())
            and _other_community(uow, user) is None):
        return actor_from_user(user, grid_ids_of(uow.session, user.id))
    return login(uow, username, password, via=via).actor


def _nothing_to_write(session: Session, user: User, password: str, now: datetime) -> bool:
    """True when the password is right and the account is in good standing, nothing pending."""
    pending = session.scalar(select(LoginFailure.id).where(LoginFailure.username == user.username).limit(1))
    return (not user.disabled and user.locked_until is None and pending is None
            and verify_password(user.password_hash, password) and not needs_rehash(user.password_hash))


def verify_same_user(uow: UnitOfWork, user_id: int, password: str) -> bool:
    """The idle lock screen's check; failures count toward the lock-out like a login's."""
    user = uow.session.get(User, user_id)
    if user is None:
        return False
    try:
        _attempt(uow, user.username, password, via="锁屏解锁")
    except AuthError:
        return False
    return True


def _attempt(uow: UnitOfWork, username: str, password: str, via: str) -> User:
    typed = normalise_username(username)
    user = uow.session.scalar(select(User).where(User.username == typed[:64]))
    # Computed for every name, known or not, so the time taken does not tell which exist.
    unknown_key = unknown_name_key(typed)
    name = user.username if user is not None else unknown_key
    now = uow.now()
    lock_end = _lock_end(uow.session, name, user, now)
    if lock_end is not None:
        _lock_beside(uow, user, lock_end)
        _refuse(uow, user, "login_locked", locked_error(lock_end), f"{via}: 账户锁定中")
    # Unknown names still pay for a hash check, so response time does not reveal accounts.
    matches = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not matches:
        _fail(uow, name, user, now, via)
    if user.disabled:
        _refuse(uow, user, "login_failed", AuthError("accounts.account_disabled"), f"{via}: 账户已停用")
    if (elsewhere := _other_community(uow, user)) is not None:
        refusal = AuthError("accounts.other_community", community=elsewhere, station=uow.settings.station.community)
        _refuse(uow, user, "login_failed", refusal, f"{via}: 不是本社区的账户")
    _succeed(uow, user, password, via)
    return user


def _other_community(uow: UnitOfWork, user: User) -> str | None:
    """The name of the user's community when it is not this station's, else None. A community's
    accounts log in at its own stations only (they would see their own data under this
    station's name); street accounts log in anywhere."""
    if user.role in STREET_ROLES or user.community_id is None:
        return None
    here = uow.session.scalar(select(Community.id).where(Community.code == uow.settings.station.community_code))
    if here is None or here == user.community_id:
        return None
    return uow.session.scalar(select(Community.name).where(Community.id == user.community_id)) or ""


def _lock_end(session: Session, name: str, user: User | None, now: datetime) -> datetime | None:
    """When the account's lock-out ends, or None if it is not locked."""
    if user is not None:
        locked_until = user.locked_until
        return locked_until if locked_until is not None and locked_until > now else None
    # Unknown names lock exactly like real ones, or the lock message would reveal which exist.
    recent = _recent_failures(session, name, now)
    return max(recent) + LOCK_DURATION if len(recent) >= LOCK_AFTER_FAILURES else None


def _fail(uow: UnitOfWork, name: str, user: User | None, now: datetime, via: str) -> NoReturn:
    # Every name's stale failures go, so an unknown name's key does not linger past the window.
    uow.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - FAILURE_WINDOW))
    uow.session.add(LoginFailure(username=name, at=now))
    uow.flush()
    if len(_recent_failures(uow.session, name, now)) < LOCK_AFTER_FAILURES:
        _refuse(uow, user, "login_failed", AuthError("accounts.wrong_credentials"), _wrong(via, user))
    lock_end = now + LOCK_DURATION
    if user is not None:
        user.locked_until = lock_end
        _lock_beside(uow, user, lock_end)
    detail = f"{_wrong(via, user)},连续 {LOCK_AFTER_FAILURES} 次失败,锁定至 {lock_end:%H:%M:%S}"
    _refuse(uow, user, "login_failed", locked_error(lock_end), detail)


def _lock_beside(uow: UnitOfWork, user: User | None, lock_end: datetime) -> None:
    """On an encrypted station the next login meets the key slot before this database: the
    ledger beside it must hold the lock too, or a right password (which opens the slot and
    then meets the lock) would be told apart from a wrong one (refused at the slot)."""
    if user is not None and uow.database.vault is not None:
        unlock_failures.lock(unlock_failures.ledger_of(uow.database.vault), user.username, lock_end, uow.now())


def _refuse(uow: UnitOfWork, user: User | None, action: str, refusal: AuthError,
            detail: str) -> NoReturn:
    """Audit and commit the refused attempt (and its failure row), then raise."""
    audit.record(uow, action, "user", user.id if user else None, detail=detail,
                 actor=attempting_actor(user))
    uow.commit()
    raise refusal


def _succeed(uow: UnitOfWork, user: User, password: str, via: str) -> None:
    uow.session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    if user.locked_until is not None:
        user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(uow, "login", "user", user.id, detail=via, actor=attempting_actor(user))
    uow.commit()


def _recent_failures(session: Session, name: str, now: datetime) -> list[datetime]:
    return list(
        session.scalars(
            select(LoginFailure.at).where(
                LoginFailure.username == name, LoginFailure.at > now - FAILURE_WINDOW
            )
        )
    )


def _wrong(via: str, user: User | None) -> str:
    return f"{via}: 密码错误" if user is not None else f"{via}: 未知用户名"


def unknown_name_key(typed: str) -> str:
    """What login_failures keeps for a name no account has: a slow one-way digest of it.

    The same typed name gives the same key (unknown names lock out like real ones), but the
    table never holds what was typed, which may be a password.
    """
    digest = hash_secret_raw(typed.encode(), b"station-login-failure", time_cost=1,
                             memory_cost=8192, parallelism=1, hash_len=16, type=Type.ID)
    return "?" + digest.hex()


@cache
def _dummy_hash() -> str:
    return hash_password("no such user: this hash only burns time")


def attempting_actor(user: User | None) -> Actor:
    """Who the audit log names for an attempt: the account tried, or the unknown name."""
    if user is None:
        return Actor(user_id=None, username=UNKNOWN_USERNAME, role="", community_id=None)
    return Actor(user_id=user.id, username=user.username, role=user.role,
                 community_id=user.community_id)
