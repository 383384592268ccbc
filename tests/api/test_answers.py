"""The server's answers keyed by the store file's stamp (qingshan.api.answers): a commit — of
any process — changes the stamp; reads do not; a repeated question opens no DuckDB."""

from __future__ import annotations

import shutil
import time

import duckdb
import pytest

from tests.api._store import built_store


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.execute("INSERT INTO t VALUES (1)")
    con.close()
    return path


LATER = lambda: time.time() + 60  # noqa: E731 - "the file has settled" (SETTLE_S passed)


def test_a_commit_changes_the_stamp_a_read_does_not(db):
    from qingshan.api.answers import store_stamp
    before = store_stamp(db, now=LATER())
    assert before is not None
    ro = duckdb.connect(str(db), read_only=True)
    assert ro.execute("SELECT sum(x) FROM t").fetchall() == [(1,)]
    ro.close()
    assert store_stamp(db, now=LATER()) == before           # reading changes nothing
    rw = duckdb.connect(str(db))
    rw.execute("INSERT INTO t VALUES (2)")                    # one committed row (WAL grows)
    assert store_stamp(db, now=LATER()) != before
    rw.close()                                                # checkpoint into the file
    assert store_stamp(db, now=LATER()) != before


def test_a_young_or_missing_file_is_not_trusted(db, tmp_path):
    from qingshan.api.answers import SETTLE_S, store_stamp
    assert store_stamp(db) is None               # just written: younger than SETTLE_S
    assert SETTLE_S >= 0.5
    assert store_stamp(tmp_path / "missing.duckdb", now=LATER()) is None


def test_answers_are_kept_per_stamp(db, monkeypatch):
    from qingshan.api import answers as mod
    from qingshan.store import stamp
    monkeypatch.setattr(stamp, "SETTLE_S", 0.0)
    cache = mod.AnswerCache(size=4)
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.get_or_compute(str(db), "q", compute) == 1
    assert cache.get_or_compute(str(db), "q", compute) == 1     # kept: same stamp
    rw = duckdb.connect(str(db))
    rw.execute("INSERT INTO t VALUES (3)")
    rw.close()
    assert cache.get_or_compute(str(db), "q", compute) == 2     # a commit: answered afresh

    def committing():                                           # a commit while computing
        c = duckdb.connect(str(db))
        c.execute("INSERT INTO t VALUES (4)")
        c.close()
        return "stale?"

    assert cache.get_or_compute(str(db), "r", committing) == "stale?"
    assert cache.get_or_compute(str(db), "r", compute) == 3     # … was not kept


def _count_opens(store, monkeypatch) -> list[bool]:
    """The ``slot`` argument of every ``store.cursor()`` call from now on (True: a
    computation's connection, False: a short read such as the journal's)."""
    opened: list[bool] = []
    orig = store.cursor

    def counting(slot=True):
        opened.append(slot)
        return orig(slot=slot)

    monkeypatch.setattr(store, "cursor", counting)
    return opened


def test_a_repeated_ranking_opens_no_store(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from qingshan.api import answers as mod
    from qingshan.api import create_app
    from qingshan.store import stamp
    monkeypatch.setattr(stamp, "SETTLE_S", 0.0)
    mod.answers.clear()
    path = tmp_path / "q1.duckdb"
    shutil.copy(built_store(), path)
    app = create_app(path, "shandong")
    with TestClient(app, raise_server_exceptions=False) as c:
        first = c.get("/api/v1/rankings?period=2019-02")
        assert first.status_code == 200
        opened = _count_opens(app.state.store, monkeypatch)
        again = c.get("/api/v1/rankings?period=2019-02&envelope=page&limit=3")
        assert again.status_code == 200 and opened == []
        assert again.json()["items"] == first.json()[:3]
        assert c.get("/api/v1/rankings?period=2019-01").status_code == 200
        assert opened == [True]                                 # a new question opens it
    app.state.store.close()      # the file kept open after the last read (linger) is closed


def test_an_upload_of_other_days_keeps_the_answer(tmp_path, monkeypatch):
    """An answer is keyed by the version of the days it reads (qingshan.air.versions): a day
    of April 2019 stored after the 2019-02 ranking was answered leaves that answer in place
    (2019-02 reads February 2019 and February 2018), and answers 2019-Q2, which had no data."""
    from fastapi.testclient import TestClient

    from qingshan.air.ingest import ingest_cnemc
    from qingshan.api import answers as mod
    from qingshan.api import create_app
    from qingshan.store import stamp
    from tests.api._store import ARCHIVE
    monkeypatch.setattr(stamp, "SETTLE_S", 0.0)
    mod.answers.clear()
    path = tmp_path / "q2.duckdb"
    shutil.copy(built_store(), path)
    app = create_app(path, "shandong")
    with TestClient(app, raise_server_exceptions=False) as c:
        first = c.get("/api/v1/rankings?period=2019-02")
        assert first.status_code == 200
        assert c.get("/api/v1/rankings?period=2019-Q2").status_code == 404   # no April data
        store = app.state.store
        with store.writer() as con:             # a commit, as an upload or a CLI ingest makes
            ingest_cnemc(con, [ARCHIVE / "china_sites_20190410.csv"])
        opened = _count_opens(store, monkeypatch)
        again = c.get("/api/v1/rankings?period=2019-02")
        assert again.status_code == 200 and again.json() == first.json()
        # the journal was read once (no computing slot); nothing was computed
        assert opened == [False]
        q2 = c.get("/api/v1/rankings?period=2019-Q2")
        assert q2.status_code == 200                     # the new day is answered
        assert True in opened                            # … by a computation
        assert any(r["pm25"] is not None for r in q2.json())   # April 10's concentrations
    app.state.store.close()
