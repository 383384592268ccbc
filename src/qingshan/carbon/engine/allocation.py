"""Power-sector unit allocation (spec/carbon-ets.md §1): ``A = B_e × Q_e × F + B_h × Q_h``.

Input: one row per unit and output year (columns :data:`ACTIVITY_COLUMNS`); rules:
:class:`qingshan.carbon.standards.power.PowerRules`. Every computation is one vectorised pass over
the rows (numpy), never a loop per value. Every output row names its rule version and the
provenance marks of every rule value it used (``marks``; ``mark`` = the weakest of them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.carbon.standards.power import LOAD_PIECES, PowerRules
from qingshan.carbon.standards.provenance import weakest

__all__ = ["ACTIVITY_COLUMNS", "load_coefficient", "correction_factors", "allocate",
           "preallocate", "round_allowances"]

#: columns of the unit × year activity table
ACTIVITY_COLUMNS = ("unit_id", "credit_code", "category", "cooling", "generation_type", "year",
                    "supply_mwh", "generation_mwh", "heat_gj", "heat_ratio", "load_factor")


def load_coefficient(f) -> np.ndarray:
    """Load (output) coefficient correction F_l of load factor ``f`` (fraction), §1.2 [M].

    f ≥ 0.85 → 1; 0.80 ≤ f < 0.85 → 1 + 0.0014 × (85 − 100 f);
    0.75 ≤ f < 0.80 → 1.007 + 0.0016 × (80 − 100 f); f < 0.75 → 1.015^(16 − 20 f).
    NaN stays NaN.
    """
    hi, mid, lo, a1, b2, a2, base = LOAD_PIECES.value
    f = np.asarray(f, dtype=float)
    p = 100.0 * f
    out = np.select([f >= hi, f >= mid, f >= lo],
                    [1.0, 1.0 + a1 * (100 * hi - p), b2 + a2 * (100 * mid - p)],
                    base ** (16.0 - 20.0 * f))
    return np.where(np.isnan(f), np.nan, out)


def correction_factors(df: pd.DataFrame, rules: PowerRules) -> pd.DataFrame:
    """The correction factors of every row: ``f_cooling``, ``f_heat``, ``f_load`` and their
    product ``F``, with ``marks`` naming the [M]/[V] rule of each factor applied.

    - cooling (coal units): air-cooled × ``rules.cooling_air``, water-cooled 1.00 [M];
    - heat supply (CHP units, up to 2022): coal 1 − 0.22 × heat ratio, gas 1 − 0.6 × ratio [M];
    - load (conventional coal I/II; CHP units only when ``rules.load_chp``) [M].
    Gas units get no cooling or load correction (§1.2 [M]).
    """
    cat = df["category"].to_numpy()
    coal = cat != "IV"
    conventional = np.isin(cat, ["I", "II"])
    chp = df["generation_type"].to_numpy() == "chp"
    n = len(df)
    marks = np.full(n, "", dtype=object)

    def tag(mask, name, val):
        nonlocal marks
        marks = np.where(mask, marks + f" {val.tag(name)}", marks)

    f_cool = np.ones(n)
    if rules.cooling_air is not None:
        air = coal & (df["cooling"].to_numpy() == "air")
        f_cool = np.where(air, rules.cooling_air.value, 1.0)
        tag(coal, "cooling", rules.cooling_air)
    f_heat = np.ones(n)
    if rules.heat_corr_coal is not None:
        ratio = df["heat_ratio"].to_numpy(dtype=float)
        f_heat = np.where(chp & coal, 1.0 - rules.heat_corr_coal.value * ratio,
                          np.where(chp, 1.0 - rules.heat_corr_gas.value * ratio, 1.0))
        tag(chp & coal, "heat_ratio", rules.heat_corr_coal)
        tag(chp & ~coal, "heat_ratio", rules.heat_corr_gas)
    f_load = np.ones(n)
    if rules.load_factor:
        applies = conventional & (~chp | bool(rules.load_chp.value))
        f_load = np.where(applies, load_coefficient(df["load_factor"].to_numpy(dtype=float)),
                          1.0)
        tag(applies, "load", LOAD_PIECES)
        tag(conventional & chp, "load_chp", rules.load_chp)
    return pd.DataFrame({"f_cooling": f_cool, "f_heat": f_heat, "f_load": f_load,
                         "F": f_cool * f_heat * f_load, "marks": marks}, index=df.index)


def _unit_year(df: pd.DataFrame, rules: PowerRules) -> pd.DataFrame:
    """Allocation of every row (unit × year) under ``rules``; NaN where data is missing."""
    if rules.benchmark_e is None:
        raise ValueError(f"vintage {rules.vintage}: no {rules.basis}-based benchmark table "
                         "(spec/carbon-ets.md open item 1) — supply one with the switch "
                         "benchmarks_2023_2024 (e.g. --benchmarks file.json); nothing computed")
    out = df.copy()
    cf = correction_factors(df, rules)
    be = {k: x.value for k, x in rules.benchmark_e.items()}
    bh = {k: x.value for k, x in rules.benchmark_h.items()}
    out["b_e"] = df["category"].map(be).astype(float)
    out["b_h"] = df["category"].map(bh).astype(float)
    qcol = "supply_mwh" if rules.basis == "supply" else "generation_mwh"
    q = df[qcol].astype(float)
    heat = df["heat_gj"].astype(float).fillna(0.0)
    for c in ("f_cooling", "f_heat", "f_load", "F"):
        out[c] = cf[c]
    out["output_mwh"] = q
    out["allocation_t"] = out["b_e"] * q * out["F"] + out["b_h"] * heat
    bmarks = df["category"].map({k: x.tag("B_e") for k, x in rules.benchmark_e.items()})
    bhm = df["category"].map({k: x.tag("B_h") for k, x in rules.benchmark_h.items()})
    out["marks"] = bmarks.fillna("B_e[?]") + " " + bhm.fillna("B_h[?]") + cf["marks"]
    return out


def _mark_of(marks: pd.Series) -> pd.Series:
    return marks.map(lambda s: weakest(t[-2] for t in str(s).split() if t.endswith("]")))


def allocate(activity: pd.DataFrame, rules: PowerRules, unit_ids=None) -> pd.DataFrame:
    """Final (核定) allocation per unit for the vintage of ``rules``: the sum over its output
    years (``rules.years``) of ``B_e × Q × F + B_h × Q_h``.

    A unit lacking an output year, or with a missing output, gets ``allocation_t`` NaN and
    ``complete`` False (never summed as if complete).

    Returns one row per unit: unit_id, credit_code, category, vintage, output_mwh, heat_gj,
    b_e, b_h, F (of the last year), allocation_t, complete, missing, rule_version, marks, mark.
    """
    years = list(rules.years)
    rows = activity[activity["year"].isin(years)]
    ids = pd.Index(unit_ids if unit_ids is not None else activity["unit_id"].unique(),
                   name="unit_id")
    grid = pd.MultiIndex.from_product([ids, years], names=["unit_id", "year"]).to_frame(
        index=False)
    info = activity.drop_duplicates("unit_id").set_index("unit_id")[
        ["credit_code", "category", "cooling", "generation_type"]]
    rows = grid.merge(rows.drop(columns=["credit_code", "category", "cooling",
                                         "generation_type"], errors="ignore"),
                      on=["unit_id", "year"], how="left").join(info, on="unit_id")
    uy = _unit_year(rows, rules)
    uy["missing"] = np.where(uy["allocation_t"].isna(), uy["year"].astype(str), "")
    g = uy.groupby("unit_id", sort=False)
    out = g.agg(credit_code=("credit_code", "first"), category=("category", "first"),
                output_mwh=("output_mwh", "sum"), heat_gj=("heat_gj", "sum"),
                b_e=("b_e", "first"), b_h=("b_h", "first"), F=("F", "last"),
                f_load=("f_load", "last"), f_cooling=("f_cooling", "last"),
                f_heat=("f_heat", "last"),
                allocation_t=("allocation_t", "sum"), n_years=("allocation_t", "count"),
                marks=("marks", "first")).reset_index()
    out["complete"] = out["n_years"] == len(years)
    out["allocation_t"] = out["allocation_t"].where(out["complete"])
    miss = uy.loc[uy["missing"] != ""].groupby("unit_id")["missing"].agg(",".join)
    mm = out["unit_id"].map(miss).astype(object)
    out["missing"] = mm.where(mm.notna(), "")
    out = out.drop(columns="n_years")
    out.insert(3, "vintage", rules.vintage)
    out["rule_version"] = rules.version
    out["mark"] = _mark_of(out["marks"])
    return out


def preallocate(activity: pd.DataFrame, rules: PowerRules, unit_ids=None) -> pd.DataFrame:
    """Pre-allocation per unit (§1.3): ``rules.preallocation_share`` (70 % [V]) × the allocation
    computed on the base year's output (2019–20: 2018 [V]; later: the previous year [M]) with
    the vintage's benchmarks and corrections, summed over the vintage's output years."""
    base = activity.copy()
    inv: dict[int, list[int]] = {}
    for out_year, b in rules.preallocation_base.items():
        inv.setdefault(b, []).append(out_year)
    parts = []
    for b, outs in inv.items():
        for oy in outs:
            part = base[base["year"] == b].copy()
            part["year"] = oy
            parts.append(part)
    shifted = pd.concat(parts, ignore_index=True) if parts else base.iloc[0:0]
    a = allocate(shifted if len(shifted) else base.iloc[0:0], rules,
                 unit_ids if unit_ids is not None else activity["unit_id"].unique())
    share = rules.preallocation_share
    a["preallocation_t"] = share.value * a["allocation_t"]
    a["marks"] = a["marks"] + f" {share.tag('pre_share')} pre_base[{rules.preallocation_base_mark}]"
    a["mark"] = _mark_of(a["marks"])
    a["base_years"] = ",".join(str(b) for b in inv)
    return a[["unit_id", "credit_code", "vintage", "base_years", "preallocation_t", "complete",
              "missing", "rule_version", "marks", "mark"]]


def round_allowances(x, switch: str = "none"):
    """Allowances as issued: ``"none"`` keeps the decimals (the spec's worked example shows
    0.1 t); ``"tonne"`` rounds half up to whole tonnes (a choice [D]: no rule is stated)."""
    if switch == "tonne":
        return np.floor(np.asarray(x, dtype=float) + 0.5)
    return x
