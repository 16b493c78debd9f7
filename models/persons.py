"""Persons (residents) and the search keys precomputed for them."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, SearchKey


class Person(Base):
    __tablename__ = "persons"
    __table_args__ = (
        Index("ix_persons_name_birth", "name", "birth_date"),
        # What "living" and the population figures ask of a person, read without the table
        # (migration 0009).
        Index("ix_persons_living", "id", "deceased_on", "moved_out_on", "population_type", "birth_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_type: Mapped[str] = mapped_column(String(16), default="resident")
    id_number: Mapped[str] = mapped_column(String(32), unique=True)
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date]
    ethnicity: Mapped[str] = mapped_column(String(2), default="01")
    phone: Mapped[str] = mapped_column(String(32), default="")
    population_type: Mapped[str] = mapped_column(String(16), default="registered")
    residence_state: Mapped[str] = mapped_column(String(16), default="both")
    registered_address: Mapped[str] = mapped_column(String(200), default="")
    # 人户分离: the 户籍 household when the person lives (is a member) somewhere else.
    registered_household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    political_status: Mapped[str] = mapped_column(String(16), default="")
    marital_status: Mapped[str] = mapped_column(String(2), default="")
    education: Mapped[str] = mapped_column(String(16), default="")
    employment: Mapped[str] = mapped_column(String(32), default="")
    moved_in_on: Mapped[date | None]
    moved_out_on: Mapped[date | None]
    deceased_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(String(1000), default="")
    # Retention removed name, numbers and free text on this day; the row stays for the counts.
    deidentified_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)
    updated_at: Mapped[datetime] = mapped_column(default=datetime.now, onupdate=datetime.now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class SearchEntry(Base):
    """One precomputed lookup key (name fragment, pinyin, ID digits, phone, address) for a person.

    grid_id is copied here so a scoped search filters inside the same index range scan. No
    foreign keys: a derived table written only by station.search's key maker (migration 0010).
    """

    __tablename__ = "search_keys"
    __table_args__ = (Index("ix_search_keys_key_grid", "key", "grid_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(index=True)
    community_id: Mapped[int]
    grid_id: Mapped[int | None]
    key: Mapped[str] = mapped_column(SearchKey)
