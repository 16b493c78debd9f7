"""audit log: index by user and action

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 19:40:00

The registration form starts where its user last registered a household; without this index
that lookup read every `register` entry of the station.
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_log_user_action', 'audit_log', ['user_id', 'action', 'id'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_user_action', table_name='audit_log')
