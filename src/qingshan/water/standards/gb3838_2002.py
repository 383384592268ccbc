"""GB 3838-2002 《地表水环境质量标准》, Table 1 (地表水环境质量标准基本项目标准限值).

Transcribed from ``spec/water.md`` §1. Items 2–24 are marked [V3] there (checked against the
implementation ``sm1lewc/Journey.EQSFSW`` V2002/StandardLimitsForBasicItems.cs and a published
copy of the table); the class I dissolved-oxygen entry "饱和率90%（或7.5）" is [M] and is coded as
7.5 mg/L. Water temperature (item 1) has no class limits (it limits man-made change only) and is
therefore not classified.

Units: mg/L, except pH (dimensionless), water temperature (℃) and fecal coliform (个/L).
All limits are upper limits ("≤", inclusive) except dissolved oxygen, a lower limit ("≥",
inclusive), and pH, a range 6–9 for all classes. Table 1 item 8 (total phosphorus) has separate
columns for rivers and for lakes/reservoirs (湖、库); item 9 (total nitrogen) is defined for
lakes/reservoirs only.

Parameter codes are the canonical names used throughout qingshan (``docs/nomenclature.md``).
"""

from __future__ import annotations

__all__ = [
    "ITEMS", "UPPER_LIMITS", "LOWER_LIMITS", "PH_RANGE", "TP_RIVER", "TP_LAKE", "TN_LAKE",
    "CLASS_NAMES", "INFERIOR_V", "WATER_BODIES",
]

#: water-body types: river (河流) or lake/reservoir (湖、库)
WATER_BODIES = ("river", "lake")

#: class numbers 1..5 = I..V; 6 = 劣V (worse than class V)
CLASS_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "劣V"}
INFERIOR_V = 6

#: Table 1 items: code -> (item number, Chinese name, unit)
ITEMS: dict[str, tuple[int, str, str]] = {
    "water_temp": (1, "水温", "℃"),
    "ph": (2, "pH", "无量纲"),
    "do": (3, "溶解氧", "mg/L"),
    "codmn": (4, "高锰酸盐指数", "mg/L"),
    "cod": (5, "化学需氧量", "mg/L"),
    "bod5": (6, "五日生化需氧量", "mg/L"),
    "nh3n": (7, "氨氮", "mg/L"),
    "tp": (8, "总磷", "mg/L"),
    "tn": (9, "总氮", "mg/L"),
    "cu": (10, "铜", "mg/L"),
    "zn": (11, "锌", "mg/L"),
    "fluoride": (12, "氟化物", "mg/L"),
    "se": (13, "硒", "mg/L"),
    "as": (14, "砷", "mg/L"),
    "hg": (15, "汞", "mg/L"),
    "cd": (16, "镉", "mg/L"),
    "cr6": (17, "铬(六价)", "mg/L"),
    "pb": (18, "铅", "mg/L"),
    "cyanide": (19, "氰化物", "mg/L"),
    "phenol": (20, "挥发酚", "mg/L"),
    "petroleum": (21, "石油类", "mg/L"),
    "las": (22, "阴离子表面活性剂", "mg/L"),
    "sulfide": (23, "硫化物", "mg/L"),
    "fecal_coliform": (24, "粪大肠菌群", "个/L"),
}

#: Table 1 item 8, rivers: classes I..V (≤)
TP_RIVER = (0.02, 0.1, 0.2, 0.3, 0.4)
#: Table 1 item 8, lakes and reservoirs (湖、库): classes I..V (≤)
TP_LAKE = (0.01, 0.025, 0.05, 0.1, 0.2)
#: Table 1 item 9, lakes and reservoirs only: classes I..V (≤)
TN_LAKE = (0.2, 0.5, 1.0, 1.5, 2.0)

#: Upper limits (value ≤ limit), classes I..V, for both water-body types unless split below.
UPPER_LIMITS: dict[str, tuple[float, float, float, float, float]] = {
    "codmn": (2, 4, 6, 10, 15),
    "cod": (15, 15, 20, 30, 40),
    "bod5": (3, 3, 4, 6, 10),
    "nh3n": (0.15, 0.5, 1.0, 1.5, 2.0),
    "cu": (0.01, 1.0, 1.0, 1.0, 1.0),
    "zn": (0.05, 1.0, 1.0, 2.0, 2.0),
    "fluoride": (1.0, 1.0, 1.0, 1.5, 1.5),
    "se": (0.01, 0.01, 0.01, 0.02, 0.02),
    "as": (0.05, 0.05, 0.05, 0.1, 0.1),
    "hg": (0.00005, 0.00005, 0.0001, 0.001, 0.001),
    "cd": (0.001, 0.005, 0.005, 0.005, 0.01),
    "cr6": (0.01, 0.05, 0.05, 0.05, 0.1),
    "pb": (0.01, 0.01, 0.05, 0.05, 0.1),
    "cyanide": (0.005, 0.05, 0.2, 0.2, 0.2),
    "phenol": (0.002, 0.002, 0.005, 0.01, 0.1),
    "petroleum": (0.05, 0.05, 0.05, 0.5, 1.0),
    "las": (0.2, 0.2, 0.2, 0.3, 0.3),
    "sulfide": (0.05, 0.1, 0.2, 0.5, 1.0),
    "fecal_coliform": (200, 2000, 10000, 20000, 40000),
}

#: Lower limits (value ≥ limit), classes I..V. Class I "饱和率90%（或7.5）" [M] coded as 7.5 mg/L.
LOWER_LIMITS: dict[str, tuple[float, float, float, float, float]] = {
    "do": (7.5, 6, 5, 3, 2),
}

#: pH 6–9 (inclusive) for every class; outside the range is 劣V (spec §1, engine rule 2).
PH_RANGE = (6.0, 9.0)
