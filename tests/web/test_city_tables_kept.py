"""A city page keeps its calendar and trend tables per city, year, language and version of the
year's data (qingshan.air.pages._CITY_TABLES): a repeat view builds none; a new day of that
year builds them again."""

from __future__ import annotations

import shutil

from tests.api._store import ARCHIVE, built_store


def test_city_tables_are_kept_until_the_year_changes(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from qingshan.air import pages
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.api import create_app
    from qingshan.store import stamp
    monkeypatch.setattr(stamp, "SETTLE_S", 0.0)
    path = tmp_path / "c.duckdb"
    shutil.copy(built_store(), path)
    app = create_app(path, "shandong")
    built = []
    orig = pages.trend_tables     # the page's trend tables (session 6: one call per build)

    def counting(*a, **k):
        built.append(1)
        return orig(*a, **k)

    monkeypatch.setattr(pages, "trend_tables", counting)
    try:
        with TestClient(app) as c:
            first = c.get("/city/370100?year=2019")
            assert first.status_code == 200 and built
            n = len(built)
            again = c.get("/city/370100?year=2019")
            assert again.status_code == 200 and len(built) == n      # kept
            assert c.get("/city/370100?year=2019&lang=en").status_code == 200
            assert len(built) == 2 * n                               # another language
            with app.state.store.writer() as con:                    # a day of 2019 stored
                ingest_cnemc(con, [ARCHIVE / "china_sites_20190410.csv"])
            assert c.get("/city/370100?year=2019").status_code == 200
            assert len(built) == 3 * n                               # built again
    finally:
        app.state.store.close()
