"""GB 3097-1997 《海水水质标准》, Table 1 (海水水质标准), the items used for coastal assessment.

Transcribed from ``spec/water.md`` §3. Only the class II column of DO, COD, BOD5, inorganic
nitrogen, active phosphate and petroleum is [V] there (an EIA report quoting class II); every other
value, including the pH ranges and all metals, is [M] (from memory, unverified against the
primary text). Callers may pass their own limits to the engine
(``qingshan.water.engine.coastal.assess_coastal_points(limits=...)``,
``qingshan.water.engine.surface.classify_long(limits=...)``).

Four classes (一类..四类); worse than class IV is 劣四类 (coded 5). Units mg/L; pH dimensionless.
Upper limits are "≤" (inclusive). DO is a strict lower limit ("> 6, 5, 4, 3" in the table) [P].
pH: class I/II 7.8–8.5, class III/IV 6.8–8.8 (inclusive) [M]; the additional condition
"within ±0.2 (±0.5) of the area's normal range" is not assessable from one sample and is omitted.
Inorganic nitrogen (无机氮) = nitrate-N + nitrite-N + ammonia-N [M]; supply it as ``din``.
"""

from __future__ import annotations

__all__ = ["CLASS_NAMES", "INFERIOR", "UPPER_LIMITS", "DO_LOWER_STRICT", "PH_RANGES",
           "ITEMS", "EXCELLENT_MAX_CLASS"]

CLASS_NAMES = {1: "一类", 2: "二类", 3: "三类", 4: "四类", 5: "劣四类"}
INFERIOR = 5
#: excellent (优良) coastal water = classes I and II (spec §3.1)
EXCELLENT_MAX_CLASS = 2

ITEMS = {
    "ph": "pH", "do": "溶解氧", "cod": "化学需氧量", "bod5": "生化需氧量", "din": "无机氮",
    "nh3_nonionic": "非离子氨", "phosphate": "活性磷酸盐", "petroleum": "石油类", "hg": "汞",
    "cd": "镉", "pb": "铅", "as": "砷", "cu": "铜", "zn": "锌",
}

#: upper limits, classes I..IV (≤)
UPPER_LIMITS: dict[str, tuple[float, float, float, float]] = {
    "cod": (2, 3, 4, 5),
    "bod5": (1, 3, 4, 5),
    "din": (0.20, 0.30, 0.40, 0.50),
    "nh3_nonionic": (0.020, 0.020, 0.020, 0.020),
    "phosphate": (0.015, 0.030, 0.030, 0.045),
    "petroleum": (0.05, 0.05, 0.30, 0.50),
    "hg": (0.00005, 0.0002, 0.0002, 0.0005),
    "cd": (0.001, 0.005, 0.010, 0.010),
    "pb": (0.001, 0.005, 0.010, 0.050),
    "as": (0.020, 0.030, 0.050, 0.050),
    "cu": (0.005, 0.010, 0.050, 0.050),
    "zn": (0.020, 0.050, 0.10, 0.50),
}

#: DO strict lower limits ("> limit"), classes I..IV
DO_LOWER_STRICT = (6, 5, 4, 3)

#: pH ranges (inclusive), classes I..IV
PH_RANGES = ((7.8, 8.5), (7.8, 8.5), (6.8, 8.8), (6.8, 8.8))
