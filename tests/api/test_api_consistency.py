"""Issue 14 (3): one list envelope, level=station, one empty-data answer, schemas that match
(offsets on date-times, patterns on periods, Allow on 405), local interactive docs."""

from __future__ import annotations

import re

import pytest

P = "/api/v1"


@pytest.mark.parametrize("path,params,total", [
    ("/cities", {}, 16),                                  # Shandong: 16 prefecture-level cities
    ("/rankings", {"period": "2019-03"}, 16),
    ("/assessment", {"period": "2019-03", "level": "province"}, 1),
])
def test_one_list_envelope(api_client, path, params, total):
    r = api_client.get(P + path, params={**params, "envelope": "page", "limit": 5, "offset": 0})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert body["total"] == total and len(body["items"]) == min(5, total)
    # the v1 bare array stays the default for existing clients: the same rows
    bare = api_client.get(P + path, params=params).json()
    assert isinstance(bare, list) and len(bare) == total
    assert bare[:5] == body["items"]


def test_station_level_like_the_cli(api_client):
    body = api_client.get(f"{P}/assessment", params={"period": "2019-03", "level": "station",
                                                     "envelope": "page", "limit": 1000}).json()
    codes = {r["code"] for r in body["items"]}
    assert "1299A" in codes and body["total"] == len(codes)
    # a station row counts its own days: March has 31 natural days
    row = [r for r in body["items"] if r["code"] == "1299A"][0]
    assert row["period"] == "2019-03" and 0 < row["valid_days_pm25"] <= 31


def test_no_data_is_one_error(api_client):
    for path, params in (("/rankings", {"period": "2018-06"}),
                         ("/assessment", {"period": "2018-06", "level": "province"}),
                         ("/aqi/daily", {"level": "station", "code": "1299A",
                                         "start": "2018-06-01", "end": "2018-06-02"})):
        r = api_client.get(P + path, params=params)
        assert r.status_code == 404, path
        assert r.json()["error"]["code"] == "no_data"


def test_hour_stamps_carry_their_offset(api_client):
    r = api_client.get(f"{P}/aqi/hourly", params={"level": "station", "code": "1299A",
                                                  "start": "2019-01-15T01:00",
                                                  "end": "2019-01-15T02:00"})
    assert r.status_code == 200
    # stored stamps are Beijing time (UTC+8): RFC 3339 date-time with the offset
    assert [h["time"] for h in r.json()["items"]] == ["2019-01-15T01:00:00+08:00",
                                                      "2019-01-15T02:00:00+08:00"]


def test_period_parameters_have_a_pattern(api_client):
    doc = api_client.get(f"{P}/openapi.json").json()
    pat = None
    for path in ("/rankings", "/assessment", "/water/assessment", "/water/coastal"):
        q = [q for q in doc["paths"][P + path]["get"]["parameters"] if q["name"] == "period"][0]
        pat = q["schema"]["pattern"]
        for ok in ("2019", "2019-03", "2019-Q1", "2019Q1", "2019-H2", "2019-01..2019-05"):
            assert re.fullmatch(pat, ok), ok
        for bad in ("19-03", "2019-H3", "2019/03", ""):
            assert not re.fullmatch(pat, bad), bad
    assert api_client.get(f"{P}/rankings", params={"period": "2019/03"}).status_code == 422


def test_405_names_the_allowed_methods(api_client):
    r = api_client.post(f"{P}/cities")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET"
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_interactive_docs_are_local(api_client):
    r = api_client.get(f"{P}/docs")
    assert r.status_code == 200 and 'src="/api/v1/docs/apidocs.js"' in r.text
    js = api_client.get(f"{P}/docs/apidocs.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    # nothing refers to another host (no CDN)
    assert not re.search(r"https?://", r.text + js.text)
