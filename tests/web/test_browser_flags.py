"""Issue 14 in a real browser (session 4): 截至 / 数据不足 badges on cards, tables and the map,
the month picker, the water charts — zh and en, 1400 px and 400 px.
Screenshots: test-artifacts/web/i14s4-*.png."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from tests.web.conftest import shot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("qingshan-web-server")]
#: (language, width) pairs: each language and each width twice, four page sets in all
CASES = [("zh", 1400), ("en", 400), ("zh", 400), ("en", 1400)]
TO_DATE = {"zh": "截至", "en": "to date"}
INSUFFICIENT = {"zh": "数据不足", "en": "insufficient data"}


def _data_end(server: str) -> str:
    """The data end of 2019-H1 as the service states it (the page must show this day): the
    archive's 2019-03-31, or a later day an upload test of the same server added since."""
    row = httpx.get(f"{server}/api/v1/assessment",
                    params={"period": "2019-H1", "level": "province"}).json()[0]
    assert row["to_date"] is True and row["data_end"] >= "2019-03-31"
    return row["data_end"]


@pytest.mark.parametrize("lang,width", CASES)
def test_partial_period_is_flagged_and_picked(page, server, lang, width):
    """The served store holds hours of 2018-12-31 … 2019-03-31 (the real 2019 Q1 archive; the
    upload tests of this session may add 2019-04-01/02): for 2019-H1 the figures are to date,
    data end = the last stored day (截至 2019-03-31 or that later day), and no city is valid —
    GB 3095 Table 4 asks 27 valid days in every month (February 25), May and June have none —
    so every ranking row and every map row carries 数据不足."""
    end = _data_end(server)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server}/?lang={lang}&period=2019-H1")
    to_date = f"{TO_DATE[lang]} {end}"
    # every card is to date; the period statistics (index, PM2.5, good-day ratio) insufficient
    cards = page.eval_on_selector_all(
        "#summary .card", "cs => cs.map(c => [c.dataset.card, c.querySelector('.badges')"
                          ".innerText])")
    assert cards and all(to_date in txt for _, txt in cards), cards
    flagged = {k for k, txt in cards if INSUFFICIENT[lang] in txt}
    assert flagged == {"composite_index", "pm25", "good_day_ratio"}, cards
    assert to_date in page.inner_text("#ranking-heading")
    assert to_date in page.inner_text("#map-heading")
    rows = page.eval_on_selector_all("#ranking tbody tr", "rs => rs.map(r => r.innerText)")
    assert len(rows) == 16 and all(INSUFFICIENT[lang] in r for r in rows)
    map_rows = page.eval_on_selector_all("#map-table tbody tr",
                                         "rs => rs.map(r => r.textContent)")
    assert len(map_rows) == 16 and all(INSUFFICIENT[lang] in r for r in map_rows)
    assert INSUFFICIENT[lang] in page.inner_text("#map-flags")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"i14s4-flags-{lang}-{width}")
    # the month picker: a native <input type="month"> bounded by the stored months
    picker = page.locator("#period-month")
    assert picker.get_attribute("type") == "month"
    assert (picker.get_attribute("min"), picker.get_attribute("max")) == ("2018-12", end[:7])
    picker.fill("2019-02")
    page.click("#period-picker button[type=submit]")
    page.wait_for_url("**period=2019-02**")
    assert ("2019年2月" if lang == "zh" else "February 2019") in page.inner_text("h1")
    # February 2019 is complete and every city has ≥ 25 valid days: no badge at all
    assert page.locator("#summary .badge").count() == 0
    assert page.locator("#ranking .badge-insufficient").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"i14s4-picked-{lang}-{width}")


def test_month_picker_works_without_script(browser, server):
    """Progressive enhancement: with JavaScript off the picker is a plain form field."""
    ctx = browser.new_context(viewport={"width": 400, "height": 900}, java_script_enabled=False)
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(120_000)
        pg.goto(f"{server}/city/370100?lang=zh&year=2019")
        assert f"截至 {_data_end(server)}" in pg.inner_text("#city-flags")
        pg.fill("#period-month", "2019-01")
        pg.click("#period-picker button[type=submit]")
        pg.wait_for_url("**period=2019-01**")
        assert "2019年1月" in pg.inner_text("h1")
        shot(pg, "i14s4-city-picker-nojs-zh-400")
    finally:
        ctx.close()


@pytest.mark.parametrize("lang,width", CASES[:2])
def test_water_charts(page, server, lang, width):
    """The class chart counts, per GB 3838 class, the sections the section table of the same
    period lists in that class (the API's level=section rows), in the 2011 method's colours."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server}/water?lang={lang}&period=2019")
    assert page.locator("#water-chart-cities svg").count() == 1
    assert page.locator("#water-chart-classes svg").count() == 1
    sections = httpx.get(f"{server}/api/v1/water/assessment",
                         params={"period": "2019", "level": "section", "limit": 5000}
                         ).json()["items"]
    want = Counter(int(s["class_computed"]) for s in sections
                   if s["class_computed"] is not None)
    cells = page.eval_on_selector_all(
        "#water-chart-classes-table tbody tr",
        "rs => rs.map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
    assert [int(n) for _, n in cells] == [want.get(k, 0) for k in range(1, 7)]
    fills = set(page.eval_on_selector_all(
        "#water-chart-classes svg path[fill]",
        "ps => ps.map(p => p.getAttribute('fill').toLowerCase())"))
    # 环办〔2011〕22号 Table 1: I–II blue, III green, IV yellow, V orange, 劣V red (used classes)
    colours = {1: "#3a80e0", 2: "#3a80e0", 3: "#2fa84f", 4: "#f2d024", 5: "#f08a24",
               6: "#e0342b"}
    assert {colours[k] for k in want} <= fills
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"i14s4-water-{lang}-{width}")
