"""Grouped numerator/denominator counts → :class:`Rate` per unit and pooled (one pandas step)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from qingshan.governance.rates.core import RATES_VERSION, Rate, RatesError, pool

__all__ = ["rates_by_unit"]


def rates_by_unit(df: pd.DataFrame, unit_col: str, specs: Mapping[str, dict], cutoff,
                  province: str | None = None) -> dict[str | None, dict[str, Rate]]:
    """For each rate in ``specs`` (name → {num: bool column, den: bool column, formula, mark,
    exclusions: {label: bool column}}), the rate of every unit in ``df[unit_col]`` and, under
    key ``province`` (default None), the pooled rate Σnum/Σden of the units."""
    if df.empty:
        raise RatesError("no cases as of the cut-off: nothing to rate")
    cols = sorted({c for s in specs.values() for c in (s["num"], s["den"],
                                                        *s.get("exclusions", {}).values())})
    sums = df.groupby(unit_col)[cols].sum().astype("int64")
    cut = None if cutoff is None else str(cutoff)
    out: dict[str | None, dict[str, Rate]] = {}
    for unit, row in sums.iterrows():
        out[str(unit)] = {
            name: Rate(name, int(row[s["num"]]), int(row[s["den"]]), RATES_VERSION, cut,
                       str(unit), {k: int(row[c]) for k, c in s.get("exclusions", {}).items()},
                       s.get("formula", ""), s.get("mark", "D"))
            for name, s in specs.items()}
    out[province] = {name: pool([out[u][name] for u in out if u != province], province)
                     for name in specs}
    return out
