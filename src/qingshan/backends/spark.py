"""Apache Spark backend: runs the engine's DuckDB-dialect SQL on a Spark session.

The SQL is transpiled with ``sqlglot`` (read ``duckdb``, write ``spark``) and then these mappings
are applied on the syntax tree, each with the reason it is exact:

* ``round_even(x, n)`` → ``BROUND(x, n)``: on a DECIMAL both round half to even exactly. The
  engine applies it only to a DECIMAL — the |x| ≥ 10^8 fallback of the GB/T 8170 rounding, whose
  main path is plain ``TRY_CAST``/``ROUND``/``%``/``CASE`` that sqlglot passes through (see
  :mod:`qingshan.core.rounding`). On a DOUBLE they differ (DuckDB ≥ 2 rounds the binary value,
  Spark the DOUBLE's decimal string), so engine SQL never applies ``round_even`` to a DOUBLE;
* ``quantile_cont(x, p)`` → ``PERCENTILE(x, p)``: Spark's exact percentile interpolates linearly
  between order statistics at rank 1 + (n−1)·p, the same definition as DuckDB's
  ``quantile_cont`` and HJ 663 Appendix A;
* ``epoch(t)`` → ``UNIX_TIMESTAMP(t)`` (sqlglot's own mapping): seconds since 1970 in the session
  time zone, which this backend pins to UTC so naive (Beijing wall-clock) timestamps keep their
  values and hour arithmetic has no daylight-saving jumps;
* DuckDB ``TIMESTAMP`` literals/casts → Spark ``TIMESTAMP`` (session-zone, pinned to UTC)
  rather than ``TIMESTAMP_NTZ``, matching how inputs are registered;
* ``SELECT * EXCLUDE (c)`` → the input's columns minus ``c`` when the input is a named table/view
  (Spark SQL has no ``* EXCEPT``); the column list is read from the Spark catalog.

Session settings: ``spark.sql.session.timeZone=UTC``, Arrow transfer enabled. Results come back as
Arrow tables with naive timestamps.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from qingshan.backends import Backend, Source

__all__ = ["SparkBackend", "to_spark_sql", "DEFAULT_CONF", "SMALL_LOCAL_CONF"]

DEFAULT_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "4g",
}

#: Extra settings for a short-lived local session over small inputs (the test suite's shared
#: session, ``tests/conftest.py``): one partition and no adaptive re-planning (a few thousand rows
#: per step; each shuffle partition and AQE stage is a scheduled task), no whole-stage code
#: generation (the AQI's wide CASE expressions cost more to compile than to interpret on such
#: inputs), uncompressed cache, and a driver JVM that stops at the C1 JIT tier with the serial
#: GC (no C2 compilation threads competing for the cores in a run of a few minutes). None of them
#: changes a result: they choose plans, partitioning and JVM code paths, not semantics. Measured
#: on the 17-step plan over 3 stations × 92 days (2 busy cores): JVM CPU 205 s → 94 s for the run,
#: 22 s → 12 s to start. Not for production data (no AQE, one partition, no C2 JIT).
SMALL_LOCAL_CONF = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


#: built (parsed) once: building it per cast was half of the transpiler's time on the AQI steps
_TIMESTAMP = exp.DataType.build("TIMESTAMP", dialect="spark")


def _map_functions(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.TIMESTAMP,
                                                        exp.DataType.Type.TIMESTAMPNTZ):
        # DuckDB TIMESTAMP is naive; inputs are registered as UTC timestamps of the same wall
        # clock, so keep Spark's TIMESTAMP (not TIMESTAMP_NTZ) to compare like with like
        return _TIMESTAMP.copy()
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "round_even":
        return exp.Anonymous(this="BROUND", expressions=node.expressions)
    if isinstance(node, (exp.PercentileCont, exp.Quantile)):
        return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
    return node


def to_spark_sql(sql: str, columns_of: Any = None) -> str:
    """Transpile one engine SQL statement (DuckDB dialect) to Spark SQL.

    Parameters
    ----------
    sql : str
        The statement as the engine builds it.
    columns_of : callable, optional
        ``name -> list of column names`` of a registered table/view, used to expand
        ``* EXCLUDE (...)``; without it such a statement raises ``ValueError``.
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = tree.transform(_map_functions)
    ctes = {c.alias_or_name: c.this for c in tree.find_all(exp.CTE)}
    for star in list(tree.find_all(exp.Star)):
        excl = star.args.get("except_") or star.args.get("except")
        if not excl:
            continue
        select = star.parent
        names = {c.name for c in excl}
        src = select.args.get("from_") or select.args.get("from")
        table = src.this if src else None
        cols = None
        if isinstance(table, exp.Table):
            if table.name in ctes:
                cols = _output_columns(ctes[table.name], columns_of, ctes)
            elif columns_of is not None:
                cols = list(columns_of(table.name))
        if cols is None:
            raise ValueError(f"cannot expand * EXCLUDE over {src}: input columns unknown")
        star.replace(exp.Tuple(expressions=[exp.column(c) for c in cols if c not in names]))
    return _unwrap_tuples(tree)


def _unwrap_tuples(tree: exp.Expression) -> str:
    """Splice the column tuples that replaced ``* EXCLUDE`` into their SELECT lists."""
    for t in list(tree.find_all(exp.Tuple)):
        if isinstance(t.parent, exp.Select) and t in t.parent.expressions:
            sel = t.parent
            new = []
            for e in sel.expressions:
                new.extend(e.expressions if e is t else [e])
            sel.set("expressions", new)
    return tree.sql(dialect="spark")


