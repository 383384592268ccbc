"""``/api/v1/compensation/…``: ledgers computed from the store, rule versions, stored runs.

- ``GET /compensation/rules`` — every rule version, its terms with their marks, open points;
- ``GET /compensation/air?period=2018-Q1[&rules=sd-air-2017][&switch=cap=500][&exempt=371000]``
  and ``GET /compensation/water?period=2019`` — the ledger computed from the store's statistics
  (air/water services), nothing stored;
- ``GET /compensation/runs``, ``GET /compensation/runs/{id}`` — stored runs (signed-in users);
- ``POST /compensation/runs`` (province staff/admin) — compute and store a run, with an audit
  row; ``POST /compensation/runs/{id}/rerun`` — re-run from the stored inputs.

Errors use the one error shape (:mod:`qingshan.api.errors`): a bad period, an unknown rule set,
a period in the slot whose rules were not retrieved or a period that is not whole quarters is a
422; an unknown run a 404; a write without the role a 403.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import duckdb
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field

from qingshan.accounts.authz import Actor, Forbidden
from qingshan.api.deps import get_con
from qingshan.api.errors import ERROR_RESPONSES, ApiError
from qingshan.api.models import records
from qingshan.compensation import runs as runs_mod
from qingshan.compensation import service as svc
from qingshan.compensation.rulesets import RuleSetError
from qingshan.core.periods import PeriodError

__all__ = ["router", "LedgerOut", "RunOut", "RunIn", "ledger_json", "compute", "upload_ledger"]

try:    # the accounts shell (issue 12); without it every run route refuses (fail closed)
    from qingshan.api.auth import current_actor
except ImportError:     # pragma: no cover - until qingshan.api.auth exists
    def current_actor(request: Request) -> Actor:
        raise ApiError(401, "not_authenticated", "sign-in is not available on this server")

router = APIRouter(prefix="/compensation", tags=["compensation"], responses=ERROR_RESPONSES)
Con = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]
Who = Annotated[Actor, Depends(current_actor)]
PeriodQ = Annotated[str, Query(description="whole quarters: 2018-Q1, 2017-H1, 2018, "
                               "2019-04..2019-09", examples=["2018-Q1", "2018"])]
RulesQ = Annotated[str | None, Query(description="rule-set id (default: the version in force)",
                                     examples=["sd-air-2017"])]
SwitchQ = Annotated[list[str] | None, Query(description="open point NAME=VALUE (repeatable)",
                                            examples=[["cap=500"]])]


class FlowsOut(BaseModel):
    compensation_out: float = Field(..., description="万元 paid by the province to cities")
    compensation_in: float = Field(..., description="万元 paid by cities to the province")
    awards_out: float
    gross_out: float
    gross_in: float
    net: float
    n_receiving: int
    n_paying: int
    n_zero: int
    n_exempt: int
    n_incomplete: int
    complete: bool


class LedgerOut(BaseModel):
    scheme: str
    period: str
    rules: list[str]
    switches: dict[str, Any]
    flows: FlowsOut
    quarter_flows: dict[str, FlowsOut] = Field(
        default_factory=dict, description="each quarter's own flows (the period's flows net "
                                          "each city over the period first)")
    notes: list[str]
    marks: list[str] = Field(..., description="values used that are not verified, with marks")
    fingerprint: str = Field(..., description="SHA-256 of the inputs, rules and switches")
    ledger: list[dict[str, Any]] = Field(..., description="per city and quarter: every term")
    clearing: list[dict[str, Any]]
    awards: list[dict[str, Any]]


class RunOut(BaseModel):
    id: int
    scheme: str
    period: str
    rules: list[str]
    fingerprint: str
    result_sha256: str
    complete: bool
    flows: dict[str, Any]
    rerun_of: int | None = None
    created_at: str | None = None
    created_by: str
    created_by_role: str
    input_file: str | None = None
    input_sha256: str | None = None


class RunDetailOut(RunOut):
    switches: dict[str, Any]
    options: dict[str, Any]
    notes: list[str]
    marks: list[str]
    clearing: list[dict[str, Any]]
    awards: list[dict[str, Any]]
    rows: list[dict[str, Any]]


class RunIn(BaseModel):
    scheme: Literal["air", "water"] = "air"
    period: str = Field(..., examples=["2018-Q1"])
    rules: str | None = None
    switches: dict[str, Any] = Field(default_factory=dict)
    exempt: list[str] | None = None


class RerunOut(BaseModel):
    id: int
    rerun_of: int
    same_result: bool
    same_inputs: bool
    ledger: LedgerOut


def _ops(request: Request):
    """The server's operational store (its URL; else the SQLite file beside the analytic
    store)."""
    url = getattr(request.app.state, "ops_url", None)
    if url:
        return url
    from qingshan.config import get_settings
    return get_settings(db=str(request.app.state.store.path))


def _switches(items: list[str] | None) -> dict:
    return svc.parse_switches(items)


def ledger_json(led: svc.Ledger) -> dict:
    """A ledger as the API returns it."""
    return {**led.summary(), "ledger": records(led.quarters), "clearing": records(led.clearing),
            "awards": records(led.awards) if len(led.awards) else []}


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except Forbidden as e:
        raise ApiError(403, "forbidden", str(e)) from None
    except KeyError as e:
        raise ApiError(404, "not_found", str(e).strip("'\"")) from None
    except (PeriodError, RuleSetError, ValueError) as e:
        raise ApiError(422, "invalid_parameter", str(e)) from None


def compute(request: Request, con, scheme: str, period: str, rules: str | None = None,
            switches: dict | None = None, exempt: list[str] | None = None) -> svc.Ledger:
    """The ledger of ``scheme`` for ``period`` from the server's store (422 on bad input), in
    one of the server's slots for heavy computations (:func:`qingshan.air.api.heavy`: 503
    ``busy`` when every slot stays taken)."""
    from qingshan.air.api import heavy
    prov = request.app.state.province
    with heavy(con):
        if scheme == "air":
            return _call(svc.air_compensation, con, period, rules=rules, province=prov,
                         switches=switches, exempt=exempt)
        return _call(svc.water_compensation, con, period, rules=rules, province=prov,
                     switches=switches)


@router.get("/rules", summary="Rule versions and their terms")
def rules(scheme: Annotated[Literal["air", "water", "county-water"] | None, Query()] = None
          ) -> list[dict[str, Any]]:
    """Every version (air 2014/2016/2017 and the unknown slot after 2019-03-31; water 2019;
    菏泽 county formula) with each value's provenance mark and the open points' defaults."""
    return svc.rules_table(scheme)


@router.get("/air", response_model=LedgerOut, summary="Air-quality compensation ledger")
def air(request: Request, con: Con, period: PeriodQ, rules: RulesQ = None,
        switch: SwitchQ = None,
        exempt: Annotated[str | None, Query(description="city codes exempt (免试), "
                                            "comma-separated")] = None) -> dict:
    """Per city and quarter every term (each pollutant's change, weight, coefficient, amount;
    good-day term; exemption), the amount and who pays whom; the clearing (quarters + awards
    for a year) and the gross outflow, gross inflow and net kept apart."""
    ex = [x.strip() for x in exempt.split(",") if x.strip()] if exempt is not None else None
    return ledger_json(compute(request, con, "air", period, rules,
                               _call(_switches, switch), ex))


@router.get("/water", response_model=LedgerOut, summary="Surface-water compensation ledger")
def water(request: Request, con: Con, period: PeriodQ, rules: RulesQ = None,
          switch: SwitchQ = None) -> dict:
    """The 2019 provincial scheme per city, terms known so far (rows with a term whose rate is
    unknown are flagged incomplete and left out of the totals)."""
    return ledger_json(compute(request, con, "water", period, rules, _call(_switches, switch)))


@router.post("/air/upload", response_model=LedgerOut, summary="Air ledger from official means")
def upload_ledger(request: Request, actor: Who, con: Con,
                  file: Annotated[UploadFile, File(description="official means, CSV or .xlsx")],
                  period: Annotated[str, Form(examples=["2018-Q1"])],
                  rules: Annotated[str | None, Form()] = None,
                  store: Annotated[bool, Form(description="store the run (province staff)")]
                  = False) -> dict:
    """The air ledger with an uploaded file of official quarterly means replacing the store's
    statistics (validated fully: errors name file, line and field; size-limited like every
    upload); with ``store=true`` the run is stored with an audit row (province staff/admin)."""
    import tempfile
    from pathlib import Path

    from qingshan.api.upload import copy_limited, safe_name
    from qingshan.core.ingest.errors import IngestError
    name = safe_name(file.filename)
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ApiError(422, "invalid_parameter", "file: must be a .csv or .xlsx file")
    with tempfile.TemporaryDirectory(prefix="qs_comp_") as d:
        path = Path(d) / name
        copy_limited(file.file, path, request.app.state.max_upload_bytes)
        try:
            if store:
                _, led = _call(runs_mod.run_ledger, actor, "air", period, con=con,
                               input_path=path, province=request.app.state.province,
                               rules=rules or None, settings=_ops(request))
            else:
                led = _call(svc.air_compensation, con, period, rules=rules or None,
                            input_path=path, province=request.app.state.province)
        except IngestError as e:
            raise ApiError(422, "invalid_file", str(e)) from None
    return ledger_json(led)


@router.get("/runs", response_model=list[RunOut], summary="Stored ledger runs")
def list_runs(request: Request, actor: Who, scheme: Annotated[str | None, Query()] = None,
              period: Annotated[str | None, Query()] = None) -> list[dict]:
    """Stored runs, newest first: rule versions, inputs' fingerprint, result hash, who ran it."""
    return _call(runs_mod.list_runs, actor, scheme, period, settings=_ops(request))


