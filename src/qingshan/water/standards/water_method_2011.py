"""《地表水环境质量评价办法（试行）》 (环办〔2011〕22号): parameters of the assessment method.

Transcribed from ``spec/water.md`` §2. Provenance of each constant is given beside it:
[V] checked in the spec against a readable source, [M] from memory and unverified — every [M]
value is a default that the engine lets the caller override (``qingshan.water.rules.WaterRules``,
the object ``qingshan.water.rules.rules_for(date)`` returns).

No logic here; the engine (``qingshan.water.engine.surface``) applies these tables.
"""

from __future__ import annotations

__all__ = [
    "ASSESSED_ITEMS", "AUTO_STATION_ITEMS", "REFERENCE_ITEMS", "LAKE_REFERENCE_ITEMS",
    "NO_EXCEEDANCE_ITEMS", "ALWAYS_LISTED_ITEMS", "MAIN_POLLUTANT_MAX", "MAIN_POLLUTANT_ABOVE_CLASS",
    "GRADE_BY_CLASS", "GRADE_COLOURS", "GRADES", "PROPORTION_MIN_SECTIONS",
    "PROPORTION_GRADES", "EXCELLENT_MAX_CLASS", "NON_DETECT_RULE", "NON_DETECT_RULES",
    "CHANGE_THRESHOLDS", "CHANGE_BOUNDARY_INCLUSIVE", "DRINKING_COMPLIANT_MAX_CLASS",
    "AUTO_PARAMETER_COLUMNS",
]

#: §2.1 [V]: the 21 items that set the class — GB 3838 Table 1 minus 水温, 总氮, 粪大肠菌群.
ASSESSED_ITEMS = (
    "ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "cu", "zn", "fluoride", "se", "as", "hg",
    "cd", "cr6", "pb", "cyanide", "phenol", "petroleum", "las", "sulfide",
)

#: The automatic-station subset of the 21 items (the "9" basic items of the 14th FYP monitoring
#: scheme minus water temperature, conductivity, turbidity and TN) [V for the "9" list].
AUTO_STATION_ITEMS = ("ph", "do", "codmn", "nh3n", "tp")

#: §2.1 [M]: reference items assessed separately ("河流总氮除外"): never set the class.
REFERENCE_ITEMS = ("water_temp", "tn", "fecal_coliform")
#: TN is classified (as a reference) for lakes/reservoirs only; rivers do not assess TN.
LAKE_REFERENCE_ITEMS = ("tn",)

#: §2.6 [M]: no exceedance multiple for water temperature, pH and DO.
NO_EXCEEDANCE_ITEMS = ("water_temp", "ph", "do")
#: §2.6 [M]: cyanide and heavy metals are listed as main pollutants whenever they exceed class III.
ALWAYS_LISTED_ITEMS = ("cyanide", "hg", "cd", "cr6", "pb", "as", "se", "cu", "zn")
#: §2.6 [M]: up to 3 main pollutants (worst class first, ties by exceedance multiple).
MAIN_POLLUTANT_MAX = 3
#: §2.6 [M]: main pollutants are reported for sections worse than this class (III).
MAIN_POLLUTANT_ABOVE_CLASS = 3

#: §2.3 [M] (consumer summary [P]): qualitative grade (定性评价) by section class.
GRADE_BY_CLASS = {1: "优", 2: "优", 3: "良好", 4: "轻度污染", 5: "中度污染", 6: "重度污染"}
#: grades in order, best first
GRADES = ("优", "良好", "轻度污染", "中度污染", "重度污染")
#: §2.3 [M]: display colours of the grades.
GRADE_COLOURS = {"优": "blue", "良好": "green", "轻度污染": "yellow", "中度污染": "orange",
                 "重度污染": "red"}

#: §2.5: "excellent" (优良) = classes I–III.
EXCELLENT_MAX_CLASS = 3

#: §2.4 [V] table, [M] edge: groups with at least this many sections use the proportion method
#: ("5个（含5个）以上" per the original as remembered; the Shenzhen FAQ says "大于5个").
PROPORTION_MIN_SECTIONS = 5

#: §2.4 [V]: (grade, min excellent %, max inferior-V % exclusive) checked top to bottom;
#: None = no condition. I–III ≥ 90 → 优; ≥ 75 → 良好; else 劣V < 20 → 轻度; < 40 → 中度; else 重度.
PROPORTION_GRADES = (
    ("优", 90.0, None),
    ("良好", 75.0, None),
    ("轻度污染", None, 20.0),
    ("中度污染", None, 40.0),
    ("重度污染", None, None),
)

#: §1 rule 4 [M]: a non-detect enters means at this fraction of the detection limit.
NON_DETECT_RULE = "half_dl"
#: allowed rules: fraction of the detection limit used for a non-detect
NON_DETECT_RULES = {"half_dl": 0.5, "dl": 1.0, "zero": 0.0}

#: §2.7 [M]: |ΔG − ΔD| thresholds (percentage points) for 无明显变化 / 有所 / 明显 changes.
CHANGE_THRESHOLDS = (10.0, 20.0)
#: §2.7 [M]: boundaries belong to the milder category (|x| ≤ 10 → no clear change; ≤ 20 → 有所).
CHANGE_BOUNDARY_INCLUSIVE = True

#: §2.10 [V]: a drinking-water source meets the requirement when every assessed item meets III.
DRINKING_COMPLIANT_MAX_CLASS = 3

#: Columns of the national surface-water automatic monitoring publication -> (code, unit).
AUTO_PARAMETER_COLUMNS = {
    "水温(℃)": ("water_temp", "℃"),
    "pH(无量纲)": ("ph", "无量纲"),
    "溶解氧(mg/L)": ("do", "mg/L"),
    "电导率(μS/cm)": ("conductivity", "μS/cm"),
    "浊度(NTU)": ("turbidity", "NTU"),
    "高锰酸盐指数(mg/L)": ("codmn", "mg/L"),
    "氨氮(mg/L)": ("nh3n", "mg/L"),
    "总磷(mg/L)": ("tp", "mg/L"),
    "总氮(mg/L)": ("tn", "mg/L"),
    "叶绿素α(mg/L)": ("chla", "mg/L"),
    "藻密度(cells/L)": ("algae_density", "cells/L"),
}
