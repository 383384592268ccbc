"""Whole cases through the machines: guards, separation of duties, clocks (spec/governance.md
§2.3–2.5, §3.1–3.2, §4.3, §5.1–5.2, §7.4). Dates are counted by hand on the 2025 calendar."""

from datetime import date

import pytest

from qingshan.governance import roles as R
from qingshan.governance.clocks import card
from qingshan.governance.workflows import ActorView, TransitionError, apply, machine, new_case
from qingshan.governance.workflows.guards import FIVE_CRITERIA


def who(uid, role, unit):
    return ActorView(uid, frozenset({role}), unit)


PROV = who("p1", R.PROV_STAFF, "370000")
CITY = who("c1", R.CITY_STAFF, "371000")
CITY2 = who("c2", R.CITY_STAFF, "371000")
REVIEWER = who("r1", R.CITY_REVIEWER, "371000-zj")
COUNTY = who("k1", R.COUNTY_STAFF, "371002")
OTHER_COUNTY = who("k9", R.COUNTY_STAFF, "371100")      # Rizhao, not Weihai
D0 = date(2025, 9, 1)


def _planned_task():
    m = machine("dc_task")
    case = new_case(m, D0, level="city", responsible_unit="371002", territory_unit="371002",
                    sector_unit="371000-zj", target="管网雨污分流", measures=["改造"],
                    due_at="2025-12-31", responsible_person="张三", supervising_unit="市住建局",
                    plan_version="v1")
    case, ev = apply(m, case, "plan", CITY, today=D0)
    assert [e["to_state"] for e in ev] == ["planned", "in_progress"]   # start is automatic
    return m, case


def test_dc_task_plan_needs_all_fields_and_the_right_level():
    m = machine("dc_task")
    case = new_case(m, D0, level="province", target="x")
    with pytest.raises(TransitionError, match="plan fields missing: measures"):
        apply(m, case, "plan", PROV, today=D0)
    full = {**case, "measures": ["m"], "due_at": "2025-12-31", "responsible_unit": "371002",
            "responsible_person": "p", "supervising_unit": "s", "plan_version": "v1"}
    with pytest.raises(TransitionError, match="province-level item is handled by prov_staff"):
        apply(m, full, "plan", CITY, today=D0)
    assert apply(m, full, "plan", PROV, today=D0)[0]["state"] == "in_progress"


def test_dc_task_xiaohao_dual_track_and_double_publicity():
    m, case = _planned_task()
    with pytest.raises(TransitionError, match="no evidence for"):
        apply(m, case, "self_check", COUNTY, today=D0)
    case["evidence_by_criterion"] = {c: ["sha"] for c in FIVE_CRITERIA}
    with pytest.raises(TransitionError, match="only the territory unit"):
        apply(m, case, "self_check", OTHER_COUNTY, today=D0)
    case, _ = apply(m, case, "self_check", COUNTY, today=date(2025, 9, 10))
    assert case["state"] == "self_checked" and case["self_check_by"] == "k1"
    # territory signed; the same user cannot also sign the sector track (CITY holds only
    # city_staff, so try with a user holding both roles)
    case, _ = apply(m, case, "sign_territory", CITY, today=date(2025, 9, 11))
    assert case["state"] == "self_checked"
    both = ActorView("c1", frozenset({R.CITY_REVIEWER}), "371000-zj")
    with pytest.raises(TransitionError, match="both tracks"):
        apply(m, case, "sign_sector", both, today=date(2025, 9, 11))
    with pytest.raises(TransitionError, match="already signed"):
        apply(m, case, "sign_territory", CITY2, today=date(2025, 9, 11))
    wrong_dept = who("r2", R.CITY_REVIEWER, "371000-sl")
    with pytest.raises(TransitionError, match="reviewer of 371000-zj"):
        apply(m, case, "sign_sector", wrong_dept, today=date(2025, 9, 11))
    case, ev = apply(m, case, "sign_sector", REVIEWER, today=date(2025, 9, 12))
    assert case["state"] == "accepted" and ev[-1]["transition"] == "accept"
    with pytest.raises(TransitionError, match="two notice records"):
        apply(m, case, "open_notice", CITY, today=date(2025, 9, 25))
    with pytest.raises(TransitionError, match="level"):
        apply(m, case, "record_notice", CITY, today=date(2025, 9, 25), params={"level": "x"})
    for lv in ("county", "city"):
        case, _ = apply(m, case, "record_notice", CITY, today=date(2025, 9, 25),
                        params={"level": lv, "url": f"https://{lv}.example/notice"})
    case, _ = apply(m, case, "open_notice", CITY, today=date(2025, 9, 25))
    # notice 5 wd from Thu 9-25: 9-26, 9-28 (make-up Sun), 9-29, 9-30, 10-09 → ends 10-09
    assert case["clocks"]["notice"].due_at() == date(2025, 10, 9)
    with pytest.raises(TransitionError, match="runs until 2025-10-09"):
        apply(m, case, "cancel", CITY, today=date(2025, 10, 9))
    case, _ = apply(m, case, "record_objection", CITY, today=date(2025, 10, 8),
                    params={"id": "O1", "status": "open", "text": "仍有异味"})
    with pytest.raises(TransitionError, match="objection is still open"):
        apply(m, case, "cancel", CITY, today=date(2025, 10, 10))
    upheld, _ = apply(m, case, "record_objection", CITY, today=date(2025, 10, 10),
                      params={"id": "O1", "status": "upheld"})
    reopened, ev = apply(m, upheld, "reopen_objection", CITY, today=date(2025, 10, 10),
                         reason="群众异议属实")
    assert [e["to_state"] for e in ev] == ["reopened", "in_progress"]
    assert reopened["signatures"] == []            # a new 销号 needs both tracks again
    case, _ = apply(m, case, "record_objection", CITY, today=date(2025, 10, 10),
                    params={"id": "O1", "status": "dismissed"})
    case, _ = apply(m, case, "cancel", CITY, today=date(2025, 10, 10))
    assert case["state"] == "cancelled" and m.group("cancelled") == "closed_resolved"
    with pytest.raises(TransitionError, match="evidence"):
        apply(m, case, "reopen_spot_check", PROV, today=date(2025, 11, 1), reason="反弹")
    case, _ = apply(m, case, "reopen_spot_check", PROV, today=date(2025, 11, 1), reason="反弹",
                    params={"evidence_sha256": ["ab" * 32]})
    assert case["state"] == "in_progress"


