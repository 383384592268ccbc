"""A small hand-made air store: three cities, 2017-Q2 and 2018-Q2, constant concentrations."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta

import pandas as pd
import pytest

#: station: (city, {year: (so2, no2, co, o3, pm10, pm25)}) — constant every hour of Q2
STATIONS = {
    "J1": ("370100", {2017: (20, 40, 1.0, 100, 100, 60), 2018: (15, 38, 1.0, 100, 90, 50)}),
    "Q1": ("370200", {2017: (20, 40, 1.0, 100, 100, 60), 2018: (15, 38, 1.0, 100, 90, 50)}),
    "Z1": ("370300", {2017: (10, 30, 1.0, 100, 70, 40), 2018: (10, 30, 1.0, 100, 70, 45)}),
}

MINI_TOML = """code = "990000"
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
coastal = true
[[cities]]
code = "370300"
name_zh = "丙市"
short_zh = "丙"
name_en = "Gamma"
"""


@pytest.fixture(scope="session")
def comp_province():
    from qingshan.config import ProvinceConfig
    return ProvinceConfig.model_validate(tomllib.loads(MINI_TOML))


def build_store(con, province) -> None:
    from qingshan.store.province import sync_province

    short = {c.code: c.short_zh for c in province.cities}
    con.executemany(
        "INSERT INTO station (code, name, raw_name, publication_city, prefecture, province, "
        "is_control, is_stopped, batch_id) VALUES (?, ?, ?, ?, ?, ?, false, false, 0)",
        [(s, f"站{s}", f"站{s}", short[c], short[c], "测试省") for s, (c, _) in STATIONS.items()])
    sync_province(con, province)
    rows = []
    for y in (2017, 2018):
        start = datetime(y, 4, 1)
        hours = [start + timedelta(hours=i + 1) for i in range(91 * 24)]
        rows += [(s, t, *v[y]) for s, (_, v) in STATIONS.items() for t in hours]
    df = pd.DataFrame(rows, columns=["station_code", "time", "so2", "no2", "co", "o3", "pm10",
                                     "pm25"])
    con.register("src", df)
    con.execute("INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, "
                "batch_id) SELECT station_code, time, so2, no2, co, o3, pm10, pm25, 0 FROM src")
    con.unregister("src")


@pytest.fixture(scope="session")
def comp_store(comp_province):
    from qingshan.store import connect

    con = connect(":memory:")
    build_store(con, comp_province)
    yield con
    con.close()


@pytest.fixture(scope="session")
def comp_db_file(tmp_path_factory, comp_province):
    """The same store as a file, with the province TOML, for CLI and API tests."""
    from qingshan.store import connect

    d = tmp_path_factory.mktemp("comp_cli")
    toml = d / "testland.toml"
    toml.write_text(MINI_TOML, encoding="utf-8")
    con = connect(str(d / "comp.duckdb"))
    build_store(con, comp_province)
    con.close()
    return d / "comp.duckdb", toml


@pytest.fixture(scope="session")
def ops_db(tmp_path_factory):
    """One analytic-store path whose operational store (``q.ops.sqlite`` beside it) every test
    of this folder shares: the Alembic upgrade of all domains runs once per session."""
    return tmp_path_factory.mktemp("ops") / "q.duckdb"
