"""The rate input ``service.event_log`` (read column-wise from the store) on a small ledger
whose clocks, due dates and events are derived by hand from the working-day calendar
(``clocks/data/cn_2025.toml``, ``cn_2026.toml``) and the complaint / task machines; on both
operational stores (SQLite, PostgreSQL: tests/_postgres.py starts it)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from qingshan.accounts.authz import Actor
from qingshan.governance import repository as repo
from qingshan.governance import service
from qingshan.governance.bulk import bulk_create
from qingshan.governance.clocks import Clock
from qingshan.governance.models import Case
from qingshan.governance.rates import RatesError
from qingshan.governance.workflows import ActorView
from qingshan.governance.workflows.guards import FIVE_CRITERIA

T = pd.Timestamp
DISP = Actor(1, "disp", "dispatcher", "370000")          # creates and dispatches anywhere
HANDLER = Actor(2, "h", "handler", "371002")
CITY = Actor(3, "cs", "city_staff", "371000")             # grants county extensions (§8.2)
CB = Actor(4, "cb", "callback_agent", "371000")
WH = Actor(5, "wh", "city_staff", "371000")               # sees Weihai's cases only
SYS = Actor.system("tests")


def _vals(col) -> list:
    """The column's values with every missing one as None (a string column holds NaN)."""
    return [None if pd.isna(v) else v for v in col]


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger(request, tmp_path):
    """A: 371002, received and dispatched Fri 2025-09-26, replied 10-10, closed satisfied.
    B: 371002, dispatched Fri 2025-12-26, one 7-wd extension granted 2026-01-06; no
    received_at field. C: 371102 (Rizhao), never dispatched (no clock). D: 371002, never
    dispatched; its stored clock starts 2026-12-21 (past the loaded calendar). E: a dc_task
    of 371002 planned 2025-03-03, progress "behind" on 2025-04-02."""
    from qingshan.store import ops
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    else:
        from tests._postgres import new_database
        url = new_database()
    ops.upgrade(url)
    rules = {"handle": "sd12345_handle"}
    d = date
    with ops.session_scope(url) as s:
        def step(case, who, name, day, **params):
            repo.transition(s, who, case.public_no, name, today=day, params=params or None)
        a = repo.create_case(s, DISP, "complaint", unit="371002", today=d(2025, 9, 26),
                             fields={"channel": "12345", "received_at": "2025-09-26"},
                             clock_rules=rules)
        step(a, DISP, "dispatch", d(2025, 9, 26), handler_unit="371002",
             handler_level="county")
        step(a, HANDLER, "accept_unit", d(2025, 9, 28))
        step(a, HANDLER, "start", d(2025, 9, 28))
        step(a, HANDLER, "reply", d(2025, 10, 10), reply="done")
        step(a, DISP, "review_pass", d(2025, 10, 10))
        step(a, CB, "record_callback", d(2025, 10, 11), callback="satisfied")
        step(a, CB, "close", d(2025, 10, 11))
        b = repo.create_case(s, DISP, "complaint", unit="371002", today=d(2025, 12, 26),
                             fields={"channel": "12369"}, clock_rules=rules)
        step(b, DISP, "dispatch", d(2025, 12, 26), handler_unit="371002",
             handler_level="county")
        step(b, HANDLER, "accept_unit", d(2025, 12, 29))
        step(b, HANDLER, "start", d(2025, 12, 29))
        repo.transition(s, HANDLER, b.public_no, "request_extension", today=d(2026, 1, 5),
                        reason="site survey")
        step(b, CITY, "grant_extension", d(2026, 1, 6))
        repo.create_case(s, DISP, "complaint", unit="371102", today=d(2025, 10, 9),
                         fields={"channel": "12345", "received_at": "2025-10-09"},
                         clock_rules=rules)
        dd = repo.create_case(s, DISP, "complaint", unit="371002", today=d(2025, 10, 9),
                              fields={"channel": "12345", "received_at": "2025-10-09"},
                              clock_rules=rules)
        # a clock stored under an older calendar: its due date lies past the loaded years
        dd.clocks = {"handle": repo.clock_to_json(Clock("sd12345_handle", d(2026, 12, 21)))}
        county = ActorView("k", frozenset({"county_staff"}), "371002")
        city = ActorView("c", frozenset({"city_staff"}), "371000")
        bulk_create(s, CITY, "dc_task", [{
            "unit": "371002", "today": d(2025, 3, 3), "title": "task",
            "fields": {"level": "city", "responsible_unit": "371002",
                       "territory_unit": "371002", "sector_unit": "371000-zj",
                       "target": "t", "measures": ["m"], "due_at": "2025-12-31",
                       "responsible_person": "p", "supervising_unit": "u",
                       "plan_version": "1", "horizon": "short",
                       "evidence_by_criterion": {c: ["x"] for c in FIVE_CRITERIA},
                       "notices": [{"level": "county"}, {"level": "city"}]},
            "steps": [("plan", city, d(2025, 3, 3), {}, None),
                      ("progress", county, d(2025, 4, 2), {"schedule_status": "behind"},
                       None)]}], source="test")
        ids = dict(s.execute(select(Case.public_no, Case.id)).all())
    yield url, {k: ids[v.public_no] for k, v in (("A", a), ("B", b), ("D", dd))} | {
        "C": ids[next(n for n in ids if n.startswith("TS-371100"))],
        "E": ids[next(n for n in ids if n.startswith("DC-"))]}
    ops.get_engine(url).dispose()


