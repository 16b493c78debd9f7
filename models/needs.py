"""Special-needs registers (重点人群): one entry per person per category."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RegisterEntry(Base):
    __tablename__ = "register_entries"
    __table_args__ = (
        Index("ix_register_entries_category_end", "category", "end_on"),
        # All the monthly coverage reads of an entry, in its grouping order (migration 0011).
        Index("ix_register_entries_month", "community_id", "category", "start_on", "end_on", "person_id",
              "visit_every_days"),
        # One open entry per person per category, held by the database under concurrent writers.
        Index(
            "uq_register_entries_open",
            "person_id",
            "category",
            unique=True,
            sqlite_where=text("end_on IS NULL"),
            postgresql_where=text("end_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    start_on: Mapped[date]
    end_on: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(String(200), default="")
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visit_every_days: Mapped[int] = mapped_column(default=30)
    # Typed per category (disability category/grade/certificate, assistance scheme, ...).
    attributes: Mapped[dict] = mapped_column(default=dict)
    notes: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
