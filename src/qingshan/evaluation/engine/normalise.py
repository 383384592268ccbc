"""Normalisation of a unit × indicator matrix (spec evaluation.md §2.1, §2.2, §1.3).

Every function takes ``x`` (n units × k indicators, NaN = missing) and ``d`` (k directions,
+1 higher is better, −1 lower is better) and returns a new n × k array; "higher is better" holds
for every output column.

- ``minmax``: COINr ``n_minmax``: ``(d·x − min)/(max − min)·(u − l) + l`` (Handbook §2.1).
- ``zscore``: COINr ``n_zscore``: ``(d·x − mean)/sd·s + m`` (sample sd, as R's ``sd``).
- ``rank``: rank of ``d·x``, 1 = worst, ties take the lowest rank (R ``ties.method="min"``).
- ``ratio_target``: spec §1.3 ratio form ``A = min(x/T, 1)``, ``min(T/x, 1)`` for d = −1, × 100.
- ``distance_target``: Handbook "distance to a reference" ``d·(x − T)/|T|`` (0 at the target).
- ``proximity``: EPI proximity to target (spec §2.2) ``(x − LPB)/(HPB − LPB)·100`` clipped to
  [0, 100].
- ``progress``: spec §1.3 progress form ``A = clip((x − B)/(T − B), 0, 1)·100`` with B the
  unit's base-year value; guard (§1.3): when B already meets T (or T == B), A = 100 if x meets T
  and 0 if it does not (the spec is silent on the second case; not reaching the target scores 0).
"""

from __future__ import annotations

import numpy as np

__all__ = ["minmax", "zscore", "rank", "ratio_target", "distance_target", "proximity",
           "progress", "meets"]




def minmax(x: np.ndarray, d: np.ndarray, lo: float = 0.0, hi: float = 100.0) -> np.ndarray:
    y = x * d
    mn = np.nanmin(y, axis=0)
    mx = np.nanmax(y, axis=0)
    span = mx - mn
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (y - mn) / span * (hi - lo) + lo
    out[:, span == 0] = np.nan     # no spread: no information, the column is not scored
    return out


def zscore(x: np.ndarray, d: np.ndarray, m: float = 0.0, s: float = 1.0) -> np.ndarray:
    y = x * d
    mu = np.nanmean(y, axis=0)
    sd = np.nanstd(y, axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (y - mu) / sd * s + m
    out[:, ~(sd > 0)] = np.nan
    return out


def rank(x: np.ndarray, d: np.ndarray) -> np.ndarray:
    y = x * d
    n = y.shape[0]
    # min-rank ascending: 1 + number of strictly smaller values (vectorised over units)
    less = (y[None, :, :] < y[:, None, :]).sum(axis=1).astype(float)
    out = 1.0 + less
    out[np.isnan(y)] = np.nan
    del n
    return out


def ratio_target(x: np.ndarray, d: np.ndarray, t: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(d > 0, x / t, t / x)
    return np.minimum(r, 1.0) * 100.0


def distance_target(x: np.ndarray, d: np.ndarray, t: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return d * (x - t) / np.abs(t)


def proximity(x: np.ndarray, lpb: np.ndarray, hpb: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (x - lpb) / (hpb - lpb) * 100.0
    return np.clip(out, 0.0, 100.0)


def meets(x: np.ndarray, t: np.ndarray, d: np.ndarray) -> np.ndarray:
    """x meets target t in direction d (d·(x − t) ≥ 0); NaN compares False."""
    with np.errstate(invalid="ignore"):
        return d * (x - t) >= 0


def progress(x: np.ndarray, d: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.clip((x - b) / (t - b), 0.0, 1.0) * 100.0
    guard = meets(b, t, d) | (t == b)
    hit = np.where(meets(x, t, d), 100.0, 0.0)
    out = np.where(guard, hit, a)
    out[np.isnan(x) | np.isnan(b) | np.isnan(t + 0 * x)] = np.nan
    return out
