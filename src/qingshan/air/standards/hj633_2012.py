"""HJ 633-2012 《环境空气质量指数（AQI）技术规定（试行）》 — tables as data, no logic.

Transcribed from the official text (MEP, approved 2012-02-29, in force with GB 3095-2012 from
2016-01-01; abolished 2026-03-01 by HJ 633-2026):

- ``BREAKPOINTS``: Table 1 (表1 空气质量分指数及对应的污染物项目浓度限值), p.2. Breakpoints are
  contiguous: the high breakpoint of a segment is the low breakpoint of the next (eq. (1), §4.2).
- ``ABOVE_TABLE_RULES``: Table 1 notes (2) and (3): SO2 1-h > 800 µg/m³ → the SO2 IAQI is the one
  of the 24-h mean; O3 8-h > 800 µg/m³ → the O3 IAQI is the one of the 1-h mean.
- ``LEVELS``: Table 2 (表2 空气质量指数及相关信息), p.3, AQI 0–50 … > 300; colours from
  Appendix A Table A.1 (RGB and CMYK), p.6.
- Rounding: §6.2 "计算结果应全部进位取整数" (IAQI and AQI rounded up to integers). The standard
  says nothing about rounding the input concentrations.
- Daily report: §5.1.2, 7 indicators; real-time report: §5.1.3, 9 indicators (Table 4).
- Exceedance pollutant (超标污染物): §3.4 / §4.4.2, IAQI > 100.

Units: µg/m³, CO mg/m³. Table keys: ``<pollutant>_<averaging time>``.
"""

from __future__ import annotations

__all__ = [
    "VERSION", "IAQI_POINTS", "BREAKPOINTS", "IAQI_TOP", "ABOVE_TABLE_RULES", "LEVELS",
    "AQI_MIN", "EXCEEDANCE_IAQI", "PRIMARY_POLLUTANT_AQI",
]

VERSION = "2012"

#: IAQI values of the rows of Table 1.
IAQI_POINTS = (0, 50, 100, 150, 200, 300, 400, 500)

#: Table 1: (IAQI, concentration) pairs per indicator. SO2 1-h stops at IAQI 200 (note (2)) and
#: O3 8-h at IAQI 300 (note (3)).
BREAKPOINTS: dict[str, tuple[tuple[int, float], ...]] = {
    "so2_24h": ((0, 0), (50, 50), (100, 150), (150, 475), (200, 800), (300, 1600), (400, 2100),
                (500, 2620)),
    "so2_1h": ((0, 0), (50, 150), (100, 500), (150, 650), (200, 800)),
    "no2_24h": ((0, 0), (50, 40), (100, 80), (150, 180), (200, 280), (300, 565), (400, 750),
                (500, 940)),
    "no2_1h": ((0, 0), (50, 100), (100, 200), (150, 700), (200, 1200), (300, 2340), (400, 3090),
               (500, 3840)),
    "pm10_24h": ((0, 0), (50, 50), (100, 150), (150, 250), (200, 350), (300, 420), (400, 500),
                 (500, 600)),
    "co_24h": ((0, 0), (50, 2), (100, 4), (150, 14), (200, 24), (300, 36), (400, 48), (500, 60)),
    "co_1h": ((0, 0), (50, 5), (100, 10), (150, 35), (200, 60), (300, 90), (400, 120), (500, 150)),
    "o3_1h": ((0, 0), (50, 160), (100, 200), (150, 300), (200, 400), (300, 800), (400, 1000),
              (500, 1200)),
    "o3_8h": ((0, 0), (50, 100), (100, 160), (150, 215), (200, 265), (300, 800)),
    "pm25_24h": ((0, 0), (50, 35), (100, 75), (150, 115), (200, 150), (300, 250), (400, 350),
                 (500, 500)),
}

#: Highest IAQI of the tables. Above the top breakpoint the standard defines no segment; qingshan
#: reports 500 and flags "beyond range" (spec air-aqi.md §2, marked [M]: common practice).
IAQI_TOP = 500

#: Table 1 notes (2), (3): above ``limit`` the indicator's IAQI is not computed; the IAQI of the
#: ``substitute`` indicator is reported instead.
ABOVE_TABLE_RULES: dict[str, dict] = {
    "so2_1h": {"limit": 800, "substitute": "so2_24h"},
    "o3_8h": {"limit": 800, "substitute": "o3_1h"},
}

#: Table 2 lower bound of the AQI range (0–50 for level I).
AQI_MIN = 0

#: §3.4 / §4.4.2: exceedance pollutant = IAQI > 100.
EXCEEDANCE_IAQI = 100

#: §3.3 / §4.4.2: a primary pollutant exists only when AQI > 50.
PRIMARY_POLLUTANT_AQI = 50

#: Table 2 with Appendix A Table A.1 colours. ``aqi_hi`` None = open-ended (> 300).
LEVELS: tuple[dict, ...] = (
    {"level": 1, "level_zh": "一级", "aqi_lo": 0, "aqi_hi": 50, "category": "优",
     "category_en": "Excellent", "colour_zh": "绿色", "colour_en": "green",
     "rgb": (0, 228, 0), "cmyk": (40, 0, 100, 0), "hex": "#00E400",
     "health_zh": "空气质量令人满意，基本无空气污染",
     "advice_zh": "各类人群可正常活动"},
    {"level": 2, "level_zh": "二级", "aqi_lo": 51, "aqi_hi": 100, "category": "良",
     "category_en": "Good", "colour_zh": "黄色", "colour_en": "yellow",
     "rgb": (255, 255, 0), "cmyk": (0, 0, 100, 0), "hex": "#FFFF00",
     "health_zh": "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
     "advice_zh": "极少数异常敏感人群应减少户外活动"},
    {"level": 3, "level_zh": "三级", "aqi_lo": 101, "aqi_hi": 150, "category": "轻度污染",
     "category_en": "Lightly polluted", "colour_zh": "橙色", "colour_en": "orange",
     "rgb": (255, 126, 0), "cmyk": (0, 52, 100, 0), "hex": "#FF7E00",
     "health_zh": "易感人群症状有轻度加剧，健康人群出现刺激症状",
     "advice_zh": "儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼"},
    {"level": 4, "level_zh": "四级", "aqi_lo": 151, "aqi_hi": 200, "category": "中度污染",
     "category_en": "Moderately polluted", "colour_zh": "红色", "colour_en": "red",
     "rgb": (255, 0, 0), "cmyk": (0, 100, 100, 0), "hex": "#FF0000",
     "health_zh": "进一步加剧易感人群症状，可能对健康人群心脏、呼吸系统有影响",
     "advice_zh": "儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻练，"
                  "一般人群适量减少户外运动"},
    {"level": 5, "level_zh": "五级", "aqi_lo": 201, "aqi_hi": 300, "category": "重度污染",
     "category_en": "Heavily polluted", "colour_zh": "紫色", "colour_en": "purple",
     "rgb": (153, 0, 76), "cmyk": (10, 100, 40, 30), "hex": "#99004C",
     "health_zh": "心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
     "advice_zh": "儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动"},
    {"level": 6, "level_zh": "六级", "aqi_lo": 301, "aqi_hi": None, "category": "严重污染",
     "category_en": "Severely polluted", "colour_zh": "褐红色", "colour_en": "maroon",
     "rgb": (126, 0, 35), "cmyk": (30, 100, 100, 30), "hex": "#7E0023",
     "health_zh": "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
     "advice_zh": "儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动"},
)
