"""Weights of a node's children (spec evaluation.md §2.1 weighting options, §2.4 item 5).

Every function returns a vector summing to one (a node's children weights always do).

- ``manual``: the configured weights, rescaled to sum to one.
- ``equal``: 1/k each.
- ``entropy`` (熵权法): p_ij = x_ij / Σ_i x_ij over units, e_j = −Σ_i p_ij ln p_ij / ln n,
  w_j = (1 − e_j) / Σ (1 − e_k); needs non-negative values (units with a missing child are left
  out, as the method is defined on complete rows).
- ``ahp``: Saaty's principal eigenvector of the pairwise matrix; consistency index
  CI = (λmax − k)/(k − 1), ratio CR = CI / RI(k) with Saaty's random indices; CR above the limit
  (default 0.1) is an error.
- ``pca``: squared loadings of the first principal component of the children's correlation
  matrix, rescaled to sum to one (Handbook §6 "weights from PCA"; complete rows only).
"""

from __future__ import annotations

import numpy as np

__all__ = ["manual", "equal", "entropy", "ahp", "ahp_consistency", "pca", "WeightError",
           "SAATY_RI"]

#: Saaty's random consistency index by matrix size (1..10)
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
            10: 1.49}


class WeightError(ValueError):
    """Weights that cannot be computed (names the node)."""


def manual(w: np.ndarray) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    s = w.sum()
    if not s > 0:
        raise WeightError("manual weights sum to zero")
    return w / s


def equal(k: int) -> np.ndarray:
    return np.full(k, 1.0 / k)


def _complete(x: np.ndarray) -> np.ndarray:
    return x[~np.isnan(x).any(axis=1)]


def entropy(x: np.ndarray) -> np.ndarray:
    x = _complete(np.asarray(x, dtype=float))
    n = x.shape[0]
    if n < 2:
        raise WeightError("entropy weights need at least 2 complete units")
    if (x < 0).any():
        raise WeightError("entropy weights need non-negative values (normalise first)")
    col = x.sum(axis=0)
    if (col <= 0).any():
        raise WeightError("entropy weights: a child is zero for every unit")
    p = x / col
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    dv = 1.0 - e
    if not dv.sum() > 0:
        return equal(x.shape[1])
    return dv / dv.sum()


def ahp_consistency(a: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(weights, λmax, CR) of a pairwise comparison matrix."""
    a = np.asarray(a, dtype=float)
    k = a.shape[0]
    if a.shape != (k, k) or (a <= 0).any():
        raise WeightError("AHP matrix must be square with positive entries")
    if not np.allclose(a * a.T, 1.0, rtol=1e-6):
        raise WeightError("AHP matrix must be reciprocal (a_ji = 1/a_ij)")
    vals, vecs = np.linalg.eig(a)
    i = int(np.argmax(vals.real))
    lam = float(vals[i].real)
    w = np.abs(vecs[:, i].real)
    w = w / w.sum()
    if k <= 2:
        return w, lam, 0.0
    ci = (lam - k) / (k - 1)
    ri = SAATY_RI.get(k, 1.49)
    return w, lam, ci / ri


def ahp(a: np.ndarray, max_cr: float = 0.1) -> np.ndarray:
    w, _, cr = ahp_consistency(a)
    if cr > max_cr:
        raise WeightError(f"AHP consistency ratio {cr:.3f} exceeds {max_cr}")
    return w


def pca(x: np.ndarray) -> np.ndarray:
    x = _complete(np.asarray(x, dtype=float))
    n, k = x.shape
    if k < 2 or n < 3:
        raise WeightError("PCA weights need at least 2 children and 3 complete units")
    sd = x.std(axis=0, ddof=1)
    if (sd == 0).any():
        raise WeightError("PCA weights: a child has no variance")
    c = np.corrcoef(x, rowvar=False)
    vals, vecs = np.linalg.eigh(c)
    v = vecs[:, np.argmax(vals)]
    w = v ** 2
    return w / w.sum()