def test_dc_task_selfcheck_submitter_cannot_sign_and_provincial_acceptance():
    m, case = _planned_task()
    case["evidence_by_criterion"] = {c: ["sha"] for c in FIVE_CRITERIA}
    case["requires_prov_acceptance"] = True
    case, _ = apply(m, case, "self_check", COUNTY, today=D0)
    k_as_city = ActorView("k1", frozenset({R.CITY_STAFF}), "371000")
    with pytest.raises(TransitionError, match="applied for 销号"):
        apply(m, case, "sign_territory", k_as_city, today=D0)
    case, _ = apply(m, case, "sign_territory", CITY, today=D0)
    case, _ = apply(m, case, "sign_sector", REVIEWER, today=D0)
    assert case["state"] == "self_checked"          # 省级验收 still missing
    case, _ = apply(m, case, "prov_accept", PROV, today=D0)
    assert case["state"] == "accepted"
    rejected = new_case(m, D0)
    rejected.update(state="self_checked")
    with pytest.raises(TransitionError, match="reason"):
        apply(m, rejected, "reject", CITY, today=D0)


def test_dc_petition_10_days_over_national_day():
    m = machine("dc_petition")
    case = new_case(m, date(2025, 9, 26), batch_no=9)
    # received Fri 9-26 + 10 cd = Mon 10-06 (holiday) → next working day Thu 10-09 [P S10]
    assert case["clocks"]["feedback"].due_at() == date(2025, 10, 9)
    case, _ = apply(m, case, "assign", PROV, today=date(2025, 9, 26),
                    params={"assigned_to": "371002"})
    case, _ = apply(m, case, "feedback_staged", COUNTY, today=date(2025, 10, 10))
    assert case["state"] == "staged"
    assert card(case["clocks"]["feedback"], date(2025, 10, 10)) == "late"
    case, _ = apply(m, case, "conclude", COUNTY, today=date(2025, 11, 3))
    assert m.group(case["state"]) == "closed_resolved"


def _complaint():
    m = machine("complaint")
    case = new_case(m, date(2025, 9, 26), channel="12345",
                    clock_rules={"handle": "sd12345_handle"})
    disp = who("d1", R.DISPATCHER, "371000")
    case, _ = apply(m, case, "dispatch", disp, today=date(2025, 9, 26),
                    params={"handler_unit": "371002", "handler_level": "county"})
    return m, case, disp


