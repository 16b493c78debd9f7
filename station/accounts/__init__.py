"""User accounts: who may log in, their passwords, roles and grids."""
