"""What the province series' kept days cost after an upload (issue 19): splice vs recompute.

A server keeps the province series' daily statistics of every stored day and their day AQI per
HJ 633 version (:mod:`qingshan.air.province_days`). Before, any upload threw them away and the
next province answer computed every stored day again; now the days of the new batches are
computed and spliced in. This script copies a store (``--db``: e.g. the demo's), warms the kept
days, then uploads ``--uploads`` CNEMC daily files one at a time (the real ingest) and after
each one measures, in the same process and on the same connection:

* **splice**: :func:`province_days.kept` + the day AQI of every version (what the next
  province answer pays now);
* **whole**: the same tables computed over every stored day (what it paid before:
  ``_compute`` of the stored span + ``_aqi`` per version).

It prints both per upload, their medians and the ratio, and checks that the spliced tables
equal the whole ones (to the last bits a parallel sum may change).

Usage: .venv/bin/python benchmarks/bench_province_days.py --db qingshan.duckdb \
           --uploads demo-output/archive-2026/china_sites_2026010*.csv
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a store to copy (not changed)")
    ap.add_argument("--uploads", type=Path, nargs="+", required=True,
                    help="CNEMC daily files not yet in the store")
    ap.add_argument("--province", default="shandong")
    a = ap.parse_args()

    from qingshan.air import province_days as pdays
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.air.rules import aqi_versions
    from qingshan.config import load_province
    from qingshan.store import connect

    prov = load_province(a.province)
    with tempfile.TemporaryDirectory(prefix="qs-pdays-") as tmp:
        path = Path(tmp) / "copy.duckdb"
        shutil.copy(a.db, path)
        con = connect(str(path))
        lo, hi = pdays.stored_days(con)
        vers = [v for v, _, _ in aqi_versions(lo, hi)]
        t0 = time.perf_counter()
        pdays.kept(con, prov)
        for v in vers:
            pdays.version_aqi(con, prov, v)
        print(f"store: {a.db} ({lo} … {hi}), HJ 633 versions {vers}; "
              f"warm-up {time.perf_counter() - t0:.2f} s")
        print("| upload | splice [s] | whole [s] | ratio |")
        print("|---|---|---|---|")
        sp, wh = [], []
        for f in a.uploads:
            ingest_cnemc(con, [f])
            lo, hi = pdays.stored_days(con)
            vers = [v for v, _, _ in aqi_versions(lo, hi)]
            t0 = time.perf_counter()
            table, by_ver = pdays.kept(con, prov)
            got = {v: pdays.version_aqi(con, prov, v) for v in vers}
            t1 = time.perf_counter()
            whole = pdays._compute(con, prov, lo, hi)
            whole_aqi = {v: pdays._aqi(con, whole, v) for v in vers}
            t2 = time.perf_counter()
            sp.append(t1 - t0)
            wh.append(t2 - t1)
            span = table.filter(pc.less_equal(table.column("date"), hi))
            pd.testing.assert_frame_equal(span.to_pandas(), whole.to_pandas(),
                                          check_exact=False, rtol=1e-12, atol=0)
            for v in vers:
                pd.testing.assert_frame_equal(
                    got[v].filter(pc.less_equal(got[v].column("date"), hi)).to_pandas(),
                    whole_aqi[v].to_pandas(), check_exact=False, rtol=1e-12, atol=0)
            print(f"| {f.name} | {t1 - t0:.3f} | {t2 - t1:.3f} | {(t2 - t1) / (t1 - t0):.1f}× |")
        ms, mw = statistics.median(sp), statistics.median(wh)
        print(f"\nmedian: splice {ms:.3f} s, whole {mw:.3f} s: {mw / ms:.1f}× less after an "
              f"upload (spliced tables equal the whole ones: checked)")
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
