"""The 2026 transition year (issue 13 §1) and the validity rules (§2) on a hand-made store.

Store: two cities of a test province, one station each, constant hourly concentrations
SO2 10, NO2 20, CO 0.5, O3 80, PM10 50, PM2.5 70 (µg/m³, CO mg/m³):

* city A (370100), station A1: every hour of 2026-02-01 … 2026-03-31 (59 days);
* city B (370200), station B1: the same values, but March only up to the 20th (48 days).

Hand derivations used below (spec air-aqi §1–§3):

* PM2.5 daily 70 under HJ 633-2012 (35 → 50, 75 → 100): 50 + (70 − 35)/(75 − 35)·50 = 93.75
  → 94 (良); under HJ 633-2026 (35 → 50, 60 → 100, 115 → 150): 100 + (70 − 60)/(115 − 60)·50
  = 109.09 → 110 (轻度污染). The other IAQIs are lower (PM10 50 → 50, NO2 20 → 12.5 → 13,
  O3-8h 80 → 40, CO 0.5 → 12.5 → 13, SO2 10 → 10), so the daily AQI is 94 in February and 110
  in March.
* Composite index of A over 2026-02..2026-03 with the denominators of the period end (2026 set
  PM2.5 30, PM10 60, SO2 60, NO2 40, CO 4, O3 160): 70/30 + 50/60 + 10/60 + 20/40 + 0.5/4 +
  80/160 = 2.33333 + 0.83333 + 0.16667 + 0.5 + 0.125 + 0.5 = 4.45833 → 4.46; with the 2012 set
  (PM2.5 35, PM10 70): 2 + 0.714286 + 0.166667 + 0.5 + 0.125 + 0.5 = 4.005952 → 4.01.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

TOML = """code = "990000"
name_zh = "测试省"
name_en = "Testland"
[[cities]]
code = "370100"
name_zh = "甲市"
short_zh = "甲"
name_en = "Alpha"
[[cities]]
code = "370200"
name_zh = "乙市"
short_zh = "乙"
name_en = "Beta"
"""
VALUES = (10, 20, 0.5, 80, 50, 70)   # so2, no2, co, o3, pm10, pm25


def _stamps(first: date, last: date) -> list[datetime]:
    t0 = datetime(first.year, first.month, first.day)
    n = ((last - first).days + 1) * 24
    return [t0 + timedelta(hours=i + 1) for i in range(n)]


@pytest.fixture(scope="module")
def prov():
    import tomllib

    from qingshan.config import ProvinceConfig
    return ProvinceConfig.model_validate(tomllib.loads(TOML))


@pytest.fixture(scope="module")
def store(tmp_path_factory, prov):
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    path = tmp_path_factory.mktemp("transition") / "t.duckdb"
    con = connect(str(path))
    con.executemany(
        "INSERT INTO station (code, name, raw_name, publication_city, prefecture, province, "
        "is_control, is_stopped, batch_id) VALUES (?, ?, ?, ?, ?, ?, false, false, 0)",
        [("A1", "站A1", "站A1", "甲", "甲", "测试省"), ("B1", "站B1", "站B1", "乙", "乙", "测试省")])
    sync_province(con, prov)
    rows = [("A1", t, *VALUES) for t in _stamps(date(2026, 2, 1), date(2026, 3, 31))]
    rows += [("B1", t, *VALUES) for t in _stamps(date(2026, 2, 1), date(2026, 3, 20))]
    df = pd.DataFrame(rows, columns=["station_code", "time", "so2", "no2", "co", "o3", "pm10",
                                     "pm25"])
    con.register("src", df)
    con.execute("INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, "
                "batch_id) SELECT station_code, time, so2, no2, co, o3, pm10, pm25, 0 FROM src")
    con.unregister("src")
    yield con, path
    con.close()


def test_rules_of_a_period_containing_the_switch():
    from qingshan.air.rules import aqi_versions, rules_for_period

    r = rules_for_period("2026")
    # statistics, validity and limits of the period end (2026-12-31): the 2026 family
    assert (r.statistics_standard, r.limits_standard, r.limits_phase) == (
        "HJ 663-2026", "GB 3095-2026", "transition")
    assert r.limits[("pm25", "annual")][1] == 30          # GB 3095-2026 Table 1 transition II
    assert r.mixed and r.label() == (
        "GB 3095-2026 (transition)/HJ 663-2026/HJ 633-2012 to 2026-02-28, HJ 633-2026 from "
        "2026-03-01 (transition policy: period_end)")
    assert aqi_versions(date(2026, 1, 1), date(2026, 12, 31)) == [
        ("2012", date(2026, 1, 1), date(2026, 2, 28)), ("2026", date(2026, 3, 1),
                                                        date(2026, 12, 31))]
    assert not rules_for_period("2026-03").mixed and not rules_for_period("2025").mixed
    assert rules_for_period("2026", denominators="gb3095_2012").ranking_denominators["pm25"] == 35


def test_each_day_gets_the_aqi_of_its_own_version(store, prov):
    from qingshan.air.service import daily_aqi

    con, _ = store
    d = daily_aqi(con, "city", "370100", date(2026, 2, 27), date(2026, 3, 2), prov)
    assert list(d.aqi) == [94, 94, 110, 110]              # see the module docstring
    assert list(d.category) == ["良", "良", "轻度污染", "轻度污染"]
    assert "HJ 633-2012" in d.standard.iloc[0] and "HJ 633-2026" in d.standard.iloc[0]


def test_hourly_aqi_across_the_switch(store, prov):
    from qingshan.air.service import hourly_aqi

    con, _ = store
    h = hourly_aqi(con, "city", ["370100"], date(2026, 2, 28), date(2026, 3, 1), province=prov)
    # stamps 02-28 01:00 … 03-01 00:00 belong to 02-28 (HJ 633-2012: PM2.5 24-h mean 70 -> 94);
    # 03-01 01:00 … 03-02 00:00 to 03-01 (HJ 633-2026: PM2.5 1-h 70 on the daily
    # breakpoints -> 110)
    day = (pd.to_datetime(h.time) - pd.Timedelta(hours=1)).dt.date
    assert set(h.aqi[day == date(2026, 2, 28)]) == {94}
    assert set(h.aqi[day == date(2026, 3, 1)]) == {110} and len(h) == 48


def test_run_of_months_across_the_switch(store, prov):
    from qingshan.air.service import assess

    con, _ = store
    df = assess(con, "2026-02..2026-03", "city", prov).set_index("code")
    a, b = df.loc["370100"], df.loc["370200"]
    # A: 59 days, 28 good (February, AQI 94), March AQI 110 -> 28/59 = 47.46 % -> 47.5
    assert (a.days, a.valid_days, a.good_days, a.good_day_ratio) == (59, 59, 28, 47.5)
    assert a.valid and a.composite_index == 4.46 and a["rank"] == 1
    # B: March has 20 valid days < 27 (GB 3095 Table 4) -> not valid, not ranked with A, but
    # first of the insufficient-data group
    assert not b.valid and pd.isna(b["rank"]) and b.rank_insufficient == 1
    assert (b.valid_days, b.good_days) == (48, 28)
    assert "HJ 633-2012 to 2026-02-28, HJ 633-2026 from 2026-03-01" in a.standard
    assert "transition=period_end" in a.policy
    assert a.data_end == date(2026, 3, 31) and not a.to_date


def test_denominators_as_the_province_config_says(store, prov):
    from qingshan.air.service import assess

    con, _ = store
    p2012 = prov.model_copy(update={"air": prov.air.model_copy(
        update={"ranking_denominators": "gb3095_2012"})})
    a = assess(con, "2026-02..2026-03", "city", p2012).set_index("code").loc["370100"]
    assert a.composite_index == 4.01                      # see the module docstring


def test_year_2026_to_date_and_cannot_be_judged(store, prov):
    from qingshan.air.service import assess, period_title
    from qingshan.core.periods import parse_period

    con, _ = store
    df = assess(con, "2026", "city", prov).set_index("code")
    # January and April … December have no data: no month reaches 27 days -> the year is
    # invalid; compliance "cannot be judged" (NULL), never compliant, and nobody is ranked
    assert not df.valid.any() and df["rank"].isna().all()
    assert df.compliant.isna().all() and df.compliant_pm25.isna().all()
    # both have the same statistics (the same constant values) -> a shared insufficient rank
    assert list(df.rank_insufficient) == [1, 1]
    assert df.data_end.iloc[0] == date(2026, 3, 31) and df.to_date.all()
    assert period_title(parse_period("2026"), date(2026, 3, 31), "zh") == "2026年（截至2026-03-31）"
    assert period_title(parse_period("2026"), date(2026, 3, 31), "en") == \
        "2026 (to date: 2026-03-31)"


def test_compliance_rates_use_each_days_limit(store, prov):
    from qingshan.air.service import compliance_rates

    con, _ = store
    r = compliance_rates(con, "2026-02..2026-03", "city", prov).set_index("code").loc["370100"]
    # PM2.5 daily 70: ≤ 75 (GB 3095-2012 24-h, February) but > 60 (GB 3095-2026 transition
    # 24-h, March) -> 28 of 59 days -> 47.5 %
    assert (r.pm25_ok_days, r.pm25_days, r.pm25_rate) == (28, 59, 47.5)


def test_cli_assess_quarter_and_year_of_2026(store, tmp_path):
    from typer.testing import CliRunner

    from qingshan.cli import app

    con, path = store
    con.execute("CHECKPOINT")
    toml = tmp_path / "t.toml"
    toml.write_text(TOML, encoding="utf-8")
    for period in ("2026-Q1", "2026", "2026-01..2026-05"):
        r = CliRunner().invoke(app, ["air", "assess", "--db", str(path), "--province", str(toml),
                                     "--period", period, "--format", "json"])
        assert r.exit_code == 0, r.output
        rows = json.loads(r.stdout)
        assert len(rows) == 2 and all(not x["valid"] for x in rows)   # January has no data
        assert all("HJ 633-2026 from 2026-03-01" in x["standard"] for x in rows)
    r = CliRunner().invoke(app, ["air", "assess", "--db", str(path), "--province", str(toml),
                                 "--period", "2026"])
    assert r.exit_code == 0 and "截至" not in r.output and "to date: 2026-03-31" in r.output
