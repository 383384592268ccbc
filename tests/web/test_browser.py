"""The pages in a real browser (Debian chromium via Playwright) against a real server process.

Screenshots go to ``test-artifacts/web/`` (git-ignored).
"""

from __future__ import annotations

from urllib.parse import urlparse

import httpx
import pytest

from tests.api._store import ARCHIVE
from tests.web.conftest import STAFF, log_in, shot

# one worker runs every test of the server subprocess (pytest -n 2 --dist loadgroup)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("qingshan-web-server")]
PERIOD = "2019-03"


def _only_local(pg, server: str) -> None:
    host = urlparse(server).netloc
    outside = [u for u in pg.requests
               if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host]
    assert outside == [], outside


def _ranking_rows(pg) -> list[dict]:
    return pg.eval_on_selector_all("#ranking tbody tr", """rows => rows.map(r => ({
        code: r.dataset.code, cells: Array.from(r.cells).map(c => c.innerText.trim())}))""")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_ranking_equals_the_api(page, server, lang):
    page.goto(f"{server}/?lang={lang}&period={PERIOD}")
    assert page.get_attribute("html", "lang") == ("zh-CN" if lang == "zh" else "en")
    assert page.inner_text("h1").startswith("山东省" if lang == "zh" else "Shandong")
    api = httpx.get(f"{server}/api/v1/rankings", params={"period": PERIOD}, timeout=120).json()
    rows = _ranking_rows(page)
    assert [r["code"] for r in rows] == [a["code"] for a in api]
    for r, a in zip(rows, api):
        rank, name, ci = r["cells"][:3]
        assert int(rank) == a["rank"]
        assert name == (a["name_zh"] if lang == "zh" else a["name_en"])
        assert ci == f"{a['composite_index']:.2f}"
    # the map is drawn server-side, loaded from its chart route and put inline (charts.js)
    page.wait_for_selector("#map svg", timeout=60000)
    assert page.locator("#map svg").count() == 1 and page.locator("#map img").count() == 0
    assert page.get_attribute("#map svg", "aria-label") == page.inner_text("#map figcaption")
    assert page.locator("#summary .card").count() >= 3
    shot(page, f"overview-{lang}")
    _only_local(page, server)


def test_language_switch_is_kept_in_links(page, server):
    page.goto(f"{server}/?period={PERIOD}")
    assert page.inner_text("#nav-overview") == "全省概览"
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.inner_text("#nav-overview") == "Province overview"
    assert "lang=en" in page.get_attribute("#ranking a.city-link >> nth=0", "href")
    # the cookie remembers the choice on a URL without ?lang
    page.goto(f"{server}/data")
    assert page.inner_text("h1") == "Data"


def test_click_ranking_reaches_the_city(page, server):
    page.goto(f"{server}/?lang=zh&period={PERIOD}")
    first = _ranking_rows(page)[0]
    page.click("#ranking tbody tr >> nth=0 >> a.city-link")
    page.wait_for_url(f"**/city/{first['code']}**")
    assert page.get_attribute("#city-name", "data-code") == first["code"]
    assert page.inner_text("#city-name").startswith(first["cells"][1])
    _only_local(page, server)


def test_click_map_reaches_the_city(page, server):
    page.goto(f"{server}/?lang=en&period={PERIOD}")
    page.wait_for_selector("#map svg", timeout=60000)
    link = page.locator('#map svg a[*|href*="/city/370600"]')
    assert link.count() == 1
    link.first.click(force=True)
    page.wait_for_url("**/city/370600**")
    assert page.inner_text("#city-name").startswith("Yantai")
    _only_local(page, server)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_page(page, server, lang):
    page.goto(f"{server}/city/370100?lang={lang}&year=2019")
    assert page.inner_text("#city-name").startswith("济南市" if lang == "zh" else "Jinan")
    # the charts are images of the chart routes, drawn (loaded, non-empty) in the browser
    assert page.locator("#calendar img.chart-img").count() == 1
    assert page.locator("figure[id^=trend-] img.chart-img").count() == 6
    page.wait_for_function("Array.from(document.querySelectorAll('figure.chart img'))"
                           ".every(i => i.complete && i.naturalWidth > 100)", timeout=90000)
    alts = page.eval_on_selector_all("figure.chart img", "is => is.map(i => i.alt)")
    assert all(a and (("月" in a or "天" in a) if lang == "zh" else "Monthly" in a or "days" in a)
               for a in alts), alts
    assert page.locator("#compliance tbody tr").count() == 6
    api = httpx.get(f"{server}/api/v1/stations", params={"city": "370100", "limit": 1000},
                    timeout=60).json()
    codes = page.eval_on_selector_all("#stations a.station-link", "a => a.map(x => x.innerText)")
    assert sorted(codes) == sorted(s["code"] for s in api["items"])
    # primary pollutants of Q1 2019 days: the day counts add up to at most the days shown
    days = page.eval_on_selector_all("#primary tbody tr td:nth-child(2)",
                                     "c => c.map(x => parseInt(x.innerText))")
    assert 0 < sum(days) <= 90
    shot(page, f"city-{lang}")
    _only_local(page, server)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_station_page_shows_hours_and_flags(page, server, lang):
    page.goto(f"{server}/station/1299A?lang={lang}&day=2019-01-15&days=1")
    assert page.get_attribute("#station-name", "data-code") == "1299A"
    assert page.inner_text("#station-city") == ("济南市" if lang == "zh" else "Jinan")
    rows = page.locator("#hours tbody tr")
    # the natural day 2019-01-15 = stamps 01:00 … 2019-01-16 00:00; the API lists the stored ones
    api = httpx.get(f"{server}/api/v1/stations/1299A/hours", timeout=60,
                    params={"start": "2019-01-15T01:00", "end": "2019-01-16T00:00"}).json()
    assert rows.count() == 24
    assert page.locator("#hours tbody tr.missing").count() == 24 - api["total"]
    # the hourly chart, above the table: an image of the chart route, drawn in the browser
    assert page.locator("#hourly-series img.chart-img").count() == 1
    page.wait_for_function("document.querySelector('#hourly-series img').complete && "
                           "document.querySelector('#hourly-series img').naturalWidth > 100",
                           timeout=60000)
    first = rows.nth(0).inner_text()
    assert first.startswith("2019-01-15 01:00")
    valid = "有效" if lang == "zh" else "valid"
    assert valid in first
    shot(page, f"station-{lang}")
    _only_local(page, server)


