"""Surface-water ledgers: the 菏泽 county formula and the 2019 provincial scheme (spec §2).

菏泽 (heze-water-2014, fully specified [V])::

    A = Σ_p (T_p − C_p) × r_p = (30 − COD) × 2 + (1.5 − NH3-N) × 30     万元, quarter means
    A > 0: the city pays the county;  A < 0: the county pays the city

2019 provincial scheme (sd-water-2019, partly known)::

    change_p = (C_p,last − C_p,this) / C_p,last × 100      percentage points ([P] reading)
    improvement_p   = change_p × 4 万元            when change_p > 0 (province pays)
    deterioration_p = −|change_p| × rate           when change_p < 0 (city pays; the 5–200
                                                    grading is unknown: open point
                                                    ``deterioration_rate``, default unknown)
    basic           = basic_amount when every section meets the year's targets (1600–2000 by
                      number of sections: unknown, open point ``basic_amount``)

A term whose rate is unknown is missing (NaN) and the row is flagged ``complete = False``; it
is never summed as complete.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.compensation.engine.common import apply_cap, direction, round_amount
from qingshan.compensation.rulesets import RuleSet, RuleSetError

__all__ = ["county_water_ledger", "water_ledger"]


def _need(inp: pd.DataFrame, cols: list[str]) -> None:
    missing = [c for c in cols if c not in inp.columns]
    if missing:
        raise ValueError(f"ledger input lacks columns {missing}")


def county_water_ledger(inp: pd.DataFrame, rules: RuleSet, switches: dict | None = None, *,
                        period: str = "", city_name: str = "city") -> pd.DataFrame:
    """Fixed-target county ledger (菏泽 formula) per county for one quarter.

    ``inp``: ``code, name`` of each county and one column per indicator (quarter mean, mg/L).
    Returns ``code, name, period, rule_version``, per indicator ``<p>, target_<p>, diff_<p>,
    rate_<p>, <p>_amount``; ``amount_raw, capped, amount, complete, direction, payer, payee``.
    """
    if rules.scheme != "county-water":
        raise RuleSetError(f"{rules.id} is not a county-water rule set")
    _need(inp, ["code", "name"] + [i.key for i in rules.indicators])
    sw = rules.switches(switches)
    df = inp.reset_index(drop=True)
    out = pd.DataFrame({"code": df["code"].astype(str), "name": df["name"], "period": period,
                        "rule_version": rules.id})
    parts = []
    for ind in rules.indicators:
        p = ind.key
        out[p] = pd.to_numeric(df[p])
        out[f"target_{p}"] = float(ind.target.value)
        out[f"diff_{p}"] = out[f"target_{p}"] - out[p]
        out[f"rate_{p}"] = float(ind.rate.value)
        out[f"{p}_amount"] = out[f"diff_{p}"] * out[f"rate_{p}"]
        parts.append(out[f"{p}_amount"])
    raw = pd.concat(parts, axis=1).sum(axis=1, min_count=len(parts))
    capped, was = apply_cap(raw, sw.get("cap", "none"))
    out["amount_raw"] = raw
    out["capped"] = was
    out["amount"] = round_amount(capped, sw.get("rounding", "none"))
    out["complete"] = raw.notna()
    out["direction"] = direction(out["amount"], out["complete"], "city→county", "county→city")
    pos, neg = out["amount"] > 0, out["amount"] < 0
    out["payer"] = np.select([pos, neg], [city_name, out["name"]], None)
    out["payee"] = np.select([pos, neg], [out["name"], city_name], None)
    return out


def _known(v) -> float | None:
    if v in (None, "unknown", ""):
        return None
    return float(v)


def water_ledger(inp: pd.DataFrame, rules: RuleSet, switches: dict | None = None, *,
                 period: str = "", province_name: str = "province") -> pd.DataFrame:
    """2019 provincial surface-water ledger per city (terms known so far; see module).

    ``inp``: ``code, name``, per indicator ``<p>`` and ``<p>_last`` (mg/L); optional
    ``targets_met`` (bool: every section met the year's targets, for the basic term).
    """
    if rules.scheme != "water":
        raise RuleSetError(f"{rules.id} is not a provincial water rule set")
    keys = [i.key for i in rules.indicators]
    _need(inp, ["code", "name"] + keys + [f"{k}_last" for k in keys])
    sw = rules.switches(switches)
    rate_up = float(rules.term("improvement_rate").value)
    rate_down = _known(sw.get("deterioration_rate"))
    basic_amt = _known(sw.get("basic_amount"))
    df = inp.reset_index(drop=True)
    out = pd.DataFrame({"code": df["code"].astype(str), "name": df["name"], "period": period,
                        "rule_version": rules.id})
    terms = []
    for k in keys:
        last, this = pd.to_numeric(df[f"{k}_last"]), pd.to_numeric(df[k])
        out[f"{k}_last"], out[k] = last, this
        ch = ((last - this) / last.where(last > 0)) * 100.0
        out[f"change_{k}_pct"] = ch
        out[f"{k}_improvement"] = ch.clip(lower=0) * rate_up
        down = (-ch).clip(lower=0)
        out[f"{k}_deterioration"] = (-down * rate_down if rate_down is not None
                                     else (-down).where(down == 0)) + 0.0   # NaN: owed, unknown
        terms += [out[f"{k}_improvement"], out[f"{k}_deterioration"]]
    if "targets_met" in df.columns:
        met = df["targets_met"].astype("boolean")
        basic = pd.Series(np.where(met.fillna(False), basic_amt if basic_amt is not None
                                   else np.nan, 0.0), index=df.index)
        basic = basic.mask(met.isna())
        out["targets_met"] = met
    else:
        out["targets_met"] = pd.Series(pd.NA, index=df.index, dtype="boolean")
        basic = pd.Series(np.nan, index=df.index)
    basic = basic.rename("basic")
    out["basic"] = basic
    terms.append(basic)
    raw = pd.concat(terms, axis=1).sum(axis=1, min_count=len(terms))
    capped, was = apply_cap(raw, sw.get("cap", "none"))
    out["amount_raw"] = raw
    out["capped"] = was
    out["amount"] = round_amount(capped, sw.get("rounding", "gbt8170"))
    out["complete"] = raw.notna()
    names = pd.Series("", index=df.index, dtype=object)
    for t in terms:     # one step per term (not per row)
        names = names + np.where(t.isna(), f"{t.name}, ", "")
    out["missing_terms"] = names.str.rstrip(", ")
    out["direction"] = direction(out["amount"], out["complete"], "province→city",
                                 "city→province")
    pos, neg = out["amount"] > 0, out["amount"] < 0
    out["payer"] = np.select([pos, neg], [province_name, out["name"]], None)
    out["payee"] = np.select([pos, neg], [out["name"], province_name], None)
    return out
