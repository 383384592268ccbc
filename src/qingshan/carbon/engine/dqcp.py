"""Cross-check of monthly submissions against each unit's data-quality-control plan
(spec/carbon-accounting.md §2.5: "frequency met? default used? instrument calibrated?").

Plan rows: unit_id, version, parameter, source, instrument, accuracy_class,
calibration_interval_months, last_calibration, frequency, method_standard, department.
Months: the output of :func:`qingshan.carbon.engine.accounting.monthly_evidence`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.carbon.standards.dqcp import FREQUENCIES, PARAMETERS, SAMPLING_STANDARDS

__all__ = ["PLAN_COLUMNS", "validate_plan", "check"]

PLAN_COLUMNS = ("unit_id", "version", "parameter", "source", "instrument", "accuracy_class",
                "calibration_interval_months", "last_calibration", "frequency",
                "method_standard", "department")


def validate_plan(plan: pd.DataFrame) -> list[str]:
    """Problems of a plan table: unknown parameters or frequencies, a sampling standard not
    named by the guideline for NCV / element carbon, required parameters missing per unit."""
    out: list[str] = []
    bad = plan.loc[~plan["parameter"].isin(PARAMETERS), "parameter"].unique()
    out += [f"unknown parameter {p!r}" for p in bad]
    badf = plan.loc[~plan["frequency"].isin(list(FREQUENCIES)), "frequency"].unique()
    out += [f"unknown frequency {x!r}" for x in badf]
    std = {"ncv": SAMPLING_STANDARDS["ncv"], "carbon_ar": SAMPLING_STANDARDS["element_carbon"]}
    for par, allowed in std.items():
        rows = plan[plan["parameter"] == par]
        wrong = rows[~rows["method_standard"].fillna("").str.contains(
            "|".join(allowed), regex=True)]
        out += [f"unit {u}: {par} method {m!r} is not one of {allowed}"
                for u, m in zip(wrong["unit_id"], wrong["method_standard"])]
    need = {"consumption", "ncv"}
    have = plan.groupby("unit_id")["parameter"].agg(set)
    out += [f"unit {u}: plan lacks {sorted(need - s)}" for u, s in have.items() if need - s]
    return out


def check(plan: pd.DataFrame, months: pd.DataFrame) -> pd.DataFrame:
    """Per unit × month × plan parameter: instrument calibration valid at month end
    (last_calibration + interval), plus the month's evidence issues."""
    x = months.merge(plan, on="unit_id", how="inner")
    end = pd.to_datetime(dict(year=x["year"], month=x["month"], day=1)) + pd.offsets.MonthEnd(0)
    last = pd.to_datetime(x["last_calibration"], errors="coerce")
    months_i = pd.to_numeric(x["calibration_interval_months"], errors="coerce")
    valid_until = last + pd.to_timedelta(months_i * 30.4375, unit="D")
    has_instr = x["instrument"].fillna("").astype(str).str.len() > 0
    x["calibration_ok"] = ~has_instr | ((last <= end) & (valid_until >= end)).to_numpy()
    x["plan_issue"] = np.where(x["calibration_ok"], "",
                               "instrument " + x["instrument"].astype(str)
                               + " not calibrated at month end")
    return x[["unit_id", "year", "month", "version", "parameter", "instrument",
              "calibration_ok", "plan_issue", "issues"]]
