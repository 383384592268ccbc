"""What the city and overview pages read on every request, kept per store file and version
(qingshan.api.catalog, qingshan.air.versions.kept / db_path, qingshan.water.pages): the same
rows as a fresh read, and never another store's or an older version's.

The store is built by hand (the project's migrations, rows inserted here), so every expected
row below is read off the inserts."""

from __future__ import annotations

import gc
import shutil
from datetime import datetime

import duckdb
import pandas as pd
import pytest

T0 = datetime(2024, 1, 3, 5)          # the newest hour of the store


def _write(path, sql: list[tuple[str, list]]) -> None:
    from qingshan.store import connect
    con = connect(str(path))
    try:
        for q, params in sql:
            con.execute(q, params)
    finally:
        con.close()


def _hour(code: str, t: datetime, pm25: float, batch: int = 1) -> tuple[str, list]:
    # so2, no2, co, o3, pm10, pm25 (µg/m³, CO mg/m³), qc_flags 0
    return ("INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, qc_flags, "
            "batch_id) VALUES (?, ?, 5, 20, 0.5, 60, 70, ?, 0, ?)", [code, t, pm25, batch])


@pytest.fixture
def store(tmp_path):
    """Cities C1 (stations A: hours to T0; B: stopped, last hour 1 Dec 2023, a month before
    T0; N: no hour at all) and C2 (D: two rows at its last hour 3 Jan 04:00, a tie)."""
    path = tmp_path / "tiny.duckdb"
    st = ("INSERT INTO station (code, name, raw_name, is_control, is_stopped, batch_id) "
          "VALUES (?, ?, ?, false, ?, 1)")
    _write(path, [
        ("INSERT INTO city (code, province_code, name_zh, short_zh, name_en) VALUES "
         "('C1', 'P', '一市', '一', 'One'), ('C2', 'P', '二市', '二', 'Two')", []),
        *[(st, [c, f"站{c}", f"站{c}", stopped]) for c, stopped in
          (("A", False), ("B", True), ("N", False), ("D", False))],
        ("INSERT INTO city_station VALUES ('C1', 'A'), ('C1', 'B'), ('C1', 'N'), ('C2', 'D')",
         []),
        _hour("A", datetime(2024, 1, 3, 4), 30), _hour("A", T0, 31),
        _hour("B", datetime(2023, 12, 1, 9), 40), _hour("B", datetime(2023, 12, 1, 10), 41),
        _hour("D", datetime(2024, 1, 3, 3), 50), _hour("D", datetime(2024, 1, 3, 4), 52),
        _hour("D", datetime(2024, 1, 3, 4), 52),
    ])
    return path


def _read(path, fn, *args):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return fn(con, *args)
    finally:
        con.close()


def test_latest_hours_are_each_stations_last_stored_hour(store):
    from qingshan.api import catalog
    df = _read(store, catalog.latest_hours, "C1")
    # by station code: A's last hour T0 (PM2.5 31); B's 1 Dec 10:00 (41), a month before the
    # store's newest hour (outside the recent days looked at first); N none (NULLs)
    assert list(df.code) == ["A", "B", "N"]
    assert list(df.is_stopped) == [False, True, False]
    assert df.time[0] == pd.Timestamp(T0) and df.pm25[0] == 31
    assert df.time[1] == pd.Timestamp(2023, 12, 1, 10) and df.pm25[1] == 41
    assert pd.isna(df.time[2]) and df[["so2", "pm25", "qc_flags"]].iloc[2].isna().all()
    assert list(df.columns) == ["code", "name", "is_stopped", "time", "so2", "no2", "co", "o3",
                                "pm10", "pm25", "qc_flags"]
    # D's last hour is stored twice (the same values): one row of it
    d = _read(store, catalog.latest_hours, "C2")
    assert list(d.code) == ["D"] and d.time[0] == pd.Timestamp(2024, 1, 3, 4) and d.pm25[0] == 52
    # the same frame as the window over all stored hours (the query before)
    for c in ("C1", "C2"):
        full = _read(store, lambda con, c: con.execute(catalog._latest_sql(False),
                                                       {"c": c}).df(), c)
        pd.testing.assert_frame_equal(_read(store, catalog._latest_hours, c), full)


