"""The audit log: hash chain, append-only, tamper detection, one transaction with the change —
on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from sqlalchemy import text

from qingshan.accounts import audit
from qingshan.accounts.authz import Actor
from qingshan.store import ops


def _write(url, actor, n, start=0):
    for i in range(start, start + n):
        with ops.session_scope(url) as s:
            audit.record(s, actor, "update", "case", i, before={"state": "open"},
                         after={"state": "closed", "phone": "13800000000"}, personal=["phone"])


def test_chain_links_each_row_to_the_one_before(ops_url, system):
    _write(ops_url, system, 3)
    with ops.session_scope(ops_url) as s:
        v = audit.verify(s)
        rows = list(reversed(audit.events(s)))
    assert v.ok and v.rows == 3 and v.last_hash == rows[-1].hash
    assert rows[0].prev_hash == "0" * 64
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    # the hash is SHA-256(prev_hash ‖ canonical JSON of the row), recomputed here by hand
    r = rows[1]
    fields = {k: getattr(r, k) for k in audit._FIELDS}
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert r.hash == hashlib.sha256((r.prev_hash + body).encode()).hexdigest()
    # personal data is hashed in the diff, the rest kept
    d = json.loads(r.diff)
    assert d["before"] == {"state": "open"}
    assert d["after"]["state"] == "closed"
    assert d["after"]["phone"] == "sha256:" + hashlib.sha256(b"13800000000").hexdigest()


def test_update_and_delete_are_refused_by_the_database(ops_url, system):
    _write(ops_url, system, 1)
    for stmt in ("UPDATE audit_event SET reason = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"):
            with ops.session_scope(ops_url) as s:
                s.execute(text(stmt))
    with ops.session_scope(ops_url) as s:
        assert audit.verify(s).rows == 1


def _drop_guard(url):
    with ops.session_scope(url) as s:
        if s.bind.dialect.name == "postgresql":
            s.execute(text("DROP TRIGGER audit_event_no_update ON audit_event"))
        else:
            s.execute(text("DROP TRIGGER audit_event_no_update"))
            s.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_a_tampered_row_is_detected(ops_url, system):
    _write(ops_url, system, 5)
    _drop_guard(ops_url)            # an attacker with database access removes the guard …
    with ops.session_scope(ops_url) as s:
        s.execute(text("UPDATE audit_event SET object_id = '999' WHERE seq = 3"))
        v = audit.verify(s)
    assert not v.ok and v.first_bad_seq == 3 and v.rows == 2 and "hash" in v.problem


def test_a_deleted_row_is_detected(ops_url, system):
    _write(ops_url, system, 4)
    _drop_guard(ops_url)
    with ops.session_scope(ops_url) as s:
        s.execute(text("DELETE FROM audit_event WHERE seq = 2"))
        v = audit.verify(s)
    assert not v.ok and v.first_bad_seq == 3 and "missing" in v.problem


def test_the_audit_row_rolls_back_with_its_change(ops_url, system):
    with pytest.raises(RuntimeError):
        with ops.session_scope(ops_url) as s:
            audit.record(s, system, "create", "case", 1)
            raise RuntimeError("the change failed")
    with ops.session_scope(ops_url) as s:
        assert audit.verify(s).rows == 0
    with pytest.raises(ValueError, match="unknown audit action"):
        with ops.session_scope(ops_url) as s:
            audit.record(s, system, "frobnicate", "case", 1)


def test_concurrent_writers_make_one_unbroken_chain(ops_url, tree):
    actors = [Actor.system(f"w{i}", tree.province, tree) for i in range(4)]
    threads = [threading.Thread(target=_write, args=(ops_url, a, 10, i * 100))
               for i, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with ops.session_scope(ops_url) as s:
        v = audit.verify(s)
    assert v.ok and v.rows == 40
