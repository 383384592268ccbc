"""``qingshan serve`` warms the server in the background (qingshan.api.app.warm_up → each
domain's ``warm`` part): air builds the province series' days, so the first province answer
of a server computes no province hour."""

from __future__ import annotations

import shutil

from tests.api._store import built_store


def test_warm_up_builds_the_province_days(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from qingshan.air import province_days
    from qingshan.air import service as svc
    from qingshan.api import create_app
    from qingshan.api.app import warm_up
    path = tmp_path / "w.duckdb"
    shutil.copy(built_store(), path)
    province_days.clear()
    app = create_app(path, "shandong")
    try:
        t = warm_up(app)
        t.join(120)
        assert not t.is_alive() and len(province_days.states()) == 1
        (state,), = province_days.states().values()
        by_version = state.by_ver
        assert set(by_version) == {"2012"}      # January–March 2019: HJ 633-2012 only

        def no_hours(*a, **k):                  # the province hours are not computed again
            raise AssertionError("province days computed after the warm-up")

        monkeypatch.setattr(svc, "_hourly", no_hours)
        with TestClient(app) as c:
            r = c.get("/api/v1/assessment?period=2019-02&level=province")
            assert r.status_code == 200 and r.json()[0]["code"] == "370000"
    finally:
        app.state.store.close()
