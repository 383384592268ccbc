"""The governance ledgers in the operational store: scoping by org unit, audit rows in the same
transaction, append-only events, evidence content-addressed and immutable (spec/governance.md
§1.3, §8.1, §8.3; issue 18 "Tests")."""

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select, text

from qingshan.accounts import audit
from qingshan.accounts.authz import Actor, Forbidden
from qingshan.accounts.models import AuditEvent
from qingshan.governance import repository as repo
from qingshan.governance.evidence import EvidenceError, path_of, read_verified
from qingshan.governance.models import CaseEvent
from qingshan.governance.workflows import TransitionError
from qingshan.store.ops import session_scope, upgrade

D = date(2025, 9, 26)
WEIHAI_DISP = Actor(1, "wh_disp", "dispatcher", "371000")
WEIHAI_STAFF = Actor(2, "wh_staff", "city_staff", "371000")
RIZHAO_STAFF = Actor(3, "rz_staff", "city_staff", "371100")   # 371100 starts with 3710… too
HUANCUI_HANDLER = Actor(4, "hc_h", "handler", "371002")
WENDENG_HANDLER = Actor(5, "wd_h", "handler", "371003")
PROV = Actor(6, "prov", "prov_staff", "370000")
AUDITOR = Actor(7, "aud", "auditor", "370000")


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    u = f"sqlite:///{tmp_path_factory.mktemp('gov')}/ops.sqlite"
    upgrade(u)
    return u


def _audit_count(s):
    return s.scalar(select(func.count()).select_from(AuditEvent))


def _complaint(url, public=False):
    with session_scope(url) as s:
        row = repo.create_case(s, WEIHAI_DISP, "complaint", unit="371002", today=D,
                               personal={"name": "张三", "phone": "13800000000"},
                               clock_rules={"handle": "sd12345_handle"}, is_public=public,
                               title="夜间噪声")
        return row.public_no


def test_public_numbers_and_audit_on_create_and_transition(url):
    a, b = _complaint(url), _complaint(url)
    assert a.startswith("TS-371000-2025-") and int(b[-6:]) == int(a[-6:]) + 1
    with session_scope(url) as s:
        n0 = _audit_count(s)
        repo.transition(s, WEIHAI_DISP, a, "dispatch", today=D,
                        params={"handler_unit": "371002", "handler_level": "county"})
        assert _audit_count(s) == n0 + 1
        ev = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (ev.action, ev.object_id, ev.from_state, ev.to_state) == \
            ("transition", a, "received", "dispatched")
        assert "13800000000" not in ev.diff            # personal data hashed in the diff
        assert audit.verify(s).ok
        row, full = repo.get_case(s, WEIHAI_DISP, a)
        assert repo.case_view(s, row, WEIHAI_DISP, full)["due"] == {"handle": "2025-10-23"}


def test_city_user_cannot_read_or_change_another_citys_case(url):
    no = _complaint(url)
    with session_scope(url) as s:
        with pytest.raises(Forbidden):
            repo.get_case(s, RIZHAO_STAFF, no)
        assert no not in [c.public_no for c in repo.list_cases(s, RIZHAO_STAFF)]
        assert no in [c.public_no for c in repo.list_cases(s, WEIHAI_STAFF)]
        assert no in [c.public_no for c in repo.list_cases(s, PROV)]
        with pytest.raises(Forbidden):
            repo.transition(s, Actor(8, "rz_disp", "dispatcher", "371100"), no, "dispatch",
                            today=D, params={"handler_unit": "371102"})
        with pytest.raises(Forbidden):
            repo.add_evidence(s, RIZHAO_STAFF, no, b"x", name="x.txt")
        with pytest.raises(Forbidden):   # a Rizhao dispatcher cannot create Weihai cases
            repo.create_case(s, Actor(8, "rz_disp", "dispatcher", "371100"), "complaint",
                             unit="371002", today=D)


def test_public_case_shows_only_its_public_view(url):
    no = _complaint(url, public=True)
    with session_scope(url) as s:
        row, full = repo.get_case(s, RIZHAO_STAFF, no)
        v = repo.case_view(s, row, RIZHAO_STAFF, full)
        assert not full and "personal" not in v and v["open311_status"] == "open"
        row, full = repo.get_case(s, None, no)
        assert not full


def test_personal_data_masked_for_non_handling_roles(url):
    no = _complaint(url)
    with session_scope(url) as s:
        row, full = repo.get_case(s, WEIHAI_STAFF, no)
        assert repo.case_view(s, row, WEIHAI_STAFF, full)["personal"]["phone"] == "***"
        assert repo.case_view(s, row, WEIHAI_DISP, full)["personal"]["phone"] == "13800000000"
        assert repo.case_view(s, row, AUDITOR, True)["personal"]["name"] == "张三"


