"""Rates of the inspection-rectification ledgers (spec/governance.md §2.7).

Tasks (``dc_task``): ``cases`` has ``case_id, city_code, due_at`` (plan deadline); the event
log ``case_id, ts, to_state`` and optionally ``schedule_status`` (progress updates).
Handed-over complaint cases (``dc_petition``): ``cases`` has ``case_id, city_code, received,
feedback_due``; the events ``case_id, ts, to_state``.

| rate | formula | mark |
|---|---|---|
| 整改完成率 | #tasks in {accepted, in_notice, cancelled} / #tasks | [V S1, S2]; 销号 needed? [P] |
| 销号率 | #cancelled / #tasks | [D] |
| 序时进度达标率 | (#completed + #in progress on schedule) / #tasks | [V S13 Qingdao 35 + 6 of 41] |
| 超期率 | #overdue / #tasks not completed | [D] |
| 信访件办结率 | #concluded / #handed over | [V S1] |
| 信访件办结率(含阶段性) | (#concluded + #staged) / #handed over | [V S1] |
| 按时反馈率 | #fed back by feedback_due / #handed over | [D] on the 10-day rule [V S10] |
"""

from __future__ import annotations

import pandas as pd

from qingshan.governance.rates._group import rates_by_unit
from qingshan.governance.rates.core import Rate, RatesError, as_of

__all__ = ["task_rates", "petition_rates", "COMPLETED", "CONCLUDED"]

#: task states that count as completed (§2.7)
COMPLETED = ("accepted", "in_notice", "cancelled")
#: petition states that count as 已办结
CONCLUDED = ("concluded", "spot_checked")
FEEDBACK = ("concluded", "staged", "open")


def _join(cases: pd.DataFrame, events: pd.DataFrame, cutoff, cols) -> pd.DataFrame:
    if missing := {"case_id", "city_code"} - set(cases.columns):
        raise RatesError(f"case table lacks columns {sorted(missing)}")
    st = as_of(events, cutoff, cols)
    df = cases.merge(st, on="case_id", how="inner")
    if df.empty:
        raise RatesError(f"no case has an event by the cut-off {cutoff}")
    return df


def task_rates(cases: pd.DataFrame, events: pd.DataFrame, cutoff,
               province: str | None = None) -> dict[str | None, dict[str, Rate]]:
    """The §2.7 task rates per city and pooled (key ``province``)."""
    cols = ["to_state"] + (["schedule_status"] if "schedule_status" in events.columns else [])
    df = _join(cases, events, cutoff, cols)
    st = df["to_state"]
    done = st.isin(COMPLETED)
    on_sched = df["schedule_status"].eq("on_schedule") if "schedule_status" in df else False
    open_ = ~done
    cut = pd.Timestamp(cutoff) if cutoff is not None else pd.Timestamp.now()
    overdue = open_ & (pd.to_datetime(df["due_at"]) < cut.normalize()) \
        if "due_at" in df else pd.Series(False, index=df.index)
    df = df.assign(_all=True, _done=done, _cancelled=st.eq("cancelled"),
                   _sched=done | (st.isin(("in_progress", "long_term_stage_met")) & on_sched),
                   _open=open_, _overdue=overdue)
    specs = {
        "整改完成率": {"num": "_done", "den": "_all", "mark": "P",
                   "formula": "#tasks in {accepted, in_notice, cancelled} / #tasks"},
        "销号率": {"num": "_cancelled", "den": "_all", "formula": "#cancelled / #tasks"},
        "序时进度达标率": {"num": "_sched", "den": "_all", "mark": "V",
                     "formula": "(#completed + #in progress on schedule) / #tasks"},
        "超期率": {"num": "_overdue", "den": "_open",
                "formula": "#overdue / #tasks not completed"},
    }
    return rates_by_unit(df, "city_code", specs, cutoff, province)


def petition_rates(cases: pd.DataFrame, events: pd.DataFrame, cutoff,
                   province: str | None = None) -> dict[str | None, dict[str, Rate]]:
    """The §2.7 rates of handed-over complaint cases per city and pooled."""
    df = _join(cases, events, cutoff, ["to_state"])
    ev = events[events["to_state"].isin(FEEDBACK)]
    if cutoff is not None:
        ev = ev[pd.to_datetime(ev["ts"]) <= pd.Timestamp(cutoff)]
    first_fb = ev.groupby("case_id")["ts"].min().rename("_first_feedback")
    df = df.merge(first_fb, left_on="case_id", right_index=True, how="left")
    on_time = df["_first_feedback"].notna() & (
        pd.to_datetime(df["_first_feedback"]).dt.normalize()
        <= pd.to_datetime(df.get("feedback_due", pd.NaT)))
    st = df["to_state"]
    df = df.assign(_all=True, _concl=st.isin(CONCLUDED), _staged=st.eq("staged"),
                   _concl_or_staged=st.isin((*CONCLUDED, "staged")), _on_time=on_time,
                   _open=st.isin(("received", "assigned", "open")))
    specs = {
        "信访件办结率": {"num": "_concl", "den": "_all", "mark": "V",
                    "formula": "#concluded / #handed over"},
        "信访件办结率(含阶段性)": {"num": "_concl_or_staged", "den": "_all", "mark": "V",
                          "formula": "(#concluded + #staged) / #handed over"},
        "按时反馈率": {"num": "_on_time", "den": "_all",
                  "formula": "#fed back by received + 10 d / #handed over"},
        "未办结占比": {"num": "_open", "den": "_all", "mark": "V",
                  "formula": "#未办结 / #handed over"},
    }
    return rates_by_unit(df, "city_code", specs, cutoff, province)