def test_upload_needs_a_login_and_logout_ends_it(page, server):
    page.goto(f"{server}/data?lang=en")
    assert page.locator("#upload-form").count() == 0 and page.locator("#upload-login").count()
    log_in(page, server, lang="en")
    page.goto(f"{server}/data?lang=en")
    assert page.locator("#upload-form").count() == 1
    assert page.inner_text("#account-name") == STAFF
    page.click("#logout")
    page.wait_for_selector("#login-link")
    page.goto(f"{server}/data?lang=en")
    assert page.locator("#upload-form").count() == 0
    shot(page, "logged-out")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_upload_bad_file_shows_its_error(staff_page, server, lang, tmp_path):
    page = staff_page
    bad = tmp_path / "china_sites_20190101.csv"
    bad.write_text("date,hour,type,1299A\n20190101,25,PM2.5,10\n", encoding="utf-8")
    page.goto(f"{server}/data?lang={lang}")
    n_before = page.locator("#batches tbody tr").count()
    page.set_input_files("#upload-file", str(bad))
    page.select_option("#upload-kind", "cnemc")
    page.click("#upload-submit")
    page.wait_for_selector("#upload-errors")
    cells = page.eval_on_selector_all("#upload-errors tr.upload-error td",
                                      "c => c.map(x => x.innerText.trim())")
    assert cells[:3] == ["china_sites_20190101.csv", "2", "hour"]
    assert "25" in cells[3]
    assert page.locator("#batches tbody tr").count() == n_before  # nothing stored
    shot(page, f"upload-error-{lang}")
    _only_local(page, server)


def test_upload_good_file_shows_its_summary(staff_page, server):
    page = staff_page
    good = ARCHIVE / "china_sites_20190402.csv"
    page.goto(f"{server}/data?lang=en")
    page.set_input_files("#upload-file", str(good))
    page.click("#upload-submit")
    page.wait_for_selector("#upload-result")
    text = page.inner_text("#upload-result")
    assert "china_sites_20190402.csv" in text and "loaded" in text
    assert page.inner_text("#batches tbody tr >> nth=0").find("china_sites_20190402.csv") >= 0
    shot(page, "upload-ok")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_water_page_equals_the_api(page, server, lang):
    page.goto(f"{server}/?lang={lang}&period={PERIOD}")
    page.click("#nav-water")
    page.wait_for_url("**/water**")
    assert page.inner_text("#nav-water") == ("水环境" if lang == "zh" else "Water")
    api = httpx.get(f"{server}/api/v1/water/assessment", timeout=120,
                    params={"period": "2019", "level": "province"}).json()["items"][0]
    assert page.inner_text("#water-title").endswith("2019")
    assert page.inner_text('#water-summary [data-key="excellent_pct"]') == \
        f"{api['excellent_pct']:.1f}"
    assert page.inner_text('#water-summary [data-key="inferior_v_pct"]') == \
        f"{api['inferior_v_pct']:.1f}"
    cities = httpx.get(f"{server}/api/v1/water/assessment", timeout=120,
                       params={"period": "2019", "level": "city"}).json()["items"]
    assert page.locator("#water-cities tbody tr").count() == len(cities)
    # choose a month in the form (no JavaScript: a GET form)
    page.select_option("#water-period", "2019-07")
    page.click("form.inline button")
    page.wait_for_url("**period=2019-07**")
    assert page.inner_text("#water-title").endswith("2019-07")
    shot(page, f"water-{lang}")
    _only_local(page, server)
