"""GB/T 8170-2008 numerical rounding (数值修约) expressed as SQL.

GB/T 8170 §3.3 ("四舍六入五成双"): a digit 5 followed only by zeros rounds to the even neighbour;
a 5 followed by any non-zero digit rounds up; below 5 down, above 5 up. DuckDB's
``round_even(x, n)`` implements round-half-to-even on the decimal value of ``x`` (checked:
``round_even(0.25, 1) = 0.2``, ``round_even(0.35, 1) = 0.4``, ``round_even(2.5, 0) = 2``,
``round_even(35.5, 0) = 36``). Binary floating point turns exact decimal means into values such as
``0.25000000000000006``; the inner ``round(x, 10)`` removes that noise first (10 decimals is far
below any reporting precision here, and a genuine 5-followed-by-non-zero such as 1.2500000001
still rounds up). Spark: sqlglot keeps ``ROUND_EVEN``; map it to ``BROUND`` (HALF_EVEN) there.
"""

from __future__ import annotations

__all__ = ["gbt8170_sql", "NOISE_DECIMALS"]

#: decimals kept before half-even rounding, to remove binary floating-point noise
NOISE_DECIMALS = 10


def gbt8170_sql(expr: str, decimals: int) -> str:
    """SQL expression rounding ``expr`` to ``decimals`` places per GB/T 8170 (half to even).

    Parameters
    ----------
    expr : str
        SQL expression (DOUBLE); NULL stays NULL.
    decimals : int
        Number of decimal places to keep (0 = integer).

    Returns
    -------
    str
        ``round_even(round(expr, 10), decimals)``.
    """
    return f"round_even(round(({expr}), {NOISE_DECIMALS}), {int(decimals)})"
