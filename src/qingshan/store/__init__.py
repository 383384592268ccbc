"""Storage: the DuckDB database, migrations keyed by (domain, version), ingest batches and
provenance."""

from qingshan.store.db import applied_migrations, connect, migrate

__all__ = ["connect", "migrate", "applied_migrations"]
