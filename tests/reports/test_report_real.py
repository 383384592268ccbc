"""Bulletin of March 2019 from the real Shandong archive (2019-H1): every format read back."""

from __future__ import annotations

import re

import openpyxl
import pytest
from typer.testing import CliRunner

from qingshan.reports import render_html, write_pdf, write_xlsx
from tests.reports.readback import (
    html_tables, keep_first_page, pdf_fonts, pdf_text, render_pages, table_dict,
    uncovered_characters,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def march(real_store):
    from qingshan.config import load_province
    from qingshan.air.service import assess

    prov = load_province("shandong")
    return {lvl: assess(real_store, "2019-03", level=lvl, province=prov)
            for lvl in ("city", "province")}


def test_html_march_2019(real_march_zh, march, real_store):
    html = render_html(real_march_zh)
    parsed = html_tables(html)
    assert parsed.external == []
    assert "山东省环境空气质量月报" in html and "2019年3月" in html
    cities = table_dict(parsed.tables["table-cities"], "代码")
    assert len(cities) == 16
    for r in march["city"].itertuples():
        row = cities[r.code]
        assert row["PM₂.₅ 平均浓度（µg/m³）"] == f"{r.pm25:.0f}"
        assert row["O₃ 日最大8小时第90百分位（µg/m³）"] == f"{r.o3_8h_p90:.0f}"
        assert row["综合指数"] == f"{r.composite_index:.2f}"
        assert row["重度及以上污染天数（天）"] == f"{r.heavy_days:.0f}"
    prov = march["province"].iloc[0]
    assert f"PM₂.₅ 平均浓度为 {prov.pm25:.0f} µg/m³" in html
    assert f"综合指数为 {prov.composite_index:.2f}" in html
    # no 2018 data in the store: the summary says so instead of showing empty changes
    assert "库中无2018年3月数据" in html
    # stations included: each city's evaluation stations as the store maps them
    from qingshan.store.province import evaluation_stations

    st = table_dict(parsed.tables["table-stations"], "城市")
    for r in march["city"].itertuples():
        codes = evaluation_stations(real_store, r.code)
        row = st[r.name_zh.removesuffix("市")]
        assert row["评价点位数"] == str(len(codes)) and row["点位编码"].split() == codes
    # the best city for the composite index is the service's rank 1
    best = march["city"].sort_values("rank").iloc[0]
    rank = parsed.tables["table-rank_composite_index"]
    assert rank[0][:3] == ["组别", "名次", "城市"]
    assert rank[1][:3] == ["相对较好", "第1", best.name_zh.removesuffix("市")]


def test_pdf_march_2019(real_march_zh, march, tmp_path):
    path = write_pdf(real_march_zh, tmp_path / "2019-03.pdf")
    keep_first_page(path, "bulletin-2019-03-zh-1")
    text = pdf_text(path)
    for s in ("山东省环境空气质量月报", "2019年3月", "方法说明", "城市排名", "济南", "威海", "菏泽",
              "优良天数比例", "逐日空气质量指数"):
        assert s in text, s
    assert "\ufffd" not in text and "□" not in text
    fonts = pdf_fonts(path)
    assert all(fonts.values()) and any("NotoSansCJK" in n.replace("-", "") for n in fonts)
    # every character of the extracted text has a glyph in the embedded fonts' families
    assert uncovered_characters(text, list(fonts)) == set()
    prov = march["province"].iloc[0]
    assert f"{prov.good_day_ratio:.1f}" in text
    pages = render_pages(path, tmp_path, dpi=30)
    assert 5 <= len(pages) <= 12
    n = len(pages)
    assert all(re.search(rf"\b{i}\s*/\s*{n}\b", text) for i in range(1, n + 1))


def test_xlsx_march_2019(real_march_zh, march, tmp_path):
    path = write_xlsx(real_march_zh, tmp_path / "2019-03.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["各城市环境空气质量"]   # sheet names in the bulletin's language
    head = [c.value for c in ws[3]]
    rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    for r in march["city"].itertuples():
        assert rows[r.code]["NO₂ 平均浓度（µg/m³）"] == pytest.approx(r.no2)
        assert rows[r.code]["优良天数比例（%）"] == pytest.approx(r.good_day_ratio)
    for name in wb.sheetnames[2:]:   # after 说明 and 标准与方法: headers (and city) frozen
        assert wb[name].freeze_panes in ("A4", "B4", "C4", "D4"), name


def test_cli_report_air(real_db, real_store, tmp_path):
    from qingshan.cli import app

    out = tmp_path / "b.html"
    res = CliRunner().invoke(app, ["report", "air", "--period", "2019-03", "--format", "html",
                                   "--lang", "en", "--city", "370200", "--db", str(real_db),
                                   "--output", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    # --city: the city's own bulletin (its title, its calendar, its place in the province)
    assert "Qingdao Air Quality Monthly Bulletin" in html and "Daily AQI calendar, Qingdao" in html
    assert "Qingdao: composite index" in html and "ranked cities of the province" in html
    bad = CliRunner().invoke(app, ["report", "air", "--period", "2019-13", "--db", str(real_db),
                                   "--output", str(tmp_path / "x.html")])
    assert bad.exit_code != 0
    bad = CliRunner().invoke(app, ["report", "air", "--period", "2019-03", "--format", "doc",
                                   "--db", str(real_db), "--output", str(tmp_path / "x.doc")])
    assert bad.exit_code != 0
