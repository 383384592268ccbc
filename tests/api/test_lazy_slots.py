"""Pages run lazily (qingshan.api.slots.lazily): an answered page takes no computing slot; a
page with a figure to compute stops before waiting for one (never holding the store's lock
while it waits) and runs again with a slot."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from tests.api._store import built_store


def test_a_run_that_computes_nothing_takes_no_slot():
    from qingshan.api import slots
    seen = []

    @slots.lazily
    def page(x):
        seen.append((slots.is_lazy(), slots.in_slot()))
        return x * 2

    assert page(21) == 42
    assert seen == [(True, False)]          # one pass, no slot


def test_a_run_that_computes_stops_and_runs_again_in_a_slot():
    from qingshan.api import slots
    seen = []

    @slots.lazily
    def page():
        seen.append("start")
        with slots.slot():                   # a figure to compute
            seen.append(("computing", slots.is_lazy(), slots.in_slot()))
        return "done"

    assert page() == "done"
    # first pass stopped at the slot (no "computing"), the second computed in a slot
    assert seen == ["start", "start", ("computing", False, True)]
    assert not slots.is_lazy()


def test_an_error_of_the_page_is_not_retried():
    from qingshan.api import slots
    runs = []

    @slots.lazily
    def page():
        runs.append(1)
        raise ValueError("bad period")

    with pytest.raises(ValueError):
        page()
    assert runs == [1] and not slots.is_lazy()


def test_an_answered_city_page_is_served_while_every_slot_is_busy(tmp_path):
    """Both computing slots held elsewhere (two long computations): a city page answered before
    is served at once; a page with figures to compute (the overview of a month not asked yet)
    waits for a slot and gets one when they are given back. Without ``lazily`` the answered
    page would wait too."""
    from fastapi.testclient import TestClient

    from qingshan.api import create_app, slots
    path = tmp_path / "s.duckdb"
    shutil.copy(built_store(), path)
    app = create_app(path, "shandong")
    try:
        with TestClient(app) as c:
            first = c.get("/city/370100?year=2019")
            assert first.status_code == 200
            for _ in range(slots.SLOTS):
                slots.take()
            try:
                t0 = time.perf_counter()
                again = c.get("/city/370100?year=2019")
                assert again.status_code == 200 and again.text == first.text
                assert time.perf_counter() - t0 < 10      # not queued for WAIT_S (30 s)
                got = {}
                cold = threading.Thread(target=lambda: got.update(
                    r=c.get("/?period=2019-02")))
                cold.start()
                cold.join(1.0)
                assert cold.is_alive()                    # it needs a slot: it waits
            finally:
                for _ in range(slots.SLOTS):
                    slots.give_back()
            cold.join(60)
            assert got["r"].status_code == 200
    finally:
        app.state.store.close()
