"""WHO global air quality guidelines (2021), ISBN 978-92-4-003422-8: AQG levels and interim targets.

Transcribed from ``spec/air-assessment.md`` §3 (executive summary table of the guidelines).
AQG levels [V3: corroborated by third-party code]; interim targets [M: from memory, unverified
against the WHO text; PM2.5 annual IT-3 15 / IT-4 10 seen in third-party code, V3].

``LEVELS[(pollutant, averaging)]`` is an ordered tuple of ``(name, upper value)`` from the least
to the most stringent; the guideline is "reached" when the concentration is ≤ the value. Short-term
(24-h / 8-h) levels are defined as the 99th percentile of the daily values (3–4 exceedance days per
year); O3 "peak season" is the mean of the daily maximum 8-h over the six consecutive months with
the highest six-month running mean. Units: µg/m³, CO mg/m³.
"""

from __future__ import annotations

__all__ = ["LEVELS", "SOURCE", "ABOVE_IT1"]

SOURCE = "WHO AQG 2021"
#: label for a concentration above the first interim target
ABOVE_IT1 = ">IT-1"

LEVELS: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {
    ("pm25", "annual"): (("IT-1", 35), ("IT-2", 25), ("IT-3", 15), ("IT-4", 10), ("AQG", 5)),
    ("pm25", "24h"): (("IT-1", 75), ("IT-2", 50), ("IT-3", 37.5), ("IT-4", 25), ("AQG", 15)),
    ("pm10", "annual"): (("IT-1", 70), ("IT-2", 50), ("IT-3", 30), ("IT-4", 20), ("AQG", 15)),
    ("pm10", "24h"): (("IT-1", 150), ("IT-2", 100), ("IT-3", 75), ("IT-4", 50), ("AQG", 45)),
    ("o3", "peak_season"): (("IT-1", 100), ("IT-2", 70), ("AQG", 60)),
    ("o3", "8h"): (("IT-1", 160), ("IT-2", 120), ("AQG", 100)),
    ("no2", "annual"): (("IT-1", 40), ("IT-2", 30), ("IT-3", 20), ("AQG", 10)),
    ("no2", "24h"): (("IT-1", 120), ("IT-2", 50), ("AQG", 25)),
    ("so2", "24h"): (("IT-1", 125), ("IT-2", 50), ("AQG", 40)),
    ("co", "24h"): (("IT-1", 7), ("AQG", 4)),
}