def test_complaint_t20_extension_and_callback_redo():
    m, case, disp = _complaint()
    h = who("h1", R.HANDLER, "371002")
    cb = who("cb1", R.CALLBACK_AGENT, "371000")
    assert case["clocks"]["handle"].due_at() == date(2025, 10, 23)    # 15 wd, see calendar test
    with pytest.raises(TransitionError, match="only the handler unit"):
        apply(m, case, "accept_unit", who("h9", R.HANDLER, "371100"), today=date(2025, 9, 28))
    case, _ = apply(m, case, "accept_unit", h, today=date(2025, 9, 28))
    case, _ = apply(m, case, "start", h, today=date(2025, 9, 29))
    case, _ = apply(m, case, "request_extension", h, today=date(2025, 10, 22), reason="复杂")
    with pytest.raises(TransitionError, match="granted by city_staff"):
        apply(m, case, "grant_extension", PROV, today=date(2025, 10, 22))
    case, _ = apply(m, case, "grant_extension", CITY, today=date(2025, 10, 22))
    assert case["clocks"]["handle"].due_at() == date(2025, 11, 3)      # + 7 wd
    case, ev = apply(m, case, "reply", h, today=date(2025, 10, 31), params={"reply": "已整改"})
    assert ev[0]["was_overdue"] == {"handle": False}
    assert card(case["clocks"]["handle"], date(2025, 12, 1)) == "done"
    case, _ = apply(m, case, "review_pass", disp, today=date(2025, 11, 3))
    with pytest.raises(TransitionError, match="callback must be one of"):
        apply(m, case, "record_callback", cb, today=date(2025, 11, 4), params={"callback": "ok"})
    case, _ = apply(m, case, "record_callback", cb, today=date(2025, 11, 4),
                    params={"callback": "dissatisfied"})
    with pytest.raises(TransitionError, match="dissatisfied: redo"):
        apply(m, case, "close", cb, today=date(2025, 11, 4))
    case, ev = apply(m, case, "callback_redo", cb, today=date(2025, 11, 4))
    assert case["state"] == "in_process" and case["redo_count"] == 1
    # 重办 restarts the clock [D]: 15 wd from Tue 11-04 = 11-05..07 (3), 11-10..14 (8),
    # 11-17..21 (13), 11-24, 11-25 (15)
    assert case["clocks"]["handle"].due_at() == date(2025, 11, 25)


def test_complaint_extension_only_before_due_and_overdue_frozen():
    m, case, _ = _complaint()
    h = who("h1", R.HANDLER, "371002")
    case, _ = apply(m, case, "accept_unit", h, today=date(2025, 9, 28))
    case, _ = apply(m, case, "start", h, today=date(2025, 9, 29))
    with pytest.raises(TransitionError, match="deadline \\(2025-10-23\\) has passed"):
        apply(m, case, "request_extension", h, today=date(2025, 10, 24), reason="x")
    case, ev = apply(m, case, "reply", h, today=date(2025, 10, 24))
    assert ev[0]["was_overdue"] == {"handle": True}
    assert card(case["clocks"]["handle"], date(2025, 10, 24)) == "late"


def test_eia_report_form_clock_with_evaluation_pause_and_intended_notice():
    m = machine("eia_application")
    case = new_case(m, date(2025, 9, 1), doc_class="report_form", approval_level="city",
                    clock_rules={"decision": "eia_report_form"})
    case, _ = apply(m, case, "accept", CITY, today=date(2025, 9, 1))
    # 30 cd from 9-01 = 10-01 (holiday) → next working day 10-09
    assert case["clocks"]["decision"].due_at() == date(2025, 10, 9)
    case, _ = apply(m, case, "start_evaluation", CITY, today=date(2025, 9, 5))
    assert case["clocks"]["decision"].due_at() is None                  # clock stopped
    case, _ = apply(m, case, "end_evaluation", CITY, today=date(2025, 9, 14))
    # paused 9-06..9-14 = 9 days: 10-01 + 9 = 10-10 (Fri, working day)
    assert case["clocks"]["decision"].due_at() == date(2025, 10, 10)
    case, _ = apply(m, case, "publish_intent", CITY, today=date(2025, 9, 25))
    with pytest.raises(TransitionError, match="runs until 2025-10-09"):
        apply(m, case, "approve", CITY, today=date(2025, 9, 30))
    with pytest.raises(TransitionError, match="city-level item is handled by city_staff"):
        apply(m, case, "approve", PROV, today=date(2025, 10, 10))
    case, _ = apply(m, case, "approve", CITY, today=date(2025, 10, 10))
    assert case["clocks"]["decision"].stopped_at == date(2025, 10, 10)
    assert card(case["clocks"]["decision"], date(2025, 10, 10)) == "done"
    # decision announcement 7 wd [P]: 10-11 (make-up Sat), 10-13..10-17, 10-20 → 10-20
    assert case["clocks"]["publish"].due_at() == date(2025, 10, 20)


