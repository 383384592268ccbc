"""Contract (issue 19): schemathesis over every operation of the API's own OpenAPI document,
with every check schemathesis has and authentication.

Every operation (``schema.get_all_operations()``: all of them, none left out by a list here)
gets EXAMPLES generated requests (derandomised: the same on every run), each sent with the
bearer token of a province administrator (``prov_admin`` at 370000, made through the real
accounts service, tests/_auth.py) and validated with *all* registered checks
(``schemathesis.checks.CHECKS``: no server error, status code / content type / headers /
response schema conformance, negative data rejected, positive data accepted, missing required
header, unsupported method, ignored auth, …). Every failure of every operation is collected and
the test fails listing them.

One check is configured, not dropped: ``positive_data_acceptance`` also accepts 400 and 422.
The schema cannot say everything a valid request must be — a period like ``2025-Q2`` or
``2025-01..2025-03``, a date range whose end is after its start, "exactly one of
working_days or days", a file that must be a filled template — so a request the schema allows
can still be refused, in the one error shape, with 400/422; that is the documented contract
(``qingshan.api.errors.ERROR_RESPONSES``), not a defect. 5xx, undocumented statuses, bodies
not matching their model and everything else stay failures.

Runs on a private copy of the small SYNTHETIC store of the reliability tests (stations and two
days of January 2024, tests/faults/_store.py: cheap to build, so the contract stays bounded);
the writes may store what they are sent.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from tests.faults._store import base_store

#: generated requests per operation (bounded: the whole contract stays well under 40 s)
EXAMPLES = 3
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]
"""


@pytest.fixture(scope="module")
def contract():
    from qingshan.api import create_app
    from tests._auth import token_for
    tmp = Path(tempfile.mkdtemp(prefix="qingshan-contract-"))
    db = base_store(tmp, "contract.duckdb")
    app = create_app(db, "shandong", web=False)
    token = token_for(app, "prov_admin")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app,
                                            config=SchemathesisConfig.from_str(CONFIG))
    yield schema, {"Authorization": f"Bearer {token}"}
    app.state.store.close()
    shutil.rmtree(tmp, ignore_errors=True)


def _failures(e: BaseException) -> list[str]:
    subs = getattr(e, "exceptions", None) or [e]
    return [" | ".join(str(s).strip().splitlines()[:4])[:400] for s in subs]


def test_every_operation_with_every_check_and_authentication(contract):
    schema, headers = contract
    load_all_checks()
    checks = CHECKS.get_all()
    names = {c.__name__ for c in checks}
    assert {"not_a_server_error", "response_schema_conformance", "status_code_conformance",
            "negative_data_rejection", "positive_data_acceptance", "ignored_auth"} <= names
    ops = [r.ok() for r in schema.get_all_operations()]
    assert len(ops) >= 50                  # every operation of every domain (56 in 2026-12)
    found: dict[str, list[str]] = {}
    def fuzz(op):
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case):
            try:
                case.call_and_validate(headers=headers, checks=checks)
            except KeyboardInterrupt:
                raise
            except BaseException as e:     # schemathesis' FailureGroup: collect, go on
                found.setdefault(f"{op.method.upper()} {op.path}", []).extend(_failures(e))
        run()

    for op in ops:
        fuzz(op)
    assert not found, "\n".join(f"{k}: {sorted(set(v))}" for k, v in found.items())
