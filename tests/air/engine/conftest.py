"""Fixtures of the HJ 633 AQI engine tests: an in-memory DuckDB evaluator and, once per session,
a store holding the real 2019-H1 Shandong CNEMC archive."""

from __future__ import annotations

import duckdb
import pytest

from tests._built import private_copy, real_h1_store



@pytest.fixture(scope="session")
def aqi_duck():
    """A plain in-memory DuckDB connection for evaluating the SQL builders."""
    con = duckdb.connect(":memory:")
    yield con
    con.close()


@pytest.fixture(scope="session")
def aqi_real_store(tmp_path_factory):
    """Store with the real CNEMC 2019-H1 Shandong station archive (built once per test run)."""
    from qingshan.store import connect

    con = connect(str(private_copy(real_h1_store(), tmp_path_factory.mktemp("aqi_real"))))
    yield con
    con.close()
