"""Pre-processing steps before normalisation (spec evaluation.md §2.4 item 3; COINr's
``Denominate``, ``Impute``, ``Screen`` and ``Treat``).

- :func:`denominate`: indicator ÷ its denominator column (per area / per capita …).
- :func:`impute_group_mean`: a missing value takes the mean of the observed values of its
  group (COINr ``i_mean_grp``); observed values are never changed (COINr issue #40).
- :func:`impute_panel`: last observation carried forward (``locf``) or linear in time between
  the nearest observed years before and after (``linear``; no extrapolation, so a unit with a
  single observation stays missing rather than failing — COINr issue #63).
- :func:`screen`: units whose share of available indicators is below a threshold are removed
  (COINr ``Screen(unit_screen = "byNA")``).
- :func:`treat_coinr`: COINr's default ``Treat`` (R/treat.R, COINr 1.1.14): an indicator fails
  when |skewness| ≥ 2 **and** kurtosis ≥ 3.5 (``check_SkewKurt`` passes on ``|skew| < 2 OR
  kurt < 3.5``; sample skewness and excess kurtosis of type 2, as ``e1071``/Excel); a failing
  indicator is winsorised one extreme at a time (the highest value when skewness ≥ 0, else the
  lowest, replaced by the next value; ties together) while it fails and fewer than ``winmax``
  (5) points are winsorised; if it still fails, the *original* values are instead log-transformed
  by ``log_CT``: ln(x − min + 0.01 (max − min)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["denominate", "impute_group_mean", "impute_panel", "screen", "skew", "kurt",
           "passes_skew_kurt", "winsorise", "treat_coinr"]


def denominate(x: pd.DataFrame, denominators: pd.DataFrame, by: dict[str, str]) -> pd.DataFrame:
    """``x[c] / denominators[by[c]]`` for every indicator c that names a denominator."""
    out = x.copy()
    missing = sorted({v for v in by.values() if v and v not in denominators.columns})
    if missing:
        raise ValueError(f"denominator columns missing from the data: {missing}")
    cols = [c for c in x.columns if by.get(c)]
    if cols:
        den = denominators.loc[x.index, [by[c] for c in cols]].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[cols] = x[cols].to_numpy(dtype=float) / np.where(den == 0, np.nan, den)
    return out


def impute_group_mean(x: pd.DataFrame, groups: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(imputed values, flags of the imputed cells)."""
    g = groups.reindex(x.index)
    means = x.groupby(g).transform("mean")
    miss = x.isna()
    return x.where(~miss, means), miss & means.notna()


def impute_panel(panel: pd.DataFrame, year: int, how: str) -> tuple[pd.Series, pd.Series]:
    """Impute the cells of ``year`` from a long panel (columns unit, indicator, year, value).

    Returns (value, imputed flag), both indexed by (unit, indicator)."""
    wide = panel.pivot_table(index="year", columns=["unit", "indicator"], values="value",
                             aggfunc="first").sort_index()
    if year not in wide.index:
        wide.loc[year] = np.nan
        wide = wide.sort_index()
    if how == "locf":
        filled = wide.ffill()
    elif how == "linear":
        filled = wide.interpolate(method="index", limit_area="inside")
    else:
        raise ValueError(f"unknown panel imputation {how!r}")
    obs = wide.loc[year]
    val = filled.loc[year]
    return val, obs.isna() & val.notna()


def screen(x: pd.DataFrame, min_availability: float) -> tuple[pd.DataFrame, list[str]]:
    """Keep units with at least ``min_availability`` of their indicators available."""
    avail = x.notna().mean(axis=1)
    keep = avail >= min_availability
    return x[keep], [str(u) for u in x.index[~keep]]


def skew(x: np.ndarray) -> float:
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 3:
        return float("nan")
    x = x - x.mean()
    s2 = np.sum(x ** 2)
    if s2 == 0:
        return 0.0
    y = np.sqrt(n) * np.sum(x ** 3) / s2 ** 1.5
    return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: np.ndarray) -> float:
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 4:
        return float("nan")
    x = x - x.mean()
    s2 = np.sum(x ** 2)
    if s2 == 0:
        return 0.0
    r = n * np.sum(x ** 4) / s2 ** 2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def passes_skew_kurt(x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> bool:
    sk, kt = skew(x), kurt(x)
    if np.isnan(sk) or np.isnan(kt):
        return True        # too few points to judge: left untreated
    return bool(abs(sk) < skew_thresh or kt < kurt_thresh)


def winsorise(x: np.ndarray, winmax: int = 5, skew_thresh: float = 2.0,
              kurt_thresh: float = 3.5) -> tuple[np.ndarray, int]:
    """COINr ``winsorise`` (see module doc). Returns (values, points winsorised as COINr
    counts them: the size of the last tied group at each end)."""
    x = x.astype(float).copy()
    nwin = 0
    imax = imin = np.array([], dtype=int)
    ok = passes_skew_kurt(x, skew_thresh, kurt_thresh)
    while not ok and nwin < winmax:
        if skew(x) >= 0:
            mx = np.nanmax(x)
            imax = np.flatnonzero(x == mx)
            rest = np.delete(x, imax)
            x[imax] = np.nanmax(rest)
        else:
            mn = np.nanmin(x)
            imin = np.flatnonzero(x == mn)
            rest = np.delete(x, imin)
            x[imin] = np.nanmin(rest)
        nwin = len(imax) + len(imin)
        ok = passes_skew_kurt(x, skew_thresh, kurt_thresh)
    return x, nwin


def treat_coinr(x: pd.DataFrame, winmax: int = 5, skew_thresh: float = 2.0,
                kurt_thresh: float = 3.5, f2: str = "log_CT"
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(treated values, one row per indicator: action, points, skew/kurt before and after)."""
    out = x.copy()
    rows = []
    for c in x.columns:          # one pass per indicator (column), vectorised inside
        v = x[c].to_numpy(dtype=float)
        sk0, kt0 = skew(v), kurt(v)
        action, npts, t = "none", 0, v
        if not passes_skew_kurt(v, skew_thresh, kurt_thresh):
            w, npts = winsorise(v, winmax, skew_thresh, kurt_thresh)
            if passes_skew_kurt(w, skew_thresh, kurt_thresh):
                action, t = "winsorised", w
            elif f2 == "log_CT":
                mn, mx = np.nanmin(v), np.nanmax(v)
                action, t, npts = "log_CT", np.log(v - mn + 0.01 * (mx - mn)), 0
            else:
                action, t = "winsorised (still failing)", w
        out[c] = t
        rows.append({"indicator": c, "action": action, "points": npts,
                     "changed": int(np.sum(~np.isclose(t, v, equal_nan=True))),
                     "skew_before": sk0, "kurt_before": kt0,
                     "skew_after": skew(t), "kurt_after": kurt(t)})
    return out, pd.DataFrame(rows)
