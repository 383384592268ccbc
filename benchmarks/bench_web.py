"""Bounded load test of the web server on 127.0.0.1: the daily-row path against the hourly chain.

Two cold servers (``qingshan serve``) on private copies of the same store, one after the other:

* **daily** — as shipped: figures from the materialised daily rows (:mod:`qingshan.air.daily`),
  heavy computations bounded by ``QINGSHAN_HEAVY_QUERIES`` (default 2);
* **chain** — ``QINGSHAN_AIR_DAILY=0``: every figure from the hourly chain, as before issue 14,
  with the bound lifted (``QINGSHAN_HEAVY_QUERIES=64``, i.e. as unbounded as before).

For each server, in this order (the same random periods, seed ``--seed``, for both):

1. ``cold``: one request per random period (months, quarters, half-years, runs of months,
   years of the store's data range) of ``/api/v1/rankings``, ``/api/v1/assessment?level=city``
   and ``level=province``, and of the pages ``/?period=…`` and ``/city/<code>?year=…`` (the
   first ``--cities`` cities, every year) — every
   one a question the server has not answered before (no warm result cache); a page that
   loads its charts from the chart routes is timed twice: the page alone, and the page with
   all its chart images fetched at once after it (``+ map`` / ``+ charts``) over six connections
   kept open, as a browser does (they were one new client per image before: ≈ 20 ms of this
   script's CPU each, counted in the page's time);
2. ``cached``: ``--clients`` concurrent clients asking for the dashboard JSON of a few periods
   already answered, for ``--seconds`` s (throughput, p50/p99);
3. ``heavy``: ``--clients`` concurrent clients asking annual/half-year rankings and
   assessments of periods not answered yet (the load of issue 14: 16 clients, annual rankings),
   with the server's resident memory sampled every 0.1 s (peak VmRSS; VmHWM at the end).

Prints one table per phase and the ratios chain ÷ daily measured in the same run;
``--baseline-src <tree>/src`` runs a third server from another source tree (e.g. ``git archive``
of an earlier commit; daily path) and prints the ratios baseline ÷ this tree. The city pages'
chart images are also timed one by one (``chart calendar.svg`` / ``chart trend.svg``: each
image's own request while the page's images are fetched at once).

Example::

    qingshan demo                       # builds qingshan.duckdb (synthetic province, 2 years)
    python benchmarks/bench_web.py --db qingshan.duckdb --periods 12 --clients 16 --seconds 10
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import httpx

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _periods(db: Path, n: int, seed: int) -> tuple[list[str], list[int]]:
    con = duckdb.connect(str(db), read_only=True)
    lo, hi = con.execute("SELECT CAST(min(time) - INTERVAL 1 HOUR AS DATE), "
                         "CAST(max(time) - INTERVAL 1 HOUR AS DATE) FROM air_hourly").fetchall()[0]
    con.close()
    rnd = random.Random(seed)
    years = list(range(lo.year, hi.year + 1))
    out: list[str] = []
    kinds = ["month", "quarter", "half", "run", "year"]
    skip = fails = 0     # a kind with no new period left (e.g. years) gives its turn away
    while len(out) < n:
        y = rnd.choice(years)
        k = kinds[(len(out) + skip) % len(kinds)]
        if k == "month":
            p = f"{y}-{rnd.randint(1, 12):02d}"
        elif k == "quarter":
            p = f"{y}-Q{rnd.randint(1, 4)}"
        elif k == "half":
            p = f"{y}-H{rnd.randint(1, 2)}"
        elif k == "run":
            a = rnd.randint(1, 10)
            p = f"{y}-{a:02d}..{y}-{rnd.randint(a + 1, 12):02d}"
        else:
            p = str(y)
        if p not in out:
            out.append(p)
            fails = 0
        elif (fails := fails + 1) > 200:
            skip, fails = skip + 1, 0
            if skip > len(kinds) * n:
                raise SystemExit(f"--periods {n}: the store's data hold fewer distinct periods")
    return out, years


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    f = int(k)
    return xs[f] + (xs[min(f + 1, len(xs) - 1)] - xs[f]) * (k - f)


def _rss(pid: int, key: str = "VmRSS") -> float:
    """Resident memory of ``pid`` in GB (``/proc/<pid>/status``)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


