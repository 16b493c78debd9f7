"""Service log (走访/服务记录): planned and done visits and services."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_person_done", "person_id", "done_on"),
        Index("ix_visits_worker_planned", "worker_id", "planned_on"),
        # The month's counts (by kind, grid, worker) read only this index (migration 0008).
        Index("ix_visits_month", "done_on", "community_id", "grid_id", "kind", "worker_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    planned_on: Mapped[date | None]
    done_on: Mapped[date | None]
    content: Mapped[str] = mapped_column(String(2000), default="")
    follow_up_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
