"""Accounts, their grid scope and failed logins (for lock-out)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    # None for street-level accounts that see every community.
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    phone: Mapped[str] = mapped_column(String(32), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(default=False)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class UserGrid(Base):
    """The grids a grid worker looks after: both their assignment and their data scope."""

    __tablename__ = "user_grids"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), primary_key=True, index=True)


class LoginFailure(Base):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime]
