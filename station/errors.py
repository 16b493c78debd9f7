"""Typed errors with a human (Chinese) message the UI and CLI show as they are."""

from __future__ import annotations


class StationError(Exception):
    """An expected problem; `message` is shown to the user unchanged."""

    title = "操作失败"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationError(StationError):
    """Bad input for a named field."""

    title = "输入有误"


class ConfigError(StationError):
    """station.toml is missing, unreadable or holds an unknown key or bad value."""

    title = "配置错误"


class NotFound(StationError):
    title = "未找到"


class PermissionDenied(StationError):
    title = "无权操作"


class AccountDisabled(PermissionDenied):
    """The acting account was disabled (or removed) after it logged in: the session must end."""

    title = "账户已停用"


class ConflictError(StationError):
    """The record changed since it was read (another clerk or station saved first)."""

    title = "数据已被修改"


class DuplicateError(StationError):
    """The record already exists; `existing_id` points at it so the UI can offer to open it."""

    title = "重复登记"

    def __init__(self, message: str, *, field: str | None = None, existing_id: int | None = None):
        super().__init__(message, field=field)
        self.existing_id = existing_id


class AuthError(StationError):
    """Login refused: wrong password, disabled or locked account."""

    title = "登录失败"


class DatabaseError(StationError):
    """The database cannot be opened, migrated or reached."""

    title = "数据库错误"
