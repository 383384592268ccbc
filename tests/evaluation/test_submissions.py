"""Submitted indicators: template round trip, validation, workflow, roles, audit rows, and the
accepted values read by the engine."""

import pytest

from qingshan.accounts.audit import events, verify
from qingshan.accounts.authz import Actor, Forbidden
from qingshan.config import get_settings, load_province
from qingshan.core.ingest.errors import IngestError
from qingshan.evaluation.frameworks import load_framework
from qingshan.evaluation.ingest.template import read_template, write_template
from qingshan.evaluation.submissions import (
    SubmissionError, ValueIn, accepted_panel, list_submissions, save_values, transition,
)
from qingshan.store.ops import session_scope, upgrade

FW = load_framework("shandong-2035")
WEIHAI = "371000"
CITY = Actor(11, "wh_staff", "city_staff", WEIHAI)
OTHER_CITY = Actor(12, "jn_staff", "city_staff", "370100")
PROV = Actor(7, "wang", "prov_staff", "370000")


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    s = get_settings(db=str(tmp_path_factory.mktemp("evops") / "q.duckdb"))
    upgrade(s)
    return s


def _v(ind="forest_cover", value=41.2, unit="%", note="2025 森林资源年报 p.3", source="市林业局"):
    return ValueIn(WEIHAI, 2025, ind, value, unit, source, note)


def test_template_round_trip(tmp_path):
    p = write_template(FW, WEIHAI, "威海市", 2025, tmp_path / "t.xlsx")
    from openpyxl import load_workbook
    wb = load_workbook(p)
    ws = wb["values"]
    subm = [i.code for i in FW.indicators if i.source == "submitted"]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == subm
    ws.cell(2, 9, 41.2)
    ws.cell(2, 10, "市林业局")
    ws.cell(2, 11, "2025 森林资源年报")
    wb.save(p)
    rows = read_template(p, FW)
    assert len(rows) == 1 and rows[0].indicator == subm[0] and rows[0].value == 41.2
    assert rows[0].unit == WEIHAI and rows[0].where.endswith("row 2")


def test_template_refuses_other_files(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(IngestError, match="not an xlsx"):
        read_template(p, FW)


def test_validation_lists_every_problem():
    with pytest.raises(SubmissionError) as e:
        save_values(None, CITY, FW, [_v(value="abc"), _v(value=120), _v(unit="km2"),
                                     _v(note=" "), _v(ind="pm25")])
    msg = str(e.value)
    assert "not a number" in msg and "outside 0–100" in msg and "expected '%'" in msg
    assert "evidence note is required" in msg and "pm25 is computed" in msg


def test_workflow_roles_audit_and_engine_input(settings):
    with session_scope(settings) as s:
        with pytest.raises(Forbidden):
            save_values(s, OTHER_CITY, FW, [_v()])        # Jinan staff cannot enter Weihai's
    with session_scope(settings) as s:
        (sid,) = save_values(s, CITY, FW, [_v()], submit=True)
    with session_scope(settings) as s:
        with pytest.raises(Forbidden):
            transition(s, CITY, sid, "accept")            # a city cannot accept its own value
        with pytest.raises(SubmissionError, match="comment"):
            transition(s, PROV, sid, "return")
        r = transition(s, PROV, sid, "return", "附证明材料")
        assert r["state"] == "returned" and r["comment"] == "附证明材料"
    with session_scope(settings) as s:
        save_values(s, CITY, FW, [_v(value=41.5)], submit=True)
        assert accepted_panel(s, FW).empty                # nothing accepted yet
        r = transition(s, PROV, sid, "accept")
        assert r["state"] == "accepted" and r["reviewed_by"] == "wang"
        with pytest.raises(SubmissionError, match="no longer be edited"):
            save_values(s, CITY, FW, [_v(value=50)])
    with session_scope(settings) as s:
        p = accepted_panel(s, FW)
        assert p.to_dict("records")[0]["value"] == 41.5 and "accepted" in p.iloc[0]["source"]
        ev = sorted(events(s, object_type="evaluation_submission", object_id=str(sid)),
                    key=lambda e: e.seq)
        # create, submit, return, update, submit, accept
        assert [e.action for e in ev] == ["create", "submit", "review", "update", "submit",
                                          "review"]
        assert [e.to_state for e in ev][-1] == "accepted" and verify(s).ok
        assert list_submissions(s, state="accepted")[0]["submitted_by"] == "wh_staff"


def test_accepted_values_reach_the_engine(tmp_path):
    # its own store: under xdist the workflow test above may run on another worker, so this
    # test submits and accepts the value it reads instead of relying on the order of the module
    from qingshan.evaluation import service
    settings = get_settings(db=str(tmp_path / "q.duckdb"))
    upgrade(settings)
    prov = load_province("shandong")
    with session_scope(settings) as s:
        (sid,) = save_values(s, CITY, FW, [_v(value=41.5)], submit=True)
    with session_scope(settings) as s:
        transition(s, PROV, sid, "accept")
    with session_scope(settings) as s:
        sub = accepted_panel(s, FW)
    r = service.run(FW, 2025, submitted=sub, province=prov,
                    overrides={"rank_partial": True})
    res = r.result
    assert res.prepared.raw.at[WEIHAI, "forest_cover"] == 41.5
    assert "accepted" in res.provenance.at[WEIHAI, "forest_cover"]
    # one indicator of 25 for one city: partial everywhere, so nothing at the index is complete
    assert not res.complete[FW.root].any()
