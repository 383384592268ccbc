"""Synthetic demo ledgers for every city of the province (labelled ``synthetic`` on every row
and page), generated through the real state machines (:func:`qingshan.governance.bulk.
bulk_create` with in-memory histories) and stored in one transaction.

Weihai's published figures are reproduced *from its synthetic cases* (spec/governance.md T18,
T19 [V SEED, S21]): 648 EIA approvals decided in 2023 (登记表 filings separate), off-site
inspections > 65 % in 2023 (264 of 400 = 66.0 %) and > 50 % in 2024 (212 of 400 = 53.0 %),
160 villages whose sewage treatment was completed in 2023, every 2023 12345 transfer closed
(100 %), 660 key-project EIA approvals in 2024. Every other figure of every city is random
(seeded by the city code) and means nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts import audit
from qingshan.accounts.authz import Actor
from qingshan.config.province import ProvinceConfig
from qingshan.governance import roles as R
from qingshan.governance.bulk import bulk_create
from qingshan.governance.models import Case, RegisterRow
from qingshan.governance.workflows import ActorView
from qingshan.governance.workflows.guards import FIVE_CRITERIA

__all__ = ["load_demo", "WEIHAI", "DEMO_SOURCE"]

WEIHAI = "371000"
DEMO_SOURCE = "governance-demo (synthetic)"
#: Weihai's published figures reproduced by its synthetic cases
WEIHAI_FIGURES = {"eia_2023": 648, "key_eia_2024": 660, "villages_2023": 160,
                  "inspections": {2023: (264, 130, 6), 2024: (212, 180, 8)}}


def _counties(city) -> list[str]:
    return [k.code for k in city.counties] or [city.code[:4] + "02", city.code[:4] + "03"]


def _days(rng, year: int, n: int, last_month: int = 10) -> list[date]:
    start = date(year, 1, 3)
    span = (date(year, last_month, 31) - start).days
    return [start + timedelta(days=int(x)) for x in rng.integers(0, span, n)]


def _eia(city, rng, year: int, n_appr: int, n_key: int, staff: ActorView) -> list[dict]:
    items = []
    days = _days(rng, year, n_appr + 8)
    for i, d0 in enumerate(days):
        if i < n_appr:
            cls = "report_book" if rng.random() < 0.15 else "report_form"
            steps = [("accept", staff, d0, {}, None),
                     ("review", staff, d0 + timedelta(3), {}, None),
                     ("publish_intent", staff, d0 + timedelta(10), {}, None),
                     ("approve", staff, d0 + timedelta(30), {"decision_no": f"demo-{i}"}, None)]
        elif i < n_appr + 5:
            cls, steps = "registration", [("file_registration", staff, d0, {}, None)]
        else:
            cls = "report_form"
            steps = [("accept", staff, d0, {}, None),
                     ("review", staff, d0 + timedelta(3), {}, None),
                     ("refuse", staff, d0 + timedelta(20), {}, "synthetic refusal")]
        unit = _counties(city)[i % len(_counties(city))]
        items.append({"unit": unit, "today": d0, "title": f"示例项目 {year}-{i + 1} (synthetic)",
                      "fields": {"doc_class": cls, "approval_level": "city",
                                 "key_project": i < n_key, "project": f"示例项目 {i + 1}",
                                 "submitted": d0.isoformat()},
                      "clock_rules": {"decision": "eia_report_book" if cls == "report_book"
                                      else "eia_report_form"}, "steps": steps})
    return items


def _inspections(city, rng, year: int, counts: tuple[int, int, int] | None) -> list[dict]:
    if counts is None:
        n = int(rng.integers(150, 300))
        off = int(n * rng.uniform(0.35, 0.7))
        mixed = int(rng.integers(0, 10))
        counts = (off, n - off - mixed, mixed)
    modes = ["off_site"] * counts[0] + ["on_site"] * counts[1] + ["mixed"] * counts[2]
    days = _days(rng, year, len(modes), 12)
    cs = _counties(city)
    return [{"unit": cs[i % len(cs)], "today": d, "title": f"检查 {i + 1} (synthetic)",
             "fields": {"mode": m, "date_end": d.isoformat(), "regulated": True,
                        "data_recorded": True, "violation": bool(rng.random() < 0.06),
                        "trigger": "双随机" if i % 3 == 0 else "专项行动"}}
            for i, (m, d) in enumerate(zip(modes, days))]


def _complaints(city, rng, year: int, n: int, closed_share: float) -> list[dict]:
    cs = _counties(city)
    disp = ActorView("demo-dispatcher", frozenset({R.DISPATCHER}), city.code)
    cb = ActorView("demo-callback", frozenset({R.CALLBACK_AGENT}), city.code)
    items = []
    for i, d0 in enumerate(_days(rng, year, n)):
        unit = cs[i % len(cs)]
        h = ActorView("demo-handler", frozenset({R.HANDLER}), unit)
        steps = [("dispatch", disp, d0, {"handler_unit": unit, "handler_level": "county"}, None),
                 ("accept_unit", h, d0 + timedelta(1), {}, None),
                 ("start", h, d0 + timedelta(1), {}, None)]
        if rng.random() < closed_share or closed_share >= 1:
            steps += [("reply", h, d0 + timedelta(9), {"reply": "已处理 (synthetic)"}, None),
                      ("review_pass", disp, d0 + timedelta(10), {}, None),
                      ("record_callback", cb, d0 + timedelta(11),
                       {"callback": "satisfied" if rng.random() < 0.9 else
                        "basically_satisfied"}, None),
                      ("close", cb, d0 + timedelta(11), {}, None)]
        items.append({"unit": unit, "today": d0, "title": f"示例投诉 {i + 1} (synthetic)",
                      "fields": {"channel": "12345", "category": "投诉",
                                 "received_at": d0.isoformat()},
                      "clock_rules": {"handle": "sd12345_handle"}, "is_public": i % 4 == 0,
                      "steps": steps})
    return items


def _petitions(city, rng, n: int) -> list[dict]:
    prov = ActorView("demo-prov", frozenset({R.PROV_STAFF}), "370000")
    d0 = date(2025, 7, 2)
    items = []
    for i in range(n):
        unit = _counties(city)[i % len(_counties(city))]
        k = ActorView("demo-county", frozenset({R.COUNTY_STAFF}), unit)
        r = rng.random()
        fb = "feedback_concluded" if r < 0.8 else "feedback_staged" if r < 0.95 else \
            "feedback_open"
        items.append({"unit": unit, "today": d0, "title": f"交办件 33-{i + 1} (synthetic)",
                      "fields": {"batch_no": 33, "batch_date": d0.isoformat(),
                                 "source": "letter"},
                      "steps": [("assign", prov, d0, {"assigned_to": unit}, None),
                                (fb, k, d0 + timedelta(8), {}, None)]})
    return items


def _tasks(city, rng) -> list[dict]:
    staff = ActorView("demo-city", frozenset({R.CITY_STAFF}), city.code)
    reviewer = ActorView("demo-reviewer", frozenset({R.CITY_REVIEWER}), city.code + "-zj")
    items = []
    for i in range(5):
        unit = _counties(city)[i % len(_counties(city))]
        k = ActorView("demo-county", frozenset({R.COUNTY_STAFF}), unit)
        d0 = date(2025, 3, 3)
        f = {"level": "city", "responsible_unit": unit, "territory_unit": unit,
             "sector_unit": city.code + "-zj", "target": "示例整改目标 (synthetic)",
             "measures": ["示例措施"], "due_at": "2025-12-31", "responsible_person": "示例",
             "supervising_unit": "示例督导单位", "plan_version": "demo-1", "horizon": "short",
             "evidence_by_criterion": {c: ["synthetic"] for c in FIVE_CRITERIA},
             "notices": [{"level": "county"}, {"level": "city"}]}
        steps = [("plan", staff, d0, {}, None)]
        if i < 2:
            steps += [("self_check", k, d0 + timedelta(60), {}, None),
                      ("sign_territory", staff, d0 + timedelta(62), {}, None),
                      ("sign_sector", reviewer, d0 + timedelta(63), {}, None),
                      ("open_notice", staff, d0 + timedelta(65), {}, None),
                      ("cancel", staff, d0 + timedelta(80), {}, None)]
        elif i < 4:
            steps += [("progress", k, d0 + timedelta(30),
                       {"schedule_status": "on_schedule" if i == 2 else "behind"}, None)]
        items.append({"unit": unit, "today": d0, "title": f"示例整改任务 {i + 1} (synthetic)",
                      "fields": f, "steps": steps})
    return items


def _villages(session, city, rng, actor, now) -> int:
    n = 1200 if city.code == WEIHAI else int(rng.integers(800, 2500))
    cs = _counties(city)
    before = int(n * (0.55 if city.code == WEIHAI else rng.uniform(0.3, 0.7)))
    in_2023 = WEIHAI_FIGURES["villages_2023"] if city.code == WEIHAI else int(rng.integers(40, 200))
    years = [int(y) for y in rng.integers(2018, 2023, before)] + [2023] * in_2023
    rows = []
    for i in range(n):
        y = years[i] if i < len(years) else None
        rows.append(RegisterRow(register="rural_sewage", key=f"{city.code}{i:05d}-demo",
                                city_code=city.code, unit=cs[i % len(cs)],
                                fields={"village_code": f"{city.code}{i:05d}-demo",
                                        "name": f"示例村 {i + 1}", "treated": y is not None,
                                        "completed_year": y, "mode": "村级污水处理站"},
                                synthetic=True, created_at=now, created_by=actor.username))
    session.add_all(rows)
    return n


def load_demo(session: Session, province: ProvinceConfig, cities: list[str] | None = None,
              seed: int = 7) -> dict[str, dict[str, int]]:
    """Generate and store the synthetic ledgers of ``cities`` (default all); a city whose demo
    is already stored is skipped. Returns counts per city."""
    out = {}
    now = datetime.now(timezone.utc)
    for city in province.cities:
        if cities and city.code not in cities:
            continue
        exists = session.scalars(select(Case.id).where(Case.city_code == city.code,
                                                       Case.synthetic.is_(True))).first()
        if exists:
            out[city.code] = {"skipped": 1}
            continue
        rng = np.random.default_rng(seed + int(city.code))
        actor = Actor(None, f"demo:{city.code}", R.CITY_STAFF, city.code,
                      (R.DISPATCHER,), None, "system")
        prov = Actor(None, "demo:province", R.PROV_STAFF, province.code, (), None, "system")
        staff = ActorView("demo-city", frozenset({R.CITY_STAFF}), city.code)
        wh = city.code == WEIHAI
        counts = {}
        for year in (2023, 2024):
            n_appr = WEIHAI_FIGURES["eia_2023"] if wh and year == 2023 else \
                WEIHAI_FIGURES["key_eia_2024"] if wh else int(rng.integers(150, 400))
            n_key = WEIHAI_FIGURES["key_eia_2024"] if wh and year == 2024 else n_appr // 10
            counts[f"eia_{year}"] = len(bulk_create(
                session, actor, "eia_application", _eia(city, rng, year, n_appr, n_key, staff),
                source=DEMO_SOURCE, synthetic=True))
            counts[f"inspection_{year}"] = len(bulk_create(
                session, actor, "inspection", _inspections(
                    city, rng, year, WEIHAI_FIGURES["inspections"][year] if wh else None),
                source=DEMO_SOURCE, synthetic=True))
        counts["complaint_2023"] = len(bulk_create(
            session, actor, "complaint",
            _complaints(city, rng, 2023, 120 if wh else int(rng.integers(60, 150)),
                        1.0 if wh else float(rng.uniform(0.9, 1.0))),
            source=DEMO_SOURCE, synthetic=True))
        counts["dc_petition"] = len(bulk_create(session, prov, "dc_petition",
                                                _petitions(city, rng, int(rng.integers(2, 40))),
                                                source=DEMO_SOURCE, synthetic=True))
        counts["dc_task"] = len(bulk_create(session, actor, "dc_task", _tasks(city, rng),
                                            source=DEMO_SOURCE, synthetic=True))
        counts["villages"] = _villages(session, city, rng, actor, now)
        audit.record(session, actor, "ingest", "governance_register_rural_sewage", DEMO_SOURCE,
                     after={"rows": counts["villages"], "synthetic": True}, now=now)
        session.flush()
        out[city.code] = counts
    return out
