"""Time ``qingshan.governance.service.event_log`` and ``rates_for`` per ledger kind: a baseline
tree against the current one, in the same run, on the same operational store.

The store is ``--db`` (an SQLAlchemy URL of an upgraded store holding ledgers) or, by default,
a new SQLite file with the synthetic demo ledgers of ``--cities`` (all 16 cities by default:
:func:`qingshan.governance.demo.load_demo`, as ``qingshan demo`` stores them; ≈ 43 000 rows,
9 481 EIA cases, 7 121 inspections, 1 852 complaints). ``--pg`` builds that demo store in a
fresh PostgreSQL database instead (``tests/_postgres.py`` starts a server).

Each tree (a ``src`` folder holding ``qingshan``) runs in its own Python process (this venv,
``PYTHONPATH`` = that tree): one warm-up call per kind (imports, statement compilation,
calendar load), then ``--repeat`` timed calls per kind; the trees alternate ``--rounds`` times,
so both see the same machine load (``uptime``'s 1-minute load printed before and after).
Baseline: the tree of git revision ``--baseline-rev`` (``git archive`` unpacked to a temporary
folder) or ``--baseline-src``; new: ``--new-src`` (default: this checkout's ``src``). The
frames of both trees are compared (columns, dtypes, values, row order) and the result printed.

    .venv/bin/python benchmarks/bench_governance.py --baseline-rev <rev> [--rounds 3] \\
        [--repeat 3] [--cities 371000 370200] [--db URL | --pg]

Prints, per kind, the median seconds of ``event_log`` (the system actor, as the bulletin
reads) and of ``rates_for`` (cut-off ``--cutoff``, period from ``--period-start``) for each
tree and the ratio baseline/new.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KINDS = ("dc_task", "dc_petition", "complaint", "inspection", "permit", "eia_application")
RATE_KINDS = ("dc_task", "dc_petition", "complaint", "inspection")


def _worker(url: str, repeat: int, cutoff: str, start: str, dump: str | None) -> None:
    """Run in the tree's process: time the calls, print one JSON line."""
    from datetime import date

    from qingshan.accounts.authz import Actor
    from qingshan.governance import service
    from qingshan.governance.rates import RatesError
    from qingshan.store.ops import session_scope

    actor = Actor.system("bench.governance")
    cut, st = date.fromisoformat(cutoff), date.fromisoformat(start)
    out: dict[str, dict[str, list[float] | str]] = {}
    frames = {}
    with session_scope(url) as s:
        for kind in KINDS:
            try:
                frames[kind] = service.event_log(s, actor, kind)          # warm-up
            except RatesError as e:
                out[kind] = {"error": str(e)}
                continue
            ev = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                service.event_log(s, actor, kind)
                ev.append(time.perf_counter() - t0)
            out[kind] = {"event_log": ev}
            if kind not in RATE_KINDS:
                continue
            try:
                service.rates_for(s, actor, kind, cut, period_start=st)
            except RatesError as e:
                out[kind]["rates_error"] = str(e)
                continue
            rt = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                service.rates_for(s, actor, kind, cut, period_start=st)
                rt.append(time.perf_counter() - t0)
            out[kind]["rates_for"] = rt
    if dump:
        with open(dump, "wb") as f:
            pickle.dump(frames, f)
    print(json.dumps(out))


def _same(a: dict, b: dict) -> list[str]:
    """The differences between two trees' frames (empty when equal)."""
    import pandas as pd

    bad = []
    if a.keys() != b.keys():
        return [f"kinds {sorted(a)} != {sorted(b)}"]
    for kind in a:
        for name, x, y in zip(("cases", "events"), a[kind], b[kind]):
            try:
                assert list(x.columns) == list(y.columns), "columns"
                assert list(x.dtypes) == list(y.dtypes), "dtypes"
                pd.testing.assert_frame_equal(x, y, check_exact=True)
                for c in x.columns:
                    assert [type(v) for v in x[c]] == [type(v) for v in y[c]], f"types of {c}"
            except AssertionError as e:
                bad.append(f"{kind} {name}: {str(e)[:200]}")
    return bad


