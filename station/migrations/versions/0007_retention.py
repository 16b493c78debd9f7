"""retention: de-identified persons, redacted audit rows

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 05:00:00

Persons gain the day they were de-identified; audit rows gain the moment retention blanked their
personal values. The audit log's update guard is replaced by one that lets exactly that blanking
through (station/audit_guard.py) and refuses every other change as before.
"""

import sqlalchemy as sa
from alembic import op

from station.audit_guard import (
    POSTGRESQL_FUNCTION,
    POSTGRESQL_FUNCTION_BEFORE_RETENTION,
    SQLITE_GUARDS,
    SQLITE_NO_UPDATE_BEFORE_RETENTION,
)

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("persons", recreate="never") as batch:
        batch.add_column(sa.Column("deidentified_on", sa.Date(), nullable=True))
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        batch.add_column(sa.Column("redacted_at", sa.DateTime(), nullable=True))
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
        connection.exec_driver_sql(SQLITE_GUARDS["audit_log_no_update"])
        return
    connection.exec_driver_sql(POSTGRESQL_FUNCTION)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
        connection.exec_driver_sql(SQLITE_NO_UPDATE_BEFORE_RETENTION)
    else:
        connection.exec_driver_sql(POSTGRESQL_FUNCTION_BEFORE_RETENTION)
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        batch.drop_column("redacted_at")
    with op.batch_alter_table("persons", recreate="never") as batch:
        batch.drop_column("deidentified_on")
