"""Stored ledger runs in the operational store (:mod:`qingshan.store.ops`).

A run keeps its rule versions, the switches, the inputs it used (every city's statistics of
every period it read, with their sources), the inputs' fingerprint, a hash of the result and
who ran it; it writes one audit row (``run``, object ``compensation_run``) in the same
transaction. :func:`rerun` recomputes a stored run from its stored inputs: the result hash is
the same (``same_result``); ``from_sources=True`` reads the store/file again instead and says
whether the inputs changed (audited values replacing real-time ones change the fingerprint).

Who may do what (data; checked with :func:`qingshan.accounts.authz.require`):
:data:`PERMISSIONS` — running or re-running a ledger is a provincial task (the province settles
with each city); reading runs is open to every signed-in role.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import select

from qingshan.accounts import roles as R
from qingshan.accounts.audit import record
from qingshan.accounts.authz import Actor, require
from qingshan.compensation import service as svc
from qingshan.compensation.models import LedgerRow, LedgerRun
from qingshan.store.ops import session_scope, upgrade

__all__ = ["PERMISSIONS", "run_ledger", "rerun", "list_runs", "get_run", "result_hash"]

#: action → roles allowed (province-level for writes)
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "run": (R.PROV_ADMIN, R.PROV_STAFF, "system"),
    "read": (*R.ALL, "system"),
}
_SCHEMES = ("air", "water", "county-water")


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", force_ascii=False, double_precision=10,
                                 date_format="iso")) if len(df) else []


def result_hash(led: svc.Ledger) -> str:
    """SHA-256 of a ledger's result: every row with its terms, the clearing and the flows."""
    return svc.fingerprint(led.quarters, led.clearing, led.flows.as_dict(),
                           _records(led.awards))


def _compute(scheme: str, period: str, options: dict, *, con=None, input_path=None,
             province=None, inputs: pd.DataFrame | None = None) -> svc.Ledger:
    kw = {"rules": options.get("rules"), "province": province,
          "switches": options.get("switches") or None}
    if scheme == "air":
        return svc.air_compensation(con, period, input_path=input_path, inputs=inputs,
                                    exempt=options.get("exempt"), **kw)
    if scheme == "water":
        return svc.water_compensation(con, period, input_path=input_path, inputs=inputs, **kw)
    if scheme == "county-water":
        return svc.county_water_compensation(period, input_path, inputs=inputs,
                                             city_name=options.get("city_name", "city"), **kw)
    raise ValueError(f"scheme must be one of {', '.join(_SCHEMES)}")


def _store(led: svc.Ledger, actor: Actor, options: dict, *, input_file: str | None,
           input_sha256: str | None, settings, rerun_of: int | None = None,
           reason: str | None = None) -> int:
    upgrade(settings)
    with session_scope(settings) as s:
        run = LedgerRun(
            scheme=led.scheme, period=led.period, rules=led.rules,
            switches=json.loads(json.dumps(led.switches, default=str)), exempt=options.get("exempt"),
            options=options, input_file=input_file, input_sha256=input_sha256,
            inputs=_records(led.inputs), fingerprint=led.fingerprint,
            result_sha256=result_hash(led), flows=led.flows.as_dict(), notes=led.notes,
            marks=led.marks, awards=_records(led.awards), clearing=_records(led.clearing),
            complete=bool(led.flows.complete), rerun_of=rerun_of,
            created_at=datetime.now(timezone.utc), created_by_user_id=actor.user_id,
            created_by=actor.username, created_by_role=actor.role, created_by_unit=actor.unit)
        s.add(run)
        s.flush()
        rows = _records(led.quarters)
        s.add_all([LedgerRow(
            run_id=run.id, code=str(r["code"]), name=str(r.get("name") or r["code"]),
            period=str(r.get("period") or led.period), rule_version=str(r["rule_version"]),
            amount=None if r.get("amount") is None else round(float(r["amount"]), 4),
            direction=str(r["direction"]), complete=bool(r["complete"]),
            exempt=bool(r.get("exempt", False)), terms=r) for r in rows])
        record(s, actor, "run", "compensation_run", run.id,
               after={"scheme": led.scheme, "period": led.period, "rules": led.rules,
                      "fingerprint": led.fingerprint, "result_sha256": run.result_sha256,
                      "rerun_of": rerun_of, "complete": run.complete},
               reason=reason, evidence_sha256=[input_sha256] if input_sha256 else (),
               rule_version=",".join(led.rules))
        return run.id


