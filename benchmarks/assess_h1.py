"""Time ingest + assessment of the real 2019-H1 Shandong archive (../shared/data).

Usage: .venv/bin/python benchmarks/assess_h1.py
Prints the ingest time and the time of assess() for 6 months, 2 quarters and the year at
station, city and province level (27 assessments).
"""

import sys
import time
from pathlib import Path

from qingshan.config import load_province
from qingshan.air.ingest import ingest_cnemc, ingest_stations
from qingshan.air.service import assess
from qingshan.store import connect

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def main() -> None:
    if not SHARED.exists():
        sys.exit(f"shared data not found at {SHARED}")
    con = connect(":memory:")
    prov = load_province("shandong")
    t0 = time.perf_counter()
    ingest_stations(con, SHARED / "stations" / "NewSiteList.csv", prov)
    res = ingest_cnemc(con, [SHARED / "cnemc-sites-2019H1-shandong"])
    print(f"ingest: {len(res)} files, {sum(r.rows_stored for r in res):,} station-hours in "
          f"{time.perf_counter() - t0:.1f} s")
    periods = [f"2019-{m:02d}" for m in range(1, 7)] + ["2019-Q1", "2019-Q2", "2019"]
    t1 = time.perf_counter()
    for level in ("station", "city", "province"):
        t = time.perf_counter()
        for p in periods:
            assess(con, p, level, prov)
        print(f"assess {level}: {time.perf_counter() - t:.1f} s for {len(periods)} periods")
    print(f"assess total: {time.perf_counter() - t1:.1f} s")


if __name__ == "__main__":
    main()
