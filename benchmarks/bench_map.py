"""Cold ``GET /chart/map.svg`` (the overview's map) of this tree against a baseline tree, same run.

Each tree runs in its own fresh process (``PYTHONPATH=<src>``) on its own copy of the store, the
app in process (FastAPI ``TestClient``). After one warm-up request (daily rows ready), each
period × indicator is asked twice: first in zh (nothing cached: services and drawing), then in
en (services cached, the map drawn anew — a chart is cached per language). Prints p50 / p99 per
phase and tree, and the ratios baseline ÷ this tree.

    .venv/bin/python benchmarks/bench_map.py --db /tmp/demo/qingshan.duckdb \\
        --baseline-src /tmp/base/src        # e.g. git archive <commit> | tar -x -C /tmp/base
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
INDICATORS = ("composite_index", "aqi_day", "pm25", "good_day_ratio")

_CHILD = r"""
import json, sys, time
from fastapi.testclient import TestClient
from qingshan.api import create_app
db, periods, indicators = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
out = {"zh": [], "en": []}
with TestClient(create_app(db, "shandong")) as c:
    r = c.get(f"/chart/map.svg?period={periods[0]}&indicator=composite_index&lang=zh&warm=1")
    assert r.status_code == 200, r.status_code
    for p in periods[1:]:
        for ind in indicators:
            for lang in ("zh", "en"):
                t = time.perf_counter()
                r = c.get(f"/chart/map.svg?period={p}&indicator={ind}&lang={lang}")
                out[lang].append(time.perf_counter() - t)
                assert r.status_code == 200 and r.text.startswith("<svg"), r.status_code
print(json.dumps(out))
"""


def _run(src: Path, db: Path, periods: list[str]) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        copy = Path(tmp) / "store.duckdb"
        shutil.copy(db, copy)
        env = {**os.environ, "PYTHONPATH": str(src)}
        res = subprocess.run([sys.executable, "-c", _CHILD, str(copy), json.dumps(periods),
                              json.dumps(INDICATORS)], env=env, capture_output=True, text=True,
                             check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _p(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, type=Path)
    ap.add_argument("--baseline-src", type=Path)
    ap.add_argument("--periods", default="2024-01,2024-02,2024-03,2024-04,2024-05,2024-06,"
                    "2024-07", help="comma list; the first is the warm-up")
    a = ap.parse_args()
    periods = a.periods.split(",")
    trees = [("this", REPO / "src")] + ([("baseline", a.baseline_src)] if a.baseline_src else [])
    res = {name: _run(src, a.db, periods) for name, src in trees}
    print(f"load average {os.getloadavg()[0]:.1f}; {len(periods) - 1} periods x "
          f"{len(INDICATORS)} indicators per phase")
    for phase, what in (("zh", "all cold (services + map)"), ("en", "services cached, map cold")):
        for name, _ in trees:
            xs = res[name][phase]
            print(f"{phase} {what:28s} {name:8s} p50 {statistics.median(xs) * 1e3:7.1f} ms  "
                  f"p99 {_p(xs, 0.99) * 1e3:7.1f} ms  n={len(xs)}")
        if a.baseline_src:
            b, t = res["baseline"][phase], res["this"][phase]
            print(f"{phase} ratio baseline / this: p50 "
                  f"{statistics.median(b) / statistics.median(t):.1f}x  p99 "
                  f"{_p(b, 0.99) / _p(t, 0.99):.1f}x")


if __name__ == "__main__":
    main()
