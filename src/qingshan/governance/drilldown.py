"""Drill-down from a dashboard figure to the exact cases behind it (issue 18; spec/governance.md
§1.4: every rate keeps its numerator, denominator and exclusions as of the cut-off).

The list is **not** a second definition of the rate: :func:`cases_behind` runs the same
:func:`qingshan.governance.service.rates_for` call as the dashboard and reads the case ids the
rate kept while counting (:attr:`qingshan.governance.rates.Rate.members`), so its length is the
figure by construction — a test that compares the two guards the bookkeeping, and the rates
tests guard the definitions.

Parts: ``numerator``, ``denominator`` or ``exclusion:<label>`` (the labels of the rate's
``exclusions``, e.g. ``exclusion:不予受理``). The unit is a city code or the province code (the
pooled rate: Σ of the cities' members).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.authz import Actor
from qingshan.governance import service
from qingshan.governance.models import Case, CaseEvent
from qingshan.governance.rates import RatesError, as_of
from qingshan.governance.rates._group import DENOMINATOR, EXCLUSION, NUMERATOR

__all__ = ["cases_behind", "parts_of", "PARTS", "DrilldownError"]

#: the fixed parts; exclusions are ``"exclusion:<label>"``
PARTS = (NUMERATOR, DENOMINATOR)


class DrilldownError(LookupError):
    """No such rate, unit or part (HTTP 404 / a page message)."""


def parts_of(rate) -> list[str]:
    """Every part of ``rate`` that can be listed (numerator, denominator, its exclusions)."""
    return [*PARTS, *(EXCLUSION + k for k in rate.exclusions)]


def cases_behind(session: Session, actor: Actor, kind: str, rate: str, unit: str,
                 part: str, cutoff: date, *, period_start: date | None = None,
                 province: str = "370000") -> dict[str, Any]:
    """The cases counted in ``part`` of ``rate`` for ``unit`` as of ``cutoff`` (the same call
    the dashboard makes), with the rate itself. Raises RatesError (no data) or DrilldownError."""
    res = service.rates_for(session, actor, kind, cutoff, period_start=period_start,
                            province=province)
    if unit not in res:
        raise DrilldownError(f"no {kind} rates for unit {unit!r}; units: "
                             f"{sorted(u for u in res if u)}")
    rates = res[unit]
    if rate not in rates:
        raise DrilldownError(f"no rate {rate!r} for {kind}; rates: {sorted(rates)}")
    r = rates[rate]
    if r.members is None:
        raise RatesError(f"{rate} was computed from counts only: there are no cases to list")
    if part not in r.members:
        raise DrilldownError(f"no part {part!r} of {rate}; parts: {parts_of(r)}")
    ids = list(r.members[part])
    rows: dict[int, Case] = {}
    evs = []
    for i in range(0, len(ids), 500):          # bound the IN list (bound parameters)
        chunk = ids[i:i + 500]
        rows.update({c.id: c for c in session.scalars(select(Case).where(Case.id.in_(chunk)))})
        evs += session.execute(select(CaseEvent.case_id, CaseEvent.seq, CaseEvent.day,
                                      CaseEvent.to_state)
                               .where(CaseEvent.case_id.in_(chunk))).all()
    # the state each case was in at the cut-off (the event log, as the rates read it)
    ev = pd.DataFrame(evs, columns=["case_id", "seq", "ts", "to_state"])
    ev["ts"] = pd.to_datetime(ev["ts"])
    then = dict(as_of(ev, pd.Timestamp(cutoff) + pd.Timedelta(hours=23, minutes=59))
                .itertuples(index=False, name=None)) if len(ev) else {}
    cases = [{"public_no": rows[i].public_no, "kind": rows[i].kind,
              "city_code": rows[i].city_code, "state_at_cutoff": then.get(i),
              "state": rows[i].state, "title": rows[i].title,
              "synthetic": bool(rows[i].synthetic)}
             for i in ids if i in rows]
    cases.sort(key=lambda c: c["public_no"])
    expected = r.numerator if part == NUMERATOR else r.denominator if part == DENOMINATOR \
        else r.exclusions.get(part[len(EXCLUSION):])
    if len(cases) != expected:                  # never show a list that disagrees silently
        raise RatesError(f"{rate} {part}: {len(cases)} cases listed but {expected} counted "
                         "(a case was deleted meanwhile?)")
    return {"kind": kind, "rate": r.as_dict(), "unit": unit, "part": part,
            "cutoff": cutoff.isoformat(),
            "from": period_start.isoformat() if period_start else None,
            "parts": parts_of(r), "count": len(cases), "cases": cases,
            "synthetic": any(c["synthetic"] for c in cases)}
