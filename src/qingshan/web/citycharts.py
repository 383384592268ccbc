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
from qingshan.air.charts.calendar import calendar_layout, laid_out_parts
from qingshan.air.charts.trend import _RULE_COLOURS
from qingshan.charts.common import MONTHS, WEEKDAYS, pollutant_label, t

__all__ = ["calendar_chart", "calendar_table", "trend_chart", "trend_tables", "year_layout"]


def year_layout(daily: pd.DataFrame, year: int, lang: str) -> pd.DataFrame:
    """``air.charts.calendar_layout(daily, year, None, lang)`` (one row per day of the year:
    panel position, AQI, category, colour; "no data" for a day without a record), vectorised:
    the same frame (``tests/web/test_calendar_svg.py``) without a Python loop per day.
    A daily frame with a date twice gets ``calendar_layout`` itself."""
    if not pd.Series(pd.to_datetime(daily["date"])).is_unique:
        return calendar_layout(daily, year, None, lang)
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    cat_col = "category_en" if lang == "en" and "category_en" in daily.columns else "category"
    src = daily[["date", "aqi", cat_col, "colour"]].rename(columns={cat_col: "category"})
    src = src.assign(date=pd.to_datetime(src["date"])).set_index("date")
    frame = src.reindex(days).reset_index(drop=True)
    month = days.month.to_numpy().astype("int64")
    day = days.day.to_numpy().astype("int64")
    wd = days.day_of_week.to_numpy().astype("int64")
    first_wd = pd.DatetimeIndex(days.to_period("M").start_time).day_of_week.to_numpy()
    frame["day"] = day
    frame["month"] = month
    frame["month_label"] = [MONTHS[lang][m - 1] for m in range(1, 13) for _ in
                            range(int((month == m).sum()))]
    frame["wd"] = wd
    frame["weekday"] = pd.Series(WEEKDAYS[lang], dtype=object).to_numpy()[wd]
    frame["week"] = (day - 1 + first_wd.astype("int64")) // 7
    missing = frame["aqi"].isna() & frame["category"].isna()
    frame.loc[missing, "category"] = t("no_data", lang)
    frame.loc[missing, "colour"] = "#e6e6e6"
    frame["date"] = days.strftime("%Y-%m-%d").to_numpy().astype(object)
    return frame


def _through(daily: pd.DataFrame, year: int):
    """The last day of ``daily`` when it ends before 31 December (the page reads a year up to
    the store's last day with data: ``air.pages._city_series``), else None — the caption says
    "截至 …" and counts those days (``air.charts.calendar.laid_out_parts``)."""
    if not len(daily):
        return None
    last = pd.to_datetime(daily["date"]).max().date()
    return last if last.isoformat() < f"{year}-12-31" else None


def calendar_chart(daily: pd.DataFrame, year: int, lang: str) -> str:
    """The year's calendar of daily AQI (the cells of ``air.charts.calendar``)."""
    frame = year_layout(daily, year, lang)
    return charts.calendar_svg(frame, MONTHS[lang], WEEKDAYS[lang], lang,
                               calendar_table(daily, year, lang, frame)[1])


def calendar_table(daily: pd.DataFrame, year: int, lang: str,
                   frame: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """``air.charts.calendar_table(daily, year=year, lang=lang)`` (the page's table of the
    days and the caption) from :func:`year_layout` (equal frame and caption, tests)."""
    frame = year_layout(daily, year, lang) if frame is None else frame
    return laid_out_parts(frame, lang, _through(daily, year))[3:]


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
