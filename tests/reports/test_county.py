"""County-level ranking (issue 13): the county-level publication cities of the station list,
assessed and ranked by the city engine (qingshan.air.county), and the bulletin's section.

Hand-made store: February 2019 (28 days, GB 3095 Table 4: ≥ 25 valid days in February),
constant hourly concentrations, so every statistic is derived by hand below.
"""

from __future__ import annotations

from datetime import datetime

import pytest

#: station, publication city, prefecture, control?, PM2.5, hours of data (from 2019-02-01 01:00)
STATIONS = [
    ("W1", "威海", "威海市", False, 20, 28 * 24),     # the prefecture's own evaluation station
    ("R1", "乳山", "威海市", False, 30, 28 * 24),     # county 乳山: two stations
    ("R2", "乳山", "威海市", False, 40, 28 * 24),
    ("RC1", "荣成", "威海市", False, 45, 28 * 24),    # county 荣成
    ("RCX", "荣成", "威海市", True, 999, 28 * 24),    # a control station: not evaluated
    ("WD1", "文登", "威海市", False, 10, 10 * 24),    # county 文登: 10 days only → not valid
]
# every station: SO2 10, NO2 20, PM10 50 µg/m³, CO 0.8 mg/m³, O3 100 µg/m³ all hours


@pytest.fixture(scope="module")
def county_store():
    from qingshan.config import load_province
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    prov = load_province("shandong")
    prov = prov.model_copy(update={"cities": [c for c in prov.cities if c.code == "371000"]})
    con = connect(":memory:")
    con.executemany(
        "INSERT INTO station VALUES (?, ?, ?, ?, ?, '山东省', 122.0, 37.0, ?, FALSE, NULL, 1)",
        [[s, s, s, pub, pref, ctl] for s, pub, pref, ctl, _, _ in STATIONS])
    sync_province(con, prov)
    for s, _, _, _, pm25, hours in STATIONS:
        con.execute(
            "INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, batch_id) "
            "SELECT ?, t, 10, 20, 0.8, 100, 50, ?, 1 FROM generate_series(?::TIMESTAMP, "
            "?::TIMESTAMP + (? - 1) * INTERVAL 1 HOUR, INTERVAL 1 HOUR) g(t)",
            [s, pm25, datetime(2019, 2, 1, 1), datetime(2019, 2, 1, 1), hours])
    yield con, prov
    con.close()


def test_county_units(county_store):
    from qingshan.air.county import county_units

    con, prov = county_store
    u = county_units(con, prov).set_index("code")
    # 威海 is the prefecture's own publication city: not a county unit; the control station
    # RCX is not counted (exclude_control_stations)
    assert list(u.index) == ["乳山", "文登", "荣成"]
    assert u.loc["乳山", "stations"] == 2 and u.loc["荣成", "stations"] == 1
    # codes and names of the province config's counties of 威海市
    assert u.loc["乳山", "county_code"] == "371083" and u.loc["乳山", "name_zh"] == "乳山市"
    assert u.loc["荣成", "name_en"] == "Rongcheng" and u.loc["文登", "city_code"] == "371000"


def test_county_names_en_without_config_counties():
    from qingshan.air.county import _names_en

    # 青岛市 lists no counties in the config: the names come from data/county_names_en.csv
    # (Hanyu Pinyin: 即墨 jí mò, 胶州 jiāo zhōu)
    assert _names_en()[("即墨", "青岛市")] == "Jimo"
    assert _names_en()[("胶州", "青岛市")] == "Jiaozhou"


def test_county_ranking_hand_derived(county_store):
    from qingshan.air.county import county_ranking

    con, prov = county_store
    df = county_ranking(con, "2019-02", prov).set_index("code")
    # 乳山 hourly series = mean of R1 and R2 at each hour = (30 + 40) / 2 = 35 → PM2.5 35
    assert df.loc["乳山", "pm25"] == 35 and df.loc["荣成", "pm25"] == 45   # RCX (999) left out
    # composite index (城市环境空气质量排名技术规定, S_i GB 3095-2012 Grade II: SO2 60, NO2 40,
    # PM10 70, PM2.5 35 annual; CO 4 mg/m³ 24-h (P95); O3 160 MDA8 (P90)):
    # 乳山: 35/35 + 50/70 + 10/60 + 20/40 + 0.8/4 + 100/160
    #      = 1 + 0.7143 + 0.1667 + 0.5 + 0.2 + 0.625 = 3.2060 → 3.21
    # 荣成: 45/35 = 1.2857 instead of 1 → 3.4917 → 3.49
    assert df.loc["乳山", "composite_index"] == pytest.approx(3.21)
    assert df.loc["荣成", "composite_index"] == pytest.approx(3.49)
    assert bool(df.loc["乳山", "valid"]) and bool(df.loc["荣成", "valid"])
    assert (df.loc["乳山", "rank"], df.loc["荣成", "rank"]) == (1, 2)
    # 文登: 10 valid days < 25 (February) → not valid: not ranked, first of the
    # insufficient-data group; its PM2.5 10 is still shown
    assert not bool(df.loc["文登", "valid"]) and df.loc["文登", "pm25"] == 10
    assert str(df.loc["文登", "rank"]) == "<NA>" and df.loc["文登", "rank_insufficient"] == 1
    assert list(df.index) == ["乳山", "荣成", "文登"]
    # the store's own tables are untouched (the counties lived on a private cursor)
    assert con.sql("SELECT code FROM city").fetchall() == [("371000",)]


def test_county_bulletin_section(county_store):
    from qingshan.air.report import _county_section

    con, prov = county_store
    s = _county_section(con, "2019-02", prov, "zh", None)
    # two valid counties: best and worst groups of one each (never overlapping)
    assert s.paragraphs[0] == ("3个县级城市（国控点位的县级发布城市）中，2个数据有效参与排名；按综合指数，"
                               "乳山市等1个相对较好，荣成市等1个相对较差。")
    assert s.paragraphs[1] == "文登区等1个县级城市有效数据不足，列入“数据不足”组，不参与排名。"
    t = s.tables[0]
    rows = t.rows()
    head = list(t.df.columns)
    assert head[:4] == ["排名", "县级城市", "所属设区市", "点位数"]
    assert rows[0][:5] == ["1", "乳山市", "威海市", "2", "3.21"]
    assert rows[1][:5] == ["2", "荣成市", "威海市", "1", "3.49"]
    assert rows[2][:2] == ["—", "文登区"] and rows[2][head.index("数据有效性")] == "数据不足"
    assert rows[2][head.index("数据不足组内名次")] == "1"
    # a city bulletin of another city has no county section
    assert _county_section(con, "2019-02", prov, "en", "370100") is None


def test_real_march_bulletin_counties_equal_service(real_march_zh, real_store):
    from qingshan.air.county import county_ranking
    from qingshan.config import load_province

    s = next(x for x in real_march_zh.sections if x.key == "counties")
    df = county_ranking(real_store, "2019-03", load_province("shandong"))
    rows = s.tables[0].rows()
    assert len(rows) == len(df) == 13     # the 13 county-level publication cities of Shandong
    head = list(s.tables[0].df.columns)
    for r, (_, c) in zip(rows, df.iterrows()):
        assert r[head.index("县级城市")] == c["name_zh"]
        assert r[head.index("综合指数")] == f"{c['composite_index']:.2f}"
        assert r[head.index("PM₂.₅ 平均浓度（µg/m³）")] == f"{c['pm25']:.0f}"
        assert r[0] == ("—" if str(c["rank"]) == "<NA>" else str(c["rank"]))
