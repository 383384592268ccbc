"""The air-quality ledger of one settlement period, vectorised over the cities table.

Formula (spec/compensation.md §1.3 [P], terms per version in :mod:`..rulesets`)::

    ΔC_p   = C_p(last year) − C_p(this year)        µg/m³, positive = improvement
    S_conc = Σ_p w_p · ΔC_p
    A_conc = S_conc × k_conc × a_c                   a_c: dispersion coefficient (coastal 1.5)
    A_good = (G_this − G_last) × k_good              percentage points of good-day share (2017)
    A      = A_conc + A_good                         A > 0: province → city; A < 0: city → province

Open points (switches of the rule set, defaults in its file, all unverified):
``coefficient_scales_penalties`` (a_c also on A_conc < 0), ``coefficient_scales_good_days``,
``apply_region_coefficients`` (2017: does a_c continue?), ``cap`` (万元 per city and period),
``rounding`` (of A, whole 万元). The per-term amounts are shown unrounded; only A is rounded.
An exempt city (免试, two years at class II) keeps its terms for reference and has A = 0.

One-time annual awards and the 免试 exemption (2017 version, spec §1.1 awards table) are
:func:`annual_awards` and :func:`grade2_whole_city`; limits are GB 3095-2012 Table 1
(:mod:`qingshan.air.standards.gb3095_2012`, the standard the awards name).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.air.standards import gb3095_2012
from qingshan.compensation.engine.common import apply_cap, direction, round_amount
from qingshan.compensation.rulesets import RuleSet, RuleSetError

__all__ = ["air_ledger", "annual_awards", "grade2_whole_city", "CLASS_II_STATS",
           "required_inputs"]

#: statistics checked for "the whole city meets class II" and their GB 3095-2012 limit key;
#: the four annual means are required, CO/O3 are used when the input has them (choice, [P])
CLASS_II_STATS = {"pm25": ("pm25", "annual"), "pm10": ("pm10", "annual"),
                  "so2": ("so2", "annual"), "no2": ("no2", "annual"),
                  "co_p95": ("co", "24h"), "o3_8h_p90": ("o3", "8h")}
_REQUIRED_II = ("pm25", "pm10", "so2", "no2")
_GRADE = {"I": gb3095_2012.GRADE_I, "II": gb3095_2012.GRADE_II}


def required_inputs(rules: RuleSet) -> list[str]:
    """Input columns the ledger of ``rules`` needs (this year's and ``<col>_last``)."""
    cols = [i.key for i in rules.indicators]
    if rules.term("good_days_rate") is not None:
        cols.append("good_day_ratio")
    return cols


def air_ledger(inp: pd.DataFrame, rules: RuleSet, switches: dict | None = None, *,
               period: str = "", province_name: str = "province") -> pd.DataFrame:
    """Every term, the amount and who pays whom, per city, for one settlement period.

    Parameters
    ----------
    inp : DataFrame
        One row per city: ``code``, ``name``, for every indicator ``<p>`` (µg/m³) and
        ``<p>_last`` (same period last year); ``good_day_ratio`` / ``good_day_ratio_last`` (%)
        when the version has a good-day term; optional ``exempt`` (bool).
    rules : RuleSet
        A known air rule set (``rules.status != "unknown"``).
    switches : dict, optional
        Open points overriding the rule set's defaults.

    Returns
    -------
    DataFrame
        ``code, name, period, rule_version, exempt``, per indicator ``<p>_last, <p>, d_<p>,
        w_<p>, <p>_amount``; ``s_conc, coefficient, coefficient_applied, k_conc, a_conc``;
        ``good_day_ratio_last, good_day_ratio, d_good_pp, k_good, a_good``; ``amount_raw,
        capped, amount, complete, direction, payer, payee``.
    """
    if rules.scheme != "air" or not rules.known:
        raise RuleSetError(f"{rules.id} is not a known air rule set")
    sw = rules.switches(switches)
    missing = [c for c in ("code", "name") if c not in inp.columns]
    missing += [f"{c}{s}" for c in required_inputs(rules) for s in ("", "_last")
                if f"{c}{s}" not in inp.columns]
    if missing:
        raise ValueError(f"ledger input lacks columns {missing}")
    df = inp.reset_index(drop=True)
    out = pd.DataFrame({"code": df["code"].astype(str), "name": df["name"]})
    out["period"] = period
    out["rule_version"] = rules.id
    exempt = (df["exempt"].fillna(False).astype(bool) if "exempt" in df.columns
              else pd.Series(False, index=df.index))
    out["exempt"] = exempt
    k = float(rules.term("concentration_rate").value)
    coef = out["code"].map(lambda c: float(rules.coefficient(c).value))
    if not sw.get("apply_region_coefficients", True):
        coef = pd.Series(1.0, index=out.index)
    parts = []
    for ind in rules.indicators:
        p = ind.key
        last, this = pd.to_numeric(df[f"{p}_last"]), pd.to_numeric(df[p])
        out[f"{p}_last"], out[p] = last, this
        out[f"d_{p}"] = last - this
        out[f"w_{p}"] = float(ind.weight.value)
        parts.append(out[f"w_{p}"] * out[f"d_{p}"])
    s = pd.concat(parts, axis=1).sum(axis=1, min_count=len(parts))  # NaN if any is missing
    out["s_conc"] = s
    a_eff = coef.where((s >= 0) | bool(sw.get("coefficient_scales_penalties", True)), 1.0)
    out["coefficient"] = coef
    out["coefficient_applied"] = a_eff
    out["k_conc"] = k
    for ind, part in zip(rules.indicators, parts):
        out[f"{ind.key}_amount"] = part * k * a_eff
    out["a_conc"] = s * k * a_eff
    kg = rules.term("good_days_rate")
    if kg is not None:
        g0 = pd.to_numeric(df["good_day_ratio_last"])
        g1 = pd.to_numeric(df["good_day_ratio"])
        d_good = g1 - g0
        ga = coef if sw.get("coefficient_scales_good_days", False) else pd.Series(1.0, out.index)
        if not sw.get("coefficient_scales_penalties", True):
            ga = ga.where(d_good >= 0, 1.0)
        out["good_day_ratio_last"], out["good_day_ratio"] = g0, g1
        out["d_good_pp"] = d_good
        out["k_good"] = float(kg.value)
        out["a_good"] = d_good * float(kg.value) * ga
    else:
        for c in ("good_day_ratio_last", "good_day_ratio", "d_good_pp", "k_good", "a_good"):
            out[c] = np.nan
    raw = out["a_conc"] + out["a_good"].fillna(0.0) if kg is None else out["a_conc"] + out["a_good"]
    complete = raw.notna() | exempt
    capped, was_capped = apply_cap(raw, sw.get("cap", "none"))
    amount = round_amount(capped, sw.get("rounding", "gbt8170"))
    out["amount_raw"] = raw
    out["capped"] = was_capped
    out["amount"] = amount.where(~exempt, 0.0)
    out["complete"] = complete
    out["direction"] = direction(out["amount"], complete, "province→city", "city→province",
                                 exempt)
    pos, neg = out["amount"] > 0, out["amount"] < 0
    out["payer"] = np.select([pos, neg], [province_name, out["name"]], None)
    out["payee"] = np.select([pos, neg], [out["name"], province_name], None)
    return out


def _meets(values: pd.Series, limit_key: tuple[str, str], grade: str) -> pd.Series:
    """value ≤ the GB 3095-2012 limit (a value equal to the limit meets it); NA when missing."""
    limit = gb3095_2012.LIMITS[limit_key][_GRADE[grade]]
    v = pd.to_numeric(values, errors="coerce")
    return (v <= limit).astype("boolean").mask(v.isna())


def grade2_whole_city(means: pd.DataFrame) -> pd.Series:
    """Whether each city's annual statistics all meet GB 3095-2012 class II (spec §1.1 "whole
    city meets class II"; which statistics: PM2.5, PM10, SO2, NO2 annual means required, CO
    24-h P95 and O3 8-h P90 when given — qingshan's reading, [P]). NA when a required mean is
    missing."""
    checks = [_meets(means[c], CLASS_II_STATS[c], "II") for c in CLASS_II_STATS
              if c in means.columns and (c in _REQUIRED_II or means[c].notna().any())]
    req_missing = pd.concat([pd.to_numeric(means.get(c), errors="coerce").isna()
                             if c in means.columns else pd.Series(True, index=means.index)
                             for c in _REQUIRED_II], axis=1).any(axis=1)
    ok = pd.concat(checks, axis=1).fillna(True).all(axis=1).astype("boolean")
    return ok.mask(req_missing)


def annual_awards(year: pd.DataFrame, year_before: pd.DataFrame | None, rules: RuleSet,
                  switches: dict | None = None, *, exempt: pd.Series | None = None,
                  label: str = "") -> pd.DataFrame:
    """The one-time annual awards of a year (2017 version; none in earlier versions).

    Parameters
    ----------
    year, year_before : DataFrame
        Annual statistics per city (``code``, ``name``, ``pm25, pm10, so2, no2`` µg/m³,
        optional ``co_p95`` mg/m³, ``o3_8h_p90`` µg/m³) of the year and of the year before
        (the two-year condition; None: the two-year award is not determined, flagged).
    exempt : Series of bool, optional
        Cities exempt (免试) in this year, indexed like ``year``.

    Returns
    -------
    DataFrame
        One row per city and award: ``code, name, period, rule_version, award, indicator,
        grade, value, limit, met, amount, mark, note``.
    """
    sw = rules.switches(switches)
    base = year.reset_index(drop=True)
    ex = (exempt.reset_index(drop=True).fillna(False).astype(bool) if exempt is not None
          else pd.Series(False, index=base.index))
    frames = []
    two = pd.Series(pd.NA, index=base.index, dtype="boolean")
    if rules.two_year:
        this_ok = grade2_whole_city(base)
        if year_before is not None:
            prev = base[["code"]].merge(year_before, on="code", how="left")
            two = this_ok & grade2_whole_city(prev)
        amt = float(rules.two_year["amount"].value)
        frames.append(pd.DataFrame({
            "code": base["code"], "name": base["name"], "award": "two_year_grade2",
            "indicator": "all", "grade": "II", "value": np.nan, "limit": np.nan, "met": two,
            "amount": np.where(two.fillna(False), amt, 0.0),
            "mark": rules.two_year["amount"].mark,
            "note": np.where(two.isna(), "not determined: an annual mean of this year or the "
                             "year before is missing", "")}))
    for a in rules.awards:
        key = CLASS_II_STATS[a.indicator]
        met = _meets(base[a.indicator], key, a.grade)
        amount = np.where(met.fillna(False), float(a.amount.value), 0.0)
        note = np.where(met.isna(), "annual mean missing", "")
        if not sw.get("awards_stack", True):
            stop = two.fillna(False).to_numpy()
            amount = np.where(stop, 0.0, amount)
            note = np.where(stop, "replaced by the two-year award (awards_stack = false)", note)
        frames.append(pd.DataFrame({
            "code": base["code"], "name": base["name"], "award": a.key,
            "indicator": a.indicator, "grade": a.grade, "value": base[a.indicator],
            "limit": float(gb3095_2012.LIMITS[key][_GRADE[a.grade]]), "met": met,
            "amount": amount, "mark": a.amount.mark, "note": note}))
    if not frames:
        return pd.DataFrame(columns=["code", "name", "period", "rule_version", "award",
                                     "indicator", "grade", "value", "limit", "met", "amount",
                                     "mark", "note"])
    out = pd.concat(frames, ignore_index=True)
    if not sw.get("exempt_year_awards", False):
        exc = out["code"].isin(base.loc[ex, "code"])
        out.loc[exc, "amount"] = 0.0
        out.loc[exc, "note"] = "exempt (免试) this year: no awards (exempt_year_awards = false)"
    out.insert(2, "period", label)
    out.insert(3, "rule_version", rules.id)
    return out