def _demo_store(url: str | None, cities: list[str] | None, pg: bool, tmp: Path) -> str:
    if url:
        return url
    from qingshan.config import load_province
    from qingshan.governance.demo import load_demo
    from qingshan.store.ops import dispose_all, session_scope, upgrade
    if pg:
        sys.path.insert(1, str(REPO))
        from tests._postgres import new_database
        url = new_database()
    else:
        url = f"sqlite:///{tmp / 'ops.sqlite'}"
    upgrade(url)
    t0 = time.perf_counter()
    with session_scope(url) as s:
        out = load_demo(s, load_province("shandong"), cities)
    dispose_all()
    n = sum(sum(v.values()) for v in out.values())
    print(f"demo store: {len(out)} cities, {n} rows, {time.perf_counter() - t0:.1f} s "
          f"({url.split('?')[0]})", flush=True)
    return url


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline-rev", default=None, help="git revision of the baseline tree")
    ap.add_argument("--baseline-src", default=None, help="a src folder instead of --baseline-rev")
    ap.add_argument("--new-src", default=str(REPO / "src"))
    ap.add_argument("--db", default=None, help="an upgraded operational store's URL")
    ap.add_argument("--pg", action="store_true", help="the demo store in a new PostgreSQL DB")
    ap.add_argument("--cities", nargs="*", default=None, help="demo cities (default all)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cutoff", default="2025-12-31")
    ap.add_argument("--period-start", default="2023-01-01")
    ap.add_argument("--_worker", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--_dump", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._worker:
        url, repeat, cutoff, start = a._worker
        _worker(url, int(repeat), cutoff, start, a._dump)
        return
    if not (a.baseline_rev or a.baseline_src):
        ap.error("--baseline-rev or --baseline-src")
    with tempfile.TemporaryDirectory(prefix="bench-gov-") as tmp:
        tmp = Path(tmp)
        base = a.baseline_src
        if base is None:
            arch = subprocess.run(["git", "-C", str(REPO), "archive", a.baseline_rev, "src"],
                                  check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(tmp)], input=arch, check=True)
            base = str(tmp / "src")
        url = _demo_store(a.db, a.cities, a.pg, tmp)
        trees = {"baseline": base, "new": a.new_src}
        times: dict[str, dict[str, dict[str, list[float]]]] = {t: {} for t in trees}
        errors: dict[str, dict[str, str]] = {t: {} for t in trees}
        print("load before:", _load(), flush=True)
        for rnd in range(a.rounds):
            for tree, src in trees.items():
                env = {**os.environ, "PYTHONPATH": src}
                dump = str(tmp / f"{tree}.pkl") if rnd == 0 else None
                cmd = [sys.executable, __file__, "--_worker", url, str(a.repeat), a.cutoff,
                       a.period_start] + (["--_dump", dump] if dump else [])
                r = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp)
                if r.returncode:
                    sys.exit(f"{tree} worker failed:\n{r.stderr[-3000:]}")
                for kind, d in json.loads(r.stdout.strip().splitlines()[-1]).items():
                    for k, v in d.items():
                        if isinstance(v, str):
                            errors[tree][f"{kind} {k}"] = v
                        else:
                            times[tree].setdefault(kind, {}).setdefault(k, []).extend(v)
        print("load after: ", _load())
        with open(tmp / "baseline.pkl", "rb") as f:
            fa = pickle.load(f)
        with open(tmp / "new.pkl", "rb") as f:
            fb = pickle.load(f)
        bad = _same(fa, fb)
        print("same frames (cases, events per kind):",
              "yes, " + ", ".join(f"{k} {len(c)}/{len(e)}" for k, (c, e) in fa.items())
              if not bad else "NO\n  " + "\n  ".join(bad))
        if errors["baseline"] != errors["new"]:
            print("errors differ:", errors)
        elif errors["new"]:
            print("both trees:", "; ".join(f"{k}: {v}" for k, v in errors["new"].items()))
        print(f"\nmedian seconds of {a.rounds} rounds x {a.repeat} calls (baseline {base}, "
              f"new {a.new_src})")
        print(f"{'kind':16s} {'call':10s} {'baseline':>9s} {'new':>9s} {'ratio':>6s}")
        tot = {"baseline": 0.0, "new": 0.0}
        for kind in KINDS:
            for call in ("event_log", "rates_for"):
                if call not in times["baseline"].get(kind, {}):
                    continue
                mb = statistics.median(times["baseline"][kind][call])
                mn = statistics.median(times["new"][kind][call])
                if call == "rates_for":
                    tot["baseline"] += mb
                    tot["new"] += mn
                print(f"{kind:16s} {call:10s} {mb:9.3f} {mn:9.3f} {mb / mn:5.1f}x")
        print(f"{'Σ rates_for':27s} {tot['baseline']:9.3f} {tot['new']:9.3f} "
              f"{tot['baseline'] / tot['new']:5.1f}x")


if __name__ == "__main__":
    main()
