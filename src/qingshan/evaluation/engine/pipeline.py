"""The evaluation pipeline: denominate → impute → screen → treat → normalise → weight →
aggregate → rank (spec evaluation.md §2.1 ten steps, §2.4 items 3–8; COINr's order in
``build_example_coin``). Each step is recorded in the :class:`Result`.

Rules stated here (spec/issue 15):
- a node is **complete** when every child is available for the unit; a partial node is scored
  from its available children (weights rescaled, as COINr's ``a_amean``) but flagged and — unless
  the framework's ``method.rank_partial`` is true — not ranked;
- ranks are shared on ties: rank = 1 + the number of units with a strictly higher score
  (competition ranking, R's ``ties.method = "min"``), scores compared after rounding to 9
  decimals so that floating-point noise does not break a tie;
- a target-based normalisation (ratio/distance/proximity/progress) reads the untreated
  (denominated, imputed) value, because targets are in the indicator's unit; min–max, z-score and
  rank read the treated value;
- the stage target of an indicator is the first level in ``method.target_levels`` that has one,
  for ``method.target_year`` or else the nearest target year ≥ the run year (else the latest);
  a target marked [M] is listed in :attr:`Result.marks` and shown by every output that uses it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qingshan.evaluation.engine import aggregate as agg
from qingshan.evaluation.engine import normalise as nz
from qingshan.evaluation.engine import steps
from qingshan.evaluation.engine import weights as wt
from qingshan.evaluation.engine.progress import progress_status
from qingshan.evaluation.framework import Framework, Method, Target

__all__ = ["EvalInput", "Prepared", "Result", "EngineError", "evaluate", "prepare", "score",
           "score_arrays", "marks_of",
           "effective_method", "stage_target", "shared_rank"]


class EngineError(ValueError):
    """A run that cannot be done as asked (no data, impossible method option …)."""


@dataclass
class EvalInput:
    """The data of one run: raw values (units × indicator codes) for ``year``."""

    values: pd.DataFrame
    year: int
    unit_names: dict[str, str] = field(default_factory=dict)
    groups: pd.DataFrame | None = None
    denominators: pd.DataFrame | None = None
    #: long panel (unit, indicator, year, value) for time imputation, base year and status
    panel: pd.DataFrame | None = None
    #: units × indicators: where each value came from (e.g. "submitted: accepted 2026-11-30")
    provenance: pd.DataFrame | None = None
    synthetic: bool = False


@dataclass
class Prepared:
    """Values after denominate/impute/screen/treat (the steps before normalisation)."""

    raw: pd.DataFrame
    denominated: pd.DataFrame
    imputed: pd.DataFrame
    imputed_flags: pd.DataFrame
    screened_out: list[str]
    treated: pd.DataFrame
    treatment: pd.DataFrame
    base: pd.DataFrame | None
    previous: pd.DataFrame | None = None
    cache: dict = field(default_factory=dict, repr=False)


@dataclass
class Result:
    framework: Framework
    method: Method
    year: int
    prepared: Prepared
    normalised: pd.DataFrame
    norm_info: pd.DataFrame
    weights: dict[str, pd.Series]
    scores: pd.DataFrame
    complete: pd.DataFrame
    ranks: pd.DataFrame
    marks: dict[str, list[str]]
    status: pd.DataFrame | None
    unit_names: dict[str, str]
    synthetic: bool = False
    warnings: list[str] = field(default_factory=list)
    provenance: pd.DataFrame | None = None

    @property
    def units(self) -> list[str]:
        return [str(u) for u in self.scores.index]


def effective_method(fw: Framework, overrides: dict | None = None) -> Method:
    """The framework's method with ``overrides`` applied (validated: an unknown option or
    value is an error, never ignored)."""
    if not overrides:
        return fw.method
    unknown = sorted(set(overrides) - set(Method.model_fields))
    if unknown:
        raise EngineError(f"unknown method options {unknown}")
    try:
        return Method.model_validate({**fw.method.model_dump(), **overrides})
    except ValueError as e:
        raise EngineError(f"invalid method option: {e}") from e


def stage_target(targets: tuple[Target, ...], year: int, method: Method) -> Target | None:
    for level in method.target_levels:
        ts = [t for t in targets if t.level == level]
        if not ts:
            continue
        if method.target_year is not None:
            hit = [t for t in ts if t.year == method.target_year]
            if hit:
                return hit[0]
            continue
        later = sorted((t for t in ts if t.year >= year), key=lambda t: t.year)
        return later[0] if later else max(ts, key=lambda t: t.year)
    return None


def shared_rank(s: pd.DataFrame, eligible: pd.DataFrame) -> pd.DataFrame:
    """Competition ranks (1 = highest) per column among eligible units; others <NA>."""
    v = s.round(9).where(eligible)
    return v.rank(axis=0, method="min", ascending=False).astype("Int64")


def _base_values(fw: Framework, data: EvalInput, units, year: int | None = None
                 ) -> pd.DataFrame | None:
    """Values of the base year (or of ``year``) from the panel, units × indicators."""
    by = fw.framework.base_year if year is None else year
    if data.panel is None or by is None:
        return None
    p = data.panel[data.panel["year"] == by]
    if p.empty:
        return None
    b = p.pivot_table(index="unit", columns="indicator", values="value", aggfunc="first")
    return b.reindex(index=units, columns=fw.indicator_codes)


def prepare(fw: Framework, data: EvalInput, method: Method) -> Prepared:
    codes = fw.indicator_codes
    if data.values is None or data.values.empty:
        raise EngineError(f"no data for framework {fw.label} in {data.year}")
    missing = [c for c in codes if c not in data.values.columns]
    raw = data.values.reindex(columns=codes).astype(float)
    if missing and raw.isna().all().all():
        raise EngineError(f"no indicator of {fw.label} is in the data for {data.year}")
    x = raw
    if method.denominate:
        by = {i.code: i.denominator for i in fw.indicators if i.denominator}
        if by:
            if data.denominators is None:
                raise EngineError(f"denominators {sorted(set(by.values()))} are needed but the "
                                  "data has none")
            x = steps.denominate(raw, data.denominators, by)
    den = x
    flags = pd.DataFrame(False, index=x.index, columns=x.columns)
    if method.impute == "group_mean":
        if data.groups is None or method.impute_group not in data.groups.columns:
            raise EngineError(f"group-mean imputation needs the group column "
                              f"{method.impute_group!r} in the data")
        x, flags = steps.impute_group_mean(x, data.groups[method.impute_group])
    elif method.impute in ("locf", "linear"):
        if data.panel is None:
            raise EngineError(f"{method.impute} imputation needs a panel of years")
        if any(i.denominator for i in fw.indicators) and method.denominate:
            raise EngineError("time imputation of denominated indicators is not supported")
        val, fl = steps.impute_panel(data.panel, data.year, method.impute)
        filled = val.unstack("indicator").reindex(index=x.index, columns=codes)
        fl = fl.unstack("indicator").reindex(index=x.index, columns=codes).fillna(False)
        fl = fl.astype(bool) & x.isna()
        x = x.where(~fl, filled)
        flags = fl
    imputed = x
    if method.screen_min_availability > 0:
        x, out = steps.screen(x, method.screen_min_availability)
    else:
        out = []
    if x.empty:
        raise EngineError(f"no unit passes screening ({method.screen_min_availability:.0%} "
                          "data availability)")
    if method.treat == "coinr":
        treated, info = steps.treat_coinr(x, method.winmax, method.skew_thresh,
                                          method.kurt_thresh, method.treat_f2)
    else:
        treated, info = x, pd.DataFrame({"indicator": codes, "action": "none", "points": 0})
    keep = x.index
    return Prepared(raw=raw.loc[keep], denominated=den.loc[keep], imputed=imputed.loc[keep],
                    imputed_flags=flags.loc[keep], screened_out=out, treated=treated,
                    treatment=info, base=_base_values(fw, data, keep),
                    previous=_base_values(fw, data, keep, data.year - 1))


_TARGET_BASED = ("ratio_target", "distance_target", "proximity", "progress")


_COMPILED: dict[int, tuple[Framework, dict]] = {}


def _compiled(fw: Framework) -> dict:
    """Arrays of a framework's tree for the vectorised core (cached per framework object;
    frameworks are immutable)."""
    hit = _COMPILED.get(id(fw))
    if hit is not None and hit[0] is fw:
        return hit[1]
    if len(_COMPILED) > 64:
        _COMPILED.clear()
    _COMPILED[id(fw)] = (fw, _compile(fw))
    return _COMPILED[id(fw)][1]


def _compile(fw: Framework) -> dict:
    codes = fw.indicator_codes
    order = [*codes, *fw.nodes_bottom_up]
    pos = {c: i for i, c in enumerate(order)}
    kids = {n: fw.children(n) for n in fw.nodes_bottom_up}
    return {"codes": codes, "order": order, "pos": pos, "kids": kids,
            "kid_idx": {n: np.array([pos[c] for c in k]) for n, k in kids.items()},
            "d": np.array([fw.indicator(c).direction for c in codes], dtype=float),
            "manual": {n: np.array([fw.by_code[c].weight for c in k], dtype=float)
                       for n, k in kids.items()}, "targets": {}}


def _arrays(prep: Prepared, codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    key = tuple(codes)
    cache = prep.cache
    if key not in cache:
        cache[key] = (prep.treated[codes].to_numpy(dtype=float),
                      prep.imputed[codes].to_numpy(dtype=float))
    return cache[key]


def _normalise(fw: Framework, prep: Prepared, method: Method, year: int, want_info: bool = True
               ) -> tuple[np.ndarray, pd.DataFrame | None]:
    cp = _compiled(fw)
    codes = cp["codes"]
    d = cp["d"]
    xt, xu = _arrays(prep, codes)
    n, k = xt.shape
    out = np.full((n, k), np.nan)
    meth = [fw.indicator(c).normalise or method.normalise for c in codes]
    tkey = (year, method.target_levels, method.target_year)
    if tkey not in cp["targets"]:
        cp["targets"][tkey] = [stage_target(fw.indicator(c).targets, year, method)
                               for c in codes]
    tgt = cp["targets"][tkey]
    tval = np.array([t.value if t else np.nan for t in tgt])
    info = None if not want_info else pd.DataFrame({
                         "indicator": codes, "method": meth, "direction": d.astype(int),
                         "target": tval,
                         "target_year": [t.year if t else None for t in tgt],
                         "target_level": [t.level if t else "" for t in tgt],
                         "target_source": [t.source if t else "" for t in tgt],
                         "target_mark": [t.mark if t else "" for t in tgt],
                         "lpb": np.nan, "hpb": np.nan, "note": ""})
    lo, hi = method.normalise_range
    for m in sorted(set(meth)):
        j = np.array([mm == m for mm in meth])
        if m == "minmax":
            out[:, j] = nz.minmax(xt[:, j], d[j], lo, hi)
        elif m == "zscore":
            out[:, j] = nz.zscore(xt[:, j], d[j], *method.zscore_params)
        elif m == "rank":
            out[:, j] = nz.rank(xt[:, j], d[j])
        elif m == "none":
            out[:, j] = xt[:, j]
        elif m == "ratio_target":
            out[:, j] = nz.ratio_target(xu[:, j], d[j], tval[j])
        elif m == "distance_target":
            out[:, j] = nz.distance_target(xu[:, j], d[j], tval[j])
        elif m == "progress":
            if prep.base is None:
                raise EngineError("progress normalisation needs base-year values "
                                  f"({fw.framework.base_year}) in the panel")
            b = prep.base.reindex(columns=codes).to_numpy(dtype=float)
            out[:, j] = nz.progress(xu[:, j], d[j], b[:, j], tval[j])
        elif m == "proximity":
            idx = np.flatnonzero(j)
            y = xu[:, idx] * d[idx]
            with warnings.catch_warnings():      # an indicator with no value: NaN benchmarks
                warnings.simplefilter("ignore", RuntimeWarning)
                p5 = np.nanpercentile(y, 5, axis=0) * d[idx]
                p95 = np.nanpercentile(y, 95, axis=0) * d[idx]
            cfg_l = np.array([fw.indicator(codes[i]).lpb for i in idx], dtype=float)
            cfg_h = np.array([fw.indicator(codes[i]).hpb for i in idx], dtype=float)
            lpb = np.where(np.isnan(cfg_l), p5, cfg_l)
            hpb = np.where(np.isnan(cfg_h), np.where(np.isnan(tval[idx]), p95, tval[idx]), cfg_h)
            out[:, idx] = nz.proximity(xu[:, idx], lpb, hpb)
            if info is None:
                continue
            info.loc[idx, "lpb"] = lpb
            info.loc[idx, "hpb"] = hpb
            info.loc[idx, "note"] = np.where(np.isnan(cfg_l), "LPB = 5th percentile of units",
                                             "LPB configured")
            info.loc[idx, "note"] += np.where(
                np.isnan(cfg_h) & np.isnan(tval[idx]),
                "; HPB = 95th percentile of units (no target)", "")
    if info is not None:
        for i, (m, t) in enumerate(zip(meth, tgt)):
            if m in _TARGET_BASED and m != "proximity" and t is None:
                info.loc[i, "note"] = "no target: not scored"
    return out, info


def _node_weights(fw: Framework, node: str, kids: list[str], vals: np.ndarray,
                  method: Method, override: dict | None, manual: np.ndarray) -> np.ndarray:
    nd = fw.node(node)
    how = nd.weights or method.weights
    if override and node in override:
        ov = override[node]
        if node not in {x.code for x in fw.nodes}:
            raise EngineError(f"weights for {node!r}: not a node of {fw.label}")
        bad = sorted(set(ov) - set(kids))
        if bad:
            raise EngineError(f"weights for {node}: {bad} are not children of {node}")
        return wt.manual(np.array([ov.get(c, 0.0) for c in kids]))
    if len(kids) == 1:
        return np.array([1.0])       # a single child carries the whole weight, whatever the method
    try:
        if how == "manual":
            return wt.manual(manual)
        if how == "equal":
            return wt.equal(len(kids))
        if how == "entropy":
            return wt.entropy(vals)
        if how == "pca":
            return wt.pca(vals)
        if how == "ahp":
            if not nd.ahp:
                raise EngineError(f"node {node}: AHP weights need an 'ahp' pairwise matrix")
            return wt.ahp(np.array(nd.ahp), method.ahp_max_cr)
    except wt.WeightError as e:
        raise EngineError(f"node {node}: {e}") from e
    raise EngineError(f"node {node}: unknown weighting {how!r}")


def score_arrays(fw: Framework, prep: Prepared, method: Method, year: int,
                 node_weights: dict | None = None, node_aggregation: dict | None = None,
                 want_info: bool = True):
    """The vectorised core of :func:`score` (also used by the Monte Carlo): (normalised n × k,
    info, weights by node, scores n × (k + nodes), completeness, column order)."""
    cp = _compiled(fw)
    normed, info = _normalise(fw, prep, method, year, want_info)
    n, k = normed.shape
    order = cp["order"]
    s = np.empty((n, len(order)))
    ok = np.empty((n, len(order)), dtype=bool)
    s[:, :k] = normed
    ok[:, :k] = ~np.isnan(normed)
    weights: dict[str, np.ndarray] = {}
    for j, node in enumerate(fw.nodes_bottom_up, start=k):
        idx = cp["kid_idx"][node]
        vals = s[:, idx]
        w = _node_weights(fw, node, cp["kids"][node], vals, method, node_weights,
                          cp["manual"][node])
        how = (node_aggregation or {}).get(node) or fw.node(node).aggregation or method.aggregation
        try:
            s[:, j] = agg.AGGREGATE[how](vals, w)
        except agg.AggregationError as e:
            raise EngineError(f"node {node}: {e}") from e
        ok[:, j] = ok[:, idx].all(axis=1)
        weights[node] = w
    return normed, info, weights, s, ok, order


def score(fw: Framework, prep: Prepared, method: Method, year: int,
          node_weights: dict | None = None, node_aggregation: dict | None = None):
    """Normalise, weight and aggregate; returns (normalised, info, weights, scores, complete,
    ranks)."""
    normed, info, w, s, ok, order = score_arrays(fw, prep, method, year, node_weights,
                                                 node_aggregation)
    cp = _compiled(fw)
    idx = prep.treated.index
    weights = {nd: pd.Series(v, index=cp["kids"][nd]) for nd, v in w.items()}
    shown = [*fw.indicator_codes, *fw.nodes_bottom_up[::-1]]
    scores = pd.DataFrame(s, index=idx, columns=order)[shown]
    complete = pd.DataFrame(ok, index=idx, columns=order)[shown]
    normed = pd.DataFrame(normed, index=idx, columns=fw.indicator_codes)
    elig = complete if not method.rank_partial else scores.notna()
    ranks = shared_rank(scores, elig & scores.notna() & method.rank)
    return normed, info, weights, scores, complete, ranks


def marks_of(fw: Framework, info: pd.DataFrame) -> dict[str, list[str]]:
    """code -> unverified items ([M]) its score uses (indicators and every ancestor)."""
    own: dict[str, list[str]] = {c: [] for c in fw.by_code}
    for r in info.itertuples(index=False):
        ind = fw.indicator(r.indicator)
        if r.target_mark == "M" and r.method in _TARGET_BASED:
            own[r.indicator].append(f"[M] {r.indicator} target {int(r.target_year)} "
                                    f"({r.target_level}) {r.target:g}")
        if ind.mark == "M":
            own[r.indicator].append(f"[M] {r.indicator} definition")
    if fw.framework.mark == "M":
        own[fw.root].append(f"[M] framework {fw.framework.code}")
    for node in fw.nodes_bottom_up:
        for k in fw.children(node):
            own[node].extend(x for x in own[k] if x not in own[node])
    return own


def _status(fw: Framework, prep: Prepared, info: pd.DataFrame, year: int) -> pd.DataFrame | None:
    if prep.base is None or fw.framework.base_year is None or year <= fw.framework.base_year:
        return None
    rows = []
    by = fw.framework.base_year
    for r in info.itertuples(index=False):
        y0 = prep.base[r.indicator].to_numpy(dtype=float)
        yt = prep.imputed[r.indicator].to_numpy(dtype=float)
        has_t = not np.isnan(r.target)
        lab, val = progress_status(y0, yt, by, year, r.direction,
                                   r.target if has_t else None,
                                   int(r.target_year) if has_t else None)
        rows.append(pd.DataFrame({"unit": prep.imputed.index, "indicator": r.indicator,
                                  "status": lab, "measure": val, "base_year": by,
                                  "base_value": y0, "value": yt}))
    return pd.concat(rows, ignore_index=True)


def evaluate(fw: Framework, data: EvalInput, overrides: dict | None = None,
             node_weights: dict | None = None, node_aggregation: dict | None = None) -> Result:
    """Run the whole pipeline for one year (see the module doc for the rules)."""
    method = effective_method(fw, overrides)
    nodes = {x.code for x in fw.nodes}
    bad = sorted(set(node_weights or {}) - nodes) + sorted(set(node_aggregation or {}) - nodes)
    if bad:
        raise EngineError(f"{bad} are not nodes of {fw.label}")
    for n, how in (node_aggregation or {}).items():
        if how not in agg.AGGREGATE:
            raise EngineError(f"node {n}: unknown aggregation {how!r}")
    prep = prepare(fw, data, method)
    normed, info, weights, scores, complete, ranks = score(
        fw, prep, method, data.year, node_weights, node_aggregation)
    warn = []
    if prep.screened_out:
        warn.append(f"screened out (data availability < {method.screen_min_availability:.0%}):"
                    f" {', '.join(prep.screened_out)}")
    nots = info.loc[info["note"].str.contains("not scored"), "indicator"].tolist()
    if nots:
        warn.append(f"indicators without a target, not scored: {', '.join(nots)}")
    return Result(framework=fw, method=method, year=data.year, prepared=prep, normalised=normed,
                  norm_info=info, weights=weights, scores=scores, complete=complete, ranks=ranks,
                  marks=marks_of(fw, info), status=_status(fw, prep, info, data.year),
                  unit_names=data.unit_names, synthetic=data.synthetic, warnings=warn,
                  provenance=data.provenance)
