"""Every transition of every governance machine, tried by every role (spec/governance.md §2.4,
§2.5, §3.2, §4.3, §5, §7.4–7.5, §8.2).

``SPEC_ROLES`` is written from the spec's tables, independently of the machine files: the
machines must allow exactly these roles, and the engine must refuse every other role with
:class:`NotAllowed` (a PermissionError) before looking at state or guards.
"""

import pytest

from qingshan.governance import roles as R
from qingshan.governance.workflows import MACHINES, ActorView, NotAllowed, TransitionError, machine

P, PS, PL, CS, CR, CL, KS, H, D, CB, SV, SY = (
    R.PROV_ADMIN, R.PROV_STAFF, R.PROV_LEADER, R.CITY_STAFF, R.CITY_REVIEWER, R.CITY_LEADER,
    R.COUNTY_STAFF, R.HANDLER, R.DISPATCHER, R.CALLBACK_AGENT, R.SUPERVISOR, R.SYSTEM)
STAFF = {CS, PS}          # §8.2 eia / permit: CITY_STAFF or PROV_STAFF by approval level
CASE = {KS, CS}           # §8.2 inspection / case: COUNTY_STAFF, CITY_STAFF (own org)

SPEC_ROLES = {
    # §2.4 table
    "dc_task": {"plan": {PS, CS}, "start": {SY}, "progress": {KS, CS}, "self_check": {KS},
                "sign_territory": {CS}, "sign_sector": {CR}, "prov_accept": {PS},
                "accept": {SY}, "reject": {CS, CR, PS}, "open_notice": {CS},
                "record_notice": {CS}, "record_objection": {CS},
                "cancel": {CS, SY}, "reopen_objection": {CS}, "reopen_spot_check": {PS, CS},
                "resume": {SY}, "stage_met": {CS}, "next_stage": {CS},
                "change_deadline": {PS, CS}},
    # §2.5 + §8.2 dc_petition: record feedback COUNTY_STAFF, CITY_STAFF
    "dc_petition": {"assign": {PS, CS}, "feedback_concluded": {KS, CS},
                    "feedback_staged": {KS, CS}, "feedback_open": {KS, CS}, "stage": {KS, CS},
                    "conclude": {KS, CS}, "spot_check": {PS, CS}},
    # §3.2 and §8.2
    "complaint": {"dispatch": {D}, "not_accept": {D}, "merge": {D}, "accept_unit": {H},
                  "return_case": {H}, "redispatch": {D}, "start": {H},
                  "request_extension": {H}, "grant_extension": {CS, PS},
                  "refuse_extension": {CS, PS}, "reply": {H}, "review_pass": {D},
                  "review_fail": {D}, "record_callback": {CB}, "close": {CB},
                  "callback_redo": {CB}, "redo_start": {SY}, "supervise": {SV, SY}},
    # §2.8 [D]: the interviewing level's staff
    "interview": {t: STAFF for t in ("approve", "hold", "receive_report", "verify",
                                     "withdraw")},
    "inspection": {"amend": CASE},
    "enforcement_case": {t: CASE for t in (
        "file", "investigate", "to_legal_review", "notify", "request_hearing", "decide",
        "decide_no_penalty", "drop", "publish", "serve", "execute", "reconsider", "litigate",
        "resume_execution", "close")},
    "eia_application": {t: STAFF for t in (
        "file_registration", "accept", "request_completion", "resubmit", "start_evaluation",
        "end_evaluation", "review", "publish_intent", "hold_hearing", "end_hearing", "approve",
        "refuse", "publish")},
    "permit": {**{t: STAFF for t in (
        "register", "update_registration", "accept", "request_completion", "resubmit",
        "check_site", "issue", "refuse", "change", "apply_renewal", "renew", "revoke",
        "cancel", "expect_execution_report", "receive_execution_report")}, "expire": {SY}},
    # §7.4 / §8.2: draft by CITY_STAFF, submit by CITY_LEADER, review/accept/return PROV_STAFF
    "annual_report": {"edit": {CS}, "submit": {CL}, "start_review": {PS},
                      "return_report": {PS}, "resubmit": {CL}, "accept": {PS},
                      "lock": {SY, PS}, "amend": {CS}},
    # §7.5: approve by PROV_LEADER
    "provincial_summary": {"edit": {PS}, "approve": {PL}, "return_summary": {PL},
                           "send": {PS}},
}

#: §8.2 "create" column (complaints: registered by the dispatcher / city bureau 信访办)
SPEC_CREATE = {"dc_task": {PS, CS}, "dc_petition": {PS, CS}, "interview": STAFF,
               "complaint": {D, CS},
               "inspection": CASE, "enforcement_case": CASE, "eia_application": STAFF,
               "permit": STAFF, "annual_report": {CS}, "provincial_summary": {PS}}

ALL = sorted(R.ALL_ROLES)


def test_create_roles():
    for name in MACHINES:
        assert machine(name).create_roles == SPEC_CREATE[name], name


def test_every_machine_is_in_the_table_and_complete():
    assert set(SPEC_ROLES) == set(MACHINES)
    for name in MACHINES:
        m = machine(name)
        assert {t.name for t in m.transitions} == set(SPEC_ROLES[name]), name
        for t in m.transitions:
            assert t.roles == SPEC_ROLES[name][t.name], (name, t.name)


def test_role_names_equal_the_accounts_roles():
    from qingshan.accounts import roles as acc
    assert (R.ALL_ROLES - {R.SYSTEM}) == set(acc.ALL)


CASES = [(m, t) for m in MACHINES for t in SPEC_ROLES[m]]


@pytest.mark.parametrize("mname,tname", CASES)
def test_every_role_allowed_or_forbidden(mname, tname):
    m = machine(mname)
    state = m.transition(tname).sources[0]
    for role in ALL:
        actor = ActorView(user_id="u1", roles=frozenset({role}), unit="371000")
        if role in SPEC_ROLES[mname][tname]:
            try:  # the role passes; state/guards may still refuse, but never on the role
                m.check(state, tname, actor, {}, params={}, reason="r")
            except TransitionError:
                pass
        else:
            with pytest.raises(NotAllowed):
                m.check(state, tname, actor, {}, params={}, reason="r")


def test_forbidden_from_wrong_state():
    m = machine("complaint")
    a = ActorView("cb", frozenset({CB}), "371000")
    with pytest.raises(TransitionError, match="not allowed from state 'received'"):
        m.check("received", "close", a, {})
    d = ActorView("d", frozenset({D}), "371000")
    with pytest.raises(TransitionError, match="reason"):
        m.check("received", "not_accept", d, {}, reason=" ")
