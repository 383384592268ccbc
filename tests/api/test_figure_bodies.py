"""The kept JSON bodies of /assessment and /rankings (qingshan.air.api.figure): the bytes are
the ones FastAPI makes of the same rows through the route's response model, a repeat is the
same bytes without a worker thread, and a commit to the days a question reads answers it
afresh (never a stale body)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.api._store import ARCHIVE, built_store


@pytest.fixture
def served(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from qingshan.air import api as air_api
    from qingshan.api import answers as mod
    from qingshan.api import create_app
    from qingshan.store import stamp
    monkeypatch.setattr(stamp, "SETTLE_S", 0.0)
    mod.answers.clear()
    air_api._BODIES.clear()
    path = tmp_path / "b.duckdb"
    shutil.copy(built_store(), path)
    app = create_app(path, "shandong")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield app, c
    app.state.store.close()


def _fastapi_bytes(body: bytes) -> bytes:
    """What FastAPI itself answers for a route with the figure endpoints' response model that
    returns the rows of ``body`` as plain Python values (its own validation and
    serialisation)."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from qingshan.api.models import AssessmentOut, Page
    rows = json.loads(body)
    ref = FastAPI()

    @ref.get("/x", response_model=list[AssessmentOut] | Page[AssessmentOut])
    def x():
        return rows

    with TestClient(ref) as c:
        return c.get("/x").content


@pytest.mark.parametrize("url", [
    "/api/v1/rankings?period=2019-02",
    "/api/v1/rankings?period=2019-Q1&weighted=true",
    "/api/v1/assessment?period=2019-01&level=province",
    "/api/v1/assessment?period=2019-03&level=city",
])
def test_the_body_is_fastapis_and_a_repeat_is_the_same_bytes(served, url):
    app, c = served
    first = c.get(url)
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    assert first.content == _fastapi_bytes(first.content)
    assert first.json() and all("code" in r for r in first.json())
    again = c.get(url)                                   # the kept body
    assert again.status_code == 200 and again.content == first.content
    # another listing of the same rows is the same rows
    page = c.get(url + "&envelope=page&limit=2&offset=1").json()
    assert page["items"] == first.json()[1:3] and page["total"] == len(first.json())


def test_a_repeat_runs_in_the_event_loop(served, monkeypatch):
    """A kept body is answered without the worker-thread part (:func:`_figure`)."""
    from qingshan.air import api as air_api
    app, c = served
    url = "/api/v1/rankings?period=2019-02"
    assert c.get(url).status_code == 200
    calls = []
    orig = air_api._figure
    monkeypatch.setattr(air_api, "_figure", lambda *a: calls.append(1) or orig(*a))
    assert c.get(url).status_code == 200 and calls == []
    assert c.get(url + "&limit=3").status_code == 200 and calls == [1]   # not the whole list


def test_a_commit_to_the_days_it_reads_answers_afresh(served):
    """March–April 2019 is answered from March; a day of April stored after it changes the
    body, to what a server without kept answers computes."""
    from qingshan.air import api as air_api
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.api import answers as mod
    app, c = served
    url = "/api/v1/rankings?period=2019-03..2019-04"
    before = c.get(url)
    assert before.status_code == 200
    with app.state.store.writer() as con:          # a commit, as an upload or a CLI ingest
        ingest_cnemc(con, [ARCHIVE / "china_sites_20190410.csv"])
    # another question first: the journal is read again, so that the next one may be looked
    # up in the event loop (where a body kept under the old version must not be found)
    assert c.get("/api/v1/rankings?period=2019-01").status_code == 200
    after = c.get(url)
    assert after.status_code == 200 and after.content != before.content
    mod.answers.clear()
    air_api._BODIES.clear()
    assert c.get(url).content == after.content      # computed afresh: the same bytes
