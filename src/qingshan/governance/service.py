"""Services of the governance domain: plain data in, plain data out, for the CLI, API and pages.

Each function takes an operational-store session and the acting user; reads are scoped by the
repository, writes audited there. Rates are computed from the event log as of a cut-off (the
``day`` of each event, so a back-dated import counts on its ledger date).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.authz import Actor
from qingshan.governance import rates as R
from qingshan.governance import repository as repo
from qingshan.governance.ingest import ImportSummary, import_rows, read_ledger
from qingshan.governance.models import Case, CaseEvent, RegisterRow
from qingshan.governance.rates import RatesError

__all__ = ["import_file", "event_log", "rates_for", "register_frame", "overdue", "RATE_KINDS",
           "eia_frame", "case_page", "execution_reports"]

#: a permit's expiry warning starts this many calendar days before ``valid_to`` (§5.2 [D])
EXPIRY_WARNING_DAYS = 90
#: clock rules whose yellow/red cards are the rule's own (Shandong provincial 12345, §3.1
#: [V S15]); every other clock gets the same 1-working-day cards as a default [D]
CARDS_FROM_RULE = frozenset({"sd12345_handle"})
#: task states that count as completed (§2.7): never overdue
TASK_COMPLETED = ("accepted", "in_notice", "cancelled")
#: rate families by the case kind they read
RATE_KINDS = {"dc_task": "task", "dc_petition": "petition", "complaint": "complaint",
              "inspection": "off_site", "permit": "execution_report"}


def import_file(session: Session, actor: Actor, path: str | Path, template: str, *,
                today: date, synthetic: bool = False, display_name: str | None = None,
                request_id: str | None = None, client_ip: str | None = None) -> ImportSummary:
    """Validate the whole file, then store it (the caller's transaction; the audit row names
    the request and client of an upload)."""
    rows = read_ledger(path, template, display_name=display_name)
    return import_rows(session, actor, rows, today=today, synthetic=synthetic,
                       request_id=request_id, client_ip=client_ip)


#: the ledger fields the rate functions read: one column each of the cases frame, in this order
CASE_FIELDS = ("due_at", "horizon", "channel", "received_at", "batch_date", "mode", "date_end",
               "regulated", "data_recorded", "violation", "trigger", "doc_class", "key_project",
               "repeat")
#: the event payload values of the events frame: column → key path in the payload
EVENT_PAYLOAD = {"due_at": ("due", "handle"), "callback": ("callback",),
                 "schedule_status": ("sets", "schedule_status")}


def _decoded(texts: Sequence[str | None]) -> list:
    """``json.loads`` of each JSON text (None for SQL NULL: a missing key), each distinct text
    decoded once (a ledger column holds few distinct values)."""
    codes, uniq = pd.factorize(np.asarray(texts, dtype=object), use_na_sentinel=True)
    vals = np.empty(len(uniq) + 1, dtype=object)           # last: the NULL of code -1
    for i, t in enumerate(uniq):
        vals[i] = json.loads(t)
    return vals[codes].tolist()


def _clock_dues(texts: Sequence[str | None], data: dict[str, list]) -> None:
    """Add to ``data`` the column ``due_<slot>`` per clock slot (in order of first appearance):
    the slot's due date (:meth:`~qingshan.governance.clocks.Clock.due_at`) as a Timestamp, NaT
    when it has none or lies outside the loaded calendar, NaN for a case without that slot (the
    missing key of a row), or the field of that name when there is one (a row's due date
    overwrote it). Each distinct ``clocks`` value is decoded and computed once."""
    codes, uniq = pd.factorize(np.asarray(texts, dtype=object), use_na_sentinel=True)
    per = []
    for t in uniq:
        due = {}
        for slot, cj in (json.loads(t) or {}).items():
            try:
                d = repo.clock_from_json(cj).due_at()
            except ValueError:          # outside the loaded calendar: no due date, flagged
                d = None
            due[f"due_{slot}"] = pd.Timestamp(d) if d else pd.NaT
        per.append(due)
    for name in dict.fromkeys(k for due in per for k in due):
        vals = np.empty(len(per) + 1, dtype=object)          # last: the NULL of code -1
        vals[:] = np.nan
        for i, due in enumerate(per):
            if name in due:
                vals[i] = due[name]
        col = vals[codes]
        if name in data:
            has = np.array([name in due for due in per] + [False])[codes]
            col[~has] = pd.Series(data[name], dtype=object).to_numpy()[~has]
        data[name] = col.tolist()


def event_log(session: Session, actor: Actor, kind: str,
              city: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cases, events) of ``kind`` in the actor's scope as DataFrames for the rate functions.

    cases: ``case_id``, ``public_no``, ``city_code``, the :data:`CASE_FIELDS` (None when a
    case lacks one), ``due_<slot>`` per clock slot; newest case first (the order and scope of
    :func:`~qingshan.governance.repository.list_cases`). events: ``case_id``, ``seq``, ``ts``
    (the event's ``day``), ``to_state``, the :data:`EVENT_PAYLOAD` values, ``redo_count``
    (None). Read column-wise: only these JSON values are selected from the store."""
    fields = [repo.json_text(session, Case.fields, k) for k in CASE_FIELDS]
    rows = repo.case_rows(session, actor, [Case.id, Case.public_no, Case.city_code,
                                           repo.json_text(session, Case.clocks), *fields],
                          kind=kind, city=city, limit=10**7)
    if not rows:
        raise RatesError(f"no {kind} cases in your scope" + (f" for {city}" if city else ""))
    ids, public_no, city_code, clocks, *values = (list(c) for c in zip(*rows))
    data: dict[str, list] = {"case_id": ids, "public_no": public_no, "city_code": city_code}
    data.update((k, _decoded(v)) for k, v in zip(CASE_FIELDS, values))
    _clock_dues(clocks, data)
    cdf = pd.DataFrame(data)
    evs = session.execute(select(CaseEvent.case_id, CaseEvent.seq, CaseEvent.day,
                                 CaseEvent.to_state,
                                 *[repo.json_text(session, CaseEvent.payload, *p)
                                   for p in EVENT_PAYLOAD.values()])
                          .where(repo.in_ids(session, CaseEvent.case_id, ids))).all()
    if evs:
        case_id, seq, day, to_state, *payload = (list(c) for c in zip(*evs))
        codes, uniq = pd.factorize(np.asarray(day, dtype=object))
        stamps = np.empty(len(uniq), dtype=object)
        for i, d in enumerate(uniq):
            stamps[i] = pd.Timestamp(d)
        edf = pd.DataFrame({"case_id": case_id, "seq": seq, "ts": stamps[codes].tolist(),
                            "to_state": to_state,
                            **{k: _decoded(v) for k, v in zip(EVENT_PAYLOAD, payload)},
                            "redo_count": [None] * len(evs)})
    else:
        edf = pd.DataFrame([])              # as before: no column (the groupby below fails)
    first = edf.groupby("case_id")["ts"].min()
    cdf["received_at"] = pd.to_datetime(cdf["received_at"]).fillna(cdf["case_id"].map(first))
    return cdf, edf


