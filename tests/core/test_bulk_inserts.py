"""Bulk inserts (station.bulk.inserts) store what an INSERT through SQLAlchemy would: on
PostgreSQL they COPY, which knows only the server's defaults, so the model's own must be added."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Community, Grid
from station.bulk.inserts import insert_rows, insert_tuples
from station.errors import DatabaseError
from station.failures import explain


def test_rows_left_without_a_defaulted_column_get_the_models_default(db, community_id):
    with db.engine.begin() as connection:
        written = insert_rows(connection, Grid, [{"community_id": community_id, "code": f"G{n}", "name": f"第{n}网格"}
                                                 for n in range(3)])
    with db.session() as session:
        grids = session.execute(select(Grid.code, Grid.notes).order_by(Grid.code)).all()
    assert written == 3 and grids == [("G0", ""), ("G1", ""), ("G2", "")]


def test_a_callable_default_is_taken_for_a_row_that_leaves_it_out(db):
    before = datetime.now().replace(microsecond=0)
    with db.engine.begin() as connection:
        insert_tuples(connection, Community, ("code", "name"), [("BULK", "批量社区")])
    with db.session() as session:
        street, created_at = session.execute(select(Community.street, Community.created_at)
                                             .where(Community.code == "BULK")).one()
    assert street == "" and created_at >= before


def test_a_refused_bulk_row_is_the_usual_integrity_error(db, community_id):
    rows = [{"community_id": community_id, "code": "G1", "name": "一网格"}] * 2  # (community, code) is unique
    with pytest.raises(IntegrityError) as refused, db.engine.begin() as connection:
        insert_rows(connection, Grid, rows)
    assert isinstance(explain(refused.value), DatabaseError)
    with db.session() as session:
        assert session.scalar(select(Grid.id)) is None
