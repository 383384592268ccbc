"""``/api/v1/governance/…``: the governance ledgers (spec/governance.md) over the repository
and services — scoped reads, audited writes — plus the public Open311 GeoReport v2 subset of
complaints (§6.1) and the annual report's progress board and provincial summary.

Errors use the one shape (:mod:`qingshan.api.errors`): 401 without a user where one is needed,
403 outside the user's role or organisation unit (a city user asking for another city's
non-public case), 404 for an unknown case or no data, 409 for a step the case's state or a
guard refuses, 422 for bad parameters (a date outside the working-day calendar included).
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from qingshan.accounts.authz import Actor, Forbidden
from qingshan.api.auth import current_actor, optional_actor
from qingshan.api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, ingest_detail
from qingshan.api.upload import save_upload
from qingshan.core.ingest.errors import IngestError
from qingshan.governance import annual, service
from qingshan.governance import repository as repo
from qingshan.governance.clocks import CalendarError, default_calendar, due
from qingshan.governance.models import Case
from qingshan.governance.rates import RatesError
from qingshan.governance.workflows import MACHINES, TransitionError
from qingshan.store import ops

__all__ = ["router", "ROUTES"]

router = APIRouter(prefix="/governance", tags=["governance"], responses=ERROR_RESPONSES)
Auth = Annotated[Actor, Depends(current_actor)]
MaybeAuth = Annotated[Actor | None, Depends(optional_actor)]
#: who may call what (for the authorization matrix, tests/security/authz/governance.py)
ROUTES = {
    ("GET", "/api/v1/governance/calendar/due"): "anyone",
    ("GET", "/api/v1/governance/cases"): "any user (own scope)",
    ("POST", "/api/v1/governance/cases"): "create roles of the kind, own scope",
    ("GET", "/api/v1/governance/cases/{public_no}"): "own scope; public view for anyone",
    ("POST", "/api/v1/governance/cases/{public_no}/transitions"): "roles of the step, own scope",
    ("GET", "/api/v1/governance/rates/{kind}"): "any user (own scope)",
    ("GET", "/api/v1/governance/rates/{kind}/cases"): "any user (own scope)",
    ("POST", "/api/v1/governance/import/{kind}"): "create roles of the ledger, own city's rows",
    ("GET", "/api/v1/governance/overdue"): "any user (own scope)",
    ("GET", "/api/v1/governance/open311/services.json"): "anyone",
    ("GET", "/api/v1/governance/open311/requests.json"): "anyone (public cases only)",
    ("GET", "/api/v1/governance/open311/requests/{public_no}.json"): "anyone (public only)",
    ("POST", "/api/v1/governance/reports"): "city_staff of the city",
    ("GET", "/api/v1/governance/reports/progress"): "any user (own scope)",
    ("GET", "/api/v1/governance/reports/summary.{fmt}"): "prov_staff, prov_leader, auditor",
    ("PUT", "/api/v1/governance/reports/{public_no}/sections/{section}"): "city_staff, own city",
    ("POST", "/api/v1/governance/cases/{public_no}/evidence"): "writers of the case, own scope",
}


def _url(request: Request) -> str:
    return request.app.state.ops_url


@contextmanager
def analytic(request: Request):
    """The analytic store's read connection for the annual report's air and water figures
    (None when the app serves none)."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        yield None
        return
    with store.cursor() as con:
        yield con


def _day(v: str | None, param: str) -> date:
    try:
        return date.fromisoformat(v) if v else date.today()
    except ValueError:
        raise ApiError(422, "invalid_parameter", f"{param}: not a date (YYYY-MM-DD)",
                       [ErrorDetail(loc=["query", param], msg="not a date")]) from None


def _rid(request: Request) -> str | None:
    """The request id the server assigned (:mod:`qingshan.api.security`: the client's
    ``x-request-id`` only when it matches the id pattern, a fresh one otherwise), for audit
    rows; never the raw header."""
    return getattr(request.state, "request_id", None)


def _call(fn):
    try:
        return fn()
    except repo.NotFound as e:
        raise ApiError(404, "not_found", str(e)) from None
    except RatesError as e:
        raise ApiError(404, "no_data", str(e)) from None
    except TransitionError as e:
        raise ApiError(409, "transition_refused", str(e)) from None
    except CalendarError as e:
        raise ApiError(422, "outside_calendar", str(e)) from None
    except KeyError as e:
        raise ApiError(422, "invalid_parameter", str(e)) from None


