"""Shared pieces of the chart grammar: the returned spec type, labels, fonts.

Every chart function in :mod:`qingshan.charts` returns a :class:`ChartSpec`: a plain Vega-Lite
specification (a ``dict`` that ``json.dumps`` and ``vl_convert`` accept unchanged) that also
carries ``.table`` (the DataFrame the chart plots, with reader-facing column names) and
``.caption`` (one sentence a reader can quote).  Pages and reports show the table or the caption
next to the chart so that every figure in a chart can be read as a number.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

__all__ = [
    "ChartSpec",
    "FONT_FAMILY",
    "POLLUTANT_LABELS",
    "UNITS",
    "check_lang",
    "pollutant_label",
    "t",
]

#: CSS font-family list used for every text mark.  "Noto Sans CJK SC" comes from the Debian
#: package ``fonts-noto-cjk``; "WenQuanYi Zen Hei" from ``fonts-wqy-zenhei`` (fallback).
FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Zen Hei, sans-serif"

#: Display names of the pollutant statistics used in charts (subscripts as Unicode).
POLLUTANT_LABELS: dict[str, dict[str, str]] = {
    "pm25": {"zh": "PM₂.₅", "en": "PM₂.₅"},
    "pm10": {"zh": "PM₁₀", "en": "PM₁₀"},
    "so2": {"zh": "SO₂", "en": "SO₂"},
    "no2": {"zh": "NO₂", "en": "NO₂"},
    "co": {"zh": "CO", "en": "CO"},
    "co_p95": {"zh": "CO（日均值第95百分位）", "en": "CO (95th pct. of daily means)"},
    "o3": {"zh": "O₃", "en": "O₃"},
    "o3_8h_p90": {"zh": "O₃（日最大8小时第90百分位）", "en": "O₃ (90th pct. of daily max 8-h)"},
    "composite_index": {"zh": "综合指数", "en": "Composite index"},
    "good_day_ratio": {"zh": "优良天数比例", "en": "Good-day ratio"},
    "aqi": {"zh": "AQI", "en": "AQI"},
}

#: Units of the statistics (CO in mg/m³, the other pollutants in µg/m³; nomenclature.md).
UNITS: dict[str, str] = {
    "pm25": "µg/m³",
    "pm10": "µg/m³",
    "so2": "µg/m³",
    "no2": "µg/m³",
    "co": "mg/m³",
    "co_p95": "mg/m³",
    "o3": "µg/m³",
    "o3_8h_p90": "µg/m³",
    "composite_index": "",
    "good_day_ratio": "%",
    "aqi": "",
}

_TEXT: dict[str, dict[str, str]] = {
    "city": {"zh": "城市", "en": "City"},
    "station": {"zh": "监测点", "en": "Station"},
    "code": {"zh": "代码", "en": "Code"},
    "value": {"zh": "数值", "en": "Value"},
    "limit": {"zh": "标准限值", "en": "Limit"},
    "who": {"zh": "WHO 准则值", "en": "WHO level"},
    "exceeds": {"zh": "超过限值", "en": "Above limit"},
    "within": {"zh": "未超过限值", "en": "Within limit"},
    "date": {"zh": "日期", "en": "Date"},
    "aqi": {"zh": "AQI", "en": "AQI"},
    "category": {"zh": "类别", "en": "Category"},
    "month": {"zh": "月份", "en": "Month"},
    "series": {"zh": "序列", "en": "Series"},
    "weekday": {"zh": "星期", "en": "Weekday"},
    "week": {"zh": "周", "en": "Week"},
    "no_data": {"zh": "无数据", "en": "No data"},
    "label": {"zh": "说明", "en": "Label"},
    "line": {"zh": "参考线", "en": "Reference line"},
}

WEEKDAYS: dict[str, list[str]] = {
    "zh": ["一", "二", "三", "四", "五", "六", "日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}

MONTHS: dict[str, list[str]] = {
    "zh": [f"{m}月" for m in range(1, 13)],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``, else raise ``ValueError``."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang


def t(key: str, lang: str) -> str:
    """Translate a chart label key into ``lang``."""
    return _TEXT[key][check_lang(lang)]


def pollutant_label(name: str, lang: str, with_unit: bool = True) -> str:
    """Display label of a statistic, e.g. ``"PM₂.₅ (µg/m³)"``; unknown names pass through."""
    label = POLLUTANT_LABELS.get(name, {}).get(check_lang(lang), name)
    unit = UNITS.get(name, "")
    if with_unit and unit:
        return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"
    return label


class ChartSpec(dict):
    """A Vega-Lite specification (``dict``) carrying the table it plots and a caption.

    Attributes
    ----------
    table : pandas.DataFrame
        The data drawn, with reader-facing column names in the chart's language.
    caption : str
        One sentence describing what the chart shows, in the chart's language.
    """

    def __init__(self, spec: dict[str, Any], table: pd.DataFrame, caption: str) -> None:
        super().__init__(spec)
        self.table = table
        self.caption = caption

    @property
    def spec(self) -> dict[str, Any]:
        """The bare Vega-Lite specification as a plain ``dict``."""
        return dict(self)


def base_config() -> dict[str, Any]:
    """Vega-Lite ``config`` shared by all charts (fonts, no view border)."""
    return {
        "font": FONT_FAMILY,
        "view": {"stroke": None},
        "axis": {"labelFont": FONT_FAMILY, "titleFont": FONT_FAMILY},
        "legend": {"labelFont": FONT_FAMILY, "titleFont": FONT_FAMILY},
        "title": {"font": FONT_FAMILY, "anchor": "start"},
        "header": {"labelFont": FONT_FAMILY, "titleFont": FONT_FAMILY},
        "text": {"font": FONT_FAMILY},
    }


#: check every Altair chart against the Vega-Lite JSON schema when it is turned into a spec
#: (``QINGSHAN_CHART_VALIDATE=1``; the test suite sets it). Off by default: the check only
#: raises for a chart the code built wrongly, changes nothing in a valid spec, and cost
#: 0.4–0.7 s of a monthly bulletin's ~9 s CPU
VALIDATE = os.environ.get("QINGSHAN_CHART_VALIDATE", "0") == "1"


def finish(chart: Any, table: pd.DataFrame, caption: str) -> ChartSpec:
    """Turn an Altair chart (or a Vega-Lite ``dict`` written directly) into a
    :class:`ChartSpec` with the shared config applied."""
    spec = dict(chart) if isinstance(chart, dict) else chart.to_dict(validate=VALIDATE)
    config = spec.get("config", {})
    for key, value in base_config().items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**value, **config[key]}
        else:
            config.setdefault(key, value)
    spec["config"] = config
    return ChartSpec(spec, table.reset_index(drop=True), caption)