class Server:
    def __init__(self, db: Path, env: dict[str, str]):
        self.dir = Path(tempfile.mkdtemp(prefix="qingshan-bench-web-"))
        self.db = self.dir / "store.duckdb"
        shutil.copy(db, self.db)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(self.dir / "server.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "qingshan", "serve", "--db", str(self.db), "--port",
             str(self.port), "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1",
                 # one client address for all load clients: the per-user bound of the server
                 # (api.security, 429 beyond it) is lifted so the queue under test is ours
                 "QINGSHAN_HEAVY_QUERIES_PER_USER": "64", **env})
        deadline = time.time() + 180
        while True:
            try:
                if httpx.get(f"{self.base}/api/v1/cities", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError((self.dir / "server.log").read_text())
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc.poll() is not None:     # it died: show why
            print(f"server exited with {self.proc.returncode}:\n"
                  + (self.dir / "server.log").read_text()[-3000:], file=sys.stderr)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _get(client: httpx.Client, url: str) -> tuple[float, int]:
    """(seconds, status); a broken connection counts as status 599 (an error), not a crash
    of the whole run."""
    t = time.perf_counter()
    try:
        r = client.get(url)
    except httpx.TransportError as e:
        print(f"  {url}: {type(e).__name__} {e}", file=sys.stderr, flush=True)
        return time.perf_counter() - t, 599
    return time.perf_counter() - t, r.status_code


_IMG = re.compile(r'<img class="chart-img" src="([^"]+)"')


#: chart kind -> (seconds, status) of each chart image fetched by :func:`_page`
CHART_TIMES: dict[str, list[tuple[float, int]]] = {}


def _chart_kind(src: str) -> str:
    """``calendar``, ``trend`` (any statistic), ``map`` … of a chart route."""
    name = src.split("?")[0].rsplit("/", 1)[-1].removesuffix(".svg")
    return "trend" if name.startswith("trend-") else name


#: parallel connections a browser opens to one host (Chromium, Firefox: 6 per host over
#: HTTP/1.1) — the chart images of a page are fetched over these, kept open like a browser's
BROWSER_CONNECTIONS = 6


def _browser(base: str) -> list[httpx.Client]:
    """:data:`BROWSER_CONNECTIONS` clients kept open for the chart images (made before any
    timing: creating an httpx client builds an SSL context, ≈ 20 ms of this process's CPU,
    which a browser does not pay per image)."""
    return [httpx.Client(base_url=base, timeout=120) for _ in range(BROWSER_CONNECTIONS)]


def _page(client: httpx.Client, url: str, browser: list[httpx.Client]
          ) -> tuple[tuple[float, int], tuple[float, int] | None]:
    """The page (seconds, status) and, when it loads charts from the chart routes (issue 14,
    session 5), the page *with* its charts: the page, then all its chart images at once over
    the ``browser``'s open connections (as a browser fetches them: at most
    :data:`BROWSER_CONNECTIONS` at a time, each connection taking the next image), until the
    last one is in."""
    t = time.perf_counter()
    try:
        r = client.get(url)
    except httpx.TransportError as e:
        print(f"  {url}: {type(e).__name__} {e}", file=sys.stderr, flush=True)
        return (time.perf_counter() - t, 599), None
    page = (time.perf_counter() - t, r.status_code)
    srcs = [s.replace("&amp;", "&") for s in _IMG.findall(r.text)]
    if not srcs:
        return page, None
    status = [r.status_code]
    todo = list(reversed(srcs))
    lock = threading.Lock()

    def connection(c: httpx.Client) -> None:
        while True:
            with lock:
                if not todo:
                    return
                src = todo.pop()
            got = _get(c, src)
            with lock:
                status.append(got[1])
                CHART_TIMES.setdefault(_chart_kind(src), []).append(got)

    ts = [threading.Thread(target=connection, args=(c,)) for c in browser[:len(srcs)]]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    return page, (time.perf_counter() - t, max(status))


def _cold(srv: Server, periods: list[str], years: list[int], cities: list[str]
          ) -> dict[str, list]:
    res: dict[str, list] = {k: [] for k in ("rankings", "assessment city", "assessment province",
                                            "page /", "page / + map", "page /city",
                                            "page /city + charts")}
    CHART_TIMES.clear()
    browser = _browser(srv.base)
    with httpx.Client(base_url=srv.base, timeout=120) as c:
        for p in periods:
            res["rankings"].append(_get(c, f"/api/v1/rankings?period={p}"))
            res["assessment city"].append(_get(c, f"/api/v1/assessment?period={p}&level=city"))
            res["assessment province"].append(
                _get(c, f"/api/v1/assessment?period={p}&level=province"))
            page, full = _page(c, f"/?period={p}", browser)
            res["page /"].append(page)
            res["page / + map"].append(full or page)
        for city in cities:
            for y in years:
                page, full = _page(c, f"/city/{city}?year={y}", browser)
                res["page /city"].append(page)
                res["page /city + charts"].append(full or page)
    for b in browser:
        b.close()
    for kind in ("calendar", "trend", "map"):   # each chart image, fetched beside the others
        if kind in CHART_TIMES:
            res[f"chart {kind}.svg (in parallel)"] = list(CHART_TIMES[kind])
    return res


def _load(srv: Server, urls: list[str], clients: int, seconds: float | None,
          once: bool = False) -> tuple[list, float, float, float]:
    """``clients`` threads asking ``urls`` (round robin; ``once``: each url once in all);
    returns (latency, status) pairs, wall time, peak VmRSS sampled, VmHWM at the end."""
    out: list[tuple[float, int]] = []
    lock = threading.Lock()
    stop = time.perf_counter() + (seconds or 1e9)
    queue = list(urls)
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss(srv.proc.pid))
            time.sleep(0.1)

    def worker(i: int):
        k = i
        with httpx.Client(base_url=srv.base, timeout=300) as c:
            while time.perf_counter() < stop:
                if once:
                    with lock:
                        if not queue:
                            return
                        url = queue.pop()
                else:
                    url = urls[k % len(urls)]
                    k += clients
                r = _get(c, url)
                with lock:
                    out.append(r)

    mon = threading.Thread(target=sample, daemon=True)
    mon.start()
    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    done.set()
    mon.join()
    return out, wall, peak[0], _rss(srv.proc.pid, "VmHWM")


