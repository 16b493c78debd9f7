"""requests and register entries: the month's questions answered from indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 04:30:00

The monthly report asks which requests of the community were received or closed in the month
and which are open past their deadline; with an index on community_id alone each of those read
every request the community ever had, a table that only grows (its descriptions and results
make it wide). (community_id, received_at) and (community_id, closed_at) read the month's rows
only, and replace the index on community_id, whose leading column they keep.

The register coverage reads each entry's category, dates, person and visiting interval;
(community_id, category, start_on, end_on, person_id, visit_every_days) holds exactly those, in
the order the report groups them, so it never reads the table (its notes and attributes), and
replaces the index on community_id. On an encrypted station every table page read is a page
decrypted: the report reads about a thousand fewer at 200k persons.
"""

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_NEW = {
    "requests": [("ix_requests_community_received", ["community_id", "received_at"]),
                 ("ix_requests_community_closed", ["community_id", "closed_at"])],
    "register_entries": [("ix_register_entries_month",
                          ["community_id", "category", "start_on", "end_on", "person_id", "visit_every_days"])],
}
_REPLACED = {"requests": ("ix_requests_community_id", ["community_id"]),
             "register_entries": ("ix_register_entries_community_id", ["community_id"])}


def upgrade() -> None:
    for table, indexes in _NEW.items():
        with op.batch_alter_table(table, recreate="never") as batch:
            for name, columns in indexes:
                batch.create_index(name, columns)
            batch.drop_index(_REPLACED[table][0])
    if op.get_bind().dialect.name == "sqlite":
        # Without statistics SQLite's planner may keep the older index (see 0009).
        for indexes in _NEW.values():
            for name, _columns in indexes:
                op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    for table, indexes in _NEW.items():
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.create_index(*_REPLACED[table])
            for name, _columns in indexes:
                batch.drop_index(name)
