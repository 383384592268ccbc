"""API: cities, stations, stored hours, batches — against the shared real data.

Expected values are read from the source files themselves (province TOML, the station list,
the CNEMC archive), never from qingshan's output.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from tests.api._store import ARCHIVE, MONTHS, SHARED

P = "/api/v1"
REPO = Path(__file__).resolve().parents[2]


def assert_error(r, status: int, code: str | None = None) -> dict:
    """The one error shape: {"error": {status, code, message, details}}."""
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert {"status", "code", "message", "details"} <= set(err)
    assert err["status"] == status and isinstance(err["message"], str) and err["message"]
    if code:
        assert err["code"] == code
    return err


def _archive_cell(day: str, hour: int, typ: str, station: str) -> str:
    with open(ARCHIVE / f"china_sites_{day}.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["hour"] == str(hour) and row["type"] == typ:
                return row[station]
    raise AssertionError("cell not found")


def test_cities_are_the_configured_ones(api_client):
    cfg = tomllib.loads((REPO / "src/qingshan/config/provinces/shandong.toml").read_text("utf-8"))
    r = api_client.get(f"{P}/cities")
    assert r.status_code == 200
    got = {c["code"]: c["name_zh"] for c in r.json()}
    assert got == {c["code"]: c["name_zh"] for c in cfg["cities"]}
    assert len(got) == 16  # Shandong: 16 prefectures since Laiwu merged into Jinan (2019)


def test_jinan_evaluation_stations_follow_the_station_list(api_client):
    # Rule (data README): publication city 济南 or 莱芜 (merged), 对照点 = N.
    with open(SHARED / "data/stations/NewSiteList.utf8.csv", encoding="utf-8-sig") as f:
        expected = {r["监测点编码"] for r in csv.DictReader(f)
                    if r["城市"] in ("济南", "莱芜") and r["对照点"] == "N"}
    r = api_client.get(f"{P}/stations", params={"city": "370100", "limit": 1000})
    assert r.status_code == 200
    body = r.json()
    assert {s["code"] for s in body["items"]} == expected
    assert body["total"] == len(expected)
    assert api_client.get(f"{P}/cities/370100").json()["stations"] == len(expected)


def test_stations_pagination_covers_the_list_once(api_client):
    total = api_client.get(f"{P}/stations", params={"limit": 1}).json()["total"]
    seen: list[str] = []
    for off in range(0, total, 25):
        page = api_client.get(f"{P}/stations", params={"limit": 25, "offset": off}).json()
        assert page["limit"] == 25 and page["offset"] == off and page["total"] == total
        seen += [s["code"] for s in page["items"]]
    assert len(seen) == total == len(set(seen))
    past = api_client.get(f"{P}/stations", params={"offset": total + 5}).json()
    assert past["items"] == [] and past["total"] == total


def test_station_hours_equal_the_archive(api_client):
    # archive china_sites_20190101.csv, hour 1 (mean over 00:00–01:00), station 1299A
    r = api_client.get(f"{P}/stations/1299A/hours",
                       params={"start": "2019-01-01T01:00", "end": "2019-01-01T01:00"})
    assert r.status_code == 200
    (h,) = r.json()["items"]
    assert h["time"] == "2019-01-01T01:00:00+08:00"   # Beijing time, with its offset
    for col, typ in (("pm25", "PM2.5"), ("pm10", "PM10"), ("no2", "NO2"), ("co", "CO")):
        assert h[col] == float(_archive_cell("20190101", 1, typ, "1299A"))


def test_station_detail_has_its_latest_hour(api_client):
    r = api_client.get(f"{P}/stations/1299A")
    assert r.status_code == 200
    st = r.json()
    assert st["city_code"] == "370100"
    # last file ingested: 2019-03-31, last hour 23 → stamp 2019-03-31T23:00 at the latest
    assert st["latest"]["time"] <= "2019-04-01T00:00:00+08:00"
    assert st["latest"]["time"] >= "2019-03-31T00:00:00+08:00"


def test_batches_list_every_ingest(api_client):
    n_files = sum(1 for f in ARCHIVE.glob("china_sites_*.csv") if f.name[12:18] in MONTHS)
    body = api_client.get(f"{P}/batches", params={"limit": 5}).json()
    assert body["total"] == n_files + 1  # + the station list
    assert len(body["items"]) == 5
    ids = [b["batch_id"] for b in body["items"]]
    assert ids == sorted(ids, reverse=True)
    one = api_client.get(f"{P}/batches/1").json()
    assert one["kind"] == "stations" and one["file_name"] == "NewSiteList.csv"
    assert one["rows_stored"] == 2026  # data README: 2,026 stations in the list


@pytest.mark.parametrize("url,status", [
    ("/cities/379999", 404),
    ("/stations/NOPE", 404),
    ("/stations?city=999999", 404),
    ("/stations?limit=0", 422),
    ("/stations?limit=abc", 422),
    ("/stations?offset=-1", 422),
    ("/stations/1299A/hours?start=2019-01-01&end=2018-12-31", 422),
    ("/stations/1299A/hours?start=2019-13-01&end=2019-01-02", 422),
    ("/stations/1299A/hours?start=yesterday&end=2019-01-02", 422),
    ("/stations/1299A/hours?start=2017-01-01&end=2019-01-02", 422),
    ("/stations/1299A/hours?start=2999-01-01&end=2999-01-02", 422),
    ("/stations/1299A/hours", 422),
    ("/batches/99999", 404),
    ("/batches/x", 422),
    ("/batches?limit=100000", 422),
    ("/no-such-endpoint", 404),
])
def test_bad_requests_answer_4xx_in_the_error_shape(api_client, url, status):
    assert_error(api_client.get(P + url), status)


def test_wrong_method_is_an_error_shape(api_client):
    assert_error(api_client.delete(f"{P}/cities"), 405)
