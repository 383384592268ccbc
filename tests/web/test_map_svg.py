"""Issue 14: the overview's map drawn as SVG directly (``qingshan.charts.mapsvg``, no vl-convert):
the same Mercator fit, fill colours, links, names, markers and legend as the Vega-Lite map of
``qingshan.charts.city_map`` (which the PDF reports keep)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from qingshan.charts import city_map, render_svg
from qingshan.charts.mapsvg import fit_mercator, map_svg

SVG, XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}href"
# three 1° squares side by side: lon 116–117, 117–118, 118–119, lat 36–37
GEO = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": c, "name_zh": n, "name_en": n},
     "geometry": {"type": "Polygon", "coordinates": [[[x, 36], [x + 1, 36], [x + 1, 37],
                                                       [x, 37], [x, 36]]]}}
    for x, c, n in [(116, "A", "A&B <市>"), (117, "B", "乙"), (118, "C", "丙")]]}
LINK = "http://h/city/{code}?x=1&y=2"
STATIONS = pd.DataFrame({"code": ["s1"], "name": ["站 <1> & 2"], "lon": [117.5],
                         "lat": [36.2], "href": ["http://h/station/s1?a=1&b=2"]})


def _parts(svg: str) -> dict:
    """Parse the SVG (it must be XML): city shapes (name, link, fill, path), labels, stations."""
    root = ET.fromstring(svg)
    cities, stations = {}, {}
    for path in root.iter(f"{SVG}path"):
        tip = path.find(f"{SVG}title").text
        cities[tip.splitlines()[0].split(": ", 1)[1]] = {"fill": path.get("fill"),
                                                         "d": path.get("d"), "tip": tip}
    for a in root.iter(f"{SVG}a"):
        for path in a.iter(f"{SVG}path"):
            cities[path.find(f"{SVG}title").text.splitlines()[0].split(": ", 1)[1]][
                "href"] = a.get(XLINK)
        for dot in a.iter(f"{SVG}circle"):
            stations[dot.find(f"{SVG}title").text] = (a.get(XLINK), float(dot.get("cx")),
                                                      float(dot.get("cy")))
    labels = {t.text: (float(t.get("x")), float(t.get("y"))) for t in root.iter(f"{SVG}text")
              if t.get("fill") in ("#222222", "#ffffff")}
    inks = {t.text: t.get("fill") for t in root.iter(f"{SVG}text")
            if t.get("fill") in ("#222222", "#ffffff")}
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("x") == "18"]
    return {"root": root, "cities": cities, "stations": stations, "labels": labels,
            "inks": inks, "legend": legend}


def _map(values: dict, **kw) -> tuple[str, object]:
    vals = pd.DataFrame({"code": list(values), "value": list(values.values()),
                         "label": ["—" if v is None else f"{v:g}" for v in values.values()]})
    spec = city_map(GEO, vals, "composite_index", "zh", link_template=LINK, points=STATIONS, **kw)
    return map_svg(spec), spec


def test_orangered_ramp_colours_derived_by_hand():
    # Vega's scheme "orangered" (vega-scale palettes) is 11 colours, interpolated piecewise in
    # RGB over 10 equal pieces of [0, 1]: fddcaf fdcf9b fdc18a fdad77 fb9562 f67d53 ee6545
    # e24932 d32d1e bf130d a70403. The domain is the extent of the values, here [2, 12]:
    # A = 2 → t 0 → #fddcaf = rgb(253, 220, 175); B = 4 → t 0.2 → piece 2 at 0 → #fdc18a =
    # rgb(253, 193, 138); C = 12 → t 1 → #a70403 = rgb(167, 4, 3)
    parts = _parts(_map({"A": 2.0, "B": 4.0, "C": 12.0})[0])
    fills = {n: c["fill"] for n, c in parts["cities"].items()}
    assert fills == {"A&B <市>": "rgb(253, 220, 175)", "乙": "rgb(253, 193, 138)",
                     "丙": "rgb(167, 4, 3)"}
    # B = 2.5 → t 0.05 → halfway between fddcaf and fdcf9b: (253, (220+207)/2 = 213.5 → 214
    # (rounded half up, as Math.round), (175+155)/2 = 165)
    fills = {n: c["fill"] for n, c in _parts(_map({"A": 2.0, "B": 2.5, "C": 12.0})[0])
             ["cities"].items()}
    assert fills["乙"] == "rgb(253, 214, 165)"
    # legend: d3 ticks(2, 12, 5): step 2 → 2, 4, …, 12 (no decimals)
    assert parts["legend"] == ["2", "4", "6", "8", "10", "12"]


def test_names_read_on_dark_fills():
    """Issue 13: the city names were #222222 on every fill, unreadable on the darkest reds. A
    name takes the ink of higher WCAG 2.1 contrast with its fill. By hand: #a70403 = rgb(167,
    4, 3) linearises to (0.3864, 0.0012, 0.0009): L = 0.0831, contrast with white 1.05 / 0.1331
    = 7.9, with #222222 (L 0.0159) 0.1331 / 0.0659 = 2.0 → white. #fddcaf (L 0.7581): white
    1.05 / 0.8081 = 1.3, dark 0.8081 / 0.0659 = 12.3 → dark. The no-data grey #e6e6e6: dark."""
    from qingshan.charts.mapsvg import label_ink

    assert label_ink("rgb(167, 4, 3)") == "#ffffff"
    assert label_ink("#fddcaf") == "#222222"
    assert label_ink("#7E0023") == "#ffffff"          # HJ 633 严重污染
    assert label_ink("#FF7E00") == "#222222"          # HJ 633 轻度污染
    svg, spec = _map({"A": 2.0, "B": 4.0, "C": None})
    assert _parts(svg)["inks"] == {"A&B <市>": "#222222", "乙": "#ffffff", "丙": "#222222"}
    # the bulletin's picture of the same spec (vl-convert) has the same inks
    ref = render_svg(spec)
    assert re.search(r'fill="#ffffff">乙<', ref) and re.search(r'fill="#222222">丙<', ref)


