"""Alembic revisions of the evaluation domain's operational tables (branch ``evaluation``)."""
