"""Time the water figures of the web pages cold (issue 14: any page ≤ 500 ms): a baseline tree
against the current one, in the same run.

What is timed is what the pages compute on a cache miss, on an open connection (the server's):
the overview's water block (``water_headline``: the province row and the coastal province row
of a year) and the city page's (``city_water``: the city rows and the coastal city rows). The
baseline computes each level in its own statement (``water_table(con, year, level)``); the new
tree computes the city and province rows in one pass (``water_groups``), which the overview
and the city pages of that year share (so the city page after the overview only adds its
coastal rows) — both orders are printed: "overview" (province + coastal), "city page alone"
(city + coastal city, nothing cached), "both pages" (overview then city page). And the service
alone: ``water_assessment(con, year, "province")``.

Each tree (a ``src`` folder holding ``qingshan``) runs in a process of its own (same venv,
``PYTHONPATH`` = that tree) per round: it opens a copy of the store (never the file given, which
is copied once to a temporary folder), warms the connection with one assessment of another year,
then times each block once (cold: no cache in these functions). The trees alternate ``--rounds``
times, so both see the same load (``uptime`` printed before and after). Baseline: ``git
archive`` of ``--baseline-rev`` unpacked to a temporary folder, or ``--baseline-src``.

    .venv/bin/python benchmarks/bench_water.py --db /tmp/wdemo/demo.duckdb \\
        [--year 2025] [--baseline-rev c3099ef] [--rounds 5]

Prints the median seconds per block and the ratio baseline/new; the target is printed, not
asserted. A demo store: ``.venv/bin/qingshan demo --db /tmp/wdemo/demo.duckdb --through none``.
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
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def child(db: str, year: str, warm: str) -> dict:
    """Run inside a tree's process: seconds of each block, cold, on one warmed connection."""
    import duckdb

    from qingshan.water import api as wapi
    from qingshan.water.service import water_assessment

    new = hasattr(wapi, "water_groups")

    def groups(con, y):          # the rows the pages' city and province figures come from
        return wapi.water_groups(con, y) if new else None

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    out = {}
    con = duckdb.connect(db, read_only=True)
    water_assessment(con, warm, "province")               # the server's connection is warm
    out["service province"] = timed(lambda: water_assessment(con, year, "province"))
    con.close()

    def overview(con):
        if new:
            wapi.group_rows(groups(con, year), "province")
        else:
            wapi.water_table(con, year, "province")
        wapi.coastal_table(con, year, "province")

    def city_page(con, cached=None):
        if new:
            wapi.group_rows(cached if cached is not None else groups(con, year), "city")
        else:
            wapi.water_table(con, year, "city")
        wapi.coastal_table(con, year, "city")

    def both(con):
        if new:
            g = groups(con, year)                  # what the cache holds after the overview
            wapi.group_rows(g, "province")
            wapi.coastal_table(con, year, "province")
            city_page(con, g)
        else:
            overview(con)
            city_page(con)

    for name, fn in (("overview", overview), ("city page alone", city_page),
                     ("both pages", both)):
        con = duckdb.connect(db, read_only=True)
        water_assessment(con, warm, "province")
        t, c = time.perf_counter(), time.process_time()
        fn(con)
        out[name] = time.perf_counter() - t
        out[name + " (CPU)"] = time.process_time() - c          # every thread of the process
        con.close()
    return out


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def _run(src: Path, db: str, year: str, warm: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    r = subprocess.run([sys.executable, __file__, "--child", db, year, warm], env=env,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="a qingshan demo store (copied, never used in place)")
    ap.add_argument("--year", default="2025")
    ap.add_argument("--warm", default=None, help="year of the warm-up (default: year − 1)")
    ap.add_argument("--baseline-rev", default="c3099ef")
    ap.add_argument("--baseline-src", default=None)
    ap.add_argument("--new-src", default=str(REPO / "src"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(*a.child)))
        return
    if not a.db:
        ap.error("--db is required")
    warm = a.warm or str(int(a.year) - 1)
    with tempfile.TemporaryDirectory(prefix="bench_water_") as tmp:
        db = str(Path(tmp) / "store.duckdb")
        shutil.copyfile(a.db, db)
        if a.baseline_src:
            base = Path(a.baseline_src)
        else:
            arc = subprocess.run(["git", "-C", str(REPO), "archive", a.baseline_rev, "src"],
                                 capture_output=True, check=True).stdout
            subprocess.run(["tar", "x", "-C", tmp], input=arc, check=True)
            base = Path(tmp) / "src"
        trees = {"baseline": base, "new": Path(a.new_src)}
        print("load before:", _uptime())
        runs: dict[str, list[dict]] = {k: [] for k in trees}
        for _ in range(a.rounds):
            for k, src in trees.items():
                runs[k].append(_run(src, db, a.year, warm))
        print("load after: ", _uptime())
    blocks = list(runs["new"][0])
    print(f"\nyear {a.year}, {a.rounds} rounds, median seconds (cold, warm connection)")
    print(f"{'block':<18} {'baseline':>9} {'new':>9} {'ratio':>7}   all new runs")
    for b in blocks:
        old = statistics.median(r[b] for r in runs["baseline"])
        new = statistics.median(r[b] for r in runs["new"])
        alln = ", ".join(f"{r[b]:.3f}" for r in runs["new"])
        print(f"{b:<18} {old:9.3f} {new:9.3f} {old / new:6.1f}×   {alln}")
    print("target (issue 14): any page ≤ 0.5 s in total (the water block is one part of it)")


if __name__ == "__main__":
    main()
