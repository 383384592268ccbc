"""Expectations of the compensation domain's routes (README.md of this folder).

Ledgers computed from the store and the rule versions are public reads, like the air and water
figures; computing from an uploaded file needs a signed-in user; storing or re-running a
ledger is a provincial task (province staff or admin: ``qingshan.compensation.runs.PERMISSIONS``).
The matrix store holds 2019-H1 only, so a ledger of 2019-Q1 has no last-year data: an allowed
caller gets 422 ("no data"), never a page of zeros.
"""

from tests.security.authz import Case

OK_OR_422 = frozenset({200, 422})
#: 威海's official means of 2019-Q1 and 2018-Q1 (hand-made)
MEANS = ("official_means.csv",
         "city,period,pm25,pm10,so2,no2,good_day_ratio\n"
         "威海,2018-Q1,30,60,8,18,85\n威海,2019-Q1,28,55,7,17,88\n".encode())
_PROV_ONLY = {"anonymous": 401, "prov_admin": 422, "prov_staff": 422, "prov_leader": 403,
              "auditor": 403, "city_staff_own": 403, "city_staff_other": 403,
              "city_leader": 403, "county_staff": 403}

EXPECT = {
    ("GET", "/compensation"): Case("public", "/compensation"),
    ("GET", "/api/v1/compensation/rules"): Case("public", "/api/v1/compensation/rules"),
    ("GET", "/api/v1/compensation/air"): Case("public", "/api/v1/compensation/air?period=2019-Q1",
                                              ok=OK_OR_422),
    ("GET", "/api/v1/compensation/water"): Case("public",
                                                "/api/v1/compensation/water?period=2019",
                                                ok=OK_OR_422),
    ("POST", "/api/v1/compensation/air/upload"): Case(
        "user", "/api/v1/compensation/air/upload", files={"file": MEANS},
        data={"period": "2019-Q1"}),
    ("GET", "/api/v1/compensation/runs"): Case("user", "/api/v1/compensation/runs"),
    ("GET", "/api/v1/compensation/runs/{run_id}"): Case(
        "user", "/api/v1/compensation/runs/999999", ok=404),
    ("POST", "/api/v1/compensation/runs"): Case(
        "custom", "/api/v1/compensation/runs", json={"scheme": "air", "period": "2019-Q1"},
        statuses=_PROV_ONLY),
    ("POST", "/api/v1/compensation/runs/{run_id}/rerun"): Case(
        "custom", "/api/v1/compensation/runs/999999/rerun",
        statuses={**_PROV_ONLY, "prov_admin": 404, "prov_staff": 404}),
}
