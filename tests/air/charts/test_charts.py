"""Chart grammar: specs, tables, captions and offline SVG/PNG rendering (zh and en)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest

from qingshan.air.charts import bar_vs_limit, calendar, trend
from qingshan.charts import ChartSpec, city_map, render_png, render_svg
from qingshan.air.charts.calendar import calendar_layout
from qingshan.charts.cmap import feature_anchor, rewind_for_d3, safe_link

# HJ 633-2012 Appendix A Table A.1 colours, as the daily_aqi service delivers them.
CATS = [("优", "Excellent", "#00E400"), ("良", "Good", "#FFFF00"),
        ("轻度污染", "Lightly polluted", "#FF7E00"), ("中度污染", "Moderately polluted", "#FF0000"),
        ("重度污染", "Heavily polluted", "#99004C"), ("严重污染", "Severely polluted", "#7E0023")]


def _cat(aqi):
    if aqi is None:
        return (None, None, None)
    i = 0 if aqi <= 50 else 1 if aqi <= 100 else 2 if aqi <= 150 else 3 if aqi <= 200 else (
        4 if aqi <= 300 else 5)
    return CATS[i]


def _daily(dates, aqis):
    return pd.DataFrame({
        "date": pd.to_datetime(dates), "aqi": aqis,
        "category": [_cat(a)[0] for a in aqis], "category_en": [_cat(a)[1] for a in aqis],
        "colour": [_cat(a)[2] for a in aqis],
    })


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter() if el.tag.endswith("text")]


SQUARE_GJ = {"type": "FeatureCollection", "features": [
    # anticlockwise exterior rings (RFC 7946 order)
    {"type": "Feature", "properties": {"code": "370100", "name": "济南"}, "geometry": {
        "type": "Polygon",
        "coordinates": [[[116.0, 36.0], [117.0, 36.0], [117.0, 37.0], [116.0, 37.0], [116.0, 36.0]]]}},
    {"type": "Feature", "properties": {"code": "370200", "name": "青岛"}, "geometry": {
        "type": "MultiPolygon", "coordinates": [
            [[[117.0, 36.0], [119.0, 36.0], [119.0, 37.0], [117.0, 37.0], [117.0, 36.0]]],
            [[[119.5, 36.0], [119.6, 36.0], [119.6, 36.1], [119.5, 36.0]]]]}},
]}


def test_chart_spec_is_plain_json_dict():
    df = pd.DataFrame({"code": ["a"], "name": ["济南"], "value": [40]})
    spec = bar_vs_limit(df, 35, lang="zh")
    assert isinstance(spec, dict) and isinstance(spec, ChartSpec)
    text = json.dumps(spec, ensure_ascii=False)
    assert "济南" in text and spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert spec.spec == dict(spec)


def test_bar_vs_limit_table_caption_and_svg():
    df = pd.DataFrame({"code": ["370100", "370200", "370300", "370400"],
                       "name": ["济南", "青岛", "淄博", "枣庄"], "value": [50, 30, None, 35]})
    spec = bar_vs_limit(df, limit=35, who_level=5, lang="zh")
    tab = spec.table
    # sorted descending, missing last; 35 is not above the limit 35 (GB 3095: exceed means > limit)
    assert tab["城市"].tolist() == ["济南", "枣庄", "青岛", "淄博"]
    assert tab.iloc[:, 3].tolist() == ["超过限值", "未超过限值", "未超过限值", "无数据"]
    assert "3 个城市中 1 个超过限值" in spec.caption
    svg = render_svg(spec)
    texts = _svg_texts(svg)
    assert {"济南", "青岛", "枣庄"} <= set(texts)
    assert "淄博" not in texts  # no bar for a missing value
    assert "标准限值 35" in texts and "WHO 准则值 5" in texts


def test_bar_vs_limit_english():
    df = pd.DataFrame({"code": ["1", "2"], "name": ["Jinan", "Qingdao"], "value": [50, 30]})
    spec = bar_vs_limit(df, limit=35, lang="en")
    assert spec.caption.startswith("City PM₂.₅ against the limit 35: 1 of 2 cities")
    assert list(spec.table.columns) == ["Code", "City", "PM₂.₅ (µg/m³)", "Limit 35"]
    with pytest.raises(ValueError):
        bar_vs_limit(df, 35, lang="fr")


def test_calendar_layout_march_2019():
    # 2019-03-01 was a Friday and 2019-03-31 a Sunday (calendar of 2019).
    # Friday -> column 4 (Mon = 0), first row 0; the 31st: (31 - 1 + 4) // 7 = 4 -> fifth row.
    daily = _daily(["2019-03-01", "2019-03-02"], [45, 160])
    lay = calendar_layout(daily, 2019, 3, "zh").set_index("date")
    assert len(lay) == 31
    assert (lay.loc["2019-03-01", "wd"], lay.loc["2019-03-01", "week"]) == (4, 0)
    assert lay.loc["2019-03-01", "weekday"] == "五"
    assert (lay.loc["2019-03-31", "wd"], lay.loc["2019-03-31", "week"]) == (6, 4)
    assert lay.loc["2019-03-02", "colour"] == "#FF0000"
    assert lay.loc["2019-03-03", "category"] == "无数据"


def test_calendar_month_and_year():
    daily = _daily(pd.date_range("2019-03-01", "2019-03-10"), [20, 60, 60, 120, 170, 250, 310,
                                                               None, 40, 99])
    spec = calendar(daily, 2019, 3, lang="en")
    assert spec.caption.startswith("9 of 31 days have a valid AQI; Excellent 2, Good 3,")
    svg = render_svg(spec)
    texts = _svg_texts(svg)
    for v in ("20", "310", "99"):
        assert v in texts
    assert "null" not in texts and "NaN" not in texts
    assert "Severely polluted" in texts and "Mon" in texts
    year = calendar(daily, 2019, None, lang="zh")
    assert len(year.table) == 365
    assert year["columns"] == 4
    ytexts = _svg_texts(render_svg(year))
    assert "1月" in ytexts and "12月" in ytexts and "严重污染" in ytexts


def test_trend_rules_and_table():
    m = pd.DataFrame({"month": [1, 2, 3, 1, 2, 3], "name": ["济南"] * 3 + ["青岛"] * 3,
                      "pm25": [80, 60, 50, 50, 40, 30]})
    spec = trend(m, "pm25", {"GB 3095-2012 二级": 35, "WHO AQG": 5}, lang="zh")
    assert spec.table.to_dict("list") == {"月份": [1, 2, 3], "济南": [80, 60, 50],
                                          "青岛": [50, 40, 30]}
    assert "GB 3095-2012 二级 35" in spec.caption
    texts = _svg_texts(render_svg(spec))
    assert "GB 3095-2012 二级" in texts and "3月" in texts and "青岛" in texts


def test_map_rewinds_rings_and_anchors():
    g = SQUARE_GJ["features"][0]["geometry"]
    # the unit square's centroid is its centre (116.5, 36.5)
    assert feature_anchor(g) == pytest.approx((116.5, 36.5))
    # the MultiPolygon label goes to the larger part: centre of the 2x1 rectangle
    assert feature_anchor(SQUARE_GJ["features"][1]["geometry"]) == pytest.approx((118.0, 36.5))
    ring = rewind_for_d3(g)["coordinates"][0]
    # clockwise in lon/lat: after (116,36) comes (116,37) (up), not (117,36) (right)
    assert ring[1] == [116.0, 37.0]


def test_city_map_links_and_no_data():
    vals = pd.DataFrame({"code": ["370100"], "value": [5.2], "label": ["5.20（第1名）"]})
    spec = city_map(SQUARE_GJ, vals, "composite_index", lang="zh",
                    link_template="/air/city/{code}", base_url="http://127.0.0.1:8000/")
    assert spec.table.to_dict("list")["城市"] == ["济南", "青岛"]
    assert spec.table["综合指数"].isna().tolist() == [False, True]
    assert "2 个城市中 1 个有数据" in spec.caption
    svg = render_svg(spec)
    assert 'href="http://127.0.0.1:8000/air/city/370100"' in svg
    assert "济南" in _svg_texts(svg) and "青岛" in _svg_texts(svg)
    # the input GeoJSON is not modified
    assert "value" not in SQUARE_GJ["features"][0]["properties"]
    plain = city_map(SQUARE_GJ, vals, "pm25", lang="en")
    assert "<a " not in render_svg(plain)


def test_png_render():
    df = pd.DataFrame({"code": ["a"], "name": ["济南"], "value": [40]})
    png = render_png(bar_vs_limit(df, 35), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_system_cjk_font_covers_chart_text():
    """fonts-noto-cjk (or fonts-wqy-zenhei) must provide the glyphs charts use."""
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig (fc-list) not installed")
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert re.search(r"Noto Sans CJK SC|WenQuanYi Zen Hei", out), (
        "no CJK font: apt-get install fonts-noto-cjk")
    chars = "".join(sorted(set("济南青岛淄博超过限值标准准则值优良轻度中重严污染无数据月份类别综合指数")))
    cover = subprocess.run(["fc-list", f":charset={' '.join(f'{ord(c):x}' for c in chars)}",
                            "family"], capture_output=True, text=True).stdout
    assert re.search(r"Noto Sans CJK SC|WenQuanYi Zen Hei", cover)


def test_calendar_legend_no_data_only_when_missing():
    full = _daily(pd.date_range("2019-02-01", "2019-02-28"), [40] * 28)
    texts = _svg_texts(render_svg(calendar(full, 2019, 2, lang="zh")))
    assert "优" in texts and "无数据" not in texts
    part = _daily(["2019-02-01"], [40])
    assert "无数据" in _svg_texts(render_svg(calendar(part, 2019, 2, lang="zh")))


def test_city_map_uses_geojson_names_in_language():
    gj = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "370100", "name_zh": "济南市",
                                           "name_en": "Jinan"},
         "geometry": SQUARE_GJ["features"][0]["geometry"]}]}
    vals = pd.DataFrame({"code": ["370100"], "value": [4.5], "label": ["4.50"]})
    assert city_map(gj, vals, "composite_index", lang="en").table["City"].tolist() == ["Jinan"]
    assert city_map(gj, vals, "composite_index", lang="zh").table["城市"].tolist() == ["济南市"]
    named = vals.assign(name=["济南"])
    assert "济南" in _svg_texts(render_svg(city_map(gj, named, "composite_index", lang="zh")))


def test_city_map_links_are_absolute_by_construction():
    # Vega resolves a relative href against its default base URL, an external host:
    # a relative template without base_url is refused, whatever the scheme trick
    vals = pd.DataFrame({"code": ["370100"], "value": [5.2], "label": ["5.2"]})
    for bad in ("/city/{code}", "city/{code}", "javascript:alert({code})", "//evil/{code}"):
        with pytest.raises(ValueError, match="absolute"):
            city_map(SQUARE_GJ, vals, "pm25", link_template=bad)
    spec = city_map(SQUARE_GJ, vals, "pm25", link_template="city/{code}?lang=en",
                    base_url="https://example.org/qingshan/")
    hrefs = re.findall(r'href="([^"]+)"', render_svg(spec))
    # only cities with a value are drawn in the linked layer (青岛 has none here)
    assert sorted(set(hrefs)) == ["https://example.org/qingshan/city/370100?lang=en"]
    assert not any("vega.github.io" in h for h in hrefs)
    assert safe_link("http://h/city/{code}", "37 01") == "http://h/city/37%2001"


def test_city_map_of_the_province_builds_fast():
    """The spec is a plain dict written directly: no Altair conversion of the geometry."""
    import time

    from qingshan.config import load_province
    from qingshan.web.geo import load_geo
    prov = load_province("shandong")
    geo = load_geo(prov)
    if geo is None:
        pytest.skip("no bundled geometry")
    vals = pd.DataFrame({"code": [c.code for c in prov.cities], "value": range(16),
                         "label": [str(i) for i in range(16)]})
    t0 = time.perf_counter()
    spec = city_map(geo, vals, "composite_index", "zh", link_template="http://h/city/{code}")
    assert time.perf_counter() - t0 < 0.5  # was ≈ 1.5–4 s through Altair's to_dict
    # the geometry is stored once (top-level datasets) and shared by both geoshape layers
    assert [layer["data"] for layer in spec["layer"][:2]] == [{"name": "features"}] * 2
    assert len(spec["datasets"]["features"]) == 16
    json.dumps(dict(spec))  # plain JSON


def test_hourly_series_breaks_at_missing_and_invalid_hours():
    from qingshan.air.charts import hourly_series

    # 12 hour-ending stamps 01:00 … 12:00 of 2019-01-15; 04:00 missing (no value), 07:00
    # invalid (negative, qc bit 1), 10:00 not in the frame at all (a gap of 2 h)
    times = list(pd.date_range("2019-01-15 01:00", periods=12, freq="h"))
    vals = [float(v) for v in range(10, 22)]
    valid = [True] * 12
    vals[3], valid[3] = None, False
    vals[6], valid[6] = -5.0, False
    df = pd.DataFrame({"time": times, "value": vals, "valid": valid}).drop(index=9)
    spec = hourly_series(df, "pm25", lang="en")
    line = spec["layer"][0]["data"]["values"]
    # valid hours: 01–03 | 05–06 | 08–09 | 11–12 → four separately drawn runs
    runs = {}
    for r in line:
        runs.setdefault(r["run"], []).append(r["time"][11:16])
    assert list(runs.values()) == [["01:00", "02:00", "03:00"], ["05:00", "06:00"],
                                   ["08:00", "09:00"], ["11:00", "12:00"]]
    assert line[0]["time"] == "2019-01-15T01:00:00Z"  # the stored stamp, no time-zone shift
    bad = spec["layer"][1]["data"]["values"]
    assert [(r["time"][11:16], r["value"]) for r in bad] == [("07:00", -5.0)]
    assert spec.caption == ("Hourly PM₂.₅: 11 hours, 9 valid, 1 invalid (red ticks), "
                            "1 missing (gaps in the line).")
    assert spec.table["Status"].tolist().count("missing") == 1
    svg = render_svg(spec)
    assert "01-15 01:00" in _svg_texts(svg)  # axis labels show the stored Beijing time
    zh = hourly_series(df, "co", lang="zh")
    assert "CO（mg/m³）" in zh.table.columns and "无效 1" in zh.caption


def test_hourly_series_without_any_value_still_renders():
    from qingshan.air.charts import hourly_series

    df = pd.DataFrame({"time": pd.date_range("2019-01-15 01:00", periods=3, freq="h"),
                       "value": [None] * 3, "valid": [False] * 3})
    spec = hourly_series(df, "o3", lang="zh")
    assert "缺测 3" in spec.caption
    assert render_svg(spec).startswith("<svg")


def test_calendar_caption_counts_the_days_to_the_data_end():
    """A year not over (data to 2026-10-31): the caption counts January–October, 31 + 28 + 31
    + 30 + 31 + 30 + 31 + 31 + 30 + 31 = 304 days, and says it is to that day; before it said
    "365 天中 …" as if November and December had been missed."""
    daily = _daily(["2026-01-05", "2026-06-01", "2026-10-31"], [45, 160, 99])
    zh = calendar(daily, 2026, None, lang="zh", through=date(2026, 10, 31)).caption
    assert zh.startswith("截至2026-10-31，304 天中 3 天有有效 AQI；")
    en = calendar(daily, 2026, None, lang="en", through=date(2026, 10, 31)).caption
    assert en.startswith("To 2026-10-31: 3 of 304 days have a valid AQI; ")
    # one month shown (October), data to the 20th: 20 days
    assert calendar(daily, 2026, 10, lang="en", through=date(2026, 10, 20)).caption.startswith(
        "To 2026-10-20: 0 of 20 days")
    # the data reach the last day shown (or beyond): no "to" and every day counted
    for end in (date(2026, 12, 31), date(2027, 1, 31)):
        assert calendar(daily, 2026, None, lang="en", through=end).caption.startswith(
            "3 of 365 days have a valid AQI")