def test_a_new_batch_is_not_served_the_kept_latest_hours_nor_catalogue(store):
    from qingshan.api import catalog
    from qingshan.air.api import check_code
    from qingshan.api.errors import ApiError
    assert _read(store, catalog.latest_hours, "C1").pm25[0] == 31
    assert _read(store, catalog.city, "C1")["name_en"] == "One"
    # a new batch of hours only (the catalogue as it was): A's hour T0 + 1 h (PM2.5 33)
    _write(store, [_hour("A", datetime(2024, 1, 3, 6), 33, batch=2)])
    df = _read(store, catalog.latest_hours, "C1")
    assert df.time[0] == pd.Timestamp(2024, 1, 3, 6) and df.pm25[0] == 33
    # the catalogue changed: a renamed city and a new one
    _write(store, [("UPDATE city SET name_en = 'Uno' WHERE code = 'C1'", []),
                   ("INSERT INTO city (code, province_code, name_zh, short_zh, name_en) "
                    "VALUES ('C3', 'P', '三市', '三', 'Three')", [])])
    assert _read(store, catalog.city, "C1")["name_en"] == "Uno"
    assert list(_read(store, catalog.cities).code) == ["C1", "C2", "C3"]
    _read(store, check_code, "city", "C3")              # known now: no 404
    with pytest.raises(ApiError):
        _read(store, check_code, "city", "C9")


def test_a_copy_of_the_store_is_not_served_the_others_answers(store, tmp_path):
    """Two copies given the same new batch (same id, same row count: the same journal version)
    but a different value: each copy answers with its own."""
    from qingshan.api import catalog
    other = tmp_path / "copy.duckdb"
    shutil.copy(store, other)
    _write(store, [_hour("A", datetime(2024, 1, 3, 6), 33, batch=2)])
    _write(other, [_hour("A", datetime(2024, 1, 3, 6), 99, batch=2)])
    assert _read(store, catalog.latest_hours, "C1").pm25[0] == 33
    assert _read(other, catalog.latest_hours, "C1").pm25[0] == 99
    assert _read(store, catalog.latest_hours, "C1").pm25[0] == 33


def test_kept_frames_are_copies(store):
    from qingshan.api import catalog
    df = _read(store, catalog.cities)
    df.loc[0, "name_en"] = "changed"
    assert _read(store, catalog.cities).name_en[0] == "One"
    c = _read(store, catalog.city, "C1")
    c["name_en"] = "changed"
    assert _read(store, catalog.city, "C1")["name_en"] == "One"


def test_db_path_of_a_new_connection_is_its_own(store, tmp_path):
    """A connection's file is asked once per connection object; a new connection (whatever
    its ``id()``, which Python reuses) is asked again."""
    from qingshan.air.versions import db_path
    other = tmp_path / "other.duckdb"
    shutil.copy(store, other)
    for _ in range(3):
        for p in (store, other):
            con = duckdb.connect(str(p), read_only=True)
            assert db_path(con) == str(p)
            assert db_path(con) == str(p)
            con.close()
            del con
            gc.collect()
    assert db_path(duckdb.connect()) is None             # in memory


def test_water_blocks_follow_a_new_water_batch(store):
    """The city page's water block and the periods with samples: none before any sample; a
    section of C1 sampled in 2024 makes 2024 a period (2024, its half-year H1, quarter Q1,
    month 2024-01: water_periods' order)."""
    from qingshan.water.pages import water_periods
    assert _read(store, water_periods) == []
    _write(store, [("INSERT INTO water_section (code, name, city_code, batch_id) "
                    "VALUES ('W1', '断面', 'C1', 3)", []),
                   ("INSERT INTO water_sample (section_code, sample_time, parameter, value, "
                    "batch_id) VALUES ('W1', TIMESTAMP '2024-01-10 08:00', 'pH', 7.5, 3)", [])])
    assert _read(store, water_periods) == ["2024", "2024-H1", "2024-Q1", "2024-01"]
