"""Issue 14 (5): the water page's map (cities by I–III share, sections by class colour)."""

from __future__ import annotations

import re

import pandas as pd

GEO = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": "370100", "name": "济南"},
     "geometry": {"type": "Polygon", "coordinates": [[[116, 36], [117.5, 36], [117.5, 37.5],
                                                      [116, 37.5], [116, 36]]]}}]}


def test_sections_take_the_colour_of_their_class():
    from qingshan.charts import city_map
    from qingshan.water.pages import CLASS_COLOURS
    from qingshan.water.report_terms import water_class
    cats = [{"label": water_class(k, "zh"), "colour": c} for k, c in CLASS_COLOURS.items()]
    pts = pd.DataFrame({"code": ["S1", "S2"], "name": ["甲", "乙"], "lon": [116.5, 117.0],
                        "lat": [36.5, 37.0], "category": [water_class(3, "zh"),
                                                          water_class(6, "zh")]})
    spec = city_map(GEO, pd.DataFrame({"code": ["370100"], "value": [62.5], "label": ["62.5%"]}),
                    "excellent_pct", points=pts, point_categories=cats)
    layer = spec["layer"][-1]
    scale = dict(zip(layer["encoding"]["color"]["scale"]["domain"],
                     layer["encoding"]["color"]["scale"]["range"]))
    # 环办〔2011〕22号 Table 1: III 绿色, 劣V 红色
    assert scale[water_class(3, "zh")] == "#2FA84F" and scale[water_class(6, "zh")] == "#E0342B"
    assert [r["category"] for r in layer["data"]["values"]] == [water_class(3, "zh"),
                                                                water_class(6, "zh")]


def test_water_page_has_a_map_of_the_cities(water_client):
    html = water_client.get("/water?period=2019&lang=zh").text
    assert 'id="water-map"' in html
    cities = water_client.get("/api/v1/water/assessment",
                              params={"period": "2019", "level": "city"}).json()["items"]
    with_data = sum(1 for c in cities if c["excellent_pct"] is not None)
    cap = re.search(r'id="water-map".*?<figcaption[^>]*>([^<]*)', html, flags=re.S).group(1)
    assert f"16 个城市中 {with_data} 个有数据" in cap
