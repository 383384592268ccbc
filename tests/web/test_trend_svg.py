"""Issue 14, session 6: the city page's monthly trends drawn as SVG directly (no vl-convert):
the values, months, reference lines and colours of ``air.charts.trend``."""

from __future__ import annotations

import re

import pandas as pd

from qingshan.charts.linesvg import nice_ticks
from qingshan.web.citycharts import trend_chart


def test_nice_ticks_follow_the_d3_rule():
    # 89: nice domain by tenths of the range (step 10) -> 90; ~6 ticks: 90/6 = 15 -> 20
    assert nice_ticks(89) == (90.0, [0.0, 20.0, 40.0, 60.0, 80.0], 0)
    # 4 mg/m³ (CO): 4/6 = 0.67 -> step 0.5, labels with one decimal
    top, ticks, dec = nice_ticks(4.0)
    assert top == 4.0 and ticks[:3] == [0.0, 0.5, 1.0] and ticks[-1] == 4.0 and dec == 1


def test_points_lines_and_reference_line():
    # January 50, February without a value, March 30; GB 3095 grade II 35 (annual PM2.5)
    monthly = pd.DataFrame({"month": [1, 2, 3], "pm25": [50.0, None, 30.0]})
    svg = trend_chart(monthly, "pm25", {"GB 3095-2012": 35.0}, "en")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    # the caption of air.charts.trend_table is the accessible name
    assert 'aria-label="Monthly PM₂.₅; reference lines: GB 3095-2012 35."' in svg
    # axis 0…50 (nice of 50 is 50), plot 240 px high from y = 10: value v at 10 + 240 (1 - v/50)
    # -> 50 at 10.0, 30 at 106.0; three months in 520 px: centres 60 + (i + 0.5) × 173.3
    pts = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="3"', svg)
    assert pts == [("146.7", "10.0"), ("493.3", "106.0")]
    # February has no value: no point, and the line does not join January to March
    assert "<polyline" not in svg
    # the reference line at 35: 10 + 240 × 0.3 = 82, dashed, the first rule colour
    assert re.search(r'y1="82.0" y2="82.0" stroke="#b2182b" stroke-width="1.5" '
                     r'stroke-dasharray="6,3"', svg)
    assert [m for m in ("Jan", "Feb", "Mar") if f">{m}</text>" in svg] == ["Jan", "Feb", "Mar"]


def test_city_trend_route_serves_the_direct_svg(web_client):
    r = web_client.get("/chart/city/370100/trend-pm25.svg?year=2019&lang=zh")
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert r.text.startswith("<svg") and "role-axis" not in r.text   # not Vega's output
    # the Q1 2019 store: January, February, March — one point each
    assert len(re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="3"', r.text)) == 3
    assert "逐月变化" in r.text                                       # its caption, in zh


def test_page_tables_equal_trend_table():
    # a city's months (one row each; April without PM2.5, May not stored) and an empty series:
    # the page's tables and captions are air.charts.trend_table's
    from qingshan.air import charts as air_charts
    from qingshan.web.citycharts import trend_tables
    monthly = pd.DataFrame({"code": "370100", "month": [1, 2, 3, 4, 6],
                            "pm25": [80.0, 60.0, 41.0, None, 30.0],
                            "co_p95": [1.9, 1.6, 1.0, 0.9, 0.8]})
    limits = {"pm25": {"GB 3095-2012 二级": 35.0, "WHO AQG 2021准则值": 5.0},
              "co_p95": {"GB 3095-2012 二级": 4.0}}
    for frame in (monthly, monthly.iloc[:0]):
        for lang in ("zh", "en"):
            got = trend_tables(frame, ["pm25", "co_p95"], limits, lang)
            for stat in ("pm25", "co_p95"):
                table, caption = air_charts.trend_table(frame, stat, limits=limits[stat],
                                                        lang=lang)
                pd.testing.assert_frame_equal(got[stat][0], table)
                assert got[stat][1] == caption
