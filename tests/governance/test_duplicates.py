"""Duplicate complaints (spec/governance.md §3.2 并案, §3.4, §6.4 "duplicate merging with
back-pointers; rates count the master once"): a duplicate points to its original, the original
lists its duplicates, a repeat of the same complainant within 30 days is excluded from 受理量
and counted in 重复投诉率."""

from datetime import date

import pytest
from sqlalchemy import select

from qingshan.accounts.authz import Actor, Forbidden
from qingshan.accounts.models import AuditEvent
from qingshan.governance import repository as repo
from qingshan.governance import service
from qingshan.governance.workflows import TransitionError
from qingshan.store.ops import session_scope, upgrade

STAFF = Actor(1, "wh_staff", "city_staff", "371000")
DISP = Actor(2, "wh_disp", "dispatcher", "371000")


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    u = f"sqlite:///{tmp_path_factory.mktemp('dup')}/ops.sqlite"
    upgrade(u)
    return u


def _new(s, day, phone):
    return repo.create_case(s, STAFF, "complaint", unit="371002", today=day,
                            fields={"received_at": day.isoformat(), "category": "投诉"},
                            personal={"phone": phone}, title="同一噪声").public_no


def test_duplicates_point_back_and_count_once(url):
    with session_scope(url) as s:
        a = _new(s, date(2024, 5, 6), "139")
        b = _new(s, date(2024, 5, 16), "139")     # same complainant, 10 days later: a repeat
        c = _new(s, date(2024, 5, 17), "138")     # another complainant: merged, not a repeat
        repo.transition(s, DISP, b, "merge", today=date(2024, 5, 16),
                        params={"merged_into": a})
        repo.transition(s, DISP, c, "merge", today=date(2024, 5, 17),
                        params={"merged_into": a})
        with pytest.raises(TransitionError, match="itself a duplicate"):
            repo.transition(s, DISP, _new(s, date(2024, 5, 18), "137"), "merge",
                            today=date(2024, 5, 18), params={"merged_into": b})
    with session_scope(url) as s:
        ra, rb, rc = (repo.get_case(s, STAFF, x)[0] for x in (a, b, c))
        assert ra.fields["duplicates"] == [b, c] and ra.state == "received"
        assert (rb.fields["merged_into"], rb.fields["repeat"]) == (a, True)
        assert (rc.fields["merged_into"], rc.fields["repeat"]) == (a, False)
        assert "duplicate_added" in [e["transition"] for e in repo.timeline(s, ra, True)]
        assert s.scalars(select(AuditEvent).where(AuditEvent.object_id == a,
                                                  AuditEvent.action == "update")).first()
        r = service.rates_for(s, STAFF, "complaint", date(2024, 5, 31),
                              period_start=date(2024, 5, 1))["371000"]
        from qingshan.governance.drilldown import cases_behind
        rep = cases_behind(s, STAFF, "complaint", "重复投诉率", "371000", "numerator",
                           date(2024, 5, 31), period_start=date(2024, 5, 1))
        early = cases_behind(s, STAFF, "complaint", "受理量", "371000", "denominator",
                             date(2024, 5, 10), period_start=date(2024, 5, 1))
    # the repeat is b, merged by then; on 05-10 only a had been received, still "received"
    assert [(c["public_no"], c["state_at_cutoff"]) for c in rep["cases"]] == [(b, "merged")]
    assert [(c["public_no"], c["state_at_cutoff"]) for c in early["cases"]] == \
        [(a, "received")]
    # by hand: 4 received (a, b, c and the refused one, still "received"); b is a repeat →
    # 受理量 3 of 4, 重复投诉率 1 of 4; b and c are outside 办结率 (并案 2)
    assert (r["受理量"].numerator, r["受理量"].denominator) == (3, 4)
    assert (r["重复投诉率"].numerator, r["重复投诉率"].denominator) == (1, 4)
    assert r["办结率"].exclusions["并案"] == 2


def test_merge_target_must_exist_and_differ(url):
    with session_scope(url) as s:
        x = _new(s, date(2024, 6, 3), "1")
        with pytest.raises(TransitionError, match="no case"):
            repo.transition(s, DISP, x, "merge", today=date(2024, 6, 3),
                            params={"merged_into": "TS-371000-2024-999999"})
    with session_scope(url) as s:
        with pytest.raises(TransitionError, match="not another complaint"):
            repo.transition(s, DISP, x, "merge", today=date(2024, 6, 3),
                            params={"merged_into": x})


