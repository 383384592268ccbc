"""MEE 《城市环境空气质量排名技术规定》 (环办监测〔2018〕19号 [M]): single-item and comprehensive index.

Transcribed from ``spec/air-aqi.md`` §7. The single-item index is I_i = C_i / S_i with S_i the
GB 3095-2012 Grade II **annual** limit for SO2 (60), NO2 (40), PM10 (70), PM2.5 (35), the **24-h**
limit for CO (4 mg/m³) and the **8-h** limit for O3 (160) [V3: Anhui EEB note]. C_i = period mean
for SO2/NO2/PM10/PM2.5, P95 of daily CO, P90 of O3 MDA8. Comprehensive index = Σ W_i·I_i: the
unweighted sum (W = 1, 2014 rule and many provinces [V3]) and the 2018 weights PM2.5 3, NO2 2,
O3 2, others 1 [M]; the weights actually used come from the province config
(``composite_weights``). Rounding [M]: concentrations rounded by GB/T 8170 before division,
indices to 2 decimals, change rate (YoY) in % to 1 decimal.

Open question: no official ranking rule for GB 3095-2026 was found. ``DENOMINATORS_2026`` uses the
GB 3095-2026 **transition** Grade II annual limits (PM10 60, PM2.5 30), as third-party code did
[V3, unofficial]; it is configuration, not a transcribed table.
"""

from __future__ import annotations

__all__ = [
    "DENOMINATORS_2012", "DENOMINATORS_2026", "WEIGHTS_2018", "WEIGHTS_UNWEIGHTED",
    "INDEX_DECIMALS", "COMPOSITE_DECIMALS", "CHANGE_DECIMALS", "STATISTIC", "RULE",
]

RULE = "城市环境空气质量排名技术规定 (2018)"

#: statistic each index is computed from (column names of engine.statistics period output)
STATISTIC = {"so2": "so2", "no2": "no2", "pm10": "pm10", "pm25": "pm25",
             "co": "co_p95", "o3": "o3_8h_p90"}

DENOMINATORS_2012 = {"so2": 60, "no2": 40, "pm10": 70, "pm25": 35, "co": 4, "o3": 160}
#: open question (see module docstring): GB 3095-2026 transition Grade II limits
DENOMINATORS_2026 = {"so2": 60, "no2": 40, "pm10": 60, "pm25": 30, "co": 4, "o3": 160}

WEIGHTS_UNWEIGHTED = {"so2": 1, "no2": 1, "pm10": 1, "pm25": 1, "co": 1, "o3": 1}
WEIGHTS_2018 = {"pm25": 3, "no2": 2, "o3": 2, "so2": 1, "pm10": 1, "co": 1}

#: [M] single-item indices reported with 3 decimals (intermediate), comprehensive index 2
INDEX_DECIMALS = 3
COMPOSITE_DECIMALS = 2
#: change rates (%, percentage points) to 1 decimal [M]
CHANGE_DECIMALS = 1
