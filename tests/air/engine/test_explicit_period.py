"""One explicit period (half-year, run of months …) in the HJ 663 period builders, and the
valid-day minimums of every period kind (GB 3095 Table 4; choice [M] of qingshan.air.rules)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from qingshan.air.engine.statistics import day_counts_sql, period_stats_sql
from qingshan.air.rules import min_valid_days, rules_for_period

_STATS = ("so2", "no2", "co", "pm10", "pm25", "o3_8h_max")


@pytest.mark.parametrize("period,days", [
    ("2019-01", 27), ("2019-02", 25), ("2020-02", 25),   # GB 3095 Table 4
    ("2019", 324),                                        # a year keeps its own 324
    ("2019-Q1", 79), ("2019-Q2", 81), ("2019-Q3", 81), ("2019-Q4", 81),  # 27+25+27, 3·27
    ("2019-H1", 160),   # 27 + 25 + 27 + 27 + 27 + 27
    ("2019-H2", 162),   # 6 · 27
    ("2019-01..2019-05", 133),   # 27 + 25 + 27 + 27 + 27
    ("2019-11..2020-02", 106),   # 27 + 27 + 27 + 25 (a heating season across the year end)
])
def test_min_valid_days(period, days):
    assert min_valid_days(period) == days


def test_period_spanning_the_2026_switch_is_refused_with_its_parts_under_policy_refuse():
    with pytest.raises(ValueError, match="assess 2026-01..2026-02 and 2026-03..2026-12"):
        rules_for_period("2026", policy="refuse")


def _daily(n: int, start: date, pm25: list[float]) -> pd.DataFrame:
    rows = pd.DataFrame({"code": "A", "date": [start + timedelta(days=i) for i in range(n)]})
    for s in _STATS:
        rows[s] = 10.0
        rows[f"{s}_valid"] = True
    rows["pm25"] = pm25
    return rows


def _run(sql: str, **tables) -> pd.DataFrame:
    con = duckdb.connect()
    for k, v in tables.items():
        con.register(k, v)
    return con.sql(sql).df()


def test_one_explicit_period_spans_its_months():
    # 2019-01..2019-05 = 151 days; PM2.5 1, 2, …, 151 -> mean 76 over all 151 days, one row
    # (date_trunc by month would give five); 151 ≥ 133 valid days -> valid
    df = _daily(151, date(2019, 1, 1), [float(i) for i in range(1, 152)])
    r = _run(period_stats_sql("d", start=date(2019, 1, 1), min_days=133), d=df)
    assert len(r) == 1
    row = r.iloc[0]
    assert row.period_start.date() == date(2019, 1, 1)
    assert (row.days, row.pm25, row.pm25_days, bool(row.pm25_valid)) == (151, 76.0, 151, True)
    # P95 (HJ 663 Appendix A): k = 1 + 150·0.95 = 143.5 -> 143 + 0.5 = 143.5 -> 144 (GB/T 8170,
    # half to even)
    assert row.pm25_p95 == 144.0


def test_explicit_period_minimum_is_the_given_number():
    df = _daily(133, date(2019, 1, 1), [10.0] * 133)
    df.loc[0, "pm25_valid"] = False      # 132 valid PM2.5 days < 133
    r = _run(period_stats_sql("d", start=date(2019, 1, 1), min_days=133), d=df).iloc[0]
    assert (bool(r.pm25_valid), bool(r.so2_valid)) == (False, True)


def test_explicit_period_day_counts():
    df = pd.DataFrame({"code": "C", "date": [date(2019, 1, 1) + timedelta(days=40 * i)
                                             for i in range(4)],   # Jan, Feb, Mar, Apr
                       "aqi": [50, 150, 250, 90], "aqi_valid": True})
    r = _run(day_counts_sql("d", start=date(2019, 1, 1)), d=df)
    assert len(r) == 1
    r = r.iloc[0]
    assert (r.days, r.aqi_days, r.good_days, r.heavy_days, r.good_day_ratio) == (4, 4, 2, 1, 50.0)


@pytest.mark.parametrize("bad", [dict(start="2019-01-01", min_days=1),
                                 dict(start=date(2019, 1, 1), min_days="1; DROP"),
                                 dict(start=date(2019, 1, 1), min_days=None)])
def test_explicit_period_takes_typed_values_only(bad):
    with pytest.raises(TypeError):
        period_stats_sql("d", **bad)
