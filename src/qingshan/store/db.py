"""Open the DuckDB store and apply its migrations, keyed by (domain, version).

The store's own migrations (``qingshan.store.migrations``: ingest batches, supersession, the
province's cities) come first, then each registered domain's (``Domain.migrations``, the package
holding its ``NNNN_name.sql`` files), in registry order — dependencies first. Each file is
applied inside one transaction and recorded in ``schema_migration (domain, version, name,
applied_at)``; a recorded (domain, version) is never applied again.

A store created before migrations were keyed by domain has ``schema_migration (version, name,
applied_at)`` with ``0001_core.sql`` and ``0002_water.sql``; :func:`migrate` rewrites those rows
to the (domain, version) they became (:data:`LEGACY`) without applying anything again.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path

import duckdb

from qingshan.core.registry import domains

__all__ = ["connect", "migrate", "applied_migrations", "migration_sources", "migration_files",
           "in_transaction", "STORE", "LEGACY"]

#: the domain name under which the store's own migrations are recorded
STORE = "store"

_DDL = ("CREATE TABLE IF NOT EXISTS schema_migration (domain VARCHAR NOT NULL, "
        "version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP, "
        "PRIMARY KEY (domain, version))")

#: the previous release's schema_migration rows, version -> (file name, what it is now): its
#: 0001_core.sql was split into store 0001 and air 0001, its 0002_water.sql became water 0001
LEGACY: dict[int, tuple[str, tuple[tuple[str, int, str], ...]]] = {
    1: ("0001_core.sql", ((STORE, 1, "0001_store.sql"), ("air", 1, "0001_air.sql"))),
    2: ("0002_water.sql", (("water", 1, "0001_water.sql"),)),
}


def migration_sources() -> list[tuple[str, str]]:
    """``(domain, package)`` in the order they are applied: the store, then every registered
    domain that has migrations (registry order, dependencies first)."""
    out = [(STORE, "qingshan.store.migrations")]
    for d in domains():
        if d.name == STORE:
            raise RuntimeError(f"a domain may not be called {STORE!r} (the store's own key)")
        if d.migrations:
            out.append((d.name, d.migrations))
    return out


@functools.lru_cache(maxsize=None)
def migration_files(package: str) -> tuple[tuple[int, str, str], ...]:
    """``(version, file name, SQL)`` of the ``NNNN_name.sql`` files in ``package``, by version."""
    out = []
    for f in resources.files(package).iterdir():
        if f.name.endswith(".sql"):
            head = f.name.split("_", 1)[0]
            if not head.isdigit():
                raise RuntimeError(f"{package}: migration {f.name!r} is not named NNNN_name.sql")
            out.append((int(head), f.name, f.read_text(encoding="utf-8")))
    out.sort()
    nums = [n for n, _, _ in out]
    if len(nums) != len(set(nums)):
        raise RuntimeError(f"{package}: duplicate migration numbers: {nums}")
    return tuple(out)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
        [table]).fetchall()]


def _upgrade_legacy(con: duckdb.DuckDBPyConnection) -> bool:
    """Rewrite a previous release's ``schema_migration (version, name, applied_at)`` to the
    (domain, version) shape; returns whether there was one. Applies no migration."""
    cols = _columns(con, "schema_migration")
    if not cols or "domain" in cols:
        return False
    old = con.execute("SELECT version, name, applied_at FROM schema_migration "
                      "ORDER BY version").fetchall()
    unknown = [(v, n) for v, n, _ in old
               if v not in LEGACY or str(n).removesuffix(".sql") != LEGACY[v][0].removesuffix(".sql")]
    if unknown:
        raise RuntimeError(f"schema_migration holds migrations this release does not know: {unknown}"
                           " (a store from a newer release?)")
    rows = [(dom, ver, name, at) for v, _, at in old for dom, ver, name in LEGACY[v][1]]

    def work():
        con.execute("DROP TABLE schema_migration")
        con.execute(_DDL)
        con.executemany("INSERT INTO schema_migration VALUES (?, ?, ?, ?)", rows)

    in_transaction(con, work)
    return True


def migrate(con: duckdb.DuckDBPyConnection,
            sources: list[tuple[str, str]] | None = None) -> list[tuple[str, int, str]]:
    """Apply pending migrations of the store and every registered domain (or of ``sources``,
    ``(domain, package)`` pairs in order); returns the ``(domain, version, name)`` applied now."""
    _upgrade_legacy(con)
    con.execute(_DDL)
    done = set(con.execute("SELECT domain, version FROM schema_migration").fetchall())
    applied = []
    for dom, package in (migration_sources() if sources is None else sources):
        for num, name, sql in migration_files(package):
            if (dom, num) in done:
                continue

            def work(sql=sql, dom=dom, num=num, name=name):
                con.execute(sql)
                con.execute("INSERT INTO schema_migration VALUES (?, ?, ?, now()::TIMESTAMP)",
                            [dom, num, name])

            in_transaction(con, work)
            applied.append((dom, num, name))
    return applied


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, str]]:
    """``(domain, version, name)`` of every recorded migration: the store's first, then the
    domains' in registry order (domains no longer registered last, by name), each by version."""
    rows = con.execute("SELECT domain, version, name FROM schema_migration").fetchall()
    order = {dom: i for i, (dom, _) in enumerate(migration_sources())}
    return sorted(rows, key=lambda r: (order.get(r[0], len(order)), r[0], r[1]))


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
        try:
            con.execute("ROLLBACK")
        except duckdb.TransactionException:
            pass            # a failed COMMIT (e.g. disk full) has already ended the transaction
        raise
