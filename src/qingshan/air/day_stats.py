"""Days per AQI category and primary-pollutant day shares per unit (from daily AQI rows).

Input: :func:`qingshan.air.service.daily_aqi` rows (``code, date, aqi, level, primary_pollutant,
valid``). Only days that count for day statistics (``valid``, plan.aqi_valid_sql) are counted,
so the totals equal the assessment's valid AQI days.

* days per category: HJ 633 levels 1–6 (优, 良, 轻度, 中度, 重度, 严重污染);
* primary-pollutant share: of the days with AQI > 50 (the days that have a primary pollutant,
  HJ 633 §4.4 / §4.3), the share (%, 1 decimal, GB/T 8170 half-even) on which a pollutant is
  primary; tied primary pollutants each count the day (so shares may sum to more than 100 %).
  ``O3_8h`` and ``O3_1h`` are reported together as O3.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pandas as pd

__all__ = ["category_days", "primary_shares", "LEVELS", "PRIMARY"]

LEVELS = (1, 2, 3, 4, 5, 6)
#: primary-pollutant names of the daily AQI -> reported pollutant
PRIMARY = {"PM2.5": "pm25", "PM10": "pm10", "O3_8h": "o3", "O3_1h": "o3", "O3": "o3",
           "NO2": "no2", "SO2": "so2", "CO": "co"}


def _valid(daily: pd.DataFrame) -> pd.DataFrame:
    return daily[daily["valid"].fillna(False).astype(bool) & daily["aqi"].notna()]


def category_days(daily: pd.DataFrame) -> pd.DataFrame:
    """``code`` × ``level_1`` … ``level_6`` day counts and ``days`` (valid AQI days)."""
    d = _valid(daily)
    t = pd.crosstab(d["code"], d["level"].astype(int)).reindex(columns=list(LEVELS),
                                                               fill_value=0)
    t.columns = [f"level_{k}" for k in t.columns]
    t["days"] = t.sum(axis=1)
    return t.reset_index()


def _pct(n: pd.Series, total: pd.Series) -> pd.Series:
    return pd.Series([None if not t else float(Decimal(repr(100.0 * a / t)).quantize(
        Decimal("0.1"), ROUND_HALF_EVEN)) for a, t in zip(n, total)], index=n.index)


def primary_shares(daily: pd.DataFrame) -> pd.DataFrame:
    """``code``, ``polluted_days`` (AQI > 50) and ``share_<pollutant>`` (%) per unit."""
    d = _valid(daily)
    d = d[d["aqi"] > 50]
    long = d.assign(p=d["primary_pollutant"].fillna("").str.split(",")).explode("p")
    long["p"] = long["p"].str.strip().map(PRIMARY)
    long = long.dropna(subset=["p"]).drop_duplicates(["code", "date", "p"])
    days = d.groupby("code").size().rename("polluted_days")
    counts = pd.crosstab(long["code"], long["p"]).reindex(days.index, fill_value=0)
    out = pd.DataFrame({"polluted_days": days})
    for p in ("pm25", "o3", "pm10", "no2", "so2", "co"):
        n = counts[p] if p in counts.columns else pd.Series(0, index=days.index)
        out[f"share_{p}"] = _pct(n, days)
    return out.reset_index()
