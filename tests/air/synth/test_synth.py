"""Tests of the synthetic data generator (qingshan.air.synth).

Target levels are those the generator's brief sets for a Shandong-like province (annual PM2.5
35–50, PM10 65–90, SO2 8–15, NO2 25–35 µg/m³, CO daily P95 ~1.2–1.6 mg/m³, O3 MDA8 P90 ~170–190
µg/m³); the checks here use simple, independent SQL (daily means of evaluation stations, city
averages), not qingshan's engine.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import numpy as np
import pytest

from qingshan.air.standards.plausible_ranges import MAX_PLAUSIBLE
from qingshan.air.synth import (
    POLLUTANTS, STATION_COLUMNS, TYPE_ROWS, generate_hourly, generate_stations,
    write_cnemc_daily, write_station_list,
)


@pytest.fixture(scope="module")
def stations(province):
    return generate_stations(province, seed=7)


@pytest.fixture(scope="module")
def year(stations):
    return generate_hourly(stations, date(2025, 1, 1), date(2025, 12, 31), seed=7)


def test_station_roles(province, stations):
    assert list(stations.columns) == STATION_COLUMNS
    assert stations["监测点编码"].is_unique
    for city in province.cities:
        block = stations[stations["地级行政区"] == city.name_zh]
        ev = block[(block["城市"] == city.short_zh) & (block["对照点"] == "N")]
        ctl = block[block["对照点"] == "Y"]
        county = block[(block["城市"] != city.short_zh) & (block["对照点"] == "N")]
        assert 4 <= len(ev) <= 8, city.name_en
        assert len(ctl) == 1 and len(county) == 1, city.name_en
        # an invented county-level city never coincides with a configured publication city
        assert county["城市"].iloc[0] not in {s for c in province.cities for s in c.station_cities}
        assert (block["省级行政区"] == province.name_zh).all()
        assert block["经度"].between(114, 123).all() and block["纬度"].between(34, 38.5).all()


def test_national_stations():
    st = generate_stations(None, n_stations=1650)
    assert len(st) == 1650 and st["监测点编码"].is_unique
    assert st["城市"].nunique() > 150
    with pytest.raises(ValueError):
        generate_stations(None)


def test_reproducible(stations):
    a = generate_hourly(stations.head(10), date(2025, 3, 1), date(2025, 3, 10), seed=3)
    b = generate_hourly(stations.head(10), date(2025, 3, 1), date(2025, 3, 10), seed=3)
    c = generate_hourly(stations.head(10), date(2025, 3, 1), date(2025, 3, 10), seed=4)
    assert a.equals(b)
    assert not a.equals(c)
    assert generate_stations(None, 50, seed=1).equals(generate_stations(None, 50, seed=1))


def test_shape_and_time_convention(stations, year):
    assert year.column_names == ["code", "time", *POLLUTANTS]
    # 365 natural days × 24 hour-ending stamps per station
    assert year.num_rows == len(stations) * 365 * 24
    t = year["time"].to_numpy()
    assert t.min() == np.datetime64(datetime(2025, 1, 1, 1))
    assert t.max() == np.datetime64(datetime(2026, 1, 1, 0))
    # published precision: integers, CO one decimal
    pm = year["pm25"].drop_null().to_numpy()
    co = year["co"].drop_null().to_numpy()
    assert np.all(pm == np.rint(pm))
    assert np.allclose(co * 10, np.rint(co * 10))


def test_missing_and_faults(stations, year):
    con = duckdb.connect()
    con.register("h", year)
    n = year.num_rows
    # whole station-hours missing: ≈ 2 % random + whole days + a stopped station
    allnull = con.sql("SELECT count(*) FROM h WHERE coalesce(so2, no2, co, o3, pm10, pm25) "
                      "IS NULL").fetchall()[0][0]
    assert 0.02 <= allnull / n <= 0.06
    # a station that stops: all values null over its last 30 % of the year
    stopped = con.sql("""SELECT code FROM h GROUP BY code
        HAVING count(pm25) FILTER (WHERE time > TIMESTAMP '2025-09-15') = 0
           AND count(pm25) FILTER (WHERE time < TIMESTAMP '2025-04-01') > 1500""").fetchall()
    assert len(stopped) >= 1
    # an analyser down for a week: one pollutant null ≥ 168 h in a row while others report
    runs = con.sql(f"""
        WITH l AS (UNPIVOT h ON {', '.join(POLLUTANTS)} INTO NAME p VALUE v),
        g AS (SELECT code, p, time, time - to_hours(row_number() OVER
              (PARTITION BY code, p ORDER BY time)) AS grp FROM l)
        SELECT max(diff) FROM (SELECT code, p, max(time) - min(time) AS diff,
              lead(min(time)) OVER (PARTITION BY code, p ORDER BY min(time)) - max(time) AS gap
              FROM g GROUP BY code, p, grp) WHERE gap >= INTERVAL 168 HOUR
                 AND gap < INTERVAL 40 DAY""").fetchall()[0][0]
    assert runs is not None
    for p in POLLUTANTS:
        # single values missing too: every pollutant has more nulls than the all-null rows
        assert year[p].null_count > allnull
    neg = sum(con.sql(f"SELECT count(*) FROM h WHERE {p} < 0").fetchall()[0][0]
              for p in POLLUTANTS)
    spikes = sum(con.sql(f"SELECT count(*) FROM h WHERE {p} > {MAX_PLAUSIBLE[p]}")
                 .fetchall()[0][0] for p in POLLUTANTS)
    assert 1 <= neg <= 20 and 1 <= spikes <= 5
    gt = con.sql("SELECT avg(CASE WHEN pm25 > pm10 THEN 1.0 ELSE 0 END) FROM h "
                 "WHERE pm25 IS NOT NULL AND pm10 IS NOT NULL").fetchall()[0][0]
    assert 0 < gt < 0.02  # PM2.5 < PM10 mostly, as in the real archive (~1.3 %)


@pytest.fixture(scope="module")
def city_year(province, stations, year):
    """Per city: annual means of daily means of evaluation stations, CO daily P95, O3 MDA8 P90."""
    con = duckdb.connect()
    con.register("h", year)
    con.register("st", stations)
    shorts = [c.short_zh for c in province.cities]
    return con.sql(f"""
        WITH ev AS (SELECT "监测点编码" AS code, "城市" AS city FROM st
                    WHERE "对照点" = 'N' AND "城市" IN (SELECT unnest({shorts}))),
        v AS (SELECT code, time, cast(time - INTERVAL 1 HOUR AS DATE) AS d,
                     {', '.join(f"CASE WHEN {p} BETWEEN 0 AND {MAX_PLAUSIBLE[p]} "
                                f"THEN {p} END AS {p}" for p in POLLUTANTS)} FROM h),
        o8 AS (SELECT code, d, avg(o3) OVER (PARTITION BY code ORDER BY time
                     ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS o8 FROM v),
        m8 AS (SELECT code, d, max(o8) AS mda8 FROM o8 GROUP BY ALL),
        dm AS (SELECT code, d, avg(pm25) AS pm25, avg(pm10) AS pm10, avg(so2) AS so2,
                      avg(no2) AS no2, avg(co) AS co FROM v GROUP BY ALL),
        cd AS (SELECT city, d, avg(pm25) AS pm25, avg(pm10) AS pm10, avg(so2) AS so2,
                      avg(no2) AS no2, avg(co) AS co, avg(mda8) AS mda8
               FROM dm JOIN ev USING (code) JOIN m8 USING (code, d) GROUP BY ALL)
        SELECT city, avg(pm25) AS pm25, avg(pm10) AS pm10, avg(so2) AS so2, avg(no2) AS no2,
               quantile_cont(co, 0.95) AS co95, quantile_cont(mda8, 0.9) AS o3p90,
               count(*) FILTER (WHERE pm25 > 150) AS heavy,
               count(*) FILTER (WHERE mda8 > 160) AS o3days
        FROM cd GROUP BY city""").df().set_index("city")


def test_annual_levels(province, city_year):
    cy = city_year
    assert len(cy) == len(province.cities)
    mean = cy.mean()
    assert 35 <= mean.pm25 <= 50 and 65 <= mean.pm10 <= 90
    assert 8 <= mean.so2 <= 15 and 25 <= mean.no2 <= 35
    assert 1.2 <= mean.co95 <= 1.6 and 165 <= mean.o3p90 <= 195
    # every city near the target band (a city mean may drift ~1 µg/m³ through missing data)
    assert cy.pm25.between(33, 52).all() and cy.pm10.between(62, 93).all()
    assert cy.so2.between(7, 16).all() and cy.no2.between(23.5, 36.5).all()
    # varied by city so rankings are meaningful
    assert cy.pm25.max() - cy.pm25.min() > 6


def test_episodes(province, city_year):
    cy = city_year
    # heavy pollution (city daily PM2.5 > 150, i.e. AQI > 200) a few times a winter
    assert cy.heavy.sum() >= 10
    assert cy.o3days.min() >= 5  # summer ozone: MDA8 > 160 on some days in every city
    coastal = [c.short_zh for c in province.cities if c.coastal]
    inland = [c.short_zh for c in province.cities if not c.coastal]
    assert cy.loc[inland].heavy.mean() > cy.loc[coastal].heavy.mean()


def test_cnemc_round_trip(tmp_path, province, stations, store):
    from qingshan.air.ingest import ingest_cnemc, ingest_stations

    hourly = generate_hourly(stations, date(2025, 1, 1), date(2025, 1, 3), seed=11)
    files = write_cnemc_daily(hourly, tmp_path / "csv")
    # stamps 2025-01-01 01:00 … 2025-01-04 00:00: the last stamp goes to the file of Jan 4, hour 0
    assert [f.name for f in files] == [f"china_sites_2025010{d}.csv" for d in (1, 2, 3, 4)]
    lines = files[0].read_text(encoding="utf-8").splitlines()
    assert lines[0] == "date,hour,type," + ",".join(stations["监测点编码"])
    assert len(lines) == 1 + 23 * 15  # hours 1..23 on the first day
    assert [ln.split(",")[2] for ln in lines[1:16]] == TYPE_ROWS
    assert lines[1].startswith("20250101,1,AQI,")
    last = files[-1].read_text(encoding="utf-8").splitlines()
    assert len(last) == 1 + 15 and last[1].startswith("20250104,0,AQI,")

    write_station_list(stations, tmp_path / "stations.csv")
    ingest_stations(store, tmp_path / "stations.csv", province)
    ingest_cnemc(store, [tmp_path / "csv"])
    store.register("h", hourly)
    n_in = store.sql("SELECT count(*) FROM h WHERE coalesce(so2, no2, co, o3, pm10, pm25) "
                     "IS NOT NULL").fetchall()[0][0]
    assert store.sql("SELECT count(*) FROM air_hourly").fetchall()[0][0] == n_in
    diff = store.sql(f"""SELECT count(*) FROM h FULL JOIN air_hourly a
        ON a.station_code = h.code AND a.time = h.time
        WHERE {' OR '.join(f'h.{p} IS DISTINCT FROM a.{p}' for p in POLLUTANTS)}""").fetchall()
    assert diff[0][0] == 0
    # evaluation stations of the configured cities come from the synthetic list
    n_ev = store.sql("SELECT count(*) FROM city_station").fetchall()[0][0]
    assert n_ev == int(((stations["对照点"] == "N") & stations["监测点编码"].str.contains("A"))
                       .sum())
