"""Hourly and daily AQI rules of HJ 633-2012 and HJ 633-2026, values derived by hand."""

from __future__ import annotations

import pytest

from qingshan.air.engine.aqi import daily_aqi_sql, hourly_aqi_sql

HOURLY = ("so2", "no2", "co", "o3", "pm10", "pm25")
DAILY_2012 = ("so2", "no2", "co", "pm10", "pm25", "o3_8h_max", "o3_1h_max")
DAILY_2026 = ("so2", "no2", "co", "pm10", "pm25", "o3_8h_max")


def run(con, builder_sql, columns, rows):
    """Evaluate a builder over literal rows; returns a list of dicts in input order."""
    def lit(v):
        return "CAST(NULL AS DOUBLE)" if v is None else f"CAST('{v}' AS DOUBLE)"
    vals = ", ".join("(" + ", ".join([str(i)] + [lit(r.get(c)) for c in columns]) + ")"
                     for i, r in enumerate(rows))
    src = f"(SELECT * FROM (VALUES {vals}) AS v(row_id, {', '.join(columns)}))"
    df = con.sql(f"SELECT * FROM ({builder_sql(src)}) ORDER BY row_id").df()
    return df.astype(object).where(df.notna(), None).to_dict("records")


CLEAN = {"so2": 5, "no2": 20, "co": 0.5, "o3": 60, "pm10": 40, "pm25": 20}
# IAQIs of CLEAN, hourly, 1-h tables (PM on 24-h tables): SO2 50*5/150 = 1.67 -> 2;
# NO2 50*20/100 = 10; CO 50*0.5/5 = 5; O3 50*60/160 = 18.75 -> 19; PM10 40; PM2.5 2012
# 50*20/35 = 28.57 -> 29 (2026 same segment). AQI 40 (PM10), <= 50 so no primary pollutant.


def test_hourly_2012_cnemc_clean_row(aqi_duck):
    r = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012"), HOURLY, [CLEAN])[0]
    assert [r[f"iaqi_{p}"] for p in HOURLY] == [2, 10, 5, 19, 40, 29]
    assert (r["aqi"], r["primary_pollutant"], r["level"], r["category"], r["category_en"],
            r["colour"]) == (40, None, 1, "优", "Excellent", "#00E400")
    assert r["missing_pollutants"] == "" and r["exceedance_pollutants"] == ""


def test_primary_only_above_50_and_ties(aqi_duck):
    rows = [
        {**CLEAN, "pm25": 35},        # PM2.5 IAQI 50 = AQI 50 -> no primary (§4.4.2 AQI > 50)
        {**CLEAN, "pm25": 35.8},      # 50 + 50*0.8/40 = 51 -> primary PM2.5
        {**CLEAN, "pm10": 150, "pm25": 75},   # both 100 -> tie "PM10,PM2.5"
        {**CLEAN, "no2": 200, "pm10": 150, "pm25": 75, "co": 10},  # NO2, CO, PM10, PM2.5 all 100
    ]
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012"), HOURLY, rows)
    assert [(g["aqi"], g["primary_pollutant"]) for g in got] == [
        (50, None), (51, "PM2.5"), (100, "PM10,PM2.5"), (100, "NO2,CO,PM10,PM2.5")]


def test_levels_at_every_boundary_2012(aqi_duck):
    # PM2.5 2012 (24-h table): 35 -> 50; 35.8 -> 51; 75 -> 100; 75.8 -> 101; 115 -> 150;
    # 115.7 -> 151 (150 + 50*0.7/35); 150 -> 200; 151 -> 201; 250 -> 300; 251 -> 301.
    pm = ["35", "35.8", "75", "75.8", "115", "115.7", "150", "151", "250", "251"]
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012"), HOURLY,
              [{**CLEAN, "pm25": v} for v in pm])
    assert [g["aqi"] for g in got] == [50, 51, 100, 101, 150, 151, 200, 201, 300, 301]
    assert [g["level"] for g in got] == [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]
    assert [g["category"] for g in got] == ["优", "良", "良", "轻度污染", "轻度污染", "中度污染",
                                            "中度污染", "重度污染", "重度污染", "严重污染"]
    assert [g["colour"] for g in got] == ["#00E400", "#FFFF00", "#FFFF00", "#FF7E00", "#FF7E00",
                                          "#FF0000", "#FF0000", "#99004C", "#99004C", "#7E0023"]
    # exceedance pollutant = IAQI > 100 (HJ 633-2012 §4.4.2)
    assert [g["exceedance_pollutants"] for g in got][2:4] == ["", "PM2.5"]


