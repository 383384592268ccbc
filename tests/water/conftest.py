"""Fixtures of the water tests: one synthetic demo store per session (built through the ingest)."""

import pytest

from qingshan.config import load_province
from qingshan.water.service import generate_water_demo
from qingshan.store import connect
from qingshan.store.province import sync_province


@pytest.fixture(scope="session")
def water_demo_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("water_demo")
    db = folder / "demo.duckdb"
    con = connect(db)
    prov = load_province("shandong")
    sync_province(con, prov)
    summary = generate_water_demo(con, prov, 2024, seed=7, folder=folder / "files")
    con.close()
    return db, summary