def _output_columns(select: exp.Expression, columns_of: Any, ctes: dict) -> list[str] | None:
    """Output column names of a CTE body (``*`` expanded through its FROM input)."""
    if not isinstance(select, exp.Select):
        return None
    out: list[str] = []
    for e in select.expressions:
        if isinstance(e, exp.Star):
            src = select.args.get("from_") or select.args.get("from")
            t = src.this if src else None
            if not isinstance(t, exp.Table):
                return None
            inner = (_output_columns(ctes[t.name], columns_of, ctes) if t.name in ctes
                     else list(columns_of(t.name)) if columns_of else None)
            if inner is None:
                return None
            out.extend(inner)
        else:
            out.append(e.alias_or_name)
    return out


class SparkBackend(Backend):
    """Spark SQL backend (PySpark; local mode by default).

    Parameters
    ----------
    master : str
        ``local[*]`` (default), ``local[2]``, ``spark://host:7077``, ``yarn``, ``k8s://…``.
    conf : dict, optional
        Extra Spark settings, merged over :data:`DEFAULT_CONF`.
    session : pyspark.sql.SparkSession, optional
        Use an existing session (then ``master`` and ``conf`` are ignored and
        :meth:`close` leaves it running).
    """

    name = "spark"

    def __init__(self, master: str | None = None, conf: dict | None = None,
                 session: Any = None, app_name: str = "qingshan") -> None:
        from pyspark.sql import SparkSession

        self._own = session is None
        if session is None:
            b = SparkSession.builder.appName(app_name).master(
                master or os.environ.get("QINGSHAN_SPARK_MASTER", "local[*]"))
            for k, v in {**DEFAULT_CONF, **(conf or {})}.items():
                b = b.config(k, v)
            session = b.getOrCreate()
        self.spark = session
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        self.spark.sparkContext.setLogLevel("ERROR")
        self._cached: dict[str, Any] = {}           # name → frame, in the order materialised
        self._local = str(self.spark.sparkContext.master).startswith("local")

    def register(self, name: str, source: Source) -> None:
        if isinstance(source, (str, Path)):
            frame = self.spark.read.parquet(str(source))
        else:
            if isinstance(source, pd.DataFrame):
                source = pa.Table.from_pandas(source, preserve_index=False)
            frame = self.spark.createDataFrame(_naive_to_utc(source))
        frame.createOrReplaceTempView(name)

    def columns(self, name: str) -> list[str]:
        """Column names of a registered input or result."""
        return self.spark.table(name).columns

    def transpile(self, query: str) -> str:
        """The Spark SQL text that :meth:`sql` runs for ``query``."""
        return to_spark_sql(query, self.columns)

    def sql(self, query: str) -> pa.Table:
        return _utc_to_naive(self.spark.sql(self.transpile(query)).toArrow())

    def materialize(self, name: str, query: str) -> None:
        """Compute ``query`` once and keep it as ``name``. In local mode (one JVM: no executor
        can be lost apart from the driver) the result is a *local checkpoint* — its plan is a
        leaf, so a later step that reads it is planned without re-analysing (and matching
        against the cache) the whole chain of steps before it: the 17 steps of one assessment
        plan take half the time. On a cluster it is ``cache()``: a lost executor's part is
        recomputed from the lineage."""
        frame = self.spark.sql(self.transpile(query))
        if self._local:
            frame = frame.localCheckpoint(eager=True)
        else:
            frame = frame.cache()
            frame.count()
        old = self._cached.pop(name, None)
        frame.createOrReplaceTempView(name)
        if old is not None:
            self._release(old)
        self._cached[name] = frame

    def _release(self, frame: Any) -> None:
        if not self._local:
            frame.unpersist()
            return
        try:   # the checkpointed RDD under the frame's leaf plan (LogicalRDD)
            frame._jdf.queryExecution().logical().rdd().unpersist(False)
        except Exception:   # pragma: no cover — left to Spark's context cleaner
            pass

    def view(self, name: str, query: str) -> None:
        self.spark.sql(self.transpile(query)).createOrReplaceTempView(name)

    def drop(self, name: str) -> None:
        frame = self._cached.pop(name, None)
        self.spark.catalog.dropTempView(name)
        if frame is not None:
            self._release(frame)

    def close(self) -> None:
        # the last materialised first: a step is uncached when no cached step reads it any more
        # (uncaching a step that later cached steps read makes Spark rebuild each of theirs —
        # 25–30 s for the 17 steps of one assessment plan)
        for n in reversed(list(self._cached)):
            self.drop(n)
        if self._own:
            self.spark.stop()


def _naive_to_utc(t: pa.Table) -> pa.Table:
    """Naive timestamps → UTC-zoned with the same wall clock (session time zone is UTC)."""
    cols = []
    for f, c in zip(t.schema, t.columns):
        if pa.types.is_timestamp(f.type) and f.type.tz is None:
            c = c.cast(pa.timestamp("us", tz="UTC"))
        cols.append(c)
    return pa.table(cols, names=t.column_names)


def _utc_to_naive(t: pa.Table) -> pa.Table:
    cols = []
    for f, c in zip(t.schema, t.columns):
        if pa.types.is_timestamp(f.type) and f.type.tz is not None:
            c = c.cast(pa.timestamp("us"))
        cols.append(c)
    return pa.table(cols, names=t.column_names)
