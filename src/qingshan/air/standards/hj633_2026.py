"""HJ 633-2026 《环境空气质量指数（AQI）技术规定》 — tables as data, no logic.

Transcribed from the official PDF (MEE, approved 2026-02-14, in force 2026-03-01; replaces
HJ 633-2012):

- ``BREAKPOINTS``: Table 3 (表3 空气质量分指数及对应的污染物项目浓度限值), printed p.3. Same as
  HJ 633-2012 Table 1 except PM10 (IAQI 100 → 120 µg/m³) and PM2.5 (IAQI 100 → 60 µg/m³).
  Eq. (1): PM10/PM2.5 **1-hour** means are scored on the daily-mean (日平均) breakpoints.
- ``ABOVE_TABLE_RULES``: Table 3 notes b, c: SO2 1-h > 800 µg/m³ → IAQI 200 ("IAQI 按照 200 计");
  O3 8-h > 800 µg/m³ → IAQI 300.
- ``LEVELS``: Table 1 (表1 空气质量指数及相关信息), printed p.2; §4.1.1 AQI range 1–500; colours
  Appendix A Table A.1 (identical to 2012).
- ``SENSITIVE_GROUPS``: Table 2 (表2 空气污染物的敏感人群), printed p.2 (pollutants with IAQI > 100).
- ``INPUT_DECIMALS``: §4.2.2 (daily) / §4.2.3 (real-time): SO2, NO2, O3, PM10, PM2.5 in µg/m³
  rounded to integers per GB/T 8170; CO in mg/m³ to 1 decimal.
- Rounding of results: §4.2.6 "应全部向上进位取整数" (ceil).
- Daily report §4.2.2: SO2, NO2, CO, PM10, PM2.5 daily means and O3 daily max 8-h mean
  (6 indicators, natural day). Real-time §4.2.3: the six 1-h means.
- Data completeness §5.3.1: with a pollutant missing or invalid, AQI etc. are computed from the
  others and published only if AQI > 100, otherwise marked NA (``NA_RULE_AQI``).
- The exceedance pollutant of HJ 633-2012 is deleted (foreword).

Units: µg/m³, CO mg/m³.
"""

from __future__ import annotations

from qingshan.air.standards import hj633_2012 as _old

__all__ = [
    "VERSION", "IAQI_POINTS", "BREAKPOINTS", "IAQI_TOP", "ABOVE_TABLE_RULES", "LEVELS",
    "AQI_MIN", "PRIMARY_POLLUTANT_AQI", "NA_RULE_AQI", "INPUT_DECIMALS", "SENSITIVE_GROUPS",
]

VERSION = "2026"

IAQI_POINTS = (0, 50, 100, 150, 200, 300, 400, 500)

#: Table 3: (IAQI, concentration) pairs. SO2 1-h stops at IAQI 200 (note b), O3 8-h at 300 (note c).
BREAKPOINTS: dict[str, tuple[tuple[int, float], ...]] = {
    "so2_24h": ((0, 0), (50, 50), (100, 150), (150, 475), (200, 800), (300, 1600), (400, 2100),
                (500, 2620)),
    "so2_1h": ((0, 0), (50, 150), (100, 500), (150, 650), (200, 800)),
    "no2_24h": ((0, 0), (50, 40), (100, 80), (150, 180), (200, 280), (300, 565), (400, 750),
                (500, 940)),
    "no2_1h": ((0, 0), (50, 100), (100, 200), (150, 700), (200, 1200), (300, 2340), (400, 3090),
               (500, 3840)),
    "co_24h": ((0, 0), (50, 2), (100, 4), (150, 14), (200, 24), (300, 36), (400, 48), (500, 60)),
    "co_1h": ((0, 0), (50, 5), (100, 10), (150, 35), (200, 60), (300, 90), (400, 120), (500, 150)),
    "o3_8h": ((0, 0), (50, 100), (100, 160), (150, 215), (200, 265), (300, 800)),
    "o3_1h": ((0, 0), (50, 160), (100, 200), (150, 300), (200, 400), (300, 800), (400, 1000),
              (500, 1200)),
    "pm10_24h": ((0, 0), (50, 50), (100, 120), (150, 250), (200, 350), (300, 420), (400, 500),
                 (500, 600)),
    "pm25_24h": ((0, 0), (50, 35), (100, 60), (150, 115), (200, 150), (300, 250), (400, 350),
                 (500, 500)),
}

#: Above the top breakpoint: not stated in the standard; qingshan reports 500 and flags it ([M]).
IAQI_TOP = 500

#: Table 3 notes b, c: above ``limit`` the IAQI is the fixed value ``iaqi``.
ABOVE_TABLE_RULES: dict[str, dict] = {
    "so2_1h": {"limit": 800, "iaqi": 200},
    "o3_8h": {"limit": 800, "iaqi": 300},
}

#: §4.1.1: "空气质量指数的范围为 1～500".
AQI_MIN = 1

#: §4.3.1: primary pollutant only when AQI > 50.
PRIMARY_POLLUTANT_AQI = 50

#: §5.3.1: with a pollutant missing/invalid, AQI etc. are published only when AQI > 100.
NA_RULE_AQI = 100

#: §4.2.2 / §4.2.3: decimals kept when rounding input concentrations (GB/T 8170).
INPUT_DECIMALS = {"so2": 0, "no2": 0, "o3": 0, "pm10": 0, "pm25": 0, "co": 1}

_HEALTH_2026 = {
    1: ("空气质量令人满意，基本无空气污染", "各类人群可正常活动"),
    2: ("空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
        "极少数异常敏感人群应减少户外活动"),
    3: ("敏感人群症状有轻度加剧，健康人群出现刺激症状",
        "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼"),
    4: ("进一步加剧敏感人群症状，可能对健康人群心血管系统、呼吸系统有影响",
        "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，"
        "一般人群适量减少户外运动"),
    5: ("心血管系统和呼吸系统患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
        "青少年儿童、老年人和心血管系统疾病、呼吸系统疾病患者应停留在室内，停止户外运动，"
        "一般人群减少户外运动"),
    6: ("健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
        "青少年儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动"),
}

#: Table 1 (levels, categories) with Appendix A Table A.1 colours; level I starts at AQI 1.
LEVELS: tuple[dict, ...] = tuple(
    {**lv, "aqi_lo": 1 if lv["level"] == 1 else lv["aqi_lo"],
     "health_zh": _HEALTH_2026[lv["level"]][0], "advice_zh": _HEALTH_2026[lv["level"]][1]}
    for lv in _old.LEVELS
)

#: Table 2: sensitive groups for which measures are advised when the pollutant's IAQI > 100.
SENSITIVE_GROUPS: dict[str, dict[str, str]] = {
    "so2": {"zh": "患有哮喘的人、青少年儿童以及老年人",
            "en": "people with asthma, adolescents and children, and the elderly"},
    "no2": {"zh": "患有呼吸系统疾病（如哮喘）的人、青少年儿童以及老年人",
            "en": "people with respiratory disease (e.g. asthma), adolescents and children, "
                  "and the elderly"},
    "co": {"zh": "患有心血管系统疾病的人",
           "en": "people with cardiovascular disease"},
    "o3": {"zh": "患有呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人",
           "en": "people with respiratory disease (e.g. asthma), adolescents and children, "
                 "people often outdoors, and the elderly"},
    "pm10": {"zh": "患有心血管系统疾病或呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人",
             "en": "people with cardiovascular or respiratory disease (e.g. asthma), adolescents "
                   "and children, people often outdoors, and the elderly"},
}
SENSITIVE_GROUPS["pm25"] = SENSITIVE_GROUPS["pm10"]
