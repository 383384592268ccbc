"""``/api/v1/evaluation/…``: frameworks, scores, the derivation trail, sensitivity and the
submissions of cities (issue 15).

Reads are public; a framework is named by its bundled name only (never a file path). Values come
from the store's computed indicators (air and water services) and the accepted submissions, or
from the framework's own data file (the COINr ASEM example). No data for a year is a 404 with a
message; an impossible method variation a 422. Writes need a logged-in user of the role the
submissions workflow names (:data:`qingshan.evaluation.submissions.ALLOWED`), on the value's
city; each writes an audit row.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import duckdb
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from qingshan.accounts import roles as R
from qingshan.accounts.authz import Actor, has_role
from qingshan.api.auth import current_actor
from qingshan.api.deps import get_con
from qingshan.api.errors import ERROR_RESPONSES, ApiError
from qingshan.core.ingest.errors import IngestError
from qingshan.evaluation import service
from qingshan.evaluation.engine.pipeline import EngineError
from qingshan.evaluation.framework import Framework, FrameworkError
from qingshan.evaluation.frameworks import BUNDLED, load_framework

__all__ = ["router", "ROUTES", "framework_of", "inputs_of", "read_upload"]

router = APIRouter(prefix="/evaluation", tags=["evaluation"], responses=ERROR_RESPONSES)
Con = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]
FwQ = Annotated[str, Query(description="bundled framework name", examples=["shandong-2035"],
                           max_length=64, pattern=r"^[a-z0-9\-]+$")]
YearQ = Annotated[int, Query(ge=1990, le=2100)]

#: route → who may call it (for tests/security/authz/evaluation.py)
ROUTES = {("GET", "/api/v1/evaluation/frameworks"): "public read",
          ("GET", "/api/v1/evaluation/frameworks/{name}"): "public read",
          ("GET", "/api/v1/evaluation/results"): "public read",
          ("GET", "/api/v1/evaluation/explain"): "public read",
          ("GET", "/api/v1/evaluation/sensitivity"): "public read",
          ("GET", "/api/v1/evaluation/submissions"): "logged-in (city users: their city)",
          ("POST", "/api/v1/evaluation/submissions"): "city_staff / prov_staff (of the city)",
          ("POST", "/api/v1/evaluation/submissions/upload"): "city_staff / prov_staff "
                                                            "(of the city)",
          ("POST", "/api/v1/evaluation/submissions/{sid}/{action}"):
              "submit: city_staff, city_reviewer, prov_staff; return/accept: prov_staff "
              "(not prov_admin: spec §8.1)"}


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ResultRow(_Open):
    unit: str
    unit_name: str
    node: str
    node_name: str
    level: int
    score: float | None = None
    rank: int | None = None
    complete: bool
    marks: str = ""


class ResultsOut(BaseModel):
    framework: str
    year: int
    marks: list[str]
    warnings: list[str]
    synthetic: bool
    rows: list[ResultRow]


class ExplainOut(_Open):
    unit: str
    node: str
    score: float | None = None
    rank: int | None = None
    complete: bool
    aggregation: str
    children: list[dict[str, Any]]
    sum_of_contributions: float
    adjustment: float | None = None
    marks: str = ""
    synthetic: bool = False


class SensitivityOut(BaseModel):
    framework: str
    year: int
    node: str
    replications: int
    seed: int
    average_shift: float
    marks: list[str]
    ranks: list[dict[str, Any]]
    sobol: list[dict[str, Any]]


class SubmissionIn(BaseModel):
    framework: str = Field("shandong-2035", max_length=64)
    unit: str = Field(..., max_length=16)
    year: int = Field(..., ge=1990, le=2100)
    indicator: str = Field(..., max_length=64)
    value: float
    measure_unit: str = Field(..., max_length=32)
    source: str = Field(..., max_length=500)
    evidence_note: str = Field(..., max_length=2000)
    submit: bool = False


class ReviewIn(BaseModel):
    comment: str = Field("", max_length=2000)


def framework_of(name: str) -> Framework:
    known = {*BUNDLED, "coinr-asem"}
    if name not in known:
        raise ApiError(404, "not_found", f"no framework {name!r}; one of {sorted(known)}")
    try:
        return load_framework(name)
    except FrameworkError as e:
        raise ApiError(404, "not_found", str(e)) from None


def _ops(request: Request) -> str:
    from qingshan.store import ops
    url = getattr(request.app.state, "ops_url", None) or ops.ops_url_for(
        request.app.state.store.path)
    ops.upgrade(url)
    return url


def inputs_of(request: Request, con, fw: Framework) -> dict:
    """Service keyword arguments: the store and the accepted submissions (or nothing when the
    framework brings its own data)."""
    if fw.framework.data:
        return {}
    from qingshan.air.api import computed as kept
    from qingshan.evaluation.submissions import accepted_panel
    from qingshan.store import ops
    with ops.session_scope(_ops(request)) as s:
        sub = accepted_panel(s, fw)
    specs = service.computed_specs(fw)

    def computed(years):
        # the computed indicators, kept by the version of the whole analytic store (air
        # days, water tables, catalogue: qingshan.air.versions) — one evaluation of a year
        # reads them once per upload, not once per page, result, explanation and sensitivity
        try:
            return kept(con, service.computed_values, specs, tuple(years))
        except ApiError as e:            # the service's refusal, as the service raised it
            raise EngineError(e.message) from None
    return {"con": con, "province": request.app.state.province, "submitted": sub,
            "computed": computed}


def _call(fn, *a, **kw):
    try:
        return fn(*a, **kw)
    except (EngineError, FileNotFoundError) as e:
        msg = str(e)
        status = 404 if msg.startswith(("no data", "units ")) or "not found" in msg else 422
        raise ApiError(status, "no_data" if status == 404 else "invalid_parameter",
                       msg) from None
    except KeyError as e:
        raise ApiError(404, "not_found", str(e.args[0] if e.args else e)) from None
    except ValueError as e:
        raise ApiError(422, "invalid_parameter", str(e)) from None


@router.get("/frameworks", summary="Bundled frameworks")
def frameworks() -> list[dict]:
    return service.frameworks()


@router.get("/frameworks/{name}", summary="A framework's indicator tree")
def framework(name: str) -> dict:
    framework_of(name)
    return service.framework_tree(name)


@router.get("/results", response_model=ResultsOut, summary="Scores and ranks per unit and node")
def results(request: Request, con: Con, framework: FwQ, year: YearQ,
            unit: Annotated[list[str] | None, Query(max_length=32)] = None,
            node: Annotated[str | None, Query(max_length=64)] = None) -> dict:
    """One row per unit and node: score, rank (ties shared; partial units not ranked),
    complete, marks ([M] = unverified target used)."""
    fw = framework_of(framework)
    r = _call(service.run, fw, year, units=unit, **inputs_of(request, con, fw))
    t = r.table if node is None else r.table[r.table["node"] == node]
    if node is not None and t.empty:
        raise ApiError(404, "not_found", f"no node {node!r} in {fw.label}")
    rows = t.astype(object).where(t.notna(), None).to_dict(orient="records")
    return {"framework": fw.label, "year": year, "marks": r.marks,
            "warnings": r.result.warnings, "synthetic": r.result.synthetic, "rows": rows}


@router.get("/explain", response_model=ExplainOut, summary="Why a unit's score is what it is")
def explain(request: Request, con: Con, framework: FwQ, year: YearQ,
            unit: Annotated[str, Query(max_length=32)],
            node: Annotated[str | None, Query(max_length=64)] = None) -> dict:
    """The derivation trail: raw value → unit → treatment → normalised → weight →
    contribution (adds up to the score), with each target, its source and mark."""
    fw = framework_of(framework)
    return _call(service.explain_unit, fw, year, unit, node, **inputs_of(request, con, fw))


@router.get("/sensitivity", response_model=SensitivityOut, summary="Rank uncertainty")
def sensitivity(request: Request, con: Con, framework: FwQ, year: YearQ,
                vary: Annotated[list[str] | None, Query(max_length=16)] = None,
                weight_noise: Annotated[float, Query(ge=0, lt=1)] = 0.0,
                n: Annotated[int, Query(ge=8, le=2000)] = 500,
                seed: Annotated[int, Query(ge=0, le=2**31)] = 0,
                node: Annotated[str | None, Query(max_length=64)] = None) -> dict:
    """Seeded Monte Carlo over ``vary`` (``option=alt1,alt2``) and weight noise; Sobol'
    indices. A variation that cannot be applied is a 422."""
    fw = framework_of(framework)
    opts = _call(service.parse_variations, vary or [])
    r = _call(service.sensitivity, fw, year, vary=opts, weight_noise=weight_noise, n=n,
              seed=seed, node=node, **inputs_of(request, con, fw))
    clean = lambda df: df.astype(object).where(df.notna(), None).to_dict(orient="records")  # noqa: E731
    return {"framework": fw.label, "year": year, "node": r.node,
            "replications": r.replications, "seed": r.seed, "average_shift": r.average_shift,
            "marks": r.marks, "ranks": clean(r.ranks), "sobol": clean(r.sobol)}


@router.get("/submissions", summary="Submitted values (city users see their city)")
def submissions(request: Request, actor: Annotated[Actor, Depends(current_actor)],
                framework: FwQ = "shandong-2035", year: YearQ | None = None,
                state: Annotated[str | None, Query(max_length=16)] = None) -> list[dict]:
    from qingshan.evaluation.submissions import SubmissionError, list_submissions
    from qingshan.store import ops
    prov_wide = has_role(actor, {R.PROV_ADMIN, R.PROV_STAFF, R.PROV_LEADER, R.AUDITOR})
    try:
        with ops.session_scope(_ops(request)) as s:
            rows = list_submissions(s, framework, year, state,
                                    None if prov_wide else actor.unit)
    except SubmissionError as e:
        raise ApiError(422, "invalid_parameter", str(e)) from None
    return rows


def _write(request: Request, fn, *a, **kw):
    from qingshan.evaluation.submissions import SubmissionError
    from qingshan.store import ops
    try:
        with ops.session_scope(_ops(request)) as s:
            return fn(s, *a, **kw)
    except SubmissionError as e:
        raise ApiError(422, "invalid_submission", str(e)) from None
    except PermissionError as e:
        raise ApiError(403, "forbidden", str(e)) from None


@router.post("/submissions", summary="Enter (and optionally submit) one value")
def create_submission(request: Request, actor: Annotated[Actor, Depends(current_actor)],
                      body: SubmissionIn) -> dict:
    from qingshan.evaluation.submissions import ValueIn, save_values
    fw = framework_of(body.framework)
    v = ValueIn(body.unit, body.year, body.indicator, body.value, body.measure_unit,
                body.source, body.evidence_note)
    ids = _write(request, save_values, actor, fw, [v], submit=body.submit)
    return {"ids": ids, "state": "submitted" if body.submit else "draft"}


async def read_upload(request: Request, file: UploadFile, fw: Framework) -> list:
    """The rows of an uploaded template (size-limited while it streams; 413 beyond
    ``QINGSHAN_MAX_UPLOAD_BYTES``; 422 naming file/row/field when it is not a valid template)."""
    from qingshan.evaluation.ingest.template import read_template
    st = getattr(request.app.state, "settings", None)
    limit = getattr(request.app.state, "max_upload_bytes", None) or st.max_upload_bytes
    from qingshan.api.upload import save_upload
    with tempfile.TemporaryDirectory(prefix="qingshan-evaluation-") as tmp:
        p = await save_upload(file, Path(tmp), limit)
        name = p.name
        try:
            return read_template(p, fw, name=name)
        except IngestError as e:
            raise ApiError(422, "invalid_file", str(e)) from None


@router.post("/submissions/upload", summary="Upload a filled Excel template")
async def upload_submission(request: Request, actor: Annotated[Actor, Depends(current_actor)],
                            file: Annotated[UploadFile, File()],
                            framework: Annotated[str, Form(max_length=64)] = "shandong-2035",
                            submit: Annotated[bool, Form()] = True) -> dict:
    """Validate every row (type, unit, range, source, evidence note); nothing is stored when
    any row is invalid."""
    from qingshan.evaluation.submissions import save_values
    fw = framework_of(framework)
    rows = await read_upload(request, file, fw)
    ids = _write(request, save_values, actor, fw, rows, submit=submit)
    return {"ids": ids, "state": "submitted" if submit else "draft"}


@router.post("/submissions/{sid}/{action}", summary="Submit, return or accept a value")
def review_submission(request: Request, actor: Annotated[Actor, Depends(current_actor)],
                      sid: int, action: str, body: ReviewIn | None = None) -> dict:
    from qingshan.evaluation.submissions import TRANSITIONS, transition
    if action not in TRANSITIONS:
        raise ApiError(404, "not_found", f"no action {action!r}; one of {sorted(TRANSITIONS)}")
    return _write(request, transition, actor, sid, action, (body or ReviewIn()).comment)
