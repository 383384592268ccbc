"""``/api/v1/carbon/…``: ETS compliance, allocations, accounting and product footprints from the
carbon services, and the template import (a write: a logged-in user of the right role for the
city of every enterprise touched, an audit row per table).

Every figure carries ``rule_version`` and ``marks``/``mark`` (provenance: V verified, M from
memory, D derived, S synthetic, U user-supplied); synthetic demo rows say ``synthetic: true``.
No data is a 404 with a message, a vintage the rules cannot compute (2023/2024 without a
benchmark table, spec open item 1) a 422.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict

from qingshan.accounts.authz import Actor, require
from qingshan.api.auth import current_actor
from qingshan.api.upload import save_upload
from qingshan.api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from qingshan.api.models import Page, records
from qingshan.carbon import ledger, service
from qingshan.carbon.ingest import TEMPLATES, TemplateError
from qingshan.carbon.standards.switches import Switches
from qingshan.core.ingest.errors import IngestError

__all__ = ["router", "ROUTES", "settings_of", "ops_of"]

router = APIRouter(prefix="/carbon", tags=["carbon"], responses=ERROR_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=5000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
PeriodQ = Annotated[str, Query(description="vintage (2019-2020, 2021 … 2024) or compliance "
                                           "period (2021-2022, 2023-2024)",
                               examples=["2021-2022", "2022"])]
AsOf = Annotated[date | None, Query(description="status as of this day (default today)")]

#: route → who may call it (for tests/security/authz/carbon.py)
ROUTES = {("GET", "/api/v1/carbon/positions"): "public read",
          ("GET", "/api/v1/carbon/summary"): "public read",
          ("GET", "/api/v1/carbon/enterprises/{credit_code}"): "public read",
          ("GET", "/api/v1/carbon/allocations"): "public read",
          ("GET", "/api/v1/carbon/accounting"): "public read",
          ("GET", "/api/v1/carbon/footprints"): "public read",
          ("GET", "/api/v1/carbon/deadlines"): "public read",
          ("POST", "/api/v1/carbon/import"): "prov_staff, city_staff (of the city)"}


class _Row(BaseModel):
    model_config = ConfigDict(extra="allow")


class PositionOut(_Row):
    credit_code: str
    name: str | None = None
    city_code: str | None = None
    vintage: str
    allocation_t: float | None = None
    verified_t: float | None = None
    obligation_t: float | None = None
    ccer_limit_t: float | None = None
    surrendered_t: float | None = None
    position_t: float | None = None
    status: str
    alert: str = ""
    deadline: date | None = None
    rule_version: str
    marks: str
    mark: str
    synthetic: bool | None = None


class AllocationOut(_Row):
    unit_id: str
    credit_code: str | None = None
    vintage: str
    allocation_t: float | None = None
    preallocation_t: float | None = None
    true_up_t: float | None = None
    complete: bool
    rule_version: str
    marks: str
    mark: str


class SummaryOut(BaseModel):
    period: str
    city_code: str | None = None
    enterprises: int
    assessed: int
    complied: int
    incomplete: int
    by_vintage: dict[str, dict[str, Any]]
    national_completion_pct: float | None = None
    national_mark: str | None = None
    synthetic: bool
    rule_versions: list[str]
    switches: dict[str, Any]


class EnterpriseOut(BaseModel):
    enterprise: dict[str, Any]
    units: list[dict[str, Any]]
    emissions: list[dict[str, Any]]
    positions: list[dict[str, Any]]
    allocations: list[dict[str, Any]]
    notes: dict[str, str]


class FootprintOut(BaseModel):
    products: list[dict[str, Any]]
    stages: list[dict[str, Any]]
    inputs: list[dict[str, Any]]


class AccountingOut(BaseModel):
    year: int
    annual: list[dict[str, Any]]
    months_with_issues: list[dict[str, Any]]


class ImportOut(BaseModel):
    kind: str
    stored: dict[str, int]


def _switches(ccer_base: str = "obligation", rounding: str = "none") -> Switches:
    try:
        return Switches(ccer_base=ccer_base, rounding=rounding)
    except ValueError as e:
        raise ApiError(422, "invalid_parameter", str(e)) from None


def _call(fn, *args, **kwargs):
    """A carbon service call: no data → 404, a value the rules refuse → 422."""
    try:
        return fn(*args, **kwargs)
    except service.NoData as e:
        raise ApiError(404, "no_data", str(e)) from None
    except ValueError as e:
        raise ApiError(422, "invalid_parameter", str(e)) from None


def settings_of(request: Request):
    """The app's Settings."""
    st = getattr(request.app.state, "settings", None)
    if st is not None:
        return st
    from qingshan.config import get_settings
    return get_settings(db=request.app.state.store.path)


def ops_of(request: Request):
    """The app's operational store (its URL, ``app.state.ops_url``; else the SQLite file beside
    the analytic store)."""
    url = getattr(request.app.state, "ops_url", None)
    if url:
        return url
    from qingshan.store.ops import ops_url_for
    return ops_url_for(request.app.state.store.path)


def _data(request: Request):
    return ledger.load(ops_of(request))


def _page(df, limit: int, offset: int) -> dict:
    return {"items": records(df.iloc[offset:offset + limit]), "total": len(df), "limit": limit,
            "offset": offset}


