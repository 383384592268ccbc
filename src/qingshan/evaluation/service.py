"""Evaluation services: plain data for the CLI, the API, the pages and the bulletin.

Where the values come from (first that applies):
1. a data file given by the caller (long CSV: unit, indicator, year, value[, unit_name, source]);
2. the framework's own data file (``[framework].data``, e.g. the COINr ASEM example);
3. the store: **computed** indicators from the domains' services — never re-implemented here —
   (:data:`COMPUTED`: ``qingshan.air.service.assess`` for PM2.5, PM10, good-day ratio, heavy days,
   composite index; ``qingshan.water.service.water_assessment`` for the good (I–III) and
   inferior-V shares and drinking-water compliance; ``coastal_assessment`` for the coastal
   excellent share), plus **accepted** submissions of the submitted indicators.
No data for the run year is an error with a clear message, never a page of zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qingshan.config.province import ProvinceConfig
from qingshan.evaluation.engine.pipeline import EngineError, EvalInput, Result, evaluate
from qingshan.evaluation.engine.results import explain, long_table
from qingshan.evaluation.framework import Framework, Indicator
from qingshan.evaluation.frameworks import list_frameworks, load_framework, repo_root
from qingshan.evaluation.ingest.data import framework_data, from_long, read_long

__all__ = ["COMPUTED", "EvalRun", "computed_specs", "computed_values", "load_input", "run", "explain_unit",
           "sensitivity", "framework_tree", "frameworks", "parse_variations",
           "parse_node_weights", "EngineError"]

#: compute key -> (service, column) of the domain service that computes it (city level)
COMPUTED = {
    "air.pm25": ("air", "pm25"),
    "air.pm10": ("air", "pm10"),
    "air.good_rate": ("air", "good_day_ratio"),
    "air.heavy_days": ("air", "heavy_days"),
    "air.composite": ("air", "composite_index"),
    "water.good_share": ("water", "excellent_pct"),
    "water.inferior_v_share": ("water", "inferior_v_pct"),
    "water.drinking_compliance": ("water", "drinking_rate_count"),
    "water.coastal_excellent": ("coastal", "excellent_pct_count"),
}


def frameworks() -> list[dict]:
    return list_frameworks()


def framework_tree(name: str) -> dict:
    """The framework as a nested tree (plain data, targets with their marks)."""
    fw = load_framework(name)

    def node(code: str) -> dict:
        x = fw.by_code[code]
        d = {"code": code, "name_zh": x.name_zh, "name_en": x.name_en, "weight": x.weight,
             "level": fw.levels[code]}
        if isinstance(x, Indicator):
            d.update(kind="indicator", unit=x.unit, direction=x.direction, source=x.source,
                     compute=x.compute, standard=x.standard, denominator=x.denominator,
                     mark=x.mark, targets=[t.model_dump() | {"label": t.label} for t in x.targets])
        else:
            d.update(kind="node", aggregation=x.aggregation or fw.method.aggregation,
                     weights=x.weights or fw.method.weights,
                     children=[node(k) for k in fw.children(code)])
        return d
    return {"framework": fw.framework.model_dump(), "method": fw.method.model_dump(),
            "tree": node(fw.root)}


def _service_frame(con, which: str, year: int) -> pd.DataFrame:
    if which == "air":
        # the air service's assessment from the materialised daily rows (the same frame as
        # qingshan.air.service.assess — the daily-row tests compare them column for column —
        # and the hourly chain whenever the rows are not those of the store now)
        from datetime import date

        from qingshan.air.daily import assess
        from qingshan.air.service import has_hourly
        if not has_hourly(con, date(year, 1, 1), date(year, 12, 31)):   # nothing to assess
            return pd.DataFrame()
        df = assess(con, str(year), "city")
        return df.set_index("code")
    if which == "water":
        from qingshan.water.service import water_assessment
        df = water_assessment(con, str(year), "city")
        return df.set_index("group_key")
    from qingshan.water.service import coastal_assessment
    df = coastal_assessment(con, str(year), "city")
    return df.set_index("group_key")


def computed_specs(fw: Framework) -> tuple[tuple[str, str], ...]:
    """(indicator code, computed quantity) of the framework's computed indicators: all that
    :func:`computed_values` reads of the framework (the key of a kept panel)."""
    return tuple((i.code, i.compute) for i in fw.indicators
                 if i.source == "computed" and i.compute)


def computed_values(con, fw: Framework | tuple, years: list[int] | tuple) -> pd.DataFrame:
    """Long rows (unit, indicator, year, value, source) of the computed indicators, from the
    domain services (a service with no data for a year contributes no rows). ``fw``: the
    framework or its :func:`computed_specs`."""
    wanted = computed_specs(fw) if isinstance(fw, Framework) else tuple(fw)
    unknown = sorted({c for _, c in wanted} - set(COMPUTED))
    if unknown:
        raise EngineError(f"no domain service computes {unknown}")
    rows = []
    for y in years:
        frames: dict[str, pd.DataFrame] = {}
        for code, compute in wanted:
            which, col = COMPUTED[compute]
            if which not in frames:
                try:
                    frames[which] = _service_frame(con, which, y)
                except Exception as e:   # a missing table / no data: that service has nothing
                    frames[which] = pd.DataFrame()
                    frames[which].attrs["error"] = str(e).splitlines()[0] if str(e) else ""
            f = frames[which]
            if f.empty or col not in f.columns:
                continue
            s = pd.to_numeric(f[col], errors="coerce").dropna()
            rows.append(pd.DataFrame({"unit": s.index.astype(str), "indicator": code,
                                      "year": y, "value": s.to_numpy(dtype=float),
                                      "source": f"computed: qingshan.{which}.service {col}"}))
    if not rows:
        return pd.DataFrame(columns=["unit", "indicator", "year", "value", "source"])
    return pd.concat(rows, ignore_index=True)


def load_input(fw: Framework, year: int, *, data: str | Path | None = None, con=None,
               province: ProvinceConfig | None = None, submitted: pd.DataFrame | None = None,
               units: list[str] | None = None, computed=None) -> EvalInput:
    """The framework's input for ``year``: its own data file, ``data``, or the computed
    indicators of the store ``con`` (``computed(years)``, when given, returns them instead —
    e.g. kept by the data version, :func:`qingshan.evaluation.api.inputs_of`) with the
    accepted ``submitted`` values."""
    if data is not None:
        panel = read_long(data, fw)
        synthetic = "source" in panel.columns and panel["source"].astype(str).str.startswith(
            "synthetic").any()
        inp = from_long(panel, fw, year, synthetic=bool(synthetic))
    elif fw.framework.data:
        inp = framework_data(fw, repo_root())
        if inp.year != year:
            raise EngineError(f"framework {fw.label} has data for {inp.year} only, not {year}")
    else:
        years = sorted({year, *( [fw.framework.base_year] if fw.framework.base_year else [])})
        if computed is not None:
            parts = [computed(years)]
        else:
            parts = [computed_values(con, fw, years)] if con is not None else []
        if submitted is not None and not submitted.empty:
            parts.append(submitted[["unit", "indicator", "year", "value", "source"]])
        panel = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        if panel.empty or not (panel["year"] == year).any():
            raise EngineError(f"no data for framework {fw.label} in {year}: no computed "
                              "indicator in the store and no accepted submission "
                              "(give --data FILE, load air/water data, or accept submissions)")
        panel = panel.drop_duplicates(["unit", "indicator", "year"], keep="last")
        inp = from_long(panel, fw, year)
    if province is not None:
        names = {c.code: c.name_zh for c in province.cities}
        inp.unit_names = {**names, **inp.unit_names}
        if fw.framework.unit_kind == "city" and data is None and not fw.framework.data:
            keep = [c.code for c in province.cities]
            inp.values = inp.values.reindex(keep)
    if units:
        unknown = sorted(set(units) - set(inp.values.index.astype(str)))
        if unknown:
            raise EngineError(f"units {unknown} have no data for {year}")
    return inp


@dataclass
class EvalRun:
    result: Result
    table: pd.DataFrame

    @property
    def marks(self) -> list[str]:
        out: list[str] = []
        for v in self.result.marks.values():
            out.extend(x for x in v if x not in out)
        return out


def run(framework: str | Framework, year: int, *, units: list[str] | None = None,
        data: str | Path | None = None, con=None, province: ProvinceConfig | None = None,
        submitted: pd.DataFrame | None = None, overrides: dict | None = None,
        node_weights: dict | None = None, node_aggregation: dict | None = None,
        nodes_only: bool = True, computed=None) -> EvalRun:
    """Evaluate ``framework`` for ``year``: one row per unit and node (unit code, unit name,
    node code, node name, level, score, rank, complete, marks). ``node_weights`` overrides
    the weights of chosen nodes' children (``{"air": {"pm25": 2, "pm10": 1}}``, rescaled to sum
    to one) and ``node_aggregation`` the aggregation of chosen nodes — one level at a time
    (COINr issue #42)."""
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    inp = load_input(fw, year, data=data, con=con, province=province, submitted=submitted,
                     units=units, computed=computed)
    res = evaluate(fw, inp, overrides=overrides, node_weights=node_weights,
                   node_aggregation=node_aggregation)
    return EvalRun(res, long_table(res, units=units, nodes_only=nodes_only))


def explain_unit(framework: str | Framework, year: int, unit: str, node: str | None = None,
                 **kw) -> dict:
    """"Why is this unit's score X?" — the derivation trail (see engine.results.explain)."""
    r = run(framework, year, **kw)
    return explain(r.result, unit, node or r.result.framework.root)


def parse_node_weights(items: list[str]) -> dict[str, dict[str, float]]:
    """``["air=pm25:2,pm10:1"]`` → ``{"air": {"pm25": 2.0, "pm10": 1.0}}`` (children left out
    get weight 0)."""
    out: dict[str, dict[str, float]] = {}
    for it in items:
        node, sep, rest = it.partition("=")
        if not sep or not rest:
            raise EngineError(f"weights {it!r} must read node=child:w,child:w")
        ws = {}
        for part in rest.split(","):
            c, sep2, w = part.partition(":")
            try:
                ws[c.strip()] = float(w)
            except ValueError:
                raise EngineError(f"weights {it!r}: {part!r} is not child:number") from None
            if not sep2 or ws[c.strip()] < 0:
                raise EngineError(f"weights {it!r}: {part!r} is not child:non-negative number")
        out[node.strip()] = ws
    return out


def parse_variations(items: list[str]) -> dict[str, list]:
    """``["normalise=minmax,zscore", "normalise_range=1:100,0:100"]`` → options dict (ranges
    as ``lo:hi``; numbers as floats)."""
    out: dict[str, list] = {}
    for it in items:
        k, sep, v = it.partition("=")
        if not sep or not v:
            raise EngineError(f"variation {it!r} must read option=alt1,alt2")
        alts = []
        for a in v.split(","):
            a = a.strip()
            if ":" in a:
                lo, hi = a.split(":", 1)
                alts.append((float(lo), float(hi)))
            else:
                try:
                    alts.append(float(a) if a.replace(".", "", 1).isdigit() else a)
                except ValueError:
                    alts.append(a)
        out[k.strip()] = alts
    return out


def sensitivity(framework: str | Framework, year: int, *, vary: dict[str, list] | None = None,
                weight_noise: float = 0.0, n: int = 1000, seed: int = 0,
                node: str | None = None, **kw):
    """Monte Carlo / Sobol' over ``vary`` and weight noise (engine.sensitivity; SALib is
    imported here, on first use)."""
    from qingshan.evaluation.engine.sensitivity import run_sensitivity
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    inp = load_input(fw, year, **kw)
    return run_sensitivity(fw, inp, vary, weight_noise=weight_noise, n=n, seed=seed, node=node)
