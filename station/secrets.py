"""Database password from the system keyring, or $STATION_DATABASE_PASSWORD where none works."""

from __future__ import annotations

import os
from dataclasses import dataclass

from station.messages import Term

SERVICE = "station"
ENV_VAR = "STATION_DATABASE_PASSWORD"

# Backends that fail, drop secrets, or store them in plain/base64 text are not a keyring.
_UNSAFE_BACKENDS = (
    "keyring.backends.fail.",
    "keyring.backends.null.",
    "keyrings.alt.file.PlaintextKeyring",
    "keyrings.alt.Windows.",
    "keyrings.alt.multi.",
)


@dataclass(frozen=True)
class SecretSource:
    """Which store a secret came from, for `station doctor`."""

    kind: str  # "keyring", "environment" or "none"
    detail: str | Term  # a backend's or variable's name, or why there is no keyring


def keyring_backend() -> SecretSource:
    """Describe the usable keyring backend, or say why there is none."""
    try:
        import keyring
        from keyring.backends import chainer
    except ImportError:  # pragma: no cover - keyring is a dependency
        return SecretSource("none", Term("secrets.keyring_not_installed"))
    backend = keyring.get_keyring()
    inner = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    safe = [b for b in inner if _is_safe(b)]
    if not safe:
        names = ", ".join(_name(b) for b in inner) or _name(backend)
        return SecretSource("none", Term("secrets.no_safe_keyring", names=names))
    return SecretSource("keyring", _name(safe[0]))


def _name(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _is_safe(backend: object) -> bool:
    name = _name(backend)
    priority = getattr(backend, "priority", 0)
    return priority > 0 and not any(name.startswith(prefix) for prefix in _UNSAFE_BACKENDS)


def account_for(username: str, host: str) -> str:
    """Keyring account name for a database login."""
    return f"{username}@{host}"


def database_password(account: str) -> tuple[str | None, SecretSource]:
    """Return (password, where it came from); keyring first, then the environment."""
    source = keyring_backend()
    if source.kind == "keyring":
        import keyring

        password = keyring.get_password(SERVICE, account)
        if password is not None:
            return password, source
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR], SecretSource("environment", ENV_VAR)
    return None, source


def store_database_password(account: str, password: str) -> SecretSource:
    """Save a database password in the keyring; refuses when no safe backend exists."""
    from station.errors import ConfigError

    source = keyring_backend()
    if source.kind != "keyring":
        raise ConfigError("config.no_keyring", detail=source.detail, env_var=ENV_VAR)
    import keyring

    keyring.set_password(SERVICE, account, password)
    return source
