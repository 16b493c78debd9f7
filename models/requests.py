"""Residents' requests (居民诉求) and the timestamped history of their state changes."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ResidentRequest(Base):
    __tablename__ = "requests"
    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        Index("ix_requests_state_deadline", "state", "deadline_at"),
        # The month's received, closed and overdue requests of a community (migration 0011).
        Index("ix_requests_community_received", "community_id", "received_at"),
        Index("ix_requests_community_closed", "community_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(2000))
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    state: Mapped[str] = mapped_column(String(16), default="received")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    result: Mapped[str] = mapped_column(String(2000), default="")
    satisfaction: Mapped[str] = mapped_column(String(16), default="")
    feedback: Mapped[str] = mapped_column(String(1000), default="")
    reopen_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class RequestEvent(Base):
    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(16), default="")
    to_state: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(1000), default="")
