"""Property-based fuzzing of the API from its own OpenAPI document (schemathesis).

Every operation gets at most EXAMPLES (40) generated requests; none may answer 5xx, and every error
answer must have the one error shape. Runs on a private copy of the real-data store plus the
synthetic water demo of 2019 (the upload operation may store what it is sent).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api._water import water_store


@pytest.fixture(scope="module")
def fuzz_schema():
    from qingshan.api import create_app
    tmp = Path(tempfile.mkdtemp(prefix="qingshan-fuzz-"))
    db = tmp / "fuzz.duckdb"
    shutil.copy(water_store(), db)
    app = create_app(db, "shandong", web=False)
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    app.state.store.close()
    shutil.rmtree(tmp, ignore_errors=True)


#: generated requests per operation (bounded so the suite stays fast)
EXAMPLES = 40
OPERATIONS = [("/cities", "GET"), ("/cities/{code}", "GET"), ("/stations", "GET"),
              ("/stations/{code}", "GET"), ("/stations/{code}/hours", "GET"),
              ("/aqi/hourly", "GET"), ("/aqi/daily", "GET"), ("/assessment", "GET"),
              ("/rankings", "GET"), ("/water/assessment", "GET"), ("/water/coastal", "GET"),
              ("/batches", "GET"), ("/batches/{batch_id}", "GET"),
              ("/upload", "POST")]
#: the other domains' and the accounts' operations, fuzzed with fewer examples each (their
#: writes answer 401 to the anonymous fuzzer: what is checked is that nothing is a 5xx)
EXAMPLES_OTHER = 8
OTHER_OPERATIONS = [('/auth/me', 'GET'), ('/auth/token', 'POST'), ('/carbon/accounting', 'GET'),
                    ('/carbon/allocations', 'GET'), ('/carbon/deadlines', 'GET'),
                    ('/carbon/enterprises/{credit_code}', 'GET'), ('/carbon/footprints', 'GET'),
                    ('/carbon/import', 'POST'), ('/carbon/positions', 'GET'),
                    ('/carbon/summary', 'GET'), ('/compensation/air', 'GET'),
                    ('/compensation/air/upload', 'POST'), ('/compensation/rules', 'GET'),
                    ('/compensation/runs', 'GET'), ('/compensation/runs', 'POST'),
                    ('/compensation/runs/{run_id}', 'GET'),
                    ('/compensation/runs/{run_id}/rerun', 'POST'),
                    ('/compensation/water', 'GET'), ('/evaluation/explain', 'GET'),
                    ('/evaluation/frameworks', 'GET'), ('/evaluation/frameworks/{name}', 'GET'),
                    ('/evaluation/results', 'GET'), ('/evaluation/sensitivity', 'GET'),
                    ('/evaluation/submissions', 'GET'), ('/evaluation/submissions', 'POST'),
                    ('/evaluation/submissions/upload', 'POST'),
                    ('/evaluation/submissions/{sid}/{action}', 'POST'),
                    ('/governance/calendar/due', 'GET'), ('/governance/cases', 'GET'),
                    ('/governance/cases', 'POST'), ('/governance/cases/{public_no}', 'GET'),
                    ('/governance/cases/{public_no}/evidence', 'POST'),
                    ('/governance/cases/{public_no}/transitions', 'POST'),
                    ('/governance/open311/requests.json', 'GET'),
                    ('/governance/open311/requests/{public_no}.json', 'GET'),
                    ('/governance/open311/services.json', 'GET'), ('/governance/overdue', 'GET'),
                    ('/governance/import/{kind}', 'POST'),
                    ('/governance/rates/{kind}', 'GET'), ('/governance/rates/{kind}/cases', 'GET'),
                    ('/governance/reports', 'POST'),
                    ('/governance/reports/progress', 'GET'),
                    ('/governance/reports/summary.{fmt}', 'GET'),
                    ('/governance/reports/{public_no}/sections/{section}', 'PUT')]


def test_every_operation_is_fuzzed(fuzz_schema):
    ops = {(r.ok().path, r.ok().method.upper()) for r in fuzz_schema.get_all_operations()}
    assert ops == {("/api/v1" + p, m) for p, m in OPERATIONS + OTHER_OPERATIONS}


@pytest.mark.slow
@pytest.mark.xdist_group("qingshan-api-fuzz")
@pytest.mark.parametrize("path,method,examples",
                         [(p, m, EXAMPLES) for p, m in OPERATIONS]
                         + [(p, m, EXAMPLES_OTHER) for p, m in OTHER_OPERATIONS])
def test_no_server_errors(fuzz_schema, path, method, examples):
    op = fuzz_schema["/api/v1" + path][method]

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    @given(case=op.as_strategy())
    def run(case):
        r = case.call()
        assert r.status_code < 500, (f"{case.method} {case.formatted_path} {case.query}: "
                                     f"{r.text[:300]}")
        if r.status_code >= 400:
            err = r.json()["error"]
            assert err["status"] == r.status_code and err["message"]

    run()
