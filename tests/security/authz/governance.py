"""Expectations of the governance domain's routes (README.md of this folder).

The matrix store has no governance ledger: case pages and API reads of a case get 404 (no such
case) for everyone; lists, the overdue board, progress board and dashboard are for any user
(scoped to the user's unit, so they are 200 with what the user may see). Creating a complaint
needs a create role of the kind (dispatcher or city staff) in the unit's scope: only Weihai's
city staff may create one at 371002; starting an annual report is for the city's staff; the
provincial summary is for province staff, leaders, auditors and the administrator.
(The scoping of existing cases — a city user cannot read or change another city's non-public
case — is tried on every case route in tests/governance/test_api.py and test_pages.py.)
The drill-down (page, CSV, API) is for any user, scoped like the rates (404 "no data" until a
case exists). Importing a ledger (API and page form) needs a create role of the template's
kind and every row's unit in the user's scope: Weihai's city staff 200, Jinan's city staff
403 (the rows are Weihai's), every other role 403 before the file is read.
"""

from tests.security.authz import Case


def _complaints_file() -> bytes:
    """A valid complaint ledger of one Weihai row (371002), for the import routes: Weihai's
    city staff may import it (200, the second call finds it already imported: still 200);
    Jinan's city staff has the role but not the unit (403, naming the line); every role
    without a complaint create role is refused before the file is read (403)."""
    import io

    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工单编号", "渠道", "受理日期", "办理单位代码", "类别", "污染类型", "诉求内容"])
    ws.append(["MATRIX-1", "12345", "2025-09-26", "371002", "投诉", "噪声", "matrix"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


G = "/api/v1/governance"
_CREATE = {p: 403 for p in ("prov_admin", "prov_staff", "prov_leader", "auditor",
                            "city_staff_other", "city_leader", "county_staff")}
_SUMMARY = {"anonymous": 401, "prov_admin": 200, "prov_staff": 200, "prov_leader": 200,
            "auditor": 200, "city_staff_own": 403, "city_staff_other": 403,
            "city_leader": 403, "county_staff": 403}
_MAYBE = frozenset({200, 404})   # rates: 404 "no data" until someone created a case
_IMPORT = {"anonymous": 401, "city_staff_own": 200, "city_staff_other": 403,
           **{p: 403 for p in ("prov_admin", "prov_staff", "prov_leader", "auditor",
                               "city_leader", "county_staff")}}
_DRILL = "?kind=complaint&rate=%E5%8F%97%E7%90%86%E9%87%8F&unit=371000&cutoff=2025-12-31"

EXPECT = {
    ("GET", f"{G}/calendar/due"): Case("public", f"{G}/calendar/due?date=2025-09-26"
                                                 "&working_days=15"),
    ("GET", f"{G}/cases"): Case("user", f"{G}/cases"),
    ("POST", f"{G}/cases"): Case("custom", f"{G}/cases", json={
        "kind": "complaint", "unit": "371002", "title": "matrix", "date": "2025-09-26"},
        statuses={"anonymous": 401, "city_staff_own": 201, **_CREATE}),
    ("GET", f"{G}/cases/{{public_no}}"): Case("public", f"{G}/cases/TS-371000-2025-999999",
                                              ok=404),
    ("POST", f"{G}/cases/{{public_no}}/transitions"): Case(
        "user", f"{G}/cases/TS-371000-2025-999999/transitions", ok=404,
        json={"name": "dispatch"}),
    ("GET", f"{G}/rates/{{kind}}"): Case("user", f"{G}/rates/complaint?cutoff=2025-12-31",
                                         ok=_MAYBE),
    ("GET", f"{G}/rates/{{kind}}/cases"): Case(
        "user", f"{G}/rates/complaint/cases?cutoff=2025-12-31&rate=%E5%8F%97%E7%90%86%E9%87%8F"
                "&unit=371000", ok=_MAYBE),
    ("POST", f"{G}/import/{{kind}}"): Case(
        "custom", f"{G}/import/complaint", statuses=_IMPORT,
        files={"file": ("complaints.xlsx", _complaints_file())}),
    ("GET", f"{G}/overdue"): Case("user", f"{G}/overdue?date=2025-10-24"),
    ("GET", f"{G}/open311/services.json"): Case("public", f"{G}/open311/services.json"),
    ("GET", f"{G}/open311/requests.json"): Case("public", f"{G}/open311/requests.json"),
    ("GET", f"{G}/open311/requests/{{public_no}}.json"): Case(
        "public", f"{G}/open311/requests/TS-371000-2025-999999.json", ok=404),
    ("POST", f"{G}/reports"): Case("custom", f"{G}/reports",
                                   json={"city": "371000", "year": 2025},
                                   statuses={"anonymous": 401, "city_staff_own": 201,
                                             **_CREATE}),
    ("GET", f"{G}/reports/progress"): Case("user", f"{G}/reports/progress?year=2025"),
    ("GET", f"{G}/reports/summary.{{fmt}}"): Case(
        "custom", f"{G}/reports/summary.xlsx?year=2025", statuses=_SUMMARY),
    ("PUT", f"{G}/reports/{{public_no}}/sections/{{section}}"): Case(
        "user", f"{G}/reports/BG-371000-2025-999999/sections/5", ok=404, json={"text": "x"}),
    ("POST", f"{G}/cases/{{public_no}}/evidence"): Case(
        "user", f"{G}/cases/TS-371000-2025-999999/evidence", ok=404, data={}),
    ("GET", "/governance"): Case("user", "/governance?cutoff=2025-12-31"),
    ("GET", "/governance/cases"): Case("user", "/governance/cases"),
    ("GET", "/governance/cases.{fmt}"): Case("user", "/governance/cases.csv"),
    ("GET", "/governance/cases/{public_no}"): Case("public", "/governance/cases/TS-371000-2025-"
                                                             "999999", ok=404),
    ("POST", "/governance/cases/{public_no}/step"): Case(
        "user", "/governance/cases/TS-371000-2025-999999/step", ok=303,
        data={"name": "dispatch"}),
    ("POST", "/governance/reports/{public_no}/sections/{section}"): Case(
        "user", "/governance/reports/BG-371000-2025-999999/sections/1", ok=303,
        data={"text": "x"}),
    ("GET", "/governance/overdue"): Case("user", "/governance/overdue"),
    ("GET", "/governance/drilldown"): Case("user", "/governance/drilldown" + _DRILL, ok=_MAYBE),
    ("GET", "/governance/drilldown.csv"): Case("user", "/governance/drilldown.csv" + _DRILL,
                                               ok=_MAYBE),
    ("GET", "/governance/import"): Case("user", "/governance/import"),
    ("POST", "/governance/import"): Case(
        "custom", "/governance/import", statuses=_IMPORT, data={"template": "complaint"},
        files={"file": ("complaints.xlsx", _complaints_file())}),
    ("GET", "/governance/reports"): Case("user", "/governance/reports?year=2025"),
}
