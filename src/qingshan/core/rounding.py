"""GB/T 8170-2008 numerical rounding (数值修约) expressed as SQL, exact on DuckDB and Spark.

The rule (GB/T 8170-2008 §3.3, "四舍六入五成双")
------------------------------------------------
Rounding to a unit ``u = 10^-n`` (§3.2: n decimals; n < 0 rounds to tens, hundreds, …):

* §3.3.1 the leftmost dropped digit < 5: drop (12.1498 → 12.1);
* §3.3.2 it is > 5: the last kept digit + 1 (1268 → 13×10²);
* §3.3.3 it is 5 followed by any non-zero digit: + 1 (10.5002 → 11);
* §3.3.4 it is 5 followed by nothing or only zeros: + 1 if the last kept digit is odd, drop if
  it is even (0.35 → 0.4; 1.050 → 1.0; 2500 → 2×10³; 3500 → 4×10³);
* §3.3.5 negative numbers: round the absolute value, then put the sign back (−0.0365 → −0.036);
* §3.4 round once, from the original value (15.4546 → 15, never 15.455 → 15.46 → 15.5 → 16).

Why decimal arithmetic (DuckDB ≥ 2)
-----------------------------------
§3.3.4 is a statement about the *decimal* digits. A DOUBLE holds the nearest binary fraction:
0.35 is 0.34999999999999997…, 1.05 is 1.0500000000000000444…, 0.4625 and 7.975 are likewise off.
This module's former SQL, ``round_even(round(x, 10), n)``, relied on ``round_even`` of a DOUBLE
behaving like the decimal the DOUBLE prints as; DuckDB 2.x's ``round_even`` on a DOUBLE rounds
the binary value, so it gave 0.35 → 0.3, 0.45 → 0.5, 1.05 → 1.1, 0.15 → 0.1, 0.4625 → 0.463 and
7.975 → 7.97 (GB/T 8170: 0.4, 0.4, 1.0, 0.2, 0.462, 7.98). The expression below therefore never
rounds a DOUBLE; it works on an exact DECIMAL:

1. ``q = TRY_CAST(x AS DECIMAL(18, 10))`` — keep :data:`NOISE_DECIMALS` = 10 decimals. This
   removes the binary representation error (0.34999999999999997 → 0.3500000000; a mean such as
   0.1 + 0.15 = 0.25000000000000006 → 0.2500000000), while a genuine "5 followed by a non-zero
   digit" down to the 10th decimal survives (1.0500000001 → 1.1, §3.3.3). Ten decimals is far
   below any reporting precision (at most 3 decimals here) and within what a DOUBLE resolves:
   for |x| < 2^18 = 262 144 every DOUBLE that is the nearest double to a decimal with ≤ 10
   decimals casts back to exactly that decimal, on both engines (DuckDB scales by 10^10 in
   DOUBLE and rounds — the two rounding errors stay below half a unit of the 10th decimal there;
   Spark converts through the shortest decimal string, ``Double.toString``). Larger values are
   still rounded exactly when the DOUBLE is exact (12345.5, 1234567.125, integers, halves); a
   written tie that is not representable, e.g. 298828.905, may be taken for 298828.9050000001.
   The quantities rounded here (concentrations ≤ 10⁴, percentages, indices, multiples) are far
   inside the exact range.
2. ``ROUND(q, n) - CASE q % 2u WHEN u/2 THEN u WHEN -u/2 THEN -u ELSE 0 END``. ``ROUND`` on a
   DECIMAL is exact integer arithmetic on both engines and rounds half away from zero, which is
   §3.3.1–3.3.3 and §3.3.5 already, and §3.3.4 when the kept digit is odd. It is one unit too far
   from zero exactly when the dropped part is 5 followed only by zeros and the kept digit is even,
   i.e. ``|q| = 2k·u + u/2``: then ``q % 2u`` (remainder with the sign of ``q`` — DuckDB and Spark
   both truncate) is ``+u/2`` or ``-u/2``, and the CASE moves the result back by one unit toward
   zero. ``ROUND`` is not asked to break a tie by parity, so no engine's half-even rule on binary
   values is involved.
3. ``CAST(... AS DOUBLE)``: the result is the exact rounded decimal converted to the nearest
   DOUBLE — the same DOUBLE as the literal (0.4 prints as 0.4); callers keep DOUBLE columns.

``DECIMAL(18, 10)`` (|x| < 10⁸) is a 64-bit integer in DuckDB and no step scales it up (no
multiplication), so the whole expression stays in 64-bit decimals. A NULL from that cast
(|x| ≥ 10⁸, or a NULL input) falls through ``COALESCE`` to
``round_even(TRY_CAST(x AS DECIMAL(38, 10)), n)``: half-even on the exact 128-bit DECIMAL (DuckDB's
``round_even`` on a DECIMAL is decimal arithmetic — only its DOUBLE variant changed in 2.x; Spark:
``BROUND``, HALF_EVEN on the BigDecimal). It is written with a single reference to the cast on
purpose: DuckDB's common-subexpression elimination hoists any repeated subexpression out of
``COALESCE`` and would compute a repeated 128-bit cast for every row (4× slower); the single
``round_even`` is only evaluated for the fallback rows. NULL stays NULL; NaN and ±Infinity (and
|x| ≥ 10²⁸) give NULL — they have no decimal digits to round.

Cost (DuckDB 2.0.1, 2 threads, 15 M rows, ``sum()`` of the rounded value, best of 5, 1 / 0
decimals; former SQL in brackets): a column 0.25 / 0.23 s (0.44 / 0.29 s); with 10 % NULLs
0.30 / 0.28 s (0.47 / 0.26 s); an expression of four math functions, itself 0.24 s, 0.54 / 0.44 s
(0.68 / 0.51 s). HJ 633-2026 hourly AQI with all six inputs rounded: 4.1 s (6.1 s; 2.2 s without
rounding). ``expr`` appears three times in the text but DuckDB computes it once (the
common-subexpression elimination above); the literals are written with a fractional digit so
that DuckDB keeps the ``%`` in 64 bits (see ``_lit``).

Spark
-----
sqlglot (read duckdb, write spark; :func:`qingshan.backends.spark.to_spark_sql`) passes
``TRY_CAST``, ``ROUND``, ``%``, ``CASE``, ``COALESCE`` and the decimal literals through unchanged;
the backend maps the fallback's ``round_even`` to ``BROUND``. Spark's ``ROUND`` on a DECIMAL is
HALF_UP (away from zero) on the exact value and ``%`` the exact remainder with the dividend's
sign; the cast converts through the decimal string of the DOUBLE. No step widens the type beyond
38 digits (no multiplication), so Spark never reduces a scale: every step is exact and the result
is identical to DuckDB's (``tests/air/engine/test_rounding_gbt8170.py`` runs the same vectors on
both). ``TRY_CAST`` gives NULL for out-of-range and non-finite values also under ANSI mode
(Spark 4's default), as on DuckDB.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["gbt8170_sql", "NOISE_DECIMALS"]

#: decimals kept when the DOUBLE is converted to DECIMAL, to remove binary floating-point noise
NOISE_DECIMALS = 10

#: DECIMAL precisions of the exact path (64-bit in DuckDB; |x| < 10^8) and of the wide fallback
_NARROW, _WIDE = 18, 38


def _lit(d: Decimal) -> str:
    """Decimal literal with a fractional digit (``2.0``, not ``2``): DuckDB binds an integer
    literal as INTEGER = DECIMAL(10, 0), which would widen ``q % 2`` past 18 digits (128-bit)."""
    t = format(d, "f")
    return t if "." in t else t + ".0"


def _round_decimal(q: str, decimals: int) -> str:
    """GB/T 8170 rounding of the exact DECIMAL expression ``q`` (see the module docstring)."""
    u = Decimal(1).scaleb(-decimals)
    half, two, unit = _lit(u / 2), _lit(2 * u), _lit(u)
    return (f"ROUND({q}, {decimals}) - CASE {q} % {two} WHEN {half} THEN {unit} "
            f"WHEN -{half} THEN -{unit} ELSE 0 END")


def gbt8170_sql(expr: str, decimals: int) -> str:
    """SQL expression rounding ``expr`` to ``decimals`` places per GB/T 8170-2008 §3.3.

    Parameters
    ----------
    expr : str
        SQL expression (DOUBLE, or any numeric type); NULL stays NULL, NaN/±Infinity give NULL.
    decimals : int
        Number of decimal places to keep: 0 = integer, −1 = tens, −2 = hundreds (§3.2), …;
        from −8 to ``NOISE_DECIMALS - 1`` = 9.

    Returns
    -------
    str
        DOUBLE expression, e.g. for ``decimals=1``::

            COALESCE(
              CAST(ROUND(TRY_CAST((x) AS DECIMAL(18, 10)), 1)
                   - CASE TRY_CAST((x) AS DECIMAL(18, 10)) % 0.2
                     WHEN 0.05 THEN 0.1 WHEN -0.05 THEN -0.1 ELSE 0 END AS DOUBLE),
              CAST(round_even(TRY_CAST((x) AS DECIMAL(38, 10)), 1) AS DOUBLE))
    """
    d = int(decimals)
    if not -(_NARROW - NOISE_DECIMALS) <= d < NOISE_DECIMALS:
        raise ValueError(f"decimals must be in {-(_NARROW - NOISE_DECIMALS)}..."
                         f"{NOISE_DECIMALS - 1}, not {decimals!r}")
    exact = _round_decimal(f"TRY_CAST(({expr}) AS DECIMAL({_NARROW}, {NOISE_DECIMALS}))", d)
    wide = f"round_even(TRY_CAST(({expr}) AS DECIMAL({_WIDE}, {NOISE_DECIMALS})), {d})"
    return f"COALESCE(CAST({exact} AS DOUBLE), CAST({wide} AS DOUBLE))"
