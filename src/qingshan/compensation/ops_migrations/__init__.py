"""Alembic revisions of the compensation domain's operational tables (branch ``compensation``)."""
