"""Weihai's published figures reproduced from its synthetic demo cases (spec/governance.md T18
[V SEED], T19 [V S21]) through the store and the rate services; everything labelled synthetic."""

from datetime import date

import pytest

from qingshan.accounts.authz import Actor
from qingshan.config import load_province
from qingshan.governance import service
from qingshan.governance.demo import load_demo
from qingshan.governance.rates import RatesError, eia_counts, sewage_completed
from qingshan.store.ops import session_scope, upgrade

WH_STAFF = Actor(1, "wh", "city_staff", "371000")
RZ_STAFF = Actor(2, "rz", "city_staff", "371100")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo')}/ops.sqlite"
    upgrade(url)
    with session_scope(url) as s:
        out = load_demo(s, load_province("shandong"), ["371000"])
    assert set(out) == {"371000"}
    return url


def _eia_frame(s, actor):
    import pandas as pd

    from qingshan.governance import repository as repo
    rows = repo.list_cases(s, actor, kind="eia_application", limit=10**6)
    ev = {r.id: r for r in rows}
    from sqlalchemy import select

    from qingshan.governance.models import CaseEvent
    days = dict(s.execute(select(CaseEvent.case_id, CaseEvent.day).where(
        CaseEvent.to_state.in_(("approved", "not_approved", "filed")))).all())
    return pd.DataFrame([{"city_code": r.city_code, "doc_class": r.fields["doc_class"],
                          "state": r.state, "decision_date": days.get(i),
                          "key_project": r.fields.get("key_project"), "synthetic": r.synthetic}
                         for i, r in ev.items()])


def test_t18_t19_weihai_eia(demo_url):
    with session_scope(demo_url) as s:
        df = _eia_frame(s, WH_STAFF)
    assert df["synthetic"].all()
    c23 = eia_counts(df, 2023).set_index("city_code").loc["371000"]
    assert c23["approvals"] == 648                    # T18 "648 EIA approvals"
    assert c23["filings"] == 5                        # 登记表 counted apart [D]
    c24 = eia_counts(df, 2024).set_index("city_code").loc["371000"]
    assert c24["key_project_approvals"] == 660        # T19 "660 key projects"


def test_t18_t19_weihai_off_site_share(demo_url):
    with session_scope(demo_url) as s:
        r23 = service.rates_for(s, WH_STAFF, "inspection", date(2023, 12, 31),
                                period_start=date(2023, 1, 1))
        r24 = service.rates_for(s, WH_STAFF, "inspection", date(2024, 12, 31),
                                period_start=date(2024, 1, 1))
    a = r23["371000"]["off_site_share"]
    assert (a.numerator, a.denominator, a.text()) == (264, 400, "66.0%")   # "more than 65 %"
    b = r24["371000"]["off_site_share"]
    assert (b.numerator, b.denominator, b.text()) == (212, 400, "53.0%")   # "超过50%"


def test_t18_weihai_villages_and_12345_settlement(demo_url):
    with session_scope(demo_url) as s:
        v = service.register_frame(s, WH_STAFF, "rural_sewage")
        assert sewage_completed(v, 2023)["371000"] == 160           # "160 villages"
        r = service.rates_for(s, WH_STAFF, "complaint", date(2023, 12, 31),
                              period_start=date(2023, 1, 1))["371000"]
    assert r["办结率"].text() == "100%" and r["办结率"].denominator == 120   # "both 100 %"


def test_scoping_of_demo_data(demo_url):
    with session_scope(demo_url) as s:
        with pytest.raises(RatesError, match="no inspection cases in your scope"):
            service.rates_for(s, RZ_STAFF, "inspection", date(2023, 12, 31),
                              period_start=date(2023, 1, 1))       # Weihai's are invisible
        board = service.overdue(s, WH_STAFF, date(2025, 7, 20))
        assert board and {b["city_code"] for b in board} == {"371000"}


def test_bulletin_section_from_the_demo(demo_url, tmp_path):
    from qingshan.config.settings import Settings
    from qingshan.core.periods import parse_period
    from qingshan.governance.report import section
    from qingshan.reports.model import SectionContext
    ctx = SectionContext(con=None, period=parse_period("2023"), province=load_province(
        "shandong"), lang="zh", settings=Settings(db=tmp_path / "x.duckdb",
                                                  database_url=demo_url))
    sec = section(ctx)
    df = sec.tables[0].df.set_index("unit")
    # Weihai 2023: 264 off-site of 400 inspections; 120 of 120 12345 transfers closed
    assert df.loc["威海市", "off-site inspections % n/N"] == "264/400"
    assert df.loc["威海市", "complaints closed % n/N"] == "120/120"
    assert "synthetic" in sec.paragraphs[0]
    empty = SectionContext(con=None, period=parse_period("2019"), province=ctx.province,
                           lang="zh", settings=ctx.settings)
    assert section(empty) is None                    # nothing for 2019: no section


def test_eia_on_time_rate_from_the_store(demo_url):
    from qingshan.governance.rates import eia_rates
    with session_scope(demo_url) as s:
        df = service.eia_frame(s, WH_STAFF)
    r = eia_rates(df, 2023)["371000"]["按时审批率"]
    # every synthetic approval is decided 30 days after acceptance, within the 30 cd (报告表,
    # rolled to a working day) or 60 cd (报告书) limit; refusals at 20 days: all on time
    assert r.numerator == r.denominator and r.denominator == 648 + 3


def test_drilldown_lists_exactly_the_counted_cases(demo_url):
    """The dashboard's drill-down (issue 18): Weihai 2023 off-site 264/400 (T18 "more than
    65 %") lists 264 and 400 cases; every numerator case is an off-site inspection ending in
    2023 and lies in the denominator; 12345 closed 120 of 120 lists 120 closed complaints."""
    from sqlalchemy import select

    from qingshan.governance.drilldown import DrilldownError, cases_behind
    from qingshan.governance.models import Case

    cut, st = date(2023, 12, 31), date(2023, 1, 1)
    with session_scope(demo_url) as s:
        num = cases_behind(s, WH_STAFF, "inspection", "off_site_share", "371000", "numerator",
                           cut, period_start=st)
        den = cases_behind(s, WH_STAFF, "inspection", "off_site_share", "371000",
                           "denominator", cut, period_start=st)
        nos = [c["public_no"] for c in num["cases"]]
        rows = s.scalars(select(Case).where(Case.public_no.in_(nos))).all()
        closed = cases_behind(s, WH_STAFF, "complaint", "办结率", "371000", "numerator", cut,
                              period_start=st)
        prov = cases_behind(s, WH_STAFF, "inspection", "off_site_share", "370000",
                            "numerator", cut, period_start=st)
        with pytest.raises(DrilldownError, match="no part"):
            cases_behind(s, WH_STAFF, "inspection", "off_site_share", "371000", "x", cut,
                         period_start=st)
    assert (num["count"], den["count"]) == (264, 400)
    assert len(set(nos)) == 264 and set(nos) <= {c["public_no"] for c in den["cases"]}
    assert all(r.fields["mode"] == "off_site" and r.fields["date_end"][:4] == "2023"
               for r in rows)
    assert closed["count"] == 120 and {c["state"] for c in closed["cases"]} == {"closed"}
    assert prov["count"] == 264                      # the demo holds Weihai only: Σ = 264
    assert num["synthetic"] and "exclusion:not a regulated unit" in num["parts"]