def run_ledger(actor: Actor, scheme: str, period: str, *, con=None, input_path=None,
               province=None, rules: str | None = None, switches: dict | None = None,
               exempt: list[str] | None = None, city_name: str | None = None,
               settings=None) -> tuple[int, svc.Ledger]:
    """Compute a ledger and store it (needs :data:`PERMISSIONS` ``run``); returns (run id,
    ledger)."""
    require(actor, PERMISSIONS["run"], _province_code(province),
            what="running a compensation ledger")
    options = {"rules": rules, "switches": switches or {}, "exempt": exempt}
    if city_name:
        options["city_name"] = city_name
    led = _compute(scheme, period, options, con=con, input_path=input_path, province=province)
    sha = hashlib.sha256(open(input_path, "rb").read()).hexdigest() if input_path else None
    rid = _store(led, actor, options, input_file=str(input_path) if input_path else None,
                 input_sha256=sha, settings=settings)
    return rid, led


def _province_code(province) -> str:
    """The province's unit code (writes are provincial: the actor must act on it)."""
    from qingshan.config import get_settings, load_province
    return (province or load_province(get_settings().province)).code


def _get(s, run_id: int) -> LedgerRun:
    run = s.get(LedgerRun, run_id)
    if run is None:
        raise KeyError(f"no compensation run {run_id}")
    return run


def rerun(actor: Actor, run_id: int, *, province=None, settings=None, from_sources: bool = False,
          con=None) -> tuple[int, svc.Ledger, dict]:
    """Re-run a stored run (its rules, switches, exemption and stored inputs) and store the new
    run (``rerun_of``). Returns (new id, ledger, {"same_result", "same_inputs"})."""
    require(actor, PERMISSIONS["run"], _province_code(province),
            what="re-running a compensation ledger")
    upgrade(settings)
    with session_scope(settings) as s:
        run = _get(s, run_id)
        scheme, period, options = run.scheme, run.period, dict(run.options)
        inputs, old_fp, old_res = pd.DataFrame(run.inputs), run.fingerprint, run.result_sha256
        input_file, input_sha = run.input_file, run.input_sha256
    if from_sources:
        led = _compute(scheme, period, options, con=con, input_path=input_file,
                       province=province)
    else:
        led = _compute(scheme, period, options, province=province, inputs=inputs,
                       input_path=input_file if scheme == "county-water" else None)
    new_id = _store(led, actor, options, input_file=input_file, input_sha256=input_sha,
                    settings=settings, rerun_of=run_id, reason=f"re-run of run {run_id}")
    return new_id, led, {"same_result": result_hash(led) == old_res,
                         "same_inputs": led.fingerprint == old_fp}


def _summary(run: LedgerRun) -> dict:
    return {"id": run.id, "scheme": run.scheme, "period": run.period, "rules": run.rules,
            "fingerprint": run.fingerprint, "result_sha256": run.result_sha256,
            "complete": run.complete, "flows": run.flows, "rerun_of": run.rerun_of,
            "created_at": run.created_at.isoformat() if run.created_at else None,
            "created_by": run.created_by, "created_by_role": run.created_by_role,
            "input_file": run.input_file, "input_sha256": run.input_sha256}


def list_runs(actor: Actor, scheme: str | None = None, period: str | None = None,
              settings=None) -> list[dict]:
    """Stored runs, newest first (needs :data:`PERMISSIONS` ``read``)."""
    require(actor, PERMISSIONS["read"], None, what="reading compensation runs")
    upgrade(settings)
    with session_scope(settings) as s:
        q = select(LedgerRun).order_by(LedgerRun.id.desc())
        if scheme:
            q = q.where(LedgerRun.scheme == scheme)
        if period:
            q = q.where(LedgerRun.period == period)
        return [_summary(r) for r in s.execute(q).scalars()]


def get_run(actor: Actor, run_id: int, settings=None) -> dict:
    """One stored run with its rows, clearing, awards, notes and marks."""
    require(actor, PERMISSIONS["read"], None, what="reading compensation runs")
    upgrade(settings)
    with session_scope(settings) as s:
        run = _get(s, run_id)
        rows = s.execute(select(LedgerRow).where(LedgerRow.run_id == run_id)
                         .order_by(LedgerRow.id)).scalars()
        return {**_summary(run), "switches": run.switches, "options": run.options,
                "notes": run.notes, "marks": run.marks, "clearing": run.clearing,
                "awards": run.awards, "rows": [r.terms for r in rows]}
