"""EIA and permit counts and rates (spec/governance.md §5.1–5.2).

``eia``: ``case_id, city_code, doc_class`` ∈ {report_book, report_form, registration},
``state`` (as of the cut-off), ``decision_date``, ``due_at``, ``key_project`` (bool).
"648 projects approved" (Weihai 2023 [V SEED]) = #approved decisions with decision_date in the
year; whether 登记表 filings are included is unknown [M]: default excluded, filings counted
separately [D]. 按时审批率 = #decided by due_at / #decided [D].

Permits' execution reports (§5.2): ``reports`` has one row per expected report (``case_id``
of the permit, ``city_code``, ``period``, ``due``, ``expected_on`` = the day the expectation was
recorded, ``submitted`` = the receipt date or empty, ``received_on`` = the day the receipt was
recorded or empty), built from the event log; 执行报告按时提交率 = #received by due / #due
(due ≤ cut-off) [D], as of the cut-off: an expectation or receipt recorded after the cut-off is
not known then; reports due later are not yet counted; a due report not received counts as not
on time.
"""

from __future__ import annotations

import pandas as pd

from qingshan.governance.rates._group import rates_by_unit
from qingshan.governance.rates.core import Rate, RatesError

__all__ = ["eia_counts", "eia_rates", "APPROVED_STATES", "execution_report_rates"]

APPROVED_STATES = ("approved", "published")


def _year(df: pd.DataFrame, col: str, year: int) -> pd.Series:
    return pd.to_datetime(df[col]).dt.year == year


def eia_counts(eia: pd.DataFrame, year: int, include_filings: bool = False) -> pd.DataFrame:
    """Per city: approvals (by class), filings, key-project approvals, decided in ``year``."""
    if missing := {"city_code", "doc_class", "state", "decision_date"} - set(eia.columns):
        raise RatesError(f"EIA register lacks columns {sorted(missing)}")
    y = eia[_year(eia, "decision_date", year)]
    approved = y["state"].isin(APPROVED_STATES)
    filed = y["state"].eq("filed")
    key = y["key_project"].fillna(False).astype(bool) if "key_project" in y else False
    t = y.assign(approvals=approved | (filed & include_filings),
                 report_book=approved & y["doc_class"].eq("report_book"),
                 report_form=approved & y["doc_class"].eq("report_form"),
                 filings=filed, key_project_approvals=approved & key)
    cols = ["approvals", "report_book", "report_form", "filings", "key_project_approvals"]
    return t.groupby("city_code")[cols].sum().astype("int64").reset_index()


def eia_rates(eia: pd.DataFrame, year: int,
              province: str | None = None) -> dict[str | None, dict[str, Rate]]:
    """按时审批率 per city and pooled (decisions in ``year``; filings excluded)."""
    y = eia[_year(eia, "decision_date", year) & eia["state"].isin(
        (*APPROVED_STATES, "not_approved"))]
    if y.empty:
        raise RatesError(f"no EIA decisions in {year}")
    on_time = pd.to_datetime(y["decision_date"]) <= pd.to_datetime(y["due_at"])
    df = y.assign(_all=True, _on_time=on_time)
    specs = {"按时审批率": {"num": "_on_time", "den": "_all",
                       "formula": "#decided by due_at (pauses excluded) / #decided"}}
    return rates_by_unit(df, "city_code", specs, f"{year}-12-31", province)


def execution_report_rates(reports: pd.DataFrame, cutoff,
                           province: str | None = None) -> dict[str | None, dict[str, Rate]]:
    """执行报告按时提交率 per city and pooled, reports due by ``cutoff`` among those expected by
    then (an expectation or a receipt recorded after the cut-off is not known yet)."""
    need = {"case_id", "city_code", "period", "due", "expected_on", "submitted", "received_on"}
    if missing := need - set(reports.columns):
        raise RatesError(f"execution-report table lacks columns {sorted(missing)}")
    cut = pd.Timestamp(cutoff).normalize()
    due = pd.to_datetime(reports["due"])
    known = (pd.to_datetime(reports["expected_on"]) <= cut) & (due <= cut)
    sub = pd.to_datetime(reports["submitted"])
    sub = sub.where((pd.to_datetime(reports["received_on"]) <= cut) & (sub <= cut))
    df = reports[known].assign(_all=True, _on_time=(sub <= due)[known])
    if df.empty:
        raise RatesError(f"no execution reports due by {cut.date()}")
    specs = {"执行报告按时提交率": {"num": "_on_time", "den": "_all",
                            "formula": "#received by due / #due by the cut-off"}}
    return rates_by_unit(df, "city_code", specs, cutoff, province)
