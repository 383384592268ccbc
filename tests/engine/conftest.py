"""Fixtures of the HJ 633 AQI engine tests: an in-memory DuckDB evaluator and, once per session,
a store holding the real 2019-H1 Shandong CNEMC archive."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
CNEMC_2019H1 = SHARED / "data" / "cnemc-sites-2019H1-shandong"
STATION_LIST = SHARED / "data" / "stations" / "NewSiteList.csv"


@pytest.fixture(scope="session")
def aqi_duck():
    """A plain in-memory DuckDB connection for evaluating the SQL builders."""
    con = duckdb.connect(":memory:")
    yield con
    con.close()


@pytest.fixture(scope="session")
def aqi_real_store(tmp_path_factory):
    """Store with the real CNEMC 2019-H1 Shandong station archive ingested (≈15 s, once)."""
    if not CNEMC_2019H1.exists() or not STATION_LIST.exists():
        pytest.skip(f"shared data not found: {CNEMC_2019H1} (tests read ../shared relative to "
                    "the repo root)")
    from qingshan.config import load_province
    from qingshan.ingest import ingest_cnemc, ingest_stations
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    prov = load_province("shandong")
    con = connect(str(tmp_path_factory.mktemp("aqi_real") / "store.duckdb"))
    sync_province(con, prov)
    ingest_stations(con, str(STATION_LIST), prov)
    ingest_cnemc(con, [str(CNEMC_2019H1)])
    yield con
    con.close()
