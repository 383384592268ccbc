"""Create many cases in one change (a file import, the demo): the same checks as
:func:`qingshan.governance.repository.create_case` per row (role, scope), but one flush for
all rows and **one** audit row for the batch (action ``ingest``, naming the source, the count
and the first/last public numbers), as an upload of monitoring data is one audited change.
Each case still gets its own ``create`` event in the append-only log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from qingshan.accounts import audit
from qingshan.accounts.authz import Actor, Forbidden
from qingshan.governance import repository as repo
from qingshan.governance.models import Case, CaseEvent, CaseUnit, Counter
from qingshan.governance.scope import city_of
from qingshan.governance.workflows import apply, machine, new_case

__all__ = ["bulk_create"]


def bulk_create(session: Session, actor: Actor, kind: str, items: Sequence[Mapping[str, Any]],
                *, source: str, synthetic: bool = False, request_id: str | None = None,
                client_ip: str | None = None) -> list[str]:
    """Create one case per item (``unit``, ``today`` and optionally ``fields``, ``personal``,
    ``external_id``, ``title``, ``is_public``, ``clock_rules``, ``co_units``, and ``steps``:
    a history ``[(transition, ActorView, day, params, reason), …]`` taken through the machine
    in memory (roles, states and guards checked as for a live step) — used by the demo);
    returns the public numbers in item order."""
    m = machine(kind)
    if not set(actor.roles) & m.create_roles:
        raise Forbidden(f"creating a {kind} needs one of {sorted(m.create_roles)}")
    for i, it in enumerate(items, start=1):
        for u in (it["unit"], *it.get("co_units", ())):
            if not repo.in_scope(actor, [u]):
                raise Forbidden(f"{source} item {i}: unit {u} is outside your organisation "
                                f"unit ({actor.unit})")
    now = datetime.now(timezone.utc)
    counters: dict[str, Counter] = {}
    rows, dicts = [], []
    for it in items:
        today: date = it["today"]
        city = city_of(it["unit"]) or it["unit"]
        series = f"{repo.PREFIX[kind]}-{city}-{today.year}"
        if series not in counters:
            c = session.get(Counter, series, with_for_update=True)
            if c is None:
                c = Counter(series=series, last=0)
                session.add(c)
            counters[series] = c
        counters[series].last += 1
        rules = dict(it.get("clock_rules") or {})
        fields = dict(it.get("fields") or {})
        d = new_case(m, today, **fields, clock_rules=rules)
        history = []
        for name, who, day, params, reason in it.get("steps", ()):
            d, evs = apply(m, d, name, who, today=day, params=params, reason=reason)
            history += [(day, e) for e in evs]
        stored = {k: v for k, v in d.items() if k not in repo._CORE} | {"clock_rules": rules}
        rows.append({"public_no": f"{series}-{counters[series].last:06d}", "kind": kind,
                     "city_code": city, "primary_org_unit": it["unit"], "state": d["state"],
                     "year": int(fields.get("year", today.year)),
                     "is_public": bool(it.get("is_public", False)), "synthetic": synthetic,
                     "external_id": it.get("external_id"),
                     "title": str(it.get("title", ""))[:200], "fields": stored,
                     "personal": dict(it.get("personal") or {}),
                     "clocks": {k: repo.clock_to_json(v) for k, v in d["clocks"].items()},
                     "signatures": d.get("signatures", []), "version": d.get("version", 1),
                     "created_at": now, "updated_at": now})
        dicts.append((d, today, it, history))
    session.flush()
    if rows:                 # one executemany; ids back by the (unique) public numbers
        session.execute(insert(Case), rows)
    by_no: dict[str, int] = {}
    nos_all = [r["public_no"] for r in rows]
    for i in range(0, len(nos_all), 500):
        by_no.update({no: cid for cid, no in session.execute(
            select(Case.id, Case.public_no).where(Case.public_no.in_(nos_all[i:i + 500])))})
    ids = [by_no[no] for no in nos_all]
    units, events = [], []
    for cid, row, (_d, today, it, history) in zip(ids, rows, dicts):
        us = [it["unit"], *[u for u in it.get("co_units", ()) if u != it["unit"]]]
        units += [{"case_id": cid, "unit": u, "is_primary": u == it["unit"]} for u in us]
        events.append({"case_id": cid, "seq": 1, "ts": now, "day": today.isoformat(),
                       "transition": "create", "from_state": None, "to_state": m.initial,
                       "actor_username": actor.username, "actor_role": actor.role,
                       "reason": None, "payload": {}, "public": row["is_public"],
                       "rule_version": m.version})
        for seq, (day, e) in enumerate(history, start=2):
            events.append({
                "case_id": cid, "seq": seq, "ts": now, "day": day.isoformat(),
                "transition": e["transition"], "from_state": e["from_state"],
                "to_state": e["to_state"], "actor_username": e["actor"],
                "actor_role": e["roles"][0], "reason": e["reason"],
                "payload": {"sets": e["sets"], "was_overdue": e["was_overdue"],
                            **({"callback": e["sets"]["callback"]} if "callback" in e["sets"]
                               else {}), "due": e.get("due", {})},
                "public": row["is_public"] and e["from_state"] != e["to_state"],
                "rule_version": e["rule_version"]})
    if units:
        session.execute(insert(CaseUnit), units)
        session.execute(insert(CaseEvent), events)
    nos = [r["public_no"] for r in rows]
    if nos:
        audit.record(session, actor, "ingest", f"governance_{kind}", source,
                     after={"created": len(nos), "first": nos[0], "last": nos[-1],
                            "synthetic": synthetic}, rule_version=m.version, now=now,
                     request_id=request_id, client_ip=client_ip)
    session.flush()
    return nos
