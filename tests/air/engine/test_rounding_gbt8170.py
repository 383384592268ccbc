"""GB/T 8170-2008 §3.3 rounding (四舍六入五成双) of DOUBLE values, exact on DuckDB and on Spark.

Every vector is a DOUBLE (the nearest binary fraction of the decimal written) rounded through
:func:`qingshan.core.rounding.gbt8170_sql`; the expected value is derived by hand from the
clause cited in its comment (examples marked "std" are the standard's own). One query per engine
evaluates all vectors. The Spark run goes through the backend's transpile path
(:class:`qingshan.backends.spark.SparkBackend` over the suite's shared ``spark_session``, skipped
without pyspark or Java), like ``tests/air/engine/test_aqi_spark.py``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from qingshan.core.rounding import gbt8170_sql

# (value, decimals, expected)
VECTORS = [
    # §3.3.1 leftmost dropped digit < 5: drop
    (12.1498, 1, 12.1),          # std example: to 1 decimal
    (12.1498, 0, 12.0),          # std example: to the units digit
    (34.4999, 0, 34.0),          # 4 dropped, the 9s after it do not count (§3.4: round once)
    (15.4546, 0, 15.0),          # §3.4 std example: not 15.455 -> 15.46 -> 15.5 -> 16
    # §3.3.2 leftmost dropped digit > 5: the last kept digit + 1
    (1268.0, -2, 1300.0),        # std example: to hundreds, 13 x 10^2
    (12.16, 1, 12.2),
    # §3.3.3 a 5 followed by any non-zero digit: + 1
    (10.5002, 0, 11.0),          # std example
    (12.251, 1, 12.3),
    (1.0500000001, 1, 1.1),      # non-zero digit at the 10th decimal still counts
    (1.2500000001, 1, 1.3),
    # §3.3.4 a 5 followed by nothing / zeros: kept digit odd -> + 1, even -> drop
    (0.35, 1, 0.4),              # std example (3 odd); DOUBLE 0.34999999999999997
    (1.05, 1, 1.0),              # std example 1.050 -> 10 x 10^-1 (0 even); DOUBLE 1.0500…04
    (2500.0, -3, 2000.0),        # std example: to thousands, 2 x 10^3
    (3500.0, -3, 4000.0),        # std example: 4 x 10^3
    (0.45, 1, 0.4),              # 4 even
    (0.15, 1, 0.2),              # 1 odd (CO mg/m3 to 0.1)
    (0.25, 1, 0.2),              # 2 even
    (0.1 + 0.15, 1, 0.2),        # a mean 0.25000000000000006: binary noise is no "non-zero digit"
    (1.15 * 3, 1, 3.4),          # 3.4499999999999997 is 3.45: 4 even
    (12.25, 1, 12.2),
    (12.35, 1, 12.4),
    (0.4625, 3, 0.462),          # 2 even; DOUBLE 0.46250000000000002
    (7.975, 2, 7.98),            # 7 odd; DOUBLE 7.97499999999999964
    (0.0625, 3, 0.062),
    (2.675, 2, 2.68),            # DOUBLE 2.67499999999999982
    (0.285, 2, 0.28),            # DOUBLE 0.28499999999999998
    (2.5, 0, 2.0), (3.5, 0, 4.0), (0.5, 0, 0.0), (1.5, 0, 2.0),
    (35.5, 0, 36.0), (36.5, 0, 36.0),
    (9.95, 1, 10.0),             # 9 odd: carries into the units
    (99.5, 0, 100.0),
    (0.05, 1, 0.0),
    (12345.5, 0, 12346.0),       # large values: 5 odd
    (1234567.125, 2, 1234567.12),   # 2 even (exact DOUBLE)
    (1234567.375, 2, 1234567.38),   # 7 odd (exact DOUBLE)
    (123456789.25, 1, 123456789.2),  # >= 1e8: the DECIMAL(38, 10) fallback; 2 even
    (123456789.75, 1, 123456789.8),  # fallback; 7 odd
    (7.0, 2, 7.0), (0.0, 1, 0.0),
    # §3.3.5 negative numbers: round the absolute value, put the sign back
    (-355.0, -1, -360.0),        # std example: -36 x 10
    (-325.0, -1, -320.0),        # std example: -32 x 10
    (-0.0365, 3, -0.036),        # std example: -36 x 10^-3
    (-0.35, 1, -0.4), (-0.45, 1, -0.4), (-1.05, 1, -1.0),
    (-2.5, 0, -2.0), (-3.5, 0, -4.0), (-0.5, 0, 0.0),
    (-12.251, 1, -12.3),         # with §3.3.3
    (-12.1498, 1, -12.1),        # with §3.3.1
    (-7.975, 2, -7.98),
    (-1234567.125, 2, -1234567.12),
    (-123456789.25, 1, -123456789.2),  # fallback
    # NULL stays NULL (no value to round)
    (None, 0, None), (None, 1, None),
]


def _table() -> pa.Table:
    return pa.table({"i": pa.array(range(len(VECTORS)), pa.int64()),
                     "x": pa.array([v[0] for v in VECTORS], pa.float64()),
                     "n": pa.array([v[1] for v in VECTORS], pa.int64())})


def _query(table: str) -> str:
    """One SELECT rounding every row to its own ``n`` (one gbt8170_sql per distinct n)."""
    whens = " ".join(f"WHEN {n} THEN {gbt8170_sql('x', n)}"
                     for n in sorted({v[1] for v in VECTORS}))
    return f"SELECT i, CASE n {whens} END AS r FROM {table} ORDER BY i"


def _check(got: list) -> None:
    bad = [(x, n, g, e) for (x, n, e), g in zip(VECTORS, got, strict=True) if g != e]
    assert not bad, bad


def _random_ties(n: int = 4000, seed: int = 11) -> tuple[list[float], list[int], list[float]]:
    """Decimals with up to 6 decimals below 2^18 (mostly ending in 5), their DOUBLEs, the
    decimals to keep and the GB/T 8170 result computed on the decimal itself."""
    rng = np.random.default_rng(seed)
    m = rng.integers(1, 7, n)                      # decimals written
    k = rng.integers(0, 262_143 * 10 ** m)
    k = np.where(rng.random(n) < 0.7, k - k % 10 + 5, k)   # 70 % end in 5
    k = np.where(rng.random(n) < 0.3, -k, k)
    keep = np.maximum(m - rng.integers(1, 3, n), 0)
    dec = [Decimal(int(a)).scaleb(-int(b)) for a, b in zip(k, m)]
    want = [float(d.quantize(Decimal(1).scaleb(-int(p)), ROUND_HALF_EVEN))
            for d, p in zip(dec, keep)]
    return [float(d) for d in dec], [int(p) for p in keep], want


def _random_query(table: str, keeps: list[int]) -> str:
    whens = " ".join(f"WHEN {n} THEN {gbt8170_sql('x', n)}" for n in sorted(set(keeps)))
    return f"SELECT i, CASE n {whens} END AS r FROM {table} ORDER BY i"


def _random_table(xs, keeps) -> pa.Table:
    return pa.table({"i": pa.array(range(len(xs)), pa.int64()), "x": pa.array(xs, pa.float64()),
                     "n": pa.array(keeps, pa.int64())})


# --- DuckDB --------------------------------------------------------------------------------------
def test_gbt8170_vectors_duckdb():
    con = duckdb.connect()
    con.register("v", _table())
    _check([r[1] for r in con.sql(_query("v")).fetchall()])


def test_gbt8170_random_ties_duckdb():
    # §3.3 on the decimal written, for decimal-origin DOUBLEs in the documented exact range
    xs, keeps, want = _random_ties()
    con = duckdb.connect()
    con.register("v", _random_table(xs, keeps))
    got = [r[1] for r in con.sql(_random_query("v", keeps)).fetchall()]
    bad = [(x, n, g, w) for x, n, g, w in zip(xs, keeps, got, want) if g != w]
    assert not bad, bad[:10]


def test_gbt8170_edge_cases_duckdb():
    con = duckdb.connect()
    # NaN and infinities have no decimal digits to round: NULL (no error)
    r = con.sql(f"SELECT {gbt8170_sql('x', 1)} FROM (SELECT unnest(['nan', 'inf', '-inf'])"
                "::DOUBLE AS x)").fetchall()
    assert r == [(None,), (None,), (None,)]
    # the result is the DOUBLE of the rounded decimal: it prints as that decimal
    r = con.sql(f"SELECT CAST({gbt8170_sql('x', 1)} AS VARCHAR), CAST({gbt8170_sql('x', 2)} "
                "AS VARCHAR) FROM (SELECT 0.35::DOUBLE AS x)").fetchall()
    assert r == [("0.4", "0.35")]
    # an arbitrary expression and a DECIMAL input work the same
    r = con.sql(f"SELECT {gbt8170_sql('100.0 * 7 / 20', 0)}, {gbt8170_sql('0.45', 1)}").fetchall()
    assert r == [(35.0, 0.4)]   # 35.0 exactly; DECIMAL literal 0.45 -> 0.4 (§3.3.4, 4 even)
    with pytest.raises(ValueError):
        gbt8170_sql("x", 10)


# --- Spark ---------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.xdist_group("spark")
def test_gbt8170_vectors_and_random_ties_spark(spark_backend):
    # the same SQL through the backend's sqlglot transpile path: same results as DuckDB
    spark_backend.register("gbt8170_v", _table())
    got = spark_backend.sql(_query("gbt8170_v")).column("r").to_pylist()
    _check(got)
    xs, keeps, want = _random_ties()
    spark_backend.register("gbt8170_r", _random_table(xs, keeps))
    got = spark_backend.sql(_random_query("gbt8170_r", keeps)).column("r").to_pylist()
    bad = [(x, n, g, w) for x, n, g, w in zip(xs, keeps, got, want) if g != w]
    assert not bad, bad[:10]
    spark_backend.drop("gbt8170_v")
    spark_backend.drop("gbt8170_r")
