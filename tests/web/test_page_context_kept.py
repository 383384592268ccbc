"""The overview and the city page keep what they show per store stamp (qingshan.air.pages
``_OVERVIEW`` / ``_CITY_PAGES``, issue 19): a repeat view computes nothing, a commit computes it
again — the page then equals a freshly computed one — and the page itself is drawn for each
request (one user's name never reaches another's page)."""

from __future__ import annotations

import shutil

from tests.api._store import ARCHIVE, built_store

PAGES = ("/?period=2019-03", "/city/370100?year=2019", "/city/370100?period=2019-Q1")


def _fresh(c, url: str) -> str:
    from qingshan.air import pages
    pages._OVERVIEW.clear()
    pages._CITY_PAGES.clear()
    return c.get(url).text


def test_pages_kept_until_a_commit_and_drawn_per_request(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from qingshan.air import pages
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.api import create_app
    from qingshan.store import stamp
    from tests._auth import ensure_user, login
    monkeypatch.setattr(stamp, "SETTLE_S", 0.0)
    path = tmp_path / "k.duckdb"
    shutil.copy(built_store(), path)
    app = create_app(path, "shandong")
    built = []
    for name in ("_overview_ctx", "_city_ctx"):
        orig = getattr(pages, name)

        def counting(*a, _orig=orig, **k):
            built.append(1)
            return _orig(*a, **k)

        monkeypatch.setattr(pages, name, counting)
    try:
        with TestClient(app) as c:
            before = {u: c.get(u) for u in PAGES}
            assert all(r.status_code == 200 for r in before.values())
            assert len(built) == len(PAGES)
            again = {u: c.get(u).text for u in PAGES}
            assert len(built) == len(PAGES)                         # kept: nothing computed
            assert again == {u: r.text for u, r in before.items()}
            # the store's data end on 31 Mar 2019; a day of April is committed
            assert "2019-04" not in before["/?period=2019-03"].text
            with app.state.store.writer() as con:
                ingest_cnemc(con, [ARCHIVE / "china_sites_20190401.csv"])
            after = {u: c.get(u).text for u in PAGES}
            assert len(built) == 2 * len(PAGES)                     # computed again
            assert "2019-04" in after["/?period=2019-03"]           # the new month is offered
            assert after["/city/370100?year=2019"] != again["/city/370100?year=2019"]
            assert after == {u: _fresh(c, u) for u in PAGES}        # = computed afresh
            # a logged-in view, then an anonymous one of the same kept page
            ensure_user(app, "kept_page_user", "prov_staff")
            with TestClient(app) as u:
                login(u, "kept_page_user")
                assert "kept_page_user" in u.get(PAGES[0]).text
            n = len(built)
            anon = c.get(PAGES[0]).text
            assert len(built) == n and "kept_page_user" not in anon
    finally:
        app.state.store.close()


def test_the_kept_content_is_the_page_drawn_whole(tmp_path, monkeypatch):
    """The content block is kept per language and page URL (render.page ``drawn``): every
    view — zh and en, another query string (its download links), a logged-in user's header
    — is the page drawn whole without anything kept (``MAX_DRAWN = 0``)."""
    from fastapi.testclient import TestClient

    from qingshan.api import create_app
    from qingshan.store import stamp
    from qingshan.web import render
    from tests._auth import ensure_user, login
    monkeypatch.setattr(stamp, "SETTLE_S", 0.0)
    path = tmp_path / "d.duckdb"
    shutil.copy(built_store(), path)
    app = create_app(path, "shandong")
    urls = [u + extra for u in PAGES for extra in ("&lang=zh", "&lang=en", "&lang=en&x=odd")]
    try:
        with TestClient(app) as anon, TestClient(app) as user:
            ensure_user(app, "drawn_user", "prov_staff")
            login(user, "drawn_user")
            _fresh(anon, PAGES[0])
            views = lambda: {(w, u): c.get(u).text for w, c in (("anon", anon),    # noqa: E731
                                                               ("user", user)) for u in urls}
            first, kept = views(), views()
            assert kept == first
            assert "x%3Dodd" in kept[("anon", PAGES[2] + "&lang=en&x=odd")]   # its own links
            assert "drawn_user" in kept[("user", PAGES[1] + "&lang=zh")]
            assert "drawn_user" not in kept[("anon", PAGES[1] + "&lang=zh")]
            monkeypatch.setattr(render, "MAX_DRAWN", 0)
            _fresh(anon, PAGES[0])
            assert views() == kept                                   # drawn whole: the same
    finally:
        app.state.store.close()
