"""Duplicate complaints (spec/governance.md §3.2 并案, §3.4, §6.4 "duplicate merging with
back-pointers; rates count the master once"): a duplicate points to its original, the original
lists its duplicates, a repeat of the same complainant within 30 days is excluded from 受理量
and counted in 重复投诉率."""

from datetime import date

import pytest
from sqlalchemy import select

from qingshan.accounts.authz import Actor
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
