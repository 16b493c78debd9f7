"""Helpers for statements built once and run many times with bind parameters (hot reads).

Building a SQLAlchemy statement and finding its compiled form cost the search box more client
time than the server spends answering it, so its reads are built once per shape and bound to
values on each call. psycopg prepares a statement it has seen a few times on its connection, by
its text: a statement whose text never changes is planned once, not on every keystroke.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def one_of_ids(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """`column IN (:name...)`; on PostgreSQL `column = ANY(:name)`, one text for any number of ids
    (an expanded IN has a text per length, each planned anew until prepared)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


def count_bound(name: str) -> Any:
    """A bound integer for LIMIT, typed so that any dialect renders it."""
    return bindparam(name, type_=Integer)
