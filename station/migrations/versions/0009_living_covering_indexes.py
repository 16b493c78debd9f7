"""memberships, households, persons: the "living" conditions read from indexes alone

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 08:30:00

Every count of residents (the monthly report's population, households and checks, the
dashboard) walks memberships → household → person and asks each for a few columns: when the
membership began and ended, the household's status and grid, the person's death, departure,
population type and birth date. Each step read the table row (persons alone is 45 MB at 200k),
several times per report; on an encrypted station every page read is decrypted again. These
indexes hold exactly those columns, so the counts never touch the tables:

- memberships (household_id, left_on, joined_on, relation, person_id) replaces
  (household_id, left_on), whose columns it leads with;
- memberships (person_id, joined_on, household_id) replaces (person_id): a person's home for
  the month (their latest membership begun by its end) is read from it alone;
- households (id, community_id, status, moved_out_on, grid_id) and persons (id, deceased_on,
  moved_out_on, population_type, birth_date): the row's living columns by its id.
"""

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_NEW = {
    "memberships": [("ix_memberships_household_living", ["household_id", "left_on", "joined_on", "relation", "person_id"]),
                    ("ix_memberships_person_homes", ["person_id", "joined_on", "household_id"])],
    "households": [("ix_households_living", ["id", "community_id", "status", "moved_out_on", "grid_id"])],
    "persons": [("ix_persons_living", ["id", "deceased_on", "moved_out_on", "population_type", "birth_date"])],
}
_REPLACED = [("ix_memberships_household_current", ["household_id", "left_on"]),
             ("ix_memberships_person_id", ["person_id"])]


def upgrade() -> None:
    for table, indexes in _NEW.items():
        with op.batch_alter_table(table, recreate="never") as batch:
            for name, columns in indexes:
                batch.create_index(name, columns)
    with op.batch_alter_table("memberships", recreate="never") as batch:
        for name, _columns in _REPLACED:
            batch.drop_index(name)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's planner weighs an index by its statistics; without them it may keep reading
        # the tables. (PostgreSQL's planner needs none for plain column indexes.)
        for indexes in _NEW.values():
            for name, _columns in indexes:
                op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    with op.batch_alter_table("memberships", recreate="never") as batch:
        for name, columns in _REPLACED:
            batch.create_index(name, columns)
    for table, indexes in _NEW.items():
        with op.batch_alter_table(table, recreate="never") as batch:
            for name, _columns in indexes:
                batch.drop_index(name)
