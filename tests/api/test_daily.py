"""The materialised daily statistics (qingshan.air.daily) give the same frames as the chain.

The reference is the hourly chain itself, :mod:`qingshan.air.service` (whose figures other tests
check against the spec and CNEMC's published values): every period's figures from the daily rows
must be *identical* to the chain's — same columns, same values, same order — on the real
2019 Q1 Shandong store built by the ingest (tests/api/_store.py, via tests/_built.py).
"""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from tests.api._store import ARCHIVE, built_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from qingshan.store import connect
    path = tmp_path_factory.mktemp("daily") / "q1.duckdb"
    shutil.copy(built_store(), path)
    c = connect(path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def prov():
    from qingshan.config import load_province
    return load_province("shandong")


@pytest.fixture
def used(monkeypatch):
    """Counts the plan steps answered from the daily tables (proves the fast path ran)."""
    from qingshan.air import daily
    calls: list[str] = []
    orig = daily._DailyBackend.materialize

    def spy(self, name, query):
        calls.append(name)
        return orig(self, name, query)

    monkeypatch.setattr(daily._DailyBackend, "materialize", spy)
    return calls


def test_ingest_leaves_the_daily_rows_fresh(con):
    from qingshan.air import daily
    assert daily.fresh(con, "station") and daily.fresh(con, "city")
    # one row per station-day with a stored hour. The files hold hours 0–23 of 2019-01-01 …
    # 2019-03-31; hour-ending, the stamp 2019-01-01 00:00 belongs to the natural day
    # 2018-12-31 and 2019-03-31 ends at 23:00 (its 24th stamp is in the April 1 file)
    lo, hi = con.execute(f"SELECT min(date), max(date) FROM {daily.STATION_TABLE}").fetchall()[0]
    assert (lo, hi) == (date(2018, 12, 31), date(2019, 3, 31))
    n_pairs = con.execute("SELECT count(*) FROM (SELECT DISTINCT station_code, "
                          "CAST(time - INTERVAL 1 HOUR AS DATE) FROM air_hourly)").fetchall()[0][0]
    assert con.execute(f"SELECT count(*) FROM {daily.STATION_TABLE}").fetchall()[0][0] == n_pairs


@pytest.mark.parametrize("period,level", [
    ("2019-02", "station"), ("2019-Q1", "province"),
    ("2019-01..2019-02", "city"), ("2019-H1", "city"),   # H1: data for Q1 only (partial)
])
def test_assess_equals_the_chain(con, prov, used, period, level, monkeypatch):
    from qingshan.air import daily, province_days
    from qingshan.air import service as svc
    # the province series is read from the kept days (not from a table step), so for it the
    # proof of the fast path is a read of those (whichever test of the module kept them first)
    orig = province_days.kept
    monkeypatch.setattr(province_days, "kept",
                        lambda *a, **k: used.append("province_days") or orig(*a, **k))
    chain = svc.assess(con, period, level, prov)
    assert not used                       # the chain ran without the tables
    fast = daily.assess(con, period, level, prov)
    assert used                           # … and the fast path read them
    pd.testing.assert_frame_equal(fast, chain)


def test_weighted_ranking_equals_the_chain(con, prov):
    from qingshan.air import daily
    from qingshan.air import service as svc
    pd.testing.assert_frame_equal(daily.city_ranking(con, "2019-Q1", prov, weighted=True),
                                  svc.city_ranking(con, "2019-Q1", prov, weighted=True))


@pytest.mark.parametrize("level,code,start,end", [
    ("city", "370100", date(2019, 1, 1), date(2019, 1, 31)),
    ("station", "1299A", date(2019, 2, 25), date(2019, 3, 5)),
    # the province series: its day AQI from the days kept in the process (session 5)
    ("province", None, date(2019, 2, 20), date(2019, 3, 10)),
])
def test_daily_aqi_equals_the_chain(con, prov, level, code, start, end):
    from qingshan.air import daily
    from qingshan.air import service as svc
    pd.testing.assert_frame_equal(daily.daily_aqi(con, level, code, start, end, prov),
                                  svc.daily_aqi(con, level, code, start, end, prov))


@pytest.mark.parametrize("level,code", [("city", "370200"), ("province", "370000")])
def test_monthly_series_equals_the_chain(con, prov, level, code):
    from qingshan.air import daily
    from qingshan.air import service as svc
    pd.testing.assert_frame_equal(daily.monthly_series(con, level, code, 2019, prov),
                                  svc.monthly_series(con, level, code, 2019, prov))


def test_every_citys_series_in_one_statement_are_each_citys_own(con, prov):
    """``code=None`` (the city page reads every city's year at once, air.pages._city_series):
    each city's rows equal its own call's, from the daily rows and from the chain."""
    from qingshan.air import daily
    from qingshan.air import service as svc
    every = {"daily": daily.monthly_series(con, "city", None, 2019, prov),
             "chain": svc.monthly_series(con, "city", None, 2019, prov)}
    days = daily.daily_aqi(con, "city", None, date(2019, 1, 1), date(2019, 3, 31), prov)
    assert set(every["daily"]["code"]) == {c.code for c in prov.cities}
    for c in prov.cities:
        own = daily.monthly_series(con, "city", c.code, 2019, prov)
        assert list(own["month"]) == [1, 2, 3]          # Q1 2019 is what the store holds
        for frame in every.values():
            pd.testing.assert_frame_equal(
                frame[frame["code"] == c.code].reset_index(drop=True), own)
        pd.testing.assert_frame_equal(
            days[days["code"] == c.code].reset_index(drop=True),
            daily.daily_aqi(con, "city", c.code, date(2019, 1, 1), date(2019, 3, 31), prov))


def _rows(con, table):
    return con.execute(f"SELECT * FROM {table} ORDER BY code, date").df()


def test_incremental_ingest_equals_a_rebuild(tmp_path, prov):
    """Ingesting two more days (and re-ingesting one with a changed value) updates exactly
    what a full rebuild would produce."""
    from qingshan.air import daily
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.store import connect
    path = tmp_path / "inc.duckdb"
    shutil.copy(built_store(), path)
    c = connect(path)
    try:
        ingest_cnemc(c, [ARCHIVE / "china_sites_20190401.csv", ARCHIVE / "china_sites_20190402.csv"])
        # a corrected 2019-03-15: the first PM2.5 value of 1299A's column raised by 100
        src = (ARCHIVE / "china_sites_20190315.csv").read_text(encoding="utf-8").splitlines()
        head = src[0].split(",")
        col = head.index("1299A")
        for i, line in enumerate(src[1:], 1):
            f = line.split(",")
            if f[2] == "PM2.5" and f[col]:
                f[col] = str(float(f[col]) + 100)
                src[i] = ",".join(f)
                break
        fixed = tmp_path / "china_sites_20190315.csv"
        fixed.write_text("\n".join(src) + "\n", encoding="utf-8")
        ingest_cnemc(c, [fixed])
        assert daily.fresh(c, "station") and daily.fresh(c, "city")
        st, ct = _rows(c, daily.STATION_TABLE), _rows(c, daily.CITY_TABLE)
        assert st.date.max() == pd.Timestamp("2019-04-02")
        daily.refresh(c)
        pd.testing.assert_frame_equal(st, _rows(c, daily.STATION_TABLE))
        pd.testing.assert_frame_equal(ct, _rows(c, daily.CITY_TABLE))
    finally:
        c.close()


def test_stale_rows_are_never_used(tmp_path, prov, used):
    """Hourly rows changed behind the ingest's back, or a new city→station map: the readers
    run the chain (same figures as the chain), until the tables are rebuilt."""
    from qingshan.air import daily
    from qingshan.air import service as svc
    from qingshan.store import connect
    path = tmp_path / "stale.duckdb"
    shutil.copy(built_store(), path)
    c = connect(path)
    try:
        c.execute("DELETE FROM air_hourly WHERE station_code = '1299A' AND time < '2019-03-10'")
        assert not daily.fresh(c, "station")
        pd.testing.assert_frame_equal(daily.assess(c, "2019-03", "station", prov),
                                      svc.assess(c, "2019-03", "station", prov))
        assert not used
        daily.refresh(c)
        # a station leaves Jinan's evaluation stations: the city rows follow the new map
        c.execute("DELETE FROM city_station WHERE station_code = '1299A'")
        assert daily.fresh(c, "station") and not daily.fresh(c, "city")
        daily.after_membership_change(c)
        assert daily.fresh(c, "city")
        pd.testing.assert_frame_equal(daily.assess(c, "2019-03", "city", prov),
                                      svc.assess(c, "2019-03", "city", prov))
        assert used
    finally:
        c.close()


def test_compliance_rates_equal_the_chain(con, prov):
    from qingshan.air import daily
    from qingshan.air import service as svc
    pd.testing.assert_frame_equal(daily.compliance_rates(con, "2019-Q1", "city", prov),
                                  svc.compliance_rates(con, "2019-Q1", "city", prov))


def test_the_daily_rows_are_a_parameter_and_two_statements(con, prov, monkeypatch):
    """No monkeypatch of the service any more (its functions are its own), and with the daily
    rows a city assessment is answered by two fused statements (air/views.py): the city
    indices (the plan's steps of the period as common table expressions, kept per store
    state: passes.city_indices) and the answer reading them as values; the province's
    mean of the city indices then reads the kept rows — no city chain is planned again."""
    from qingshan.air import daily, passes, views
    from qingshan.air import service as svc
    assert svc._daily_stats.__module__ == "qingshan.air.service"
    assert not hasattr(daily, "using_daily")
    passes._CITY_INDEX.clear()
    frames: list[int] = []
    chains: list[int] = []
    orig, orig_arrow = views.Views.frame, passes._arrow

    def spy(self, sql, params=None):
        frames.append(len(self._needed(sql)))
        return orig(self, sql, params)

    def spy_arrow(put, name):
        chains.append(len(put._needed(name)))
        return orig_arrow(put, name)

    monkeypatch.setattr(views.Views, "frame", spy)
    monkeypatch.setattr(passes, "_arrow", spy_arrow)
    fast = daily.assess(con, "2019-02", "city", prov)
    # the indices: city_daily, city_aqi, city_days, city_year of 2019-02 (2018-02 has no
    # data: no previous year's chain), rows, idx — at least 6 steps; the answer: out and
    # the YoY stub (noprev, yoy), fewer than the chain
    assert len(chains) == 1 and chains[0] >= 6
    assert len(frames) == 1 and 1 <= frames[0] < chains[0]
    daily.assess(con, "2019-02", "province", prov)
    assert len(chains) == 1 and len(frames) == 2     # the city indices were kept
    monkeypatch.setattr(views.Views, "frame", orig)
    monkeypatch.setattr(passes, "_arrow", orig_arrow)
    pd.testing.assert_frame_equal(fast, svc.assess(con, "2019-02", "city", prov))
    pd.testing.assert_frame_equal(daily.assess(con, "2019-02", "province", prov),
                                  svc.assess(con, "2019-02", "province", prov))


def test_periods_containing_the_switch_read_the_stored_aqi(tmp_path, monkeypatch):
    """A period containing 2026-03-01 is assessed day by day (each day's AQI by the HJ 633
    version in force that day, the transition policy period_end): exactly the AQI stored with
    each day's row, so the daily path reads it too — and the frames equal the chain's."""
    import tomllib
    from datetime import datetime, timedelta

    from qingshan.air import daily
    from qingshan.air import service as svc
    from qingshan.config import ProvinceConfig
    from qingshan.store import connect
    from qingshan.store.province import sync_province
    from tests.air.test_transition import TOML
    prov = ProvinceConfig.model_validate(tomllib.loads(TOML))
    con = connect(tmp_path / "t.duckdb")
    try:
        con.executemany(
            "INSERT INTO station (code, name, raw_name, publication_city, prefecture, province, "
            "is_control, is_stopped, batch_id) VALUES (?, ?, ?, ?, ?, ?, false, false, 0)",
            [("A1", "站A1", "站A1", "甲", "甲", "测试省"), ("B1", "站B1", "站B1", "乙", "乙", "测试省")])
        sync_province(con, prov)
        t0 = datetime(2026, 2, 1)
        hours = [t0 + timedelta(hours=i + 1) for i in range(59 * 24)]     # Feb 1 … Mar 31
        # PM2.5 rising through the days (both HJ 633 versions' breakpoints are crossed)
        df = pd.DataFrame([(s, t, 10, 20, 0.5, 80, 50, 40 + (t - t0).days * 2)
                           for s in ("A1", "B1") for t in hours],
                          columns=["station_code", "time", "so2", "no2", "co", "o3", "pm10",
                                   "pm25"])
        con.register("src", df)
        con.execute("INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, "
                    "batch_id) SELECT station_code, time, so2, no2, co, o3, pm10, pm25, 0 FROM src")
        con.unregister("src")
        daily.refresh(con)
        reads: list[str] = []
        orig = daily._complete
        monkeypatch.setattr(daily, "_complete",
                            lambda table, *a, **k: reads.append(table) or orig(table, *a, **k))
        for period, level in [("2026-02..2026-03", "city"), ("2026-Q1", "station")]:
            reads.clear()
            fast = daily.assess(con, period, level, prov)
            # daily statistics and day AQI of the period both from the table: one read, the
            # day AQI taken from the daily step's rows (the previous year has no data, so no
            # YoY steps)
            table = daily.CITY_TABLE if level == "city" else daily.STATION_TABLE
            assert reads == [table], reads
            pd.testing.assert_frame_equal(fast, svc.assess(con, period, level, prov))
        # the province series around the switch: each day's AQI by its own version, from the
        # kept days (2012-only columns NULL on 2026 days), as the chain computes it
        kept: list[tuple] = []
        orig_aqi = daily._province_aqi
        monkeypatch.setattr(daily, "_province_aqi", lambda put, a, b, p: kept.append((a, b))
                            or orig_aqi(put, a, b, p))
        pd.testing.assert_frame_equal(daily.assess(con, "2026-02..2026-03", "province", prov),
                                      svc.assess(con, "2026-02..2026-03", "province", prov))
        for start, end in [(date(2026, 2, 20), date(2026, 3, 10)),
                           (date(2026, 3, 2), date(2026, 3, 20))]:
            pd.testing.assert_frame_equal(
                daily.daily_aqi(con, "province", None, start, end, prov),
                svc.daily_aqi(con, "province", None, start, end, prov))
        assert (date(2026, 3, 2), date(2026, 3, 20)) in kept and len(kept) >= 3, kept
    finally:
        con.close()


def test_kept_city_indices_are_not_shared_by_two_copies_of_a_store(con, prov, used,
                                                                   tmp_path):
    """Two copies of one store have the same fingerprint (count, batches, span): the city
    indices kept for one are not served for the other — the copy computes its own from its
    daily tables (the fresh-clone failure of test_assess_equals_the_chain, session 6, when
    another module's copy had been assessed first in the same process)."""
    from qingshan.air import daily
    from qingshan.store import connect
    daily.assess(con, "2019-Q1", "city", prov)           # kept for this store's file
    used.clear()
    other = tmp_path / "other.duckdb"
    shutil.copy(built_store(), other)
    c2 = connect(other)
    try:
        assert daily.fingerprint(c2) == daily.fingerprint(con)
        got = daily.assess(c2, "2019-Q1", "city", prov)
        assert used                                       # read its own daily rows
        pd.testing.assert_frame_equal(got, daily.assess(con, "2019-Q1", "city", prov))
    finally:
        c2.close()
