"""``/api/v1/governance/…``: scoping on every case route (a city user cannot read or change
another city's non-public case), audited steps, Open311 public subset, the calendar, the
annual report routes (spec/governance.md §6.1, §8; issue 18 "authorization … on every route")."""

import pytest

P = "/api/v1/governance"


@pytest.fixture
def client(gov_client):
    return gov_client


def _new(c, public=False):
    r = c.post(f"{P}/cases", headers=c.h[("city_staff", "371000")], json={
        "kind": "complaint", "unit": "371002", "title": "噪声", "is_public": public,
        "fields": {"category": "投诉"}, "personal": {"phone": "139"},
        "date": "2025-09-26"})
    assert r.status_code == 201, r.text
    return r.json()["public_no"]



def test_calendar_route(client):
    r = client.get(f"{P}/calendar/due", params={"date": "2025-09-26", "working_days": 15})
    assert r.status_code == 200 and r.json()["due"] == "2025-10-23"
    r = client.get(f"{P}/calendar/due", params={"date": "2026-12-28", "working_days": 15})
    assert r.status_code == 422 and r.json()["error"]["code"] == "outside_calendar"


def test_scoping_on_every_case_route(client):
    no = _new(client)
    rz = client.h[("city_staff", "371100")]
    wh = client.h[("city_staff", "371000")]
    assert client.get(f"{P}/cases/{no}", headers=rz).status_code == 403
    assert client.get(f"{P}/cases/{no}").status_code == 403           # anonymous, not public
    assert client.get(f"{P}/cases/{no}", headers=wh).status_code == 200
    assert no not in [x["public_no"] for x in client.get(f"{P}/cases", headers=rz).json()]
    assert no in [x["public_no"] for x in client.get(f"{P}/cases", headers=wh).json()]
    r = client.post(f"{P}/cases/{no}/transitions", headers=rz,
                    json={"name": "not_accept", "reason": "x"})
    assert r.status_code == 403
    r = client.post(f"{P}/cases", headers=rz, json={"kind": "complaint", "unit": "371002"})
    assert r.status_code == 403
    assert client.get(f"{P}/cases").status_code == 401
    assert client.post(f"{P}/cases/{no}/transitions", json={"name": "x"}).status_code == 401
    assert client.get(f"{P}/rates/complaint", params={"cutoff": "2025-12-31"}).status_code == 401


def test_steps_roles_and_conflicts(client):
    no = _new(client)
    wh = client.h[("city_staff", "371000")]
    # a city staff user without the dispatcher role may not dispatch
    r = client.post(f"{P}/cases/{no}/transitions", headers=wh,
                    json={"name": "dispatch", "params": {"handler_unit": "371002"}})
    assert r.status_code == 403
    h = client.h[("handler", "371002")]
    r = client.post(f"{P}/cases/{no}/transitions", headers=h, json={"name": "accept_unit"})
    assert r.status_code == 409 and "not allowed from state" in r.json()["error"]["message"]
    r = client.get(f"{P}/cases/{no}", headers=wh).json()
    assert r["personal"] == {"phone": "***"} and r["timeline"][0]["transition"] == "create"


def test_open311_public_subset(client):
    pub, priv = _new(client, public=True), _new(client)
    ids = [x["service_request_id"] for x in client.get(f"{P}/open311/requests.json").json()]
    assert pub in ids and priv not in ids
    r = client.get(f"{P}/open311/requests.json",
                   params={"service_request_id": f"{pub},{priv}"}).json()
    assert [x["service_request_id"] for x in r] == [pub]       # the private one never shows
    r = client.get(f"{P}/open311/requests/{pub}.json").json()[0]
    assert r["status"] == "open" and "phone" not in str(r)
    assert client.get(f"{P}/open311/requests/{priv}.json").status_code == 404
    v = client.get(f"{P}/cases/{pub}").json()               # public view, anonymous
    assert v["personal"] is None and v["timeline"] == [] or all(
        e["actor"] is None for e in v["timeline"])


def test_reports_routes(client):
    wh = client.h[("city_staff", "371000")]
    r = client.post(f"{P}/reports", headers=wh, json={"city": "371000", "year": 2025})
    assert r.status_code == 201, r.text
    no = r.json()["public_no"]
    # the app's analytic store holds no air data: the air figure is locked, flagged, no value
    pm = r.json()["fields"]["sections"]["2"]["figures"]["pm25"]
    assert pm["locked"] and pm["value"] is None and "no air data for 2025" in pm["text"]
    r = client.post(f"{P}/reports", headers=client.h[("city_staff", "371100")],
                    json={"city": "371000", "year": 2025})
    assert r.status_code == 403
    r = client.post(f"{P}/cases/{no}/transitions", headers=client.h[("city_leader", "371000")],
                    json={"name": "submit"})
    assert r.status_code == 409 and "manual figure" in r.json()["error"]["message"]
    prog = client.get(f"{P}/reports/progress", headers=client.h[("prov_staff", "370000")],
                      params={"year": 2025}).json()
    assert {p["city_code"]: p["state"] for p in prog}["371000"] == "draft"
    assert client.get(f"{P}/reports/summary.xlsx", headers=wh,
                      params={"year": 2025}).status_code == 403
    r = client.get(f"{P}/reports/summary.docx", headers=client.h[("prov_staff", "370000")],
                   params={"year": 2025})
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_reserved_fields_refused_on_create(client):
    r = client.post(f"{P}/cases", headers=client.h[("city_staff", "371000")], json={
        "kind": "dc_task", "unit": "371002", "fields": {"prov_accepted": True}})
    assert r.status_code == 409 and "written by the case's steps" in r.json()["error"]["message"]


def test_evidence_and_section_routes(client):
    no = _new(client)
    wh = client.h[("city_staff", "371000")]
    r = client.post(f"{P}/cases/{no}/evidence", headers={**wh, "x-filename": "a.jpg"},
                    content=b"photo", params={"criterion": "问题解决"})
    assert r.status_code == 201
    import hashlib
    assert r.json()["sha256"] == hashlib.sha256(b"photo").hexdigest()
    r = client.post(f"{P}/cases/{no}/evidence", headers=client.h[("city_staff", "371100")],
                    content=b"photo")
    assert r.status_code == 403
    rep = client.post(f"{P}/reports", headers=wh, json={"city": "371000", "year": 2024}).json()
    r = client.put(f"{P}/reports/{rep['public_no']}/sections/6", headers=wh,
                   json={"figures": {"off_site_share": ["0.9", "x"]}})
    assert r.status_code == 409 and "locked" in r.json()["error"]["message"]
    r = client.put(f"{P}/reports/{rep['public_no']}/sections/1", headers=wh,
                   json={"text": "总体情况"})
    assert r.status_code == 200
