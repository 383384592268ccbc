"""Governance pages: list with filters and downloads, case page with timeline and step forms,
dashboard, overdue board, progress board; scoping as in the API."""

P = "/api/v1/governance"


def _complaint(c, public=False):
    r = c.post(f"{P}/cases", headers=c.h[("city_staff", "371000")], json={
        "kind": "complaint", "unit": "371002", "title": "页面测试", "is_public": public,
        "date": "2025-10-09"})
    assert r.status_code == 201, r.text
    return r.json()["public_no"]


def test_list_and_downloads(gov_client):
    c = gov_client
    no = _complaint(c)
    wh = c.h[("city_staff", "371000")]
    r = c.get("/governance/cases", headers=wh, params={"kind": "complaint"})
    assert r.status_code == 200 and no in r.text
    r = c.get("/governance/cases", headers=c.h[("city_staff", "371100")])
    assert r.status_code == 200 and no not in r.text
    r = c.get("/governance/cases.csv", headers=wh, params={"kind": "complaint"})
    assert r.status_code == 200 and no in r.content.decode("utf-8-sig")
    r = c.get("/governance/cases.xlsx", headers=wh)
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_case_page_forms_and_scoping(gov_client):
    c = gov_client
    no = _complaint(c)
    h = c.h[("handler", "371002")]
    r = c.get(f"/governance/cases/{no}", headers=c.h[("city_staff", "371000")])
    assert r.status_code == 200 and 'id="case-timeline"' in r.text and "create" in r.text
    # the complaint is only "received": the handler has no step yet; nothing to show
    r = c.get(f"/governance/cases/{no}", headers=h)
    assert 'class="inline step-form"' not in r.text
    assert c.get(f"/governance/cases/{no}", headers=c.h[("city_staff", "371100")]
                 ).status_code == 403
    # a step posted by a role that may not take it comes back with the refusal
    r = c.post(f"/governance/cases/{no}/step", headers=h, data={"name": "accept_unit"},
               follow_redirects=True)
    assert r.status_code == 200 and "not allowed from state" in r.text


def test_dashboard_overdue_reports(gov_client):
    c = gov_client
    _complaint(c)
    wh = c.h[("city_staff", "371000")]
    r = c.get("/governance", headers=wh, params={"cutoff": "2025-12-31", "from": "2025-01-01"})
    assert r.status_code == 200 and 'id="dash-complaint"' in r.text
    r = c.get("/governance/overdue", headers=wh, params={"day": "2025-12-31"})
    assert r.status_code == 200
    r = c.get("/governance/reports", headers=c.h[("prov_staff", "370000")],
              params={"year": 2025})
    assert r.status_code == 200 and "济南市" in r.text
    assert c.get("/governance/overdue", follow_redirects=False).status_code in (302, 303, 401)


def test_report_section_form(gov_client):
    c = gov_client
    wh = c.h[("city_staff", "371000")]
    no = c.post(f"{P}/reports", headers=wh, json={"city": "371000", "year": 2023}).json()[
        "public_no"]
    r = c.get(f"/governance/cases/{no}", headers=wh)
    assert 'id="report-sections"' in r.text and 'class="section-form"' in r.text
    assert "computed, locked" in r.text or "系统计算，已锁定" in r.text
    r = c.post(f"/governance/reports/{no}/sections/2", headers=wh, follow_redirects=True,
               data={"text": "空气质量持续改善", "value__farmland_safe_use_pct": "100",
                     "source__farmland_safe_use_pct": "2023年公报"})
    assert r.status_code == 200 and "空气质量持续改善" in r.text and "2023年公报" in r.text
    # PM2.5 is the air domain's figure now: locked, and refused as a manual entry
    r = c.post(f"/governance/reports/{no}/sections/2", headers=wh, follow_redirects=True,
               data={"value__pm25": "25", "source__pm25": "x"})
    assert "figure pm25 is computed by qingshan and locked" in r.text
    # the leader reads the report but gets no edit form
    r = c.get(f"/governance/cases/{no}", headers=c.h[("city_leader", "371000")])
    assert 'class="section-form"' not in r.text


def test_dashboard_drilldown_page_api_csv(gov_client):
    """Three complaints received in 2024 (no other test writes 2024 complaints): 受理量 for
    Weihai 2024 = 3 by hand, and the drill-down lists exactly those three (page, API, CSV);
    another city's user gets no Weihai figure to drill into."""
    import csv
    import io

    c = gov_client
    wh = c.h[("city_staff", "371000")]
    nos = set()
    for _ in range(3):
        r = c.post(f"{P}/cases", headers=wh, json={"kind": "complaint", "unit": "371002",
                                                   "title": "钻取", "date": "2024-03-05"})
        assert r.status_code == 201, r.text
        nos.add(r.json()["public_no"])
    q = {"kind": "complaint", "rate": "受理量", "unit": "371000", "part": "numerator",
         "cutoff": "2024-12-31", "from": "2024-01-01"}
    r = c.get("/governance", headers=wh, params={"cutoff": "2024-12-31", "from": "2024-01-01"})
    assert r.status_code == 200 and 'class="drill" href="/governance/drilldown?' in r.text
    r = c.get(f"{P}/rates/complaint/cases", headers=wh, params=q)
    assert r.status_code == 200, r.text
    j = r.json()
    assert j["count"] == 3 and {x["public_no"] for x in j["cases"]} == nos
    assert j["rate"]["numerator"] == 3 and j["from"] == "2024-01-01"
    r = c.get("/governance/drilldown", headers=wh, params=q)
    assert r.status_code == 200 and all(n in r.text for n in nos) and 'id="drill-csv"' in r.text
    r = c.get("/governance/drilldown.csv", headers=wh, params=q)
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert r.status_code == 200 and {x["public_no"] for x in rows} == nos
    rz = c.h[("city_staff", "371100")]
    assert c.get(f"{P}/rates/complaint/cases", headers=rz, params=q).status_code == 404
    assert c.get("/governance/drilldown", headers=rz, params=q).status_code == 404
    assert c.get(f"{P}/rates/complaint/cases", params=q).status_code == 401
