"""Issue 14, session 5: pages load their charts from GET chart routes (an <img> each), so a
page is its tables and figures only; the chart's table and caption on the page are those of
the chart's own spec."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from pandas.testing import assert_frame_equal

from qingshan.air import charts as air_charts
from qingshan.charts import city_map, city_map_caption


def _imgs(html: str) -> dict[str, tuple[str, str]]:
    """figure id -> (img src, alt) of every chart image of a page."""
    out = {}
    for m in re.finditer(r'<figure class="chart" id="([^"]+)">\s*<img class="chart-img" '
                         r'src="([^"]+)" alt="([^"]*)"', html):
        out[m.group(1)] = (m.group(2).replace("&amp;", "&"), m.group(3))
    return out


def test_city_page_charts_are_images_of_the_chart_route(web_client):
    html = web_client.get("/city/370100?year=2019&lang=en").text
    imgs = _imgs(html)
    # the calendar and the six statistics of GB 3095 Table 1 (trend-<statistic>)
    assert set(imgs) == {"calendar", "trend-pm25", "trend-pm10", "trend-so2", "trend-no2",
                         "trend-co_p95", "trend-o3_8h_p90"}
    assert "<svg" not in html
    src, alt = imgs["calendar"]
    assert src == "/chart/city/370100/calendar.svg?year=2019&lang=en"
    # the alt text is the caption, in the page's language; the store's data end on 2019-03-31:
    # "To 2019-03-31: … of 90 days" (January–March, 31 + 28 + 31), not "… of 365 days"
    cap = re.search(r'id="calendar">.*?<figcaption[^>]*>([^<]*)<', html, re.S).group(1)
    assert alt == cap and cap.startswith("To 2019-03-31: ") and " of 90 days have" in alt
    r = web_client.get(src)
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert r.text.lstrip().startswith("<svg")
    # the same chart again: 304 with its ETag (the browser revalidates, no-cache)
    assert r.headers["cache-control"] == "no-cache"
    again = web_client.get(src, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    zh = web_client.get("/city/370100?year=2019&lang=zh").text
    assert _imgs(zh)["calendar"][1].startswith("截至2019-03-31，90 天中 ")


def test_chart_route_refuses_what_it_does_not_draw(web_client):
    assert web_client.get("/chart/city/370100/pie.svg?year=2019").status_code == 404
    assert web_client.get("/chart/city/370100/calendar.svg?year=1999").status_code == 404
    assert web_client.get("/chart/city/379999/calendar.svg?year=2019").status_code == 404
    assert web_client.get("/chart/map.svg?period=2019-03&indicator=x").status_code == 422
    assert web_client.post("/chart/map.svg?period=2019-03").status_code in (403, 405)


def test_page_tables_are_the_chart_specs_tables():
    # two days of 2019-01 (AQI 40 优, 120 轻度污染): 31 days in the month, 2 with an AQI
    daily = pd.DataFrame({"date": [date(2019, 1, 1), date(2019, 1, 2)], "aqi": [40.0, 120.0],
                          "category": ["优", "轻度污染"], "category_en": ["Excellent", "Light"],
                          "colour": ["#00e400", "#ff7e00"]})
    for lang in ("zh", "en"):
        spec = air_charts.calendar(daily, year=2019, month=1, lang=lang)
        table, caption = air_charts.calendar_table(daily, year=2019, month=1, lang=lang)
        assert_frame_equal(table, spec.table)
        assert caption == spec.caption
    assert caption == ("2 of 31 days have a valid AQI; Excellent 1, Light 1 (days). Colours "
                       "are the HJ 633 AQI categories.")
    monthly = pd.DataFrame({"month": [1, 2, 3], "pm25": [50.0, None, 30.0]})
    spec = air_charts.trend(monthly, "pm25", limits={"GB 3095-2012": 35}, lang="en")
    table, caption = air_charts.trend_table(monthly, "pm25", limits={"GB 3095-2012": 35},
                                            lang="en")
    assert_frame_equal(table, spec.table)
    assert caption == spec.caption == "Monthly PM₂.₅; reference lines: GB 3095-2012 35."
    square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": c, "name": c},
         "geometry": {"type": "Polygon", "coordinates": square}} for c in ("A", "B", "C")]}
    vals = pd.DataFrame({"code": ["A", "B"], "value": [3.0, None], "label": ["3", "—"]})
    # 3 cities on the map, 1 with a value
    assert city_map_caption(geo, vals, "pm25", lang="zh", limit=("二级", 35)) == \
        city_map(geo, vals, "pm25", lang="zh", limit=("二级", 35)).caption == \
        "PM₂.₅分布图：3 个城市中 1 个有数据，绿色低于、红色高于二级 35。"


def test_compare_and_station_charts_are_images(web_client):
    html = web_client.get("/compare?level=city&codes=370100,370200&pollutant=pm25"
                          "&period=2019-02&lang=zh").text
    src, alt = _imgs(html)["compare-chart"]
    assert src == ("/chart/compare.svg?level=city&codes=370100%2C370200&pollutant=pm25"
                   "&period=2019-02&lang=zh")
    assert alt == "济南市、青岛市的逐日PM₂.₅。"
    r = web_client.get(src)
    assert r.status_code == 200 and r.text.lstrip().startswith("<svg")
    # one place is no comparison: nothing to draw
    assert web_client.get("/chart/compare.svg?codes=370100&period=2019-02").status_code == 404
