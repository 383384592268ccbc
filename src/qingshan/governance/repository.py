"""The governance ledgers in the operational store: scoped reads, audited writes.

- Scoping (spec/governance.md §8.1): a user sees and changes the cases one of whose org units
  (primary or co-unit, §1.1) lies in the user's unit (:func:`qingshan.governance.scope.
  unit_contains`); a case outside the scope is readable only when public, and only its public
  view; every write outside the scope is :class:`~qingshan.accounts.authz.Forbidden`.
- Every change writes its audit row (:func:`qingshan.accounts.audit.record`) in the caller's
  session, so the change and its audit row commit or roll back together (§8.3).
- Transitions are checked by the machine (roles, state, guards) and applied by the pure runner;
  the event rows (timeline and rate input) are append-only.
- Personal data of complainants (``personal``) is shown only to the dispatcher, handler,
  callback agent and auditor roles; masked elsewhere and hashed in the audit diff (§8.1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON, Integer, String, Text, any_, bindparam, cast, exists, func, or_, select, type_coerce,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from qingshan.accounts import audit
from qingshan.accounts.authz import Actor, Forbidden
from qingshan.governance import roles as R
from qingshan.governance.clocks import Clock
from qingshan.governance.evidence import evidence_root, store_bytes
from qingshan.governance.models import Case, CaseEvent, CaseEvidence, CaseUnit, Counter, Evidence
from qingshan.governance.scope import city_of, unit_contains
from qingshan.governance.workflows import (
    ActorView, NotAllowed, TransitionError, apply, machine, new_case,
)

__all__ = ["NotFound", "PREFIX", "actor_view", "create_case", "transition", "add_evidence",
           "get_case", "list_cases", "case_view", "case_dict", "timeline", "in_scope",
           "READ_PERSONAL", "clock_to_json", "clock_from_json", "RESERVED", "case_rows",
           "json_text", "in_ids"]

#: public-number prefixes by case kind: ``{prefix}-{city}-{yyyy}-{seq:06d}`` [D §1.3]
PREFIX = {"dc_task": "DC", "dc_petition": "DX", "interview": "YT", "complaint": "TS", "inspection": "JC",
          "enforcement_case": "ZF", "eia_application": "HP", "permit": "PW",
          "annual_report": "BG", "provincial_summary": "HZ"}
#: roles that see complainants' personal data (§8.1)
READ_PERSONAL = frozenset({R.DISPATCHER, R.HANDLER, R.CALLBACK_AGENT, R.AUDITOR})
_CORE = {"state", "clocks", "clock_rules", "signatures", "version", "city_code",
         "primary_org_unit", "public_no", "kind"}
#: annual-report steps only :mod:`qingshan.governance.annual` may take (it supplies the
#: edited sections and the checked figures)
SERVICE_STEPS = frozenset({"edit", "submit", "resubmit"})
#: fields only the steps write (guard facts): refused in the fields of a new case, so nobody
#: creates a case already "signed", "accepted by the province" or "checked"
RESERVED = _CORE | {"self_check_by", "prov_accepted", "drafted_by", "evidence_by_criterion",
                    "report_problems", "snapshot", "redo_count", "callback", "supervised",
                    "merged_into", "duplicates", "repeat", "objections", "notices",
                    "handler_unit", "handler_level", "assigned_to", "sections",
                    "execution_reports_due", "execution_reports_received"}


class NotFound(LookupError):
    """No case with that id or public number (HTTP 404)."""


def actor_view(actor: Actor) -> ActorView:
    """The rules' view of an :class:`Actor` (username as the id for separation of duties)."""
    return ActorView(actor.username, frozenset(actor.roles), actor.unit)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def clock_to_json(c: Clock) -> dict:
    return {"rule_id": c.rule_id, "start": c.start.isoformat(),
            "pauses": [[a.isoformat(), b.isoformat() if b else None] for a, b in c.pauses],
            "extensions": list(c.extensions), "length": c.length,
            "stopped_at": c.stopped_at.isoformat() if c.stopped_at else None}


def clock_from_json(d: Mapping[str, Any]) -> Clock:
    def day(s):
        return date.fromisoformat(s) if s else None
    return Clock(d["rule_id"], date.fromisoformat(d["start"]),
                 tuple((day(a), day(b)) for a, b in d.get("pauses", ())),
                 tuple(d.get("extensions", ())), d.get("length"), day(d.get("stopped_at")))


