"""Failed logins on an encrypted station before its database is open, counted in a file beside it.

On an encrypted station a password first opens the user's key slot (station.vault): until one
does, there is no database to count failures in. This ledger (`station.db.logins`) counts them
instead, by the login's own lock-out rules (accounts.lockout), and keeps each refused attempt
until a login opens the database and moves it into the audit log (accounts.unlocking).

It names no one and holds no secret: a typed name is kept only as a salted argon2 digest (an
unknown name locks exactly like a real one, and the file does not list which exist), never a
password. A missing or unreadable file counts as no failures: whoever can rewrite it can copy
the database and guess offline anyway. Every change happens under a lock file, so two counter
windows (or a window and the command line) never lose each other's counts.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw

from station.accounts.lockout import FAILURE_WINDOW, LOCK_AFTER_FAILURES, LOCK_DURATION
from station.disk import file_lock, fsync_folder, replace_with_text
from station.vault import SLOTS_SUFFIX, Vault

log = logging.getLogger(__name__)

SUFFIX = ".logins"
FORMAT, VERSION = "station-logins", 1
COUNTER, COMMAND_LINE = "counter", "command_line"  # where an attempt was typed
WRONG, WHILE_LOCKED = "wrong", "while_locked"  # what became of it
# Attempts kept for the audit log until a login moves them there; the oldest go first beyond
# this, so a flood of guesses cannot grow the file without end (the counts are never dropped).
MAX_UNAUDITED = 500
SALT_BYTES = 16


@dataclass(frozen=True)
class Attempt:
    """A refused attempt not yet in the audit log."""

    name_key: str
    at: datetime
    via: str  # COUNTER or COMMAND_LINE
    outcome: str  # WRONG, or WHILE_LOCKED: refused unchecked because the name was locked
    locked_until: datetime | None = None  # the lock this failure started, if it did


@dataclass(frozen=True)
class PendingAttempt:
    """An attempt to audit, with the account it was made on (None: a name no account has)."""

    username: str | None
    attempt: Attempt


@dataclass
class _Name:
    failures: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None


@dataclass
class _Ledger:
    salt: bytes
    names: dict[str, _Name] = field(default_factory=dict)
    unaudited: list[Attempt] = field(default_factory=list)

    def key(self, name: str) -> str:
        """The digest the ledger keeps for a (normalised) user name."""
        digest = hash_secret_raw(name.encode(), self.salt, time_cost=1, memory_cost=8192,
                                 parallelism=1, hash_len=16, type=Type.ID)
        return digest.hex()


def ledger_path(database_file: Path) -> Path:
    """Where a database's ledger lives: beside it, `station.db` → `station.db.logins`."""
    database_file = Path(database_file)
    return database_file.with_name(database_file.name + SUFFIX)


def ledger_of(vault: Vault) -> Path:
    """The ledger of the database a vault opens (beside it, as the vault's slots file is)."""
    slots = vault.slots_path
    return ledger_path(slots.with_name(slots.name.removesuffix(SLOTS_SUFFIX)))


def check_lock(path: Path, name: str, now: datetime, via: str) -> datetime | None:
    """When `name`'s lock ends, or None; an attempt refused by the lock is kept for the audit log."""
    if not path.exists():
        return None  # nothing counted yet: no digest to compute, nothing to write
    with _editing(path, now) as ledger:
        key = ledger.key(name)
        entry = ledger.names.get(key)
        if entry is None or entry.locked_until is None:
            return None
        _keep(ledger, Attempt(key, now, via, WHILE_LOCKED))
        return entry.locked_until


def count_failure(path: Path, name: str, now: datetime, via: str) -> datetime | None:
    """Count a wrong password for `name`; returns the lock's end when this failure locks it."""
    with _editing(path, now) as ledger:
        key = ledger.key(name)
        entry = ledger.names.setdefault(key, _Name())
        entry.failures.append(now)
        if len(entry.failures) >= LOCK_AFTER_FAILURES:
            entry.locked_until = now + LOCK_DURATION
        _keep(ledger, Attempt(key, now, via, WRONG, entry.locked_until))
        return entry.locked_until


def lock(path: Path, name: str, until: datetime, now: datetime) -> None:
    """Lock `name` until then (a lock the database set, which the next unlock must meet first)."""
    with _editing(path, now) as ledger:
        entry = ledger.names.setdefault(ledger.key(name), _Name())
        entry.locked_until = max(until, entry.locked_until or until)