def test_overdue_board_cards_tasks_and_marks(url):
    """Early warnings as far as the spec defines them: the 12345 yellow card 1 wd before the
    15-wd limit [V S15] (dispatched 2025-09-26 → due 10-23, so yellow on 10-22, T20); a
    rectification task past its plan deadline and not completed is overdue (§2.4 [D]); a task
    whose deadline is still ahead is not listed (the spec sets no warning lead for tasks)."""
    with session_scope(url) as s:
        no = repo.create_case(s, STAFF, "complaint", unit="371002", today=date(2025, 9, 26),
                              fields={"channel": "12345"},
                              clock_rules={"handle": "sd12345_handle"}).public_no
        repo.transition(s, DISP, no, "dispatch", today=date(2025, 9, 26),
                        params={"handler_unit": "371002", "handler_level": "county"})
        late = repo.create_case(s, STAFF, "dc_task", unit="371002", today=date(2025, 1, 6),
                                fields={"due_at": "2025-06-30"}).public_no
        ahead = repo.create_case(s, STAFF, "dc_task", unit="371002", today=date(2025, 1, 6),
                                 fields={"due_at": "2025-12-31"}).public_no
        board = {r["public_no"]: r for r in service.overdue(s, STAFF, date(2025, 10, 22))}
        assert not [r for r in service.overdue(s, STAFF, date(2025, 10, 21))
                    if r["public_no"] == no]                        # 2 wd left: no card yet
    assert (board[no]["card"], board[no]["due"], board[no]["card_mark"]) == \
        ("yellow", "2025-10-23", "V")
    assert (board[late]["card"], board[late]["due"], board[late]["mark"]) == \
        ("overdue", "2025-06-30", "D")
    assert ahead not in board


def test_permit_execution_reports_rate_board_and_drilldown(url):
    """§5.2 执行报告按时提交率 = #received by due / #due [D]: a permit expecting 2024-Q1 (due
    2024-04-30, received 04-25: on time), 2024-Q2 (due 07-31, received 08-05: late) and
    2024-Q3 (due 10-31, not received); as of 2024-11-30: 1 of 3 on time; as of 2024-06-30
    only Q1 is due: 1 of 1. The board lists Q3 overdue; the drill-down lists the permit."""
    from qingshan.governance.drilldown import cases_behind

    d = date(2024, 1, 8)
    with session_scope(url) as s:
        no = repo.create_case(s, STAFF, "permit", unit="371002", today=d,
                              fields={"doc_class": "key", "approval_level": "city"},
                              clock_rules={"decision": "permit_key"}).public_no
        repo.transition(s, STAFF, no, "accept", today=d)
        repo.transition(s, STAFF, no, "issue", today=d,
                        params={"permit_no": "913710001", "valid_to": "2029-01-07"})
        for p, due in (("2024-Q1", "2024-04-30"), ("2024-Q2", "2024-07-31"),
                       ("2024-Q3", "2024-10-31")):
            repo.transition(s, STAFF, no, "expect_execution_report", today=d,
                            params={"period": p, "due": due})
        with pytest.raises(TransitionError, match="already expected"):
            repo.transition(s, STAFF, no, "expect_execution_report", today=d,
                            params={"period": "2024-Q1", "due": "2024-04-30"})
        for p, sub in (("2024-Q1", "2024-04-25"), ("2024-Q2", "2024-08-05")):
            repo.transition(s, STAFF, no, "receive_execution_report", today=date.fromisoformat(
                sub), params={"period": p, "submitted": sub})
        with pytest.raises(TransitionError, match="no execution report expected"):
            repo.transition(s, STAFF, no, "receive_execution_report", today=d,
                            params={"period": "2025", "submitted": "2025-01-01"})
        nov = service.rates_for(s, STAFF, "permit", date(2024, 11, 30))["371000"]
        jun = service.rates_for(s, STAFF, "permit", date(2024, 6, 30))["371000"]
        board = [r for r in service.overdue(s, STAFF, date(2024, 11, 30), kind="permit")
                 if r["public_no"] == no]
        drill = cases_behind(s, STAFF, "permit", "执行报告按时提交率", "371000", "denominator",
                             date(2024, 11, 30))
    r = nov["执行报告按时提交率"]
    assert (r.numerator, r.denominator, r.text()) == (1, 3, "33.3%")
    assert (jun["执行报告按时提交率"].numerator, jun["执行报告按时提交率"].denominator) == (1, 1)
    assert [b["slot"] for b in board] == ["execution report 2024-Q3"]
    assert drill["count"] == 3 and {c["public_no"] for c in drill["cases"]} == {no}


