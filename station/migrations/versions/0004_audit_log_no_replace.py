"""audit log refuses INSERT OR REPLACE

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:30:00

SQLite runs no DELETE trigger for rows that INSERT OR REPLACE (or an UPSERT) pushes out, so an
audit row could be rewritten without touching the UPDATE/DELETE triggers. PostgreSQL's
ON CONFLICT DO UPDATE already fires the UPDATE trigger, so it needs nothing.
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

NO_REPLACE = (
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
    "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(NO_REPLACE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
