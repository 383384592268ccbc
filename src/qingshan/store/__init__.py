"""Storage: the DuckDB database, numbered migrations, ingest batches and provenance."""

from qingshan.store.db import connect, migrate, applied_migrations

__all__ = ["connect", "migrate", "applied_migrations"]
