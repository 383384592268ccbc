"""Stores built once per test run and shared by every pytest-xdist worker.

The real 2019-H1 archive takes ~15 s to ingest; five fixtures used to ingest it, once in each
worker. :func:`built_once` builds a file once under a folder shared by the run's workers
(keyed by xdist's test-run id), serialised by an ``flock``; every user then gets a private copy
(:func:`private_copy`), since a DuckDB file opened read-write is locked by its process.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
CNEMC_2019H1 = SHARED / "data" / "cnemc-sites-2019H1-shandong"
STATION_LIST = SHARED / "data" / "stations" / "NewSiteList.csv"

_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"
_ROOT = Path(tempfile.gettempdir()) / f"qingshan-tests-{_RUN}"


def built_once(name: str, build: Callable[[Path], None]) -> Path:
    """Path of ``name`` built by ``build(path)`` once for the whole test run (all workers)."""
    _ROOT.mkdir(exist_ok=True)
    path = _ROOT / name
    with open(_ROOT / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.exists():
                tmp = _ROOT / f"{name}.building"
                tmp.unlink(missing_ok=True)
                build(tmp)
                tmp.rename(path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path


def private_copy(src: Path, dest_dir: Path, name: str | None = None) -> Path:
    """A copy of a built store that one test process may open read-write."""
    dest = Path(dest_dir) / (name or src.name)
    shutil.copy(src, dest)
    return dest


def _build_real_h1(path: Path) -> None:
    from qingshan.config import load_province
    from qingshan.air.ingest import ingest_cnemc, ingest_stations
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    prov = load_province("shandong")
    con = connect(str(path))
    try:
        sync_province(con, prov)
        ingest_stations(con, str(STATION_LIST), prov)
        ingest_cnemc(con, [str(CNEMC_2019H1)])
        sync_province(con, prov)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def real_h1_store() -> Path:
    """The real 2019-H1 Shandong archive with the national station list (built once per run);
    skips with a clear message when ../shared is absent."""
    if not CNEMC_2019H1.is_dir() or not STATION_LIST.is_file():
        pytest.skip(f"shared data not found: {CNEMC_2019H1} (tests read ../shared relative to "
                    "the repo root)")
    return built_once("real_h1.duckdb", _build_real_h1)
