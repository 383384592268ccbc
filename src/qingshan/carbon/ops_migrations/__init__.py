"""Alembic revisions of the carbon domain's operational tables (branch ``carbon``)."""