def _units(session: Session, case_id: int) -> list[str]:
    return list(session.scalars(select(CaseUnit.unit).where(CaseUnit.case_id == case_id)))


def _scope_unit(actor: Actor) -> str:
    """The unit whose cases the actor covers: a department or sub-unit ``371000-zj`` covers
    its parent's cases (a CITY_REVIEWER works for the whole city, in its sector, §8.1)."""
    return actor.unit.split("-", 1)[0]


def in_scope(actor: Actor, units: Iterable[str]) -> bool:
    """Whether one of the case's units lies in the actor's unit (system jobs: always)."""
    return R.SYSTEM in actor.roles or any(unit_contains(_scope_unit(actor), u) for u in units)


def _scope_filter(actor: Actor):
    """SQL condition: the case has a unit under the actor's unit (bound LIKE prefix)."""
    if R.SYSTEM in actor.roles:
        return True
    u = _scope_unit(actor)
    if len(u) == 6 and u.isdigit() and u[2:] == "0000":
        cond = CaseUnit.unit.like(u[:2] + "%")
    elif len(u) == 6 and u.isdigit() and u[4:] == "00":
        cond = CaseUnit.unit.like(u[:4] + "%")
    else:
        cond = or_(CaseUnit.unit == u, CaseUnit.unit.like(u.replace("%", "").replace("_", "")
                                                          + "-%"))
    return exists().where(CaseUnit.case_id == Case.id, cond)


def _next_no(session: Session, kind: str, city: str, year: int) -> str:
    series = f"{PREFIX[kind]}-{city}-{year}"
    row = session.get(Counter, series, with_for_update=True)
    if row is None:
        row = Counter(series=series, last=0)
        session.add(row)
    row.last += 1
    session.flush()
    return f"{series}-{row.last:06d}"


def case_dict(row: Case) -> dict[str, Any]:
    """The case as the pure rules see it (fields + state, clocks, signatures …)."""
    d = dict(row.fields or {})
    d.update(state=row.state, version=row.version, signatures=list(row.signatures or []),
             clocks={k: clock_from_json(v) for k, v in (row.clocks or {}).items()},
             clock_rules=dict((row.fields or {}).get("clock_rules", {})),
             city_code=row.city_code, primary_org_unit=row.primary_org_unit,
             public_no=row.public_no, kind=row.kind)
    return d


def _snapshot(row: Case) -> dict:
    return {"state": row.state, "fields": row.fields, "signatures": row.signatures,
            "clocks": row.clocks, "version": row.version, "is_public": row.is_public,
            **{f"personal.{k}": v for k, v in (row.personal or {}).items()}}