def clear(path: Path, name: str, now: datetime) -> None:
    """Forget `name`'s failures and lock (a successful login, a new password)."""
    if not path.exists():
        return
    with _editing(path, now) as ledger:
        ledger.names.pop(ledger.key(name), None)


def pending(path: Path, usernames: Iterable[str]) -> list[PendingAttempt]:
    """The attempts not yet audited, each with the account of that name among `usernames`."""
    ledger = _read(path)
    if ledger is None or not ledger.unaudited:
        return []
    wanted = {attempt.name_key for attempt in ledger.unaudited}
    # A digest per account only when attempts wait: a station has a few dozen accounts at most.
    owners = {key: username for username in usernames if (key := ledger.key(username)) in wanted}
    return [PendingAttempt(owners.get(attempt.name_key), attempt) for attempt in ledger.unaudited]


def forget(path: Path, audited: Iterable[Attempt], now: datetime) -> None:
    """Drop attempts now in the audit log (others added meanwhile stay)."""
    done = set(audited)
    with _editing(path, now) as ledger:
        ledger.unaudited = [attempt for attempt in ledger.unaudited if attempt not in done]


@contextmanager
def _editing(path: Path, now: datetime) -> Iterator[_Ledger]:
    """The ledger, read and written back under its lock file; expired counts are dropped."""
    with file_lock(path.with_name(path.name + ".lock")):
        ledger = _read(path) or _Ledger(secrets.token_bytes(SALT_BYTES))
        before = _text(ledger)
        _expire(ledger, now)
        yield ledger
        text = _text(ledger)
        if text != before:
            _write(path, text)


def _keep(ledger: _Ledger, attempt: Attempt) -> None:
    ledger.unaudited = [*ledger.unaudited, attempt][-MAX_UNAUDITED:]


def _expire(ledger: _Ledger, now: datetime) -> None:
    for key, entry in list(ledger.names.items()):
        entry.failures = [at for at in entry.failures if at > now - FAILURE_WINDOW]
        if entry.locked_until is not None and entry.locked_until <= now:
            entry.locked_until = None
        # No lock lasts longer than LOCK_DURATION from now: not after the PC's clock was put
        # back, nor when someone wrote a lock for next year into the file.
        if entry.locked_until is not None and entry.locked_until > now + LOCK_DURATION:
            entry.locked_until = now + LOCK_DURATION
        if not entry.failures and entry.locked_until is None:
            del ledger.names[key]


def _read(path: Path) -> _Ledger | None:
    """The ledger on disk; None when there is none or it cannot be read (no failures, then)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != FORMAT or data["version"] != VERSION:
            raise ValueError("not a ledger of this version")
        salt = base64.b64decode(data["salt"], validate=True)
        if len(salt) != SALT_BYTES:
            raise ValueError("not a salt")
        return _Ledger(salt, {str(key): _name(entry) for key, entry in data["names"].items()},
                       [_attempt(entry) for entry in data["unaudited"]])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        # Only the kind of problem: the file's contents are nobody's business in a log.
        log.warning("登录失败计数文件无法读取,按无失败记录处理并重新开始计数(%s):%s",
                    type(error).__name__, path)
        return None


def _write(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        replace_with_text(path, text, partial)
    finally:
        partial.unlink(missing_ok=True)
    fsync_folder(path.parent)


def _text(ledger: _Ledger) -> str:
    return json.dumps({
        "format": FORMAT, "version": VERSION, "salt": base64.b64encode(ledger.salt).decode(),
        "names": {key: {"failures": [at.isoformat() for at in entry.failures],
                        "locked_until": _iso(entry.locked_until)} for key, entry in ledger.names.items()},
        "unaudited": [{"name": a.name_key, "at": a.at.isoformat(), "via": a.via, "outcome": a.outcome,
                       "locked_until": _iso(a.locked_until)} for a in ledger.unaudited],
    }, indent=1)


def _name(entry: dict[str, Any]) -> _Name:
    return _Name([datetime.fromisoformat(at) for at in entry["failures"]], _moment(entry["locked_until"]))


def _attempt(entry: dict[str, Any]) -> Attempt:
    via, outcome = entry["via"], entry["outcome"]
    if via not in (COUNTER, COMMAND_LINE) or outcome not in (WRONG, WHILE_LOCKED):
        raise ValueError("unknown attempt")  # nothing but these words reaches the audit log
    return Attempt(str(entry["name"]), datetime.fromisoformat(entry["at"]), via, outcome,
                   _moment(entry["locked_until"]))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None
