"""SYNTHETIC demonstration panel for a framework over the province's cities.

Values are drawn from a seeded generator within plausible ranges (rates 55–99 %, PM2.5
30–55 μg/m³ …) with a small trend towards the better direction each year. They are labelled
``synthetic`` in the ``source`` column and every output that uses them says so. They are for
trying the pages and the CLI, never for any statement about a real city.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.config.province import ProvinceConfig
from qingshan.evaluation.framework import Framework

__all__ = ["demo_panel", "SYNTHETIC_SOURCE"]

SYNTHETIC_SOURCE = "synthetic (demo, not real data)"

#: indicator unit -> (low, high) of the synthetic base-year values
_RANGES = {"μg/m³": (30.0, 55.0), "%": (55.0, 97.0), "1": (3.5, 5.5)}


def demo_panel(fw: Framework, province: ProvinceConfig, years: tuple[int, ...] = (2020, 2025),
               seed: int = 20261201) -> pd.DataFrame:
    """Long panel (unit, unit_name, indicator, year, value, source) for every city."""
    rng = np.random.default_rng(seed)
    cities = province.cities
    codes = fw.indicator_codes
    lo = np.array([_RANGES.get(fw.indicator(c).unit, (40.0, 90.0))[0] for c in codes])
    hi = np.array([_RANGES.get(fw.indicator(c).unit, (40.0, 90.0))[1] for c in codes])
    d = np.array([fw.indicator(c).direction for c in codes], dtype=float)
    base = rng.uniform(lo, hi, size=(len(cities), len(codes)))
    rows = []
    y0 = min(years)
    for y in years:
        step = rng.normal(0.012, 0.01, size=base.shape) * (y - y0)
        v = base * (1 + d * step)
        pct = np.array([fw.indicator(c).unit == "%" for c in codes])
        v[:, pct] = np.minimum(v[:, pct], 100.0)
        frame = pd.DataFrame(np.round(v, 1), columns=codes)
        frame["unit"] = [c.code for c in cities]
        frame["unit_name"] = [c.name_zh for c in cities]
        long = frame.melt(id_vars=["unit", "unit_name"], var_name="indicator", value_name="value")
        long["year"] = y
        rows.append(long)
    out = pd.concat(rows, ignore_index=True)
    out["source"] = SYNTHETIC_SOURCE
    return out[["unit", "unit_name", "indicator", "year", "value", "source"]]
