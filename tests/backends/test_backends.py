"""Backends: DuckDB (default) and Spark run the engine's SQL strings unchanged.

``_assert_same`` is the equality Spark parity is held to (tests/air/test_chain_parity.py runs
every step of the plan on both backends): every rounded figure, integer, flag and label exactly;
unrounded means (sums in a different order) to 1e-12 relative.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qingshan.backends import DuckDBBackend, get_backend
from qingshan.air.plan import assessment_steps, run_assessment
from qingshan.backends.spark import to_spark_sql
from qingshan.air.synth import generate_hourly, generate_stations


def test_duckdb_backend_inputs(tmp_path):
    be = get_backend("duckdb")
    assert isinstance(be, DuckDBBackend)
    be.register("a", pa.table({"x": [1.0, 2.0, 4.0]}))
    be.register("b", pd.DataFrame({"x": [10.0]}))
    # a hive-partitioned Parquet tree, as `qingshan export hourly --format parquet` writes it
    t = pa.table({"x": [1.0, 2.0, 3.0], "year": [2025, 2025, 2025], "month": [1, 1, 2]})
    pq.write_to_dataset(t, tmp_path / "pq", partition_cols=["year", "month"])
    be.register("c", tmp_path / "pq")
    assert be.sql("SELECT sum(x) AS s FROM a").to_pylist() == [{"s": 7.0}]
    assert be.count("b") == 1
    assert be.sql("SELECT month, sum(x) AS s FROM c GROUP BY month ORDER BY month"
                  ).to_pylist() == [{"month": 1, "s": 3.0}, {"month": 2, "s": 3.0}]
    be.materialize("d", "SELECT x * 2 AS y FROM a")
    assert be.df("SELECT y FROM d ORDER BY y").y.tolist() == [2.0, 4.0, 8.0]
    be.drop("d")
    be.drop("a")
    with pytest.raises(Exception):  # noqa: B017 - each engine raises its own error type
        be.sql("SELECT * FROM d")
    be.close()
    with pytest.raises(ValueError):
        get_backend("oracle")


def test_spark_sql_mappings():
    sql = ("WITH r AS (SELECT *, greatest(a, b) AS _m FROM s) "
           "SELECT * EXCLUDE (_m), round_even(round(a, 10), 1) AS r1, "
           "quantile_cont(a, 0.9) FILTER (WHERE ok) AS p90 FROM r GROUP BY ALL")
    out = to_spark_sql(sql, lambda name: {"s": ["code", "a", "b", "ok"]}[name])
    assert "BROUND(ROUND(a, 10), 1)" in out
    assert "PERCENTILE(a, 0.9) FILTER(WHERE ok)" in out
    assert "EXCEPT" not in out and "EXCLUDE" not in out
    assert out.split(" FROM r")[0].endswith("p90") and "SELECT code, a, b, ok, BROUND" in out
    with pytest.raises(ValueError):
        to_spark_sql("SELECT * EXCLUDE (a) FROM t")


def test_every_engine_step_transpiles():
    cols = {"h": ["code", "time", "so2", "no2", "co", "o3", "pm10", "pm25"],
            "m": ["city_code", "station_code"]}
    for name, sql in assessment_steps("h", "m", date(2025, 1, 1)):
        out = to_spark_sql(sql, lambda n: cols.get(n, ["code", "pm25", "pm10", "so2", "no2",
                                                       "co_p95", "o3_8h_p90"]))
        assert "ROUND_EVEN" not in out.upper().replace("BROUND", ""), name
        assert "QUANTILE" not in out.upper(), name


@pytest.fixture(scope="module")
def sample(province):
    st = generate_stations(province, seed=5)
    st = st[st["监测点编码"].str[:5].isin(["S3701", "S3702"])].reset_index(drop=True)
    hourly = generate_hourly(st, date(2025, 1, 1), date(2025, 3, 31), seed=5)
    ev = st["监测点编码"].str[5] == "A"
    members = pd.DataFrame({"city_code": st["监测点编码"][ev].str[1:5] + "00",
                            "station_code": st["监测点编码"][ev]})
    return hourly, members


def _key(df: pd.DataFrame) -> list[str]:
    return [c for c in ("code", "time", "date", "period_start") if c in df.columns]


def _assert_same(step: str, a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns), step
    assert len(a) == len(b), step
    a = a.sort_values(_key(a)).reset_index(drop=True)
    b = b.sort_values(_key(b)).reset_index(drop=True)
    unrounded = step in ("daily", "city_hourly", "city_daily")
    for c in a.columns:
        x, y = a[c], b[c]
        if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
            x = pd.to_numeric(x).astype(float).to_numpy()
            y = pd.to_numeric(y).astype(float).to_numpy()
            same_na = np.isnan(x) == np.isnan(y)
            ok = np.isclose(x, y, rtol=1e-12, atol=0) if unrounded else (x == y)
            assert same_na.all() and (ok | np.isnan(x)).all(), (step, c)
        else:
            xs = x.astype(object).where(x.notna(), None).tolist()
            ys = y.astype(object).where(y.notna(), None).tolist()
            if "date" in str(x.dtype) or c in ("date", "period_start"):
                xs = [None if v is None else pd.Timestamp(v) for v in xs]
                ys = [None if v is None else pd.Timestamp(v) for v in ys]
            assert xs == ys, (step, c)


def test_plan_reads_parquet_and_ranks_no_city_of_a_short_year(sample, tmp_path):
    """The whole plan on DuckDB over a hive-partitioned Parquet input. (Spark's results equal
    DuckDB's for every step: tests/air/test_chain_parity.py, which reads Parquet on both.)"""
    hourly, members = sample
    t = hourly.append_column("year", pa.array(np.full(hourly.num_rows, 2025, np.int32)))
    months = hourly["time"].cast(pa.timestamp("us")).to_numpy().astype("datetime64[M]")
    t = t.append_column("month", pa.array((months.astype(int) % 12 + 1).astype(np.int32)))
    pq.write_to_dataset(t, tmp_path / "hourly", partition_cols=["year", "month"])
    with get_backend("duckdb") as be:
        be.register("hourly_all", tmp_path / "hourly")
        be.materialize("h", "SELECT code, time, so2, no2, co, o3, pm10, pm25 FROM hourly_all")
        be.register("m", members)
        run_assessment(be, "h", "m", date(2025, 1, 1), kind="year")
        aqi = be.df("SELECT * FROM hourly_aqi")
        r = be.df("SELECT * FROM ranking")
    assert len(aqi) == hourly.num_rows
    # an hourly AQI wherever a valid value exists
    iaqis = [f"iaqi_{p}" for p in ("so2", "no2", "co", "o3", "pm10", "pm25")]
    assert (aqi.aqi.notna() == aqi[iaqis].notna().any(axis=1)).all()
    assert aqi.aqi.notna().mean() > 0.9
    # January–March assessed as the year 2025: 90 days < 324 (GB 3095-2012 Table 4), so neither
    # city is valid: both cities are in the ranking table, neither gets a rank
    assert len(r) == 2 and r["rank"].isna().all()


def test_period_grid():
    from qingshan.air.plan import hours_sql, period_bounds

    assert period_bounds(date(2025, 5, 3), "year") == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_bounds(date(2025, 11, 3), "quarter") == (date(2025, 10, 1), date(2025, 12, 31))
    assert period_bounds(date(2024, 2, 9), "month") == (date(2024, 2, 1), date(2024, 2, 29))
    be = get_backend("duckdb")
    # 365 natural days × 24 hour-ending stamps: 2025-01-01 01:00 … 2026-01-01 00:00
    r = be.sql(f"SELECT count(*) AS n, min(time) AS a, max(time) AS b FROM "
               f"({hours_sql(date(2025, 1, 1), date(2025, 12, 31))})").to_pylist()[0]
    assert r["n"] == 8760
    assert str(r["a"]) == "2025-01-01 01:00:00" and str(r["b"]) == "2026-01-01 00:00:00"


def test_assessment_chain_hand_derived():
    """Two cities, one station each, constant concentrations for the whole of 2025.

    City A (so2 10, no2 20, co 1.0, o3 100, pm10 70, pm25 35), city B (twice A). HJ 633-2012:
    hourly IAQI of A: SO2 1-h 50·10/150 = 3.3 → 4, NO2 50·20/100 = 10, CO 50·1/5 = 10,
    O3 1-h 50·100/160 = 31.25 → 32, PM10 (24-h table) 50 + 50·20/100 = 60, PM2.5 35 → 50:
    AQI 60, primary PM10. Daily AQI of A: SO2 50·10/50 = 10, NO2 50·20/40 = 25, CO 50·1/2 = 25,
    O3 8-h 50, O3 1-h 32, PM10 60, PM2.5 50 → 60, PM10. Annual (365 valid days): means = the
    constants, P95/P90 = the constants. GB 3095-2012 grade II: A meets every limit (PM2.5 35 ≤ 35,
    PM10 70 ≤ 70); B fails PM2.5 (70 > 35), PM10 (140 > 70) and O3 (P90 200 > 160), NO2 40 ≤ 40
    passes. Comprehensive index (ranking rule): A = 35/35 + 70/70 + 10/60 + 20/40 + 1/4 + 100/160
    = 3.5417 → 3.54; B = 7.0833 → 7.08; ranks A 1, B 2.
    """
    hours = pd.date_range("2025-01-01 01:00", "2026-01-01 00:00", freq="h")
    base = {"so2": 10.0, "no2": 20.0, "co": 1.0, "o3": 100.0, "pm10": 70.0, "pm25": 35.0}
    frames = []
    for code, k in (("SA", 1), ("SB", 2)):
        frames.append(pd.DataFrame({"code": code, "time": hours,
                                    **{p: v * k for p, v in base.items()}}))
    be = get_backend("duckdb")
    be.register("h", pd.concat(frames, ignore_index=True))
    be.register("m", pd.DataFrame({"city_code": ["A", "B"], "station_code": ["SA", "SB"]}))
    run_assessment(be, "h", "m", date(2025, 6, 1), kind="year")
    ha = be.df("SELECT * FROM hourly_aqi WHERE code = 'SA'")
    assert len(ha) == 8760
    assert set(ha.aqi) == {60} and set(ha.primary_pollutant) == {"PM10"}
    assert (ha.iaqi_so2.iloc[0], ha.iaqi_no2.iloc[0], ha.iaqi_co.iloc[0], ha.iaqi_o3.iloc[0],
            ha.iaqi_pm25.iloc[0]) == (4, 10, 10, 32, 50)
    da = be.df("SELECT * FROM daily_aqi WHERE code = 'SA'")
    assert len(da) == 365 and set(da.aqi) == {60}
    assert (da.iaqi_so2.iloc[0], da.iaqi_no2.iloc[0], da.iaqi_co.iloc[0], da.iaqi_o3_8h.iloc[0],
            da.iaqi_o3_1h.iloc[0]) == (10, 25, 25, 50, 32)
    comp = be.df("SELECT * FROM city_comp ORDER BY code").set_index("code")
    assert comp.loc["A", "pm25"] == 35 and comp.loc["A", "o3_8h_p90"] == 100
    assert comp.loc["A", "pm25_days"] == 365 and bool(comp.loc["A", "pm25_valid"])
    assert bool(comp.loc["A", "compliant"]) and not bool(comp.loc["B", "compliant"])
    assert comp.loc["B", "exceed_pollutants"] == "PM2.5,PM10,O3"
    rk = be.df("SELECT code, composite_index, rank FROM ranking ORDER BY code")
    assert rk.composite_index.tolist() == [3.54, 7.08] and rk["rank"].tolist() == [1, 2]
