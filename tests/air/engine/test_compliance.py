"""GB 3095 compliance, exceedance multiples, compliance rates, WHO 2021 levels (hand-worked)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from qingshan.air.engine.compliance import (
    annual_compliance_sql, compliance_rate_sql, daily_compliance_sql, exceedance_sql,
    limits_for, standard_for, who_level_sql,
)

L2012 = limits_for(date(2019, 1, 1))


def run(sql: str, **tables) -> pd.DataFrame:
    con = duckdb.connect()
    for name, df in tables.items():
        con.register(name, df)
    return con.sql(sql).df()


def annual_row(**over):
    # a compliant city: every statistic at or below its GB 3095-2012 Grade II limit
    r = dict(code="C", so2=60.0, so2_p98=150.0, no2=40.0, no2_p98=80.0, pm10=70.0,
             pm10_p95=150.0, pm25=35.0, pm25_p95=75.0, co_p95=4.0, o3_8h_p90=160.0,
             so2_valid=True, no2_valid=True, pm10_valid=True, pm25_valid=True, co_valid=True,
             o3_8h_valid=True)
    r.update(over)
    return r


def test_limits_by_date():
    assert limits_for(date(2026, 2, 28))[("pm25", "annual")] == (15, 35)     # GB 3095-2012
    assert limits_for(date(2026, 3, 1))[("pm25", "annual")] == (15, 30)      # 2026 transition
    assert limits_for(date(2030, 12, 31))[("pm10", "24h")] == (50, 120)
    assert limits_for(date(2031, 1, 1))[("pm25", "annual")] == (10, 25)      # 2026 final
    assert standard_for(date(2027, 1, 1)) == "GB 3095-2026 (transition)"


def test_annual_all_limits_equal_is_compliant():
    r = run(annual_compliance_sql("t", L2012), t=pd.DataFrame([annual_row()])).iloc[0]
    assert bool(r.compliant) and r.exceed_pollutants is None
    assert pd.isna(r.pm25_exceed) and pd.isna(r.pm25_p95_exceed)


def test_annual_mean_ok_but_p95_exceeds_is_non_compliant():
    # PM2.5 annual mean 30 <= 35 but P95 80 > 75 -> PM2.5 non-compliant (mean AND percentile);
    # exceedance multiple of the P95 = (80 − 75) / 75 = 0.0667 -> 0.07
    r = run(annual_compliance_sql("t", L2012),
            t=pd.DataFrame([annual_row(pm25=30.0, pm25_p95=80.0)])).iloc[0]
    assert not bool(r.pm25_ok) and not bool(r.compliant)
    assert r.exceed_pollutants == "PM2.5"
    assert r.pm25_p95_exceed == 0.07 and pd.isna(r.pm25_exceed)


def test_exceed_pollutants_listed_and_multiples():
    # PM2.5 mean 46: (46 − 35)/35 = 0.3143 -> 0.31; PM10 mean 105: (105 − 70)/70 = 0.50;
    # O3 P90 176: (176 − 160)/160 = 0.10
    r = run(annual_compliance_sql("t", L2012),
            t=pd.DataFrame([annual_row(pm25=46.0, pm10=105.0, o3_8h_p90=176.0)])).iloc[0]
    assert r.exceed_pollutants == "PM2.5,PM10,O3"
    assert (r.pm25_exceed, r.pm10_exceed, r.o3_8h_p90_exceed) == (0.31, 0.5, 0.1)


def test_unknown_statistic_leaves_compliance_unknown_unless_another_fails():
    ok_but_o3_invalid = annual_row(o3_8h_valid=False)
    fail_and_invalid = annual_row(o3_8h_valid=False, so2=61.0)
    r = run(annual_compliance_sql("t", L2012),
            t=pd.DataFrame([ok_but_o3_invalid, fail_and_invalid]))
    assert pd.isna(r.o3_ok[0]) and pd.isna(r.compliant[0])
    assert r.compliant[1] is False or not bool(r.compliant[1])
    assert r.exceed_pollutants[1] == "SO2"


def test_grade_i():
    # Grade I PM2.5 annual 15: mean 16 fails; (16 − 15)/15 = 0.0667 -> 0.07
    r = run(annual_compliance_sql("t", L2012, grade=0),
            t=pd.DataFrame([annual_row(so2=20.0, so2_p98=50.0, pm10=40.0, pm10_p95=50.0,
                                       pm25=16.0, pm25_p95=35.0, o3_8h_p90=100.0)])).iloc[0]
    assert r.exceed_pollutants == "PM2.5" and r.pm25_exceed == 0.07


@pytest.mark.parametrize("c,s,b", [(52.5, 35, 0.5), (35, 35, None), (80, 75, 0.07),
                                   (4.4, 4, 0.1), (0.5, 1, None)])
def test_exceedance_multiple(c, s, b):
    got = run(f"SELECT {exceedance_sql('x', s)} AS b FROM t", t=pd.DataFrame({"x": [c]})).b[0]
    assert (pd.isna(got) if b is None else got == b)


def test_daily_compliance_and_rate():
    # PM2.5 daily limit 75 (Grade II): 50 ok, 75 ok, 76 not, 100 not, one invalid day
    # -> 2 compliant of 4 valid = 50.0 %; CO 4.0 ok, 4.1 not, 3 ok, 2 ok, 1 ok -> 4/5 = 80.0 %
    stats = ["so2", "no2", "co", "pm10", "pm25", "o3_8h_max", "o3_1h_max"]
    df = pd.DataFrame({"code": "C", "date": [date(2019, 7, i) for i in range(1, 6)]})
    for s in stats:
        df[s] = 1.0
        df[f"{s}_valid"] = True
    df["pm25"] = [50.0, 75.0, 76.0, 100.0, 500.0]
    df["pm25_valid"] = [True, True, True, True, False]
    df["co"] = [4.0, 4.1, 3.0, 2.0, 1.0]
    con = duckdb.connect()
    con.register("d", df)
    con.register("ok", con.sql(daily_compliance_sql("d", L2012)).to_arrow_table())
    day = con.sql("SELECT * FROM ok ORDER BY date").df()
    assert day.pm25_exceed.tolist()[2] == 0.01  # (76 − 75)/75 = 0.0133 -> 0.01
    r = con.sql(compliance_rate_sql("ok")).df().iloc[0]
    assert (r.pm25_ok_days, r.pm25_days, r.pm25_rate) == (2, 4, 50.0)
    assert r.co_rate == 80.0


def test_compliance_rate_rounding():
    # 3 compliant of 7 valid days: 42.857 % -> 42.9
    df = pd.DataFrame({"code": "C", "pm25_ok": [True] * 3 + [False] * 4})
    for s in ["so2", "no2", "co", "pm10", "o3_8h_max", "o3_1h_max"]:
        df[f"{s}_ok"] = None
    assert run(compliance_rate_sql("t"), t=df).pm25_rate[0] == 42.9


@pytest.mark.parametrize("pol,x,level", [
    ("pm25", 5.0, "AQG"), ("pm25", 5.1, "IT-4"), ("pm25", 10.0, "IT-4"), ("pm25", 24.0, "IT-2"),
    ("pm25", 35.0, "IT-1"), ("pm25", 36.0, ">IT-1"), ("no2", 30.0, "IT-2"), ("pm10", 50.0, "IT-2"),
    ("pm10", 14.0, "AQG"), ("no2", 41.0, ">IT-1"), ("pm25", None, None),
])
def test_who_levels(pol, x, level):
    got = run(f"SELECT {who_level_sql('x', pol)} AS w FROM t",
              t=pd.DataFrame({"x": pd.Series([x], dtype="float64")})).w[0]
    assert (got is None or pd.isna(got)) if level is None else got == level
