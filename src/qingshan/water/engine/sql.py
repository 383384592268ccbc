"""SQL text with its bound parameters, composed by the water engine's builders.

A builder returns a :class:`Q`: SQL text written by the code (never from input) and the values
it binds as named parameters (``$name``). Builders compose by putting one Q's text inside
another's and merging parameters (:func:`merge` refuses one name bound to two values). A whole
question is one statement, :func:`statement`: the lookup tables of the standards (GB 3838-2002
and GB 3097-1997 limits, parameter labels) as CTEs over bound lists, then the builders' CTEs,
then the final SELECT — it runs on any connection that holds the input tables (``water_sample``,
``water_section``, ``water_section_target``, ``coastal_point``, ``coastal_sample``); no
temporary table, no registered relation, no replacement scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import duckdb
import pandas as pd

__all__ = ["Q", "merge", "statement", "lookup_ctes", "run"]


@dataclass(frozen=True)
class Q:
    """SQL text and its named parameters."""

    sql: str
    params: dict = field(default_factory=dict)


def merge(*dicts: dict) -> dict:
    """Union of parameter dicts; one name bound to two different values is an error."""
    out: dict = {}
    for d in dicts:
        for k, v in d.items():
            if k in out and out[k] != v:
                raise ValueError(f"parameter ${k} bound to two values")
            out[k] = v
    return out


def _table_q(name: str, df: pd.DataFrame, types: dict[str, str]) -> Q:
    """CTE ``name AS (…)`` of ``df`` as parallel bound lists ``$name__column`` (unnested)."""
    cols = ", ".join(f"unnest(CAST(${name}__{c} AS {t}[])) AS {c}" for c, t in types.items())
    params = {f"{name}__{c}": [None if pd.isna(v) else v for v in df[c].tolist()]
              for c in types}
    return Q(f"{name} AS (SELECT {cols})", params)


_LIMIT_TYPES = {"parameter": "VARCHAR", "water_body": "VARCHAR", "class": "INTEGER",
                "lo": "DOUBLE", "lo_strict": "BOOLEAN", "hi": "DOUBLE"}


def lookup_ctes(labels: dict[str, str] | None = None, *, gb3838: pd.DataFrame | None = None,
                gb3097: pd.DataFrame | None = None) -> Q:
    """CTEs ``_wq_lim38``, ``_wq_lim97`` (parameter, water_body, class, lo, lo_strict, hi) and
    ``_wq_param`` (parameter, label, ord), the values bound as lists.

    ``gb3838`` / ``gb3097`` replace the bundled limit tables (same columns as
    ``surface.gb3838_limits()``), e.g. once an [M] value has been checked against the primary
    text; ``labels`` names the parameters (default: their codes).
    """
    parts = [_table_q("_wq_lim38", gb3838, _LIMIT_TYPES) if gb3838 is not None
             else _bundled("_wq_lim38"),
             _table_q("_wq_lim97", gb3097, _LIMIT_TYPES) if gb3097 is not None
             else _bundled("_wq_lim97"),
             _bundled("_wq_param", None if labels is None else tuple(labels.items()))]
    return Q(",\n".join(p.sql for p in parts), merge(*(p.params for p in parts)))


@lru_cache(maxsize=16)
def _bundled(name: str, labels: tuple | None = None) -> Q:
    """The CTE of a bundled table (built once per process: the standards' tables are constants
    of the code; the parameter labels per set of labels)."""
    from qingshan.water.engine.surface import param_table, gb3097_limits, gb3838_limits

    if name == "_wq_param":
        return _table_q(name, param_table(None if labels is None else dict(labels)),
                        {"parameter": "VARCHAR", "label": "VARCHAR", "ord": "INTEGER"})
    return _table_q(name, gb3838_limits() if name == "_wq_lim38" else gb3097_limits(),
                    _LIMIT_TYPES)


def statement(ctes: list[Q], select: Q, *, order_by: str = "",
              labels: dict[str, str] | None = None, gb3838: pd.DataFrame | None = None,
              gb3097: pd.DataFrame | None = None) -> Q:
    """One statement: the lookup CTEs, ``ctes`` (each ``name AS (…)``), then the rows of
    ``select`` (any query, with its own WITH or not) ordered by ``order_by`` (code's text)."""
    lk = lookup_ctes(labels, gb3838=gb3838, gb3097=gb3097)
    body = ",\n".join([lk.sql, *(c.sql for c in ctes)])
    order = f"\nORDER BY {order_by}" if order_by else ""
    return Q(f"WITH {body}\nSELECT * FROM ({select.sql}) _q{order}",
             merge(lk.params, *(c.params for c in ctes), select.params))


def run(con: duckdb.DuckDBPyConnection, q: Q) -> pd.DataFrame:
    """Execute one statement with its bound parameters; the result as a DataFrame."""
    return con.execute(q.sql, q.params).df()