def _row(name: str, xs: list[tuple[float, int]]) -> dict:
    lat = [x[0] * 1000 for x in xs]
    bad = sum(1 for x in xs if x[1] >= 400)
    return {"name": name, "n": len(xs), "p50": _pct(lat, .5), "p99": _pct(lat, .99),
            "max": max(lat) if lat else float("nan"), "errors": bad}


def run(label: str, db: Path, env: dict[str, str], periods, years, heavy_periods, args):
    print(f"\n## {label}: starting a cold server ({env or 'defaults'})", flush=True)
    srv = Server(db, env)
    try:
        cities = httpx.get(f"{srv.base}/api/v1/cities").json()
        cities = [c["code"] for c in (cities["items"] if isinstance(cities, dict) else cities)]
        t0 = time.perf_counter()
        cold = _cold(srv, periods, years, cities[:args.cities])
        cold_rows = [_row(k, v) for k, v in cold.items()]
        cold_s = time.perf_counter() - t0
        dash = [f"/api/v1/rankings?period={p}" for p in periods[:4]] + \
               [f"/api/v1/assessment?period={p}&level=province" for p in periods[:4]]
        cached, wall, _, _ = _load(srv, dash, args.clients, args.seconds)
        crow = _row("cached dashboard JSON", cached)
        crow["rps"] = len(cached) / wall
        urls = [f"/api/v1/rankings?period={p}" for p in heavy_periods] + \
               [f"/api/v1/assessment?period={p}&level=city" for p in heavy_periods]
        hv, hwall, peak, hwm = _load(srv, urls, args.clients, None, once=True)
        hrow = _row(f"{args.clients} clients, new long periods", hv)
        hrow["rps"] = len(hv) / hwall
        return {"cold": cold_rows, "cold_s": cold_s, "cached": crow, "heavy": hrow,
                "peak_rss": peak, "hwm": hwm}
    finally:
        srv.stop()


