"""A store with real data for the API and web tests, built once per test process.

Data: the national station list and the CNEMC archive of Shandong, January–March 2019
(``../shared/data``), ingested with the same functions as ``qingshan ingest``.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

from tests._built import built_once, private_copy

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared").resolve()
ARCHIVE = SHARED / "data" / "cnemc-sites-2019H1-shandong"
STATIONS = SHARED / "data" / "stations" / "NewSiteList.csv"
MONTHS = ("201901", "201902", "201903")

_BUILT: Path | None = None


def shared_or_skip(p: Path) -> Path:
    if not p.exists():
        pytest.skip(f"shared data not found: {p} (tests read ../shared relative to the repo root)")
    return p


def _build(path: Path) -> None:
    from qingshan.config import load_province
    from qingshan.air.ingest import ingest_cnemc, ingest_stations
    from qingshan.store import connect

    prov = load_province("shandong")
    con = connect(path)
    ingest_stations(con, STATIONS, prov)
    files = sorted(f for f in ARCHIVE.glob("china_sites_*.csv") if f.name[12:18] in MONTHS)
    ingest_cnemc(con, files)
    con.execute("CHECKPOINT")
    con.close()


def built_store() -> Path:
    """Path of a DuckDB file holding stations + Jan–Mar 2019: built once per test run (shared by
    the xdist workers), then one private copy per test process."""
    global _BUILT
    if _BUILT is not None and _BUILT.exists():
        return _BUILT
    shared_or_skip(ARCHIVE)
    shared_or_skip(STATIONS)
    src = built_once("real_q1.duckdb", _build)
    tmp = Path(tempfile.mkdtemp(prefix="qingshan-webtest-"))
    atexit.register(shutil.rmtree, tmp, True)
    _BUILT = private_copy(src, tmp, "base.duckdb")
    return _BUILT


def copy_store(dest_dir: Path) -> Path:
    """A private copy of the built store (a server process needs its own file)."""
    dest = Path(dest_dir) / "copy.duckdb"
    shutil.copy(built_store(), dest)
    return dest


def changed_day_file(dest_dir: Path, day: str = "20190210") -> Path:
    """The archive's file of ``day`` with its first PM2.5 value (line 3, first station) + 1:
    ingested, its batch replaces that day's rows of the stored one."""
    src = (ARCHIVE / f"china_sites_{day}.csv").read_text().splitlines()
    cells = src[2].split(",")
    assert cells[2] == "PM2.5"
    cells[3] = str(int(cells[3]) + 1)
    src[2] = ",".join(cells)
    changed = Path(dest_dir) / f"china_sites_{day}.csv"
    changed.write_text("\n".join(src) + "\n")
    return changed