def rates_for(session: Session, actor: Actor, kind: str, cutoff: date, *,
              period_start: date | None = None, province: str = "370000",
              **switches: Any) -> dict[str | None, dict[str, R.Rate]]:
    """The rates of one ledger kind per city and pooled (key ``province``), as of ``cutoff``."""
    cases, events = event_log(session, actor, kind)
    cut = pd.Timestamp(cutoff) + pd.Timedelta(hours=23, minutes=59)
    if kind == "dc_task":
        return R.task_rates(cases, events, cut, province=province)
    if kind == "dc_petition":
        cases = cases.assign(received=pd.to_datetime(cases["batch_date"]),
                             feedback_due=cases.get("due_feedback", pd.NaT))
        return R.petition_rates(cases, events, cut, province=province)
    if kind == "complaint":
        return R.complaint_rates(cases, events, cut, period_start=period_start,
                                 province=province, **switches)
    if kind == "inspection":
        insp = cases.assign(regulated=cases["regulated"].where(cases["regulated"].notna(), True))
        return R.off_site_rates(insp, period_start, cut, province=province)
    if kind == "permit":
        return R.execution_report_rates(execution_reports(session, actor, cutoff), cut,
                                        province=province)
    raise RatesError(f"no rates for {kind!r}; one of {sorted(RATE_KINDS)}")


