"""The app's PostgreSQL sessions: no JIT (its statements are too short to pay for compiling),
a URL's own options win, and index_plans holds for its block only."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from station.db import index_plans, make_engine


def _setting(connection, name: str) -> str:
    return connection.execute(text("SELECT current_setting(:name)"), {"name": name}).scalar_one()


def test_the_app_s_sessions_run_without_the_jit(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL sessions")
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            assert _setting(connection, "jit") == "off"
    finally:
        engine.dispose()


@pytest.mark.parametrize("options, jit, work_mem", [
    ("-c%20jit%3Don", "on", "4MB"),  # theirs override the app's
    ("-c%20work_mem%3D8MB", "off", "8MB"),  # and are added to them
])
def test_options_in_the_url_are_sent_after_the_app_s(db_url, options, jit, work_mem):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL sessions")
    engine = make_engine(f"{db_url}{'&' if '?' in db_url else '?'}options={options}")
    try:
        with engine.connect() as connection:
            assert (_setting(connection, "jit"), _setting(connection, "work_mem")) == (jit, work_mem)
    finally:
        engine.dispose()


def test_index_plans_hold_for_the_block_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner")
    with db.session() as session:
        with index_plans(session):
            assert _setting(session, "enable_seqscan") == "off"
        assert _setting(session, "enable_seqscan") == "on"
        session.commit()
        assert _setting(session, "enable_seqscan") == "on"