def test_higher_is_better_reverses_the_ramp():
    # reverse: the scheme read from 1 to 0: A = 2 → #a70403, B = 4 → t 0.2 → 0.8 → piece 8 at 0
    # → #d32d1e = rgb(211, 45, 30), C = 12 → #fddcaf
    parts = _parts(_map({"A": 2.0, "B": 4.0, "C": 12.0}, higher_is_better=True)[0])
    assert {n: c["fill"] for n, c in parts["cities"].items()} == {
        "A&B <市>": "rgb(167, 4, 3)", "乙": "rgb(211, 45, 30)", "丙": "rgb(253, 220, 175)"}


def test_limit_anchored_scale_and_no_data_grey():
    # domain [0, 35, 70] on #1a9850 → #ffffbf → #d73027, clamped: 0 is the green end
    # rgb(26, 152, 80), 100 (above 2 × 35) the red end rgb(215, 48, 39); C has no value: the
    # no-data grey #e6e6e6, its name in its title, no link (Vega draws it only in the grey layer)
    svg, _ = _map({"A": 0.0, "B": 100.0, "C": None}, limit=("二级", 35))
    cities = _parts(svg)["cities"]
    assert cities["A&B <市>"]["fill"] == "rgb(26, 152, 80)"
    assert cities["乙"]["fill"] == "rgb(215, 48, 39)"
    assert cities["丙"]["fill"] == "#e6e6e6" and "href" not in cities["丙"]
    assert cities["丙"]["tip"] == "城市: 丙"
    # the legend's values 0, 35, 70 with cmap's labels (the limit marked, ≥ twice the limit)
    assert _parts(svg)["legend"] == ["0", "35 ◀", "≥ 70"]


def test_aqi_categories():
    from qingshan.air.pages import _map_scale
    # HJ 633-2012 Table 2 / Appendix A: 0–50 优 #00E400, 51–100 良 #FFFF00, 151–200 中度污染
    # #FF0000 (a value belongs to the band whose upper bound it does not exceed)
    svg, _ = _map({"A": 50.0, "B": 51.0, "C": 151.0}, **_map_scale("aqi_day", 2019, "zh"))
    cities = _parts(svg)["cities"]
    assert [cities[n]["fill"].lower() for n in ("A&B <市>", "乙", "丙")] == [
        "#00e400", "#ffff00", "#ff0000"]
    assert all(w in svg for w in ("优", "良", "轻度污染", "严重污染"))   # legend: every level


