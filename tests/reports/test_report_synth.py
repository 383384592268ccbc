"""Bulletins from synthetic data (3 cities, 2018–2019): HTML, PDF and Excel read back and
compared with the service results they must show."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from qingshan.reports import render_html, write_pdf, write_xlsx
from tests.reports.readback import (
    html_tables, keep_first_page, pdf_fonts, pdf_text, render_pages, table_dict,
    uncovered_characters,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assess_2019(synth_store, synth_province):
    from qingshan.air.service import assess

    return {lvl: assess(synth_store, "2019", level=lvl, province=synth_province)
            for lvl in ("city", "province")}


@pytest.fixture(scope="module")
def assess_q3(synth_store, synth_province):
    from qingshan.air.service import assess

    return assess(synth_store, "2019-Q3", level="city", province=synth_province)


def test_html_annual_figures_equal_service(synth_year_zh, assess_2019):
    html = render_html(synth_year_zh)
    parsed = html_tables(html)
    assert parsed.external == [], "the HTML must not reference anything outside the file"
    assert parsed.svg_count >= 5  # map, bar, calendar, two trend charts
    assert "山东省环境空气质量年报" in html and "2019年" in html and "目录" in html
    cities = table_dict(parsed.tables["table-cities"], "代码")
    for r in assess_2019["city"].itertuples():
        row = cities[r.code]
        assert row["PM₂.₅ 平均浓度（µg/m³）"] == f"{r.pm25:.0f}"
        assert row["CO 日均值第95百分位（mg/m³）"] == f"{r.co_p95:.1f}"
        assert row["综合指数"] == f"{r.composite_index:.2f}"
        assert row["排名"] == f"{r.rank}"
        assert row["优良天数比例（%）"] == f"{r.good_day_ratio:.1f}"
        assert row["综合指数 同比（%）"] == f"{r.composite_index_yoy_pct:.1f}"
    prov = assess_2019["province"].iloc[0]
    summary = table_dict(parsed.tables["table-summary"], "指标")
    assert summary["PM₂.₅ 平均浓度"]["本期 2019年"] == f"{prov.pm25:.0f}"
    assert summary["综合指数"]["同比变化"] == f"{prov.composite_index_yoy_pct:.1f}"
    assert summary["优良天数比例"]["同比变化"] == f"{prov.good_day_ratio_yoy_pp:.1f}"
    assert f"PM₂.₅ 平均浓度为 {prov.pm25:.0f} µg/m³" in html
    comp = table_dict(parsed.tables["table-compliance"], "污染物")
    exceeding = set((prov.exceed_pollutants or "").split(","))
    assert (comp["PM₂.₅"]["是否达标"] == "超标") == ("PM2.5" in exceeding)
    assert comp["PM₂.₅"]["达到的 WHO 水平"] == prov.who_level_pm25
    assert comp["PM₂.₅"]["GB 3095 二级标准限值"] == "35"  # GB 3095-2012 Table 1, annual, Grade II


def test_pdf_annual_a4_toc_fonts(synth_year_zh, assess_2019, tmp_path):
    path = write_pdf(synth_year_zh, tmp_path / "year.pdf")
    keep_first_page(path, "bulletin-2019-zh-synthetic-annual-1")
    text = pdf_text(path)
    prov = assess_2019["province"].iloc[0]
    for s in ("山东省环境空气质量年报", "目录", "方法说明", "各城市环境空气质量", "济南", "青岛", "淄博",
              f"{prov.composite_index:.2f}"):
        assert s in text
    fonts = pdf_fonts(path)
    assert fonts and all(fonts.values()), f"fonts not embedded: {fonts}"
    assert any("NotoSansCJK" in n.replace("-", "") or "WenQuanYi" in n for n in fonts), fonts
    assert uncovered_characters(text, list(fonts)) == set()
    pages = render_pages(path, tmp_path, dpi=30)
    from pypdf import PdfReader

    assert len(pages) == len(PdfReader(str(path)).pages) >= 5
    from PIL import Image

    # A4 = 210 × 297 mm -> 248 × 351 px at 30 dpi (± 1 px rounding); landscape pages allowed
    for p in pages:
        w, h = Image.open(p).size
        assert sorted((w, h)) in ([248, 351], [248, 350], [249, 351], [247, 351]), (p, w, h)
    n = len(pages)  # page numbers "i / N" in the page footers
    assert all(re.search(rf"\b{i}\s*/\s*{n}\b", text) for i in range(1, n + 1))


def test_xlsx_quarter_en(synth_quarter_en, assess_q3, tmp_path):
    path = write_xlsx(synth_quarter_en, tmp_path / "q3.xlsx")
    wb = openpyxl.load_workbook(path)
    # sheet names in the bulletin's language (a city bulletin: the city's overview)
    assert {"About", "Standards and methods", "Air quality of Qingdao",
            "Air quality of all cities", "Valid data", "Rank PM₂.₅ mean",
            "Daily AQI calendar, Qingdao"} <= set(wb.sheetnames)
    ws = wb["Air quality of all cities"]
    assert ws.freeze_panes == "C4"      # headers and the code and city columns
    head = [c.value for c in ws[3]]
    assert "PM₂.₅ mean (µg/m³)" in head and "Composite index" in head
    rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    for r in assess_q3.itertuples():
        row = rows[r.code]
        assert row["City"] == r.name_en
        assert isinstance(row["PM₂.₅ mean (µg/m³)"], (int, float))
        assert row["PM₂.₅ mean (µg/m³)"] == pytest.approx(r.pm25)
        assert row["Composite index"] == pytest.approx(r.composite_index)
        assert row["Rank"] == (None if pd.isna(r.rank) else r.rank)
    # number formats follow the bulletin's decimals
    ci_col = head.index("Composite index") + 1
    assert ws.cell(row=4, column=ci_col).number_format == "0.00"
    cal = wb["Daily AQI calendar, Qingdao"]
    assert [c.value for c in cal[3]] == ["Date", "AQI", "Category"]
    assert cal.max_row - 3 == 92  # July + August + September = 31 + 31 + 30 days


def test_html_quarter_english_calendar_for_city(synth_quarter_en):
    html = render_html(synth_quarter_en)
    assert "Daily AQI calendar, Qingdao" in html
    assert "Qingdao Air Quality Quarterly Bulletin" in html and "Q3 2019" in html  # --city
    parsed = html_tables(html)
    assert "table-compliance" not in parsed.tables  # compliance is an annual assessment
    assert parsed.external == []