def test_eia_registration_form_is_filed_not_approved():
    m = machine("eia_application")
    case = new_case(m, D0, doc_class="registration", approval_level="city")
    with pytest.raises(TransitionError, match="filed, not approved"):
        apply(m, case, "accept", CITY, today=D0)
    assert apply(m, case, "file_registration", CITY, today=D0)[0]["state"] == "filed"


def test_permit_site_check_switches_to_45_days():
    m = machine("permit")
    case = new_case(m, D0, doc_class="key", approval_level="city",
                    clock_rules={"decision": "permit_key"})
    case, _ = apply(m, case, "accept", CITY, today=date(2025, 8, 1))
    assert case["clocks"]["decision"].due_at() == date(2025, 9, 1)     # 8-31 Sun → Mon 9-01
    case, _ = apply(m, case, "check_site", CITY, today=date(2025, 8, 5))
    assert case["clocks"]["decision"].due_at() == date(2025, 9, 15)    # 8-01 + 45 = 9-15 Mon


def test_penalty_publication_7_working_days():
    m = machine("enforcement_case")
    case = new_case(m, D0, lead_org_unit="371002")
    for t in ("file", "investigate", "to_legal_review", "notify"):
        case, _ = apply(m, case, t, COUNTY, today=date(2025, 9, 1))
    assert case["clocks"]["decide"].due_at() == date(2025, 12, 1)      # 9-01 + 90 cd = 11-30 Sun
    case, _ = apply(m, case, "decide", COUNTY, today=date(2025, 9, 26))
    # 7 wd from Fri 9-26: 9-28, 9-29, 9-30, 10-09, 10-10, 10-11, 10-13
    assert case["clocks"]["publish"].due_at() == date(2025, 10, 13)
    with pytest.raises(TransitionError, match="lead org unit"):
        apply(m, case, "serve", OTHER_COUNTY, today=date(2025, 9, 27))


def test_annual_report_workflow_and_reviewer_not_drafter():
    m = machine("annual_report")
    leader = who("l1", R.CITY_LEADER, "371000")
    other_leader = who("l9", R.CITY_LEADER, "370200")
    case = new_case(m, D0, city_code="371000", year=2025, report_problems=["§5 满意率 missing"])
    case, _ = apply(m, case, "edit", CITY, today=D0)
    with pytest.raises(TransitionError, match="满意率 missing"):
        apply(m, case, "submit", leader, today=D0)
    del case["report_problems"]
    with pytest.raises(TransitionError, match="were not checked"):
        apply(m, case, "submit", leader, today=D0)
    case["report_problems"] = []
    with pytest.raises(TransitionError, match="only the city code"):
        apply(m, case, "submit", other_leader, today=D0)
    case, _ = apply(m, case, "submit", leader, today=D0)
    case, _ = apply(m, case, "start_review", PROV, today=D0)
    case, _ = apply(m, case, "return_report", PROV, today=D0, reason="§6 补充非现场执法口径")
    assert case["state"] == "returned" and case["version"] == 2
    case, _ = apply(m, case, "resubmit", leader, today=D0)
    case, _ = apply(m, case, "start_review", PROV, today=D0)
    drafter_at_prov = ActorView("c1", frozenset({R.PROV_STAFF}), "370000")
    with pytest.raises(TransitionError, match="drafter cannot accept"):
        apply(m, case, "accept", drafter_at_prov, today=D0)
    case, _ = apply(m, case, "accept", PROV, today=D0)
    assert case["state"] == "accepted"


def test_interview_report_due_30_days():
    m = machine("interview")
    case = new_case(m, D0, level="province")
    case, _ = apply(m, case, "approve", PROV, today=D0)
    with pytest.raises(TransitionError, match="province-level item"):
        apply(m, case, "hold", CITY, today=D0)
    case, _ = apply(m, case, "hold", PROV, today=date(2025, 9, 5),
                    params={"requirements": ["PM2.5 达标"]})
    # 9-05 + 30 cd = 10-05 (holiday) → next working day Thu 10-09 [V S26 30 days; roll M]
    assert case["clocks"]["report"].due_at() == date(2025, 10, 9)
    case, _ = apply(m, case, "receive_report", PROV, today=date(2025, 10, 9))
    assert card(case["clocks"]["report"], date(2025, 10, 20)) == "done"
