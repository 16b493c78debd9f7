"""Locked months: once a month's report is printed, edits dated in that month are refused."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class MonthLock(Base):
    __tablename__ = "month_locks"
    __table_args__ = (UniqueConstraint("community_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    year: Mapped[int]
    month: Mapped[int]
    locked_at: Mapped[datetime]
    # The username as the audit log writes it (the CLI's system actor has no user row).
    locked_by: Mapped[str] = mapped_column(String(64))
