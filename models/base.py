"""Declarative base shared by every model, with a constraint naming convention Alembic relies on."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, MetaData, String
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Prefix searches use range scans on a btree; PostgreSQL must compare bytes, not locale rules.
SearchKey = String(64).with_variant(String(64, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: DateTime(),
        date: Date(),
        dict: JSON(),
    }
