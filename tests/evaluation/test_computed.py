"""Computed indicators come from the domains' services (qingshan.air.service.assess), not
re-implemented: a hand-made store with constant hourly concentrations."""

import tomllib
from datetime import datetime, timedelta

import pandas as pd
import pytest

from qingshan.evaluation.service import run

MINI = """code = "990000"
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
#: station -> (city, (so2, no2, co, o3, pm10, pm25)) constant every hour of 2018-04..06
STATIONS = {"J1": ("370100", (15, 38, 1.0, 100, 90, 50)),
            "Q1": ("370200", (10, 30, 1.0, 100, 70, 35))}


@pytest.fixture(scope="module")
def store():
    from qingshan.config import ProvinceConfig
    from qingshan.store import connect
    from qingshan.store.province import sync_province
    prov = ProvinceConfig.model_validate(tomllib.loads(MINI))
    con = connect(":memory:")
    short = {c.code: c.short_zh for c in prov.cities}
    con.executemany(
        "INSERT INTO station (code, name, raw_name, publication_city, prefecture, province, "
        "is_control, is_stopped, batch_id) VALUES (?, ?, ?, ?, ?, ?, false, false, 0)",
        [(s, f"站{s}", f"站{s}", short[c], short[c], "测试省") for s, (c, _) in STATIONS.items()])
    sync_province(con, prov)
    start = datetime(2018, 4, 1)
    rows = [(s, start + timedelta(hours=i + 1), *v) for s, (_, v) in STATIONS.items()
            for i in range(91 * 24)]
    df = pd.DataFrame(rows, columns=["station_code", "time", "so2", "no2", "co", "o3", "pm10",
                                     "pm25"])
    con.register("src", df)
    con.execute("INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, "
                "batch_id) SELECT station_code, time, so2, no2, co, o3, pm10, pm25, 0 FROM src")
    con.unregister("src")
    yield con, prov
    con.close()


@pytest.fixture(scope="module")
def evaluated(store):
    con, prov = store
    return run("shandong-2035", 2018, con=con, province=prov)


def test_air_indicators_from_the_air_service(evaluated):
    raw = evaluated.result.prepared.raw
    prov_src = evaluated.result.provenance
    # constant hourly PM2.5 50 / 35 and PM10 90 / 70: the annual means are those values
    assert raw.at["370100", "pm25"] == 50 and raw.at["370200", "pm25"] == 35
    assert raw.at["370100", "pm10"] == 90 and raw.at["370200", "pm10"] == 70
    assert prov_src.at["370100", "pm25"] == "computed: qingshan.air.service pm25"
    # no water data in this store: missing (not zeros)
    assert raw["water_good"].isna().all()


def test_run_from_the_store_flags_missing_indicators(evaluated):
    r = evaluated
    res = r.result
    assert set(res.units) == {"370100", "370200"}
    # only air indicators present: nothing is complete, so nothing is ranked
    assert not res.complete["BSI"].any() and res.ranks["BSI"].isna().all()
    # PM2.5 proximity to the 2027 placeholder target 28 [M], LPB = 5th percentile of cities
    # (35 + 0.95 * (50 - 35) = 49.25, worst side): Alpha 50 -> 0, Beta 35 -> (35 - 49.25)/(28 - 49.25) = 67.06
    assert res.scores.at["370100", "pm25"] == 0
    assert res.scores.at["370200", "pm25"] == pytest.approx(100 * 14.25 / 21.25)
    assert any("[M] pm25" in m for m in r.marks)


def test_bulletin_section(store, tmp_path):
    from qingshan.config import get_settings
    from qingshan.core.periods import parse_period
    from qingshan.evaluation.report import section
    from qingshan.reports.model import SectionContext
    con, prov = store
    st = get_settings(db=str(tmp_path / "q.duckdb"))
    assert section(SectionContext(con, parse_period("2018-Q2"), prov, "zh", st)) is None
    s = section(SectionContext(con, parse_period("2018"), prov, "en", st))
    # two cities, air indicators only: both partial, so none ranked ("0 with complete data")
    assert s is not None and "over 2 cities; 0 with complete data" in s.paragraphs[0]
    df = s.tables[0].df
    assert df["Complete"].tolist() == ["no (not ranked)"] * 2 and df["Rank"].isna().all()
    assert any("[M] pm25" in p for p in s.paragraphs)


def test_heavy_days_from_the_air_service(evaluated):
    # constant PM2.5 50 / 35 μg/m³: AQI never above 200, so no heavily polluted day
    raw = evaluated.result.prepared.raw
    assert raw.at["370100", "heavy_days"] == 0 and raw.at["370200", "heavy_days"] == 0