class DueOut(BaseModel):
    start: str
    due: str
    unit: str
    n: int
    calendar: str


class CaseOut(BaseModel):
    public_no: str
    kind: str
    city_code: str
    state: str
    state_label: str
    group: str
    open311_status: str
    title: str
    year: int
    is_public: bool
    synthetic: bool
    due: dict[str, str | None]
    fields: dict[str, Any] = {}
    personal: dict[str, Any] | None = None
    timeline: list[dict[str, Any]] | None = None
    steps: list[str] | None = None


class CaseIn(BaseModel):
    kind: str = Field(description=f"one of {', '.join(m for m in MACHINES if m != 'annual_report')}")
    unit: str = Field(max_length=32, pattern=r"^\d{6}(-[a-z0-9]{1,16})?$")
    title: str = Field("", max_length=200)
    fields: dict[str, Any] = {}
    personal: dict[str, str] = {}
    is_public: bool = False
    date: str | None = None


class StepIn(BaseModel):
    name: str = Field(max_length=64)
    params: dict[str, Any] = {}
    reason: str | None = Field(None, max_length=2000)
    date: str | None = None


class RateOut(BaseModel):
    unit: str | None
    name: str
    numerator: int | str
    denominator: int | str
    value: float | None
    text: str
    exclusions: dict[str, int]
    rule_version: str
    cutoff: str | None
    formula: str
    mark: str
    partial: bool


def _case_out(s, row: Case, actor: Actor | None, full: bool, page: bool = True) -> CaseOut:
    v = service.case_page(s, actor, row.public_no) if page else repo.case_view(s, row, actor,
                                                                              full)
    return CaseOut(**{k: v.get(k) for k in CaseOut.model_fields if k in v})


@router.get("/calendar/due", response_model=DueOut, summary="Due date in working or calendar "
            "days (State Council holiday notices, make-up workdays included)")
def calendar_due(start: Annotated[str, Query(alias="date")],
                 working_days: Annotated[int | None, Query(ge=0, le=1000)] = None,
                 days: Annotated[int | None, Query(ge=0, le=3650)] = None) -> DueOut:
    if (working_days is None) == (days is None):
        raise ApiError(422, "invalid_parameter", "give exactly one of working_days or days")
    d0 = _day(start, "date")
    d = _call(lambda: due(d0, working_days=working_days, days=days))
    return DueOut(start=d0.isoformat(), due=d.isoformat(), unit="wd" if days is None else "cd",
                  n=working_days if days is None else days, calendar=default_calendar().version)


