"""Issue 14 (5): comparison page, search, station markers on the province map."""

from __future__ import annotations

import re

import pytest


def _cells(html: str, table_id: str) -> list[list[str]]:
    part = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", part, flags=re.S)]


def test_compare_three_cities_daily_pm25(web_client):
    codes = ["370100", "370200", "370300"]
    r = web_client.get("/compare", params={"level": "city", "codes": ",".join(codes),
                                           "pollutant": "pm25", "period": "2019-03",
                                           "lang": "zh"})
    assert r.status_code == 200
    rows = _cells(r.text, "compare-chart-table")
    assert rows[0] == ["日期", "济南市", "青岛市", "淄博市"]
    assert len(rows) == 1 + 31                       # March: 31 natural days
    # each column is the city's daily PM2.5 as the API gives it (the same service)
    for i, code in enumerate(codes, 1):
        api = web_client.get("/api/v1/aqi/daily", params={
            "level": "city", "code": code, "start": "2019-03-01", "end": "2019-03-31"}).json()
        want = ["—" if d["pm25"] is None else f"{d['pm25']:g}" for d in api["items"]]
        assert [row[i] for row in rows[1:]] == want, code


@pytest.mark.parametrize("codes,status,marker", [
    ("370100,370200,370300,370400,370500,370600,370700", 422, None),   # 7 > 6 places
    ("370100", 200, 'id="compare-choose"'),                            # one place: choose more
    ("370100,379999", 404, None),                                      # unknown city
])
def test_compare_limits(web_client, codes, status, marker):
    r = web_client.get("/compare", params={"codes": codes, "period": "2019-03", "lang": "en"})
    assert r.status_code == status
    if marker:
        assert marker in r.text


def test_search_finds_cities_and_stations(web_client):
    html = web_client.get("/search", params={"q": "济南", "lang": "zh"}).text
    assert 'href="/city/370100?lang=zh"' in html
    assert re.search(r'href="/station/\w+\?lang=zh"', html)
    html = web_client.get("/search", params={"q": "1299a", "lang": "en"}).text  # any case
    assert 'href="/station/1299A?lang=en"' in html
    assert 'id="search-none"' in web_client.get("/search", params={"q": "no such place"}).text


def test_station_markers_on_the_map(web_client):
    html = web_client.get("/?period=2019-03&lang=zh").text
    fig = html.split('id="map"', 1)[1].split("</figure>", 1)[0]
    # the page loads the map from its chart route (an image; static/charts.js inlines it)
    src = re.search(r'<img class="chart-img" src="([^"]+)"', fig).group(1).replace("&amp;", "&")
    svg = web_client.get(src).text
    # every evaluation station with coordinates is a marker linking to its page
    st = web_client.get("/api/v1/stations", params={"limit": 1000}).json()["items"]
    with_coords = {s["code"] for s in st if s["lon"] is not None and s["lat"] is not None}
    linked = set(re.findall(r'href="/station/([^"?]+)\?lang=zh"', svg))
    assert with_coords and linked == with_coords
