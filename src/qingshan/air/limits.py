"""Reference lines for the pages' trend charts: GB 3095 grade II and WHO AQG 2021 levels.

Table look-ups only (the values live in :mod:`qingshan.air.standards`): GB 3095-2012 Table 1 until
2026-02-28, GB 3095-2026 Table 1 (transition limits until 2030-12-31, then final) from
2026-03-01; WHO AQG 2021 guideline level (most stringent row).
"""

from __future__ import annotations

from datetime import date

from qingshan.air.rules import rules_for
from qingshan.air.standards import who_2021

__all__ = ["reference_lines", "STAT_AVERAGING"]

#: which averaging time of the standards each assessed statistic is compared with
STAT_AVERAGING = {"pm25": ("pm25", "annual"), "pm10": ("pm10", "annual"),
                  "so2": ("so2", "annual"), "no2": ("no2", "annual"),
                  "co_p95": ("co", "24h"), "o3_8h_p90": ("o3", "8h")}
_WHO_AVG = {"so2": "24h", "co": "24h", "o3": "8h"}


def _gb(year: int):
    r = rules_for(date(year, 12, 31))
    return r.limits_standard, r.limits


def reference_lines(stat: str, year: int, lang: str) -> dict[str, float]:
    """``{label: value}`` for the chart of ``stat`` (e.g. ``"pm25"``) in ``year``."""
    if stat not in STAT_AVERAGING:
        return {}
    pol, avg = STAT_AVERAGING[stat]
    out: dict[str, float] = {}
    name, table = _gb(year)
    if (pol, avg) in table:
        out[f"{name} {'二级' if lang == 'zh' else 'grade II'}"] = float(table[(pol, avg)][1])
    who_avg = _WHO_AVG.get(pol, avg)
    levels = who_2021.LEVELS.get((pol, who_avg))
    if levels:
        out[f"WHO AQG 2021{'准则值' if lang == 'zh' else ''}"] = float(levels[-1][1])
    return out
