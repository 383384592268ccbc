"""Time a monthly air bulletin (build + PDF) on the real 2019-H1 archive, new path vs old path.

The old path renders the SVG charts one after the other (``CHART_WORKERS = 1``); the new path
renders them concurrently (vl-convert runs outside the GIL). Both run in this process, after a
warm-up build (imports, vl-convert start-up), so the ratio compares like with like.

    .venv/bin/python benchmarks/bench_report.py [--period 2019-03] [--repeat 2]

Prints seconds per stage and the ratio old/new. Target (issue 13): ≤ 5 s per monthly PDF on 2
cores; the figures are in the output, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _once(con, prov, period: str, workers: int) -> tuple[float, float]:
    from qingshan.air import report as air_report
    from qingshan.reports import build_air_report, render_pdf

    air_report.CHART_WORKERS = workers
    t0 = time.perf_counter()
    r = build_air_report(con, period, lang="zh", province=prov)
    t1 = time.perf_counter()
    render_pdf(r)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default="2019-03")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    from qingshan.config import load_province
    from qingshan.store import connect
    from tests._built import real_h1_store

    con = connect(str(real_h1_store()), read_only=True)
    prov = load_province("shandong")
    _once(con, prov, args.period, 4)   # warm-up
    res = {}
    for name, workers in (("old (serial charts)", 1), ("new (concurrent charts)", 4)):
        runs = [_once(con, prov, args.period, workers) for _ in range(args.repeat)]
        b = statistics.median(x[0] for x in runs)
        p = statistics.median(x[1] for x in runs)
        res[name] = b + p
        print(f"{name:26s} build {b:6.2f} s  pdf {p:6.2f} s  total {b + p:6.2f} s")
    old, new = res["old (serial charts)"], res["new (concurrent charts)"]
    print(f"ratio old/new: {old / new:.2f}  (target: ≤ 5 s per monthly PDF; now {new:.1f} s)")


if __name__ == "__main__":
    main()
