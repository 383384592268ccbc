"""Hourly series of one pollutant at one station: valid values as a line, missing hours as
gaps, invalid values (negative or implausible, qc_flags bits 1 and 4) marked separately."""

from __future__ import annotations

from typing import Any

import pandas as pd

from qingshan.charts.common import ChartSpec, check_lang, finish, pollutant_label, t

__all__ = ["hourly_series"]

_TEXT = {
    "time": {"zh": "时间（北京时间，小时结束）", "en": "Time (Beijing, hour ending)"},
    "status": {"zh": "状态", "en": "Status"},
    "valid": {"zh": "有效", "en": "valid"},
    "invalid": {"zh": "无效", "en": "invalid"},
    "missing": {"zh": "缺测", "en": "missing"},
}
_LINE, _INVALID = "#2f6f5e", "#b2182b"


def _tx(key: str, lang: str) -> str:
    return _TEXT[key][lang]


def hourly_series(df: pd.DataFrame, pollutant: str, lang: str = "zh", width: int = 720,
                  height: int = 220) -> ChartSpec:
    """Line of the valid hourly values of ``pollutant``.

    Parameters
    ----------
    df : DataFrame
        ``time`` (hour-ending Beijing time, naive), ``value`` (stored value, may be missing)
        and ``valid`` (bool: the value counts — not negative, not above the plausible
        maximum). One row per hour shown; an hour without a stored value is missing.
    pollutant : str
        ``pm25``, ``pm10``, ``so2``, ``no2``, ``co`` or ``o3`` (labels and units).
    lang : {"zh", "en"}

    Returns
    -------
    ChartSpec
        The line is broken at every missing or invalid hour and at every gap between
        stamps of more than one hour (consecutive valid hours only are joined). Invalid
        values are drawn as red ticks on the time axis (their value would distort the scale;
        it is in the tooltip and the table). ``.table`` = time, value, status for every row.
        Times are shown exactly as stored (written to Vega as UTC on a UTC time scale, so that
        no time-zone conversion happens in the renderer).
    """
    check_lang(lang)
    d = df[["time", "value", "valid"]].copy()
    d["time"] = pd.to_datetime(d["time"])
    d = d.sort_values("time").reset_index(drop=True)
    d["value"] = pd.to_numeric(d["value"], errors="coerce")
    d["valid"] = d["valid"].fillna(False).astype(bool) & d["value"].notna()
    status = pd.Series("valid", index=d.index).where(d["valid"], "invalid")
    status = status.where(d["valid"] | d["value"].notna(), "missing")
    # a new line segment starts after every non-valid hour and every gap > 1 h
    step = d["time"].diff() != pd.Timedelta(hours=1)
    run = (step | ~d["valid"]).cumsum()
    iso = d["time"].dt.strftime("%Y-%m-%dT%H:%M:00Z")
    ylabel = pollutant_label(pollutant, lang)
    time_enc = {"field": "time", "type": "temporal", "scale": {"type": "utc"},
                "title": _tx("time", lang),
                "axis": {"format": "%m-%d %H:%M", "labelAngle": 0, "labelOverlap": True}}
    tip_time = {"field": "time", "type": "temporal", "title": t("date", lang),
                "format": "%Y-%m-%d %H:%M"}
    valid_rows = [{"time": s, "value": float(v), "run": int(r)}
                  for s, v, r, ok in zip(iso, d["value"], run, d["valid"]) if ok]
    invalid_rows = [{"time": s, "value": float(v), "status": _tx("invalid", lang)}
                    for s, v, st in zip(iso, d["value"], status) if st == "invalid"]
    layers: list[dict[str, Any]] = [{
        "data": {"values": valid_rows},
        "mark": {"type": "line", "color": _LINE, "point": {"size": 12, "color": _LINE}},
        "encoding": {"x": time_enc,
                     "y": {"field": "value", "type": "quantitative", "title": ylabel},
                     "detail": {"field": "run", "type": "nominal"},
                     "tooltip": [tip_time, {"field": "value", "type": "quantitative",
                                            "title": ylabel}]},
    }]
    if invalid_rows:
        layers.append({
            "data": {"values": invalid_rows},
            "mark": {"type": "tick", "color": _INVALID, "thickness": 3, "size": 18,
                     "orient": "vertical"},
            "encoding": {"x": time_enc, "y": {"datum": 0, "type": "quantitative"},
                         "tooltip": [tip_time,
                                     {"field": "value", "type": "quantitative", "title": ylabel},
                                     {"field": "status", "type": "nominal",
                                      "title": _tx("status", lang)}]},
        })
    spec = {"width": width, "height": height, "layer": layers}
    table = pd.DataFrame({_tx("time", lang): d["time"], ylabel: d["value"],
                          _tx("status", lang): [_tx(s, lang) for s in status]})
    n = len(d)
    k = {s: int((status == s).sum()) for s in ("valid", "invalid", "missing")}
    plab = pollutant_label(pollutant, lang, False)
    if lang == "zh":
        caption = (f"{plab}小时浓度：共 {n} 小时，有效 {k['valid']}，无效 {k['invalid']}"
                   f"（红色短线），缺测 {k['missing']}（折线断开）。")
    else:
        caption = (f"Hourly {plab}: {n} hours, {k['valid']} valid, {k['invalid']} invalid "
                   f"(red ticks), {k['missing']} missing (gaps in the line).")
    if not valid_rows and not invalid_rows:
        spec["layer"][0]["data"] = {"values": [{"time": s, "value": None, "run": 0}
                                               for s in iso[:1]]}
    return finish(spec, table, caption)
