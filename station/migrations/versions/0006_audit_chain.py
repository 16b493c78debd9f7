"""audit log as a hash chain

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 20:00:00

Adds each row's previous hash, values digest and hash, and chains the rows already written, in
id order. The append-only guards are lifted for that one pass and put back at once.
"""

import sqlalchemy as sa
from alembic import op

from station.audit_chain import chain_all
from station.audit_guard import SQLITE_NO_UPDATE_BEFORE_RETENTION

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COLUMNS = ("prev_hash", "values_digest", "row_hash")


def upgrade() -> None:
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=64), nullable=False, server_default=""))
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
        chain_all(connection)
        connection.exec_driver_sql(SQLITE_NO_UPDATE_BEFORE_RETENTION)
        return
    connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
    chain_all(connection)
    connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")


def downgrade() -> None:
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
