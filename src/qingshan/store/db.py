"""Open the DuckDB store and apply numbered migrations.

Migrations are the files ``store/migrations/NNNN_name.sql``, applied in order, each inside one
transaction, and recorded in ``schema_migration``. Other packages add their tables the same way
(e.g. water uses its own numbered files in the same folder).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import duckdb

__all__ = ["connect", "migrate", "applied_migrations", "in_transaction"]


def _migration_files() -> list[tuple[int, str, str]]:
    base = resources.files("qingshan.store") / "migrations"
    out = []
    for f in base.iterdir():
        if f.name.endswith(".sql"):
            num = int(f.name.split("_", 1)[0])
            out.append((num, f.name, f.read_text(encoding="utf-8")))
    out.sort()
    nums = [n for n, _, _ in out]
    if len(nums) != len(set(nums)):
        raise RuntimeError(f"duplicate migration numbers: {nums}")
    return out


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations; returns the names applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    done = {r[0] for r in con.execute("SELECT version FROM schema_migration").fetchall()}
    applied = []
    for num, name, sql in _migration_files():
        if num in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migration VALUES (?, ?, now()::TIMESTAMP)", [num, name]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    return con.execute("SELECT version, name FROM schema_migration ORDER BY version").fetchall()


def connect(path: str | Path = ":memory:", read_only: bool = False,
            memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store and bring its schema up to date.

    ``memory_limit`` (e.g. ``"1GB"``; default ``$QINGSHAN_MEMORY_LIMIT``, else DuckDB's own
    default of 80 % of RAM) bounds DuckDB's buffer memory; beyond it DuckDB spills to disk.
    """
    path = str(path)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(path, read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    limit = memory_limit or os.environ.get("QINGSHAN_MEMORY_LIMIT")
    if limit:
        con.execute("SET memory_limit = ?", [str(limit)])   # a bound value, never SQL text
    if not read_only:
        migrate(con)
    return con


def in_transaction(con: duckdb.DuckDBPyConnection, work):
    """Run ``work()`` inside one transaction: committed when it returns, rolled back (leaving
    the store exactly as it was) when it raises. Returns what ``work`` returns."""
    con.execute("BEGIN TRANSACTION")
    try:
        res = work()
        con.execute("COMMIT")
        return res
    except BaseException:
        con.execute("ROLLBACK")
        raise