def test_so2_above_800_2012(aqi_duck):
    rows = [{**CLEAN, "so2": 800, "so2_24h": 100},   # on the table: 200
            {**CLEAN, "so2": 801, "so2_24h": 100},   # note (2): 24-h IAQI 50+50*50/100 = 75
            {**CLEAN, "so2": 801, "so2_24h": None}]  # no 24-h value: SO2 IAQI unknown
    cols = HOURLY + ("so2_24h",)
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012", so2_24h=True), cols, rows)
    assert [g["iaqi_so2"] for g in got] == [200, 75, None]
    assert [g["aqi"] for g in got] == [200, 75, 40]
    assert got[2]["missing_pollutants"] == "SO2"
    # without a so2_24h column the >800 hour has no SO2 IAQI
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012"), HOURLY, [{**CLEAN, "so2": 900}])
    assert got[0]["iaqi_so2"] is None and got[0]["aqi"] == 40


def test_so2_above_800_2026(aqi_duck):
    # Table 3 note b: SO2 1-h > 800 -> IAQI 200 (no 24-h substitution any more).
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2026"), HOURLY,
              [{**CLEAN, "so2": 1500}, {**CLEAN, "so2": 799}])
    assert [g["iaqi_so2"] for g in got] == [200, 200]   # 799: 150 + 50*149/150 = 199.67 -> 200
    assert got[0]["primary_pollutant"] == "SO2" and got[0]["level"] == 4


def test_hourly_2026_pm_on_2026_daily_breakpoints(aqi_duck):
    # PM2.5 1-h 61 on the 2026 daily table: 100 + 50*1/55 = 100.9 -> 101 (2012 table: 82)
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2026"), HOURLY, [{**CLEAN, "pm25": 61}])
    assert got[0]["iaqi_pm25"] == 101 and got[0]["aqi"] == 101
    # 2012 table: 50 + 50*(61-35)/(75-35) = 82.5 -> 83
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012"), HOURLY, [{**CLEAN, "pm25": 61}])
    assert got[0]["iaqi_pm25"] == 83


def test_missing_pollutants_2012_use_the_others(aqi_duck):
    # spec README: CNEMC publishes hours with a pollutant missing from the available ones.
    rows = [{**CLEAN, "pm25": None}, {c: None for c in HOURLY}]
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012"), HOURLY, rows)
    assert (got[0]["aqi"], got[0]["missing_pollutants"]) == (40, "PM2.5")
    assert got[1]["aqi"] is None and got[1]["level"] is None
    assert got[1]["missing_pollutants"] == "SO2,NO2,CO,O3,PM10,PM2.5"


def test_2026_na_rule_5_3_1(aqi_duck):
    # §5.3.1: a pollutant missing -> AQI from the others, published only if AQI > 100.
    rows = [
        {**CLEAN, "pm10": None},                 # others max 29 (PM2.5) <= 100 -> NA
        {**CLEAN, "pm10": None, "pm25": 60},     # PM2.5 60 -> 100 <= 100 -> NA
        {**CLEAN, "pm10": None, "pm25": 61},     # 101 > 100 -> published
        {**CLEAN},                               # complete -> published (40)
    ]
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2026"), HOURLY, rows)
    assert [g["aqi"] for g in got] == [None, None, 101, 40]
    assert [g["level"] for g in got] == [None, None, 3, 1]
    assert [g["category"] for g in got] == [None, None, "轻度污染", "优"]
    assert [g["primary_pollutant"] for g in got] == [None, None, "PM2.5", None]
    assert got[1]["iaqi_pm25"] == 100          # IAQIs are still published
    assert [g["missing_pollutants"] for g in got] == ["PM10", "PM10", "PM10", ""]
    assert "exceedance_pollutants" not in got[0]   # deleted in 2026 (foreword)


