"""City ranking (城市环境空气质量排名技术规定, spec air-aqi §7) as SQL builders.

* single-item index I_i = C_i / S_i (C_i: period mean of SO2, NO2, PM10, PM2.5; P95 of daily CO;
  P90 of O3 MDA8; concentrations already rounded by GB/T 8170; S_i from
  :mod:`qingshan.air.standards.ranking_rule`), reported to ``INDEX_DECIMALS`` decimals;
* comprehensive index Σ W_i·I_i, unweighted (all W = 1) and weighted (province
  ``composite_weights``, by default 3/2/2/1/1/1), computed from the unrounded I_i and rounded to
  2 decimals (GB/T 8170); NULL when any of the six statistics is missing;
* primary pollutant of the period = the pollutant(s) with the largest I_i (ties all listed);
* rank ascending (1 = best); equal (rounded) values share the smallest rank ("并列", SQL RANK);
* change rate ΔI = (I − I_last year) / I_last year × 100 %, 1 decimal; percentage-point change for
  ratios.
"""

from __future__ import annotations

from qingshan.core.rounding import gbt8170_sql
from qingshan.air.standards import ranking_rule as rr

__all__ = ["index_sql", "rank_sql", "change_pct_sql", "change_pp_sql", "POLLUTANT_ORDER"]

#: order used to list tied primary pollutants and the index columns
POLLUTANT_ORDER = ("pm25", "pm10", "so2", "no2", "co", "o3")
_LABELS = {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3"}


def index_sql(stats: str, denominators: dict[str, float] | None = None,
              weights: dict[str, float] | None = None,
              statistic: dict[str, str] | None = None) -> str:
    """Single-item indices, comprehensive indices and primary pollutant of each row of ``stats``.

    Parameters
    ----------
    stats : str
        Named input with the statistic columns of ``ranking_rule.STATISTIC`` (pm25, pm10, so2,
        no2, co_p95, o3_8h_p90).
    denominators : dict, optional
        S_i per pollutant (default ``DENOMINATORS_2012``).
    weights : dict, optional
        W_i of the weighted index (default ``WEIGHTS_2018``).
    statistic : dict, optional
        Column holding C_i per pollutant (default ``ranking_rule.STATISTIC``).

    Returns
    -------
    str
        Input columns plus ``i_pm25, i_pm10, i_so2, i_no2, i_co, i_o3``, ``composite_index``,
        ``composite_index_weighted`` and ``primary_pollutant``.
    """
    den = denominators or rr.DENOMINATORS_2012
    w = weights or rr.WEIGHTS_2018
    st = statistic or rr.STATISTIC
    raw = {p: f"(CAST({st[p]} AS DOUBLE) / {den[p]})" for p in POLLUTANT_ORDER}
    idx = ", ".join(f"{gbt8170_sql(raw[p], rr.INDEX_DECIMALS)} AS i_{p}" for p in POLLUTANT_ORDER)
    plain = " + ".join(raw[p] for p in POLLUTANT_ORDER)
    weighted = " + ".join(f"{w[p]} * {raw[p]}" for p in POLLUTANT_ORDER)
    greatest = f"GREATEST({', '.join(raw[p] for p in POLLUTANT_ORDER)})"
    prim = ", ".join(f"CASE WHEN {raw[p]} = {greatest} THEN '{_LABELS[p]}' END"
                     for p in POLLUTANT_ORDER)
    return f"""
SELECT *, {idx},
  {gbt8170_sql(plain, rr.COMPOSITE_DECIMALS)} AS composite_index,
  {gbt8170_sql(weighted, rr.COMPOSITE_DECIMALS)} AS composite_index_weighted,
  NULLIF(concat_ws(',', {prim}), '') AS primary_pollutant
FROM {stats}
"""


def rank_sql(source: str, value: str, rank_col: str = "rank", partition: str | None = None,
             descending: bool = False) -> str:
    """Add ``rank_col``: rank of ``value`` (ascending = 1 best), ties share the smallest rank,
    NULL values get a NULL rank."""
    part = f"PARTITION BY {partition}, " if partition else "PARTITION BY "
    order = "DESC" if descending else "ASC"
    return (f"SELECT *, CASE WHEN {value} IS NULL THEN NULL ELSE RANK() OVER "
            f"({part}({value} IS NULL) ORDER BY {value} {order}) END AS {rank_col} "
            f"FROM {source}")


def change_pct_sql(current: str, previous: str) -> str:
    """Change rate (current − previous) / previous × 100 %, 1 decimal; NULL without a base."""
    return (f"CASE WHEN ({previous}) IS NULL OR ({previous}) = 0 THEN NULL ELSE "
            f"{gbt8170_sql(f'(({current}) - ({previous})) * 100.0 / ({previous})', rr.CHANGE_DECIMALS)}"
            f" END")


def change_pp_sql(current: str, previous: str) -> str:
    """Change in percentage points (current − previous), 1 decimal; NULL without a base."""
    return gbt8170_sql(f"({current}) - ({previous})", rr.CHANGE_DECIMALS)