def create_case(session: Session, actor: Actor, kind: str, *, unit: str, today: date,
                fields: Mapping[str, Any] | None = None, co_units: Iterable[str] = (),
                personal: Mapping[str, Any] | None = None, title: str = "",
                is_public: bool = False, synthetic: bool = False,
                external_id: str | None = None, clock_rules: Mapping[str, str] | None = None,
                request_id: str | None = None, client_ip: str | None = None,
                trusted_fields: bool = False) -> Case:
    """Create a case of ``kind`` at org unit ``unit`` (role and scope checked, audited).

    ``fields`` may not hold the facts only steps write (:data:`RESERVED`) unless
    ``trusted_fields`` (the server's own callers: the annual report service)."""
    m = machine(kind)
    if not set(actor.roles) & m.create_roles:
        raise Forbidden(f"creating a {kind} needs one of {sorted(m.create_roles)}")
    units = [unit, *[u for u in co_units if u != unit]]
    if not all(in_scope(actor, [u]) for u in units):
        raise Forbidden(f"user {actor.username!r} ({actor.unit}) may not create cases for "
                        f"{', '.join(u for u in units if not in_scope(actor, [u]))}")
    city = city_of(unit) or unit
    fields = dict(fields or {})
    if trusted_fields is False and (bad := sorted(set(fields) & RESERVED)):
        raise TransitionError(f"fields {bad} are written by the case's steps, not on creation")
    fields = {k: v for k, v in fields.items() if k not in _CORE}
    d = new_case(m, today, **fields, clock_rules=dict(clock_rules or {}))
    stored = {k: v for k, v in d.items() if k not in _CORE}
    stored["clock_rules"] = dict(clock_rules or {})
    now = _now()
    row = Case(public_no=_next_no(session, kind, city, today.year), kind=kind, city_code=city,
               primary_org_unit=unit, state=d["state"], year=int(fields.get("year", today.year)),
               is_public=is_public, synthetic=synthetic, external_id=external_id, title=title,
               fields=stored, personal=dict(personal or {}),
               clocks={k: clock_to_json(v) for k, v in d["clocks"].items()}, signatures=[],
               version=1, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    for u in units:
        session.add(CaseUnit(case_id=row.id, unit=u, is_primary=(u == unit)))
    session.add(CaseEvent(case_id=row.id, seq=1, ts=now, day=today.isoformat(),
                          transition="create", from_state=None, to_state=row.state,
                          actor_username=actor.username, actor_role=actor.role, reason=None,
                          payload={"due": _dues(d["clocks"])}, public=is_public,
                          rule_version=m.version))
    audit.record(session, actor, "create", f"governance_{kind}", row.public_no,
                 after=_snapshot(row), to_state=row.state, rule_version=m.version,
                 personal=[f"personal.{k}" for k in (personal or {})], request_id=request_id,
                 client_ip=client_ip, now=now)
    session.flush()
    return row


def _dues(clocks: Mapping[str, Clock]) -> dict[str, str | None]:
    out = {}
    for k, c in clocks.items():
        d = c.due_at()
        out[k] = d.isoformat() if d else None
    return out


def _load(session: Session, key: int | str) -> Case:
    q = select(Case).where(Case.id == key) if isinstance(key, int) else \
        select(Case).where(Case.public_no == key)
    row = session.scalars(q).first()
    if row is None:
        raise NotFound(f"no case {key!r}")
    return row


def get_case(session: Session, actor: Actor | None, key: int | str) -> tuple[Case, bool]:
    """(case, full) — ``full`` False when the actor sees only its public view. Raises NotFound,
    or Forbidden for a non-public case outside the actor's scope."""
    row = _load(session, key)
    if actor is not None and in_scope(actor, _units(session, row.id)):
        return row, True
    if row.is_public:
        return row, False
    raise Forbidden(f"case {row.public_no} is outside your organisation unit")


def case_view(session: Session, row: Case, actor: Actor | None, full: bool) -> dict[str, Any]:
    """A plain dict of the case for the shells: personal data masked unless the actor's role
    may read it; the public view has no fields beyond the public ones."""
    m = machine(row.kind)
    clocks = {k: clock_from_json(v) for k, v in (row.clocks or {}).items()}
    base = {"id": row.id, "public_no": row.public_no, "kind": row.kind,
            "city_code": row.city_code, "state": row.state,
            "state_label": m.states[row.state].label, "group": m.group(row.state),
            "open311_status": m.states[row.state].open311 or
            ("open" if m.group(row.state) == "open" else "closed"),
            "title": row.title, "year": row.year, "is_public": row.is_public,
            "synthetic": row.synthetic, "due": _dues(clocks),
            "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}
    if not full:
        pub = (row.fields or {}).get("public_fields", [])
        base["fields"] = {k: v for k, v in (row.fields or {}).items() if k in pub}
        return base
    see = actor is not None and bool(set(actor.roles) & READ_PERSONAL)
    base.update(fields=dict(row.fields or {}), signatures=list(row.signatures or []),
                primary_org_unit=row.primary_org_unit, units=_units(session, row.id),
                external_id=row.external_id, version=row.version,
                personal={k: (v if see else "***") for k, v in (row.personal or {}).items()})
    return base


def transition(session: Session, actor: Actor, key: int | str, name: str, *, today: date,
               params: Mapping[str, Any] | None = None, reason: str | None = None,
               request_id: str | None = None, client_ip: str | None = None,
               context: Mapping[str, Any] | None = None, via_service: bool = False) -> Case:
    """Take transition ``name`` on a case in the actor's scope (checked, applied, audited).

    ``context``: facts computed by the server for the guards (e.g. the annual report's
    ``report_problems``), seen by the guards and never stored."""
    row = _load(session, key)
    if not in_scope(actor, _units(session, row.id)):
        raise Forbidden(f"case {row.public_no} is outside your organisation unit")
    if row.kind == "annual_report" and name in SERVICE_STEPS and not via_service:
        raise TransitionError(f"annual report step {name!r} goes through the report service "
                              "(sections are edited and figures checked there)")
    m = machine(row.kind)
    master = None
    if row.kind == "complaint" and name == "merge":
        # the step's role before the target is looked at: the target's errors must not tell
        # a user who may not merge anything about another case
        if not set(actor.roles) & m.transition(name).roles:
            raise Forbidden(f"{m.name}.{name}: needs one of the roles "
                            f"{sorted(m.transition(name).roles)}")
        master = _merge_target(session, actor, row, params)
    before = _snapshot(row)
    try:
        new, events = apply(m, {**case_dict(row), **(context or {})}, name, actor_view(actor),
                            today=today, params=params, reason=reason)
    except NotAllowed as e:
        raise Forbidden(str(e)) from None
    for k in context or {}:
        new.pop(k, None)
    row.state = new["state"]
    row.version = int(new.get("version", row.version))
    row.signatures = list(new.get("signatures", []))
    row.clocks = {k: clock_to_json(v) for k, v in new["clocks"].items()}
    row.fields = {k: v for k, v in new.items() if k not in _CORE} | {
        "clock_rules": dict(new.get("clock_rules", {}))}
    now = _now()
    row.updated_at = now
    seq = session.scalar(select(func.max(CaseEvent.seq)).where(CaseEvent.case_id == row.id)) or 0
    ev_sha = tuple((params or {}).get("evidence_sha256", ()))
    for i, ev in enumerate(events, start=1):
        by = actor if i == 1 else Actor.system("governance.auto", tree=None)
        payload = {"sets": ev["sets"], "was_overdue": ev["was_overdue"],
                   "due": _dues(new["clocks"])}
        if "callback" in (params or {}):
            payload["callback"] = params["callback"]
        session.add(CaseEvent(case_id=row.id, seq=seq + i, ts=now, day=today.isoformat(),
                              transition=ev["transition"], from_state=ev["from_state"],
                              to_state=ev["to_state"], actor_username=by.username,
                              actor_role=by.role, reason=ev["reason"], payload=payload,
                              public=row.is_public and ev["from_state"] != ev["to_state"],
                              rule_version=ev["rule_version"]))
        audit.record(session, by, "sign" if ev["transition"].startswith(("sign_", "prov_acc"))
                     else "transition", f"governance_{row.kind}", row.public_no,
                     before=before if i == 1 else None, after=_snapshot(row) if i == len(events)
                     else None, from_state=ev["from_state"], to_state=ev["to_state"],
                     reason=ev["reason"], evidence_sha256=ev_sha if i == 1 else (),
                     rule_version=ev["rule_version"], request_id=request_id,
                     client_ip=client_ip, now=now,
                     personal=[f"personal.{k}" for k in (row.personal or {})])
    if master is not None:
        _link_duplicate(session, actor, row, master, today=today, now=now,
                        request_id=request_id, client_ip=client_ip)
    session.flush()
    return row


#: a merged complaint from the same complainant received within this many calendar days of
#: its original counts as a repeat (§3.4 受理量 excludes it, 重复投诉率 counts it) [D]
REPEAT_WINDOW_DAYS = 30


def _received(row: Case) -> date:
    v = (row.fields or {}).get("received_at")
    try:
        return date.fromisoformat(str(v)[:10]) if v else row.created_at.date()
    except ValueError:
        return row.created_at.date()


def _merge_target(session: Session, actor: Actor, row: Case,
                  params: Mapping[str, Any] | None) -> Case | None:
    """The original a complaint is merged into (§3.2 并案, §6.4 "duplicate merging with
    back-pointers"): an existing complaint, not this one, in the actor's scope, and itself an
    original (a duplicate points to its original, never to another duplicate). A case outside
    the actor's scope gets the message of a missing case, before any other check, so nothing
    (existence, kind, merged_into) leaks about it; the caller has checked the step's role."""
    no = (params or {}).get("merged_into")
    if not no:
        return None                       # the machine's guard names the missing parameter
    try:
        master = _load(session, str(no))
    except NotFound:
        master = None
    if master is None or not in_scope(actor, _units(session, master.id)):
        raise TransitionError(f"merged_into: no case {no!r}") from None
    if master.kind != "complaint" or master.id == row.id:
        raise TransitionError(f"merged_into: {no} is not another complaint")
    if master.state == "merged":
        raise TransitionError(f"merged_into: {no} is itself a duplicate of "
                              f"{(master.fields or {}).get('merged_into')}; merge into that one")
    return master


def _link_duplicate(session: Session, actor: Actor, dup: Case, master: Case, *, today: date,
                    now: datetime, request_id: str | None, client_ip: str | None) -> None:
    """The back-pointer: the original lists its duplicates (FixMyStreet ``duplicates[]``,
    §6.4), one timeline event and one audit row on the original; the duplicate is flagged a
    repeat when the same complainant (same phone) sent it within
    :data:`REPEAT_WINDOW_DAYS` days of the original (rates count the original once)."""
    phone = (dup.personal or {}).get("phone")
    repeat = bool(phone) and phone == (master.personal or {}).get("phone") and \
        abs((_received(dup) - _received(master)).days) <= REPEAT_WINDOW_DAYS
    dup.fields = {**(dup.fields or {}), "merged_into": master.public_no, "repeat": repeat}
    old = list((master.fields or {}).get("duplicates", []))
    new = old + [dup.public_no]
    master.fields = {**(master.fields or {}), "duplicates": new}
    master.updated_at = now
    seq = session.scalar(select(func.max(CaseEvent.seq)).where(
        CaseEvent.case_id == master.id)) or 0
    session.add(CaseEvent(case_id=master.id, seq=seq + 1, ts=now, day=today.isoformat(),
                          transition="duplicate_added", from_state=master.state,
                          to_state=master.state, actor_username=actor.username,
                          actor_role=actor.role, reason=f"{dup.public_no} merged into it",
                          payload={"sets": {"duplicates": new}}, public=False,
                          rule_version=machine("complaint").version))
    audit.record(session, actor, "update", "governance_complaint", master.public_no,
                 before={"duplicates": old}, after={"duplicates": new},
                 reason=f"duplicate {dup.public_no} merged into it (repeat: {repeat})",
                 request_id=request_id, client_ip=client_ip, now=now)


def add_evidence(session: Session, actor: Actor, key: int | str, data: bytes, *, name: str,
                 criterion: str = "", media_type: str = "application/octet-stream",
                 root: Path | None = None, request_id: str | None = None) -> str:
    """Store a file (content-addressed, never overwritten) and link it to a case; returns
    its SHA-256. Writers only (any role of the case's machine but read-only ones)."""
    row = _load(session, key)
    if not in_scope(actor, _units(session, row.id)):
        raise Forbidden(f"case {row.public_no} is outside your organisation unit")
    writers = set().union(*(t.roles for t in machine(row.kind).transitions)) - {R.SYSTEM}
    if not set(actor.roles) & writers:
        raise Forbidden(f"adding evidence to a {row.kind} needs one of {sorted(writers)}")
    sha, _ = store_bytes(root or evidence_root(), data)
    now = _now()
    if session.get(Evidence, sha) is None:
        session.add(Evidence(sha256=sha, size=len(data), media_type=media_type,
                             first_name=name[:255], created_at=now, created_by=actor.username))
    if session.get(CaseEvidence, (row.id, sha, criterion)) is None:
        session.add(CaseEvidence(case_id=row.id, sha256=sha, criterion=criterion,
                                 name=name[:255], added_at=now, added_by=actor.username))
        before = _snapshot(row)
        fields = dict(row.fields or {})
        ev = {k: list(v) for k, v in fields.get("evidence_by_criterion", {}).items()}
        ev.setdefault(criterion or "other", []).append(sha)
        fields["evidence_by_criterion"] = ev
        row.fields = fields
        row.updated_at = now
        audit.record(session, actor, "upload", f"governance_{row.kind}", row.public_no,
                     before=before, after=_snapshot(row), evidence_sha256=[sha],
                     request_id=request_id, now=now)
    session.flush()
    return sha


def _cases_query(q, actor: Actor, kind: str | None, city: str | None, state: str | None,
                 year: int | None, limit: int, offset: int):
    """``q`` restricted to the cases in the actor's scope, filtered, newest first: the one
    scoping of :func:`list_cases` and :func:`case_rows` (§8.1)."""
    q = q.where(_scope_filter(actor))
    if kind:
        q = q.where(Case.kind == kind)
    if city:
        q = q.where(Case.city_code == city)
    if state:
        q = q.where(Case.state == state)
    if year:
        q = q.where(Case.year == year)
    return q.order_by(Case.id.desc()).limit(limit).offset(offset)


def list_cases(session: Session, actor: Actor, *, kind: str | None = None,
               city: str | None = None, state: str | None = None, year: int | None = None,
               limit: int = 200, offset: int = 0) -> list[Case]:
    """Cases in the actor's scope, newest first, with optional filters (bound parameters)."""
    return list(session.scalars(_cases_query(select(Case), actor, kind, city, state, year,
                                             limit, offset)))


def case_rows(session: Session, actor: Actor, columns: Iterable[Any], *,
              kind: str | None = None, city: str | None = None, state: str | None = None,
              year: int | None = None, limit: int = 200, offset: int = 0) -> list[Row]:
    """The ``columns`` (column expressions of :class:`Case`, e.g. :func:`json_text`) of the
    cases :func:`list_cases` returns, in its order, as rows (named tuples): the same scope and
    filters without building ORM objects or decoding JSON columns nobody reads."""
    q = _cases_query(select(*columns), actor, kind, city, state, year, limit, offset)
    return list(session.execute(q).all())


def in_ids(session: Session, column: Any, ids: Sequence[int]) -> Any:
    """SQL condition ``column IN ids`` with the ids as **one** bound parameter (a statement
    with one parameter per id costs SQLAlchemy ≈ 7 µs per id to render, and PostgreSQL allows
    at most 65 535 parameters): PostgreSQL ``column = ANY(:ids)`` (the form its planner gives
    an IN list, https://www.postgresql.org/docs/15/functions-comparisons.html), SQLite
    ``column IN (SELECT value FROM json_each(:ids))`` (an IN list read from a JSON array,
    https://sqlite.org/json1.html#jeach; the same index search)."""
    ids = [int(i) for i in ids]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    if dialect != "sqlite":
        return column.in_(ids)
    each = func.json_each(bindparam(None, json.dumps(ids), type_=String)).table_valued("value")
    return column.in_(select(each.c.value))


def json_text(session: Session, column: Any, *path: str) -> Any:
    """SQL expression: the JSON text of ``column`` (a JSON column) at the key ``path``, NULL
    when a key is missing; the whole column's text without ``path``. The text is the value's
    own JSON (``true`` stays a boolean, an object stays an object), so ``json.loads`` of it
    equals the value read from the decoded column. SQLite: the ``->`` operator (SQLite ≥ 3.38,
    https://sqlite.org/json1.html#jptr); PostgreSQL: ``#>`` cast to text
    (https://www.postgresql.org/docs/15/functions-json.html). Keys are the caller's constants,
    passed as bound parameters."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY
        if not path:
            return cast(column, Text)
        return cast(column.op("#>", return_type=JSON)(
            bindparam(None, list(path), type_=ARRAY(Text))), Text)
    if dialect != "sqlite":
        raise NotImplementedError(f"json_text: no JSON path for the {dialect} dialect")
    if not path:
        return type_coerce(column, Text)
    for k in path:
        if '"' in k or "\\" in k:
            raise ValueError(f"json_text: key {k!r} needs quoting")
    return column.op("->", return_type=Text)(
        bindparam(None, "$" + "".join(f'."{k}"' for k in path), type_=String))


def timeline(session: Session, row: Case, full: bool) -> list[dict[str, Any]]:
    """The case's events in order (public ones only for the public view)."""
    q = select(CaseEvent).where(CaseEvent.case_id == row.id).order_by(CaseEvent.seq)
    out = []
    for e in session.scalars(q):
        if not full and not e.public:
            continue
        out.append({"seq": e.seq, "ts": e.ts.isoformat(), "day": e.day,
                    "transition": e.transition, "from_state": e.from_state,
                    "to_state": e.to_state, "reason": e.reason if full else None,
                    "actor": e.actor_username if full else None,
                    "due": e.payload.get("due", {})})
    return out