def test_2026_input_rounding_gbt8170(aqi_duck):
    # §4.2.3: µg/m³ rounded to integers, CO to 0.1, per GB/T 8170 (half to even):
    # PM2.5 35.4 -> 35 -> 50; 35.5 -> 36 -> 52 (50 + 50*1/25); 36.5 -> 36 -> 52;
    # 37.5 -> 38 -> 56 (50 + 50*3/25); 35.51 -> 36 -> 52.
    pm = ["35.4", "35.5", "36.5", "37.5", "35.51"]
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2026"), HOURLY,
              [{**CLEAN, "pm25": v} for v in pm])
    assert [g["iaqi_pm25"] for g in got] == [50, 52, 52, 56, 52]
    # CO 1-h: 5.05 -> 5.0 -> 50; 5.15 -> 5.2 -> 52 (50 + 50*0.2/5); 5.25 -> 5.2 -> 52;
    # 5.35 -> 5.4 -> 54
    co = ["5.05", "5.15", "5.25", "5.35"]
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2026"), HOURLY,
              [{**CLEAN, "co": v} for v in co])
    assert [g["iaqi_co"] for g in got] == [50, 52, 52, 54]
    # without rounding (option off): PM2.5 35.4 -> 50 + 50*0.4/25 = 50.8 -> 51
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2026", round_inputs=False), HOURLY,
              [{**CLEAN, "pm25": "35.4"}])
    assert got[0]["iaqi_pm25"] == 51
    # 2012 default: no rounding; 35.4 -> 50 + 50*0.4/40 = 50.5 -> 51
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012"), HOURLY, [{**CLEAN, "pm25": "35.4"}])
    assert got[0]["iaqi_pm25"] == 51


def test_implausible_values_are_invalid(aqi_duck):
    # negative, or above MAX_PLAUSIBLE (PM2.5 5000) -> invalid (NULL), per value
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012"), HOURLY,
              [{**CLEAN, "pm25": -3}, {**CLEAN, "pm25": 6000}, {**CLEAN, "pm25": 900}])
    assert [g["iaqi_pm25"] for g in got] == [None, None, 500]
    assert [g["beyond_range"] for g in got] == [False, False, True]
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012", plausible=False), HOURLY,
              [{**CLEAN, "pm25": 6000}])
    assert got[0]["iaqi_pm25"] == 500 and got[0]["beyond_range"]


LIT = HOURLY + ("pm10_24h", "pm25_24h", "o3_8h")


def test_hourly_literal_2012(aqi_duck):
    # Table 4 literal reading: PM from the 24-h moving means, O3 8-h added.
    row = {**CLEAN, "pm25": 200, "pm10": 10, "pm25_24h": 36, "pm10_24h": 50, "o3_8h": 170}
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012", "literal"), LIT, [row])[0]
    # PM2.5 24h 36 -> 52; PM10 24h 50 -> 50; O3 8h 170 -> 110 (100 + 50*10/55 = 109.09)
    assert (got["iaqi_pm25"], got["iaqi_pm10"], got["iaqi_o3_8h"]) == (52, 50, 110)
    assert (got["aqi"], got["primary_pollutant"]) == (110, "O3_8h")
    # O3 8-h > 800: note (3) -> the O3 IAQI is the 1-h one (O3 1-h 900: 300 + 100*100/200 = 350)
    row = {**row, "o3_8h": 801, "o3": 900}
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2012", "literal"), LIT, [row])[0]
    assert (got["iaqi_o3_8h"], got["iaqi_o3"], got["aqi"]) == (350, 350, 350)
    with pytest.raises(ValueError):
        hourly_aqi_sql("t", "2026", "literal")


