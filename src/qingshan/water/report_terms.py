"""Water-quality terms in Chinese and English, for the pages and the bulletins.

The water services return the Chinese terms of the 2011 assessment method (地表水环境质量评价
办法(试行), 环办〔2011〕22号): grades 优 / 良好 / 轻度污染 / 中度污染 / 重度污染 (§2.4), the
change against last year 无明显变化 / 有所好转 … (§2.7) and main pollutants as
``氨氮(30.0%),总磷(20.0%)``. Here they are only translated for display; no figure is computed.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["GRADE_EN", "CHANGE_EN", "PARAM_EN", "water_class", "sea_class", "grade_name",
           "change_name", "pollutants_name"]

GRADE_EN = {"优": "excellent", "良好": "good", "轻度污染": "slightly polluted",
            "中度污染": "moderately polluted", "重度污染": "heavily polluted"}
CHANGE_EN = {"无明显变化": "no significant change", "有所好转": "slightly better",
             "明显好转": "significantly better", "有所变差": "slightly worse",
             "明显变差": "significantly worse"}
#: English names of the parameters (keys: the Chinese labels the services write)
PARAM_EN = {
    "水温": "water temperature", "pH": "pH", "溶解氧": "dissolved oxygen",
    "高锰酸盐指数": "permanganate index", "化学需氧量": "COD", "五日生化需氧量": "BOD5",
    "氨氮": "ammonia nitrogen", "总磷": "total phosphorus", "总氮": "total nitrogen", "铜": "copper",
    "锌": "zinc", "氟化物": "fluoride", "硒": "selenium", "砷": "arsenic", "汞": "mercury",
    "镉": "cadmium", "铬(六价)": "chromium (VI)", "铅": "lead", "氰化物": "cyanide",
    "挥发酚": "volatile phenol", "石油类": "petroleum", "阴离子表面活性剂": "anionic surfactant",
    "硫化物": "sulfide", "粪大肠菌群": "fecal coliform", "无机氮": "inorganic nitrogen",
    "活性磷酸盐": "reactive phosphate", "非离子氨": "non-ionic ammonia",
}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}


def _missing(v: Any) -> bool:
    try:
        return v is None or (isinstance(v, float) and math.isnan(v)) or bool(v != v)
    except (TypeError, ValueError):
        return False


def water_class(n: Any, lang: str = "zh") -> str:
    """GB 3838 class 1–6 as I … V, 劣V (en: "worse than V"); missing → "—"."""
    if _missing(n):
        return "—"
    n = int(n)
    if n == 6:
        return "劣V" if lang == "zh" else "worse than V"
    return _ROMAN.get(n, str(n))


def sea_class(n: Any, lang: str = "zh") -> str:
    """GB 3097 class 1–5 as 一类 … 四类, 劣四类 (en: I … IV, worse than IV)."""
    if _missing(n):
        return "—"
    n = int(n)
    if lang == "zh":
        return {1: "一类", 2: "二类", 3: "三类", 4: "四类", 5: "劣四类"}.get(n, str(n))
    return "worse than IV" if n == 5 else _ROMAN.get(n, str(n))


def grade_name(g: Any, lang: str = "zh") -> str:
    if _missing(g) or g == "":
        return "—"
    return g if lang == "zh" else GRADE_EN.get(g, g)


def change_name(c: Any, lang: str = "zh") -> str:
    if _missing(c) or c == "":
        return "—"
    return c if lang == "zh" else CHANGE_EN.get(c, c)


def pollutants_name(s: Any, lang: str = "zh") -> str:
    """``氨氮(30.0%),总磷(20.0%)`` → the same in English (``ammonia nitrogen (30.0%), …``)."""
    if _missing(s) or s == "":
        return "—"
    if lang == "zh":
        return str(s)
    parts = []
    for item in str(s).split(","):
        m = re.fullmatch(r"\s*(.+?)(\([\d.]+%?\))?\s*", item)
        name, share = (m.group(1), m.group(2) or "") if m else (item, "")
        parts.append(f"{PARAM_EN.get(name, name)}{' ' + share if share else ''}")
    return ", ".join(parts)