def test_failed_step_writes_nothing(url):
    no = _complaint(url)
    with session_scope(url) as s:
        n_audit = _audit_count(s)
        n_ev = s.scalar(select(func.count()).select_from(CaseEvent))
    with pytest.raises(TransitionError):
        with session_scope(url) as s:
            repo.transition(s, WEIHAI_DISP, no, "review_pass", today=D)
    with pytest.raises(Forbidden):          # a handler of another county: refused by role/scope
        with session_scope(url) as s:
            repo.transition(s, WENDENG_HANDLER, no, "accept_unit", today=D)
    with session_scope(url) as s:
        assert _audit_count(s) == n_audit
        assert s.scalar(select(func.count()).select_from(CaseEvent)) == n_ev
        assert repo.get_case(s, WEIHAI_DISP, no)[0].state == "received"


def test_events_are_append_only(url):
    _complaint(url)
    with pytest.raises(Exception, match="append-only"):
        with session_scope(url) as s:
            s.execute(text("UPDATE governance_event SET to_state = 'closed'"))
    with pytest.raises(Exception, match="append-only"):
        with session_scope(url) as s:
            s.execute(text("DELETE FROM governance_event"))


def test_evidence_content_addressed_and_never_overwritten(url, tmp_path):
    root = tmp_path / "ev"
    with session_scope(url) as s:
        row = repo.create_case(s, WEIHAI_STAFF, "dc_task", unit="371002", today=D,
                               fields={"level": "city", "responsible_unit": "371002",
                                       "territory_unit": "371002"})
        no = row.public_no
        sha = repo.add_evidence(s, Actor(9, "hc_k", "county_staff", "371002"), no,
                                b"acceptance minutes", name="纪要.pdf", criterion="资料齐全",
                                root=root)
        assert sha == hashlib.sha256(b"acceptance minutes").hexdigest()
        again = repo.add_evidence(s, WEIHAI_STAFF, no, b"acceptance minutes", name="copy.pdf",
                                  criterion="资料齐全", root=root)
        assert again == sha
        assert repo.get_case(s, WEIHAI_STAFF, no)[0].fields["evidence_by_criterion"] == \
            {"资料齐全": [sha]}
    p = path_of(root, sha)
    assert p.read_bytes() == b"acceptance minutes"
    assert not (p.stat().st_mode & 0o222)                  # read-only on disk
    p.chmod(0o644)
    p.write_bytes(b"tampered")
    with pytest.raises(EvidenceError, match="altered"):
        read_verified(root, sha)
    with pytest.raises(EvidenceError, match="altered"):     # storing again does not overwrite
        with session_scope(url) as s:
            repo.add_evidence(s, WEIHAI_STAFF, no, b"acceptance minutes", name="x",
                              criterion="措施到位", root=root)
    assert p.read_bytes() == b"tampered"


def test_dc_task_separation_of_duties_in_the_store(url, tmp_path):
    county = Actor(10, "wh_k", "county_staff", "371002")
    reviewer = Actor(11, "wh_zj", "city_reviewer", "371000-zj")
    with session_scope(url) as s:
        row = repo.create_case(s, WEIHAI_STAFF, "dc_task", unit="371002", today=D, fields={
            "level": "city", "responsible_unit": "371002", "territory_unit": "371002",
            "sector_unit": "371000-zj", "target": "t", "measures": ["m"],
            "due_at": "2025-12-31", "responsible_person": "p", "supervising_unit": "s",
            "plan_version": "v1"})
        no = row.public_no
        repo.transition(s, WEIHAI_STAFF, no, "plan", today=D)
        from qingshan.governance.workflows.guards import FIVE_CRITERIA
        for c in FIVE_CRITERIA:
            repo.add_evidence(s, county, no, c.encode(), name=f"{c}.jpg", criterion=c,
                              root=tmp_path)
        repo.transition(s, county, no, "self_check", today=D)
        repo.transition(s, WEIHAI_STAFF, no, "sign_territory", today=D)
        n = _audit_count(s)
        row = repo.transition(s, reviewer, no, "sign_sector", today=D)
        assert row.state == "accepted"
        # the sign and the automatic acceptance: two audit rows, two events
        assert _audit_count(s) == n + 2
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2)).all()
        assert [e.action for e in last] == ["transition", "sign"]
        assert last[0].actor_role == "system"
        tl = repo.timeline(s, row, True)
        assert [e["transition"] for e in tl] == ["create", "plan", "start", "self_check",
                                                 "sign_territory", "sign_sector", "accept"]


def test_permit_expiry_on_the_overdue_board(url):
    from qingshan.governance import service
    with session_scope(url) as s:
        row = repo.create_case(s, WEIHAI_STAFF, "permit", unit="371002", today=date(2025, 3, 3),
                               fields={"doc_class": "simplified", "approval_level": "city"},
                               clock_rules={"decision": "permit_simplified"})
        no = row.public_no
        repo.transition(s, WEIHAI_STAFF, no, "accept", today=date(2025, 3, 3))
        repo.transition(s, WEIHAI_STAFF, no, "issue", today=date(2025, 3, 10),
                        params={"permit_no": "X", "valid_to": "2026-03-09"})
        # warning from valid_to − 90 d = 2025-12-09
        near = {b["public_no"]: b["card"] for b in service.overdue(s, WEIHAI_STAFF,
                                                                   date(2025, 12, 10))}
        far = {b["public_no"] for b in service.overdue(s, WEIHAI_STAFF, date(2025, 12, 8))}
    assert near[no] == "expiry" and no not in far
