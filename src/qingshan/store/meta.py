"""Facts about the store itself (table ``store_meta``, store migration 0003): key → value.

The one key used today is :data:`SYNTHETIC`: the store holds generated demonstration data
(``qingshan demo``, :func:`qingshan.air.demo.load_demo`), so every bulletin made from it says
so (合成数据 / synthetic data). A store opened read-only before the migration has no table:
:func:`get_meta` then answers the default.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

__all__ = ["SYNTHETIC", "get_meta", "set_meta", "mark_synthetic", "synthetic"]

#: key of the synthetic-data flag; the value names what was generated (e.g. "air: qingshan
#: synthetic generator, seed 2025, 2024–2026")
SYNTHETIC = "synthetic"


def get_meta(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    """The value stored under ``key`` (``default`` when absent, or when the store predates
    ``store_meta``)."""
    try:
        rows = con.execute("SELECT value FROM store_meta WHERE key = ?", [key]).fetchall()
    except duckdb.CatalogException:
        return default
    return rows[0][0] if rows else default


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Store ``value`` under ``key`` (replacing an earlier value)."""
    con.execute("INSERT OR REPLACE INTO store_meta VALUES (?, ?, ?)",
                [key, str(value), datetime.now().replace(microsecond=0)])


def mark_synthetic(con: duckdb.DuckDBPyConnection, what: str) -> None:
    """Flag the store as holding synthetic data; ``what`` is added to the flag's description
    (``"; "``-separated, each part once)."""
    old = get_meta(con, SYNTHETIC)
    parts = [p for p in (old or "").split("; ") if p]
    if what not in parts:
        parts.append(what)
    set_meta(con, SYNTHETIC, "; ".join(parts))


def synthetic(con) -> str | None:
    """The synthetic-data description of the store, or None for a store of real data."""
    if con is None:
        return None
    return get_meta(con, SYNTHETIC)
