"""Daily series of 2–6 places for one statistic on one chart (the comparison page)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from qingshan.charts.common import ChartSpec, check_lang, finish, pollutant_label

__all__ = ["compare_series"]


def compare_series(df: pd.DataFrame, stat: str, lang: str = "zh", width: int = 640,
                   height: int = 280, limit: tuple[str, float] | None = None) -> ChartSpec:
    """One line per place: ``df`` has ``date``, ``name`` and ``value`` (missing days NULL,
    drawn as gaps). ``limit``: ``(label, value)`` drawn as a dashed rule (e.g. the GB 3095
    grade II 24-h limit). ``.table``: date × place, the plotted values."""
    check_lang(lang)
    title = pollutant_label(stat, lang)
    data = df[["date", "name", "value"]].copy()
    data["date"] = pd.to_datetime(data["date"])
    lines = {"$schema": alt.SCHEMA_URL, "width": width, "height": height,
             "data": {"values": [{"date": d.strftime("%Y-%m-%d"), "name": n,
                                  "value": None if pd.isna(v) else float(v)}
                                 for d, n, v in data.itertuples(index=False)]},
             "layer": [{"mark": {"type": "line", "point": {"size": 12}},
                        "encoding": {
                            "x": {"field": "date", "type": "temporal",
                                  "title": "日期" if lang == "zh" else "Date"},
                            "y": {"field": "value", "type": "quantitative", "title": title},
                            "color": {"field": "name", "type": "nominal",
                                      "title": "地点" if lang == "zh" else "Place"},
                            "tooltip": [{"field": "name", "type": "nominal"},
                                        {"field": "date", "type": "temporal"},
                                        {"field": "value", "type": "quantitative",
                                         "title": title}]}}]}
    if limit:
        lines["layer"].append({"data": {"values": [{"y": limit[1], "label": limit[0]}]},
                               "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#a33"},
                               "encoding": {"y": {"field": "y", "type": "quantitative"}}})
    names = list(dict.fromkeys(data["name"]))
    table = data.pivot_table(index="date", columns="name", values="value", aggfunc="first",
                             dropna=False).reset_index()
    table = table[["date", *names]]              # the places in the order they were chosen
    table.columns.name = None
    table["date"] = table["date"].dt.date
    table = table.rename(columns={"date": "日期" if lang == "zh" else "Date"})
    if lang == "zh":
        caption = f"{'、'.join(names)}的逐日{pollutant_label(stat, lang, False)}。"
    else:
        caption = f"Daily {pollutant_label(stat, lang, False)} of {', '.join(names)}."
    return finish(lines, table, caption)
