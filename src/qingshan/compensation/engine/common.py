"""Helpers shared by the compensation engines: rounding, caps, direction of the money."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ROUNDING_MODES", "round_amount", "apply_cap", "direction", "cap_value"]

#: rounding modes of the open point ``rounding`` (every rule set's; default in its file)
ROUNDING_MODES = ("gbt8170", "half_up", "none")


def round_amount(x: pd.Series, mode: str) -> pd.Series:
    """Amounts rounded to whole 万元.

    ``gbt8170``: GB/T 8170-2008 §3.3 (四舍六入五成双: a dropped part of exactly 0.5 keeps an even
    last digit, the sign put back after rounding the absolute value, §3.3.5); ``half_up``: half
    away from zero; ``none``: unrounded. The value is first cleaned to 10 decimals (binary
    noise such as 4.45 × 80 = 356.00000000000006, the same step as
    :mod:`qingshan.core.rounding`); a tie at .5 is then exact in binary, so numpy's
    round-half-even on it is GB/T 8170's rule for integer rounding.
    """
    if mode not in ROUNDING_MODES:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDING_MODES)}, not {mode!r}")
    v = pd.to_numeric(x, errors="coerce").astype(float)
    if mode == "none":
        return v
    clean = np.round(v.to_numpy(), 10)
    if mode == "gbt8170":
        out = np.round(clean)
    else:
        out = np.sign(clean) * np.floor(np.abs(clean) + 0.5)
    return pd.Series(out + 0.0, index=v.index)   # + 0.0: no negative zero


def cap_value(cap) -> float | None:
    """The cap switch as a number (``"none"``/None: no cap); a negative cap is refused."""
    if cap in (None, "none", ""):
        return None
    c = float(cap)
    if not c >= 0:
        raise ValueError(f"cap must be a non-negative number of 万元 or 'none', not {cap!r}")
    return c


def apply_cap(x: pd.Series, cap) -> tuple[pd.Series, pd.Series]:
    """``x`` clipped to ±cap (万元) and whether the cap applied (cap ``"none"``: unchanged)."""
    c = cap_value(cap)
    if c is None:
        return x, pd.Series(False, index=x.index)
    clipped = x.clip(lower=-c, upper=c)
    return clipped, (clipped != x) & x.notna()


def direction(amount: pd.Series, complete: pd.Series, positive: str, negative: str,
              exempt: pd.Series | None = None) -> pd.Series:
    """Text of who pays whom per row: ``positive`` for amount > 0, ``negative`` for < 0,
    "none" for 0, "exempt (免试)" for exempt rows and "incomplete" when inputs are missing."""
    out = np.select([amount > 0, amount < 0], [positive, negative], "none").astype(object)
    out = pd.Series(out, index=amount.index, dtype=object)
    out[~complete.astype(bool)] = "incomplete"
    if exempt is not None:
        out[exempt.astype(bool)] = "exempt (免试)"
    return out