@router.get("/cases", response_model=list[CaseOut], summary="Cases in your scope")
def list_cases(request: Request, actor: Auth, kind: str | None = None, city: str | None = None,
               state: str | None = None,
               year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
               limit: Annotated[int, Query(ge=1, le=5000)] = 200,
               offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> list[CaseOut]:
    with ops.session_scope(_url(request)) as s:
        rows = repo.list_cases(s, actor, kind=kind, city=city, state=state, year=year,
                               limit=limit, offset=offset)
        return [_case_out(s, r, actor, True, page=False) for r in rows]


@router.post("/cases", response_model=CaseOut, status_code=201, summary="Create a case")
def create_case(request: Request, actor: Auth, body: CaseIn) -> CaseOut:
    if body.kind not in MACHINES or body.kind == "annual_report":
        raise ApiError(422, "invalid_parameter", f"kind: one of {MACHINES} (annual reports: "
                       "POST /api/v1/governance/reports)")
    with ops.session_scope(_url(request)) as s:
        row = _call(lambda: repo.create_case(
            s, actor, body.kind, unit=body.unit, today=_day(body.date, "date"),
            fields=body.fields, personal=body.personal, title=body.title,
            is_public=body.is_public, request_id=_rid(request)))
        return _case_out(s, row, actor, True)


@router.get("/cases/{public_no}", response_model=CaseOut, summary="A case with its timeline "
            "(public view outside your scope)")
def get_case(request: Request, public_no: str, actor: MaybeAuth) -> CaseOut:
    with ops.session_scope(_url(request)) as s:
        v = _call(lambda: service.case_page(s, actor, public_no))
        return CaseOut(**{k: v.get(k) for k in CaseOut.model_fields if k in v})


@router.post("/cases/{public_no}/transitions", response_model=CaseOut,
             summary="Take a step (checked by role, scope, state and guards; audited)")
def take_step(request: Request, public_no: str, actor: Auth, body: StepIn) -> CaseOut:
    day = _day(body.date, "date")
    with ops.session_scope(_url(request)) as s:
        row, _ = _call(lambda: repo.get_case(s, actor, public_no))
        if row.kind == "annual_report" and body.name in ("submit", "resubmit", "edit",
                                                         "refresh"):
            if body.name == "edit":
                raise ApiError(422, "invalid_parameter", "edit a report through the report "
                               "form (sections and manual figures)")
            prov = request.app.state.province
            with analytic(request) as con:
                row = _call(lambda: annual.refresh_report(
                    s, actor, public_no, today=day, con=con, province=prov)
                    if body.name == "refresh" else annual.submit_report(
                    s, actor, public_no, today=day, step=body.name, con=con, province=prov))
        else:
            row = _call(lambda: repo.transition(
                s, actor, public_no, body.name, today=day, params=body.params,
                reason=body.reason, request_id=_rid(request)))
        return _case_out(s, row, actor, True)


@router.get("/rates/{kind}", response_model=list[RateOut], summary="Rates per city and pooled "
            "(Σ numerators / Σ denominators), with numerator, denominator, exclusions")
def rates(request: Request, kind: str, actor: Auth, cutoff: str,
          start: Annotated[str | None, Query(alias="from")] = None) -> list[RateOut]:
    with ops.session_scope(_url(request)) as s:
        res = _call(lambda: service.rates_for(
            s, actor, kind, _day(cutoff, "cutoff"),
            period_start=_day(start, "from") if start else None,
            province=request.app.state.province.code))
    return [RateOut(**{**r.as_dict(), "unit": u}) for u, rs in res.items() for r in rs.values()]


class DrillCaseOut(BaseModel):
    public_no: str
    kind: str
    city_code: str
    state_at_cutoff: str | None
    state: str
    title: str
    synthetic: bool


class DrillOut(BaseModel):
    kind: str
    unit: str
    part: str
    cutoff: str
    from_: str | None = Field(None, alias="from")
    rate: RateOut
    parts: list[str]
    count: int
    synthetic: bool
    cases: list[DrillCaseOut]


@router.get("/rates/{kind}/cases", response_model=DrillOut, response_model_by_alias=True,
            summary="The exact cases behind a rate's numerator, denominator or one exclusion "
                    "(the rate's own bookkeeping, as of the cut-off)")
def rate_cases(request: Request, kind: str, actor: Auth, cutoff: str,
               rate: Annotated[str, Query(max_length=64)],
               unit: Annotated[str, Query(max_length=16)],
               part: Annotated[str, Query(max_length=80)] = "numerator",
               start: Annotated[str | None, Query(alias="from")] = None) -> dict[str, Any]:
    from qingshan.governance.drilldown import DrilldownError, cases_behind

    with ops.session_scope(_url(request)) as s:
        try:
            out = _call(lambda: cases_behind(
                s, actor, kind, rate, unit, part, _day(cutoff, "cutoff"),
                period_start=_day(start, "from") if start else None,
                province=request.app.state.province.code))
        except DrilldownError as e:
            raise ApiError(404, "not_found", str(e)) from None
    out["rate"] = RateOut(**{**out["rate"], "unit": unit})
    return out


@router.get("/overdue", summary="Yellow cards, overdue and red cards in your scope")
def overdue(request: Request, actor: Auth, at: Annotated[str | None, Query(alias="date")]
            = None) -> list[dict[str, Any]]:
    with ops.session_scope(_url(request)) as s:
        return service.overdue(s, actor, _day(at, "date"))


# ---- Open311 GeoReport v2, public complaints only (§6.1) ----------------------------------

SERVICES = [{"service_code": c, "service_name": n, "type": "batch", "metadata": False,
             "keywords": "", "group": "complaint", "description": n}
            for c, n in (("咨询", "consultation"), ("求助", "request for help"),
                         ("建议", "suggestion"), ("投诉", "complaint"), ("举报", "report"))]


def _georeport(s, row: Case) -> dict[str, Any]:
    v = repo.case_view(s, row, None, False)
    tl = repo.timeline(s, row, False)
    return {"service_request_id": row.public_no, "status": v["open311_status"],
            "status_notes": v["state_label"], "service_code": (row.fields or {}).get("category"),
            "service_name": (row.fields or {}).get("category"), "description": row.title,
            "agency_responsible": None, "service_notice": None,
            "requested_datetime": row.created_at.isoformat(),
            "updated_datetime": tl[-1]["ts"] if tl else row.updated_at.isoformat(),
            "expected_datetime": v["due"].get("handle"), "address": None, "lat": None,
            "long": None, "media_url": None, "synthetic": row.synthetic}


@router.get("/open311/services.json", summary="Open311 GeoReport v2: service list")
def open311_services() -> list[dict[str, Any]]:
    return SERVICES


@router.get("/open311/requests.json", summary="Open311 GeoReport v2: public requests "
            "(≤ 90 days, ≤ 1000)")
def open311_requests(request: Request, status: str | None = None,
                     service_code: str | None = None, start_date: str | None = None,
                     end_date: str | None = None,
                     service_request_id: Annotated[str | None, Query(max_length=2000)] = None
                     ) -> list[dict[str, Any]]:
    try:
        end = datetime.fromisoformat(end_date) if end_date else None
        start = datetime.fromisoformat(start_date) if start_date else None
    except ValueError:
        raise ApiError(422, "invalid_parameter", "start_date/end_date: ISO 8601 date-times") \
            from None
    if start and end and (end - start).days > 90:
        raise ApiError(422, "invalid_parameter", "start_date..end_date: at most 90 days")
    with ops.session_scope(_url(request)) as s:
        q = select(Case).where(Case.kind == "complaint", Case.is_public.is_(True))
        if service_request_id:           # comma-separated list (GeoReport v2)
            q = q.where(Case.public_no.in_([x.strip() for x in
                                            service_request_id.split(",")[:100]]))
        rows = s.scalars(q.order_by(Case.id.desc()).limit(1000)).all()
        out = [_georeport(s, r) for r in rows]
    return [o for o in out if (status is None or o["status"] == status)
            and (service_code is None or o["service_code"] == service_code)
            and (start is None or o["requested_datetime"][:10] >= start.date().isoformat())
            and (end is None or o["requested_datetime"][:10] <= end.date().isoformat())]


@router.get("/open311/requests/{public_no}.json", summary="Open311 GeoReport v2: one request")
def open311_request(request: Request, public_no: str) -> list[dict[str, Any]]:
    with ops.session_scope(_url(request)) as s:
        row = s.scalars(select(Case).where(
            Case.public_no == public_no, Case.kind == "complaint",
            Case.is_public.is_(True))).first()
        if row is None:
            raise ApiError(404, "not_found", f"no public request {public_no}")
        return [_georeport(s, row)]


# ---- annual city report ---------------------------------------------------------------------

class ReportIn(BaseModel):
    city: str = Field(pattern=r"^\d{6}$")
    year: int = Field(ge=2000, le=2100)


@router.post("/reports", response_model=CaseOut, status_code=201,
             summary="Start a city's annual report (auto figures pre-filled and locked)")
def create_report(request: Request, actor: Auth, body: ReportIn) -> CaseOut:
    with ops.session_scope(_url(request)) as s:
        with analytic(request) as con:
            row = _call(lambda: annual.create_report(
                s, actor, body.city, body.year, date.today(), con=con,
                province=request.app.state.province))
        return _case_out(s, row, actor, True)


@router.get("/reports/progress", summary="Progress board: who has submitted")
def report_progress(request: Request, actor: Auth, year: int) -> list[dict[str, Any]]:
    with ops.session_scope(_url(request)) as s:
        return annual.progress(s, actor, request.app.state.province, year)


@router.get("/reports/summary.{fmt}", summary="Provincial summary as DOCX or XLSX",
            response_class=FileResponse)
def report_summary(request: Request, actor: Auth, fmt: str, year: int):
    if fmt not in ("docx", "xlsx"):
        raise ApiError(404, "not_found", "summary.docx or summary.xlsx")
    prov = request.app.state.province
    with ops.session_scope(_url(request)) as s:
        df, prog = annual.summary_frame(s, actor, prov, year)
    out = Path(tempfile.mkdtemp(prefix="qingshan-summary-")) / f"summary-{year}.{fmt}"
    (annual.summary_docx(df, prog, prov, year, out) if fmt == "docx"
     else annual.summary_xlsx(df, prog, out))
    media = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"
             if fmt == "docx" else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return FileResponse(out, media_type=media, filename=out.name)


class SectionIn(BaseModel):
    text: str | None = Field(None, max_length=20_000)
    figures: dict[str, tuple[str | float | int | None, str | None]] = {}
    date: str | None = None


@router.put("/reports/{public_no}/sections/{section}", response_model=CaseOut,
            summary="Edit a report section: narrative and manual figures (value, source "
                    "document); locked auto figures are refused")
def edit_section(request: Request, actor: Auth, public_no: str, section: str,
                 body: SectionIn) -> CaseOut:
    with ops.session_scope(_url(request)) as s:
        row = _call(lambda: annual.fill_report(s, actor, public_no, today=_day(body.date, "date"),
                                               section=section, text=body.text,
                                               figures=body.figures))
        return _case_out(s, row, actor, True)


@router.post("/cases/{public_no}/evidence", status_code=201,
             summary="Attach an evidence file (content-addressed, never overwritten)")
async def add_evidence(request: Request, actor: Auth, public_no: str,
                       criterion: Annotated[str, Query(max_length=64)] = "") -> dict[str, Any]:
    from qingshan.governance.evidence import EvidenceError, MAX_EVIDENCE_BYTES, evidence_root

    limit = min(MAX_EVIDENCE_BYTES, request.app.state.max_upload_bytes)
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise ApiError(413, "too_large", f"evidence over the limit of {limit} bytes")
    name = request.headers.get("x-filename", "evidence")[:255]
    # beside the store this app serves (the settings' default db may be another file)
    root = Path(request.app.state.store.path).resolve().parent / "evidence" \
        if getattr(request.app.state, "store", None) is not None \
        else evidence_root(request.app.state.settings)
    with ops.session_scope(_url(request)) as s:
        try:
            sha = _call(lambda: repo.add_evidence(s, actor, public_no, data, name=name,
                                                  criterion=criterion, root=root,
                                                  request_id=_rid(request),
                                                  media_type=request.headers.get(
                                                      "content-type", "application/octet-stream")
                                                  [:100]))
        except EvidenceError as e:
            raise ApiError(422, "invalid_file", str(e)) from None
    return {"sha256": sha, "case": public_no, "criterion": criterion}


# ---- ledger import from the Excel templates (the CLI's ``qingshan governance import``) ----------

class ImportOut(BaseModel):
    template: str
    file: str
    created: list[str]
    skipped: list[str]


def import_roles(template: str) -> frozenset[str]:
    """Who may import a template: the create roles of its case kind, or the register roles."""
    from qingshan.governance.ingest import template as tpl_of
    from qingshan.governance.ingest.load import REGISTER_ROLES
    from qingshan.governance.workflows import machine

    kind = tpl_of(template).kind
    return REGISTER_ROLES if kind.startswith("register:") else machine(kind).create_roles


async def import_upload(request: Request, actor: Actor, template: str, file: UploadFile,
                        day: date) -> dict[str, Any]:
    """The role first (before reading a byte), then the file streamed under the size limit
    (:func:`qingshan.api.upload.save_upload`), validated whole by the CLI's reader and stored
    in one transaction by the CLI's loader: a row of a unit outside the user's scope refuses the
    file (403, naming its line), an invalid cell refuses it (422 with file, line, field) —
    nothing is stored then; one audit row per stored import (action ``ingest``)."""
    from qingshan.governance.ingest import templates

    if template not in templates():
        raise ApiError(404, "not_found", f"no ledger template {template!r}; one of "
                       f"{', '.join(sorted(templates()))}")
    roles = import_roles(template)
    if not set(actor.roles) & roles:
        raise ApiError(403, "forbidden", f"importing {template} needs one of {sorted(roles)}")
    limit = request.app.state.max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="qingshan-governance-") as tmp:
        p = await save_upload(file, Path(tmp), limit)
        try:
            with ops.session_scope(_url(request)) as s:
                out = service.import_file(
                    s, actor, p, template, today=day, display_name=p.name,
                    request_id=_rid(request),
                    client_ip=request.client.host if request.client else None)
        except IngestError as e:
            raise ApiError(422, "invalid_file", f"{e}; nothing stored",
                           [ingest_detail(e)]) from None
        except Forbidden as e:
            raise ApiError(403, "forbidden", f"{e}; nothing stored") from None
    return {"template": template, "file": out.file, "created": out.created,
            "skipped": out.skipped}


@router.post("/import/{kind}", response_model=ImportOut, summary="Import a filled ledger "
             "template (.xlsx): validated whole, stored in one transaction, nothing on error")
async def import_ledger(request: Request, actor: Auth, kind: str,
                        file: Annotated[UploadFile, File()],
                        day: Annotated[str | None, Form(alias="date", max_length=10)] = None
                        ) -> dict[str, Any]:
    """``kind`` is the template name (``qingshan governance template --help`` lists them)."""
    return await import_upload(request, actor, kind, file, _day(day, "date"))
