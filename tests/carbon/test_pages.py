"""The carbon pages over the SYNTHETIC demo: the list says "12 of 12 enterprises complied" for
the second period with the synthetic banner, the enterprise page shows its trail, the footprint
page its stages; no data is a message, not a page of zeros."""



def test_list_page_summary_and_banner(client):
    r = client.get("/carbon", params={"period": "2021-2022", "as_of": "2024-02-01", "lang": "en"})
    assert r.status_code == 200, r.text[:2000]
    assert "12 of 12 enterprises complied" in r.text
    assert 'id="carbon-synthetic"' in r.text and "99.61 % [M]" in r.text
    assert r.text.count('data-key="status">on time<') == 24      # 12 enterprises × 2 vintages


def test_enterprise_and_footprint_pages(client, demo):
    code = demo.enterprises[demo.enterprises.sector == "power"].credit_code.iloc[0]
    r = client.get(f"/carbon/enterprise/{code}", params={"lang": "en", "as_of": "2024-02-01"})
    assert r.status_code == 200
    assert 'data-vintage="2019-2020"' in r.text and "open item 1" in r.text
    assert r.text.count("<tr><td>WH01-1</td><td>20") == 6       # accounted years 2019–2024
    r = client.get("/carbon/footprint/PRD07", params={"lang": "en"})
    assert r.status_code == 200 and 'id="carbon-stages"' in r.text
    assert client.get("/carbon/enterprise/NOPE").status_code == 404


def test_no_data_page_is_a_message(client, tmp_path):
    state = client.app.state
    old = getattr(state, "ops_url", None)
    state.ops_url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    try:
        r = client.get("/carbon", params={"lang": "en"})
    finally:
        state.ops_url = old
    assert r.status_code == 200 and "no enterprises in the carbon ledger" in r.text
    assert 'id="carbon-enterprises"' not in r.text


def test_bulletin_section_2023(demo_db, province):
    # the 2021 and 2022 deadlines (31 Dec 2023) fall in the year 2023 → both vintages reported,
    # 12 of 12 complied, the synthetic note present; 2022 has no deadline → no section
    from qingshan.carbon.report import section
    from qingshan.config import get_settings
    from qingshan.core.periods import parse_period
    from qingshan.reports.model import SectionContext
    st = get_settings(db=demo_db)
    s = section(SectionContext(None, parse_period("2023"), province, "en", st))
    assert s is not None and len(s.tables) == 2
    assert "12 of 12 entities complied" in s.paragraphs[0]
    assert any("SYNTHETIC" in p for p in s.paragraphs)
    assert section(SectionContext(None, parse_period("2022"), province, "en", st)) is None
