"""Stores with water data for the API and web tests.

- ``tiny_water_store``: the hand-worked examples of tests/water (12 sections of 济南 and 青岛 in
  2021 sampled once, 4 coastal points), so every figure can be checked by hand.
- ``water_store``: the real-data air store plus the synthetic water demo of 2019 (and 2018),
  loaded through the ingest functions, built once per test process (the pages, the fuzz run
  and the bulletins need a store with both air and water data for the same year).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from tests._built import built_once, private_copy
from tests.api._store import built_store

# code: (city, water_body, drinking, volume, {parameter: value}) — classes by GB 3838 Table 1
SECTIONS = {
    "J01": ("济南", "river", "", "", {"nh3n": 0.1}),              # I
    "J02": ("济南", "river", "", "", {"nh3n": 0.1}),              # I
    "J03": ("济南", "river", "", "", {"nh3n": 0.3}),              # II
    "J04": ("济南", "river", "", "", {"nh3n": 0.3}),              # II
    "J05": ("济南", "river", "", "", {"nh3n": 0.3}),              # II
    "J06": ("济南", "river", "", "", {"nh3n": 0.8}),              # III
    "J07": ("济南", "river", "", "", {"nh3n": 0.8}),              # III
    "J08": ("济南", "river", "", "", {"nh3n": 1.2, "tp": 0.25}),  # IV
    "J09": ("济南", "river", "", "", {"nh3n": 1.8}),              # V
    "J10": ("济南", "river", "", "", {"nh3n": 2.5, "tp": 0.45}),  # 劣V
    "Q01": ("青岛", "river", "true", "300", {"nh3n": 0.4, "tp": 0.1}),  # II
    "Q02": ("青岛", "river", "true", "100", {"nh3n": 1.4, "tp": 0.3}),  # IV
}
WATER_YEAR = 2019
_BUILT: Path | None = None


def tiny_water_store(folder: Path) -> Path:
    """A DuckDB file with the hand-worked sections (2021-06-15) and coastal points (2021)."""
    from qingshan.config import load_province
    from qingshan.water.ingest.load import (
        ingest_coastal_points, ingest_coastal_samples, ingest_water_samples,
        ingest_water_sections,
    )
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    folder = Path(folder)
    db = folder / "tiny_water.duckdb"
    con = connect(db)
    sync_province(con, load_province("shandong"))
    sec = folder / "sections.csv"
    sec.write_text("code,name,water_body,city,drinking_source,supply_volume,target_class\n" +
                   "".join(f"{c},{c},{b},{city},{d},{v},3\n"
                           for c, (city, b, d, v, _) in SECTIONS.items()), encoding="utf-8")
    smp = folder / "samples.csv"
    smp.write_text("section_code,sample_date,parameter,value\n" +
                   "".join(f"{c},2021-06-15,{p},{x}\n" for c, (*_, vals) in SECTIONS.items()
                           for p, x in vals.items()), encoding="utf-8")
    ingest_water_sections(con, sec)
    ingest_water_samples(con, [smp])
    pts = folder / "points.csv"
    pts.write_text("code,name,city,zone_class,area_km2\nP1,P1,青岛,2,100\nP2,P2,青岛,2,300\n"
                   "P3,P3,青岛,3,50\nP4,P4,烟台,1,\n", encoding="utf-8")
    csm = folder / "coastal.csv"
    csm.write_text("point_code,sample_date,parameter,value\n"
                   "P1,2021-05-10,din,0.15\nP1,2021-05-10,phosphate,0.02\n"
                   "P2,2021-05-10,no3n,0.25\nP2,2021-05-10,no2n,0.02\nP2,2021-05-10,nh3n,0.05\n"
                   "P3,2021-05-10,din,0.18\nP3,2021-08-10,din,0.22\nP3,2021-05-10,cod,2.5\n"
                   "P4,2021-05-10,din,0.6\n", encoding="utf-8")
    ingest_coastal_points(con, pts)
    ingest_coastal_samples(con, [csm])
    con.execute("CHECKPOINT")
    con.close()
    return db


def _build_water(path: Path) -> None:
    from qingshan.config import load_province
    from qingshan.water.service import generate_water_demo
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    shutil.copy(built_store(), path)
    prov = load_province("shandong")
    con = connect(path)
    sync_province(con, prov)
    generate_water_demo(con, prov, WATER_YEAR, seed=7, folder=path.parent / f"{path.name}.files")
    con.execute("CHECKPOINT")
    con.close()


def water_store() -> Path:
    """Path of the real-data air store plus the water demo of 2019: built once per test run
    (shared by the xdist workers), then one private copy per test process."""
    global _BUILT
    if _BUILT is not None and _BUILT.exists():
        return _BUILT
    src = built_once("air_water.duckdb", _build_water)
    tmp = Path(tempfile.mkdtemp(prefix="qingshan-watertest-"))
    atexit.register(shutil.rmtree, tmp, True)
    _BUILT = private_copy(src, tmp, "air_water.duckdb")
    return _BUILT
