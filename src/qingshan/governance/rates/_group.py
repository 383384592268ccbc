"""Grouped numerator/denominator counts → :class:`Rate` per unit and pooled (one pandas step).

The same step keeps the ids of the cases behind every count (``Rate.members``: numerator,
denominator, each exclusion), so the dashboard's drill-down lists exactly the cases that were
counted — one definition of every rate, never a second query that could drift from it."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from qingshan.governance.rates.core import RATES_VERSION, Rate, RatesError, pool

__all__ = ["rates_by_unit", "NUMERATOR", "DENOMINATOR", "EXCLUSION"]

#: keys of :attr:`Rate.members`: the numerator, the denominator, and ``"exclusion:<label>"``
NUMERATOR, DENOMINATOR, EXCLUSION = "numerator", "denominator", "exclusion:"


def _members(df: pd.DataFrame, unit_col: str, id_col: str, cols: list[str]
             ) -> dict[str, dict[str, tuple]]:
    """column → unit → ids of the rows where the boolean column is true (one grouped step per
    column)."""
    out: dict[str, dict[str, tuple]] = {}
    for c in cols:
        hit = df.loc[df[c].astype(bool), [unit_col, id_col]]
        out[c] = {str(u): tuple(v.tolist()) for u, v in
                  hit.groupby(unit_col, sort=False)[id_col]}
    return out


def rates_by_unit(df: pd.DataFrame, unit_col: str, specs: Mapping[str, dict], cutoff,
                  province: str | None = None,
                  id_col: str = "case_id") -> dict[str | None, dict[str, Rate]]:
    """For each rate in ``specs`` (name → {num: bool column, den: bool column, formula, mark,
    exclusions: {label: bool column}}), the rate of every unit in ``df[unit_col]`` and, under
    key ``province`` (default None), the pooled rate Σnum/Σden of the units. When ``df`` has
    ``id_col``, each rate keeps the ids behind its numerator, denominator and exclusions."""
    if df.empty:
        raise RatesError("no cases as of the cut-off: nothing to rate")
    cols = sorted({c for s in specs.values() for c in (s["num"], s["den"],
                                                        *s.get("exclusions", {}).values())})
    sums = df.groupby(unit_col)[cols].sum().astype("int64")
    ids = _members(df, unit_col, id_col, cols) if id_col in df.columns else None
    cut = None if cutoff is None else str(cutoff)
    out: dict[str | None, dict[str, Rate]] = {}
    for unit, row in sums.iterrows():
        u = str(unit)
        out[u] = {}
        for name, s in specs.items():
            excl = s.get("exclusions", {})
            members = None if ids is None else {
                NUMERATOR: ids[s["num"]].get(u, ()), DENOMINATOR: ids[s["den"]].get(u, ()),
                **{EXCLUSION + k: ids[c].get(u, ()) for k, c in excl.items()}}
            out[u][name] = Rate(name, int(row[s["num"]]), int(row[s["den"]]), RATES_VERSION,
                                cut, u, {k: int(row[c]) for k, c in excl.items()},
                                s.get("formula", ""), s.get("mark", "D"), members=members)
    out[province] = {name: pool([out[u][name] for u in out if u != province], province)
                     for name in specs}
    return out
