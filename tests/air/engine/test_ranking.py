"""Ranking rule: single-item and comprehensive indices, ties, change rates (hand-worked)."""

from __future__ import annotations

import duckdb
import pandas as pd

from qingshan.air.engine.ranking import change_pct_sql, change_pp_sql, index_sql, rank_sql


def run(sql: str, **tables) -> pd.DataFrame:
    con = duckdb.connect()
    for name, df in tables.items():
        con.register(name, df)
    return con.sql(sql).df()


A = dict(code="A", pm25=50.0, pm10=90.0, so2=10.0, no2=35.0, co_p95=1.2, o3_8h_p90=170.0)
B = dict(code="B", pm25=35.0, pm10=70.0, so2=60.0, no2=40.0, co_p95=4.0, o3_8h_p90=160.0)


def test_composite_index_two_cities():
    # A: I = 50/35 = 1.428571, 90/70 = 1.285714, 10/60 = 0.166667, 35/40 = 0.875,
    #        1.2/4 = 0.3, 170/160 = 1.0625
    #    unweighted Σ = 5.118452 -> 5.12
    #    weighted 3·1.428571 + 1.285714 + 0.166667 + 2·0.875 + 0.3 + 2·1.0625 = 9.913095 -> 9.91
    #    primary pollutant = PM2.5 (largest I)
    # B: every statistic equals its denominator -> I = 1 each: Σ = 6.00, weighted 10.00,
    #    primary = all six tied
    r = run(index_sql("t"), t=pd.DataFrame([A, B])).set_index("code")
    assert r.loc["A", "composite_index"] == 5.12
    assert r.loc["A", "composite_index_weighted"] == 9.91
    assert r.loc["A", "i_pm25"] == 1.429 and r.loc["A", "i_so2"] == 0.167
    assert r.loc["A", "primary_pollutant"] == "PM2.5"
    assert r.loc["B", "composite_index"] == 6.0 and r.loc["B", "composite_index_weighted"] == 10.0
    assert r.loc["B", "primary_pollutant"] == "PM2.5,PM10,SO2,NO2,CO,O3"


def test_custom_weights_and_missing_statistic():
    # unweighted weights on A = the unweighted sum 5.12; a missing statistic -> NULL index
    c = dict(A, code="C", co_p95=None)
    r = run(index_sql("t", weights={k: 1 for k in ("pm25", "pm10", "so2", "no2", "co", "o3")}),
            t=pd.DataFrame([A, c])).set_index("code")
    assert r.loc["A", "composite_index_weighted"] == 5.12
    assert pd.isna(r.loc["C", "composite_index"])


def test_ties_share_a_rank():
    # values 5.12, 6.00, 5.12, 4.00, NULL -> ranks 2, 4, 2, 1, NULL ("并列", min rank)
    df = pd.DataFrame({"code": list("ABCDE"),
                       "composite_index": [5.12, 6.0, 5.12, 4.0, None]})
    r = run(rank_sql("t", "composite_index"), t=df).set_index("code")
    assert r["rank"].loc[list("ABCD")].tolist() == [2, 4, 2, 1]
    assert pd.isna(r["rank"].loc["E"])


def test_yoy_change():
    # (5.12 − 4.80) / 4.80 × 100 = 6.667 % -> 6.7; (4.00 − 5.00)/5.00 = −20.0 %; no base -> NULL
    # good-day ratio 62.5 % vs 58.3 % -> +4.2 pp
    df = pd.DataFrame({"cur": [5.12, 4.0, 3.0], "prev": [4.80, 5.0, None]})
    r = run(f"SELECT {change_pct_sql('cur', 'prev')} AS d, {change_pp_sql('62.5', '58.3')} AS pp "
            f"FROM t", t=df)
    assert r.d[0] == 6.7 and r.d[1] == -20.0 and pd.isna(r.d[2])
    assert r.pp[0] == 4.2
