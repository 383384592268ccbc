"""Issue 14 (5): every table downloadable as CSV and Excel, formula-safe; sortable tables."""

from __future__ import annotations

import csv
import io
import re

import pytest


def test_ranking_csv_is_the_table_of_the_page(web_client):
    page = web_client.get("/?period=2019-03&lang=zh").text
    href = re.search(r'href="(/download\?path=[^"]*table=ranking[^"]*format=csv)"', page)
    assert href, "the ranking table has a CSV link"
    r = web_client.get(href.group(1).replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    text = r.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["排名", "城市", "综合指数"]
    # the same cities in the same order as the page's table (16 cities of Shandong)
    shown = re.findall(r'<tr data-code="\d+">\s*<td>(\d+)</td>\s*<td class="l"><a[^>]*>([^<]+)</a>',
                       page)
    assert [(r[0], r[1]) for r in rows[1:]] == shown
    assert len(rows) == 17


def test_excel_download_and_formula_safety(web_client):
    from openpyxl import load_workbook

    from qingshan.web.download import extract_table
    r = web_client.get("/download", params={"path": "/city/370100?year=2019&lang=en",
                                             "table": "compliance", "format": "xlsx"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Indicator", "Unit", "Value"]
    # a cell beginning with "=" is text with a leading quote, never a formula (OWASP)
    html = ('<table id="x"><tr><th>a</th><th>b</th></tr>'
            '<tr><td>=HYPERLINK("http://evil")</td><td>-12.5</td></tr></table>')
    from qingshan.core.exportsafe import neutralise
    df = neutralise(extract_table(html, "x"))
    assert df.iloc[0, 0] == "'=HYPERLINK(\"http://evil\")" and df.iloc[0, 1] == -12.5


@pytest.mark.parametrize("path,status", [("https://evil.example/", 422), ("//evil/", 422),
                                         ("/download?path=/", 422), ("/api/v1/cities", 422),
                                         ("/no/such/page", 404)])
def test_download_only_renders_pages_of_this_site(web_client, path, status):
    r = web_client.get("/download", params={"path": path, "table": "ranking"})
    assert r.status_code == status


def test_every_table_of_the_pages_has_a_download_link(web_client):
    for url in ("/?period=2019-03", "/city/370200?year=2019", "/station/1299A"):
        html = web_client.get(url).text
        ids = re.findall(r'<table class="[^"]*sortable[^"]*" id="([^"]+)"', html)
        assert ids, url
        for i in ids:
            assert f"table={i}&amp;format=csv" in html, (url, i)
