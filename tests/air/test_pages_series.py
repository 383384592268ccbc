"""Issue 14, session 6: a city page's monthly series reads its own unit's daily rows only, and
the stored day AQI for its day counts (qingshan.air.daily.monthly_series with
``DailyRows(only=…, counts_only=True)``) — the same frame as the hourly chain, for a city and
a station (the chain, :mod:`qingshan.air.service`, is checked against the spec elsewhere)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from tests.api._store import built_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from qingshan.air import daily
    from qingshan.store import connect
    path = tmp_path_factory.mktemp("series") / "q1.duckdb"
    shutil.copy(built_store(), path)
    c = connect(path)
    daily.ensure(c)
    yield c
    c.close()


@pytest.mark.parametrize("level,code", [("city", "370100"), ("city", "371700"),
                                        ("station", "1299A")])
def test_one_unit_series_equals_the_chain(con, level, code, monkeypatch):
    from qingshan.air import daily
    from qingshan.air import service as svc
    from qingshan.config import load_province
    prov = load_province("shandong")
    seen = []
    orig = daily.DailyRows.daily_aqi

    def spy(self, put, lvl, start, end, codes, p):
        got = orig(self, put, lvl, start, end, codes, p)
        seen.append((self.only, got is not None))
        return got

    monkeypatch.setattr(daily.DailyRows, "daily_aqi", spy)
    fast = daily.monthly_series(con, level, code, 2019, prov)
    # the fast path ran: the one unit's rows, the stored day AQI
    assert seen == [((code,), True)]
    chain = svc.monthly_series(con, level, code, 2019, prov)
    assert len(chain) >= 1            # the Q1 2019 store: January … March
    pd.testing.assert_frame_equal(fast, chain)
