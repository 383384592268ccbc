"""GB 3095-2026 《环境空气质量标准》 Table 1 (basic items): transition-phase and final limits.

Transcribed from ``spec/air-assessment.md`` §1.2 [V: read in the primary document, printed p.3;
scanned PDF in ``spec/sources/GB_3095-2026.pdf``]. Transition limits (过渡阶段浓度限值) apply
2026-03-01 … 2030-12-31; the final limits (浓度限值) nationwide from 2031-01-01 (§4.4, foreword).
Data-validity minimums (Table 4) are unchanged from GB 3095-2012 (see ``gb3095_2012``).

Units: µg/m³, CO mg/m³. ``(pollutant, averaging) -> (grade_I, grade_II)``, averaging as in
``gb3095_2012``. All limits are inclusive upper limits.
"""

from __future__ import annotations

__all__ = ["STANDARD", "TRANSITION_LIMITS", "FINAL_LIMITS", "TRANSITION_END"]

from datetime import date

STANDARD = "GB 3095-2026"
#: last day of the transition phase (§4.4)
TRANSITION_END = date(2030, 12, 31)

TRANSITION_LIMITS: dict[tuple[str, str], tuple[float, float]] = {
    ("so2", "annual"): (20, 60),
    ("so2", "24h"): (50, 150),
    ("so2", "1h"): (150, 500),
    ("no2", "annual"): (40, 40),
    ("no2", "24h"): (80, 80),
    ("no2", "1h"): (200, 200),
    ("co", "24h"): (4, 4),
    ("co", "1h"): (10, 10),
    ("o3", "8h"): (100, 160),
    ("o3", "1h"): (160, 200),
    ("pm10", "annual"): (40, 60),
    ("pm10", "24h"): (50, 120),
    ("pm25", "annual"): (15, 30),
    ("pm25", "24h"): (35, 60),
}

FINAL_LIMITS: dict[tuple[str, str], tuple[float, float]] = {
    ("so2", "annual"): (20, 20),
    ("so2", "24h"): (50, 50),
    ("so2", "1h"): (150, 150),
    ("no2", "annual"): (30, 30),
    ("no2", "24h"): (50, 50),
    ("no2", "1h"): (200, 200),
    ("co", "24h"): (4, 4),
    ("co", "1h"): (10, 10),
    ("o3", "8h"): (100, 160),
    ("o3", "1h"): (160, 200),
    ("pm10", "annual"): (20, 50),
    ("pm10", "24h"): (50, 100),
    ("pm25", "annual"): (10, 25),
    ("pm25", "24h"): (25, 50),
}
