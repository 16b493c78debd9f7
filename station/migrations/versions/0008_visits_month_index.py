"""visits: one index answers the month's questions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 22:00:00

The monthly figures count the month's visits by kind, grid and worker. With an index on done_on
alone each count looked every visit up in the table (66 MB at 200k persons), three times per
report; on an encrypted station every such page is decrypted again. The index on (done_on,
community_id, grid_id, kind, worker_id) holds all they read, so they never touch the table; it
replaces the index on done_on, whose leading column it keeps.
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits", recreate="never") as batch:
        batch.create_index("ix_visits_month", ["done_on", "community_id", "grid_id", "kind", "worker_id"])
        batch.drop_index("ix_visits_done_on")


def downgrade() -> None:
    with op.batch_alter_table("visits", recreate="never") as batch:
        batch.create_index("ix_visits_done_on", ["done_on"])
        batch.drop_index("ix_visits_month")
