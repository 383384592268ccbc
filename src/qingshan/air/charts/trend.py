"""Monthly trend lines of one statistic with GB 3095 limit and WHO level rules."""

from __future__ import annotations

import altair as alt
import pandas as pd

from qingshan.charts.common import MONTHS, ChartSpec, check_lang, finish, pollutant_label, t

__all__ = ["trend", "trend_table"]

_RULE_COLOURS = ["#b2182b", "#1a9850", "#762a83", "#e08214"]


def _series_column(df: pd.DataFrame, series: str | None) -> str | None:
    if series is not None:
        return series
    for col in ("series", "name", "name_zh", "code", "year"):
        if col in df.columns and df[col].nunique(dropna=True) > 1:
            return col
    return None


def _parts(monthly_df: pd.DataFrame, pollutant: str, limits: dict, lang: str,
           series: str | None):
    """The plotted rows, the table and the caption of :func:`trend` (no Altair)."""
    col = _series_column(monthly_df, series)
    data = monthly_df.copy()
    data["series"] = data[col].astype(str) if col else pollutant_label(pollutant, lang, False)
    data = data[["series", "month", pollutant]].rename(columns={pollutant: "value"})
    data["month"] = data["month"].astype(int)
    data["value"] = pd.to_numeric(data["value"], errors="coerce")
    data["month_label"] = [MONTHS[lang][m - 1] for m in data["month"]]
    ylabel = pollutant_label(pollutant, lang)
    table = data.pivot_table(index="month", columns="series", values="value", aggfunc="first",
                             dropna=False).reset_index()
    table.columns.name = None
    table = table.rename(columns={"month": t("month", lang)})
    plab = pollutant_label(pollutant, lang, False)
    lim_txt = "; ".join(f"{k} {v:g}" for k, v in limits.items())
    if lang == "zh":
        caption = f"{plab}逐月变化（{ylabel.replace(plab, '').strip('（）') or '无量纲'}）"
        caption += f"；参考线：{lim_txt}。" if lim_txt else "。"
    else:
        caption = f"Monthly {plab}"
        caption += f"; reference lines: {lim_txt}." if lim_txt else "."
    return data, table.reset_index(drop=True), caption


def trend_table(monthly_df: pd.DataFrame, pollutant: str, limits: dict[str, float] | None = None,
                lang: str = "zh", series: str | None = None) -> tuple[pd.DataFrame, str]:
    """``(.table, .caption)`` of :func:`trend` with the same arguments, without building the
    chart (a page shows them and loads the chart itself from a chart route)."""
    check_lang(lang)
    return _parts(monthly_df, pollutant, dict(limits or {}), lang, series)[1:]


def trend(
    monthly_df: pd.DataFrame,
    pollutant: str,
    limits: dict[str, float] | None = None,
    lang: str = "zh",
    series: str | None = None,
    width: int = 520,
    height: int = 240,
) -> ChartSpec:
    """Lines of ``monthly_df[pollutant]`` by month with horizontal reference rules.

    Parameters
    ----------
    monthly_df : DataFrame
        Columns ``month`` (1–12) and ``pollutant`` (e.g. the ``monthly_series`` service output),
        optionally a series column (``series``, ``name``, ``code`` or ``year``) — one line each.
    pollutant : str
        Column to draw (``pm25``, ``pm10``, ``so2``, ``no2``, ``co_p95``, ``o3_8h_p90``,
        ``composite_index`` …).
    limits : dict of str to float
        Reference lines, label → value, e.g. ``{"GB 3095-2012 二级年均值": 35, "WHO AQG": 5}``.
    lang : {"zh", "en"}
    series : str, optional
        Column that distinguishes the lines; guessed when omitted.

    Returns
    -------
    ChartSpec
        ``.table`` is wide: one row per month, one column per series.
    """
    check_lang(lang)
    limits = dict(limits or {})
    data, table, caption = _parts(monthly_df, pollutant, limits, lang, series)
    ylabel = pollutant_label(pollutant, lang)
    x = alt.X("month_label:O", sort=MONTHS[lang], title=t("month", lang),
              axis=alt.Axis(labelAngle=0))
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=ylabel),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("series:N", title=t("series", lang)),
                alt.Tooltip("month_label:O", title=t("month", lang)),
                alt.Tooltip("value:Q", title=ylabel),
            ],
        )
    )
    layers = [lines]
    if limits:
        rules = pd.DataFrame({"label": list(limits), "value": [float(v) for v in limits.values()]})
        colours = (_RULE_COLOURS * 2)[: len(rules)]
        layers.append(
            alt.Chart(rules)
            .mark_rule(strokeDash=[6, 3], strokeWidth=1.5)
            .encode(
                y="value:Q",
                color=alt.Color("label:N", scale=alt.Scale(domain=list(limits), range=colours),
                                legend=alt.Legend(title=t("line", lang), orient="bottom")),
            )
        )
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(
        width=width, height=height
    )
    return finish(chart, table, caption)
