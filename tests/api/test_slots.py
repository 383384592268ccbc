"""The server's computing slots are taken before the store's lock (qingshan.api.slots): a
request queued for a slot holds no lock, so an upload gets in while the queue waits (issue 19:
the soak's 503 store_busy came from requests that held the shared lock while they waited)."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from tests.api._store import built_store


@pytest.fixture
def store(tmp_path):
    from qingshan.api.store import Store
    from qingshan.config import load_province
    path = tmp_path / "s.duckdb"
    shutil.copy(built_store(), path)
    s = Store(path, load_province("shandong"), timeout=2.0, linger=0)
    yield s
    s.close()


def _hold_every_slot():
    from qingshan.api import slots
    for _ in range(slots.SLOTS):
        slots.take(wait=5)


def _give_every_slot_back():
    from qingshan.api import slots
    for _ in range(slots.SLOTS):
        slots.give_back()


def test_a_read_queued_for_a_slot_does_not_keep_a_writer_out(store):
    got = []
    _hold_every_slot()
    try:
        reader = threading.Thread(target=lambda: got.append(_read(store)))
        reader.start()
        time.sleep(0.3)                  # the reader now waits for a slot
        assert reader.is_alive() and not got
        t0 = time.monotonic()
        with store.writer() as con:      # before the change: StoreBusy after 2 s
            con.execute("CREATE TABLE t_written (x INTEGER)")
        assert time.monotonic() - t0 < 1.5
    finally:
        _give_every_slot_back()
    reader.join(10)
    assert got == [1]


def _read(store) -> int:
    with store.cursor() as con:
        return con.execute("SELECT 1").fetchall()[0][0]


def test_slots_are_reentrant_in_a_thread_and_bound_to_a_connection(store):
    from qingshan.api import slots
    from qingshan.air.api import heavy
    with slots.slot():
        with slots.slot():               # the same thread: no second slot
            assert slots.in_slot()
        with store.cursor() as con, heavy(con):   # a page: cursor + computation = one slot
            assert con.execute("SELECT 2").fetchall() == [(2,)]
    assert not slots.in_slot()
    # a connection opened in a slot taken by another thread (a FastAPI generator dependency)
    slots.take()
    try:
        with store.cursor(slot=False) as con:
            slots.mark(con)
            done = []
            t = threading.Thread(target=lambda: done.append(slots.holds(con)))
            t.start()
            t.join()
            assert done == [True]
            slots.unmark(con)
            assert not slots.holds(con)
    finally:
        slots.give_back()


def test_no_slot_for_long_is_503_busy(monkeypatch):
    from qingshan.api import slots
    from qingshan.api.errors import ApiError
    _hold_every_slot()
    try:
        with pytest.raises(ApiError) as e:
            with slots.slot(wait=0.2):
                pass
        assert e.value.status == 503 and e.value.code == "busy"
    finally:
        _give_every_slot_back()