#: the permit steps that record an execution report, with the field their record appends to
REPORT_STEPS = {"expect_execution_report": "execution_reports_due",
                "receive_execution_report": "execution_reports_received"}


def execution_reports(session: Session, actor: Actor,
                      cutoff: date | None = None) -> pd.DataFrame:
    """One row per execution report a permit in the actor's scope expects (§5.2), from the
    event log as of ``cutoff`` (the events whose day is on or before it; all when None):
    period, due, the day it was expected, and the receipt date and the day the receipt was
    recorded when received by then. The record is the event's (``sets``); an event stored
    before events carried it is matched to the permit's n-th record of the same step (records
    are appended in event order)."""
    cases = {c.id: c for c in repo.list_cases(session, actor, kind="permit", limit=10**6)}
    ids = list(cases)
    evs = []
    for i in range(0, len(ids), 500):          # bound the IN list (bound parameters)
        evs += session.execute(select(CaseEvent.case_id, CaseEvent.seq, CaseEvent.day,
                                      CaseEvent.transition, CaseEvent.payload)
                               .where(CaseEvent.case_id.in_(ids[i:i + 500]),
                                      CaseEvent.transition.in_(tuple(REPORT_STEPS)))).all()
    nth: dict[tuple[int, str], int] = {}
    due, got = [], {}
    for e in sorted(evs, key=lambda e: (e.case_id, e.seq)):
        fld = REPORT_STEPS[e.transition]
        k = nth[(e.case_id, fld)] = nth.get((e.case_id, fld), -1) + 1
        rec = ((e.payload or {}).get("sets") or {}).get(fld)
        if not isinstance(rec, dict):
            stored = (cases[e.case_id].fields or {}).get(fld, ())
            rec = stored[k] if k < len(stored) else {}
        if cutoff is not None and e.day > cutoff.isoformat():
            continue                           # recorded after the cut-off: not known then
        c = cases[e.case_id]
        if fld == "execution_reports_due":
            due.append({"case_id": c.id, "public_no": c.public_no, "city_code": c.city_code,
                        "period": rec.get("period"), "due": rec.get("due"),
                        "expected_on": e.day, "synthetic": c.synthetic})
        else:
            got[(c.id, rec.get("period"))] = (rec.get("submitted"), e.day)
    if not due:
        raise RatesError("no permit in your scope expects an execution report" +
                         (f" by {cutoff.isoformat()}" if cutoff else ""))
    df = pd.DataFrame(due)
    rcv = [got.get(k, (None, None)) for k in zip(df["case_id"], df["period"])]
    return df.assign(submitted=[r[0] for r in rcv], received_on=[r[1] for r in rcv])


def register_frame(session: Session, actor: Actor, register: str) -> pd.DataFrame:
    """Rows of a project register in the actor's scope."""
    rows = session.scalars(select(RegisterRow).where(RegisterRow.register == register)).all()
    rows = [r for r in rows if repo.in_scope(actor, [r.unit])]
    if not rows:
        raise RatesError(f"no rows of register {register!r} in your scope")
    return pd.DataFrame([{"city_code": r.city_code, "unit": r.unit, **r.fields,
                          "synthetic": r.synthetic} for r in rows])


