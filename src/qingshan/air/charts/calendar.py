"""Calendar of daily AQI (after openair's ``calendarPlot``), cells in HJ 633 category colours.

The category and colour of each day come from the caller's data (the ``daily_aqi`` service,
which takes them from HJ 633 Appendix A Table A.1); this module only lays the days out:
one panel per month, columns Monday…Sunday, one row per calendar week.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt

import altair as alt
import pandas as pd

from qingshan.charts.common import MONTHS, WEEKDAYS, ChartSpec, check_lang, finish, t

__all__ = ["calendar", "calendar_layout", "calendar_table", "laid_out_parts"]

_NO_DATA_COLOUR = "#e6e6e6"


def _months(month: int | list[int] | None) -> list[int]:
    if month is None:
        return list(range(1, 13))
    return [month] if isinstance(month, int) else sorted(month)


def calendar_layout(daily_df: pd.DataFrame, year: int, month: int | list[int] | None,
                    lang: str) -> pd.DataFrame:
    """One row per calendar day of the period with its panel position and the day's AQI.

    Returns columns ``date`` (ISO text), ``day``, ``month``, ``month_label``, ``weekday``
    (label), ``wd`` (0 = Monday), ``week`` (row in the month panel, 0-based), ``aqi``,
    ``category``, ``colour``.  Days absent from ``daily_df`` get category "no data".
    """
    months = _months(month)
    days = [
        dt.date(year, m, d) for m in months for d in range(1, _cal.monthrange(year, m)[1] + 1)
    ]
    frame = pd.DataFrame({"d": days})
    cat_col = "category_en" if lang == "en" and "category_en" in daily_df.columns else "category"
    src = daily_df[["date", "aqi", cat_col, "colour"]].rename(columns={cat_col: "category"})
    src["d"] = pd.to_datetime(src["date"]).dt.date
    frame = frame.merge(src.drop(columns=["date"]), on="d", how="left")
    first_wd = {m: dt.date(year, m, 1).weekday() for m in months}
    frame["day"] = [d.day for d in frame["d"]]
    frame["month"] = [d.month for d in frame["d"]]
    frame["month_label"] = [MONTHS[lang][d.month - 1] for d in frame["d"]]
    frame["wd"] = [d.weekday() for d in frame["d"]]
    frame["weekday"] = [WEEKDAYS[lang][w] for w in frame["wd"]]
    frame["week"] = [(d.day - 1 + first_wd[d.month]) // 7 for d in frame["d"]]
    missing = frame["aqi"].isna() & frame["category"].isna()
    frame.loc[missing, "category"] = t("no_data", lang)
    frame.loc[missing, "colour"] = _NO_DATA_COLOUR
    frame["date"] = [d.isoformat() for d in frame["d"]]
    return frame.drop(columns=["d"])


def _parts(daily_df: pd.DataFrame, year: int, month, lang: str, through=None):
    """The laid-out days, the days with an AQI, the (category, colour) pairs in AQI order, the
    table and the caption of :func:`calendar` (no Altair: what a page shows beside the chart)."""
    return laid_out_parts(calendar_layout(daily_df, year, month, lang), lang, through)


def laid_out_parts(frame: pd.DataFrame, lang: str, through: dt.date | str | None = None):
    """:func:`_parts` of a frame :func:`calendar_layout` (or an equal vectorised layout, e.g.
    the city page's, :func:`qingshan.web.citycharts.year_layout`) laid out: the one place of
    the table and the caption's wording.

    ``through``: the last day with data when it is before the last day shown (a year not over,
    a store whose data end early): the caption counts the days up to it and says so
    ("截至2026-10-31，304 天中 …" / "To 2026-10-31: … of 304 days"), not "365 天中 304 天"
    as if 61 days of November and December had been missed."""
    upto = frame
    if through is not None:
        through = str(through)[:10]
        if len(frame) and through < str(frame["date"].iloc[-1]):
            upto = frame[frame["date"].astype(str) <= through]
        else:
            through = None
    present = upto.dropna(subset=["aqi"]).sort_values("aqi")
    pairs = present.drop_duplicates("category")[["category", "colour"]]
    table = frame[["date", "aqi", "category"]].rename(
        columns={"date": t("date", lang), "aqi": "AQI", "category": t("category", lang)}
    )
    counts = present["category"].value_counts()
    parts = [f"{c} {int(counts[c])}" for c in pairs["category"] if c in counts]
    n_days = len(upto)
    if lang == "zh":
        caption = (
            (f"截至{through}，" if through else "")
            + f"{n_days} 天中 {len(present)} 天有有效 AQI；" + ("、".join(parts) if parts else "无有效数据")
            + "（天）。颜色按 HJ 633 空气质量指数类别。"
        )
    else:
        caption = (
            (f"To {through}: " if through else "")
            + f"{len(present)} of {n_days} days have a valid AQI; "
            + (", ".join(parts) if parts else "no valid data")
            + " (days). Colours are the HJ 633 AQI categories."
        )
    return frame, present, pairs, table.reset_index(drop=True), caption


def calendar_table(daily_df: pd.DataFrame, year: int, month: int | list[int] | None = None,
                   lang: str = "zh", through: dt.date | None = None
                   ) -> tuple[pd.DataFrame, str]:
    """``(.table, .caption)`` of :func:`calendar` with the same arguments, without building
    the chart (a page shows them and loads the chart itself from a chart route)."""
    check_lang(lang)
    return _parts(daily_df, year, month, lang, through)[3:]


def calendar(
    daily_df: pd.DataFrame,
    year: int,
    month: int | list[int] | None = None,
    lang: str = "zh",
    title: str | None = None,
    annotate: str = "aqi",
    through: dt.date | None = None,
) -> ChartSpec:
    """Calendar plot of daily AQI for one year (12 panels) or one month (1 panel).

    Parameters
    ----------
    daily_df : DataFrame
        Columns ``date``, ``aqi``, ``category``, ``colour`` (one row per day; e.g. the output of
        ``services.air.daily_aqi``); with ``lang="en"`` a ``category_en`` column is used when
        present.  ``colour`` is the HJ 633-2012 Appendix A Table A.1 hex
        colour of the day's category.
    year : int
    month : int, list of int or None
        One month, several months (e.g. a quarter, one panel each) or ``None`` for the year.
    lang : {"zh", "en"}
    annotate : {"aqi", "date"}
        Text in each cell: the AQI value (default) or the day of month.
    through : date, optional
        The last day with data, when the data end before the last day shown: the caption
        counts the days to it (:func:`laid_out_parts`).

    Returns
    -------
    ChartSpec
        ``.table`` has one row per day: date, AQI, category.
    """
    check_lang(lang)
    frame, present, pairs, table, caption = _parts(daily_df, year, month, lang, through)
    domain = pairs["category"].tolist()
    colours = pairs["colour"].tolist()
    if len(present) < len(frame):  # "no data" appears in the legend only when a day lacks data
        domain.append(t("no_data", lang))
        colours.append(_NO_DATA_COLOUR)
    base = alt.Chart().encode(
        x=alt.X("weekday:O", sort=WEEKDAYS[lang], title=None,
                axis=alt.Axis(orient="top", labelAngle=0, domain=False, ticks=False)),
        y=alt.Y("week:O", title=None, axis=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color(
            "category:N",
            scale=alt.Scale(domain=domain, range=colours),
            legend=alt.Legend(title=t("category", lang), orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("date:N", title=t("date", lang)),
            alt.Tooltip("aqi:Q", title="AQI"),
            alt.Tooltip("category:N", title=t("category", lang)),
        ],
    )
    text_field = "aqi:Q" if annotate == "aqi" else "day:Q"
    several = len(_months(month)) > 1
    font_size = 9 if several else 12
    labels = base.transform_filter("isValid(datum.aqi)").mark_text(fontSize=font_size).encode(
        text=alt.Text(text_field, format="d"),
        # light text on the dark colours (red, purple, maroon: AQI > 150)
        color=alt.condition("datum.aqi > 150", alt.value("white"), alt.value("#222222")),
    )
    cell = 22 if several else 40
    chart = alt.layer(cells, labels, data=frame).properties(width=cell * 7, height=cell * 6)
    if several:
        chart = chart.facet(
            facet=alt.Facet("month_label:N", sort=MONTHS[lang], title=None,
                            header=alt.Header(labelFontSize=12, labelFontWeight="bold")),
            columns=min(4, len(_months(month))),
        )
    if title:
        chart = chart.properties(title=title)
    return finish(chart, table, caption)
