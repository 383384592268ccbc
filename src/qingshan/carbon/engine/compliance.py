"""The compliance position of every entity × vintage (spec/carbon-ets.md §1.4–1.8; status codes
after the EUTL pattern of spec/carbon-peers.md §1.2).

obligation (应清缴配额), §1.4::

    gas units (IV), each:   min(verified_u, allocation_u)                    (gas relief)
    coal units, together:   min(V_c, A_c + 0.20 × V_c)                       (20 % gap cap)

CCER ≤ 5 % of the obligation (§1.5; base by the switch ``ccer_base``); borrowing 2021–22: an
entity whose gap is ≥ 10 % of its verified emissions may borrow up to 50 % of the gap (§1.4);
carry-over from 2023–24: ≤ 10,000 t + 1.5 × net sales (§1.7). Status: ``on_time``, ``late``,
``not_complied``, ``pending`` (deadline not passed), ``incomplete`` (allocation or verified
emissions missing — never counted as complied or not). Penalties (§1.8, [M]) by the regime in
force on the deadline. All vectorised (numpy/pandas), one pass per table.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from qingshan.carbon.standards.penalties import regime_for
from qingshan.carbon.standards.provenance import weakest
from qingshan.carbon.standards.switches import DEFAULT, Switches

__all__ = ["obligations", "position", "carry_over", "completion", "EPS"]

#: tolerance of "surrendered in full" (t)
EPS = 1e-6


def _w(marks: pd.Series) -> pd.Series:
    return marks.map(lambda s: weakest(t[-2] for t in str(s).split() if t.endswith("]")))


def obligations(units: pd.DataFrame, rules, switches: Switches = DEFAULT) -> pd.DataFrame:
    """Entity obligations from unit rows (credit_code, unit_id, category, allocation_t,
    verified_t — the verified emissions in the compliance scope of the vintage).

    Returns one row per entity: allocation_t, verified_t, obligation_t, relief_t (verified −
    obligation), gap_t (obligation − allocation; negative = surplus), gap_pct (of verified),
    borrow_eligible, borrow_max_t, ccer_limit_t, complete, rule_version, marks, mark.
    """
    u = units.copy()
    gas = (u["category"] == "IV").to_numpy()
    alloc = u["allocation_t"].to_numpy(dtype=float)
    ver = u["verified_t"].to_numpy(dtype=float)
    relief_gas = bool(getattr(rules, "gas_relief", None) and rules.gas_relief.value)
    u["ob_gas"] = np.where(gas, np.minimum(ver, alloc) if relief_gas else ver, 0.0)
    u["v_coal"] = np.where(gas, 0.0, ver)
    u["a_coal"] = np.where(gas, 0.0, alloc)
    u["ok"] = ~(np.isnan(alloc) | np.isnan(ver))
    u["umark"] = _w(u["marks"]) if "marks" in u else "V"
    g = u.groupby("credit_code", sort=False)
    e = g.agg(allocation_t=("allocation_t", "sum"), verified_t=("verified_t", "sum"),
              ob_gas=("ob_gas", "sum"), v_coal=("v_coal", "sum"), a_coal=("a_coal", "sum"),
              complete=("ok", "all"), n_units=("unit_id", "count"),
              umarks=("umark", weakest)).reset_index()
    cap = getattr(rules, "gap_cap", None)
    if getattr(rules, "grandfathered", False):
        ob_coal = e["v_coal"]
    elif cap is not None:
        ob_coal = np.minimum(e["v_coal"], e["a_coal"] + cap.value * e["v_coal"])
    else:
        ob_coal = e["v_coal"]
    e["obligation_t"] = ob_coal + e["ob_gas"]
    e["relief_t"] = e["verified_t"] - e["obligation_t"]
    e["gap_t"] = e["obligation_t"] - e["allocation_t"]
    e["gap_pct"] = 100.0 * e["gap_t"] / e["verified_t"].where(e["verified_t"] > 0)
    marks = (pd.Series("allocation[", index=e.index) + e["umarks"] + "]")
    if hasattr(rules, "gas_relief"):
        marks += f" {rules.gas_relief.tag('gas_relief')}"
    if cap is not None:
        marks += f" {cap.tag('gap_cap')}"
    bt = getattr(rules, "borrowing_threshold", None)
    if bt is not None:
        gap = e["gap_t"] if switches.borrowing_gap == "after_cap" else (
            e["verified_t"] - e["allocation_t"])
        elig = (gap > 0) & (gap >= bt.value * e["verified_t"] - EPS)
        e["borrow_eligible"] = elig
        e["borrow_max_t"] = np.where(elig, rules.borrowing_share.value * gap, 0.0)
        marks += f" {bt.tag('borrowing')} borrowing_gap[D]"
    else:
        e["borrow_eligible"] = False
        e["borrow_max_t"] = 0.0
    share = rules.ccer_max_share
    base = e["obligation_t"] if switches.ccer_base == "obligation" else e["verified_t"]
    e["ccer_limit_t"] = share.value * base
    marks += f" {share.tag('ccer_share')} ccer_base[M]"
    for c in ("obligation_t", "relief_t", "gap_t", "gap_pct", "borrow_max_t", "ccer_limit_t"):
        e[c] = e[c].where(e["complete"])
    e["vintage"] = rules.vintage
    e["rule_version"] = rules.version
    e["marks"] = marks
    e["mark"] = _w(e["marks"])
    return e.drop(columns=["ob_gas", "v_coal", "a_coal", "umarks"])


def _surrender_sums(surrenders: pd.DataFrame, deadline: date) -> pd.DataFrame:
    """Per entity: CEA and CCER surrendered in all, by the deadline, and the last date."""
    cols = ["credit_code", "cea_t", "ccer_t", "cea_by_deadline_t", "ccer_by_deadline_t",
            "last_surrender"]
    if surrenders is None or not len(surrenders):
        return pd.DataFrame(columns=cols)
    s = surrenders.copy()
    s["day"] = pd.to_datetime(s["date"]).dt.date
    on = (s["day"] <= deadline).to_numpy()
    s["cea_by_deadline_t"] = np.where(on, s["cea_t"].fillna(0), 0.0)
    s["ccer_by_deadline_t"] = np.where(on, s["ccer_t"].fillna(0), 0.0)
    return s.groupby("credit_code").agg(
        cea_t=("cea_t", "sum"), ccer_t=("ccer_t", "sum"),
        cea_by_deadline_t=("cea_by_deadline_t", "sum"),
        ccer_by_deadline_t=("ccer_by_deadline_t", "sum"), last_surrender=("day", "max"),
    ).reset_index()


def position(ob: pd.DataFrame, surrenders: pd.DataFrame | None, rules, today: date,
             switches: Switches = DEFAULT, prices: dict[str, float] | None = None
             ) -> pd.DataFrame:
    """Compliance position, status, deadline alert and penalty estimate per entity.

    ``surrenders``: events of this vintage (credit_code, date, cea_t, ccer_t). ``prices``:
    month ``"YYYY-MM"`` → average CEA price (CNY/t), used by Decree 775 (the month before the
    deadline's month [M]); without it the Decree 775 fine is left empty and flagged.
    """
    dl = rules.surrender_deadline
    s = _surrender_sums(surrenders, dl.day)
    p = ob.merge(s, on="credit_code", how="left")
    for c in ("cea_t", "ccer_t", "cea_by_deadline_t", "ccer_by_deadline_t"):
        p[c] = p[c].astype(float).fillna(0.0)
    lim = p["ccer_limit_t"].to_numpy(dtype=float)
    p["ccer_accepted_t"] = np.minimum(p["ccer_t"], lim)
    p["ccer_excess_t"] = p["ccer_t"] - p["ccer_accepted_t"]
    p["surrendered_t"] = p["cea_t"] + p["ccer_accepted_t"]
    at_dl = p["cea_by_deadline_t"] + np.minimum(p["ccer_by_deadline_t"], lim)
    p["position_t"] = p["surrendered_t"] - p["obligation_t"]
    p["shortfall_t"] = np.maximum(-p["position_t"], 0.0)
    p["surplus_t"] = np.maximum(-p["gap_t"], 0.0)
    short_dl = np.maximum(p["obligation_t"] - at_dl, 0.0)
    full = (p["position_t"] >= -EPS).to_numpy()
    full_dl = (short_dl <= EPS).to_numpy()
    past = today > dl.day
    complete = p["complete"].to_numpy(dtype=bool)
    p["status"] = np.select(
        [~complete, full & full_dl, full, past],
        ["incomplete", "on_time", "late", "not_complied"], "pending")
    p["deadline"] = dl.day
    p["deadline_mark"] = dl.mark
    p["days_to_deadline"] = (dl.day - today).days
    days = sorted(switches.alert_days)
    left = (dl.day - today).days
    level = next((f"due_{x}d" for x in days if left <= x), "")
    p["alert"] = np.select([p["status"] == "not_complied", p["status"] == "pending"],
                           ["overdue", level if left >= 0 else "overdue"], "")
    step = next((x for x in rules.deadlines if x.key == "surrender_95"), None)
    p["past_95_step"] = (p["status"] == "pending") & (step is not None and today > step.day)
    # penalties (§1.8 [M]) for a shortfall at the deadline
    reg = regime_for(dl.day, switches.penalty_regime)
    due = (p["status"].isin(["late", "not_complied"])).to_numpy()
    p["penalty_regime"] = np.where(due, reg.key, "")
    if reg.fine_fixed is not None:
        p["fine_min_cny"] = np.where(due, reg.fine_fixed[0], np.nan)
        p["fine_max_cny"] = np.where(due, reg.fine_fixed[1], np.nan)
        p["penalty_note"] = ""
    else:
        month = (pd.Timestamp(dl.day).to_period("M") - 1).strftime("%Y-%m")
        price = (prices or {}).get(month)
        value = short_dl * (price if price is not None else np.nan)
        p["fine_min_cny"] = np.where(due, reg.fine_multiple[0] * value, np.nan)
        p["fine_max_cny"] = np.where(due, reg.fine_multiple[1] * value, np.nan)
        p["penalty_note"] = np.where(due & (price is None),
                                     f"no average CEA price for {month}: fine not computed", "")
    p["shortfall_at_deadline_t"] = short_dl
    p["deduct_next_year_t"] = np.where(p["status"] == "not_complied", p["shortfall_t"], 0.0)
    p["marks"] = p["marks"] + f" deadline[{dl.mark}]" + np.where(due, f" penalty[{reg.mark}]", "")
    p["mark"] = _w(p["marks"])
    return p


def carry_over(surplus_t, net_sales_t, rules) -> pd.DataFrame:
    """Bankable surplus into 2025 (§1.7 [V]): ``min(surplus, 10,000 + 1.5 × net sales)``; the
    rest lapses. Net sales below zero (a net buyer) count as zero [D]."""
    fixed, mult = rules.carry_over.value
    s = np.maximum(np.asarray(surplus_t, dtype=float), 0.0)
    limit = fixed + mult * np.maximum(np.asarray(net_sales_t, dtype=float), 0.0)
    bank = np.minimum(s, limit)
    return pd.DataFrame({"surplus_t": s, "carry_limit_t": limit, "bankable_t": bank,
                         "lapsed_t": s - bank})


def completion(pos: pd.DataFrame) -> dict:
    """City figures: N of M entities complied (on time or late) among those whose position is
    complete, the completion rate by quantity (Σ min(surrendered, obligation) / Σ obligation,
    the basis of the national 99.5 %), and how many are incomplete (left out, not counted)."""
    ok = pos[pos["status"] != "incomplete"]
    done = ok["status"].isin(["on_time", "late"])
    ob = ok["obligation_t"].sum()
    covered = np.minimum(ok["surrendered_t"], ok["obligation_t"]).sum()
    return {"entities": int(len(pos)), "assessed": int(len(ok)), "complied": int(done.sum()),
            "on_time": int((ok["status"] == "on_time").sum()),
            "late": int((ok["status"] == "late").sum()),
            "not_complied": int((ok["status"] == "not_complied").sum()),
            "pending": int((ok["status"] == "pending").sum()),
            "incomplete": int(len(pos) - len(ok)),
            "completion_pct": float(100.0 * covered / ob) if ob > 0 else None}
