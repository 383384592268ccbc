"""Emission accounting of power-generation facilities (spec/carbon-accounting.md §2, MEE guideline
2022 revision structure).

Combustion, per unit × month × fuel (one vectorised pass)::

    measured element carbon (coal):  E = FC × C_ar × OF × 44/12
    carbon per unit heat:            E = FC × NCV × CC × OF × 44/12

Tier of each factor (columns ``ncv_source``, ``cc_source``, ``of_source``): ``measured`` when the
row carries it, else the default of :mod:`qingshan.carbon.standards.accounting` with its mark
(coal: 0.03085 tC/GJ for 2021–22 [V], oxidation 99 % [M]). Coal has no NCV default: a coal month
without NCV and without element carbon is ``incomplete`` (no figure). Every month using a default
is flagged, with the impact of the default against the unit's consumption-weighted measured
carbon content of the same fuel and year (``default_impact_t``).

Purchased electricity: MWh × the grid factor of the year (ETS reporting series, §2.2).
Intensities (§2.3): E_power = E × (1 − 供热比), E_heat = E × 供热比; per MWh supplied, per GJ of
heat, per MWh generated; load factor = generation ÷ (capacity × hours).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.carbon.standards import accounting as std
from qingshan.carbon.standards.switches import DEFAULT, Switches

__all__ = ["FUEL_COLUMNS", "combustion", "electricity", "annual", "intensities",
           "monthly_evidence"]

FUEL_COLUMNS = ("unit_id", "year", "month", "fuel", "consumption", "ncv", "carbon_ar", "cc",
                "oxidation", "lab", "reported_on")


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    return (pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float) if col in df
            else np.full(len(df), np.nan))


def combustion(fuel: pd.DataFrame, switches: Switches = DEFAULT) -> pd.DataFrame:
    """Combustion emissions of every fuel row with the tier and provenance of each factor.

    Adds: ncv_used, cc_used, of_used, ncv_source, cc_source, of_source, tier, emission_t,
    default_used, default_impact_t, complete, marks.
    """
    f = fuel.copy()
    fuel_kind = f["fuel"].to_numpy()
    year = f["year"].to_numpy(dtype=int)
    fc = _num(f, "consumption")
    ncv, car, cc, of = (_num(f, c) for c in ("ncv", "carbon_ar", "cc", "oxidation"))
    coal = fuel_kind == "coal"
    # defaults by fuel (vectorised maps) and by year for coal CC
    ncv_def = pd.Series(fuel_kind).map({k: x.value for k, x in std.NCV_DEFAULT.items()}
                                       ).to_numpy(dtype=float)
    cc_def_other = pd.Series(fuel_kind).map({k: x.value for k, x in std.CC_DEFAULT.items()}
                                            ).to_numpy(dtype=float)
    years = np.unique(year)
    coal_cc = {int(y): std.coal_default_cc(int(y), switches.coal_cc_default_from_2023)
               for y in years}
    cc_def_coal = pd.Series(year).map({y: x.value for y, x in coal_cc.items()}).to_numpy(float)
    cc_def_mark = pd.Series(year).map({y: x.mark for y, x in coal_cc.items()}).to_numpy(object)
    of_def = pd.Series(fuel_kind).map({k: x.value for k, x in std.OXIDATION.items()}
                                      ).to_numpy(dtype=float)
    of_def = np.where(coal, switches.coal_oxidation, of_def)
    of_mark = pd.Series(fuel_kind).map({k: x.mark for k, x in std.OXIDATION.items()}
                                       ).to_numpy(object)

    has_car = ~np.isnan(car)
    has_cc = ~np.isnan(cc)
    has_ncv = ~np.isnan(ncv)
    ncv_used = np.where(has_ncv, ncv, ncv_def)
    cc_default = np.where(coal, cc_def_coal, cc_def_other)
    cc_used = np.where(has_car, car / np.where(ncv_used > 0, ncv_used, np.nan),
                       np.where(has_cc, cc, cc_default))
    of_used = np.where(np.isnan(of), of_def, of)
    k = std.C_TO_CO2
    e = np.where(has_car, fc * car * of_used * k, fc * ncv_used * cc_used * of_used * k)
    f["ncv_used"], f["cc_used"], f["of_used"] = ncv_used, cc_used, of_used
    f["ncv_source"] = np.where(has_ncv, "measured",
                               np.where(np.isnan(ncv_def), "missing", "default[M]"))
    f["cc_source"] = np.where(has_car, "measured element carbon",
                              np.where(has_cc, "measured",
                                       np.where(coal, "default[" + cc_def_mark + "]",
                                                "default[M]")))
    f["of_source"] = np.where(np.isnan(of), "default[" + of_mark + "]", "measured")
    f["tier"] = np.where(has_car | has_cc, "measured", "default")
    f["default_used"] = ~(has_car | has_cc) | ~has_ncv | np.isnan(of)
    ok = ~np.isnan(e) & ~np.isnan(fc)
    f["emission_t"] = np.where(ok, e, np.nan)
    f["complete"] = ok
    # impact of a default carbon content: against the unit's measured CC (consumption-weighted)
    meas = has_car | has_cc
    w = pd.DataFrame({"unit_id": f["unit_id"].to_numpy(), "year": year, "fuel": fuel_kind,
                      "wcc": np.where(meas, fc * ncv_used * cc_used, 0.0),
                      "wh": np.where(meas & ~np.isnan(ncv_used), fc * ncv_used, 0.0),
                      "meas": meas.astype(int)})
    g = w.groupby(["unit_id", "year", "fuel"])[["wcc", "wh", "meas"]].transform("sum")
    mean_cc = (g["wcc"] / g["wh"].where(g["wh"] > 0)).to_numpy()
    f["measured_months"] = g["meas"].to_numpy()
    f["default_impact_t"] = np.where(~meas & ok, e - fc * ncv_used * mean_cc * of_used * k,
                                     np.nan)
    f["below_min_measured"] = coal & (g["meas"].to_numpy() < std.MIN_MEASURED_MONTHS.value)
    f["marks"] = ("NCV:" + f["ncv_source"] + " CC:" + f["cc_source"] + " OF:" + f["of_source"])
    return f


def electricity(elec: pd.DataFrame, purpose: str = "ets") -> pd.DataFrame:
    """Indirect emissions of purchased electricity: MWh × the grid factor of the row's year
    (``purpose`` "ets": the ETS reporting parameter, §2.2). A year without a factor raises
    ValueError naming it."""
    e = elec.copy()
    years = sorted({int(y) for y in e["year"].unique()})
    fac = {y: std.grid_factor(y, purpose) for y in years}
    e["grid_factor"] = e["year"].map({y: x.value for y, x in fac.items()}).astype(float)
    e["grid_factor_mark"] = e["year"].map({y: x.mark for y, x in fac.items()})
    e["grid_factor_source"] = e["year"].map({y: x.source for y, x in fac.items()})
    e["indirect_t"] = pd.to_numeric(e["purchased_mwh"], errors="coerce") * e["grid_factor"]
    return e


def annual(comb: pd.DataFrame, elec: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per unit × year: direct (combustion) and indirect emissions, months covered, months
    with defaults, whether every row was complete, the guideline (``rule_version``) and the
    weakest factor mark (``mark``: M when any [M] default entered; the grid factor's own mark is
    on the electricity rows)."""
    g = comb.groupby(["unit_id", "year"])
    a = g.agg(direct_t=("emission_t", "sum"), rows=("emission_t", "size"),
              complete=("complete", "all"), default_rows=("default_used", "sum"),
              months=("month", "nunique"),
              default_impact_t=("default_impact_t", "sum")).reset_index()
    if elec is not None and len(elec):
        ind = elec.groupby(["unit_id", "year"])["indirect_t"].sum().rename("indirect_t")
        a = a.merge(ind.reset_index(), on=["unit_id", "year"], how="left")
    else:
        a["indirect_t"] = np.nan
    a["indirect_t"] = a["indirect_t"].fillna(0.0)
    a["direct_t"] = a["direct_t"].where(a["complete"])
    a["total_t"] = a["direct_t"] + a["indirect_t"]
    fm = comb.assign(w=comb["marks"].str.contains(r"default\[M\]", regex=True)).groupby(
        ["unit_id", "year"])["w"].any()
    a["mark"] = np.where(a.set_index(["unit_id", "year"]).index.map(fm).fillna(False)
                         .to_numpy(dtype=bool), "M", "V")
    a["rule_version"] = std.GUIDELINE.value
    return a


