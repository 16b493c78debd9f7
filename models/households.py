"""Households (户) and the membership of persons in them."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        # What "living" asks of a household, read without the table (migration 0009).
        Index("ix_households_living", "id", "community_id", "status", "moved_out_on", "grid_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    number: Mapped[str] = mapped_column(String(32))
    room: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(16), default="registered")
    phone: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    notes: Mapped[str] = mapped_column(String(1000), default="")
    moved_out_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)
    updated_at: Mapped[datetime] = mapped_column(default=datetime.now, onupdate=datetime.now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Membership(Base):
    """A person's place in a household; left_on is set when they leave (history is kept)."""

    __tablename__ = "memberships"
    __table_args__ = (
        # A household's members, and a person's homes, with all the counts read (migration 0009).
        Index("ix_memberships_household_living", "household_id", "left_on", "joined_on", "relation", "person_id"),
        Index("ix_memberships_person_homes", "person_id", "joined_on", "household_id"),
        # A person lives in at most one household at a time.
        Index(
            "uq_memberships_person_current",
            "person_id",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
            postgresql_where=text("left_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    relation: Mapped[str] = mapped_column(String(2))
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    left_reason: Mapped[str] = mapped_column(String(32), default="")
