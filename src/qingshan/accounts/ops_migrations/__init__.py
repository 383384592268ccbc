"""Alembic revisions of the accounts domain's operational tables (branch ``accounts``)."""
