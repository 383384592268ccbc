"""What a fresh process pays for the province series' days (issue 13 session 14): baseline tree
against the current one, in the same run.

The first province figure of a process (``qingshan report air``, ``qingshan air assess --level
province``, a server's warm-up) computes the province series' daily statistics of every stored
day and their day AQI by each HJ 633 version (:mod:`qingshan.air.province_days`). Each timed
run here is one fresh Python process of one tree (``PYTHONPATH`` = that tree's ``src``; the same
venv) that opens the store read-only, imports what it needs, then times
:func:`province_days.kept` (the days) and :func:`province_days.version_aqi` of both versions
(HJ 633-2012, HJ 633-2026), then the one day a server's splice computes after a one-day upload
(``_compute`` + ``_aqi`` of the last stored day, median of 5). The trees alternate ``--rounds``
times, so both see the same load. Prints the median seconds of each part per tree and the
ratios baseline/new.

A tree with :mod:`qingshan.air.day_files` (issue 13 session 15) keeps the days in
``<db>.qsdays/``: its untimed run writes them and its timed runs read them (what a fresh
process after the first pays). ``--cold`` removes the folder before every run instead: each
run computes every day, as the first process after an upload does.

    .venv/bin/python benchmarks/bench_cold_province.py --db qingshan.duckdb \\
        [--baseline-rev f66f59c] [--baseline-src DIR] [--new-src DIR] [--rounds 5] [--cold]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_report import _baseline  # noqa: E402  (the same baseline tree: git archive)

#: the timed program of one run (its tree on PYTHONPATH); prints one JSON line
_RUN = r"""
import json, sys, time
from qingshan.air import province_days as P
from qingshan.air.rules import FAMILY_2012, FAMILY_2026
from qingshan.config import load_province
from qingshan.store import connect
con = connect(sys.argv[1], read_only=True)
prov = load_province("shandong")
t0 = time.perf_counter()
table, _ = P.kept(con, prov)
t1 = time.perf_counter()
for v in (FAMILY_2012, FAMILY_2026):
    P.version_aqi(con, prov, v)
t2 = time.perf_counter()
last = P.stored_days(con)[1]            # what a server's splice computes for a one-day upload
one = []
for _ in range(5):
    t = time.perf_counter()
    P._aqi(con, P._compute(con, prov, last, last), FAMILY_2026)
    one.append(time.perf_counter() - t)
print(json.dumps({"days": t1 - t0, "aqi": t2 - t1, "rows": table.num_rows,
                  "one_day": sorted(one)[2], "tree": P.__file__}))
"""


def _one(src: Path, db: str, cold: bool = False) -> dict:
    if cold:
        shutil.rmtree(f"{db}.qsdays", ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", _RUN, db], env=env, capture_output=True,
                         text=True, cwd=tempfile.gettempdir(), check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if not got["tree"].startswith(str(src)):
        sys.exit(f"run imported qingshan from {got['tree']}, not {src}")
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="store to read (e.g. the demo's)")
    ap.add_argument("--baseline-rev", default="f66f59c",
                    help="git revision of the baseline (default: before issue 13 session 14)")
    ap.add_argument("--baseline-src", help="a src folder instead of --baseline-rev")
    ap.add_argument("--new-src", default=str(REPO / "src"))
    ap.add_argument("--rounds", type=int, default=5, help="fresh processes per tree")
    ap.add_argument("--cold", action="store_true",
                    help="remove <db>.qsdays/ before every run (every run computes the days)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cold-province-") as tmp:
        trees = {"baseline": _baseline(args, Path(tmp)), "new": Path(args.new_src)}
        load = os.getloadavg()[0]
        print(f"store {args.db}{' (cold: no kept-days files)' if args.cold else ''}, "
              f"{os.cpu_count()} CPUs, load {load:.1f}; baseline "
              f"{trees['baseline']}, new {trees['new']}", flush=True)
        runs: dict[str, list[dict]] = {k: [] for k in trees}
        for k in trees:                 # one untimed run each (the page cache, .pyc files)
            _one(trees[k], args.db, args.cold)
        for _ in range(args.rounds):
            for k, src in trees.items():
                runs[k].append(_one(src, args.db, args.cold))
        med = {}
        for k, rs in runs.items():
            d = statistics.median(r["days"] for r in rs)
            a = statistics.median(r["aqi"] for r in rs)
            t = statistics.median(r["days"] + r["aqi"] for r in rs)
            o = statistics.median(r["one_day"] for r in rs)
            med[k] = (t, o)
            print(f"{k:9} days {d:6.3f} s  day AQI (2 versions) {a:6.3f} s  total {t:6.3f} s  "
                  f"one day (a splice) {o * 1000:5.1f} ms  ({rs[0]['rows']} days, n={len(rs)})")
        (tb, ob), (tn, on) = med["baseline"], med["new"]
        print(f"ratio baseline/new: total {tb / tn:.2f}, one day {ob / on:.2f} "
              f"(load at the end {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
