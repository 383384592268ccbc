"""Readers of evaluation data files into an :class:`~qingshan.evaluation.engine.pipeline.EvalInput`.

- ``coinr-wide``: COINr's ``iData`` layout (``uCode``, ``uName``, ``*_group`` columns, ``Time``,
  denominator and indicator columns, one row per unit); R's NA is an empty cell.
- ``long``: columns ``unit, indicator, year, value`` (optional ``unit_name``, ``source``), one
  row per value — the panel format of qingshan's own frameworks.

Every file is size-checked (``qingshan.core.ingest.limits.check_csv``) and fully validated before
anything is returned: a non-numeric value, an unknown indicator or a duplicate key is an
:class:`~qingshan.core.ingest.errors.IngestError` naming file, line and field.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.core.ingest.errors import IngestError, quote_value
from qingshan.core.ingest.limits import check_csv
from qingshan.evaluation.engine.pipeline import EvalInput
from qingshan.evaluation.framework import Framework

__all__ = ["read_coinr_wide", "read_long", "from_long", "framework_data"]


def _numeric(df: pd.DataFrame, cols: list[str], name: str) -> pd.DataFrame:
    out = {}
    for c in cols:
        s = df[c]
        v = pd.to_numeric(s, errors="coerce")
        bad = v.isna() & s.notna() & (s.astype(str).str.strip() != "")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise IngestError(name, f"not a number: {quote_value(s.iloc[i])}", line=i + 2,
                              field=c)
        out[c] = v.astype(float)
    return pd.DataFrame(out, index=df.index)


def read_coinr_wide(path: str | Path, fw: Framework) -> EvalInput:
    p = Path(path)
    check_csv(p)
    df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    name = p.name
    for c in ("uCode", "Time"):
        if c not in df.columns:
            raise IngestError(name, "required column missing", line=1, field=c)
    dup = df["uCode"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise IngestError(name, f"duplicate unit {quote_value(df['uCode'].iloc[i])}",
                          line=i + 2, field="uCode")
    codes = fw.indicator_codes
    miss = [c for c in codes if c not in df.columns]
    if miss:
        raise IngestError(name, f"indicator columns missing: {miss}", line=1)
    dens = sorted({i.denominator for i in fw.indicators if i.denominator})
    miss = [c for c in dens if c not in df.columns]
    if miss:
        raise IngestError(name, f"denominator columns missing: {miss}", line=1)
    df = df.set_index("uCode", drop=False)
    vals = _numeric(df, codes, name)
    den = _numeric(df, dens, name) if dens else None
    groups = df[[c for c in df.columns if c.endswith("_group")]]
    years = _numeric(df, ["Time"], name)["Time"].dropna().unique()
    if len(years) != 1:
        raise IngestError(name, f"one year expected, found {sorted(years)}", field="Time")
    names = dict(zip(df["uCode"], df.get("uName", df["uCode"])))
    vals.index.name = "unit"
    return EvalInput(values=vals, year=int(years[0]), unit_names=names, groups=groups,
                     denominators=den)


def read_long(path: str | Path, fw: Framework) -> pd.DataFrame:
    """A long panel CSV → DataFrame(unit, indicator, year, value[, unit_name, source])."""
    p = Path(path)
    check_csv(p)
    df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    name = p.name
    for c in ("unit", "indicator", "year", "value"):
        if c not in df.columns:
            raise IngestError(name, "required column missing", line=1, field=c)
    known = set(fw.indicator_codes)
    bad = ~df["indicator"].isin(known)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise IngestError(name, f"unknown indicator {quote_value(df['indicator'].iloc[i])} "
                          f"(framework {fw.label})", line=i + 2, field="indicator")
    num = _numeric(df, ["year", "value"], name)
    if num["year"].isna().any():
        i = int(np.flatnonzero(num["year"].isna().to_numpy())[0])
        raise IngestError(name, "year is required", line=i + 2, field="year")
    out = df.assign(year=num["year"].astype(int), value=num["value"])
    dup = out.duplicated(["unit", "indicator", "year"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise IngestError(name, "duplicate (unit, indicator, year)", line=i + 2)
    return out


def from_long(panel: pd.DataFrame, fw: Framework, year: int, synthetic: bool = False
              ) -> EvalInput:
    """The run input for ``year`` from a long panel (the whole panel is kept for time steps)."""
    cur = panel[panel["year"] == year]
    if cur.empty:
        raise ValueError(f"no data for {year} (years in the data: "
                         f"{sorted(panel['year'].unique().tolist())})")
    vals = cur.pivot_table(index="unit", columns="indicator", values="value", aggfunc="first")
    vals = vals.reindex(columns=fw.indicator_codes)
    names = {}
    if "unit_name" in panel.columns:
        names = dict(zip(panel["unit"], panel["unit_name"]))
    prov = None
    if "source" in cur.columns:
        prov = cur.pivot_table(index="unit", columns="indicator", values="source",
                               aggfunc="first").reindex(columns=fw.indicator_codes)
    return EvalInput(values=vals, year=year, unit_names=names,
                     panel=panel[["unit", "indicator", "year", "value"]], provenance=prov,
                     synthetic=synthetic)


def framework_data(fw: Framework, root: Path) -> EvalInput:
    """The data file a framework names (``[framework].data``, relative to the repo root)."""
    if not fw.framework.data:
        raise ValueError(f"framework {fw.label} names no data file")
    p = (root / fw.framework.data).resolve()
    if not p.is_file():
        raise FileNotFoundError(f"data file of {fw.label} not found: {p}")
    if fw.framework.data_format == "coinr-wide":
        return read_coinr_wide(p, fw)
    panel = read_long(p, fw)
    year = fw.framework.year or int(panel["year"].max())
    return from_long(panel, fw, year, synthetic=fw.framework.synthetic)