def test_links_names_escaped_and_mercator_projection():
    svg, spec = _map({"A": 1.0, "B": 2.0, "C": 3.0})
    parts = _parts(svg)
    # every city polygon links its page (template formatted, & escaped in the XML text)
    assert {n: c["href"] for n, c in parts["cities"].items()} == {
        "A&B <市>": "http://h/city/A?x=1&y=2", "乙": "http://h/city/B?x=1&y=2",
        "丙": "http://h/city/C?x=1&y=2"}
    assert 'xlink:href="http://h/city/A?x=1&amp;y=2"' in svg
    assert ">A&amp;B &lt;市&gt;<" in svg and "A&B <市>" not in svg
    assert parts["stations"]["监测点: 站 <1> & 2\ncode: s1"][0] == "http://h/station/s1?a=1&b=2"
    assert "站 &lt;1&gt; &amp; 2" in svg
    # d3 geoMercator fitted to 520 × 400: x = k·λ + tx, y = ty − k·ln tan(π/4 + φ/2). The
    # extent is lon 116–119 (3° = 0.05236 rad) by lat 36–37 (y 0.67434 to 0.69599): the width
    # limits, k = 520 / rad(3°); lon 116 → x 0, lon 119 → x 520; the height k·Δy is centred
    k = 520 / math.radians(3)
    merc = [math.log(math.tan(math.pi / 4 + math.radians(p) / 2)) for p in (36, 37)]
    top = (400 - k * (merc[1] - merc[0])) / 2
    m = re.match(r"M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)", parts["cities"]["A&B <市>"]["d"])
    # A's ring is re-wound clockwise (d3): (116, 36) first, then (116, 37)
    assert [float(v) for v in m.groups()] == pytest.approx(
        [0, top + k * (merc[1] - merc[0]), 0, top], abs=0.006)
    assert fit_mercator([116, 119], [36, 37], 520, 400) == pytest.approx(
        (k, -k * math.radians(117.5) + 260, top + k * merc[1]))
    # the station at (117.5, 36.2) and the label of 乙 at its centroid (117.5, 36.5);
    # the label's y is 0.3 em (3 px) below the anchor (Vega-Lite's text baseline "middle")
    def y(lat):
        return top + k * (merc[1] - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))
    assert parts["stations"]["监测点: 站 <1> & 2\ncode: s1"][1:] == pytest.approx(
        (260, y(36.2)), abs=0.006)
    assert parts["labels"]["乙"] == pytest.approx((260, y(36.5) + 3), abs=0.006)
    assert parts["root"].get("aria-label") == spec.caption


def test_same_map_as_vl_convert_for_the_province():
    """The Shandong map of the route's kind: every linked city's fill, the first point of its
    outline, every label and marker where vl-convert (Vega) draws them."""
    from qingshan.config import load_province
    from qingshan.web.geo import load_geo
    prov = load_province("shandong")
    geo = load_geo(prov)
    codes = [c.code for c in prov.cities]
    vals = pd.DataFrame({"code": codes[:-2], "value": [3.0 + 0.37 * i for i in range(14)],
                         "label": [str(i) for i in range(14)]})
    pts = STATIONS.assign(lon=[120.4], lat=[36.1])
    for kw in ({}, {"limit": ("二级", 5)}, {"higher_is_better": True}):
        spec = city_map(geo, vals, "composite_index", "en", link_template=LINK, points=pts, **kw)
        ref, mine = render_svg(spec), map_svg(spec)
        shapes = r'<a xlink:href="([^"]+)"><path [^>]*?d="M([\d.]+),([\d.]+)[^"]*" fill="([^"]+)"'
        got = re.findall(shapes, mine)
        want = re.findall(shapes.replace("<path ", '<path [^>]*"geoshape"'), ref)
        assert len(got) == 14 and [g[::3] for g in got] == [w[::3] for w in want]
        assert [float(v) for g in got for v in g[1:3]] == pytest.approx(
            [float(v) for w in want for v in w[1:3]], abs=0.006)
        # every name where Vega draws it, in the same ink (one text layer per ink there)
        ref_text = sorted(re.findall(r'translate\(([\d.]+),([\d.]+)\)"[^>]*fill="(#222222|'
                                     r'#ffffff)">([^<]+)<', ref), key=lambda t: t[3])
        inks = _parts(mine)["inks"]
        my_text = sorted([(x, y, inks[n], n) for n, (x, y) in _parts(mine)["labels"].items()],
                         key=lambda t: t[3])
        assert len(my_text) == 16
        assert [t[2:] for t in my_text] == [t[2:] for t in ref_text]
        assert [float(v) for t in my_text for v in t[:2]] == pytest.approx(
            [float(v) for t in ref_text for v in t[:2]], abs=0.006)
        dot = re.search(r'"circle" transform="translate\(([\d.]+),([\d.]+)\)', ref).groups()
        assert list(_parts(mine)["stations"].values())[0][1:] == pytest.approx(
            [float(v) for v in dot], abs=0.006)


def test_overview_map_route_serves_the_direct_svg(web_client):
    r = web_client.get("/chart/map.svg?period=2019-03&indicator=aqi_day&lang=en")
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert "role-mark" not in r.text                     # not Vega's output
    root = ET.fromstring(r.text)
    hrefs = [a.get(XLINK) for a in root.iter(f"{SVG}a")]
    # links relative to the site root (no public base URL configured), placeholder replaced
    assert "qingshan.invalid" not in r.text
    assert any(h.startswith("/city/370100?") and "period=2019-03" in h for h in hrefs)
    assert any(h.startswith("/station/") for h in hrefs)
    assert "Jinan" in r.text and root.get("aria-label").startswith("Map of")
