"""Password hashing (argon2id at OWASP's minimum settings) and the strength rule for new passwords."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import ValidationError

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


def check_password_strength(password: str) -> None:
    """Raise ValidationError unless the password is long enough and not just a number."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"密码至少需要 {MIN_LENGTH} 个字符", field="password")
    if password.isdigit():
        raise ValidationError("密码不能全是数字", field="password")
