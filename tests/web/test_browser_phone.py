"""Issue 14 in a real browser: phone and desktop widths in zh and en, HJ 633 map colours,
honest empty periods, context kept in links. Screenshots: test-artifacts/web/i14-*.png."""

from __future__ import annotations

import pytest

from tests.web.conftest import shot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("qingshan-web-server")]
PERIOD = "2019-03"
#: HJ 633-2012 Appendix A colours (rgb of Table A.1) as the SVG writes them
HJ633 = {"#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023"}


@pytest.mark.parametrize("width", [1400, 400])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_fits_the_screen(page, server, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server}/?lang={lang}&period={PERIOD}&indicator=aqi_day")
    # nothing wider than the screen: tables scroll inside themselves, charts shrink
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    # navigation links stay on one line each (no "one character per line")
    heights = page.eval_on_selector_all("header nav a",
                                        "as => as.map(a => a.getBoundingClientRect().height)")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('header nav a'))"
                         ".lineHeight) || 24")
    assert max(heights) < 1.6 * line
    # the AQI map is drawn in HJ 633 category colours only (plus grey for no data)
    page.wait_for_selector("#map svg", timeout=60000)
    fills = set(page.eval_on_selector_all("#map svg path[fill]",
                                          "ps => ps.map(p => p.getAttribute('fill').toLowerCase())"))
    coloured = fills & HJ633
    assert coloured, fills
    legend = page.inner_text("#map")
    assert ("优" in legend or "良" in legend) if lang == "zh" else \
        ("Excellent" in legend or "Good" in legend)
    # a city link keeps the period and the indicator
    href = page.get_attribute("#ranking a.city-link >> nth=0", "href")
    assert f"period={PERIOD}" in href and "indicator=aqi_day" in href and f"lang={lang}" in href
    shot(page, f"i14-overview-{lang}-{width}")


@pytest.mark.parametrize("width", [1400, 400])
def test_city_page_and_empty_year(page, server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server}/city/370100?lang=zh&period={PERIOD}")
    assert "2019年3月" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"i14-city-zh-{width}")
    r = page.goto(f"{server}/city/370100?lang=en&year=1999")
    assert r.status == 404 and "No data for 1999" in page.inner_text("#error-message")
    shot(page, f"i14-city-1999-en-{width}")
