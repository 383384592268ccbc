"""Progress status against a target (Open SDG / Statistics Canada method; spec evaluation.md
§2.3, source ``open-sdg/open-sdg:docs/progress-methodology.md``).

CAGR = (y_t / y_0)^(1/(t − t_0)) − 1. With a target y_T for year t_T:
R = CAGR_observed / CAGR_required, CAGR_required = (y_T / y_0)^(1/(t_T − t_0)) − 1;
"Target achieved" when y_t meets the target; else R ≥ 0.95 "On track",
0.60 ≤ R < 0.95 "Progress made but acceleration needed", 0 ≤ R < 0.60 "Limited progress",
R < 0 "Deterioration". Without a target the directed CAGR d·CAGR is compared with 1.5 %·C and
0.5 %·C (C = 1 here: the natural-limit scaling factor is not implemented; it is an explicit
open point, default C = 1). Vectorised over arrays of units/indicators.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cagr", "progress_status", "STATUSES"]

STATUSES = ("Target achieved", "On track", "Progress made but acceleration needed",
            "Limited progress", "Deterioration", "Insufficient data")


def cagr(y0, yt, t0, t) -> np.ndarray:
    y0, yt = np.asarray(y0, dtype=float), np.asarray(yt, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (yt / y0) ** (1.0 / (np.asarray(t, float) - np.asarray(t0, float))) - 1.0


def progress_status(y0, yt, t0: int, t: int, d, target=None, target_year: int | None = None,
                    c: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(status labels, the ratio R or the directed CAGR used) for arrays of values."""
    y0 = np.asarray(y0, dtype=float)
    yt = np.asarray(yt, dtype=float)
    d = np.broadcast_to(np.asarray(d, dtype=float), yt.shape)
    obs = cagr(y0, yt, t0, t)
    out = np.full(yt.shape, "Insufficient data", dtype=object)
    bad = np.isnan(y0) | np.isnan(yt) | (y0 <= 0) | (yt <= 0) | (t <= t0)
    if target is not None and target_year is not None:
        tv = np.broadcast_to(np.asarray(target, dtype=float), yt.shape)
        req = cagr(y0, tv, t0, target_year)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = obs / req
        met = d * (yt - tv) >= 0
        lab = np.select([met, r >= 0.95, r >= 0.60, r >= 0.0],
                        ["Target achieved", "On track", "Progress made but acceleration needed",
                         "Limited progress"], "Deterioration")
        value = r
        bad = bad | (np.isnan(tv) & ~met)
    else:
        g = d * obs
        lab = np.select([g >= 0.015 * c, g >= 0.005 * c, g >= 0.0],
                        ["On track", "Progress made but acceleration needed",
                         "Limited progress"], "Deterioration")
        value = g
    out[~bad] = lab[~bad]
    return out, np.where(bad, np.nan, value)