def test_daily_2012(aqi_duck):
    # 24-h tables: SO2 150 -> 100; NO2 60 -> 75 (50 + 50*20/40); CO 2.5 -> 63; PM10 100 -> 75;
    # PM2.5 80 -> 107; O3 8h 170 -> 110; O3 1h 210 -> 105 (100 + 50*10/100).
    row = {"so2": 150, "no2": 60, "co": 2.5, "pm10": 100, "pm25": 80, "o3_8h_max": 170,
           "o3_1h_max": 210}
    r = run(aqi_duck, lambda s: daily_aqi_sql(s, "2012"), DAILY_2012, [row])[0]
    assert [r[k] for k in ("iaqi_so2", "iaqi_no2", "iaqi_co", "iaqi_o3_8h", "iaqi_o3_1h",
                           "iaqi_pm10", "iaqi_pm25")] == [100, 75, 63, 110, 105, 75, 107]
    assert (r["aqi"], r["primary_pollutant"], r["level"]) == (110, "O3_8h", 3)
    assert r["exceedance_pollutants"] == "O3_8h,O3_1h,PM2.5"
    # O3 8-h 800 on the table -> 300; 801 -> note (3): O3 1-h IAQI (160 -> 50)
    rows = [{**row, "o3_8h_max": 800, "o3_1h_max": 160},
            {**row, "o3_8h_max": 801, "o3_1h_max": 160}]
    got = run(aqi_duck, lambda s: daily_aqi_sql(s, "2012"), DAILY_2012, rows)
    assert [g["iaqi_o3_8h"] for g in got] == [300, 50]
    assert [g["aqi"] for g in got] == [300, 107]


def test_daily_2026(aqi_duck):
    # 2026 daily: 6 indicators; PM2.5 80 -> 100 + 50*20/55 = 118.18 -> 119; PM10 100 ->
    # 50 + 50*50/70 = 85.71 -> 86; O3 8-h 801 -> 300 (Table 3 note c); 800 -> 300.
    row = {"so2": 150, "no2": 60, "co": 2.5, "pm10": 100, "pm25": 80, "o3_8h_max": 170}
    rows = [row, {**row, "o3_8h_max": 801}, {**row, "o3_8h_max": 800},
            {**row, "so2": None, "pm25": 30, "o3_8h_max": 100}]
    got = run(aqi_duck, lambda s: daily_aqi_sql(s, "2026"), DAILY_2026, rows)
    assert (got[0]["iaqi_pm25"], got[0]["iaqi_pm10"], got[0]["aqi"]) == (119, 86, 119)
    assert got[0]["primary_pollutant"] == "PM2.5"
    assert [g["iaqi_o3_8h"] for g in got[1:3]] == [300, 300]
    assert "iaqi_o3_1h" not in got[0]
    # SO2 missing, others max = NO2 75 / PM10 86 <= 100 -> §5.3.1 NA
    assert got[3]["aqi"] is None and got[3]["missing_pollutants"] == "SO2"


def test_sql_transpiles_to_spark():
    sqlglot = pytest.importorskip("sqlglot")
    for sql in (hourly_aqi_sql("t", "2012"), hourly_aqi_sql("t", "2026"),
                daily_aqi_sql("t", "2012"), daily_aqi_sql("t", "2026"),
                hourly_aqi_sql("t", "2012", "literal", so2_24h=True)):
        out = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
        assert "CEIL" in out.upper() and "GREATEST" in out.upper()


def test_2026_not_in_monitoring_plan_5_3_2(aqi_duck):
    # §5.3.2: PM10 not in the monitoring plan (and never primary in 3 years, caller's check):
    # the AQI of the others (29, PM2.5 20 -> 50*20/35 = 28.6 -> 29) is published, not NA.
    row = {**CLEAN, "pm10": None}
    got = run(aqi_duck, lambda s: hourly_aqi_sql(s, "2026", not_in_plan=("pm10",)), HOURLY,
              [row, {**row, "co": None}])
    assert got[0]["aqi"] == 29 and got[0]["category"] == "优"
    assert got[1]["aqi"] is None          # CO is missing too and is in the plan -> NA
    got = run(aqi_duck, lambda s: daily_aqi_sql(s, "2026", not_in_plan=("o3_8h",)), DAILY_2026,
              [{"so2": 5, "no2": 20, "co": 0.5, "pm10": 40, "pm25": 20}])
    assert got[0]["aqi"] == 40
    with pytest.raises(ValueError):
        hourly_aqi_sql("t", "2026", not_in_plan=("o3_8h",))
