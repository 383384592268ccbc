"""GB 3095-2012 《环境空气质量标准》 Table 1 (basic items) and Table 4 (data validity).

Transcribed from ``spec/air-assessment.md`` §1.1 [V3: limits table reproduced by a third-party copy
of GB 3095-2012] and §1.3 (Table 4; identical to GB 3095-2026 Table 4 [V for 2026, M for 2012]).
In force 2016-01-01 … 2026-02-28 (abolished by GB 3095-2026 on 2026-03-01).

Units: µg/m³, CO mg/m³. Gases at the reference state 298.15 K / 1013.25 hPa, particulates at
actual conditions (2018 amendment No. 1).

``LIMITS[(pollutant, averaging)] = (grade_I, grade_II)``; averaging is one of ``"annual"``,
``"24h"`` (daily mean), ``"8h"`` (O3 daily maximum 8-hour moving average) and ``"1h"``.
All limits are inclusive upper limits (a value equal to the limit complies).
"""

from __future__ import annotations

__all__ = ["LIMITS", "STANDARD", "GRADE_II", "GRADE_I"]

STANDARD = "GB 3095-2012"
GRADE_I = 0
GRADE_II = 1

LIMITS: dict[tuple[str, str], tuple[float, float]] = {
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
    ("pm10", "annual"): (40, 70),
    ("pm10", "24h"): (50, 150),
    ("pm25", "annual"): (15, 35),
    ("pm25", "24h"): (35, 75),
}
