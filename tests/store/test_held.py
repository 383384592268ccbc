"""The server's held read-write instance (issue 19, :mod:`qingshan.api.held`): reads and an
upload on one DuckDB instance without waiting for each other, reads that cannot write, and the
file handed over to another qingshan process that queues for it.

Every figure is a row count written by the test itself (one row per insert)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def held(tmp_path):
    from qingshan.api.store import Store
    from qingshan.config import load_province
    from qingshan.store import connect

    db = tmp_path / "h.duckdb"
    con = connect(db)
    con.execute("CREATE TABLE t (v INTEGER)")
    con.close()
    store = Store(db, load_province("shandong"), hold=True, timeout=5)
    yield store, db
    store.close()


def _insert(store, v: int) -> None:
    from qingshan.store.db import in_transaction

    with store.writer() as con:
        in_transaction(con, lambda: con.execute("INSERT INTO t VALUES (?)", [v]))


def test_the_server_holds_its_instance_after_start(held):
    store, _ = held
    assert store._held is not None and not store._held.closing


def test_an_upload_commits_while_a_read_is_open_and_the_read_keeps_its_snapshot(held):
    store, _ = held
    with store.cursor(slot=False) as r:
        assert r.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
        done = threading.Event()
        t = threading.Thread(target=lambda: (_insert(store, 7), done.set()))
        t0 = time.monotonic()
        t.start()
        assert done.wait(5), "the write waited for the open read"
        took = time.monotonic() - t0
        # the read's snapshot is the one it started with: the new row is not in it
        assert r.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    t.join()
    assert took < 5
    with store.cursor(slot=False) as r:              # a new read sees the commit
        assert r.execute("SELECT count(*), sum(v) FROM t").fetchall() == [(1, 7)]


def test_a_read_of_the_held_instance_cannot_write(held):
    store, _ = held
    with store.cursor(slot=False) as r:
        with pytest.raises(duckdb.Error, match="read-only"):
            r.execute("INSERT INTO t VALUES (1)")
    with store.cursor(slot=False) as r:
        r.execute("CREATE TEMP TABLE x AS SELECT 2 AS v")        # temp tables still work
        assert r.execute("SELECT v FROM x").fetchall() == [(2,)]
        assert r.execute("SELECT count(*) FROM t").fetchall() == [(0,)]


def test_release_early_ends_a_held_read(held):
    from qingshan.store.access import fetch_and_release, is_bound

    store, _ = held
    with store.cursor(slot=False) as r:
        assert is_bound(r)
        n, = fetch_and_release(r, ["SELECT count(*) AS n FROM t"])
        assert int(n["n"].iloc[0]) == 0 and not is_bound(r)
        assert store._held._users == 0               # the hand-over would not wait for it


_READER = """
import sys, time, duckdb
from qingshan.store.access import StoreLock
t0 = time.monotonic()
h = StoreLock(sys.argv[1]).acquire(False, timeout=20)
con = duckdb.connect(sys.argv[1], read_only=True)
n = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
print(f"{n} {time.monotonic() - t0:.3f}", flush=True)
sys.stdin.readline()
con.close()
h.release()
"""


def test_the_file_is_handed_over_to_another_process_and_held_again_after(held):
    store, db = held
    _insert(store, 1)
    _insert(store, 2)
    p = subprocess.Popen([sys.executable, "-c", _READER, str(db)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        n, waited = p.stdout.readline().split()
        assert int(n) == 2                           # both commits are in the file it reads
        assert float(waited) < 10
        assert store._held is None                   # handed over
        with store.cursor(slot=False) as r:          # the server reads beside it (shared)
            assert r.execute("SELECT count(*) FROM t").fetchall() == [(2,)]
    finally:
        p.stdin.write("\n")
        p.stdin.flush()
        p.wait(20)
    assert p.returncode == 0
    _insert(store, 3)                                # the next write holds the file again
    assert store._held is not None
    with store.cursor(slot=False) as r:
        assert r.execute("SELECT count(*), sum(v) FROM t").fetchall() == [(3, 6)]


def test_hold_off_opens_the_file_per_use(tmp_path, monkeypatch):
    from qingshan.api.held import hold_enabled
    from qingshan.api.store import Store
    from qingshan.config import load_province
    from qingshan.store import connect

    db = tmp_path / "o.duckdb"
    connect(db).close()
    monkeypatch.setenv("QINGSHAN_STORE_HOLD", "0")
    assert hold_enabled() is False
    store = Store(db, load_province("shandong"), hold=hold_enabled())
    assert store._held is None
    # nothing of this process has the file open: another instance can open it read-write
    duckdb.connect(str(db)).close()
    store.close()


def test_the_upload_scratch_is_one_locked_down_instance_with_a_connection_per_upload(held):
    import pyarrow as pa

    store, _ = held
    with store.scratch() as a, store.scratch() as b:
        a.register("_raw", pa.table({"x": [1, 2]}))
        b.register("_raw", pa.table({"x": [5]}))
        a.execute("CREATE TEMP TABLE _rows AS SELECT x * 10 AS y FROM _raw")
        # each upload's tables are its own: 1 + 2 = 3 and 5; the temp table is a's only
        assert a.execute("SELECT sum(x) FROM _raw").fetchall() == [(3,)]
        assert b.execute("SELECT sum(x) FROM _raw").fetchall() == [(5,)]
        assert a.execute("SELECT sum(y) FROM _rows").fetchall() == [(30,)]
        with pytest.raises(duckdb.Error):
            b.execute("SELECT * FROM _rows")
        with pytest.raises(duckdb.Error):           # locked down: no file access from SQL
            a.execute("SELECT * FROM read_text('/etc/passwd')")


def test_a_snapshot_read_keeps_its_newest_batch(held):
    from qingshan.air.versions import _top
    from qingshan.store.access import snapshot_memo

    store, _ = held
    with store.cursor(slot=False) as r:
        assert snapshot_memo(r) == {}
        assert _top(r) == -1                         # no batch in this store
        assert snapshot_memo(r) == {"top": -1}