def _fmt(r: dict) -> str:
    rps = f"{r['rps']:.0f}" if "rps" in r else ""
    return (f"| {r['name']} | {r['n']} | {r['p50']:.0f} | {r['p99']:.0f} | {r['max']:.0f} | "
            f"{rps} | {r['errors']} |")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path("qingshan.duckdb"))
    ap.add_argument("--periods", type=int, default=12, help="random periods asked cold")
    ap.add_argument("--cities", type=int, default=1,
                    help="cities whose page is asked cold for every year (the first N)")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10.0, help="duration of the cached phase")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--only", choices=["daily", "chain"], default=None)
    ap.add_argument("--baseline-src", type=Path, default=None,
                    help="a baseline tree's src/ (e.g. from `git archive`): also run its "
                         "server (daily path) after this tree's, and print the ratios "
                         "baseline ÷ this tree of the same run")
    ap.add_argument("--baseline-first", action="store_true",
                    help="run the baseline tree's server before this tree's")
    args = ap.parse_args(argv)
    periods, years = _periods(args.db, args.periods, args.seed)
    # the heavy phase asks periods the cold phase did not (so nothing is cached)
    heavy_periods = [f"{y}-H{h}" for y in years for h in (1, 2)] + [str(y) for y in years]
    heavy_periods = [p for p in heavy_periods if p not in periods]
    print(f"store {args.db}; periods {periods}; heavy-phase periods {heavy_periods}; "
          f"cpu {os.cpu_count()}; load {os.getloadavg()[0]:.1f}")
    runs = {}
    if args.baseline_src is not None and args.baseline_first:
        runs["baseline"] = run("baseline", args.db,
                               {"PYTHONPATH": str(args.baseline_src.resolve())},
                               periods, years, heavy_periods, args)
    if args.only != "chain":
        runs["daily"] = run("daily", args.db, {}, periods, years, heavy_periods, args)
    if args.only != "daily":
        runs["chain"] = run("chain", args.db, {"QINGSHAN_AIR_DAILY": "0",
                                               "QINGSHAN_HEAVY_QUERIES": "64"},
                            periods, years, heavy_periods, args)
    if args.baseline_src is not None and not args.baseline_first:
        runs["baseline"] = run("baseline", args.db,
                               {"PYTHONPATH": str(args.baseline_src.resolve())},
                               periods, years, heavy_periods, args)
    for name, r in runs.items():
        print(f"\n### {name} (ms)\n| request | n | p50 | p99 | max | req/s | errors ≥400 |\n"
              "|---|---|---|---|---|---|---|")
        for row in r["cold"] + [r["cached"], r["heavy"]]:
            print(_fmt(row))
        print(f"server peak RSS under the heavy phase {r['peak_rss']:.2f} GB (VmHWM {r['hwm']:.2f} "
              f"GB); cold phase {r['cold_s']:.1f} s")
    if "daily" in runs and "chain" in runs:
        d, c = runs["daily"], runs["chain"]
        print("\n### ratio chain ÷ daily (same run)\n| request | p50 | p99 |\n|---|---|---|")
        for a, b in zip(d["cold"] + [d["cached"], d["heavy"]],
                        c["cold"] + [c["cached"], c["heavy"]]):
            print(f"| {a['name']} | {b['p50'] / a['p50']:.1f}× | {b['p99'] / a['p99']:.1f}× |")
        print(f"| peak RSS | {c['peak_rss'] / d['peak_rss']:.1f}× | |")
    if "baseline" in runs and "daily" in runs:
        d, b = runs["daily"], runs["baseline"]
        rows_b = {r["name"]: r for r in b["cold"] + [b["cached"], b["heavy"]]}
        print("\n### ratio baseline ÷ this tree (same run)\n| request | p50 | p99 |\n|---|---|---|")
        for a in d["cold"] + [d["cached"], d["heavy"]]:
            o = rows_b.get(a["name"])
            if o:
                print(f"| {a['name']} | {o['p50'] / a['p50']:.1f}× | {o['p99'] / a['p99']:.1f}× |")


if __name__ == "__main__":
    main()
