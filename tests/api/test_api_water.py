"""``/api/v1/water/…`` on a tiny store whose figures were worked out by hand
(the same sections and points as tests/water/test_period_stats.py and test_coastal.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api._water import tiny_water_store


@pytest.fixture(scope="module")
def wclient(tmp_path_factory):
    from qingshan.api import create_app
    app = create_app(tiny_water_store(tmp_path_factory.mktemp("tiny_water")), "shandong",
                     web=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.store.close()


def _get(c, path, **params):
    r = c.get(f"/api/v1/water/{path}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_province_proportions(wclient):
    # 12 sections: I,I,II,II,II,III,III,IV,V,劣V (济南) + II,IV (青岛) → 8 of 12 in I–III
    # = 66.7 %, 1 of 12 劣V = 8.3 %; 66.7 % < 75 % and 劣V ≤ 20 % → 轻度污染 (2011 method §2.4)
    b = _get(wclient, "assessment", period="2021", level="province")
    assert b["total"] == 1
    p = b["items"][0]
    assert p["code"] == "370000" and p["name"] == "全省"
    assert p["n_sections"] == 12
    assert p["excellent_pct"] == pytest.approx(200 / 3)
    assert p["inferior_v_pct"] == pytest.approx(100 / 12)
    assert p["grade"] == "轻度污染"
    assert p["prev_excellent_pct"] is None  # no 2020 data: no change against last year
    assert p["change"] is None


def test_city_rows(wclient):
    items = {r["code"]: r for r in _get(wclient, "assessment", period="2021", level="city")["items"]}
    j, q = items["370100"], items["370200"]
    # 济南: 7 of 10 in I–III = 70 %, 1 劣V = 10 %; NH3-N exceeds III in J08, J09, J10 (30 %),
    # TP in J08, J10 (20 %)
    assert (j["name"], j["n_sections"], j["excellent_pct"], j["inferior_v_pct"]) == \
        ("济南市", 10, 70.0, 10.0)
    assert j["grade"] == "轻度污染" and j["main_pollutants"] == "氨氮(30.0%),总磷(20.0%)"
    # 青岛: 2 drinking sources, Q01 (300) compliant, Q02 (100, class IV) not: 50 % by count,
    # 75 % by volume; fewer than 5 sections → graded by the class of the mean concentrations
    assert q["drinking_rate_count"] == 50.0 and q["drinking_rate_volume"] == 75.0
    assert q["grade_method"] == "mean concentration"


def test_sections_paginated(wclient):
    b = _get(wclient, "assessment", period="2021-06", level="section", limit=5, offset=10)
    assert (b["total"], b["limit"], b["offset"]) == (12, 5, 10)
    got = {r["code"]: r["class_computed"] for r in b["items"]}
    all_ = {r["code"]: r for r in _get(wclient, "assessment", period="2021-06",
                                       level="section")["items"]}
    assert len(got) == 2 and set(got) < set(all_)
    # classes by GB 3838 Table 1 (NH3-N and TP limits), target class III
    assert {c: r["class_computed"] for c, r in all_.items()} == {
        "J01": 1, "J02": 1, "J03": 2, "J04": 2, "J05": 2, "J06": 3, "J07": 3, "J08": 4,
        "J09": 5, "J10": 6, "Q01": 2, "Q02": 4}
    assert all_["J08"]["meets_target"] is False and all_["J07"]["meets_target"] is True


def test_a_month_without_samples_has_no_figures(wclient):
    # the province row is still there, with no section and no proportion or grade
    p = _get(wclient, "assessment", period="2021-07", level="province")["items"][0]
    assert (p["n_sections"], p["excellent_pct"], p["grade"]) == (0, None, None)
    assert _get(wclient, "assessment", period="2021-07", level="city")["total"] == 0


def test_half_year_and_run_of_months(wclient):
    # every section is sampled once, on 2021-06-15: H1 2021 and the run 2021-05..2021-07 hold
    # the same samples as the year — 8 of 12 in I–III, 1 劣V, 轻度污染; no 2020 data, no change
    for period in ("2021-H1", "2021-05..2021-07", "2021-01..2021-06"):
        p = _get(wclient, "assessment", period=period, level="province")["items"][0]
        assert (p["n_sections"], p["excellent_pct"], p["grade"], p["change"]) == \
            (12, pytest.approx(200 / 3), "轻度污染", None), period
    # H2 has no sample
    p = _get(wclient, "assessment", period="2021-H2", level="province")["items"][0]
    assert p["n_sections"] == 0
    # coastal: only P3 is sampled in 2021-06..2021-08 (August DIN 0.22 → II)
    pts = {r["code"]: r["class_computed"]
           for r in _get(wclient, "coastal", period="2021-06..2021-08", level="point")["items"]}
    assert pts == {"P1": None, "P2": None, "P3": 2, "P4": None}


def test_a_quarter_needs_two_samplings(wclient):
    # 环办〔2011〕22号 §2.2 [M]: a quarter is the mean of ≥ 2 samplings; one in 2021-Q2 → no
    # section is assessed (the quarter is accepted, not refused)
    p = _get(wclient, "assessment", period="2021-Q2", level="province")["items"][0]
    assert (p["n_sections"], p["grade"]) == (0, None)


def test_coastal_levels(wclient):
    pts = {r["code"]: r for r in _get(wclient, "coastal", period="2021", level="point")["items"]}
    # P1 II, P2 (DIN 0.25+0.02+0.05 = 0.32) III, P3 (DIN mean 0.20, COD 2.5) II, P4 (DIN 0.6) 劣四类
    assert [pts[c]["class_computed"] for c in ("P1", "P2", "P3", "P4")] == [2, 3, 2, 5]
    assert pts["P4"]["class_name"] == "劣四类"
    prov = _get(wclient, "coastal", period="2021", level="province")["items"][0]
    # excellent (I+II): P1, P3 of 4 points = 50 %; by area (100 + 50) / (100 + 300 + 50)
    assert prov["name"] == "全省"
    assert prov["excellent_pct_count"] == 50.0
    # 100 × 150 / 450 = 33.33… %, published to 1 decimal (GB/T 8170): 33.3
    assert prov["excellent_pct_area"] == 33.3
    cities = {r["code"]: r for r in _get(wclient, "coastal", period="2021", level="city")["items"]}
    assert cities["370200"]["excellent_pct_count"] == 66.7   # P1, P3 of 3: 66.66… → 66.7
    # the CLI's level names work too
    same = _get(wclient, "coastal", period="2021", level="coastal-city")["items"]
    assert {r["code"]: r["excellent_pct_count"] for r in same}["370200"] == 66.7
    assert cities["370600"]["excellent_pct_count"] == 0.0                     # P4


@pytest.mark.parametrize("path,params,status", [
    ("assessment", {"period": "2021", "level": "county"}, 422),
    ("assessment", {"period": "2021-13"}, 422),
    ("assessment", {"period": "21"}, 422),
    ("assessment", {"period": "2021-Q5"}, 422),
    ("assessment", {"period": "2021-H3"}, 422),
    ("assessment", {"period": "2021-05..2021-02"}, 422),
    ("assessment", {"period": "2999-H1"}, 422),
    ("assessment", {"period": "2999"}, 422),
    ("assessment", {}, 422),
    ("assessment", {"period": "2021", "limit": 0}, 422),
    ("coastal", {"period": "2021", "level": "section"}, 422),
    ("coastal", {"period": "2999-01"}, 422),
])
def test_bad_requests_have_the_error_shape(wclient, path, params, status):
    r = wclient.get(f"/api/v1/water/{path}", params=params)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["status"] == status and err["message"]


def test_store_without_water_answers_empty(api_client):
    for path, level in (("assessment", "section"), ("assessment", "city"),
                        ("coastal", "point"), ("coastal", "city")):
        r = api_client.get(f"/api/v1/water/{path}", params={"period": "2019", "level": level})
        assert r.status_code == 200, r.text
        assert r.json()["total"] == 0
    r = api_client.get("/api/v1/water/assessment", params={"period": "2019", "level": "province"})
    assert r.json()["items"][0]["n_sections"] == 0


def test_openapi_documents_the_water_operations(wclient):
    doc = wclient.get("/api/v1/openapi.json").json()
    for p in ("/api/v1/water/assessment", "/api/v1/water/coastal"):
        op = doc["paths"][p]["get"]
        assert "422" in op["responses"]
    assert "examples" in doc["components"]["schemas"]["WaterAssessmentOut"]
