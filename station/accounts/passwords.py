"""Password hashing (argon2id at OWASP's minimum settings) and the strength rule for new passwords."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from station.errors import ValidationError

# OWASP password storage cheat sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    """An argon2id hash (with its own salt and parameters) of the password."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if the password matches; False for a mismatch or an unreadable hash, never raises."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's (or cannot be read)."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def check_password_strength(password: str, username: str) -> None:
    """Raise ValidationError unless a new password meets the policy (等保 level 2).

    At least MIN_LENGTH characters of three of the four classes (upper, lower, digit, symbol),
    not containing the user name, and not on the list of common passwords; the list matters
    because favourites such as Passw0rd and Admin@123 pass the class rule.
    """
    if len(password) < MIN_LENGTH:
        raise ValidationError("accounts.password_too_short", min_length=MIN_LENGTH, field="password")
    if password.lower() in common_passwords():
        raise ValidationError("accounts.password_too_common", field="password")
    if _classes(password) < 3:
        raise ValidationError("accounts.password_too_simple", field="password")
    name = username.strip().lower()
    if name and name in password.lower():
        raise ValidationError("accounts.password_has_username", field="password")


def _classes(password: str) -> int:
    """How many of upper-case, lower-case, digit and symbol (anything else but spaces) it has."""
    kinds = {"upper" if "A" <= ch <= "Z" else "lower" if "a" <= ch <= "z"
             else "digit" if "0" <= ch <= "9" else "symbol"
             for ch in password if not ch.isspace()}
    return len(kinds)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (station/data/common_passwords.txt), lower-cased."""
    text = resources.files("station").joinpath("data", "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))
