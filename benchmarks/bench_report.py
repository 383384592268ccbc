"""Time a monthly air bulletin (build + PDF) on the real 2019-H1 archive, old path vs new path.

Paths (``qingshan.reports.figures``): **old** = the charts embedded in the PDF as SVG
(WeasyPrint draws each SVG in Python), 4 render threads, after the build — what the bulletin
did before issue 13's speed work; **new** = the charts rendered once, as PNG for the PDF
(SVG only for HTML), 2 threads, started during the build
(``build_air_report(..., render="pdf")``, as ``qingshan report air`` does).
Both run in this process, alternately, after a warm-up build (imports, vl-convert start-up), so
the ratio compares like with like on a shared machine (the load is printed).

    .venv/bin/python benchmarks/bench_report.py [--period 2019-03] [--repeat 3]

Prints seconds per stage (median of the repeats) and the ratio old/new. Target (issue 13):
≤ 5 s per monthly PDF on 2 cores; the figures are in the output, not asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: name -> (chart format in the PDF, render threads, $QINGSHAN_AIR_DAILY: "0" hourly chain,
#: "1" the stored daily rows when fresh — what the API and pages read)
PATHS = {"old (SVG in PDF)": ("svg", 4, "0"), "new (PNG in PDF)": ("png", 2, "0"),
         "new + daily rows": ("png", 2, "1")}


def _once(con, prov, period: str, fmt: str, workers: int, daily: str
          ) -> tuple[float, float, float]:
    from qingshan.reports import build_air_report, figures, render_pdf

    figures.PRINT_FORMAT, figures.WORKERS = fmt, workers
    os.environ["QINGSHAN_AIR_DAILY"] = daily
    c0, t0 = time.process_time(), time.perf_counter()
    r = build_air_report(con, period, lang="zh", province=prov,
                         render="pdf" if fmt == "png" else None)
    t1 = time.perf_counter()
    render_pdf(r)           # renders the charts (in the form the PDF embeds), then the PDF
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, time.process_time() - c0   # CPU: every thread of the process


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default="2019-03")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from qingshan.config import load_province
    from qingshan.store import connect
    from tests._built import real_h1_store

    con = connect(str(real_h1_store()), read_only=True)
    prov = load_province("shandong")
    print(f"period {args.period}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    for fmt, w, d in PATHS.values():
        _once(con, prov, args.period, fmt, w, d)   # warm-up of every path
    runs: dict[str, list] = {k: [] for k in PATHS}
    for _ in range(args.repeat):               # alternate, so every path sees the same load
        for name, (fmt, w, d) in PATHS.items():
            runs[name].append(_once(con, prov, args.period, fmt, w, d))
    res, cpu = {}, {}
    for name, rs in runs.items():
        b = statistics.median(x[0] for x in rs)
        p = statistics.median(x[1] for x in rs)
        res[name] = statistics.median(x[0] + x[1] for x in rs)
        cpu[name] = statistics.median(x[2] for x in rs)
        print(f"{name:18s} build {b:6.2f} s  charts+pdf {p:6.2f} s  total {res[name]:6.2f} s  "
              f"CPU {cpu[name]:6.2f} s")
    old, new = res["old (SVG in PDF)"], res["new + daily rows"]
    print(f"ratio old/(new + daily rows): wall {old / new:.2f}, CPU "
          f"{cpu['old (SVG in PDF)'] / cpu['new + daily rows']:.2f}; "
          f"PNG chain/daily rows: wall {res['new (PNG in PDF)'] / new:.2f}  "
          f"(target: ≤ 5 s per monthly PDF; now {new:.1f} s; "
          f"load at the end {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
