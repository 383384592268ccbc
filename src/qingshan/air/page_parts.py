"""Pieces of the air pages that need no request or store: the statistics and units shown,
flags and decimals of service rows, the map's colour scale and the compliance table's rows."""

from __future__ import annotations

from datetime import date

import pandas as pd

from qingshan.air.engine.aqi import standard_module
from qingshan.air.limits import STAT_AVERAGING, reference_lines
from qingshan.air.rules import rules_for

_STATS = ("pm25", "pm10", "so2", "no2", "co_p95", "o3_8h_p90")
#: units of the figures the pages show (nomenclature: CO mg/m³, other pollutants µg/m³)
_UNITS = {"pm25": "µg/m³", "pm10": "µg/m³", "so2": "µg/m³", "no2": "µg/m³", "co_p95": "mg/m³",
          "o3_8h_p90": "µg/m³", "good_day_ratio": "%", "composite_index": "", "aqi": ""}


def _nd(v) -> int:
    """Decimals of a day count: 0, or 1 for a province mean of city counts (e.g. 27.5)."""
    try:
        return 0 if v is None or pd.isna(v) or float(v) == int(v) else 1
    except (TypeError, ValueError):
        return 0


def _flag(v) -> bool | None:
    """A validity / to-date flag of a service row as a Python bool (None: unknown)."""
    try:
        return None if v is None or pd.isna(v) else bool(v)
    except (TypeError, ValueError):
        return None


def t_days(lang: str) -> str:
    return "天" if lang == "zh" else "days"


_LABEL = {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3"}


def aqi_levels(version: str) -> tuple[dict, ...]:
    """HJ 633 Table 2 levels (with Appendix A colours) of ``version``."""
    return standard_module(version).LEVELS


def _map_scale(indicator: str, year: int, lang: str) -> dict:
    """The colour scale of the map: HJ 633 categories and colours for AQI (Table 2, Appendix
    A), the GB 3095 grade II annual limit of the year as the anchor for PM2.5 (legend shows it),
    a reversed ramp for the good-day ratio (higher is better)."""
    if indicator.startswith("aqi"):
        levels = aqi_levels(rules_for(date(year, 12, 31)).aqi_version)
        return {"categories": [
            {"lo": lv["aqi_lo"], "hi": lv["aqi_hi"], "colour": lv["hex"],
             "label": lv["category"] if lang == "zh" else lv["category_en"]} for lv in levels]}
    if indicator == "pm25":
        lines = reference_lines("pm25", year, lang)
        if lines:
            name, value = next(iter(lines.items()))
            return {"limit": (name + ("年均限值" if lang == "zh" else " annual limit"), value)}
    if indicator == "good_day_ratio":
        return {"higher_is_better": True}
    return {}


def _compliance(row: dict, year: int, lang: str) -> list[dict]:
    """Rows of the compliance table: the assessed statistic, its reference lines, and the
    service's verdict (``compliant``/``exceed_pollutants``: annual, valid years only — None
    otherwise) and WHO level (``who_level_<pollutant>``)."""
    verdict = row.get("compliant")
    verdict = None if verdict is None or pd.isna(verdict) else bool(verdict)
    exceed = {x.strip().upper() for x in str(row.get("exceed_pollutants") or "").split(",")}
    out = []
    for stat in _STATS:
        pol = STAT_AVERAGING[stat][0]
        lines = list(reference_lines(stat, year, lang).values())
        ok = None if verdict is None else _LABEL[pol] not in exceed
        out.append({"stat": stat, "value": row.get(stat), "limit": lines[0] if lines else None,
                    "who": lines[1] if len(lines) > 1 else None, "ok": ok,
                    "who_level": row.get(f"who_level_{pol}"),
                    "valid": _flag(row.get("valid")) if row else None})
    return out
