"""Faults (issue 19): PostgreSQL restarted while ``qingshan serve`` writes and reads ledger rows.

A real server process on a small SYNTHETIC store (tests/faults/_store.py) keeps its operational
store in a real PostgreSQL (tests/_postgres.py, ``QINGSHAN_DATABASE_URL``). A client loops over
ledger writes (``POST /api/v1/governance/cases``: a complaint, audited in the same transaction)
and reads (``GET /api/v1/governance/cases``); at a seeded random moment PostgreSQL is restarted
— 3 times, alternately ``-m immediate`` (a crash: no shutdown checkpoint) and ``-m fast``.

After each restart: the server answers again (a read is 200 within a bound; the pool's
pre-ping drops the dead connections), every write answered 201 is in the ledger, a write that
failed while the database was down is either absent or whole (its case row has its 'create'
audit event: no half-present change), retrying the failed writes succeeds, and the audit chain
verifies. A request that failed while the database was down got 503 ``database_unavailable``
in the one error shape with ``Retry-After`` (before the fix: 500 ``internal_error`` with a
traceback in the log, or a dropped connection). No retry inside the server was needed: the
engine's ``pool_pre_ping`` (``qingshan.store.ops``) replaces the dead pooled connections.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import httpx

from tests.faults._store import REPO, base_store, env, free_port, wait_up

SEED = 19
RESTARTS = ("immediate", "fast", "immediate")


def _pg_restart(url: str, mode: str) -> None:
    """``pg_ctl restart`` of the test server behind ``url`` (its data folder asked from the
    server itself; the start options are kept by pg_ctl in postmaster.opts)."""
    import os

    import sqlalchemy as sa

    from tests._postgres import _bin
    eng = sa.create_engine(url)
    with eng.connect() as c:
        data = c.exec_driver_sql("SHOW data_directory").scalar()
    eng.dispose()
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    log = str(Path(data).parent / "log")          # tests/_postgres.py: <base>/data, <base>/log
    subprocess.run([*run_as, _bin("pg_ctl"), "-D", data, "-l", log, "-m", mode, "-w", "-t",
                    "60", "restart"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=90)


def _ledger(url: str) -> dict[str, bool]:
    """{case title: has its 'create' audit event and its history event} of every complaint in
    the ledger (no title twice), and the audit chain verified."""
    import sqlalchemy as sa

    from qingshan.accounts import audit
    from qingshan.accounts.models import AuditEvent
    from qingshan.governance.models import Case, CaseEvent
    from qingshan.store import ops
    with ops.session_scope(url) as s:
        v = audit.verify(s)
        assert v.ok, (v.first_bad_seq, v.problem)
        created = set(s.scalars(sa.select(AuditEvent.object_id).where(
            AuditEvent.action == "create")))
        events = set(s.scalars(sa.select(CaseEvent.case_id)))
        rows = s.execute(sa.select(Case.title, Case.public_no, Case.id)).all()
    ops.dispose_all()
    titles = [t for t, _, _ in rows]
    assert len(titles) == len(set(titles)), "a write stored twice"
    return {t: no in created and cid in events for t, no, cid in rows}


def _create(c: httpx.Client, token: str, title: str) -> int | None:
    try:
        r = c.post("/api/v1/governance/cases", headers={"Authorization": f"Bearer {token}"},
                   json={"kind": "complaint", "unit": "371000", "title": title,
                         "date": "2025-06-02"}, timeout=30)
    except httpx.HTTPError:
        return None
    if r.status_code >= 400:
        assert set(r.json()) == {"error"}, r.text          # the one error shape
        if r.status_code == 503:
            assert r.json()["error"]["code"] == "database_unavailable", r.text
            assert r.headers.get("retry-after"), r.headers
    return r.status_code


def test_postgres_restarted_mid_request(tmp_path, monkeypatch):
    from tests._auth import token_for
    from tests._postgres import new_database

    from qingshan.store import ops

    url = new_database()
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", url)
    db = base_store(tmp_path)
    ops.upgrade(url)
    ops.dispose_all()
    # the server starts while the test makes its users (the schema is there already)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "qingshan", "serve", "--db", str(db),
                             "--port", str(port), "--log-level", "warning"],
                            stdout=open(tmp_path / "serve.log", "w"), stderr=subprocess.STDOUT,
                            env=env(QINGSHAN_DATABASE_URL=url), cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    target = SimpleNamespace(state=SimpleNamespace(ops_url=url))
    token = token_for(target, "city_staff", "371000")
    read_token = token_for(target, "prov_staff")
    try:
        wait_up(base, lambda: proc.poll() is None)
    except BaseException:
        proc.kill()
        raise
    rng = random.Random(SEED)
    answered: dict[str, int | None] = {}
    first: dict = {}                                    # first answer code -> count
    t_up = time.monotonic()
    try:
        with httpx.Client(base_url=base) as c:
            for run, mode in enumerate(RESTARTS):
                stop = threading.Event()

                def writer(run=run, stop=stop) -> None:
                    n = 0
                    while not stop.is_set():
                        title = f"restart {run} write {n}"
                        answered[title] = _create(c, token, title)
                        first[answered[title]] = first.get(answered[title], 0) + 1
                        n += 1

                t = threading.Thread(target=writer)
                t.start()
                time.sleep(rng.uniform(0.1, 1.0))          # the seeded random moment
                _pg_restart(url, mode)
                time.sleep(0.3)
                stop.set()
                t.join(60)
                # the server answers again: a ledger read within 20 s of the restart
                deadline = time.monotonic() + 20
                while True:
                    r = c.get("/api/v1/governance/cases", params={"kind": "complaint"},
                              headers={"Authorization": f"Bearer {read_token}"}, timeout=30)
                    if r.status_code == 200 or time.monotonic() > deadline:
                        break
                    time.sleep(0.2)
                assert r.status_code == 200, r.text
                ledger = _ledger(url)
                assert all(ledger.values()), "a case without its audit event"
                ok = {t for t, s in answered.items() if s == 201}
                assert ok <= set(ledger), ok - set(ledger)   # every 201 is stored
                # retrying what failed succeeds (the ones stored anyway are left alone)
                for title in [t for t, s in answered.items() if s != 201]:
                    if title not in ledger:
                        assert _create(c, token, title) == 201
                        answered[title] = 201
                ledger = _ledger(url)
                assert set(answered) == set(ledger)        # every attempt stored exactly once
        print(f"restarts took {time.monotonic() - t_up:.1f} s")
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert len(answered) >= len(RESTARTS)
    # while the database was away a write got 503 database_unavailable (the one error shape,
    # Retry-After), never a 500 or a dropped connection; and some did fail: mid-request
    assert set(first) <= {201, 503} and first.get(503, 0) >= 1, first
    print(f"{len(answered)} writes over {len(RESTARTS)} restarts; first answers: "
          f"{sorted(first.items(), key=str)}")
