"""``/api/v1/compensation/…`` over the hand-made store (conftest)."""

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.authz import Actor
from qingshan.compensation import api as comp_api

STAFF = Actor(7, "wang", "prov_staff", "990000")
CITY = Actor(8, "li", "city_staff", "370100")


@pytest.fixture(scope="module")
def client(comp_db_file, comp_province, ops_db):
    from qingshan.api import create_app
    from qingshan.store.ops import ops_url_for
    db, _ = comp_db_file
    app = create_app(db, comp_province, database_url=ops_url_for(ops_db))
    with TestClient(app, raise_server_exceptions=False) as c:
        c.app_ref = app
        yield c
    app.state.store.close()


def test_air_ledger(client):
    r = client.get("/api/v1/compensation/air", params={"period": "2018-Q2"})
    assert r.status_code == 200, r.text
    doc = r.json()
    # hand-worked in test_service_store: 甲 676, 乙 (Qingdao's code, × 1.5) 1014, 丙 −240
    amounts = {x["code"]: x["amount"] for x in doc["ledger"]}
    assert amounts == {"370100": 676, "370200": 1014, "370300": -240}
    assert doc["flows"]["gross_out"] == 1690 and doc["flows"]["gross_in"] == 240
    assert doc["flows"]["net"] == 1450 and doc["rules"] == ["sd-air-2017"]


@pytest.mark.parametrize("params, code", [
    ({"period": "2018-Q5"}, 422), ({"period": "2018-05"}, 422), ({"period": "2019-Q2"}, 422),
    ({"period": "2018-Q2", "rules": "nope"}, 422),
    ({"period": "2018-Q2", "switch": "capp=1"}, 422)])
def test_air_errors_in_the_one_shape(client, params, code):
    r = client.get("/api/v1/compensation/air", params=params)
    assert r.status_code == code and r.json()["error"]["status"] == code


def test_rules(client):
    r = client.get("/api/v1/compensation/rules", params={"scheme": "air"})
    assert [x["id"] for x in r.json()] == ["sd-air-2014", "sd-air-2016", "sd-air-2017",
                                           "sd-air-2019"]


def test_runs_need_sign_in_and_the_role(client):
    assert client.get("/api/v1/compensation/runs").status_code == 401
    assert client.post("/api/v1/compensation/runs", json={"period": "2018-Q2"}).status_code == 401
    app = client.app_ref
    app.dependency_overrides[comp_api.current_actor] = lambda: CITY
    try:
        r = client.post("/api/v1/compensation/runs", json={"period": "2018-Q2"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    finally:
        app.dependency_overrides.clear()


def test_run_store_read_and_rerun(client):
    app = client.app_ref
    app.dependency_overrides[comp_api.current_actor] = lambda: STAFF
    try:
        r = client.post("/api/v1/compensation/runs", json={"period": "2018-Q2"})
        assert r.status_code == 201, r.text
        run = r.json()
        assert run["created_by"] == "wang" and run["flows"]["gross_out"] == 1690
        got = client.get(f"/api/v1/compensation/runs/{run['id']}").json()
        assert {x["code"]: x["amount"] for x in got["rows"]}["370100"] == 676
        re = client.post(f"/api/v1/compensation/runs/{run['id']}/rerun").json()
        assert re["same_result"] and re["same_inputs"] and re["rerun_of"] == run["id"]
        assert client.get("/api/v1/compensation/runs/999999").status_code == 404
    finally:
        app.dependency_overrides.clear()


def test_page_shows_who_pays_ledger_and_notes(client):
    r = client.get("/compensation", params={"period": "2018-Q2", "lang": "zh"})
    assert r.status_code == 200, r.text
    html = r.text
    assert 'data-key="gross_out">1690<' in html and 'data-key="gross_in">240<' in html
    assert "乙: 1014" in html and "甲: 676" in html and "丙: 240" in html   # see test_air_ledger
    assert 'id="comp-ledger"' in html and "sd-air-2017" in html
    assert "unverified" in html and 'id="comp-partial"' not in html
    empty = client.get("/compensation", params={"lang": "en"})
    assert empty.status_code == 200 and 'id="comp-none"' in empty.text
    bad = client.get("/compensation", params={"period": "2019-Q2"})
    assert bad.status_code == 422


def test_upload_official_means(client):
    app = client.app_ref
    body = ("city,period,pm25,pm10,so2,no2,good_day_ratio,source\n"
            "甲,2018-Q2,52,90,15,38,100,省厅审核数据\n").encode()
    assert client.post("/api/v1/compensation/air/upload", data={"period": "2018-Q2"},
                       files={"file": ("m.csv", body)}).status_code == 401
    app.dependency_overrides[comp_api.current_actor] = lambda: CITY
    try:
        r = client.post("/api/v1/compensation/air/upload", data={"period": "2018-Q2"},
                        files={"file": ("official.csv", body)})
        assert r.status_code == 200, r.text
        # 甲 with the official PM2.5 52: S = 0.6·8 + 1.5 + 0.75 + 0.2 = 7.25 → × 80 = 580
        row = next(x for x in r.json()["ledger"] if x["code"] == "370100")
        assert row["amount"] == 580 and row["source"] == "省厅审核数据"
        bad = client.post("/api/v1/compensation/air/upload", data={"period": "2018-Q2"},
                          files={"file": ("official.csv", body.replace(b"52,", b"x,"))})
        assert bad.status_code == 422 and "official.csv:2: field 'pm25'" in bad.json()["error"][
            "message"]
        stored = client.post("/api/v1/compensation/air/upload",
                             data={"period": "2018-Q2", "store": "true"},
                             files={"file": ("official.csv", body)})
        assert stored.status_code == 403       # storing a run is for province staff
    finally:
        app.dependency_overrides.clear()
