"""Named intermediate results of one service call: run each at once, or fuse them into one query.

:func:`views` yields the ``put`` helper :mod:`qingshan.air.service` assembles its answers with:
``put(name, sql, params)`` names the result of a SQL step, ``put.values(name, table)`` names
values from outside (codes, names: an Arrow table, never SQL text), ``put.plan(...)`` runs the
plan's steps (:mod:`qingshan.air.plan`) of a level and period, ``put.frame(sql, params)`` reads
the answer as a pandas DataFrame.

Two ways of running, same SQL text, so the same figures:

* **eager** (default, the hourly chain): every step runs when it is named and its result is
  registered (an Arrow table) or, for the plan's steps, kept as a temporary table — right when
  each step reads millions of station-hours.
* **fused** (with a daily-row source, ``rows``; :mod:`qingshan.air.daily`): the steps are only
  recorded; :meth:`Views.frame` runs them *all* as one statement, each step a ``MATERIALIZED``
  common table expression in the order named (bound values in the same order). On the
  materialised daily rows the inputs are a few thousand rows and the cost of a step is
  the statement itself (parse, bind and the Python layer of the installed DuckDB: 20–110 ms
  each, ``benchmarks/RESULTS.md``), so one statement instead of ~25 is what makes a cold
  assessment fast. ``views(con, fused=True)`` fuses without daily rows: the province series'
  days of the whole stored span (:mod:`qingshan.air.province_days`) — over millions of
  station-hours one statement was faster too (0.59 → 0.40 s on the demo store,
  ``benchmarks/bench_cold_province.py``), as no step's rows come back to Python between steps.

The hook for the daily rows is explicit: ``rows`` is an object with ``plan_backend(backend,
period, rules, prefix)`` (the plan's backend with the daily steps read from the tables) and
``daily_stats(put, level, start, end, codes, province)`` (the service's daily statistics of a
station or city series, or ``None`` where the rows do not hold them: the province series).
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from qingshan.air.plan import run_assessment
from qingshan.backends import DuckDBBackend
from qingshan.core.sqlkit import quote_ident

__all__ = ["Views", "views"]

#: the names :class:`Views` gives (``_qs_<step>_<tag>_<n>``, plan steps ``_qs_plan_…``)
_NAME = re.compile(r"\b_qs_\w+")


class _Collect:
    """A plan backend that records each step as a common table expression of ``views``."""

    def __init__(self, owner: Views):
        self._owner = owner

    def materialize(self, name: str, query: str) -> None:
        self._owner._cte(name, query, [])

    view = materialize

    def drop(self, name: str) -> None:   # nothing was created
        return None


class Views:
    """The ``put`` of one service call (see the module docstring)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, rows: Any = None,
                 fused: bool | None = None):
        self.con, self.rows = con, rows
        self.fused = rows is not None if fused is None else fused
        self._tag = uuid.uuid4().hex[:8]
        self._names: list[str] = []          # registered Arrow tables
        self._planned: list[str] = []        # eager plan steps (temporary tables)
        self._ctes: list[tuple[str, str, list]] = []
        self._backend = DuckDBBackend(con)

    def _name(self, name: str) -> str:
        return f"_qs_{name}_{self._tag}_{len(self._names) + len(self._ctes)}"

    def _cte(self, full: str, sql: str, params: list) -> None:
        self._ctes.append((full, sql, list(params)))

    def __call__(self, name: str, sql: str, params: list | None = None) -> str:
        """Name the result of ``sql`` (values as bound ``params``); returns the name."""
        full = self._name(name)
        if self.fused:
            self._cte(full, sql, params or [])
        else:
            self.con.register(full, self.con.sql(sql, params=params).to_arrow_table())
            self._names.append(full)
        return full

    def values(self, name: str, table: pa.Table) -> str:
        """Register values from outside (codes, names) as a table: they never become SQL."""
        full = self._name(name)
        self.con.register(full, table)
        self._names.append(full)
        return full

    def plan(self, per, rules, level: str, prov) -> str:
        """The plan's steps of ``level`` for ``per`` on the store; returns their name prefix."""
        prefix = f"_qs_plan_{self._tag}_{len(self._planned) + len(self._ctes)}_"
        backend = _Collect(self) if self.fused else self._backend
        if self.rows is not None:
            backend = self.rows.plan_backend(backend, per, rules, prefix)
        names = run_assessment(backend, "air_hourly", "city_station", per,
                               code_col="station_code", weights=prov.composite_weights,
                               rules=rules, level=level, prefix=prefix)
        if not self.fused:
            self._planned.extend(names)
        return prefix

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """The answer: ``sql`` (a SELECT over the named steps) as a DataFrame; fused, one
        statement with every step recorded so far as a common table expression."""
        if not self._ctes:
            return self.con.sql(sql, params=params).df()
        return self.con.execute(*self._statement(sql, params)).df()

    def arrow(self, sql: str, params: list | None = None) -> pa.Table:
        """:meth:`frame` as an Arrow table (the same one statement when fused)."""
        if not self._ctes:
            return self.con.sql(sql, params=params).to_arrow_table()
        return execute_arrow(self.con, *self._statement(sql, params))

    def _statement(self, sql: str, params: list | None) -> tuple[str, list]:
        """``sql`` with every recorded step it reads as a ``MATERIALIZED`` common table
        expression, and the bound values in order."""
        ctes = self._needed(sql)
        head = ",\n".join(f"{quote_ident(n)} AS MATERIALIZED (\n{q}\n)" for n, q, _ in ctes)
        values = [v for _, _, p in ctes for v in p] + list(params or [])
        body = sql.lstrip()
        if not body[:6].upper() == "SELECT":
            body = f"SELECT * FROM ({sql}) AS _q"
        return f"WITH {head}\n{body}", values

    def _needed(self, sql: str) -> list[tuple[str, str, list]]:
        """The recorded steps ``sql`` reads, directly or through other steps, in their order
        (a step nothing reads — e.g. the plan's ranking when the service ranks itself — is left
        out of the statement: its text would only cost parsing and binding)."""
        # every name of this call starts with _qs_ (one scan of each text for such words)
        wanted, keep = set(_NAME.findall(sql)), set()
        for name, query, _ in reversed(self._ctes):
            if name in wanted:
                keep.add(name)
                wanted |= set(_NAME.findall(query))
        return [c for c in self._ctes if c[0] in keep]

    def close(self) -> None:
        for n in self._names:
            self.con.unregister(n)
        for n in reversed(self._planned):
            self._backend.drop(n)


def execute_arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
                  ) -> pa.Table:
    """``sql`` run by ``execute``, its answer as an Arrow table.

    ``execute``, not ``con.sql``: the installed DuckDB's relation API tokenizes the text in
    Python to find its parameter markers and binds it once more (~90 ms of a 15 kB statement).
    The extra copy DuckDB's warning speaks of is of the answer's rows only (an index table, a
    thousand days). The filter is this module's (the warning names the frame that asks for the
    table: this one), added again at each call: pytest and the server reset or share the
    process's filters, an equal filter replaces the former one, and ``catch_warnings`` would
    swap the process's filters under the server's threads."""
    warnings.filterwarnings("ignore", message="Arrow output on a DB-API result",
                            category=UserWarning, module=r"qingshan\.air\.views")
    return con.execute(sql, params or []).to_arrow_table()


@contextmanager
def views(con: duckdb.DuckDBPyConnection, rows: Any = None,
          fused: bool | None = None) -> Iterator[Views]:
    """A :class:`Views` for one service call; its registrations are dropped afterwards.
    ``fused``: record the steps and run them as one statement (default: when ``rows`` is
    given)."""
    v = Views(con, rows, fused)
    try:
        yield v
    finally:
        v.close()
