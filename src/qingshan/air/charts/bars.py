"""Bar chart of one statistic per city against a limit (GB 3095) and a WHO level."""

from __future__ import annotations

import altair as alt
import pandas as pd

from qingshan.charts.common import ChartSpec, check_lang, finish, pollutant_label, t

__all__ = ["bar_vs_limit"]

_EXCEEDS_COLOUR = "#d6604d"
_WITHIN_COLOUR = "#4393c3"


def bar_vs_limit(
    df: pd.DataFrame,
    limit: float,
    who_level: float | None = None,
    lang: str = "zh",
    pollutant: str = "pm25",
    width: int = 520,
    judge: bool = True,
) -> ChartSpec:
    """Horizontal bars of ``value`` per city, sorted descending, with the limit as a rule.

    Parameters
    ----------
    df : DataFrame
        Columns ``code``, ``name``, ``value`` (e.g. city PM2.5 means [µg/m³]). Rows with a
        missing value are kept in the table and left out of the bars.
    limit : float
        The limit drawn as a red rule (e.g. GB 3095-2012 Table 1 PM2.5 annual Grade II = 35).
        Bars above it are coloured as exceeding.
    who_level : float, optional
        WHO 2021 level drawn as a green dashed rule (e.g. AQG PM2.5 annual = 5).
    lang : {"zh", "en"}
    pollutant : str
        Statistic name for the axis label (``pm25``, ``pm10``, ``no2`` …).
    judge : bool
        Compare the values with the limit (colour and count the exceedances). False for
        periods that are not a calendar year: a monthly mean is not judged against an annual
        limit, the rule is drawn for reference only.

    Returns
    -------
    ChartSpec
        Spec with ``.table`` = city, value, and whether it exceeds the limit.
    """
    check_lang(lang)
    data = df[["code", "name", "value"]].copy()
    data["value"] = pd.to_numeric(data["value"], errors="coerce")
    ref = "参考" if lang == "zh" else "reference"
    data["status"] = [
        t("no_data", lang) if pd.isna(v) else (
            ref if not judge else t("exceeds", lang) if v > limit else t("within", lang))
        for v in data["value"]
    ]
    data = data.sort_values("value", ascending=False, na_position="last").reset_index(drop=True)
    plotted = data.dropna(subset=["value"])
    vlabel = pollutant_label(pollutant, lang)
    order = plotted["name"].tolist()
    height = max(120, 18 * len(plotted))
    x = alt.X("value:Q", title=vlabel)
    y = alt.Y("name:N", sort=order, title=None)
    bars = (
        alt.Chart(plotted)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "status:N",
                scale=alt.Scale(
                    domain=[t("exceeds", lang), t("within", lang)] if judge else [ref],
                    range=[_EXCEEDS_COLOUR, _WITHIN_COLOUR] if judge else ["#8c8c8c"],
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("city", lang)),
                alt.Tooltip("value:Q", title=vlabel),
            ],
        )
    )
    text = (
        alt.Chart(plotted)
        .mark_text(align="left", dx=3, fontSize=10)
        .encode(x=x, y=y, text=alt.Text("value:Q"))
    )
    rules = pd.DataFrame([{"label": f"{t('limit', lang)} {limit:g}", "value": float(limit)}])
    if who_level is not None:
        rules.loc[len(rules)] = [f"{t('who', lang)} {who_level:g}", float(who_level)]
    rule_colours = ["#b2182b", "#1a9850"][: len(rules)]
    rule = (
        alt.Chart(rules)
        .mark_rule(strokeDash=[6, 3], strokeWidth=1.5)
        .encode(
            x="value:Q",
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=rules["label"].tolist(), range=rule_colours),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
        )
    )
    chart = (
        alt.layer(bars, text, rule)
        .resolve_scale(color="independent")
        .properties(width=width, height=height)
    )
    table = data.rename(
        columns={
            "code": t("code", lang),
            "name": t("city", lang),
            "value": vlabel,
            "status": f"{t('limit', lang)} {limit:g}",
        }
    )
    n_exc = int((plotted["value"] > limit).sum())
    if not judge:
        caption = (f"各城市{pollutant_label(pollutant, lang, with_unit=False)}浓度；虚线为年均限值 "
                   f"{limit:g}，仅供参考，本期不是日历年，不作达标判定。" if lang == "zh" else
                   f"City {pollutant_label(pollutant, lang, with_unit=False)}; the dashed line "
                   f"is the annual limit {limit:g}, for reference only (not a calendar year: "
                   f"no compliance verdict).")
        return finish(chart, table, caption)
    if lang == "zh":
        caption = (
            f"各城市{pollutant_label(pollutant, lang, with_unit=False)}浓度与标准限值 {limit:g} 的比较："
            f"{len(plotted)} 个城市中 {n_exc} 个超过限值。"
        )
        if who_level is not None:
            caption += f"绿色虚线为 WHO 准则值 {who_level:g}。"
    else:
        caption = (
            f"City {pollutant_label(pollutant, lang, with_unit=False)} against the limit "
            f"{limit:g}: {n_exc} of {len(plotted)} cities are above it."
        )
        if who_level is not None:
            caption += f" The green dashed line is the WHO level {who_level:g}."
    return finish(chart, table, caption)
