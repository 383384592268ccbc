"""Per-request cost of already-answered web pages: ``/city/<code>?period=P`` and ``/?period=P``.

The figures of these pages are kept by the server (warm service caches); what a request still
pays is the catalogue look-ups, the latest hours, the water blocks, the data version and the
template. This script measures that cost, for this tree and (``--baseline-src <tree>/src``, e.g.
a ``git archive`` of an earlier commit extracted to /tmp) a baseline tree, one server after the
other on private copies of the same store (``qingshan serve`` on 127.0.0.1; the store given is
only copied, never written):

1. warm: every page of the list requested twice (its figures computed and kept);
2. ``sequential``: ``--n`` requests of each kind (city pages, overview pages), one at a time,
   cycling through the list (p50 / p99 latency);
3. ``concurrent``: ``--clients`` clients asking the whole list for ``--seconds`` s
   (requests/s, p50 / p99);
4. the HTML of every page of the list is kept and compared byte for byte between the trees.

Prints a table per tree and the ratios baseline ÷ this tree of the same run.

Example::

    git archive <commit> | tar -x -C /tmp/base
    python benchmarks/bench_pages.py --db /tmp/h14demo/qingshan.duckdb --baseline-src /tmp/base/src
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]

CITY_PAGES = ["/city/370100?period=2025", "/city/370200?period=2024-Q3",
              "/city/370700?period=2026-05", "/city/371000?period=2024&lang=en"]
OVERVIEW_PAGES = ["/?period=2025", "/?period=2024-Q3", "/?period=2026-10",
                  "/?period=2025-H1&lang=en", "/?period=2025-06&indicator=pm25"]


sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import Server as _WebServer  # noqa: E402  (the same private server)
from bench_web import _pct  # noqa: E402


def Server(db: Path, src: Path | None) -> _WebServer:
    """``qingshan serve`` on a private copy of ``db`` (``src``: a source tree to run instead):
    :class:`bench_web.Server`."""
    return _WebServer(db, {} if src is None else {"PYTHONPATH": str(src.resolve())})


def _get(c: httpx.Client, url: str) -> tuple[float, int, str]:
    t = time.perf_counter()
    r = c.get(url)
    return time.perf_counter() - t, r.status_code, r.text


def run(label: str, db: Path, src: Path | None, n: int, clients: int, seconds: float) -> dict:
    print(f"[{label}] starting server ({src or 'this tree'})", file=sys.stderr, flush=True)
    srv = Server(db, src)
    out: dict = {"html": {}}
    try:
        with httpx.Client(base_url=srv.base, timeout=300) as c:
            for _ in range(2):                          # warm: figures computed and kept
                for u in CITY_PAGES + OVERVIEW_PAGES:
                    _, st, text = _get(c, u)
                    if st != 200:
                        raise RuntimeError(f"{u}: {st}")
                    out["html"][u] = text
            time.sleep(2)
            for kind, pages in (("city", CITY_PAGES), ("overview", OVERVIEW_PAGES)):
                ts = [_get(c, pages[i % len(pages)])[0] for i in range(n)]
                out[f"seq {kind}"] = ts
        lat: list[float] = []
        count = [0]
        stop = time.perf_counter() + seconds
        lock = threading.Lock()
        pages = CITY_PAGES + OVERVIEW_PAGES

        def client(k: int) -> None:
            with httpx.Client(base_url=srv.base, timeout=300) as c:
                i = k
                while time.perf_counter() < stop:
                    dt, st, _ = _get(c, pages[i % len(pages)])
                    i += 1
                    with lock:
                        lat.append(dt)
                        count[0] += st == 200
        t0 = time.perf_counter()
        th = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in th:
            t.start()
        for t in th:
            t.join()
        out["conc"] = lat
        out["rps"] = count[0] / (time.perf_counter() - t0)
    finally:
        srv.stop()
    return out


def _table(label: str, r: dict, clients: int) -> None:
    print(f"\n### {label}\n| measure | p50 [ms] | p99 [ms] | requests/s |\n|---|---|---|---|")
    for k in ("seq city", "seq overview"):
        xs = r[k]
        print(f"| {k} ({len(xs)}) | {_pct(xs, .5) * 1e3:.1f} | {_pct(xs, .99) * 1e3:.1f} "
              f"| {len(xs) / sum(xs):.1f} |")
    xs = r["conc"]
    print(f"| {clients} clients, mixed ({len(xs)}) | {_pct(xs, .5) * 1e3:.1f} | "
          f"{_pct(xs, .99) * 1e3:.1f} | {r['rps']:.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/h14demo/qingshan.duckdb"))
    ap.add_argument("--baseline-src", type=Path, default=None)
    ap.add_argument("--n", type=int, default=60, help="sequential requests per kind")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    runs = {}
    if args.baseline_src is not None:
        runs["baseline"] = run("baseline", args.db, args.baseline_src, args.n, args.clients,
                               args.seconds)
    runs["this tree"] = run("this tree", args.db, None, args.n, args.clients, args.seconds)
    for label, r in runs.items():
        _table(label, r, args.clients)
    if "baseline" in runs:
        b, t = runs["baseline"], runs["this tree"]
        print("\n### ratio baseline ÷ this tree (same run)\n| measure | p50 | p99 |\n|---|---|---|")
        for k in ("seq city", "seq overview", "conc"):
            print(f"| {k} | {_pct(b[k], .5) / _pct(t[k], .5):.2f} | "
                  f"{_pct(b[k], .99) / _pct(t[k], .99):.2f} |")
        print(f"| requests/s ({args.clients} clients) this ÷ baseline | "
              f"{t['rps'] / b['rps']:.2f} | |")
        same = [u for u in b["html"] if b["html"][u] == t["html"].get(u)]
        diff = [u for u in b["html"] if u not in same]
        print(f"\nHTML byte-identical: {len(same)} of {len(b['html'])} pages"
              + (f"; differ: {', '.join(diff)}" if diff else ""))
        if diff:
            import difflib
            for u in diff[:2]:
                d = difflib.unified_diff(b["html"][u].splitlines(), t["html"][u].splitlines(),
                                         "baseline", "this tree", lineterm="", n=1)
                print("\n".join(list(d)[:30]))


if __name__ == "__main__":
    main()
