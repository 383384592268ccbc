"""Issue 14 (2): HJ 633 colours and limit-anchored scales on the map; empty and out-of-range
periods say so in the page's language; error pages in the page's language."""

from __future__ import annotations

import pandas as pd
import pytest

GEO = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": c, "name": c},
     "geometry": {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1],
                                                       [x, 0]]]}}
    for x, c in enumerate(["A", "B", "C", "D"])]}


def test_aqi_map_uses_the_hj633_categories():
    from qingshan.air.pages import _map_scale
    from qingshan.charts import city_map
    # HJ 633-2012 Table 2 / Appendix A: 0–50 优 green #00E400, 51–100 良 yellow #FFFF00,
    # 101–150 轻度污染 orange #FF7E00, 151–200 中度污染 red #FF0000
    vals = pd.DataFrame({"code": ["A", "B", "C", "D"], "value": [50, 80, 130, 151],
                         "label": ["50", "80", "130", "151"]})
    spec = city_map(GEO, vals, "aqi", lang="zh", **_map_scale("aqi_day", 2019, "zh"))
    cats = {f["properties"]["code"]: f["properties"]["category"]
            for f in spec["datasets"]["features"]}
    assert cats == {"A": "优", "B": "良", "C": "轻度污染", "D": "中度污染"}
    colour = spec["layer"][1]["encoding"]["color"]
    scale = dict(zip(colour["scale"]["domain"], colour["scale"]["range"]))
    assert scale["良"] == "#FFFF00" and scale["轻度污染"] == "#FF7E00"
    assert scale["严重污染"] == "#7E0023"


def test_pm25_map_is_anchored_at_the_grade_ii_limit():
    from qingshan.air.pages import _map_scale
    from qingshan.charts import city_map
    vals = pd.DataFrame({"code": ["A", "B"], "value": [30, 80], "label": ["30", "80"]})
    spec = city_map(GEO, vals, "pm25", lang="en", **_map_scale("pm25", 2019, "en"))
    colour = spec["layer"][1]["encoding"]["color"]
    # GB 3095-2012 Table 1 grade II annual PM2.5 limit 35 µg/m³: green 0, pale at 35, red ≥ 70,
    # so 30 (below the limit) is on the green side, never the darkest red
    assert colour["scale"]["domain"] == [0, 35, 70]
    assert colour["scale"]["range"][0] == "#1a9850" and colour["scale"].get("clamp")
    assert colour["legend"]["values"] == [0, 35, 70]
    assert "35" in " ".join(colour["title"]) and "grade II" in " ".join(colour["title"])


@pytest.mark.parametrize("url,lang,words", [
    ("/?period=2023", "zh", ["2023年没有数据", "2019-03-31"]),
    ("/?period=2023", "en", ["No data for 2023"]),
    ("/city/370100?year=1999", "zh", ["1999年没有数据"]),
    ("/city/370100?year=1999", "en", ["No data for 1999"]),
])
def test_periods_without_data_say_so(web_client, url, lang, words):
    r = web_client.get(f"{url}&lang={lang}")
    assert r.status_code == 404
    for w in words:
        assert w in r.text
    assert "NaN" not in r.text and "<svg" not in r.text


def test_error_pages_speak_the_page_language(web_client):
    r = web_client.get("/?period=2019-H3&lang=zh")
    assert r.status_code == 422
    h1 = r.text.split("<h1>")[1].split("</h1>")[0]
    assert "invalid_parameter" not in h1 and "bad_request" not in h1
    assert "参数 period 的值无效" in r.text          # the explanation, in Chinese
    assert 'id="error-detail"' in r.text             # the API's own message, folded away
    r = web_client.get("/data?offset=x&lang=zh")
    assert "参数 offset 的值无效" in r.text
