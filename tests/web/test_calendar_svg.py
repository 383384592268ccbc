"""Issue 14, session 6: the city calendar drawn as SVG directly (no vl-convert) — the same cells,
colours, texts and legend as the Vega-Lite calendar of the PDF bulletins."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from qingshan.air import charts as air_charts
from qingshan.air.charts.calendar import calendar_layout
from qingshan.charts import calendar_svg
from qingshan.charts.common import MONTHS, WEEKDAYS

# three days of 2019: AQI 40 (优, HJ 633 Table A.1 green #00e400), 120 (轻度污染, orange
# #ff7e00), 160 (中度污染, red #ff0000: AQI > 150, white text)
DAILY = pd.DataFrame({"date": [date(2019, 1, 1), date(2019, 1, 2), date(2019, 3, 4)],
                      "aqi": [40.0, 120.0, 160.0],
                      "category": ["优", "轻度污染", "中度污染"],
                      "category_en": ["Excellent", "Light", "Moderate"],
                      "colour": ["#00e400", "#ff7e00", "#ff0000"]})
CELL = re.compile(r'<title>([^<]*)</title><rect x="(\d+)" y="(\d+)" width="22" height="22" '
                  r'fill="([^"]+)"')


def _svg(lang: str) -> str:
    frame = calendar_layout(DAILY, 2019, None, lang)
    return calendar_svg(frame, MONTHS[lang], WEEKDAYS[lang], lang, "caption & more")


def test_cells_colours_and_texts():
    svg = _svg("zh")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="caption &amp; more"' in svg
    cells = CELL.findall(svg)
    assert len(cells) == 365                 # every day of 2019, one cell each
    by_day = {tip.split(",")[0]: (int(x), int(y), fill) for tip, x, y, fill in cells}
    # 2019-01-01 is a Tuesday: column 1 (x = 1 × 22), first week row (y = 38, below the
    # month and weekday labels); 2019-01-02 a Wednesday (x = 44)
    assert by_day["2019-01-01"] == (22, 38, "#00e400")
    assert by_day["2019-01-02"] == (44, 38, "#ff7e00")
    # 2019-03-01 is a Friday, so Monday 2019-03-04 is in the second row (y = 38 + 22)
    assert by_day["2019-03-04"] == (0, 60, "#ff0000")
    # the other 362 days have no data: the grey of the Vega-Lite chart
    assert sum(1 for v in by_day.values() if v[2] == "#e6e6e6") == 362
    # the AQI texts: dark on green/orange, white above 150
    texts = re.findall(r'font-size="9" fill="([^"]+)">(\d+)</text>', svg)
    assert texts == [("#222222", "40"), ("#222222", "120"), ("white", "160")]
    # legend: categories in AQI order, then 无数据 (a day lacks data)
    legend = re.findall(r'fill="([^"]+)"/><text x="[\d.]+" y="\d+" font-size="11">([^<]+)<',
                        svg)
    assert legend == [("#00e400", "优"), ("#ff7e00", "轻度污染"), ("#ff0000", "中度污染"),
                      ("#e6e6e6", "无数据")]
    assert svg.count("font-weight=\"bold\">1月</text>") == 1


def test_same_cells_as_the_vega_lite_calendar():
    for lang in ("zh", "en"):
        spec = air_charts.calendar(DAILY, year=2019, lang=lang)
        data = pd.DataFrame(spec["datasets"][next(iter(spec["datasets"]))]) \
            if "datasets" in spec else pd.DataFrame(spec["data"]["values"])
        fills = {tip.split(",")[0]: fill for tip, _, _, fill in CELL.findall(_svg(lang))}
        assert fills == dict(zip(data["date"], data["colour"]))
    assert "Excellent" in _svg("en") and "No data" in _svg("en")


def test_city_calendar_route_serves_the_direct_svg(web_client):
    r = web_client.get("/chart/city/370100/calendar.svg?year=2019&lang=en")
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert r.text.startswith("<svg") and "role-axis" not in r.text   # not Vega's output
    assert len(CELL.findall(r.text)) == 365
    # its caption, in en: the test store's data end on 2019-03-31, so the days counted are
    # January–March (31 + 28 + 31 = 90), not the 365 of a year that has 275 days without data
    assert "To 2019-03-31: " in r.text and " of 90 days have a valid AQI" in r.text


def test_vectorised_layout_and_table_equal_air_charts():
    # the three days above, no days at all, and a day whose AQI is missing (category known)
    from qingshan.web.citycharts import calendar_table, year_layout
    gap = DAILY.assign(aqi=[40.0, None, 160.0])
    for daily in (DAILY, DAILY.iloc[:0], gap):
        for lang in ("zh", "en"):
            pd.testing.assert_frame_equal(year_layout(daily, 2019, lang),
                                          calendar_layout(daily, 2019, None, lang))
            table, caption = calendar_table(daily, 2019, lang)
            # the page's daily rows end at the store's last day: its caption is "to" that day
            last = max(daily["date"]) if len(daily) else None
            ref_table, ref_caption = air_charts.calendar_table(daily, year=2019, lang=lang,
                                                               through=last)
            pd.testing.assert_frame_equal(table, ref_table)
            assert caption == ref_caption
    # 2020 is a leap year: 366 cells
    assert len(year_layout(DAILY.iloc[:0], 2020, "zh")) == 366
