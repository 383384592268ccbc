"""The annual city report: auto figures locked to the ledgers, manual figures with sources,
the workflow by role, the provincial summary (DOCX + XLSX, pooled rates) and the progress
board (spec/governance.md §7.3–7.5)."""

from datetime import date

import openpyxl
import pytest

from qingshan.accounts.authz import Actor, Forbidden
from qingshan.config import load_province
from qingshan.governance import annual
from qingshan.governance import repository as repo
from qingshan.governance.bulk import bulk_create
from qingshan.governance.workflows import TransitionError
from qingshan.store.ops import session_scope, upgrade

PROV = load_province("shandong")
STAFF = Actor(1, "wh_staff", "city_staff", "371000")
LEADER = Actor(2, "wh_leader", "city_leader", "371000")
PSTAFF = Actor(3, "p_staff", "prov_staff", "370000")
D = date(2026, 1, 20)


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    u = f"sqlite:///{tmp_path_factory.mktemp('ann')}/ops.sqlite"
    upgrade(u)
    # Weihai 2025: 3 off-site + 1 on-site inspections → off-site share 3/4 = 75.0 %
    with session_scope(u) as s:
        bulk_create(s, STAFF, "inspection", [
            {"unit": "371002", "today": date(2025, 5, 1),
             "fields": {"mode": m, "date_end": "2025-05-01", "regulated": True,
                        "data_recorded": True}} for m in ["off_site"] * 3 + ["on_site"]],
            source="test")
    return u


def _fill_manual(s, no):
    sections = repo.get_case(s, STAFF, no)[0].fields["sections"]
    for sid, sec in sections.items():
        figs = {fid: ("1", "测试来源文件") for fid, f in sec["figures"].items()
                if not f["locked"]}
        if figs:
            annual.fill_report(s, STAFF, no, today=D, section=sid, figures=figs)


def test_report_workflow_and_summary(url, tmp_path):
    with session_scope(url) as s:
        row = annual.create_report(s, STAFF, "371000", 2025, D)
        no = row.public_no
        f = row.fields["sections"]["6"]["figures"]
        assert f["off_site_share"]["text"] == "75.0%" and f["off_site_share"]["locked"]
        assert f["inspections_total"]["value"] == 4
        assert row.fields["sections"]["7"]["figures"]["eia_approvals"]["value"] is None  # no data
        with pytest.raises(TransitionError, match="locked"):
            annual.fill_report(s, STAFF, no, today=D, section="6",
                               figures={"off_site_share": ("0.9", "x")})
        with pytest.raises(TransitionError, match="manual figure needs a value"):
            annual.submit_report(s, LEADER, no, today=D)
    with session_scope(url) as s:
        _fill_manual(s, no)
        with pytest.raises(Forbidden):                     # staff cannot submit (leader signs)
            annual.submit_report(s, STAFF, no, today=D)
        annual.submit_report(s, LEADER, no, today=D)
        repo.transition(s, PSTAFF, no, "start_review", today=D)
        repo.transition(s, PSTAFF, no, "return_report", today=D, reason="§6 口径说明")
        annual.fill_report(s, STAFF, no, today=D, section="6", text="非现场检查口径：N(off)/N(all)")
        annual.submit_report(s, LEADER, no, today=D, step="resubmit")
        repo.transition(s, PSTAFF, no, "start_review", today=D)
        row = repo.transition(s, PSTAFF, no, "accept", today=D)
        assert row.state == "accepted" and row.version == 2
        df, prog = annual.summary_frame(s, PSTAFF, PROV, 2025)
        with pytest.raises(Forbidden):
            annual.summary_frame(s, STAFF, PROV, 2025)
    assert list(df["city_code"]) == ["371000", "370000"]
    assert df.iloc[-1]["off_site_share"] == "75.0%"        # pooled over one city: 3/4
    # no analytic store and no carbon ledger here: the other domains' figures are flagged
    # in the summary, never zeros
    assert df.iloc[0]["pm25"].startswith("— (no value: no analytic store")
    assert df.iloc[0]["footprints"].startswith("— (no value: no enterprise of city 371000")
    assert {r["city_code"]: r["state"] for r in prog}["371000"] == "accepted"
    assert {r["city_code"]: r["state"] for r in prog}["370100"] == "none"
    x = annual.summary_xlsx(df, prog, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(x)
    assert wb.sheetnames == ["figures", "progress"] and wb["progress"].max_row == 17
    d = annual.summary_docx(df, prog, PROV, 2025, tmp_path / "s.docx")
    from docx import Document
    text = "\n".join(p.text for p in Document(d).paragraphs)
    assert "已接收 1 个市的报告" in text and "济南市" in text


def test_changed_ledger_blocks_submission(url):
    with session_scope(url) as s:
        no = annual.create_report(s, STAFF, "371000", 2025, D).public_no
        _fill_manual(s, no)
        bulk_create(s, STAFF, "inspection", [{"unit": "371002", "today": date(2025, 6, 1),
                                              "fields": {"mode": "on_site",
                                                         "date_end": "2025-06-01"}}],
                    source="test-late")
        with pytest.raises(TransitionError, match="stored 4 differs from the source's 5"):
            annual.submit_report(s, LEADER, no, today=D)
        # the draft recomputed from its sources: 3 off-site of 5 = 60.0 %, manual values kept
        annual.refresh_report(s, STAFF, no, today=D)
        f = repo.get_case(s, STAFF, no)[0].fields["sections"]
        assert f["6"]["figures"]["off_site_share"]["text"] == "60.0%"
        assert f["0"]["figures"]["issuer"]["source_doc"] == "测试来源文件"
        assert annual.submit_report(s, LEADER, no, today=D).state == "submitted"


def test_report_steps_only_through_the_service(url):
    with session_scope(url) as s:
        no = annual.create_report(s, STAFF, "371000", 2025, D).public_no
        with pytest.raises(TransitionError, match="report service"):
            repo.transition(s, STAFF, no, "edit", today=D, params={"sections": "x"})
        with pytest.raises(TransitionError, match="report service"):
            repo.transition(s, LEADER, no, "submit", today=D)
