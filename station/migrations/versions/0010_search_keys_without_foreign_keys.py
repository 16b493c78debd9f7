"""search_keys: no foreign keys (a derived lookup table, checked by the code that writes it)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 19:00:00

Each person has ~11 search keys, written only by station.search (and the import and demo
writers that use its key maker) from the person, their household and grid, and dropped with
them; no person, grid or community is ever deleted. Checking three foreign keys per key row
cost more than storing the rows: on PostgreSQL each check locks the referenced person, grid and
community row (a write to its page), so 5,000 imported persons took 1.2 s longer (a 100k import
~20 s longer); on SQLite 3.3M index look-ups per 100k persons, and again in every backup's
foreign-key check. The keys can always be rebuilt from the persons
(station.search.lookup.reindex_persons), so their references are the writer's job, as an
index's entries are the database's.
"""

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_REFERENCES = (("person_id", "persons"), ("community_id", "communities"), ("grid_id", "grids"))


def upgrade() -> None:
    # SQLite cannot drop a constraint in place: batch mode copies the table (indexes kept).
    with op.batch_alter_table("search_keys") as batch:
        for column, table in _REFERENCES:
            batch.drop_constraint(f"fk_search_keys_{column}_{table}", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("search_keys") as batch:
        for column, table in _REFERENCES:
            batch.create_foreign_key(f"fk_search_keys_{column}_{table}", table, [column], ["id"])
