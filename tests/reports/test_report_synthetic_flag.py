"""A store of generated data says so in every bulletin (issue 13): ``qingshan demo`` /
``load_demo`` sets the store's ``synthetic`` flag (store_meta, store migration 0003), and the
HTML, PDF and XLSX bulletins, zh and en, print the 合成数据 / synthetic-data notice."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from qingshan.reports import render_html, write_pdf, write_xlsx
from tests.reports.readback import keep_first_page, pdf_text

ZH = "合成数据：本公报的全部数据由程序生成"
EN = "Synthetic data: every figure of this bulletin comes from generated demonstration data"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """One city (济南), January 2019 of the synthetic generator, through the real ingest."""
    from qingshan.air.demo import load_demo
    from qingshan.config import load_province
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    prov = load_province("shandong")
    prov = prov.model_copy(update={"cities": prov.cities[:1]})
    work = tmp_path_factory.mktemp("demo1")
    con = connect(str(work / "demo.duckdb"))
    sync_province(con, prov)
    load_demo(con, prov, work / "files", [2019], seed=7, until=date(2019, 1, 31))
    yield con, prov
    con.close()


def test_meta_roundtrip_and_old_store():
    import duckdb

    from qingshan.store import connect
    from qingshan.store.meta import mark_synthetic, synthetic

    con = connect(":memory:")
    assert synthetic(con) is None                      # a new store holds real data
    mark_synthetic(con, "air: x")
    mark_synthetic(con, "water: y")
    mark_synthetic(con, "air: x")                      # each part once
    assert synthetic(con) == "air: x; water: y"
    # a store made before store 0003 (no store_meta table) is not synthetic, no error
    assert synthetic(duckdb.connect(":memory:")) is None


@pytest.mark.slow   # two bulletins and a PDF (~15 s on a quiet machine)
def test_demo_store_bulletins_say_synthetic(demo_store, tmp_path):
    from qingshan.reports import build_air_report

    con, prov = demo_store
    from qingshan.store.meta import synthetic
    assert "seed 7" in synthetic(con) and "2019-01-31" in synthetic(con)
    zh = build_air_report(con, "2019-01", lang="zh", province=prov)
    en = build_air_report(con, "2019-01", lang="en", province=prov)
    assert zh.synthetic == synthetic(con)
    html_zh, html_en = render_html(zh), render_html(en)
    assert html_zh.count(ZH) == 2 and "<title>[合成数据]" in html_zh      # cover and footer
    assert html_en.count(EN) == 2 and "<title>[SYNTHETIC]" in html_en
    assert "根据合成数据自动生成" in html_zh and "根据监测数据" not in html_zh
    # XLSX: the about sheet and row 2 of every other sheet carry the notice
    path = write_xlsx(zh, tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    info = wb.worksheets[0]
    assert info["A7"].value.startswith(ZH) and info["B8"].value == synthetic(con)
    for ws in wb.worksheets[1:]:
        assert ws["A2"].value.startswith(ZH), ws.title
    assert "synthetic" in wb.properties.keywords
    # PDF: the notice on the cover and the short running head on every page
    pdf = write_pdf(en, tmp_path / "b.pdf")
    keep_first_page(pdf, "bulletin-2019-01-en-synthetic-1")
    text = pdf_text(pdf)
    assert EN.split(":")[0] in text and text.count("SYNTHETIC DATA") >= 2


def test_real_bulletin_has_no_notice(real_march_zh):
    assert real_march_zh.synthetic == ""
    html = render_html(real_march_zh)
    assert "合成数据" not in html and "根据监测数据自动生成" in html
