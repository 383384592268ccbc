"""Fixtures of the air service tests: a small hand-made store and (once) the real 2019-H1 archive."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from tests._built import private_copy, real_h1_store


#: constant hourly concentrations per station (µg/m³, CO mg/m³): so2, no2, co, o3, pm10, pm25
#: City A = stations A1 (pm25 40) and A2 (pm25 60) -> city PM2.5 50; B one station; C = A's values.
STATIONS = {
    "A1": ("370100", (10, 35, 1.2, 120, 90, 40)),
    "A2": ("370100", (10, 35, 1.2, 120, 90, 60)),
    "B1": ("370200", (60, 40, 4.0, 160, 70, 35)),
    "C1": ("370300", (10, 35, 1.2, 120, 90, 50)),
}


@pytest.fixture(scope="session")
def mini_province():
    import tomllib

    from qingshan.config import ProvinceConfig
    return ProvinceConfig.model_validate(tomllib.loads(MINI_TOML))


def _hours(start: datetime, end: datetime) -> list[datetime]:
    n = int((end - start).total_seconds() // 3600)
    return [start + timedelta(hours=i + 1) for i in range(n)]


def build_mini(con, province) -> None:
    """All of 2019 (stamps 2019-01-01 01:00 … 2020-01-01 00:00) for the four stations, plus
    February 2018 for station A1 only with PM2.5 40 (so city A had PM2.5 40 in 2018-02)."""
    from qingshan.store.province import sync_province

    short = {c.code: c.short_zh for c in province.cities}
    con.executemany(
        "INSERT INTO station (code, name, raw_name, publication_city, prefecture, province, "
        "is_control, is_stopped, batch_id) VALUES (?, ?, ?, ?, ?, ?, false, false, 0)",
        [(s, f"站{s}", f"站{s}", short[c], short[c], "测试省") for s, (c, _) in STATIONS.items()])
    sync_province(con, province)
    year = _hours(datetime(2019, 1, 1), datetime(2020, 1, 1))
    rows = [(s, t, *v) for s, (_, v) in STATIONS.items() for t in year]
    feb18 = _hours(datetime(2018, 2, 1), datetime(2018, 3, 1))
    rows += [("A1", t, 10, 35, 1.2, 120, 90, 40) for t in feb18]
    df = pd.DataFrame(rows, columns=["station_code", "time", "so2", "no2", "co", "o3", "pm10",
                                     "pm25"])
    con.register("src", df)
    con.execute("INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, "
                "batch_id) SELECT station_code, time, so2, no2, co, o3, pm10, pm25, 0 FROM src")
    con.unregister("src")


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
[[cities]]
code = "370300"
name_zh = "丙市"
short_zh = "丙"
name_en = "Gamma"
"""


@pytest.fixture(scope="session")
def mini_store(mini_province):
    from qingshan.store import connect

    con = connect(":memory:")
    build_mini(con, mini_province)
    yield con
    con.close()


@pytest.fixture(scope="session")
def mini_db_file(tmp_path_factory, mini_province):
    """The hand-made store as a file, plus the province TOML, for CLI tests."""
    from qingshan.store import connect

    d = tmp_path_factory.mktemp("mini_cli")
    toml = d / "testland.toml"
    toml.write_text(MINI_TOML, encoding="utf-8")
    con = connect(str(d / "mini.duckdb"))
    build_mini(con, mini_province)
    con.close()
    return d / "mini.duckdb", toml


@pytest.fixture(scope="session")
def real_store(tmp_path_factory):
    """Store with the real CNEMC 2019-H1 Shandong archive (built once per test run)."""
    from qingshan.store import connect

    con = connect(str(private_copy(real_h1_store(), tmp_path_factory.mktemp("air_real"))))
    yield con
    con.close()