def test_complaint_cases_due_dates_by_hand(ledger):
    from qingshan.store.ops import session_scope
    url, ids = ledger
    with session_scope(url) as s:
        cases, _ = service.event_log(s, SYS, "complaint")
        wh, _ = service.event_log(s, WH, "complaint")
    # newest first (ids D > C > B > A); the Weihai city staff does not see C (Rizhao, §8.1)
    assert cases["case_id"].tolist() == [ids["D"], ids["C"], ids["B"], ids["A"]]
    assert wh["case_id"].tolist() == [ids["D"], ids["B"], ids["A"]]
    assert list(cases.columns) == ["case_id", "public_no", "city_code", *service.CASE_FIELDS,
                                   "due_handle"]
    assert cases["city_code"].tolist() == ["371000", "371100", "371000", "371000"]
    assert cases["channel"].tolist() == ["12345", "12345", "12369", "12345"]
    due = dict(zip(cases["case_id"], cases["due_handle"]))
    # A: 15 working days (sd12345_handle, §3.1 [V S15]) after Fri 2025-09-26, the day itself
    # not counted: Sun 09-28 (make-up day) 1, 09-29 2, 09-30 3, 10-01..10-08 holiday, 10-09 4,
    # 10-10 5, Sat 10-11 (make-up) 6, 10-13..17 7-11, 10-20..23 12-15 → 2025-10-23; the reply
    # on 10-10 stops the clock, the due date stays
    assert due[ids["A"]] == T("2025-10-23")
    # B: after Fri 2025-12-26: 12-29..31 1-3, 2026-01-01..03 holiday, Sun 01-04 (make-up) 4,
    # 01-05..09 5-9, 01-12..16 10-14, 01-19 15; + 7 wd extension: 01-20..23 16-19,
    # 01-26..28 20-22 → 2026-01-28
    assert due[ids["B"]] == T("2026-01-28")
    assert pd.isna(due[ids["C"]])                # no clock: missing slot
    assert due[ids["D"]] is pd.NaT               # past 2026-12-31: no due date (flagged)
    assert cases["due_handle"].dtype.kind == "M"
    # received_at: the field, else the first event's day (B was created 2025-12-26)
    rec = dict(zip(cases["case_id"], cases["received_at"]))
    assert rec == {ids["A"]: T("2025-09-26"), ids["B"]: T("2025-12-26"),
                   ids["C"]: T("2025-10-09"), ids["D"]: T("2025-10-09")}
    assert cases["due_at"].isna().all() and cases["mode"].isna().all()   # not complaint fields


def test_complaint_events_by_hand(ledger):
    from qingshan.store.ops import session_scope
    url, ids = ledger
    with session_scope(url) as s:
        _, ev = service.event_log(s, SYS, "complaint")
    assert list(ev.columns) == ["case_id", "seq", "ts", "to_state", "due_at", "callback",
                                "schedule_status", "redo_count"]
    a = ev[ev["case_id"] == ids["A"]].sort_values("seq")
    # create (no clock yet), then each step's state and the handle due date after it
    assert a["to_state"].tolist() == ["received", "dispatched", "accepted_by_unit",
                                      "in_process", "replied", "reviewed", "callback", "closed"]
    assert a["ts"].tolist() == [T("2025-09-26")] * 2 + [T("2025-09-28")] * 2 + \
        [T("2025-10-10")] * 2 + [T("2025-10-11")] * 2
    assert _vals(a["due_at"]) == [None] + ["2025-10-23"] * 7
    assert _vals(a["callback"]) == [None] * 6 + ["satisfied", None]
    b = ev[ev["case_id"] == ids["B"]].sort_values("seq")
    assert b["to_state"].tolist() == ["received", "dispatched", "accepted_by_unit",
                                      "in_process", "extension_pending", "extended"]
    assert _vals(b["due_at"]) == [None] + ["2026-01-19"] * 4 + ["2026-01-28"]
    assert ev["schedule_status"].isna().all() and ev["redo_count"].isna().all()
    assert set(ev["case_id"]) == {ids["A"], ids["B"], ids["C"], ids["D"]}
    assert len(ev) == 8 + 6 + 1 + 1


def test_task_fields_and_schedule_status(ledger):
    from qingshan.store.ops import session_scope
    url, ids = ledger
    with session_scope(url) as s:
        cases, ev = service.event_log(s, WH, "dc_task")
        with pytest.raises(RatesError, match="no dc_task cases in your scope"):
            service.event_log(s, Actor(6, "rz", "city_staff", "371100"), "dc_task")
        with pytest.raises(RatesError, match="no complaint cases in your scope for 370200"):
            service.event_log(s, SYS, "complaint", city="370200")
    assert cases["case_id"].tolist() == [ids["E"]]
    assert (cases.loc[0, "due_at"], cases.loc[0, "horizon"]) == ("2025-12-31", "short")
    e = ev.sort_values("seq")
    # create, plan, its automatic start (SYSTEM on plan approval), the weekly progress step
    # (no state change)
    assert e["to_state"].tolist() == ["imported", "planned", "in_progress", "in_progress"]
    assert e["ts"].tolist() == [T("2025-03-03")] * 3 + [T("2025-04-02")]
    assert _vals(e["schedule_status"]) == [None] * (len(e) - 1) + ["behind"]   # only progress
