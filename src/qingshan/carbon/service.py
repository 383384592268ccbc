"""Carbon services: plain data (DataFrames and dicts) for the CLI, API, pages and bulletin.

Every function takes a :class:`~qingshan.carbon.data.CarbonData` (read from the operational
store by :func:`qingshan.carbon.ledger.load`, or the demo) and the switches of the spec's open
items (:class:`~qingshan.carbon.standards.switches.Switches`); every figure carries its rule
version and provenance marks, synthetic demo data says so (``synthetic``).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd

from qingshan.carbon.data import CarbonData, from_templates
from qingshan.carbon.engine import accounting as acc
from qingshan.carbon.engine import compliance as comp
from qingshan.carbon.engine import dqcp
from qingshan.carbon.engine.allocation import allocate, preallocate, round_allowances
from qingshan.carbon.standards import industry as ind
from qingshan.carbon.standards import power
from qingshan.carbon.standards.published import NATIONAL
from qingshan.carbon.standards.switches import DEFAULT, Switches, describe

__all__ = ["allocation_table", "position_table", "period_positions", "accounting_tables",
           "city_summary", "enterprise_detail", "footprints", "read_files", "known_refs",
           "vintages", "latest_plans", "deadline_alerts", "carry_over_table", "NoData"]


class NoData(ValueError):
    """Nothing to compute from (no enterprise, no unit, no data for the vintage)."""


def vintages() -> list[str]:
    """Every power vintage with rules, oldest first."""
    return list(power.RULES)


def _need(data: CarbonData, what: str) -> None:
    if not len(data.enterprises):
        raise NoData("no enterprises in the carbon ledger: import them first "
                     "(qingshan carbon import --enterprises enterprises.xlsx) or load the demo "
                     "(qingshan carbon demo)")
    if what == "units" and not len(data.units):
        raise NoData("no units in the carbon ledger: import units.xlsx first")


def _ents(data: CarbonData) -> pd.DataFrame:
    return data.enterprises[["credit_code", "name", "city_code", "county_code", "sector",
                             "synthetic"]]


def allocation_table(data: CarbonData, vintage: str, switches: Switches = DEFAULT
                     ) -> pd.DataFrame:
    """Per power unit: pre-allocation (70 %), final allocation and true-up of ``vintage``, with
    the enterprise, rule version and marks. A missing load factor is computed as generation ÷
    (capacity × operating hours) (spec/carbon-ets.md §1.2 definition, [M]). Raises NoData /
    ValueError (open item 1 for 2023 and 2024 without a benchmark table)."""
    _need(data, "units")
    r = power.rules(vintage, switches)
    act = data.unit_activity()
    # 负荷（出力）系数 = generation ÷ (capacity × operating hours) [M] where not given
    lf = pd.to_numeric(act["generation_mwh"], errors="coerce") / (
        pd.to_numeric(act["capacity_mw"], errors="coerce")
        * pd.to_numeric(act["hours"], errors="coerce")).where(lambda x: x > 0)
    act["load_factor"] = pd.to_numeric(act["load_factor"], errors="coerce").fillna(lf)
    pw = data.units[data.units["category"].isin(list(power.CATEGORIES))]
    act = act[act["unit_id"].isin(pw["unit_id"])]
    if not len(pw):
        raise NoData("no power units in the carbon ledger")
    a = allocate(act, r, unit_ids=pw["unit_id"])
    pre = preallocate(act, r, unit_ids=pw["unit_id"])
    a = a.merge(pre[["unit_id", "preallocation_t", "base_years"]], on="unit_id", how="left")
    a["allocation_t"] = round_allowances(a["allocation_t"], switches.rounding)
    a["preallocation_t"] = round_allowances(a["preallocation_t"], switches.rounding)
    a["true_up_t"] = a["allocation_t"] - a["preallocation_t"]
    a["credit_code"] = a["unit_id"].map(pw.set_index("unit_id")["credit_code"])
    return a.merge(_ents(data), on="credit_code", how="left")


def _verified(data: CarbonData, vintage: str, include_indirect: bool) -> pd.DataFrame:
    v = data.verified[data.verified["vintage"] == vintage].copy()
    d = pd.to_numeric(v["verified_direct_t"], errors="coerce")
    i = pd.to_numeric(v["verified_indirect_t"], errors="coerce").fillna(0.0)
    v["verified_t"] = d + (i if include_indirect else 0.0)
    return v[["unit_id", "verified_t"]]


def position_table(data: CarbonData, vintage: str, today: date | None = None,
                   switches: Switches = DEFAULT, *, with_allocation: bool = False):
    """Compliance position of every enterprise for ``vintage``: allocation, verified emissions
    (in the vintage's scope: with purchased electricity up to 2022 [V], without from 2023 [V]),
    obligation after relief, CCER limit, surrendered, surplus/deficit, status, deadline, alert,
    penalty estimate, rule version and marks. Power units by the power rules; process lines of
    steel/cement/aluminium by :mod:`~qingshan.carbon.standards.industry` (2024: allocation =
    verified). ``with_allocation``: return ``(positions, unit allocations)``."""
    _need(data, "units")
    today = today or date.today()
    out, al = [], None
    prices = dict(zip(data.prices["month"], pd.to_numeric(data.prices["avg_price_cny"],
                                                         errors="coerce")))
    pw_units = data.units[data.units["category"].isin(list(power.CATEGORIES))]
    if len(pw_units) and vintage in power.RULES:
        r = power.rules(vintage, switches)
        al = allocation_table(data, vintage, switches)
        u = al[["unit_id", "credit_code", "category", "allocation_t", "marks"]].merge(
            _verified(data, vintage, bool(r.include_indirect.value)), on="unit_id", how="left")
        ob = comp.obligations(u, r, switches)
        out.append(comp.position(ob, data.surrenders[data.surrenders["vintage"] == vintage], r,
                                 today, switches, prices))
    pl = data.units[data.units["category"] == "P"]
    if len(pl) and vintage in ind.RULES:
        r = ind.RULES[vintage]
        if not r.grandfathered and not switches.industrial_2025:
            raise ValueError("industrial 2025 allocation formula not retrieved (spec/carbon-ets.md "
                             "open item 3): supply it with the switch industrial_2025")
        v = _verified(data, vintage, False)
        u = pl[["unit_id", "credit_code", "category"]].merge(v, on="unit_id", how="left")
        u["allocation_t"] = u["verified_t"]
        u["marks"] = "grandfathered[V]"
        ob = comp.obligations(u, r, switches)
        out.append(comp.position(ob, data.surrenders[data.surrenders["vintage"] == vintage], r,
                                 today, switches, prices))
    if not out:
        raise NoData(f"no units with rules for vintage {vintage}")
    p = pd.concat(out, ignore_index=True).merge(_ents(data), on="credit_code", how="left")
    return (p, al) if with_allocation else p


def deadline_alerts(today: date | None = None, switches: Switches = DEFAULT) -> pd.DataFrame:
    """Every dated step of every vintage (pre-allocation submission, verification, final
    allocation, the 95 % and final surrender deadlines; spec/carbon-ets.md §1.3, §1.6) with the
    days left and the alert level (``due_<n>d`` for the smallest alert horizon of
    ``switches.alert_days`` reached, ``past`` once the day has gone)."""
    today = today or date.today()
    rows = [dict(vintage=v, step=x.key, day=x.day, share=x.share, mark=x.mark, source=x.source)
            for v, r in power.RULES.items() for x in r.deadlines]
    df = pd.DataFrame(rows)
    left = (pd.to_datetime(df["day"]) - pd.Timestamp(today)).dt.days
    df["days_left"] = left
    level = pd.Series("", index=df.index, dtype=object)
    for n in sorted(switches.alert_days, reverse=True):
        level = level.mask((left >= 0) & (left <= n), f"due_{n}d")
    df["alert"] = level.mask(left < 0, "past")
    return df


def carry_over_table(data: CarbonData, today: date | None = None,
                     switches: Switches = DEFAULT) -> pd.DataFrame:
    """Bankable surplus into 2025 per enterprise (spec/carbon-ets.md §1.7 [V]): surplus =
    Σ allocations 2019–2024 − Σ CEA surrendered for them − net sales 2019–2024 (the
    enterprise's ``net_sales_t``; [D]); bankable = min(surplus, 10,000 + 1.5 × net sales), the
    rest lapses. Needs the 2023 and 2024 allocations, so the benchmark table of open item 1."""
    for v in power.RULES:                     # refuse before computing anything
        if power.rules(v, switches).benchmark_e is None:
            raise ValueError(f"carry-over needs the {v} allocation: no benchmark table for {v} "
                             "(spec/carbon-ets.md open item 1) — supply one with the switch "
                             "benchmarks_2023_2024 (--benchmarks file.json)")
    rows = [position_table(data, v, today, switches) for v in power.RULES]
    p = pd.concat(rows, ignore_index=True)
    g = p.groupby("credit_code").agg(allocation_t=("allocation_t", "sum"),
                                     cea_t=("cea_t", "sum"), complete=("complete", "all"),
                                     vintages=("vintage", "nunique")).reset_index()
    ns = pd.to_numeric(data.enterprises.set_index("credit_code")["net_sales_t"],
                       errors="coerce")
    g["net_sales_t"] = g["credit_code"].map(ns)
    g["complete"] = g["complete"] & g["net_sales_t"].notna() & (g["vintages"] == len(power.RULES))
    surplus = g["allocation_t"] - g["cea_t"] - g["net_sales_t"]
    co = comp.carry_over(surplus.fillna(0.0), g["net_sales_t"].fillna(0.0), power.RULES["2024"])
    out = pd.concat([g, co], axis=1)
    for c in ("surplus_t", "carry_limit_t", "bankable_t", "lapsed_t"):
        out[c] = out[c].where(out["complete"])
    out["rule_version"] = power.RULES["2024"].version
    out["mark"] = "V"
    return out.merge(_ents(data), on="credit_code", how="left")


def period_positions(data: CarbonData, period: str, today: date | None = None,
                     switches: Switches = DEFAULT) -> pd.DataFrame:
    """Positions of every vintage of a compliance period (``2021-2022`` → 2021 and 2022) or of
    one vintage, one row per enterprise × vintage."""
    return pd.concat([position_table(data, v, today, switches)
                      for v in power.vintages_of(period)], ignore_index=True)


def city_summary(data: CarbonData, period: str, today: date | None = None,
                 city_code: str | None = None, switches: Switches = DEFAULT,
                 positions: pd.DataFrame | None = None) -> dict:
    """"N of M enterprises complied" for a period (an enterprise complied when every vintage of
    the period is on time or late), per-vintage counts, completion by quantity, and the national
    published figure of the period next to it (context, never mixed in). ``positions``: the
    period's positions when the caller has them already."""
    p = period_positions(data, period, today, switches) if positions is None else positions
    if city_code:
        p = p[p["city_code"] == city_code]
    if not len(p):
        raise NoData(f"no enterprise of city {city_code} in the ledger")
    g = p.groupby("credit_code")["status"]
    incomplete = g.agg(lambda s: (s == "incomplete").any())
    complied = g.agg(lambda s: s.isin(["on_time", "late"]).all())
    per = {v: comp.completion(p[p["vintage"] == v]) for v in p["vintage"].unique()}
    nat = NATIONAL.get(period) or NATIONAL.get(p["vintage"].iloc[0]) or {}
    return {"period": period, "city_code": city_code, "enterprises": int(len(complied)),
            "assessed": int((~incomplete).sum()), "complied": int((complied & ~incomplete).sum()),
            "incomplete": int(incomplete.sum()), "by_vintage": per,
            "national_completion_pct": (nat["completion_pct"].value
                                        if "completion_pct" in nat else None),
            "national_mark": nat["completion_pct"].mark if "completion_pct" in nat else None,
            "synthetic": bool(p["synthetic"].fillna(False).astype(bool).any()),
            "rule_versions": sorted(p["rule_version"].unique()),
            "switches": describe(switches)}


def accounting_tables(data: CarbonData, year: int, switches: Switches = DEFAULT
                      ) -> dict[str, pd.DataFrame]:
    """Emission accounting of ``year``: ``fuel`` (every fuel row with tier and provenance),
    ``annual`` (per unit: direct, indirect, total, intensities), ``months`` (monthly evidence
    and its issues) and, when plans are stored, ``plan_check`` (calibration at each month end)
    and ``plan_problems`` (plan items against the guideline's standards)."""
    _need(data, "units")
    fuel = data.fuel[pd.to_numeric(data.fuel["year"]) == year]
    if not len(fuel):
        raise NoData(f"no fuel data for {year} in the carbon ledger")
    c = acc.combustion(fuel, switches)
    el = data.electricity[pd.to_numeric(data.electricity["year"]) == year]
    e = acc.electricity(el) if len(el) else None
    ann = acc.annual(c, e)
    act = data.annual.merge(data.units[["unit_id", "capacity_mw"]], on="unit_id", how="left")
    ann = acc.intensities(ann, act).merge(data.units[["unit_id", "credit_code"]], on="unit_id",
                                          how="left").merge(_ents(data), on="credit_code",
                                                            how="left")
    months = acc.monthly_evidence(c, switches)
    out = {"fuel": c, "annual": ann, "months": months}
    if len(data.dqcp):
        plan = latest_plans(data.dqcp)
        out["plan_check"] = dqcp.check(plan, months)
        out["plan_problems"] = pd.DataFrame({"problem": dqcp.validate_plan(plan)})
    return out


def latest_plans(plan: pd.DataFrame) -> pd.DataFrame:
    """The latest version (highest by text order) of every unit's data-quality-control plan."""
    last = plan.groupby("unit_id")["version"].transform("max")
    return plan[plan["version"] == last]


def enterprise_detail(data: CarbonData, credit_code: str, today: date | None = None,
                      switches: Switches = DEFAULT) -> dict:
    """One enterprise: its record, units, its accounted emissions per unit and year, and per
    vintage its allocation and position (the allocation and emissions trail); vintages that
    cannot be computed say why."""
    e = data.enterprises[data.enterprises["credit_code"] == credit_code]
    if not len(e):
        raise NoData(f"no enterprise {credit_code!r} in the carbon ledger")
    units = data.units[data.units["credit_code"] == credit_code]
    trail, notes, allocs = [], {}, []
    for v in vintages():
        try:
            p, al = position_table(data, v, today, switches, with_allocation=True)
        except ValueError as err:
            notes[v] = str(err)
            continue
        row = p[p["credit_code"] == credit_code]
        if len(row):
            trail.append(row)
        if al is not None:
            allocs.append(al[al["credit_code"] == credit_code])
    mine = set(units["unit_id"])
    fuel = data.fuel[data.fuel["unit_id"].isin(mine)]
    if len(fuel):
        el = data.electricity[data.electricity["unit_id"].isin(mine)]
        emissions = acc.annual(acc.combustion(fuel, switches),
                               acc.electricity(el) if len(el) else None)
    else:
        emissions = pd.DataFrame()
    return {"enterprise": e.iloc[0].to_dict(), "units": units, "emissions": emissions,
            "positions": pd.concat(trail, ignore_index=True) if trail else pd.DataFrame(),
            "allocations": pd.concat(allocs, ignore_index=True) if allocs else pd.DataFrame(),
            "notes": notes}


#: Brightway results by the sha256 of the bill of activities and boundaries (the factor library
#: is shipped data, fixed for a process): the same bill is not recomputed
_FOOTPRINTS: dict[str, dict[str, pd.DataFrame]] = {}


def footprints(data: CarbonData, product_id: str | None = None,
               project_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Brightway footprints of every product (or one), per product, stage and input, in kg CO2e
    per declared unit, with the product's enterprise and whether it is synthetic."""
    from qingshan.carbon.engine.footprint import brightway
    from qingshan.carbon.standards.footprint import factors

    prods = data.products
    if product_id is not None:
        prods = prods[prods["product_id"] == product_id]
    if not len(prods):
        raise NoData(f"no product {product_id!r}" if product_id else
                     "no products in the carbon ledger (qingshan carbon demo loads 11 synthetic "
                     "ones)")
    need = set(prods["product_id"])
    links = data.bom[data.bom["product_id"].isin(need)]["input_id"].astype(str)
    need |= {x[8:] for x in links if x.startswith("product:")}
    bom = data.bom[data.bom["product_id"].isin(need)]
    allp = data.products[data.products["product_id"].isin(need)]
    key = hashlib.sha256((bom.to_csv(index=False) + allp[["product_id", "boundary"]].to_csv(
        index=False)).encode()).hexdigest()
    if key not in _FOOTPRINTS or project_dir is not None:
        _FOOTPRINTS[key] = brightway(bom, allp, factors(), project_dir)
        while len(_FOOTPRINTS) > 16:
            _FOOTPRINTS.pop(next(iter(_FOOTPRINTS)))
    want = set(prods["product_id"])
    out = {k: v[v["product_id"].isin(want)].copy() for k, v in _FOOTPRINTS[key].items()}
    out["products"] = out["products"][out["products"]["product_id"].isin(
        prods["product_id"])].merge(_ents(data)[["credit_code", "name"]].rename(
            columns={"name": "enterprise"}), on="credit_code", how="left")
    return out


def known_refs(data: CarbonData, province) -> dict:
    """Reference sets for the template readers: the province's cities and counties, and the
    credit codes and unit ids already in the ledger."""
    counties = {c.code: city.code for city in province.cities
                for c in getattr(city, "counties", []) or []}
    return {"cities": {c.code for c in province.cities}, "counties": set(counties),
            "county_city": counties, "credit_codes": set(data.enterprises["credit_code"]),
            "unit_ids": set(data.units["unit_id"]),
            "product_ids": set(data.products["product_id"])}


def read_files(files: dict[str, Path], data: CarbonData, province) -> CarbonData:
    """Validate workbooks (kind → path) against the province and the ledger; the tables to
    store, or :class:`~qingshan.carbon.ingest.TemplateError` naming every problem."""
    from qingshan.carbon.ingest import read_workbooks
    return from_templates(read_workbooks(files, known_refs(data, province)))
