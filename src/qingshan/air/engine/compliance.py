"""GB 3095 compliance, exceedance multiples, compliance rates and WHO 2021 levels as SQL.

Rules (spec air-assessment §2.2, HJ 663-2013 §7 [M]):

* hourly/daily value compliant when ≤ the GB 3095 limit of the same averaging time and grade;
* annual, single pollutant: SO2, NO2, PM10, PM2.5 compliant only if the annual mean ≤ the annual
  limit **and** the 24-h percentile (P98 SO2/NO2, P95 PM10/PM2.5) ≤ the 24-h limit; CO if P95 of
  the daily means ≤ the 24-h limit; O3 if P90 of MDA8 ≤ the 8-h limit;
* multi-pollutant: compliant only if all six are (SQL three-valued AND: one non-compliant
  pollutant makes it FALSE, an unknown one with no failure leaves it NULL); non-compliant
  pollutants are listed in ``exceed_pollutants``;
* exceedance multiple B = (C − S) / S, 2 decimals (GB/T 8170), given only when C > S;
* compliance rate D = compliant periods / valid periods × 100 %, 1 decimal;
* WHO 2021: the most stringent level (AQG, IT-4 … IT-1) whose value the concentration does not
  exceed, ``>IT-1`` above IT-1.

Limits by date (:func:`limits_for`): GB 3095-2012 before 2026-03-01; GB 3095-2026 transition
limits 2026-03-01 … 2030-12-31; final limits from 2031-01-01.
"""

from __future__ import annotations

from datetime import date

from qingshan.core.rounding import gbt8170_sql
from qingshan.air.standards import gb3095_2012
from qingshan.air.standards import who_2021
from qingshan.air.rules import rules_for

__all__ = [
    "limits_for", "standard_for", "annual_compliance_sql", "daily_compliance_sql",
    "compliance_rate_sql", "exceedance_sql", "who_level_sql", "LABELS", "GRADE_I", "GRADE_II",
]

GRADE_I = gb3095_2012.GRADE_I
GRADE_II = gb3095_2012.GRADE_II
#: display names of pollutants, in the order non-compliant pollutants are listed
LABELS = {"pm25": "PM2.5", "pm10": "PM10", "o3": "O3", "no2": "NO2", "so2": "SO2", "co": "CO"}

#: annual statistics: pollutant -> [(statistic column, (pollutant, averaging) limit key)]
ANNUAL_TESTS = {
    "so2": [("so2", ("so2", "annual")), ("so2_p98", ("so2", "24h"))],
    "no2": [("no2", ("no2", "annual")), ("no2_p98", ("no2", "24h"))],
    "pm10": [("pm10", ("pm10", "annual")), ("pm10_p95", ("pm10", "24h"))],
    "pm25": [("pm25", ("pm25", "annual")), ("pm25_p95", ("pm25", "24h"))],
    "co": [("co_p95", ("co", "24h"))],
    "o3": [("o3_8h_p90", ("o3", "8h"))],
}
#: daily statistics (engine.statistics names) -> limit key of the same averaging time
DAILY_TESTS = {"so2": ("so2", "24h"), "no2": ("no2", "24h"), "co": ("co", "24h"),
               "pm10": ("pm10", "24h"), "pm25": ("pm25", "24h"), "o3_8h_max": ("o3", "8h"),
               "o3_1h_max": ("o3", "1h")}


def limits_for(d: date) -> dict[tuple[str, str], tuple[float, float]]:
    """GB 3095 limits in force on day ``d`` (``rules_for(d).limits``; GB 3095-2026 §4.4)."""
    return rules_for(d).limits


def standard_for(d: date) -> str:
    """Name of the GB 3095 limits used for day ``d``, e.g. ``"GB 3095-2026 (transition)"``."""
    return rules_for(d).limits_label()


def exceedance_sql(expr: str, limit: float) -> str:
    """Exceedance multiple (C − S)/S, 2 decimals, only when C > S (else NULL)."""
    return (f"CASE WHEN ({expr}) > {limit} THEN "
            f"{gbt8170_sql(f'(({expr}) - {limit}) / {limit}', 2)} END")


