"""The city page's charts drawn as SVG text directly (issue 14, session 6): the calendar
(:func:`qingshan.charts.calendar_svg`) and the six monthly trends
(:func:`qingshan.charts.line_svg`), from the same inputs as the Vega-Lite charts of
:mod:`qingshan.air.charts` (which the PDF bulletins keep) and with their captions as the
images' accessible names. No vl-convert: a city page's seven images cost milliseconds, not
seconds of CPU with the GIL held."""

from __future__ import annotations

import pandas as pd

from qingshan import charts
from qingshan.air import charts as air_charts
from qingshan.air.charts.calendar import calendar_layout
from qingshan.air.charts.trend import _RULE_COLOURS
from qingshan.charts.common import MONTHS, WEEKDAYS, pollutant_label, t

__all__ = ["calendar_chart", "trend_chart"]


def calendar_chart(daily: pd.DataFrame, year: int, lang: str) -> str:
    """The year's calendar of daily AQI (the cells of ``air.charts.calendar``)."""
    cap = air_charts.calendar_table(daily, year=year, lang=lang)[1]
    return charts.calendar_svg(calendar_layout(daily, year, None, lang), MONTHS[lang],
                               WEEKDAYS[lang], lang, cap)


def trend_chart(monthly: pd.DataFrame, stat: str, limits: dict[str, float], lang: str) -> str:
    """The monthly trend of ``stat`` with its reference lines (``air.charts.trend``'s values,
    months, lines and colours; one series: a city's months)."""
    cap = air_charts.trend_table(monthly, stat, limits=limits, lang=lang)[1]
    rows = monthly.sort_values("month", kind="stable")
    values = [None if pd.isna(v) else float(v)
              for v in pd.to_numeric(rows[stat], errors="coerce")]
    months = [MONTHS[lang][int(m) - 1] for m in rows["month"]]
    return charts.line_svg({pollutant_label(stat, lang, False): values}, months, dict(limits),
                           (_RULE_COLOURS * 2)[:len(limits)], pollutant_label(stat, lang),
                           t("month", lang), t("line", lang), cap)
