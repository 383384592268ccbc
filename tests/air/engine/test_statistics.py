"""HJ 663 statistics engine: each rule with a hand-worked value (derivation in comments)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from qingshan.core.rounding import gbt8170_sql
from qingshan.air.engine.statistics import (
    aggregate_hourly_sql, daily_stats_sql, day_counts_sql, period_stats_sql, valid_hourly_sql,
)

POLS = ["so2", "no2", "co", "o3", "pm10", "pm25"]
D = datetime(2019, 7, 1)


def run(sql: str, **tables) -> pd.DataFrame:
    con = duckdb.connect()
    for name, df in tables.items():
        con.register(name, df)
    df = con.sql(sql).df()
    if "date" in df:  # pandas turns DATE into datetime64; compare as dates
        df["date"] = df["date"].dt.date
    return df


def hourly(values: dict[int, float], col: str = "o3", code: str = "S1", day: datetime = D,
           **other) -> pd.DataFrame:
    """Rows stamped day + h hours (h = 1..24 is the natural day; 24 = next day 00:00)."""
    rows = []
    for h, v in values.items():
        r = {"code": code, "time": day + timedelta(hours=h), **{p: None for p in POLS}}
        r[col] = v
        r.update(other)
        rows.append(r)
    df = pd.DataFrame(rows)
    for p in POLS:
        df[p] = df[p].astype("float64")
    return df


def hours_of(day: datetime = D, n_days: int = 1) -> pd.DataFrame:
    return pd.DataFrame({"time": [day + timedelta(hours=h) for h in range(1, 24 * n_days + 1)]})


# --- rounding: GB/T 8170 §3.3 "四舍六入五成双" -------------------------------------------------
@pytest.mark.parametrize("x,n,expected", [
    (0.25, 1, 0.2),   # 5 followed by nothing, previous digit 2 even -> stays 0.2
    (0.35, 1, 0.4),   # previous digit 3 odd -> 0.4
    (2.5, 0, 2.0), (3.5, 0, 4.0), (35.5, 0, 36.0),
    (1.2500000001, 1, 1.3),  # 5 followed by a non-zero digit rounds up
    (0.1 + 0.15, 1, 0.2),    # binary noise 0.25000000000000006 must not round up
    (34.4999, 0, 34.0),
])
def test_gbt8170(x, n, expected):
    got = run(f"SELECT {gbt8170_sql('x', n)} AS r FROM t", t=pd.DataFrame({"x": [x]}))
    assert got.r[0] == expected


# --- per-value validity ------------------------------------------------------------------------
def test_invalid_values_become_null():
    df = pd.DataFrame({"station_code": ["S1"], "time": [D], "so2": [-1.0], "no2": [5000.1],
                       "co": [150.0], "o3": [0.0], "pm10": [10000.0], "pm25": [5000.5]})
    r = run(valid_hourly_sql("t"), t=df).iloc[0]
    # negative and above MAX_PLAUSIBLE (no2 5000, pm25 5000) -> NULL; bounds themselves are valid
    assert pd.isna(r.so2) and pd.isna(r.no2) and pd.isna(r.pm25)
    assert r.co == 150.0 and r.o3 == 0.0 and r.pm10 == 10000.0


# --- city series = mean of valid stations (HJ 663, spec §2.6) ----------------------------------
def test_city_hourly_mean_of_valid_stations():
    h = pd.concat([hourly({1: 10.0}, "pm25", "S1"), hourly({1: 20.0}, "pm25", "S2"),
                   hourly({1: None}, "pm25", "S3")])
    members = pd.DataFrame({"city_code": ["C"] * 3, "station_code": ["S1", "S2", "S3"]})
    r = run(aggregate_hourly_sql("h", "m"), h=h, m=members)
    # (10 + 20) / 2 = 15: the NULL station is not counted
    assert r.pm25.tolist() == [15.0]


# --- daily mean: >= 20 valid hours (GB 3095 Table 4) -------------------------------------------
def test_daily_mean_20_vs_19_hours():
    # S20: values 1..20 at stamps 01:00..20:00 -> mean (1+20)/2 = 10.5, 20 hours -> valid
    # S19: values 1..19 -> mean 10, 19 hours -> invalid
    h = pd.concat([hourly({i: float(i) for i in range(1, 21)}, "pm25", "S20"),
                   hourly({i: float(i) for i in range(1, 20)}, "pm25", "S19")])
    r = run(daily_stats_sql("h", "hrs"), h=h, hrs=hours_of()).set_index("code")
    assert r.loc["S20", "pm25"] == 10.5 and r.loc["S20", "pm25_n"] == 20
    assert bool(r.loc["S20", "pm25_valid"])
    assert r.loc["S19", "pm25_n"] == 19 and not bool(r.loc["S19", "pm25_valid"])
    assert (r.date == date(2019, 7, 1)).all()


def test_natural_day_is_hour_ending():
    # stamp D+1 00:00 (h=24) belongs to day D; stamp D 00:00 (h=0) to day D-1
    h = hourly({0: 1000.0, **{i: 10.0 for i in range(5, 25)}}, "so2")
    r = run(daily_stats_sql("h"), h=h).set_index("date")
    assert r.loc[date(2019, 7, 1), "so2"] == 10.0 and r.loc[date(2019, 7, 1), "so2_n"] == 20
    assert r.loc[date(2019, 6, 30), "so2"] == 1000.0


# --- O3 8-h moving average: >= 6 of 8; MDA8 windows inside the natural day ---------------------
def test_mda8_full_day():
    # o3 = 10·h at stamps h = 1..24. Window ending at h averages 10·(h-7..h) = 10·(h-3.5).
    # 17 windows ending 8..24; max at h = 24 -> 10·20.5 = 205.
    r = run(daily_stats_sql("h", "hrs"), h=hourly({i: 10.0 * i for i in range(1, 25)}),
            hrs=hours_of()).iloc[0]
    assert r.o3_8h_max == 205.0 and r.o3_8h_n == 17 and bool(r.o3_8h_max_valid)
    assert r.o3_1h_max == 240.0 and r.o3_1h_n == 24


def test_8h_window_6_vs_5_of_8():
    # Stamps 01, 02 missing: window ending 08 has 6 of 8 -> valid, all 17 windows valid.
    two = {i: 50.0 for i in range(3, 25)}
    # Stamps 01, 02, 03 missing: window ending 08 has 5 -> invalid; window ending 09 (02..09)
    # has 6 -> valid; so 16 valid windows.
    three = {i: 50.0 for i in range(4, 25)}
    for hrs in (hours_of(), None):  # with an hour grid, and with rows simply absent
        r2 = run(daily_stats_sql("h", "hrs" if hrs is not None else None), h=hourly(two),
                 **({"hrs": hrs} if hrs is not None else {})).iloc[0]
        r3 = run(daily_stats_sql("h", "hrs" if hrs is not None else None), h=hourly(three),
                 **({"hrs": hrs} if hrs is not None else {})).iloc[0]
        assert r2.o3_8h_n == 17
        assert r3.o3_8h_n == 16


def test_window_ending_at_missing_hour_counts_with_grid():
    # Only stamp 24 missing: the window ending at 24 (17..24) has 7 valid values -> valid.
    # With the hour grid it exists (17 windows); without a grid no row ends there (16).
    h = hourly({i: 50.0 for i in range(1, 24)})
    assert run(daily_stats_sql("h", "hrs"), h=h, hrs=hours_of()).o3_8h_n[0] == 17
    assert run(daily_stats_sql("h"), h=h).o3_8h_n[0] == 16


def test_mda8_14_vs_13_windows_and_exception():
    # valid stamps 01..19: windows ending 08..19 (12) + 20 (13..20: 7 valid) + 21 (14..21: 6)
    # = 14 -> valid.  Stamps 01..18: 08..18 (11) + 19 (7) + 20 (6) = 13 -> invalid ...
    r14 = run(daily_stats_sql("h", "hrs"), h=hourly({i: 100.0 for i in range(1, 20)}),
              hrs=hours_of()).iloc[0]
    r13 = run(daily_stats_sql("h", "hrs"), h=hourly({i: 100.0 for i in range(1, 19)}),
              hrs=hours_of()).iloc[0]
    assert (r14.o3_8h_n, bool(r14.o3_8h_max_valid)) == (14, True)
    assert (r13.o3_8h_n, bool(r13.o3_8h_max_valid)) == (13, False)
    # ... unless the MDA8 exceeds the limit 160 (HJ 663 §6.1.2): 170 everywhere -> MDA8 170, valid
    r13x = run(daily_stats_sql("h", "hrs"), h=hourly({i: 170.0 for i in range(1, 19)}),
               hrs=hours_of()).iloc[0]
    assert r13x.o3_8h_max == 170.0 and bool(r13x.o3_8h_max_valid)
    # exactly 160 is not "above the limit"
    r13e = run(daily_stats_sql("h", "hrs"), h=hourly({i: 160.0 for i in range(1, 19)}),
               hrs=hours_of()).iloc[0]
    assert not bool(r13e.o3_8h_max_valid)


def test_midnight_spanning_windows_not_used():
    # Day 1: 300 at stamps 17..24; day 2: 20 at all its stamps (25..48).
    # Windows ending day-2 01:00..07:00 mix day 1's 300s (e.g. ending 25: 18..25 -> 265) but lie
    # partly in day 1, so day 2's MDA8 uses windows ending 32..48 only: all 20.
    vals = {**{i: 20.0 for i in range(1, 17)}, **{i: 300.0 for i in range(17, 25)},
            **{i: 20.0 for i in range(25, 49)}}
    r = run(daily_stats_sql("h", "hrs"), h=hourly(vals), hrs=hours_of(n_days=2)).set_index("date")
    assert r.loc[date(2019, 7, 2), "o3_8h_max"] == 20.0
    assert r.loc[date(2019, 7, 1), "o3_8h_max"] == 300.0  # window ending 24 = stamps 17..24


# --- period statistics -------------------------------------------------------------------------
def daily(dates: list[date], values: list[float], col: str = "pm25", code: str = "S1"):
    stats = ["so2", "no2", "co", "pm10", "pm25", "o3_8h_max", "o3_1h_max"]
    df = pd.DataFrame({"code": code, "date": dates})
    for s in stats:
        df[s] = float("nan")
        df[f"{s}_valid"] = False
    df[col] = values
    df[f"{col}_valid"] = True
    return df


def test_percentile_appendix_a():
    # x sorted: 5 7 9 12 14 18 21 25 30 40 (n = 10)
    # P95: k = 1 + 9·0.95 = 9.55 -> X(9) + 0.55·(X(10) − X(9)) = 30 + 5.5 = 35.5 -> GB/T 8170 36
    # P90: k = 9.1 -> 30 + 0.1·10 = 31;  P98: k = 9.82 -> 30 + 8.2 = 38.2 -> 38
    x = [12, 5, 30, 7, 21, 18, 9, 25, 14, 40]
    days = [date(2019, 7, i) for i in range(1, 11)]
    df = pd.concat([daily(days, x, "pm25"), daily(days, x, "o3_8h_max", "S2"),
                    daily(days, x, "so2", "S3")])
    raw = run(period_stats_sql("d", "month", rounded=False), d=df).set_index("code")
    assert raw.loc["S1", "pm25_p95"] == pytest.approx(35.5)
    assert raw.loc["S2", "o3_8h_p90"] == pytest.approx(31.0)
    assert raw.loc["S3", "so2_p98"] == pytest.approx(38.2)
    assert raw.loc["S1", "pm25"] == pytest.approx(18.1)  # 181 / 10
    r = run(period_stats_sql("d", "month"), d=df).set_index("code")
    assert r.loc["S1", "pm25_p95"] == 36.0 and r.loc["S3", "so2_p98"] == 38.0
    assert r.loc["S1", "pm25"] == 18.0 and r.loc["S1", "pm25_days"] == 10
    assert not bool(r.loc["S1", "pm25_valid"])  # 10 < 27 days


def test_percentile_on_integer_position():
    # n = 21, P95: k = 1 + 20·0.95 = 20 -> X(20) exactly = 20 (values 1..21)
    df = daily([date(2019, 7, i) for i in range(1, 22)], list(range(1, 22)), "co")
    assert run(period_stats_sql("d", "month", rounded=False), d=df).co_p95[0] == 20.0


def _count_valid(kind, d0, n, per_month=None):
    """``n`` consecutive days from ``d0``, or ``per_month`` = the first k days of each month."""
    if per_month is None:
        days = [d0 + timedelta(days=i) for i in range(n)]
    else:
        days = [date(d0.year, m, d) for m, k in per_month.items() for d in range(1, k + 1)]
        assert len(days) == n
    df = daily(days, [10.0] * n, "no2")
    r = run(period_stats_sql("d", kind), d=df)
    assert len(r) == 1, r
    return bool(r.no2_valid[0])


# 31 + 25 + 31 + 30 + 31 + 7 · 27 = 337 ≥ 324, every month ≥ its minimum
_YEAR_OK = {m: 27 for m in range(1, 13)} | {1: 31, 2: 25, 3: 31, 4: 30, 5: 31}


@pytest.mark.parametrize("kind,d0,n,per_month,valid", [
    ("month", date(2019, 2, 1), 25, None, True),    # February: >= 25
    ("month", date(2019, 2, 1), 24, None, False),
    ("month", date(2020, 2, 1), 25, None, True),    # leap year: still 25 of 29
    ("month", date(2020, 2, 1), 24, None, False),
    ("month", date(2019, 3, 1), 27, None, True),    # other months: >= 27
    ("month", date(2019, 3, 1), 26, None, False),
    # year: >= 324 AND every month >= 27 (February 25), GB 3095-2012 Table 4
    ("year", date(2019, 1, 1), 337, _YEAR_OK, True),
    ("year", date(2019, 1, 1), 324, None, False),   # 324 days Jan 1 … Nov 20: December empty
    ("year", date(2019, 1, 1), 323, None, False),
    ("quarter", date(2019, 1, 1), 79, {1: 27, 2: 25, 3: 27}, True),  # 27 + 25 + 27
    ("quarter", date(2019, 1, 1), 78, {1: 27, 2: 25, 3: 26}, False),
    ("quarter", date(2019, 1, 1), 79, None, False),   # Jan 31, Feb 28, Mar 20: March short
    ("quarter", date(2019, 7, 1), 81, {7: 27, 8: 27, 9: 27}, True),
    ("quarter", date(2019, 7, 1), 80, None, False),
])
def test_period_minimum_days(kind, d0, n, per_month, valid):
    assert _count_valid(kind, d0, n, per_month) is valid


def test_year_needs_324_even_when_every_month_has_27():
    # 12 · 27 = 324 exactly: valid; 11 · 27 + 25 = 322 has every month's minimum but < 324
    assert _count_valid("year", date(2019, 1, 1), 324, {m: 27 for m in range(1, 13)})
    assert not _count_valid("year", date(2019, 1, 1), 322,
                            {m: (25 if m == 2 else 27) for m in range(1, 13)})


def test_invalid_days_excluded_from_mean():
    # days 1..3 valid 10, 20, 30 and day 4 invalid 1000 -> mean 20 over 3 days
    df = daily([date(2019, 7, i) for i in range(1, 5)], [10.0, 20.0, 30.0, 1000.0], "pm10")
    df.loc[3, "pm10_valid"] = False
    r = run(period_stats_sql("d", "month"), d=df)
    assert r.pm10[0] == 20.0 and r.pm10_days[0] == 3


def test_day_counts():
    # AQI 50, 100 (good), 101, 201 (heavy), 301 (heavy + severe), one invalid day
    df = pd.DataFrame({"code": "C", "date": [date(2019, 7, i) for i in range(1, 7)],
                       "aqi": [50, 100, 101, 201, 301, 20],
                       "aqi_valid": [True] * 5 + [False]})
    r = run(day_counts_sql("d", "month"), d=df).iloc[0]
    # good 2 of 5 valid days = 40.0 %
    assert (r.days, r.aqi_days, r.good_days, r.heavy_days, r.severe_days) == (6, 5, 2, 2, 1)
    assert r.good_day_ratio == 40.0


# --- portability: every builder's SQL transpiles to Spark SQL (sqlglot) -----------------------
def test_builders_transpile_to_spark():
    import sqlglot

    from qingshan.air.engine.compliance import annual_compliance_sql, limits_for
    from qingshan.air.engine.ranking import index_sql, rank_sql
    from qingshan.air.engine.statistics import (
        aggregate_daily_sql, daily_rounded_sql, moving_means_sql, region_mean_sql,
    )

    sqls = [valid_hourly_sql("h"), aggregate_hourly_sql("h", "m"), daily_stats_sql("h", "g"),
            daily_rounded_sql("d"), moving_means_sql("h", "g"), aggregate_daily_sql("d", "m"),
            region_mean_sql("r", "370000"),
            period_stats_sql("d", "month"), period_stats_sql("d", "year"),
            period_stats_sql("d", "quarter"), day_counts_sql("d", "month"),
            annual_compliance_sql("s", limits_for(date(2019, 1, 1))), index_sql("s"),
            rank_sql("s", "composite_index")]
    for sql in sqls:
        out = sqlglot.transpile(sql, read="duckdb", write="spark")
        assert len(out) == 1 and out[0].upper().startswith(("SELECT", "WITH"))