def overdue(session: Session, actor: Actor, today: date, kind: str | None = None) -> list[dict]:
    """Open cases with a running clock past due (or due within 1 working day: yellow), with
    their card, for the overdue board."""
    from qingshan.governance.clocks import card

    out = []
    for c in repo.list_cases(session, actor, kind=kind, limit=10**6):
        for slot, cj in (c.clocks or {}).items():
            clock = repo.clock_from_json(cj)
            if clock.stopped_at is not None:
                continue
            try:
                k = card(clock, today)
                d = clock.due_at()
            except ValueError as e:         # a date outside the calendar: say so, do not hide
                out.append({"public_no": c.public_no, "kind": c.kind, "city_code": c.city_code,
                            "slot": slot, "due": None, "card": "calendar", "note": str(e)})
                continue
            if k in ("yellow", "overdue", "red"):
                out.append({"public_no": c.public_no, "kind": c.kind, "city_code": c.city_code,
                            "state": c.state, "slot": slot, "rule": clock.rule_id,
                            "due": d.isoformat() if d else None, "card": k,
                            "mark": clock.rule.mark,
                            "card_mark": "V" if clock.rule_id in CARDS_FROM_RULE else "D",
                            "synthetic": c.synthetic})
    for c in repo.list_cases(session, actor, kind="dc_task", limit=10**6):
        # §2.4 [D]: overdue = today > plan deadline and not completed; the spec sets no lead
        # time for a warning before a task's deadline, so tasks appear once overdue
        d = _iso_day((c.fields or {}).get("due_at"))
        if (kind in (None, "dc_task") and d is not None and today > d
                and c.state not in TASK_COMPLETED):
            out.append({"public_no": c.public_no, "kind": c.kind, "city_code": c.city_code,
                        "state": c.state, "slot": "due_at", "rule": "dc_task plan deadline",
                        "due": d.isoformat(), "card": "overdue", "mark": "D",
                        "card_mark": "D", "synthetic": c.synthetic})
    for c in repo.list_cases(session, actor, kind="permit", limit=10**6):
        v = _iso_day((c.fields or {}).get("valid_to"))
        if kind in (None, "permit") and c.state in ("issued", "renewed") and v is not None:
            if today >= v - pd.Timedelta(days=EXPIRY_WARNING_DAYS):
                out.append({"public_no": c.public_no, "kind": c.kind, "city_code": c.city_code,
                            "state": c.state, "slot": "valid_to", "rule": "permit expiry",
                            "due": v.isoformat(), "card": "expired" if today > v else "expiry",
                            "mark": "D", "card_mark": "D", "synthetic": c.synthetic})
        f = c.fields or {}
        got = {r.get("period") for r in f.get("execution_reports_received", ())}
        for r in f.get("execution_reports_due", ()) if kind in (None, "permit") else ():
            d = _iso_day(r.get("due"))
            if d is not None and today > d and r.get("period") not in got:
                out.append({"public_no": c.public_no, "kind": c.kind, "city_code": c.city_code,
                            "state": c.state, "slot": f"execution report {r.get('period')}",
                            "rule": "permit execution report", "due": d.isoformat(),
                            "card": "overdue", "mark": "D", "card_mark": "D",
                            "synthetic": c.synthetic})
    return sorted(out, key=lambda r: (r.get("due") or "", r["public_no"]))


def _iso_day(v) -> date | None:
    try:
        return date.fromisoformat(str(v)[:10]) if v else None
    except ValueError:
        return None


def case_page(session: Session, actor: Actor | None, key: int | str) -> dict[str, Any]:
    """Everything the case page shows: the case (scoped view), timeline, and the steps the
    actor may take now."""
    from qingshan.governance.workflows import machine

    row, full = repo.get_case(session, actor, key)
    view = repo.case_view(session, row, actor, full)
    view["timeline"] = repo.timeline(session, row, full)
    view["steps"] = []
    if actor is not None and full:
        m = machine(row.kind)
        view["steps"] = m.available(row.state, repo.actor_view(actor), repo.case_dict(row))
    return view




def eia_frame(session: Session, actor: Actor, city: str | None = None) -> pd.DataFrame:
    """EIA cases in the actor's scope with their decision day (approve / refuse / file event)."""
    rows = repo.list_cases(session, actor, kind="eia_application", city=city, limit=10**7)
    if not rows:
        raise RatesError("no EIA cases in your scope" + (f" for {city}" if city else ""))
    ids = [r.id for r in rows]
    days = dict(session.execute(select(CaseEvent.case_id, CaseEvent.day).where(
        CaseEvent.case_id.in_(ids),
        CaseEvent.to_state.in_(("approved", "not_approved", "filed")))).all())
    def due_of(r):
        cj = (r.clocks or {}).get("decision")
        try:
            d = repo.clock_from_json(cj).due_at() if cj else None
        except ValueError:            # outside the loaded calendar
            d = None
        return d.isoformat() if d else None
    return pd.DataFrame([{"case_id": r.id, "city_code": r.city_code,
                          "doc_class": (r.fields or {}).get("doc_class"), "state": r.state,
                          "decision_date": days.get(r.id), "due_at": due_of(r),
                          "key_project": bool((r.fields or {}).get("key_project")),
                          "synthetic": r.synthetic} for r in rows])
