"""The append-only, hash-chained audit log (spec/governance.md §8.3; issue 12).

Every change is one ``audit_event`` row written in the same transaction as the change: if the
change rolls back, so does its row; if the audit write fails, the change fails. Rows are chained:
``hash = SHA-256(prev_hash ‖ canonical JSON of the row)`` where the canonical JSON is the row's
fields other than ``hash`` with sorted keys, no spaces, non-ASCII kept (UTF-8). Appends lock the
one-row ``audit_head`` table, so concurrent writers are serialised and the chain has no forks.
UPDATE and DELETE on ``audit_event`` are refused by database triggers. :func:`verify` recomputes
the chain and names the first row that does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.authz import Actor
from qingshan.accounts.models import AuditEvent, AuditHead

__all__ = ["record", "verify", "events", "Verification", "ACTIONS", "GENESIS", "diff_of",
           "row_hash"]

GENESIS = "0" * 64
#: actions of spec/governance.md §8.3 (plus ingest, upload, supersede, disable, token for
#: the monitoring data and the accounts)
ACTIONS = frozenset({"create", "update", "transition", "sign", "publish", "export", "login",
                     "logout", "login_failed", "permission_change", "ingest", "upload",
                     "supersede", "disable", "token_create", "token_revoke", "run", "submit",
                     "review", "delete", "read_personal"})
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_FIELDS = ("seq", "ts_utc", "ts_local", "actor_user_id", "actor_username", "actor_role",
           "actor_org_unit", "on_behalf_of", "action", "object_type", "object_id", "from_state",
           "to_state", "diff", "reason", "evidence_sha256", "request_id", "client_ip",
           "rule_version", "prev_hash")


def _canon(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def row_hash(fields: dict) -> str:
    """SHA-256 of ``prev_hash`` followed by the canonical JSON of the row's fields."""
    body = _canon({k: fields[k] for k in _FIELDS})
    return hashlib.sha256((fields["prev_hash"] + body).encode("utf-8")).hexdigest()


def _hashed(v) -> str:
    return "sha256:" + hashlib.sha256(str(v).encode("utf-8")).hexdigest()


def diff_of(before: dict | None, after: dict | None, personal: Iterable[str] = ()) -> dict:
    """The changed fields, ``{"before": {...}, "after": {...}}`` (personal fields hashed)."""
    b, a = dict(before or {}), dict(after or {})
    keys = sorted(k for k in set(b) | set(a) if b.get(k) != a.get(k) or (k in b) != (k in a))
    pers = set(personal)

    def val(d, k):
        v = d.get(k)
        return _hashed(v) if k in pers and v is not None else v
    return {"before": {k: val(b, k) for k in keys if k in b},
            "after": {k: val(a, k) for k in keys if k in a}}


def record(session: Session, actor: Actor, action: str, object_type: str, object_id,
           *, before: dict | None = None, after: dict | None = None,
           from_state: str | None = None, to_state: str | None = None,
           reason: str | None = None, evidence_sha256: Sequence[str] = (),
           request_id: str | None = None, client_ip: str | None = None,
           rule_version: str | None = None, on_behalf_of: str | None = None,
           personal: Iterable[str] = (), now: datetime | None = None) -> AuditEvent:
    """Append one audit row for a change made in ``session`` (same transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; one of {sorted(ACTIONS)}")
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    fields = {
        "seq": head.seq + 1,
        "ts_utc": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "ts_local": now.astimezone(LOCAL_TZ).isoformat(timespec="microseconds"),
        "actor_user_id": actor.user_id, "actor_username": actor.username,
        "actor_role": actor.role, "actor_org_unit": actor.unit, "on_behalf_of": on_behalf_of,
        "action": action, "object_type": object_type, "object_id": str(object_id),
        "from_state": from_state, "to_state": to_state,
        "diff": _canon(diff_of(before, after, personal)), "reason": reason,
        "evidence_sha256": _canon(sorted(evidence_sha256)), "request_id": request_id,
        "client_ip": client_ip, "rule_version": rule_version, "prev_hash": head.hash,
    }
    ev = AuditEvent(**fields, hash=row_hash(fields))
    session.add(ev)
    head.seq, head.hash = ev.seq, ev.hash
    session.flush()
    return ev


@dataclass(frozen=True)
class Verification:
    ok: bool
    rows: int
    last_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


def verify(session: Session, batch: int = 5000) -> Verification:
    """Recompute the chain from the genesis; the first row whose link or hash is wrong fails it."""
    prev, n, last_seq = GENESIS, 0, 0
    q = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    for ev in session.scalars(q):
        fields = {k: getattr(ev, k) for k in _FIELDS}
        if ev.seq != last_seq + 1:
            return Verification(False, n, prev, ev.seq, f"seq {last_seq + 1} is missing")
        if ev.prev_hash != prev:
            return Verification(False, n, prev, ev.seq, "prev_hash does not link to the row before")
        if row_hash(fields) != ev.hash:
            return Verification(False, n, prev, ev.seq, "the row's content does not match its hash")
        prev, n, last_seq = ev.hash, n + 1, ev.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq, head.hash) != (last_seq, prev):
        return Verification(False, n, prev, head.seq,
                            f"the head says seq {head.seq} but the chain ends at {last_seq}")
    return Verification(True, n, prev)


def events(session: Session, *, object_type: str | None = None, object_id: str | None = None,
           actor: str | None = None, limit: int = 200) -> list[AuditEvent]:
    """The latest rows, newest first, optionally for one entity or one actor."""
    q = select(AuditEvent)
    if object_type:
        q = q.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        q = q.where(AuditEvent.object_id == str(object_id))
    if actor:
        q = q.where(AuditEvent.actor_username == actor)
    return list(session.scalars(q.order_by(AuditEvent.seq.desc()).limit(limit)))
