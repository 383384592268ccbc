"""Result tables of a run: one row per unit and node, and the derivation trail of one score
(spec evaluation.md §1.3 "Report", §2.4 item 8 "Traceability").

Indicator rows also carry the base-year value, last year's value and the change, and the
Open SDG progress status against the stage target (engine.progress) when the panel has them.

The trail of a node lists its children: raw value → unit → denominated → imputed flag →
treatment → normalised value → weight → contribution, with the target used and its source and
mark. For the arithmetic mean the contributions w·x add up to the score exactly; for the other
aggregations (not additive) a last row "non-compensatory adjustment" = score − Σ w·x makes the
trail add up, and says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.evaluation.engine.pipeline import Result
from qingshan.evaluation.framework import Indicator

__all__ = ["long_table", "explain", "effective_weights"]


def _marks_text(res: Result, code: str) -> str:
    return "; ".join(res.marks.get(code, []))


def long_table(res: Result, units: list[str] | None = None, nodes_only: bool = True
               ) -> pd.DataFrame:
    """unit code, unit name, node code, node name, level, score, rank, complete, marks."""
    fw = res.framework
    codes = [c for c in res.scores.columns if not nodes_only or c not in fw.indicator_codes]
    us = res.units if not units else [u for u in res.units if u in set(units)]
    if units:
        unknown = sorted(set(units) - set(res.units))
        if unknown:
            raise KeyError(f"units not in the result: {unknown}")
    s = res.scores.loc[us, codes]
    r = res.ranks.loc[us, codes]
    c = res.complete.loc[us, codes]
    df = pd.DataFrame({
        "unit": np.repeat(us, len(codes)),
        "node": np.tile(codes, len(us)),
        "score": s.to_numpy().ravel(),
        "rank": r.to_numpy().ravel(),
        "complete": c.to_numpy().ravel(),
    })
    df.insert(1, "unit_name", df["unit"].map(lambda u: res.unit_names.get(u, u)))
    df.insert(3, "node_name", df["node"].map(lambda n: fw.name(n, "zh")))
    df.insert(4, "level", df["node"].map(fw.levels))
    df["rank"] = df["rank"].astype("Int64")
    df["marks"] = df["node"].map(lambda n: _marks_text(res, n))
    if res.synthetic:
        df["data"] = "synthetic"
    return df


def effective_weights(res: Result, node: str | None = None) -> pd.Series:
    """Weight of every indicator in ``node``'s score: the product of the weights on its path
    (sums to one under ``node``)."""
    fw = res.framework
    node = node or fw.root
    out: dict[str, float] = {}

    def walk(c: str, w: float) -> None:
        if c in fw.indicator_codes:
            out[c] = out.get(c, 0.0) + w
            return
        for k, wk in res.weights[c].items():
            walk(k, w * wk)
    walk(node, 1.0)
    return pd.Series(out)


def explain(res: Result, unit: str, node: str) -> dict:
    """The derivation trail of ``unit``'s score at ``node`` (plain data)."""
    fw = res.framework
    if unit not in res.units:
        raise KeyError(f"unit {unit!r} is not in the result (units: {res.units[:20]})")
    if node not in fw.by_code:
        raise KeyError(f"node {node!r} is not in framework {fw.label}")
    p = res.prepared
    info = res.norm_info.set_index("indicator")
    status = None if res.status is None else res.status.set_index(["unit", "indicator"])
    if node in fw.indicator_codes:
        kids, w = [node], pd.Series([1.0], index=[node])
        how = "indicator"
    else:
        kids = fw.children(node)
        w = res.weights[node]
        how = fw.node(node).aggregation or res.method.aggregation
    rows = []
    for k in kids:
        x = fw.by_code[k]
        sc = float(res.scores.at[unit, k])
        row = {"code": k, "name": fw.name(k, "zh"), "name_en": fw.name(k, "en"),
               "kind": "indicator" if isinstance(x, Indicator) else "node",
               "score": None if np.isnan(sc) else sc, "weight": float(w[k]),
               "contribution": None if np.isnan(sc) else float(w[k]) * sc,
               "complete": bool(res.complete.at[unit, k]),
               "marks": _marks_text(res, k)}
        row.update(dict.fromkeys(_INDICATOR_KEYS))
        if isinstance(x, Indicator):
            t = info.loc[k]
            treat = p.treatment.set_index("indicator").loc[k, "action"]
            prov = ""
            if res.provenance is not None and unit in res.provenance.index \
                    and k in res.provenance.columns and pd.notna(res.provenance.at[unit, k]):
                prov = str(res.provenance.at[unit, k])
            row.update({
                "raw": _f(p.raw.at[unit, k]), "unit": x.unit, "direction": x.direction,
                "denominator": x.denominator, "denominated": _f(p.denominated.at[unit, k]),
                "imputed": bool(p.imputed_flags.at[unit, k]),
                "value_used": _f(p.imputed.at[unit, k]), "treatment": str(treat),
                "treated": _f(p.treated.at[unit, k]), "normalisation": str(t["method"]),
                "normalised": None if np.isnan(sc) else sc,
                "target": _f(t["target"]), "target_year": _i(t["target_year"]),
                "target_level": t["target_level"], "target_source": t["target_source"],
                "target_mark": t["target_mark"], "lpb": _f(t["lpb"]), "hpb": _f(t["hpb"]),
                "note": t["note"], "data_source": x.source, "standard": x.standard,
                "provenance": prov,
            })
            if p.base is not None:
                row["base_value"] = _f(p.base.at[unit, k])
            if p.previous is not None:
                prev = _f(p.previous.at[unit, k])
                row["previous_value"] = prev
                row["change"] = (None if prev is None or row["value_used"] is None
                                 else row["value_used"] - prev)
            if status is not None and (unit, k) in status.index:
                st = status.loc[(unit, k)]
                row["status"] = str(st["status"])
                row["status_measure"] = _f(st["measure"])
        rows.append(row)
    total = float(res.scores.at[unit, node])
    csum = float(np.nansum([r["contribution"] or 0.0 for r in rows]))
    wsum = float(sum(r["weight"] for r in rows if r["contribution"] is not None))
    adjust = None
    if how in ("amean", "indicator"):
        # partial units: contributions are rescaled by the available weights (a_amean, na.rm)
        if wsum > 0 and not np.isclose(wsum, 1.0):
            for r in rows:
                if r["contribution"] is not None:
                    r["contribution"] /= wsum
            csum /= wsum
    else:
        adjust = total - csum
    out = {"unit": unit, "unit_name": res.unit_names.get(unit, unit), "node": node,
           "node_name": fw.name(node, "zh"), "node_name_en": fw.name(node, "en"),
           "aggregation": how, "score": None if np.isnan(total) else total,
           "rank": None if pd.isna(res.ranks.at[unit, node]) else int(res.ranks.at[unit, node]),
           "complete": bool(res.complete.at[unit, node]), "children": rows,
           "sum_of_contributions": csum, "adjustment": adjust,
           "framework": fw.label, "year": res.year, "marks": _marks_text(res, node),
           "synthetic": res.synthetic}
    if node != fw.root and node not in fw.indicator_codes:
        out["effective_weights_in_index"] = effective_weights(res).to_dict()
    return out


#: keys of an indicator row (None on a node's row, so every row has the same keys)
_INDICATOR_KEYS = ("raw", "unit", "direction", "denominator", "denominated", "imputed",
                   "value_used", "treatment", "treated", "normalisation", "normalised", "target",
                   "target_year", "target_level", "target_source", "target_mark", "lpb", "hpb",
                   "note", "data_source", "standard", "provenance", "base_value",
                   "previous_value", "change", "status", "status_measure")


def _f(v) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else v


def _i(v) -> int | None:
    f = _f(v)
    return None if f is None else int(f)
