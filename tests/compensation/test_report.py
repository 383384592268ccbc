"""The bulletin's compensation section."""

from qingshan.compensation.report import section
from qingshan.core.periods import parse_period
from qingshan.reports.model import SectionContext


def _ctx(con, prov, period, lang="zh"):
    return SectionContext(con=con, period=parse_period(period), province=prov, lang=lang,
                          settings=None)


def test_section_of_a_quarter(comp_store, comp_province):
    s = section(_ctx(comp_store, comp_province, "2018-Q2"))
    # hand-worked in test_service_store: out 1690, in 240, net 1450
    assert "省级向市级补偿 1690 万元" in s.paragraphs[0] and "净额 1450 万元" in s.paragraphs[0]
    flows, clearing = s.tables
    assert flows.df.iloc[:, 1].tolist() == [1690, 240, 1450]
    assert dict(zip(clearing.df["城市"], clearing.df["补偿（万元）"])) == \
        {"甲": 676, "乙": 1014, "丙": -240}
    assert any("[M]" in p for p in s.paragraphs)       # the 2017 coefficient's mark is shown


def test_no_section_for_a_month_and_a_note_for_unknown_rules(comp_store, comp_province):
    assert section(_ctx(comp_store, comp_province, "2018-05")) is None
    s = section(_ctx(comp_store, comp_province, "2019-Q2", "en"))
    assert s.tables == [] and "not retrieved" in s.paragraphs[0]