def annual_compliance_sql(stats: str, limits: dict, grade: int = GRADE_II) -> str:
    """Annual single- and multi-pollutant compliance of a period-statistics input.

    Parameters
    ----------
    stats : str
        Named input shaped like ``engine.statistics.period_stats_sql`` output (columns so2,
        so2_p98, no2, no2_p98, pm10, pm10_p95, pm25, pm25_p95, co_p95, o3_8h_p90 and the
        ``*_valid`` flags so2_valid, no2_valid, pm10_valid, pm25_valid, co_valid, o3_8h_valid).
    limits : dict
        ``(pollutant, averaging) -> (grade I, grade II)`` (see :func:`limits_for`).
    grade : int
        ``GRADE_II`` (Class II areas, default) or ``GRADE_I``.

    Returns
    -------
    str
        All input columns plus ``<p>_ok`` for each pollutant (NULL when its statistics are not
        valid), ``compliant``, ``exceed_pollutants`` (e.g. ``"PM2.5,PM10"``; NULL if none) and
        the exceedance multiple ``<statistic>_exceed`` of every tested statistic.
    """
    cols = []
    oks = []
    for p, tests in ANNUAL_TESTS.items():
        vflag = "o3_8h_valid" if p == "o3" else f"{p}_valid"
        cond = " AND ".join(f"{c} <= {limits[k][grade]}" for c, k in tests)
        cols.append(f"CASE WHEN {vflag} THEN ({cond}) END AS {p}_ok")
        oks.append(f"{p}_ok")
        for c, k in tests:
            cols.append(f"{exceedance_sql(c, limits[k][grade])} AS {c}_exceed")
    listed = ", ".join(f"CASE WHEN NOT {p}_ok THEN '{lab}' END" for p, lab in LABELS.items())
    return f"""
WITH c AS (SELECT *, {", ".join(cols)} FROM {stats})
SELECT *, ({" AND ".join(oks)}) AS compliant,
  NULLIF(concat_ws(',', {listed}), '') AS exceed_pollutants
FROM c
"""


def daily_compliance_sql(daily: str, limits: dict, grade: int = GRADE_II) -> str:
    """Per-day compliance flags ``<stat>_ok`` (NULL when the daily statistic is not valid) and
    daily exceedance multiples ``<stat>_exceed``; input as ``daily_rounded_sql`` output."""
    cols = []
    for s, k in DAILY_TESTS.items():
        lim = limits[k][grade]
        cols.append(f"CASE WHEN {s}_valid THEN {s} <= {lim} END AS {s}_ok")
        cols.append(f"CASE WHEN {s}_valid THEN {exceedance_sql(s, lim)} END AS {s}_exceed")
    return f"SELECT *, {', '.join(cols)} FROM {daily}"


def compliance_rate_sql(daily_ok: str, by: str = "code") -> str:
    """Compliance rate D = compliant days / valid days × 100 % (1 decimal) per group ``by``.

    Output: ``by`` columns, then for each daily statistic ``<stat>_ok_days``, ``<stat>_days``
    and ``<stat>_rate``.
    """
    cols = []
    for s in DAILY_TESTS:
        cols.append(f"count(*) FILTER (WHERE {s}_ok) AS {s}_ok_days")
        cols.append(f"count({s}_ok) AS {s}_days")
        rate = f"100.0 * count(*) FILTER (WHERE {s}_ok) / NULLIF(count({s}_ok), 0)"
        cols.append(f"{gbt8170_sql(rate, 1)} AS {s}_rate")
    return f"SELECT {by}, {', '.join(cols)} FROM {daily_ok} GROUP BY {by}"


def who_level_sql(expr: str, pollutant: str, averaging: str = "annual") -> str:
    """SQL CASE giving the WHO 2021 level reached by ``expr`` (``"AQG"``, ``"IT-4"`` … ``"IT-1"``,
    ``">IT-1"``; NULL when ``expr`` is NULL)."""
    levels = who_2021.LEVELS[(pollutant, averaging)]
    whens = " ".join(f"WHEN ({expr}) <= {v} THEN '{name}'" for name, v in reversed(levels))
    return f"CASE WHEN ({expr}) IS NULL THEN NULL {whens} ELSE '{who_2021.ABOVE_IT1}' END"
