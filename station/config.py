"""Find, read and validate station.toml; refuse unknown keys and bad values, naming file and key."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from station.errors import ConfigError
from station.messages import Term
from station.settings import Settings

ENV_VAR = "STATION_CONFIG"
LANGUAGES = ("zh", "en")
URGENCIES = ("urgent", "normal", "enquiry")
_NOT_FILE_KEYS = {"base_dir", "source"}


def find_config(explicit: str | Path | None = None) -> Path | None:
    """--config first, then $STATION_CONFIG, then ./station.toml; None means built-in defaults."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError("config.file_missing", path=path)
        return path
    if os.environ.get(ENV_VAR):
        path = Path(os.environ[ENV_VAR])
        if not path.is_file():
            raise ConfigError("config.file_missing_from_env", path=path, env_var=ENV_VAR)
        return path
    local = Path.cwd() / "station.toml"
    return local if local.is_file() else None


def configured_language(explicit: str | Path | None = None) -> str:
    """The language of the config file that applies, read alone and never failing: Chinese on
    any problem (no file, unreadable, bad TOML, unknown language). The CLI needs it before its
    help texts exist, long before the whole file is validated."""
    try:
        path = find_config(explicit)
        if path is None:
            return LANGUAGES[0]
        language = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("station", {}).get("language")
    except Exception:  # noqa: BLE001 - the full load says what is wrong; this only picks words
        return LANGUAGES[0]
    return language if language in LANGUAGES else LANGUAGES[0]


def load_settings(explicit: str | Path | None = None) -> Settings:
    """Load and validate the settings from the config file that applies."""
    path = find_config(explicit)
    if path is None:
        return Settings()
    try:
        # utf-8-sig: Windows Notepad saves UTF-8 with a byte-order mark, which TOML itself refuses.
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("config.unreadable", path=path, exc=exc) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config.bad_toml", path=path, exc=exc) from exc
    return settings_from_dict(raw, source=str(path), base_dir=path.resolve().parent)


def settings_from_dict(raw: dict[str, Any], *, source: str, base_dir: Path) -> Settings:
    """Build validated Settings from parsed TOML."""
    if isinstance(raw.get("keymap"), dict):
        raw = {**raw, "keymap": _dotted(raw["keymap"])}
    values = _build(Settings, raw, source, prefix="")
    settings = Settings(**values, base_dir=base_dir, source=source)
    _check_rules(settings)
    return settings


def _dotted(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Binding ids contain dots: `app.lock = "f9"` parses as a nested table, so join it back."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat |= _dotted(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _build(cls: type, raw: Any, source: str, prefix: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError("config.not_a_table", source=source, table=prefix.rstrip('.'))
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in _NOT_FILE_KEYS}
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            raise ConfigError("config.unknown_key", source=source, prefix=prefix, key=key)
        values[key] = _coerce(hints[key], value, source, f"{prefix}{key}")
        default = _default(fields[key])
        if isinstance(default, dict) and isinstance(values[key], dict):
            # Tables of codes extend the built-in ones: a station adds a category, it does not
            # have to repeat all the others.
            values[key] = {**default, **values[key]}
    return values


def _default(spec: dataclasses.Field) -> Any:
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return None if spec.default is dataclasses.MISSING else spec.default


def _coerce(hint: Any, value: Any, source: str, key: str) -> Any:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint(**_build(hint, value, source, prefix=f"{key}."))
    origin = typing.get_origin(hint)
    if origin is dict:
        value_type = typing.get_args(hint)[1]
        if not isinstance(value, dict):
            raise ConfigError("config.key_not_a_table", source=source, key=key)
        return {k: _coerce(value_type, v, source, f"{key}.{k}") for k, v in value.items()}
    if isinstance(hint, types.UnionType) or origin is typing.Union:
        hint = typing.get_args(hint)[0]
    return _scalar(hint, value, source, key)


_TYPE_NAMES = {str: Term("config.type.text"), int: Term("config.type.integer"),
               float: Term("config.type.number"), bool: Term("config.type.boolean")}


def _scalar(hint: type, value: Any, source: str, key: str) -> Any:
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, bool):
        raise ConfigError("config.not_an_integer", source=source, key=key, value=value)
    if not isinstance(value, hint):
        raise ConfigError("config.wrong_type", source=source, key=key, hint=_TYPE_NAMES.get(hint, hint.__name__),
                          value=value)
    return value


def _check_rules(settings: Settings) -> None:
    src = settings.source
    if settings.station.language not in LANGUAGES:
        raise ConfigError("config.bad_language", src=src, language=settings.station.language)
    _positive(src, "station.idle_lock_minutes", settings.station.idle_lock_minutes)
    _positive(src, "backup.keep", settings.backup.keep)
    _positive(src, "retention.years", settings.retention.years)
    _check_database_url(src, settings.database.url)
    _check_tls(src, settings.database)
    _check_deadlines(settings)
    if not 0 < settings.requests.at_risk_ratio < 1:
        raise ConfigError("config.bad_at_risk_ratio", src=src)
    if settings.registers.dibao_edge_multiplier < 1:
        raise ConfigError("config.bad_dibao_multiplier", src=src)
    for code, days in settings.registers.visit_every_days.items():
        if code not in settings.registers.categories:
            raise ConfigError("config.unknown_register_category", src=src, category=code)
        _positive(src, f"registers.visit_every_days.{code}", days)


def _check_deadlines(settings: Settings) -> None:
    src, req = settings.source, settings.requests
    for urgency in URGENCIES:
        if urgency not in req.deadline_hours:
            raise ConfigError("config.deadline_missing", src=src, urgency=urgency)
    for urgency, hours in req.deadline_hours.items():
        if urgency not in URGENCIES:
            raise ConfigError("config.unknown_urgency", src=src, urgency=urgency)
        _positive(src, f"requests.deadline_hours.{urgency}", hours)
    for category, overrides in req.category_deadline_hours.items():
        if category not in req.categories:
            raise ConfigError("config.unknown_request_category", src=src, category=category)
        for urgency, hours in overrides.items():
            if urgency not in URGENCIES:
                raise ConfigError("config.unknown_category_urgency", src=src, category=category, urgency=urgency)
            _positive(src, f"requests.category_deadline_hours.{category}.{urgency}", hours)


def _check_database_url(src: str, url: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError("config.bad_database_url", src=src, url=url) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError("config.unsupported_database", src=src)
    if parsed.password:
        raise ConfigError(
            "config.password_in_url", src=src
        )


SSL_MODES = ("", "disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def _check_tls(src: str, database) -> None:
    from sqlalchemy.engine import make_url

    if database.sslmode not in SSL_MODES:
        raise ConfigError("config.bad_sslmode", src=src, value=database.sslmode,
                          choices=", ".join(mode for mode in SSL_MODES if mode))
    tls = database.sslmode or database.sslrootcert
    if tls and make_url(database.url).get_backend_name() != "postgresql":
        raise ConfigError("config.tls_for_postgresql_only", src=src)


def _positive(src: str, key: str, value: int | float) -> None:
    if value <= 0:
        raise ConfigError("config.not_positive", src=src, key=key, value=value)
