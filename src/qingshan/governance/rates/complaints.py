"""Rates of the public-complaint ledger (spec/governance.md §3.4; no Shandong source publishes
the formulas: the definitions are the spec's proposal [D], variants as named switches).

``cases``: ``case_id, city_code, channel, received_at`` and optionally ``repeat`` (merged as a
repeat of the same complainant within 30 d). ``events``: ``case_id, ts, to_state`` and
optionally ``due_at`` (the handling clock's due date after the step, as recorded; the last one
by the cut-off counts, so an extension granted later does not change an earlier rate),
``callback`` and ``redo_count``.

| rate | formula (default) | switch |
|---|---|---|
| 受理量 | #received in the period, merged repeats excluded | – |
| 办结率 | #closed / #due, due = due_at ≤ cut-off or closed ≤ cut-off | ``by_receipt``: ÷ #received |
| 按时办结率 | #closed by due_at / #closed | ``on_time_over_due``: ÷ #due |
| 超期率 | #past due and not closed / #not closed | red cards [V S15] |
| 满意率 | (#satisfied + #basically satisfied) / #callbacks answered | ``count_basic`` [M] |
| 重办率 | #redo ≥ 1 / #closed | – |
| 重复投诉率 | #merged repeats / #received | – |

Cases not accepted (不予受理) or merged (并案) are outside 办结率 and 按时办结率 and listed as
exclusions.
"""

from __future__ import annotations

import pandas as pd

from qingshan.governance.rates._group import rates_by_unit
from qingshan.governance.rates.core import Rate, RatesError, as_of

__all__ = ["complaint_rates", "ANSWERED", "SATISFIED"]

SATISFIED = ("satisfied",)
BASIC = ("basically_satisfied",)
ANSWERED = ("satisfied", "basically_satisfied", "dissatisfied")
UNANSWERED = ("unreachable", "declined")


def complaint_rates(cases: pd.DataFrame, events: pd.DataFrame, cutoff, *,
                    period_start=None, by_receipt: bool = False,
                    on_time_over_due: bool = False, count_basic: bool = True,
                    channel: str | None = None,
                    province: str | None = None) -> dict[str | None, dict[str, Rate]]:
    """The §3.4 rates per city and pooled, for cases received in [period_start, cutoff]."""
    need = {"case_id", "city_code", "received_at"}
    if missing := need - set(cases.columns):
        raise RatesError(f"complaint table lacks columns {sorted(missing)}")
    c = cases
    if channel is not None:
        c = c[c["channel"] == channel]
    rec = pd.to_datetime(c["received_at"])
    cut = pd.Timestamp(cutoff)
    c = c[(rec <= cut) & ((rec >= pd.Timestamp(period_start)) if period_start else True)]
    cols = [x for x in ("to_state", "due_at", "callback", "redo_count") if x in events.columns]
    st = as_of(events, cutoff, cols)
    ev = events[pd.to_datetime(events["ts"]) <= cut]
    closed_at = ev[ev["to_state"] == "closed"].groupby("case_id")["ts"].max().rename("_closed_at")
    df = c.merge(st, on="case_id", how="left").merge(closed_at, left_on="case_id",
                                                     right_index=True, how="left")
    if df.empty:
        raise RatesError("no complaints received in the period")
    state = df["to_state"].fillna("received")
    closed = state.eq("closed")
    out_of_scope = state.isin(("not_accepted", "merged"))
    due_at = pd.to_datetime(df["due_at"]) if "due_at" in df else pd.Series(pd.NaT, df.index)
    due = ((due_at.dt.normalize() < cut.normalize()) | closed) & ~out_of_scope
    on_time = closed & (pd.to_datetime(df["_closed_at"]).dt.normalize() <= due_at)
    cb = df["callback"] if "callback" in df else pd.Series(None, df.index)
    good = cb.isin(SATISFIED + (BASIC if count_basic else ()))
    answered = cb.isin(ANSWERED)
    repeat = df["repeat"].fillna(False).astype(bool) if "repeat" in df else \
        pd.Series(False, df.index)
    redo = (df["redo_count"].fillna(0) >= 1) if "redo_count" in df else \
        pd.Series(False, df.index)
    df = df.assign(
        _all=True, _counted=~(repeat & state.eq("merged")), _repeat=repeat & state.eq("merged"),
        _closed=closed, _due=due, _received=~out_of_scope, _on_time=on_time,
        _not_closed=~closed & ~out_of_scope,
        _overdue=~closed & ~out_of_scope & (due_at.dt.normalize() < cut.normalize()),
        _good=good & answered, _answered=answered, _unanswered=cb.isin(UNANSWERED),
        _basic=cb.isin(BASIC), _redo=closed & redo, _not_accepted=state.eq("not_accepted"),
        _merged=state.eq("merged"))
    excl = {"不予受理": "_not_accepted", "并案": "_merged"}
    specs = {
        "受理量": {"num": "_counted", "den": "_all", "exclusions": {"merged repeats": "_repeat"},
                "formula": "#received in period (merged repeats excluded); denominator = all"},
        "办结率": {"num": "_closed", "den": "_received" if by_receipt else "_due",
                "exclusions": excl,
                "formula": "#closed / " + ("#received" if by_receipt else
                                           "#due (due_at ≤ cut-off or closed)")},
        "按时办结率": {"num": "_on_time", "den": "_due" if on_time_over_due else "_closed",
                  "exclusions": excl,
                  "formula": "#closed by due_at (extensions included) / " +
                  ("#due" if on_time_over_due else "#closed")},
        "超期率": {"num": "_overdue", "den": "_not_closed",
                "formula": "#past due_at and not closed / #not closed"},
        "满意率": {"num": "_good", "den": "_answered", "mark": "M",
                "exclusions": {"unreachable/declined": "_unanswered"},
                "formula": "(#satisfied" + (" + #basically satisfied" if count_basic else "") +
                ") / #callbacks answered"},
        "重办率": {"num": "_redo", "den": "_closed", "formula": "#closed with redo ≥ 1 / #closed"},
        "重复投诉率": {"num": "_repeat", "den": "_all", "formula": "#merged repeats / #received"},
    }
    return rates_by_unit(df, "city_code", specs, cutoff, province)
