"""``/api/v1/evaluation/…`` and the evaluation pages (COINr ASEM data; an empty store for the
Shandong framework; submissions through the API with the actor overridden)."""

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.authz import Actor
from qingshan.evaluation import api as ev_api

from .conftest import ASEM_DIR

asem = pytest.mark.skipif(not (ASEM_DIR / "ASEM_iData.csv").is_file(),
                          reason=f"COINr ASEM data not found at {ASEM_DIR}")
CITY = Actor(21, "wh", "city_staff", "371000")
PROV = Actor(22, "zhang", "prov_staff", "370000")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from qingshan.api import create_app
    db = tmp_path_factory.mktemp("evapi") / "q.duckdb"
    app = create_app(db, "shandong")
    with TestClient(app, raise_server_exceptions=False) as c:
        c.app_ref = app
        yield c
    app.state.store.close()


@asem
def test_results_and_explain(client):
    r = client.get("/api/v1/evaluation/results", params={"framework": "coinr-asem",
                                                         "year": 2018, "node": "Index"})
    assert r.status_code == 200, r.text
    rows = {x["unit"]: x for x in r.json()["rows"]}
    # COINr vignette: NLD rank 2, Index 64.82
    assert rows["NLD"]["rank"] == 2 and round(rows["NLD"]["score"], 2) == 64.82
    r = client.get("/api/v1/evaluation/explain", params={"framework": "coinr-asem", "year": 2018,
                                                         "unit": "NLD", "node": "Sust"})
    e = r.json()
    assert r.status_code == 200 and round(e["score"], 2) == 67.70
    assert e["sum_of_contributions"] == pytest.approx(e["score"])


def test_errors_in_the_one_shape(client):
    r = client.get("/api/v1/evaluation/results", params={"framework": "nope", "year": 2025})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/api/v1/evaluation/results", params={"framework": "../etc", "year": 2025})
    assert r.status_code == 422                         # a name, never a path
    r = client.get("/api/v1/evaluation/results", params={"framework": "shandong-2035",
                                                         "year": 2025})
    assert r.status_code == 404 and "no data" in r.json()["error"]["message"]
    r = client.post("/api/v1/evaluation/submissions", json={})
    assert r.status_code == 401


@asem
def test_sensitivity_impossible_variation_422(client):
    r = client.get("/api/v1/evaluation/sensitivity", params={
        "framework": "coinr-asem", "year": 2018, "vary": "aggregation=amean,gmean", "n": 16})
    assert r.status_code == 422 and "cannot be applied" in r.json()["error"]["message"]


def test_submission_workflow_over_the_api(client):
    app = client.app_ref
    body = {"unit": "371000", "year": 2025, "indicator": "forest_cover", "value": 40.1,
            "measure_unit": "%", "source": "市林业局", "evidence_note": "2025 年报", "submit": True}
    try:
        app.dependency_overrides[ev_api.current_actor] = lambda: CITY
        r = client.post("/api/v1/evaluation/submissions", json=body)
        assert r.status_code == 200, r.text
        sid = r.json()["ids"][0]
        r = client.post(f"/api/v1/evaluation/submissions/{sid}/accept")
        assert r.status_code == 403                        # the city cannot accept
        r = client.post("/api/v1/evaluation/submissions", json={**body, "value": 140})
        assert r.status_code == 422 and "outside" in r.json()["error"]["message"]
        app.dependency_overrides[ev_api.current_actor] = lambda: PROV
        r = client.post(f"/api/v1/evaluation/submissions/{sid}/accept")
        assert r.status_code == 200 and r.json()["state"] == "accepted"
        r = client.get("/api/v1/evaluation/submissions", params={"year": 2025})
        assert [x["state"] for x in r.json()] == ["accepted"]
    finally:
        app.dependency_overrides.clear()


@asem
def test_pages(client):
    r = client.get("/evaluation", params={"framework": "coinr-asem", "lang": "en"})
    assert r.status_code == 200 and 'id="evaluation-ranking"' in r.text and "Switzerland" in r.text
    r = client.get("/evaluation/scorecard", params={"framework": "coinr-asem", "unit": "CHE",
                                                    "node": "Index", "lang": "en"})
    assert r.status_code == 200 and "68.38" in r.text and 'id="scorecard-trail"' in r.text
    r = client.get("/evaluation/sensitivity", params={"framework": "coinr-asem",
                                                      "vary": "aggregation=amean,mpi", "n": 16})
    assert r.status_code == 200 and 'id="sensitivity-chart"' in r.text
    r = client.get("/evaluation", params={"framework": "shandong-2035", "year": 2024})
    assert r.status_code == 404 and "no data" in r.text and 'id="evaluation-tree"' in r.text
    r = client.get("/evaluation/submissions")
    assert r.status_code == 200 and 'id="submissions-login"' in r.text


def test_template_download_and_upload(client, tmp_path):
    r = client.get("/evaluation/submissions/template", params={"city": "371000", "year": 2026})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    p = tmp_path / "t.xlsx"
    p.write_bytes(r.content)
    from openpyxl import load_workbook
    wb = load_workbook(p)
    ws = wb["values"]
    ws.cell(2, 9, 150)                   # outside 0–100: refused, nothing stored
    ws.cell(2, 10, "市环境局")
    ws.cell(2, 11, "年报")
    wb.save(p)
    app = client.app_ref
    try:
        app.dependency_overrides[ev_api.current_actor] = lambda: CITY
        with p.open("rb") as f:
            r = client.post("/api/v1/evaluation/submissions/upload",
                            files={"file": ("t.xlsx", f)}, data={"submit": "true"})
        assert r.status_code == 422 and "outside 0–100" in r.json()["error"]["message"]
        ws.cell(2, 9, 55)
        wb.save(p)
        with p.open("rb") as f:
            r = client.post("/api/v1/evaluation/submissions/upload",
                            files={"file": ("t.xlsx", f)}, data={"submit": "true"})
        assert r.status_code == 200 and r.json()["state"] == "submitted"
    finally:
        app.dependency_overrides.clear()
