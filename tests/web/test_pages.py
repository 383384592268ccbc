"""Pages in process: errors as HTML pages (never 5xx), no JavaScript, a table behind every
chart, the language cookie, the served geometry, the ``serve`` command."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from qingshan.cli import app as cli_app


@pytest.mark.parametrize("url,status", [
    ("/city/379999", 404),
    ("/station/NOPE", 404),
    ("/?period=2999-01", 422),
    ("/?period=2019-13", 422),
    ("/?period=2026", 404),   # assessed under the transition policy (issue 13): no data here
    ("/?period=2019-H3", 422),
    ("/?indicator=nonsense", 422),
    ("/city/370100?year=abc", 422),
    ("/station/1299A?day=2019-02-30", 422),
    ("/station/1299A?days=99", 422),
    ("/station/1299A?pollutant=pm1", 422),
    ("/data?offset=x", 422),
    ("/no/such/page", 404),
])
def test_bad_page_requests_are_html_errors(web_client, url, status):
    r = web_client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert 'id="error-message"' in r.text and f"<h1>{status}" in r.text


@pytest.mark.slow
@pytest.mark.parametrize("url", ["/?period=2019-02", "/?period=2019-Q1&indicator=pm25",
                                 "/?indicator=aqi_hour", "/?indicator=aqi_day",
                                 "/city/370200", "/station/1299A", "/data"])
def test_pages_need_no_javascript_and_show_tables(web_client, url):
    r = web_client.get(url)
    assert r.status_code == 200, r.text[:500]
    # the scripts are the local, optional table sorter and the map's inliner (progressive
    # enhancement, issue 14): no inline script, nothing a table or chart needs to appear
    scripts = re.findall(r"<script[^>]*>.*?</script>", r.text, flags=re.S | re.I)
    assert scripts == ['<script src="/static/sort.js" defer></script>',
                       '<script src="/static/charts.js" defer></script>']
    # every chart is an image of its chart route: an SVG without any script
    for src in re.findall(r'<img class="chart-img" src="([^"]+)"', r.text):
        img = web_client.get(src.replace("&amp;", "&"))
        assert img.status_code == 200 and img.headers["content-type"] == "image/svg+xml", src
        assert img.text.lstrip().startswith("<svg") and "<script" not in img.text, src
    figures = r.text.count('<figure class="chart"')
    # every chart is followed by its data table (map: the map-data table)
    assert r.text.count("<table") >= figures
    for fig in re.finditer(r'<figure class="chart" id="([^"]+)"', r.text):
        rest = r.text[fig.end():]
        assert "<table" in rest.split("<figure", 1)[0], fig.group(1)


def test_language_cookie(web_client):
    r = web_client.get("/data?lang=en")
    assert r.cookies.get("lang") == "en" or "lang=en" in r.headers.get("set-cookie", "")
    web_client.cookies.set("lang", "en")
    assert "<h1>Data</h1>" in web_client.get("/data").text
    web_client.cookies.set("lang", "zh")
    assert "<h1>数据管理</h1>" in web_client.get("/data").text
    web_client.cookies.clear()


def test_geometry_and_static_files_are_served(web_client):
    r = web_client.get("/geo/province.geo.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    assert len(r.json()["features"]) == 16
    assert web_client.get("/static/style.css").status_code == 200
    assert web_client.get("/favicon.ico").status_code == 200


def test_serve_command_is_registered():
    r = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert r.exit_code == 0
    assert "--port" in r.output and "qingshan serve" in r.output


def test_station_hourly_chart_counts_equal_the_stored_hours(web_client):
    r = web_client.get("/station/1299A?day=2019-01-15&days=1&pollutant=pm25&lang=en")
    assert r.status_code == 200
    assert '<figure class="chart" id="hourly-series">' in r.text
    # the chart is an image of the station's chart route, an SVG of the same hours
    src = re.search(r'id="hourly-series">\s*<img class="chart-img" src="([^"]+)"', r.text).group(1)
    assert src.replace("&amp;", "&") == ("/chart/station/1299A/series.svg?day=2019-01-15&days=1"
                                         "&pollutant=pm25&lang=en")
    img = web_client.get(src.replace("&amp;", "&"))
    assert img.status_code == 200 and img.text.lstrip().startswith("<svg")
    api = web_client.get("/api/v1/stations/1299A/hours",
                         params={"start": "2019-01-15T01:00", "end": "2019-01-16T00:00"}).json()
    stored = [h for h in api["items"] if h["pm25"] is not None]
    # valid = stored, not negative and not above the plausible maximum (qc bits 1 and 4)
    n_valid = sum(1 for h in stored if 0 <= h["pm25"] <= 5000)
    cap = re.search(r'<figure class="chart" id="hourly-series">.*?<figcaption[^>]*>([^<]*)<',
                    r.text, re.S).group(1)
    assert cap == (f"Hourly PM₂.₅: 24 hours, {n_valid} valid, {len(stored) - n_valid} invalid "
                   f"(red ticks), {24 - len(stored)} missing (gaps in the line).")
    # the hourly table stays, after the chart
    assert r.text.index('id="hourly-series"') < r.text.index('id="hours"')


@pytest.mark.parametrize("period,name", [("2019-H1", "2019年上半年"),
                                         ("2019-01..2019-05", "2019年1—5月")])
def test_overview_of_a_half_year_and_a_run(web_client, period, name):
    r = web_client.get("/", params={"period": period, "lang": "zh"})
    assert r.status_code == 200, r.text[:500]
    assert f"· {name}</h1>" in r.text
    # the selector offers the half-year, selected, by its bulletin name
    assert f'<option value="{period}" selected>{name}</option>' in r.text or period != "2019-H1"


def test_period_options_every_kind():
    from datetime import date

    from qingshan.web.periods import period_options

    opts = period_options(date(2019, 1, 1), date(2019, 5, 20))
    assert opts == ["2019-05", "2019-04", "2019-03", "2019-02", "2019-01", "2019-Q2", "2019-Q1",
                    "2019-H1", "2019-01..2019-05", "2019"]
    # a cumulative run that is a quarter is offered once, as the quarter
    assert "2019-01..2019-03" not in period_options(date(2019, 1, 1), date(2019, 3, 31))
