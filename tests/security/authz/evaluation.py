"""Expectations of the evaluation domain's routes (who may call each: ``qingshan.evaluation.api
.ROUTES`` and ``qingshan.evaluation.submissions.ALLOWED``).

Results, explanations and sensitivity are public reads. Submitted values: entering one for a
city needs city staff of that city or province staff (``ALLOWED["edit"]``); reviewing
(return/accept) needs province staff. The administrator may do neither: spec/governance.md §8.1,
"PROV_ADMIN … cannot edit case content". The matrix store has no
accepted submissions, so results are computed from the air indicators alone (partial nodes).
The pages' forms answer 303 back to the form with the outcome in the message, for every
logged-in user (refusals included), and 401 without a login.
"""

from tests.security.authz import Case, PRINCIPALS

FW = "framework=shandong-2035&year=2019"
VALUE = {"framework": "shandong-2035", "unit": "371000", "year": 2019,
         "indicator": "farmland_safe_use", "value": 93.5, "measure_unit": "%",
         "source": "matrix test", "evidence_note": "synthetic value of the authorization matrix"}
EDIT = {"prov_staff", "city_staff_own"}
REVIEW = {"prov_staff"}
_USERS = [p for p in PRINCIPALS if p != "anonymous"]
OK_422 = frozenset({200, 422})

EXPECT = {
    ("GET", "/api/v1/evaluation/frameworks"): Case("public", "/api/v1/evaluation/frameworks"),
    ("GET", "/api/v1/evaluation/frameworks/{name}"): Case(
        "public", "/api/v1/evaluation/frameworks/shandong-2035"),
    ("GET", "/api/v1/evaluation/results"): Case("public", f"/api/v1/evaluation/results?{FW}"),
    ("GET", "/api/v1/evaluation/explain"): Case(
        "public", f"/api/v1/evaluation/explain?{FW}&unit=371000", ok=frozenset({200, 404})),
    ("GET", "/api/v1/evaluation/sensitivity"): Case(
        "public", f"/api/v1/evaluation/sensitivity?{FW}&n=8", ok=OK_422),
    ("GET", "/api/v1/evaluation/submissions"): Case("user", "/api/v1/evaluation/submissions"),
    ("POST", "/api/v1/evaluation/submissions"): Case(
        "custom", "/api/v1/evaluation/submissions", json=VALUE,
        statuses={"anonymous": 401, **{p: 200 if p in EDIT else 403 for p in _USERS}}),
    ("POST", "/api/v1/evaluation/submissions/upload"): Case(
        "custom", "/api/v1/evaluation/submissions/upload",
        files={"file": ("t.xlsx", b"not an xlsx")}, data={"framework": "shandong-2035"},
        # a logged-in user gets the template's refusal (422) before any store write
        statuses={"anonymous": 401, **{p: 422 for p in _USERS}}),
    # submission 1 is the draft the first allowed POST above created: accepting a draft is an
    # invalid step (422) for a reviewer, forbidden (403) for everyone else
    ("POST", "/api/v1/evaluation/submissions/{sid}/{action}"): Case(
        "custom", "/api/v1/evaluation/submissions/1/accept", json={"comment": ""},
        statuses={"anonymous": 401, **{p: OK_422 if p in REVIEW else 403 for p in _USERS}}),
    ("GET", "/evaluation"): Case("public", "/evaluation?framework=shandong-2035&year=2019"),
    ("GET", "/evaluation/scorecard"): Case(
        "public", "/evaluation/scorecard?unit=371000&framework=shandong-2035&year=2019",
        ok=frozenset({200, 404})),
    ("GET", "/evaluation/sensitivity"): Case(
        "public", "/evaluation/sensitivity?framework=shandong-2035&year=2019",
        ok=frozenset({200, 422})),
    ("GET", "/evaluation/submissions"): Case("public", "/evaluation/submissions"),
    ("GET", "/evaluation/submissions/template"): Case(
        "public", "/evaluation/submissions/template?city=371000&year=2019"),
    ("POST", "/evaluation/submissions"): Case(
        "custom", "/evaluation/submissions", data={k: str(v) for k, v in VALUE.items()},
        statuses={"anonymous": 401, **{p: 303 for p in _USERS}}),
    ("POST", "/evaluation/submissions/upload"): Case(
        "custom", "/evaluation/submissions/upload", files={"file": ("t.xlsx", b"x")},
        data={"framework": "shandong-2035", "year": "2019"},
        statuses={"anonymous": 401, **{p: 303 for p in _USERS}}),
    ("POST", "/evaluation/submissions/{sid}/review"): Case(
        "custom", "/evaluation/submissions/1/review",
        data={"action": "accept", "framework": "shandong-2035", "year": "2019"},
        statuses={"anonymous": 401, **{p: 303 for p in _USERS}}),
}
