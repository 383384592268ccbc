"""A domain's bulletin section must leave the shared store connection usable (issue 13).

With the installed DuckDB, a result of ``con.execute(...)`` that was not fetched to the end
(``fetchone()`` on a one-row result is not the end) blocks the next ``con.sql`` on that
connection with ``ResourceInUseException``. The compensation section's check "does the store
have enough days of air data for this period" did exactly that when the answer was no (the
last statement the section ran).
"""

from __future__ import annotations

from datetime import datetime

import pytest


@pytest.fixture()
def tiny_store():
    from qingshan.config import load_province
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    prov = load_province("shandong")
    prov = prov.model_copy(update={"cities": prov.cities[:3]})
    con = connect(":memory:")
    sync_province(con, prov)
    # one station-hour: far fewer days than a valid quarter needs (GB 3095 Table 4: 27 per
    # month), so the section asks the store and then stops
    con.execute("INSERT INTO air_hourly (station_code, time, pm25, batch_id) "
                "VALUES ('1001A', ?, 10, 1)", [datetime(2019, 1, 1, 1)])
    yield con, prov
    con.close()


@pytest.mark.parametrize("part", ["qingshan.compensation.report:section",
                                  "qingshan.evaluation.report:section",
                                  "qingshan.water.report:section"])
def test_section_leaves_connection_usable(tiny_store, part):
    from qingshan.config import get_settings
    from qingshan.core.periods import parse_period
    from qingshan.core.registry import load
    from qingshan.reports.model import SectionContext

    con, prov = tiny_store
    for label in ("2019-Q1", "2019"):
        load(part)(SectionContext(con=con, period=parse_period(label), province=prov,
                                  lang="zh", settings=get_settings()))
        # the very connection the section got (not a cursor) still answers a query
        assert con.sql("SELECT 41 + 1").fetchall() == [(42,)]
