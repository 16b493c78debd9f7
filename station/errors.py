"""Typed errors as data: a code, the field, the member's index where one applies, and parameters.

The words are in the catalogues (station/locale, see station.messages): `render(language)` says
the error in that language and `message` in Chinese, the default of logs and the CLI. Parameters
that hold ID or phone numbers are passed already masked.
"""

from __future__ import annotations

import copy
from typing import Any, Self

from station.messages import DEFAULT_LANGUAGE, message


class StationError(Exception):
    """An expected problem, shown to the user in their language; never a traceback."""

    title_code = "errors.title.failed"

    def __init__(self, code: str, /, *, field: str | None = None, index: int | None = None, **params: Any):
        super().__init__(code)
        self.code = code
        self.field = field
        self.index = index  # the 1-based member of a household form the problem is about
        self.params = params

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The message in `language` (a member's problem starts with which member)."""
        text = message(self.code, language, **self.params)
        if self.index is None:
            return text
        return message("errors.member", language, index=self.index, message=text)

    def render_title(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The kind of problem in `language`, for a dialog's title."""
        return message(self.title_code, language)

    @property
    def message(self) -> str:
        """The message in Chinese."""
        return self.render()

    @property
    def title(self) -> str:
        """The kind of problem in Chinese."""
        return self.render_title()

    def with_index(self, index: int) -> Self:
        """The same problem, said of the household form's `index`-th member."""
        moved = copy.copy(self)
        moved.index = index
        return moved

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationError(StationError):
    """Bad input for a named field."""

    title_code = "errors.title.validation"


class ConfigError(StationError):
    """station.toml is missing, unreadable or holds an unknown key or bad value."""

    title_code = "errors.title.config"


class NotFound(StationError):
    """The record asked for does not exist or is not visible to the actor."""

    title_code = "errors.title.not_found"


class PermissionDenied(StationError):
    """The actor's role may not do this."""

    title_code = "errors.title.permission"


class AccountDisabled(PermissionDenied):
    """The acting account was disabled (or removed) after it logged in: the session must end."""

    title_code = "errors.title.disabled"


class ConflictError(StationError):
    """The record changed since it was read (another clerk or station saved first)."""

    title_code = "errors.title.conflict"


class DuplicateError(StationError):
    """The record already exists; `existing_id` points at it so the UI can offer to open it."""

    title_code = "errors.title.duplicate"

    def __init__(self, code: str, /, *, field: str | None = None, index: int | None = None,
                 existing_id: int | None = None, **params: Any):
        super().__init__(code, field=field, index=index, **params)
        self.existing_id = existing_id


class AuthError(StationError):
    """Login refused: wrong password, disabled or locked account."""

    title_code = "errors.title.auth"


class DatabaseError(StationError):
    """The database cannot be opened, migrated or reached."""

    title_code = "errors.title.database"