@router.get("/runs/{run_id}", response_model=RunDetailOut, summary="One stored run")
def get_run(request: Request, actor: Who, run_id: int) -> dict:
    """A stored run with every ledger row and term, the clearing, awards, notes and marks."""
    return _call(runs_mod.get_run, actor, run_id, settings=_ops(request))


@router.post("/runs", response_model=RunOut, status_code=201, summary="Run and store a ledger")
def create_run(request: Request, actor: Who, con: Con, body: RunIn) -> dict:
    """Compute the ledger from the server's store and store it with an audit row (province
    staff or admin)."""
    rid, _ = _call(runs_mod.run_ledger, actor, body.scheme, body.period, con=con,
                   province=request.app.state.province, rules=body.rules,
                   switches=body.switches or None, exempt=body.exempt, settings=_ops(request))
    return _call(runs_mod.get_run, actor, rid, settings=_ops(request))


@router.post("/runs/{run_id}/rerun", response_model=RerunOut, status_code=201,
             summary="Re-run a stored ledger from its stored inputs")
def rerun(request: Request, actor: Who, run_id: int) -> dict:
    """Recompute a stored run from its stored inputs, rules and switches; says whether the
    result is the same."""
    new, led, same = _call(runs_mod.rerun, actor, run_id, province=request.app.state.province,
                           settings=_ops(request))
    return {"id": new, "rerun_of": run_id, **same, "ledger": ledger_json(led)}
