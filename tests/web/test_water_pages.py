"""The water page, the overview's water card and the city page's water block, in process.

On the tiny hand-worked store every figure is checked against its derivation; on the store
with the water demo the pages must show what the JSON API returns.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api._water import WATER_YEAR, tiny_water_store


@pytest.fixture(scope="module")
def tiny_client(tmp_path_factory):
    from qingshan.api import create_app
    app = create_app(tiny_water_store(tmp_path_factory.mktemp("tiny_web")), "shandong")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.store.close()


def _cards(html: str, block: str = "water-summary") -> dict[str, str]:
    part = html.split(f'id="{block}"', 1)[1].split("</div>\n</div>", 1)[0]
    return dict(re.findall(r'data-key="(\w+)">([^<]*)<', part))


def _rows(html: str, table: str) -> dict[str, list[str]]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for code, tr in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', body, re.S):
        rows[code] = [re.sub(r"<[^>]+>", "", c).strip()
                      for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
    return rows


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headline_of_the_hand_worked_store(tiny_client, lang):
    r = tiny_client.get(f"/water?lang={lang}")  # default: the latest year with samples, 2021
    assert r.status_code == 200
    assert "2021" in r.text.split('id="water-title"', 1)[1].split("</h1>", 1)[0]
    # 8 of 12 sections in I–III = 66.7 %, 1 of 12 劣V = 8.3 % → 轻度污染 (2011 method §2.4);
    # coastal: P1, P3 of 4 points excellent = 50 %; by area (100+50)/(100+300+50) = 33.3 %
    assert _cards(r.text) == {
        "n_sections": "12", "excellent_pct": "66.7", "inferior_v_pct": "8.3",
        "grade": "轻度污染" if lang == "zh" else "slightly polluted",
        "coastal_excellent_pct_count": "50.0", "coastal_excellent_pct_area": "33.3"}
    cities = _rows(r.text, "water-cities")
    # 济南: 7 of 10 = 70 %, 1 劣V = 10 %; NH3-N above III in 3 of 10 sections, TP in 2
    assert cities["370100"][:4] == ["济南市" if lang == "zh" else "Jinan", "10", "70.0", "10.0"]
    assert cities["370100"][5] == ("氨氮(30.0%),总磷(20.0%)" if lang == "zh" else
                                   "ammonia nitrogen (30.0%), total phosphorus (20.0%)")
    assert cities["370200"][6] == "50.0"  # 青岛 drinking sources: Q01 yes, Q02 (IV) no
    sections = _rows(r.text, "water-sections")
    assert [sections[c][4] for c in ("J01", "J03", "J06", "J08", "J09")] == \
        ["I", "II", "III", "IV", "V"]
    assert sections["J10"][4] == ("劣V" if lang == "zh" else "worse than V")
    points = _rows(r.text, "coastal-points")
    assert points["P4"][4] == ("劣四类" if lang == "zh" else "worse than IV")
    assert points["P2"][4] == ("三类" if lang == "zh" else "III")


def test_a_month_and_bad_periods(tiny_client):
    r = tiny_client.get("/water?period=2021-08&lang=en")  # only P3 sampled (DIN 0.22 → II)
    assert r.status_code == 200
    assert _rows(r.text, "coastal-points")["P3"][4] == "II"
    assert _cards(r.text)["n_sections"] == "—"
    for bad in ("2021-Q5", "2021-13", "x", "2999", "2021-H3", "2021-07..2021-02"):
        r = tiny_client.get(f"/water?period={bad}&lang=en")
        assert r.status_code == 422 and 'id="error-message"' in r.text


def test_half_year_quarter_and_run_of_months(tiny_client):
    # every section is sampled once, on 2021-06-15: H1 2021 and the run 2021-05..2021-07 show
    # the year's figures (8 of 12 in I–III = 66.7 %, 1 劣V = 8.3 %)
    for period in ("2021-H1", "2021-05..2021-07"):
        r = tiny_client.get(f"/water?period={period}&lang=en")
        assert r.status_code == 200
        assert period in r.text.split('id="water-title"', 1)[1].split("</h1>", 1)[0]
        cards = _cards(r.text)
        assert (cards["n_sections"], cards["excellent_pct"]) == ("12", "66.7"), period
    # a quarter needs two samplings per section (§2.2 [M]): none in 2021-Q2
    r = tiny_client.get("/water?period=2021-Q2&lang=en")
    assert r.status_code == 200 and _cards(r.text)["n_sections"] == "—"
    # the selector offers the year, its half-years and quarters with samples, then months
    sel = r.text.split('id="water-period"', 1)[1].split("</select>", 1)[0]
    opts = re.findall(r'<option value="([^"]+)"', sel)
    assert opts == ["2021", "2021-H2", "2021-H1", "2021-Q3", "2021-Q2", "2021-08", "2021-06",
                    "2021-05"]


def test_store_without_water(web_client):
    r = web_client.get("/water?lang=en")
    assert r.status_code == 200 and 'id="water-none"' in r.text
    assert 'id="water-card"' not in web_client.get("/?period=2019-03").text


@pytest.mark.slow
def test_pages_show_what_the_api_returns(water_client):
    y = str(WATER_YEAR)
    api = water_client.get("/api/v1/water/assessment",
                           params={"period": y, "level": "province"}).json()["items"][0]
    coast = water_client.get("/api/v1/water/coastal",
                             params={"period": y, "level": "province"}).json()["items"][0]
    r = water_client.get(f"/water?period={y}&lang=zh")
    cards = _cards(r.text)
    assert cards["excellent_pct"] == f"{api['excellent_pct']:.1f}"
    assert cards["inferior_v_pct"] == f"{api['inferior_v_pct']:.1f}"
    assert cards["grade"] == api["grade"]
    assert cards["coastal_excellent_pct_count"] == f"{coast['excellent_pct_count']:.1f}"
    cities = water_client.get("/api/v1/water/assessment",
                              params={"period": y, "level": "city"}).json()["items"]
    rows = _rows(r.text, "water-cities")
    assert set(rows) == {c["code"] for c in cities}
    for c in cities:
        assert rows[c["code"]][2] == f"{c['excellent_pct']:.1f}"
        assert rows[c["code"]][7] == (c["change"] or "—")
    sections = water_client.get("/api/v1/water/assessment",
                                params={"period": y, "level": "section"}).json()
    assert len(_rows(r.text, "water-sections")) == sections["total"]
    # the overview card (air period in the same year) and the city block
    ov = water_client.get("/?period=2019-03&lang=en").text
    assert f'/water?period={y}' in ov
    assert _cards(ov, "water-card")["excellent_pct"] == f"{api['excellent_pct']:.1f}"
    city = water_client.get(f"/city/370100?year={y}&lang=en").text
    jinan = next(c for c in cities if c["code"] == "370100")
    block = city.split('id="city-water"', 1)[1].split("</table>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", block, re.S)]
    assert cells[:3] == [str(jinan["n_sections"]), f"{jinan['excellent_pct']:.1f}",
                         f"{jinan['inferior_v_pct']:.1f}"]
    assert 'id="nav-water"' in city
