"""The city page's charts drawn as SVG text directly (issue 14, session 6): the calendar
(:func:`qingshan.charts.calendar_svg`) and the six monthly trends
(:func:`qingshan.charts.line_svg`), from the same inputs as the Vega-Lite charts of
:mod:`qingshan.air.charts` (which the PDF bulletins keep) and with their captions as the
images' accessible names. No vl-convert: a city page's seven images cost milliseconds, not
seconds of CPU with the GIL held."""

from __future__ import annotations

import functools

import pandas as pd

from qingshan import charts
from qingshan.air import charts as air_charts
from qingshan.air.charts.calendar import calendar_layout
from qingshan.air.charts.trend import _RULE_COLOURS
from qingshan.charts.common import MONTHS, WEEKDAYS, pollutant_label, t

__all__ = ["calendar_chart", "trend_chart", "trend_tables"]


def calendar_chart(daily: pd.DataFrame, year: int, lang: str) -> str:
    """The year's calendar of daily AQI (the cells of ``air.charts.calendar``)."""
    cap = air_charts.calendar_table(daily, year=year, lang=lang)[1]
    return charts.calendar_svg(calendar_layout(daily, year, None, lang), MONTHS[lang],
                               WEEKDAYS[lang], lang, cap)


def trend_chart(monthly: pd.DataFrame, stat: str, limits: dict[str, float], lang: str) -> str:
    """The monthly trend of ``stat`` with its reference lines (``air.charts.trend``'s values,
    months, lines and colours; one series: a city's months)."""
    cap = _trend_caption(stat, tuple(limits.items()), lang)
    rows = monthly.sort_values("month", kind="stable")
    values = [None if pd.isna(v) else float(v)
              for v in pd.to_numeric(rows[stat], errors="coerce")]
    months = [MONTHS[lang][int(m) - 1] for m in rows["month"]]
    return charts.line_svg({pollutant_label(stat, lang, False): values}, months, dict(limits),
                           (_RULE_COLOURS * 2)[:len(limits)], pollutant_label(stat, lang),
                           t("month", lang), t("line", lang), cap)


@functools.lru_cache(maxsize=256)
def _trend_caption(stat: str, limits: tuple, lang: str) -> str:
    """``trend_table``'s caption (it depends on the statistic, the lines and the language)."""
    empty = pd.DataFrame({"month": pd.Series([], dtype="int64"),
                          stat: pd.Series([], dtype="float64")})
    return air_charts.trend_table(empty, stat, limits=dict(limits), lang=lang)[1]


def trend_tables(monthly: pd.DataFrame, stats: list[str], limits: dict[str, dict[str, float]],
                 lang: str) -> dict[str, tuple[pd.DataFrame, str]]:
    """``stat -> (table, caption)`` of ``air.charts.trend_table`` for a one-unit monthly series
    (a city page's), without its six pandas pivots: the table is the months in order and the
    statistic's values under the series label (the pivot of one series, one row per month —
    equal frames, ``tests/web/test_trend_svg.py``); the caption is ``trend_table``'s own (from an
    empty frame, kept: it depends on the statistic, the lines and the language only). A series
    that is not one row per month (or has no month) gets ``trend_table`` itself."""
    out = {}
    one = len(monthly) > 0 and monthly["month"].is_unique and monthly["month"].notna().all()
    rows = monthly.sort_values("month", kind="stable")
    months = rows["month"].astype(int).to_numpy()
    for stat in stats:
        if not one:
            out[stat] = air_charts.trend_table(monthly, stat, limits=limits[stat], lang=lang)
            continue
        cap = _trend_caption(stat, tuple(limits[stat].items()), lang)
        values = pd.to_numeric(rows[stat], errors="coerce").astype("float64").to_numpy()
        out[stat] = (pd.DataFrame({t("month", lang): months,
                                   pollutant_label(stat, lang, False): values}), cap)
    return out