def intensities(ann: pd.DataFrame, activity: pd.DataFrame) -> pd.DataFrame:
    """Carbon intensities of every unit × year (§2.3, [M] definitions): tCO2/MWh supplied,
    tCO2/GJ heat, tCO2/MWh generated, and the load factor when capacity and hours are given."""
    x = ann.merge(activity, on=["unit_id", "year"], how="left")
    ratio = pd.to_numeric(x.get("heat_ratio"), errors="coerce").fillna(0.0)
    e = x["total_t"]
    x["e_power_t"] = e * (1 - ratio)
    x["e_heat_t"] = e * ratio
    pos = lambda s: pd.to_numeric(s, errors="coerce").where(lambda v: v > 0)  # noqa: E731
    x["supply_intensity_t_per_mwh"] = x["e_power_t"] / pos(x.get("supply_mwh"))
    x["generation_intensity_t_per_mwh"] = x["e_power_t"] / pos(x.get("generation_mwh"))
    x["heat_intensity_t_per_gj"] = x["e_heat_t"] / pos(x.get("heat_gj"))
    if "capacity_mw" in x and "hours" in x:
        x["load_factor_computed"] = pos(x["generation_mwh"]) / (
            pos(x["capacity_mw"]) * pos(x["hours"]))
    return x


def monthly_evidence(comb: pd.DataFrame, switches: Switches = DEFAULT) -> pd.DataFrame:
    """The monthly evidence check (§2.4–2.5): per unit × month, reported within
    ``monthly_report_days`` (40 [M]) of the month end, defaults used, measured values from an
    accredited lab (CNAS or CMA), fewer measured coal months than the minimum (3 [V])."""
    c = comb.copy()
    end = pd.to_datetime(dict(year=c["year"], month=c["month"], day=1)) + pd.offsets.MonthEnd(0)
    rep = pd.to_datetime(c.get("reported_on"), errors="coerce")
    c["report_due"] = (end + pd.Timedelta(days=switches.monthly_report_days)).dt.date
    c["reported_late"] = rep.isna().to_numpy() | (rep > end + pd.Timedelta(
        days=switches.monthly_report_days)).to_numpy()
    lab = c.get("lab", pd.Series("", index=c.index)).fillna("").astype(str).str.upper()
    c["lab_ok"] = ~(c["tier"] == "measured") | lab.str.contains("CNAS|CMA", regex=True)
    g = c.groupby(["unit_id", "year", "month"])
    out = g.agg(fuels=("fuel", "nunique"), emission_t=("emission_t", "sum"),
                default_used=("default_used", "any"), reported_late=("reported_late", "any"),
                lab_ok=("lab_ok", "all"), below_min_measured=("below_min_measured", "any"),
                report_due=("report_due", "first")).reset_index()
    out["issues"] = (np.where(out["default_used"], "default used; ", "")
                     + np.where(out["reported_late"], "reported late or not reported; ", "")
                     + np.where(~out["lab_ok"], "measured value without CNAS/CMA lab; ", "")
                     + np.where(out["below_min_measured"],
                                "fewer than 3 months of measured element carbon; ", ""))
    out["issues"] = out["issues"].str.rstrip("; ")
    return out
