"""HJ 663-2013 《环境空气质量评价技术规范（试行）》: validity thresholds, percentiles, rounding.

Transcribed from ``spec/air-assessment.md`` §1.3 (GB 3095-2012/2026 Table 4), §2.1 (HJ 663-2013
Table 1), §2.3 (§6 data statistics validity), §2.5 (Appendix A percentile). Marks as in the spec:
the daily 20-hour, 8-hour 6-of-8, monthly 27 (February 25) and annual 324 minimums are GB 3095
Table 4 [V for the 2026 text]; the MDA8 "≥ 14 valid 8-h values, else valid only when above the
limit" rule is HJ 663-2013/2026 §6.1.2 [V3]; the O3 daily max 1-h rule, quarterly minimum and
rounding precision are [M] and kept as named constants here so they can be changed in one place.
HJ 663-2026 keeps these validity rules (§6.1.2 [V3]); its new three-year moving-average and
exceptional-event rules are not implemented.

Units: µg/m³, CO mg/m³.
"""

from __future__ import annotations

__all__ = [
    "STANDARD", "MIN_HOURS_DAILY", "MIN_HOURS_O3_8H", "O3_8H_WINDOW", "MDA8_WINDOWS",
    "MIN_WINDOWS_MDA8", "MDA8_EXCEPTION_LIMIT", "MIN_HOURS_O3_1H_MAX", "O3_1H_EXCEPTION_LIMIT",
    "MIN_DAYS_MONTH", "MIN_DAYS_FEBRUARY", "MIN_DAYS_YEAR", "MIN_DAYS_QUARTER",
    "PERCENTILES", "DECIMALS", "POLLUTANTS", "DAILY_MEAN_POLLUTANTS",
]

STANDARD = "HJ 663-2013"

POLLUTANTS = ("so2", "no2", "co", "o3", "pm10", "pm25")
#: pollutants whose daily statistic is the 24-h mean (O3 has MDA8 and daily max 1-h instead)
DAILY_MEAN_POLLUTANTS = ("so2", "no2", "co", "pm10", "pm25")

#: GB 3095 Table 4: a daily mean needs ≥ 20 valid hourly means in the natural day
MIN_HOURS_DAILY = 20
#: GB 3095 Table 4: an O3 8-h moving average needs ≥ 6 valid hourly means of its 8
MIN_HOURS_O3_8H = 6
O3_8H_WINDOW = 8
#: windows ending 08:00 … 24:00 lie inside the natural day (HJ 663 §6.1.2; nomenclature.md)
MDA8_WINDOWS = 17
#: HJ 663 §6.1.2 [V3]: MDA8 needs ≥ 14 valid 8-h values …
MIN_WINDOWS_MDA8 = 14
#: … or is still valid when it exceeds the limit (GB 3095 Grade II O3 8-h, µg/m³)
MDA8_EXCEPTION_LIMIT = 160
#: [M, low confidence] daily max 1-h O3: ≥ 20 valid hours or above the Grade II 1-h limit
MIN_HOURS_O3_1H_MAX = 20
O3_1H_EXCEPTION_LIMIT = 200

#: GB 3095 Table 4: monthly statistics need ≥ 27 valid daily values (February ≥ 25)
MIN_DAYS_MONTH = 27
MIN_DAYS_FEBRUARY = 25
#: GB 3095 Table 4: annual statistics need ≥ 324 valid daily values
MIN_DAYS_YEAR = 324
#: [M] not stated in GB 3095 Table 4: a quarter needs the sum of its months' minimums
#: (Q1 = 27 + 25 + 27 = 79, other quarters 81). Implementation choice, see engine.statistics.
MIN_DAYS_QUARTER = {1: 79, 2: 81, 3: 81, 4: 81}

#: HJ 663-2013 Table 1: percentile of the daily values assessed per pollutant
#: (SO2/NO2 24-h P98, PM10/PM2.5 24-h P95, CO 24-h P95, O3 MDA8 P90)
PERCENTILES = {"so2": 98, "no2": 98, "pm10": 95, "pm25": 95, "co": 95, "o3_8h": 90}

#: [M] reporting precision of concentrations (GB/T 8170 rounding): integer µg/m³, CO 0.1 mg/m³
DECIMALS = {"so2": 0, "no2": 0, "o3": 0, "pm10": 0, "pm25": 0, "co": 1}
