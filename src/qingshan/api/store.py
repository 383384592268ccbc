"""The server's store handle: one DuckDB connection, a cursor per request, a lock for writes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from qingshan.config.province import ProvinceConfig
from qingshan.store import connect
from qingshan.store.province import sync_province

__all__ = ["Store"]


class Store:
    """Owns the connection of a running server.

    The store is opened once, read-write, so the province configuration can be synced and
    uploads can be stored (``read_only=True`` opens it read-only and refuses uploads). Every
    request reads through its own ``con.cursor()``; writes are serialised by a lock.
    """

    def __init__(self, db: str | Path, province: ProvinceConfig, read_only: bool = False):
        self.path, self.province, self.read_only = str(db), province, read_only
        self._con = connect(self.path, read_only=read_only)
        if not read_only:
            sync_province(self._con, province)
        self.write_lock = threading.Lock()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        self._con.close()