@router.get("/positions", response_model=Page[PositionOut], summary="Compliance positions")
def positions(request: Request, period: PeriodQ, as_of: AsOf = None,
              city: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
              ccer_base: Literal["obligation", "verified"] = "obligation",
              limit: Limit = 500, offset: Offset = 0) -> dict:
    """Per enterprise × vintage: allocation, verified emissions, obligation after relief (gas
    cap, 20 % gap cap), CCER limit, surrendered, surplus/deficit, status, alert, penalty."""
    df = _call(service.period_positions, _data(request), period, as_of,
               _switches(ccer_base))
    if city:
        df = df[df["city_code"] == city]
    return _page(df, limit, offset)


@router.get("/summary", response_model=SummaryOut, summary="N of M enterprises complied")
def summary(request: Request, period: PeriodQ, as_of: AsOf = None,
            city: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None) -> dict:
    """How many enterprises (of a city) complied in a period, per vintage, by quantity, with the
    national published rate as context."""
    return _call(service.city_summary, _data(request), period, as_of, city)


@router.get("/enterprises/{credit_code}", response_model=EnterpriseOut,
            summary="One enterprise: units, allocations, positions")
def enterprise(request: Request, credit_code: str, as_of: AsOf = None) -> dict:
    """The allocation and emissions trail of one enterprise, every vintage."""
    d = _call(service.enterprise_detail, _data(request), credit_code, as_of)
    return {"enterprise": records(pd.DataFrame([d["enterprise"]]))[0],
            "units": records(d["units"]), "emissions": records(d["emissions"]),
            "positions": records(d["positions"]),
            "allocations": records(d["allocations"]), "notes": d["notes"]}


@router.get("/allocations", response_model=Page[AllocationOut], summary="Unit allocations")
def allocations(request: Request,
                vintage: Annotated[str, Query(examples=["2022"])],
                rounding: Literal["none", "tonne"] = "none",
                limit: Limit = 500, offset: Offset = 0) -> dict:
    """Benchmark × output × corrections + heat per unit, 70 % pre-allocation and true-up."""
    df = _call(service.allocation_table, _data(request), vintage,
               _switches(rounding=rounding))
    return _page(df, limit, offset)


@router.get("/accounting", response_model=AccountingOut, summary="Emission accounting")
def accounting(request: Request, year: Annotated[int, Query(ge=2013, le=2100)]) -> dict:
    """Per unit: direct and indirect emissions, intensities; unit-months with evidence issues."""
    t = _call(service.accounting_tables, _data(request), year)
    m = t["months"]
    return {"year": year, "annual": records(t["annual"]),
            "months_with_issues": records(m[m["issues"] != ""])}


@router.get("/footprints", response_model=FootprintOut, summary="Product carbon footprints")
def footprints(request: Request, product: Annotated[str | None, Query(max_length=40)] = None
               ) -> dict:
    """Cradle-to-gate footprints (kg CO2e per declared unit) computed with Brightway, per stage
    and per input."""
    out = _call(service.footprints, _data(request), product)
    return {k: records(v) for k, v in out.items()}


class DeadlineOut(BaseModel):
    vintage: str
    step: str
    day: date
    share: float
    mark: str
    source: str
    days_left: int
    alert: str


@router.get("/deadlines", response_model=list[DeadlineOut], summary="Deadlines and alerts")
def deadlines(as_of: AsOf = None) -> list[dict]:
    """Every dated step of every vintage with the days left and its alert level."""
    return records(service.deadline_alerts(as_of))


@router.post("/import", response_model=ImportOut, summary="Import a filled template")
async def import_template(request: Request, actor: Annotated[Actor, Depends(current_actor)],
                          kind: Annotated[str, Form()], file: Annotated[UploadFile, File()]
                          ) -> dict:
    """Validate a filled template (enterprises, units, activity, compliance) and store it in one
    transaction; every problem is returned with file, line and field, nothing stored."""
    try:                                    # the role first, before reading any byte
        require(actor, ledger.WRITE_ROLES["import"], None, "import carbon data")
    except PermissionError as e:
        raise ApiError(403, "forbidden", str(e)) from None
    if kind not in TEMPLATES:
        raise ApiError(422, "invalid_parameter", f"kind: one of {', '.join(TEMPLATES)}")
    s = settings_of(request)
    limit = getattr(request.app.state, "max_upload_bytes", s.max_upload_bytes)
    with tempfile.TemporaryDirectory(prefix="qingshan-carbon-") as tmp:
        p = await save_upload(file, Path(tmp), limit)
        name = p.name
        try:
            data = service.read_files({kind: p}, ledger.load(ops_of(request)),
                                      request.app.state.province)
        except TemplateError as e:
            raise ApiError(422, "invalid_file", f"{len(e.errors)} error(s) in {name}; nothing "
                                                "stored",
                           [ErrorDetail(loc=["body", "file"], msg=r, file=f, line=ln, field=fl)
                            for f, ln, fl, r in e.errors[:50]]) from None
        except IngestError as e:
            raise ApiError(422, "invalid_file", str(e)) from None
    try:
        counts = ledger.save(data, actor, ops_of(request), source=name,
                             client_ip=request.client.host if request.client else None)
    except PermissionError as e:
        raise ApiError(403, "forbidden", str(e)) from None
    return {"kind": kind, "stored": counts}
