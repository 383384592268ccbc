"""Submitted indicators: a city enters or uploads its values, province staff review them
(issue 15 "Submitted indicators").

Workflow (:data:`TRANSITIONS`, data): ``draft`` → ``submitted`` → ``returned`` (comment
required) → ``submitted`` … → ``accepted``. Who may make each change is the table
:data:`ALLOWED` (roles, checked with :func:`qingshan.accounts.authz.require` on the value's city);
every change writes an audit row in the same transaction. Values are validated before anything
is stored: the indicator must be a *submitted* indicator of the framework, the value a number
inside the indicator's limits, the unit of measure the indicator's, and source and evidence note
non-empty. Accepted values are what the engine reads (:func:`accepted_panel`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts import roles as R
from qingshan.accounts.audit import record
from qingshan.accounts.authz import Actor, require
from qingshan.evaluation.framework import Framework
from qingshan.evaluation.models import Submission

__all__ = ["TRANSITIONS", "ALLOWED", "SubmissionError", "ValueIn", "validate_values",
           "save_values", "transition", "list_submissions", "accepted_panel", "as_dict",
           "STATES"]

STATES = ("draft", "submitted", "returned", "accepted")
#: action -> (states it applies to, state it leads to)
TRANSITIONS = {"submit": (("draft", "returned"), "submitted"),
               "return": (("submitted",), "returned"),
               "accept": (("submitted",), "accepted")}
#: action -> roles allowed (on the value's city, by scope). PROV_ADMIN is in none of them:
#: spec/governance.md §8.1 gives the administrator users, roles, the org tree, calendars and rule
#: versions, and says it "cannot edit case content" — submitted values are content.
ALLOWED = {"edit": (R.CITY_STAFF, R.PROV_STAFF),
           "submit": (R.CITY_STAFF, R.CITY_REVIEWER, R.PROV_STAFF),
           "return": (R.PROV_STAFF,),
           "accept": (R.PROV_STAFF,)}


class SubmissionError(ValueError):
    """A value or a change refused (names the row/field and the reason)."""


@dataclass(frozen=True)
class ValueIn:
    unit: str
    year: int
    indicator: str
    value: object
    measure_unit: str
    source: str
    evidence_note: str
    evidence_sha256: str = ""
    where: str = ""      # e.g. "template.xlsx:row 5" for messages


def validate_values(fw: Framework, rows: list[ValueIn]) -> list[ValueIn]:
    """All rows valid, or a :class:`SubmissionError` listing every problem (nothing stored)."""
    errs = []
    for r in rows:
        at = f"{r.where}: " if r.where else ""
        if r.indicator not in fw.indicator_codes:
            errs.append(f"{at}indicator {r.indicator!r} is not in {fw.label}")
            continue
        ind = fw.indicator(r.indicator)
        if ind.source != "submitted":
            errs.append(f"{at}{r.indicator} is {ind.source}, not submitted by cities")
        try:
            v = float(r.value)  # type: ignore[arg-type]
            if math.isnan(v) or math.isinf(v):
                raise ValueError
        except (TypeError, ValueError):
            errs.append(f"{at}{r.indicator}: value {r.value!r} is not a number")
            continue
        if ind.limits and not (ind.limits[0] <= v <= ind.limits[1]):
            errs.append(f"{at}{r.indicator}: value {v:g} outside {ind.limits[0]:g}–"
                        f"{ind.limits[1]:g} {ind.unit}")
        if (r.measure_unit or "").strip() != ind.unit:
            errs.append(f"{at}{r.indicator}: unit {r.measure_unit!r}, expected {ind.unit!r}")
        if not (r.source or "").strip():
            errs.append(f"{at}{r.indicator}: source is required")
        if not (r.evidence_note or "").strip():
            errs.append(f"{at}{r.indicator}: evidence note is required")
    if errs:
        raise SubmissionError("; ".join(errs))
    return rows


def as_dict(s: Submission) -> dict:
    return {"id": s.id, "framework": s.framework, "framework_version": s.framework_version,
            "unit": s.unit, "year": s.year, "indicator": s.indicator,
            "value": None if s.value is None else float(s.value), "measure_unit": s.measure_unit,
            "source": s.source, "evidence_note": s.evidence_note,
            "evidence_sha256": s.evidence_sha256, "state": s.state, "comment": s.comment,
            "created_at": _iso(s.created_at), "created_by": s.created_by,
            "updated_at": _iso(s.updated_at), "updated_by": s.updated_by,
            "submitted_at": _iso(s.submitted_at), "submitted_by": s.submitted_by,
            "reviewed_at": _iso(s.reviewed_at), "reviewed_by": s.reviewed_by}


def _iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def save_values(s: Session, actor: Actor, fw: Framework, rows: list[ValueIn],
                submit: bool = False) -> list[int]:
    """Create or update drafts (or returned values) and optionally submit them at once."""
    validate_values(fw, rows)
    ids = []
    for r in rows:
        require(actor, ALLOWED["edit"], r.unit, what=f"entering {r.indicator} for {r.unit}")
        cur = s.scalar(select(Submission).where(
            Submission.framework == fw.framework.code, Submission.unit == r.unit,
            Submission.year == r.year, Submission.indicator == r.indicator))
        now = _now()
        vals = {"value": float(r.value), "measure_unit": r.measure_unit, "source": r.source,
                "evidence_note": r.evidence_note, "evidence_sha256": r.evidence_sha256}
        if cur is None:
            cur = Submission(framework=fw.framework.code, framework_version=fw.framework.version,
                             unit=r.unit, year=r.year, indicator=r.indicator, state="draft",
                             comment="", created_at=now, created_by=actor.username,
                             updated_at=now, updated_by=actor.username, submitted_by="",
                             reviewed_by="", **vals)
            s.add(cur)
            s.flush()
            record(s, actor, "create", "evaluation_submission", cur.id, after=as_dict(cur),
                   to_state="draft",
                   evidence_sha256=[r.evidence_sha256] if r.evidence_sha256 else ())
        else:
            if cur.state not in ("draft", "returned"):
                raise SubmissionError(f"{r.indicator} {r.unit} {r.year} is {cur.state}: it "
                                      "can no longer be edited")
            before = as_dict(cur)
            for k, v in vals.items():
                setattr(cur, k, v)
            cur.updated_at, cur.updated_by = now, actor.username
            s.flush()
            record(s, actor, "update", "evaluation_submission", cur.id, before=before,
                   after=as_dict(cur),
                   evidence_sha256=[r.evidence_sha256] if r.evidence_sha256 else ())
        ids.append(cur.id)
    if submit:
        for i in ids:
            transition(s, actor, i, "submit")
    return ids


def transition(s: Session, actor: Actor, sub_id: int, action: str, comment: str = "") -> dict:
    if action not in TRANSITIONS:
        raise SubmissionError(f"unknown action {action!r}; one of {sorted(TRANSITIONS)}")
    cur = s.get(Submission, sub_id)
    if cur is None:
        raise SubmissionError(f"no submission {sub_id}")
    require(actor, ALLOWED[action], cur.unit, what=f"{action} of submission {sub_id}")
    frm, to = TRANSITIONS[action]
    if cur.state not in frm:
        raise SubmissionError(f"submission {sub_id} is {cur.state}; {action} needs "
                              f"{' or '.join(frm)}")
    if action == "return" and not comment.strip():
        raise SubmissionError("returning a value needs a comment")
    before = as_dict(cur)
    now = _now()
    cur.state = to
    cur.updated_at, cur.updated_by = now, actor.username
    if action == "submit":
        cur.submitted_at, cur.submitted_by = now, actor.username
    else:
        cur.reviewed_at, cur.reviewed_by, cur.comment = now, actor.username, comment
    s.flush()
    record(s, actor, "submit" if action == "submit" else "review", "evaluation_submission",
           cur.id, before=before, after=as_dict(cur), from_state=before["state"], to_state=to,
           reason=comment or None)
    return as_dict(cur)


def list_submissions(s: Session, framework: str | None = None, year: int | None = None,
                     state: str | None = None, unit: str | None = None) -> list[dict]:
    q = select(Submission)
    if framework:
        q = q.where(Submission.framework == framework)
    if year is not None:
        q = q.where(Submission.year == year)
    if state:
        if state not in STATES:
            raise SubmissionError(f"state must be one of {STATES}")
        q = q.where(Submission.state == state)
    if unit:
        q = q.where(Submission.unit == unit)
    return [as_dict(x) for x in s.scalars(q.order_by(Submission.unit, Submission.indicator))]


def accepted_panel(s: Session, fw: Framework) -> pd.DataFrame:
    """Accepted values as a long panel (unit, indicator, year, value, source)."""
    rows = s.scalars(select(Submission).where(Submission.framework == fw.framework.code,
                                              Submission.state == "accepted")).all()
    return pd.DataFrame([{"unit": r.unit, "indicator": r.indicator, "year": r.year,
                          "value": float(r.value),
                          "source": f"submitted: {r.source}; accepted {_iso(r.reviewed_at)} by "
                                    f"{r.reviewed_by}"} for r in rows],
                        columns=["unit", "indicator", "year", "value", "source"])
