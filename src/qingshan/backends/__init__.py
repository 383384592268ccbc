"""Execution backends for the engine's SQL: DuckDB (default) and Apache Spark.

The engine (``qingshan.air.engine``) builds SQL strings over *named inputs*. A backend registers inputs
under names (an Arrow table, a pandas DataFrame or Parquet data — a file, a folder of files or a
hive-partitioned tree such as ``year=2025/month=01/…``) and runs those SQL strings unchanged:

* :class:`DuckDBBackend` runs them directly (in-process, the default);
* :class:`~qingshan.backends.spark.SparkBackend` transpiles them with ``sqlglot`` (DuckDB →
  Spark SQL, plus the few mappings in :func:`qingshan.backends.spark.to_spark_sql`) and runs them
  on a Spark session — local mode on one machine, or a cluster given by its master URL.

>>> be = get_backend("duckdb")
>>> be.register("t", pa.table({"x": [1.0, 2.0]}))
>>> be.sql("SELECT sum(x) AS s FROM t").to_pylist()
[{'s': 3.0}]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from qingshan.core.sqlkit import quote_ident

__all__ = ["Backend", "DuckDBBackend", "BACKENDS", "get_backend", "parquet_glob"]

BACKENDS = ("duckdb", "spark")
Source = pa.Table | pd.DataFrame | str | Path


def parquet_glob(path: str | Path) -> str:
    """A Parquet file as is; a folder as ``folder/**/*.parquet`` (hive partitions included)."""
    p = Path(path)
    return str(p / "**" / "*.parquet") if p.is_dir() else str(p)


class Backend(ABC):
    """Register named inputs and run SQL (DuckDB dialect, as the engine writes it) on them."""

    name: str = ""

    @abstractmethod
    def register(self, name: str, source: Source) -> None:
        """Make ``source`` (Arrow table, pandas DataFrame or Parquet path) queryable as ``name``."""

    @abstractmethod
    def sql(self, query: str) -> pa.Table:
        """Run ``query`` and return the whole result as an Arrow table."""

    @abstractmethod
    def materialize(self, name: str, query: str) -> None:
        """Compute ``query`` once and keep the result queryable as ``name``."""

    @abstractmethod
    def view(self, name: str, query: str) -> None:
        """Keep ``query`` queryable as ``name`` without computing it (recomputed on use)."""

    @abstractmethod
    def drop(self, name: str) -> None:
        """Forget the input or result ``name``."""

    def df(self, query: str) -> pd.DataFrame:
        """Run ``query`` and return a pandas DataFrame."""
        return self.sql(query).to_pandas()

    def count(self, name: str) -> int:
        """Number of rows of ``name``."""
        return int(self.sql(f"SELECT count(*) AS n FROM {quote_ident(name)}").column(0)[0].as_py())

    def close(self) -> None:  # noqa: B027 - optional hook, not abstract
        """Release resources (a no-op unless the backend owns them)."""

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class DuckDBBackend(Backend):
    """In-process DuckDB. ``con``: an existing connection (e.g. a qingshan store) or a new one.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
        Connection to use; by default a new in-memory database (closed by :meth:`close`).
    threads, memory_limit : optional
        DuckDB settings (e.g. ``threads=2``, ``memory_limit="4GB"``).
    """

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None, *,
                 threads: int | None = None, memory_limit: str | None = None) -> None:
        self._own = con is None
        self.con = con if con is not None else duckdb.connect()
        if self._own:  # results need no insertion order; saves memory on large tables
            self.con.execute("SET preserve_insertion_order = false")
        if threads:
            self.con.execute("SET threads = ?", [int(threads)])
        if memory_limit:
            self.con.execute("SET memory_limit = ?", [str(memory_limit)])
        self._registered: set[str] = set()

    def register(self, name: str, source: Source) -> None:
        if isinstance(source, (str, Path)):
            # the path is a value, never SQL text: read it as a relation, registered like a table
            source = self.con.read_parquet(parquet_glob(source), hive_partitioning=True)
        self.con.register(name, source)
        self._registered.add(name)

    def sql(self, query: str) -> pa.Table:
        return self.con.sql(query).to_arrow_table()

    def materialize(self, name: str, query: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS {query}")

    def view(self, name: str, query: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(name)} AS {query}")

    def drop(self, name: str) -> None:
        if name in self._registered:
            self.con.unregister(name)
            self._registered.discard(name)
            return
        kind = self.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = ? "
            "AND table_schema LIKE 'temp%' OR (table_name = ? AND table_schema = 'main')",
            [name, name]).fetchall()
        if kind:
            what = "VIEW" if kind[0][0] == "VIEW" else "TABLE"
            self.con.execute(f"DROP {what} IF EXISTS {quote_ident(name)}")

    def close(self) -> None:
        if self._own:
            self.con.close()


def get_backend(name: str = "duckdb", **options: Any) -> Backend:
    """The backend called ``name`` ("duckdb" or "spark"), built with ``options``.

    DuckDB options: ``con``, ``threads``, ``memory_limit``. Spark options: ``master``
    (default ``local[*]``; a cluster URL such as ``spark://host:7077`` or ``yarn``),
    ``conf`` (dict of Spark settings), ``session`` (an existing SparkSession).
    """
    if name == "duckdb":
        return DuckDBBackend(**options)
    if name == "spark":
        from qingshan.backends.spark import SparkBackend
        return SparkBackend(**options)
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