def test_merge_does_not_reveal_other_cities_cases(url):
    """Review finding: the merge target was looked up before the role check and its scope
    checked last, so the errors told whether another city's case exists, its kind and its
    merged_into. Now: the role first (the same answer whatever the target), then a target
    outside the scope gets the very message of a missing case."""
    rz_disp = Actor(3, "rz_disp", "dispatcher", "371100")
    rz_staff = Actor(4, "rz_staff", "city_staff", "371100")
    with session_scope(url) as s:
        a = _new(s, date(2024, 7, 1), "201")                          # Weihai original
        b = _new(s, date(2024, 7, 2), "202")
        repo.transition(s, DISP, b, "merge", today=date(2024, 7, 2), params={"merged_into": a})
        task = repo.create_case(s, STAFF, "dc_task", unit="371002", today=date(2024, 7, 1),
                                fields={"due_at": "2024-12-31"}).public_no
        mine = repo.create_case(s, rz_staff, "complaint", unit="371102", today=date(2024, 7, 3),
                                fields={"received_at": "2024-07-03"}).public_no
    missing = "TS-371000-2024-999998"
    msgs = {}
    for target in (a, b, task, missing):
        with session_scope(url) as s:
            with pytest.raises(Exception) as e:
                repo.transition(s, rz_disp, mine, "merge", today=date(2024, 7, 3),
                                params={"merged_into": target})
        msgs[target] = (type(e.value), str(e.value).replace(target, "<no>"))
    # one answer for Weihai's original, its duplicate, its task and a number that does not exist
    assert len(set(msgs.values())) == 1 and msgs[missing][0] is TransitionError
    assert "no case" in msgs[missing][1]
    # a user without the merge role learns nothing either: refused for the role, any target
    roles = set()
    for target in (a, b, missing):
        with session_scope(url) as s:
            with pytest.raises(Forbidden) as e:
                repo.transition(s, rz_staff, mine, "merge", today=date(2024, 7, 3),
                                params={"merged_into": target})
        roles.add(str(e.value))
    assert len(roles) == 1 and "dispatcher" in roles.pop()


def _issued_permit(s, day):
    no = repo.create_case(s, STAFF, "permit", unit="371002", today=day,
                          fields={"doc_class": "key", "approval_level": "city"},
                          clock_rules={"decision": "permit_key"}).public_no
    repo.transition(s, STAFF, no, "accept", today=day)
    repo.transition(s, STAFF, no, "issue", today=day,
                    params={"permit_no": "913710002", "valid_to": "2030-01-07"})
    return no


@pytest.mark.parametrize("legacy", [False, True])
def test_execution_report_rate_is_as_of_the_cutoff(tmp_path, monkeypatch, legacy):
    """执行报告按时提交率 as of a cut-off counts only what the event log knew by then (review
    finding: it read the permit's current lists). 2025-Q1 (due 04-30) expected on 01-08;
    2025-Q2 (due 07-31) expected on 01-08, its receipt recorded on 08-05 with the typed receipt
    date 07-30; 2025-Q3 (due 10-31) expected only on 11-20. By hand:
    - as of 08-01: Q1 and Q2 due, neither receipt recorded yet → 0 of 2;
    - as of 08-10: Q2's receipt recorded (07-30 ≤ 07-31: on time) → 1 of 2;
    - as of 11-10: Q3 is due but not yet expected by then → still 1 of 2;
    - as of 11-30: Q3 expected and not received → 1 of 3.
    ``legacy``: events written before they carried the step's record (matched to the
    permit's n-th record of the step) give the same figures."""
    if legacy:
        from qingshan.governance.workflows import runner
        plain = runner.apply_step

        def old_step(*a, **k):
            ev = plain(*a, **k)
            return {**ev, "sets": {x: v for x, v in ev["sets"].items()
                                   if not isinstance(v, dict)}}
        monkeypatch.setattr(runner, "apply_step", old_step)
    url = f"sqlite:///{tmp_path}/ops.sqlite"
    upgrade(url)
    with session_scope(url) as s:
        no = _issued_permit(s, date(2025, 1, 8))
        for p, due, on in (("2025-Q1", "2025-04-30", date(2025, 1, 8)),
                           ("2025-Q2", "2025-07-31", date(2025, 1, 8)),
                           ("2025-Q3", "2025-10-31", date(2025, 11, 20))):
            repo.transition(s, STAFF, no, "expect_execution_report", today=on,
                            params={"period": p, "due": due})
        repo.transition(s, STAFF, no, "receive_execution_report", today=date(2025, 8, 5),
                        params={"period": "2025-Q2", "submitted": "2025-07-30"})
        got = {d: service.rates_for(s, STAFF, "permit", date.fromisoformat(d))["371000"]
               ["执行报告按时提交率"] for d in ("2025-08-01", "2025-08-10", "2025-11-10",
                                          "2025-11-30")}
    want = {"2025-08-01": (0, 2), "2025-08-10": (1, 2), "2025-11-10": (1, 2),
            "2025-11-30": (1, 3)}
    assert {d: (r.numerator, r.denominator) for d, r in got.items()} == want


def test_execution_report_receipt_cannot_be_dated_after_its_recording(tmp_path):
    """A receipt date later than the day the receipt is recorded is refused (it would count a
    report as received before anybody had it); the same day is accepted."""
    url = f"sqlite:///{tmp_path}/ops.sqlite"
    upgrade(url)
    with session_scope(url) as s:
        no = _issued_permit(s, date(2025, 1, 8))
        repo.transition(s, STAFF, no, "expect_execution_report", today=date(2025, 1, 8),
                        params={"period": "2025", "due": "2026-01-31"})
        with pytest.raises(TransitionError, match="later than the day it is recorded"):
            repo.transition(s, STAFF, no, "receive_execution_report", today=date(2025, 8, 5),
                            params={"period": "2025", "submitted": "2025-08-06"})
        repo.transition(s, STAFF, no, "receive_execution_report", today=date(2025, 8, 5),
                        params={"period": "2025", "submitted": "2025-08-05"})
