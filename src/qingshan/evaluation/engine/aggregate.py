"""Aggregation of a node's children (spec evaluation.md §2.1, §2.3, §2.4 item 6).

Each function takes ``x`` (n units × k children, NaN = missing) and weights ``w`` (k, summing to
one) and returns n scores. Missing children are left out and the remaining weights rescaled
(COINr's ``a_amean`` with ``na.rm``); the caller flags such units as partial.

- ``amean``: Σ w x / Σ w.
- ``gmean``: exp(Σ w ln x / Σ w); needs x > 0 (an error otherwise: normalise to [1, 100]).
- ``hmean``: Σ w / Σ (w / x); needs x > 0.
- ``mpi``: Mazziotta–Pareto index (Compind ``ci_mpi``, positive polarity): each child
  standardised over units to z = 100 + 10 (x − mean)/sd (sample sd), then
  MPI = M − S·cv with M = Σ w z, S = sqrt(Σ w (z − M)²), cv = S/M.
- ``min``: the smallest child (weights are not used: weakest link).
"""

from __future__ import annotations

import numpy as np

__all__ = ["amean", "gmean", "hmean", "mpi", "minimum", "AGGREGATE", "AggregationError"]


class AggregationError(ValueError):
    """An aggregation that cannot be applied to the values (e.g. a geometric mean of zeros)."""


def _wm(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = ~np.isnan(x)
    ww = np.where(ok, w, 0.0)
    tot = ww.sum(axis=1)
    return ww, tot


def amean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    ww, tot = _wm(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nansum(np.where(ww > 0, x * ww, 0.0), axis=1) / np.where(tot > 0, tot, np.nan)


def _positive(x: np.ndarray, name: str) -> None:
    if (x[~np.isnan(x)] <= 0).any():
        raise AggregationError(f"{name} needs positive values (normalise to a range such as "
                               "[1, 100])")


def gmean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    _positive(x, "geometric mean")
    ww, tot = _wm(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        lg = np.where(ww > 0, np.log(np.where(np.isnan(x), 1.0, x)) * ww, 0.0).sum(axis=1)
        return np.exp(lg / np.where(tot > 0, tot, np.nan))


def hmean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    _positive(x, "harmonic mean")
    ww, tot = _wm(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(ww > 0, ww / np.where(np.isnan(x), 1.0, x), 0.0).sum(axis=1)
        return np.where(tot > 0, tot, np.nan) / inv


def mpi(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    mu = np.nanmean(x, axis=0)
    sd = np.nanstd(x, axis=0, ddof=1)
    if not (sd > 0).all():
        raise AggregationError("Mazziotta–Pareto needs every child to vary across units")
    z = 100.0 + 10.0 * (x - mu) / sd
    ww, tot = _wm(z, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(ww > 0, z * ww, 0.0).sum(axis=1) / tot
        s = np.sqrt(np.where(ww > 0, (z - m[:, None]) ** 2 * ww, 0.0).sum(axis=1) / tot)
        return m - s * (s / m)


def minimum(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        allnan = np.isnan(x).all(axis=1)
        out = np.nanmin(np.where(allnan[:, None], 0.0, x), axis=1)
    out[allnan] = np.nan
    return out


#: name -> function
AGGREGATE = {"amean": amean, "gmean": gmean, "hmean": hmean, "mpi": mpi, "min": minimum}
