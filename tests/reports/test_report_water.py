"""The water section of the bulletins: figures read back from the HTML and the Excel file must
equal the water services' results; left out when the period has no water data."""

from __future__ import annotations

import openpyxl
import pytest

from qingshan.reports import render_html, write_xlsx
from tests.reports.readback import html_tables, table_dict


@pytest.fixture(scope="module")
def water_2019(synth_store, synth_province):
    from qingshan.water.service import coastal_assessment, water_assessment

    return {"province": water_assessment(synth_store, "2019", "province",
                                         province_code=synth_province.code).iloc[0],
            "city": water_assessment(synth_store, "2019", "city",
                                     province_code=synth_province.code),
            "coast": coastal_assessment(synth_store, "2019", "province").iloc[0]}


def test_annual_html_water_section_equals_the_services(synth_year_zh, water_2019):
    html = render_html(synth_year_zh)
    parsed = html_tables(html)
    p, coast = water_2019["province"], water_2019["coast"]
    prov = parsed.tables["table-water_province"]
    row = dict(zip(prov[0], prov[1]))
    assert row["评价断面数（个）"] == str(int(p.n_sections))
    assert row["Ⅰ～Ⅲ类比例（%）"] == f"{p.excellent_pct:.1f}"
    assert row["劣Ⅴ类比例（%）"] == f"{p.inferior_v_pct:.1f}"
    assert row["水质状况"] == p.grade
    assert row["与上年同期相比"] == p.change
    assert row["近岸海域优良比例（按点位，%）"] == f"{coast.excellent_pct_count:.1f}"
    cities = table_dict(parsed.tables["table-water_cities"], "代码")
    assert set(cities) == set(water_2019["city"].group_key)
    for r in water_2019["city"].itertuples():
        c = cities[r.group_key]
        assert c["城市"] == r.name
        assert c["评价断面数（个）"] == str(r.n_sections)
        assert c["Ⅰ～Ⅲ类比例（%）"] == f"{r.excellent_pct:.1f}"
        assert c["劣Ⅴ类比例（%）"] == f"{r.inferior_v_pct:.1f}"
        assert c["水质状况"] == r.grade
    assert f"Ⅰ～Ⅲ类水质断面比例为{p.excellent_pct:.1f}%" in html
    assert "GB 3838-2002" in html and "环办〔2011〕22号" in html  # method notes name the method
    # the water section comes before the charts and is in the table of contents
    assert html.index('id="water"') < html.index('id="charts"')


def test_monthly_xlsx_water_section_equals_the_services(synth_month_en, synth_store,
                                                        synth_province, tmp_path):
    from qingshan.water.service import water_assessment

    city = water_assessment(synth_store, "2019-07", "city", province_code=synth_province.code)
    prov = water_assessment(synth_store, "2019-07", "province",
                            province_code=synth_province.code).iloc[0]
    wb = openpyxl.load_workbook(write_xlsx(synth_month_en, tmp_path / "m.xlsx"))
    # sheets named in the bulletin's language (the tables' titles)
    assert {"Water (province)", "Water (cities)"} <= set(wb.sheetnames)
    ws = wb["Water (cities)"]
    head = [c.value for c in ws[3]]
    rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert set(rows) == set(city.group_key)
    for r in city.itertuples():
        row = rows[r.group_key]
        assert row["Sections assessed"] == r.n_sections
        assert row["Classes I–III (%)"] == pytest.approx(r.excellent_pct)
        assert row["Worse than class V (%)"] == pytest.approx(r.inferior_v_pct)
    wp = wb["Water (province)"]
    ph = [c.value for c in wp[3]]
    pr = dict(zip(ph, [c.value for c in wp[4]]))
    assert pr["Classes I–III (%)"] == pytest.approx(prov.excellent_pct)
    text = render_html(synth_month_en)
    assert "July 2019" in text and "surface-water sections" in text


def test_quarter_bulletin_has_the_water_section(synth_quarter_en, synth_store, synth_province):
    # the water method assesses quarters too (环办〔2011〕22号 §2.2: mean of ≥ 2 samplings; the
    # synthetic demo samples every section monthly)
    from qingshan.water.service import water_assessment

    sec = {s.key: s for s in synth_quarter_en.sections}
    assert "water" in sec
    prov_table = {t.key: t for t in sec["water"].tables}["water_province"].df
    want = water_assessment(synth_store, "2019-Q3", "province",
                            province_code=synth_province.code).iloc[0]
    assert want.n_sections > 0
    assert prov_table["Sections assessed"].iloc[0] == int(want.n_sections)
    assert prov_table["Classes I–III (%)"].iloc[0] == pytest.approx(want.excellent_pct)
    assert "Q3 2019" in sec["water"].paragraphs[0]


def test_no_water_section_without_water_data(real_march_zh):
    # the real store has no water data
    assert not any("GB 3838" in p for s in real_march_zh.sections for p in s.paragraphs)
