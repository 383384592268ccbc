"""Bounded load / soak of ``qingshan serve`` on 127.0.0.1 (issue 19).

``--clients`` threads (default 16), each with its own HTTP client, for ``--seconds`` (default
60), each request drawn at random (seed ``--seed``) from five kinds:

* ``dashboard`` — ``/api/v1/assessment?period=P&level=province`` (the dashboard's JSON),
* ``page`` — ``/?period=P`` or ``/city/<code>?period=P``,
* ``rankings`` — ``/api/v1/rankings?period=P`` for a random period (months, quarters, the
  half-year, runs of months, the year) of the store's data,
* ``upload`` — an authenticated ``POST /api/v1/upload`` (a province-staff bearer token) of a
  CNEMC daily file not yet in the store (once the pool is used up: a re-upload, answered
  "already loaded"), which takes the store's exclusive lock like any write,
* ``ledger`` — an authenticated ``POST /api/v1/governance/cases`` (a city-staff bearer token of
  Jinan, 371000): a new complaint case in the operational store, audited — a ledger edit.

Prints p50/p99 latency per kind, the count of 5xx (and of other non-2xx) answers, and the
server's resident memory (VmRSS) after start-up, sampled every 10 s (its minimum, maximum and
the value in the middle of the run) and at the end. ``--periods`` names the periods the reads
draw from (default: those of the synthetic store; give the demo store's, e.g. 2025 ones).

Without ``--db`` it builds a SYNTHETIC store first (``qingshan.air.synth``, Shandong config,
January 2024 ingested, February's 29 daily files kept for uploads; not timed). The server only
listens on 127.0.0.1; the loop ends after ``--seconds`` — nothing runs unbounded.

Example::

    .venv/bin/python benchmarks/soak.py --clients 16 --seconds 60
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
KINDS = ("dashboard", "page", "rankings", "upload", "ledger")
WEIGHTS = (0.25, 0.25, 0.25, 0.1, 0.15)
PERIODS = ("2024-01", "2024-02", "2024-Q1", "2024-H1", "2024", "2024-01..2024-02")


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (``/proc/<pid>/stat`` fields 14–15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(work: Path) -> tuple[Path, list[Path]]:
    """A SYNTHETIC store (January 2024) and February's daily files for uploads."""
    from qingshan.air.ingest import ingest_cnemc, ingest_stations
    from qingshan.air.synth import (generate_hourly, generate_stations, write_cnemc_daily,
                                    write_station_list)
    from qingshan.config import load_province
    from qingshan.store import connect
    prov = load_province("shandong")
    st = generate_stations(prov, seed=2025)
    write_station_list(st, work / "stations.csv")
    files = write_cnemc_daily(generate_hourly(st, date(2024, 1, 1), date(2024, 2, 29),
                                              seed=2025), work / "days")
    jan = [f for f in files if f.name[12:18] == "202401"]
    feb = [f for f in files if f.name[12:18] == "202402"]
    db = work / "soak.duckdb"
    con = connect(db)
    try:
        ingest_stations(con, work / "stations.csv", prov)
        ingest_cnemc(con, jan)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return db, feb


def token(db: Path, user: str = "soak", role: str = "prov_staff", unit: str = "370000") -> str:
    from qingshan.accounts import service
    from qingshan.accounts.authz import Actor
    from qingshan.accounts.orgtree import tree_for
    from qingshan.store import ops
    url = ops.ops_url_for(db)
    ops.upgrade(url)
    tree = tree_for("shandong")
    sysact = Actor.system("soak", tree.province, tree)
    with ops.session_scope(url) as s:
        service.add_user(s, tree, sysact, user, "soak load test password 19", role, unit)
    with ops.session_scope(url) as s:
        tok = service.create_token(s, tree, sysact, user, 1).token
    ops.dispose_all()
    return tok


def run(db: Path, uploads: list[Path], clients: int, seconds: float, seed: int,
        periods: tuple[str, ...] = PERIODS) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = db.with_suffix(".serve.log")
    tok = token(db)
    ledger_tok = token(db, "soakcity", "city_staff", "371000")
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "qingshan", "serve", "--db", str(db), "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT,
        cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1",
                       # every load client has one address: lift the per-user bound of heavy
                       # queries (429 beyond it) so the server's own queue is what is measured
                       "QINGSHAN_HEAVY_QUERIES_PER_USER": "64"})
    try:
        deadline = time.time() + 180
        while True:
            try:
                if httpx.get(f"{base}/api/v1/cities", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("server did not start: " + log_path.read_text()[-2000:])
            time.sleep(0.3)
        cities = [c["code"] for c in httpx.get(f"{base}/api/v1/cities", timeout=30).json()]
        rss_start = _rss_mb(proc.pid)
        cpu_start, own_start = _cpu_s(proc.pid), time.process_time()
        lat: dict[str, list[float]] = defaultdict(list)
        began: dict[str, list[float]] = defaultdict(list)   # start of each request [s into the run]
        last_new = [0.0]             # end of the last upload that stored a new file [s]
        codes: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        errors: dict[str, int] = defaultdict(int)
        reasons: dict[str, int] = defaultdict(int)
        lock = threading.Lock()
        pool = list(uploads)
        stop = time.monotonic() + seconds
        rss: list[tuple[float, float]] = []         # (seconds into the run, MB)

        def sampler() -> None:
            t_start = time.monotonic()
            while time.monotonic() < stop:
                rss.append((time.monotonic() - t_start, _rss_mb(proc.pid)))
                time.sleep(min(10.0, max(0.0, stop - time.monotonic())))

        run_t0 = time.monotonic()

        def worker(i: int) -> None:
            rnd = random.Random(seed * 1000 + i)
            with httpx.Client(base_url=base, timeout=120) as c:
                while time.monotonic() < stop:
                    kind = rnd.choices(KINDS, WEIGHTS)[0]
                    p = rnd.choice(periods)
                    t0 = time.perf_counter()
                    at = time.monotonic() - run_t0
                    try:
                        if kind == "dashboard":
                            r = c.get("/api/v1/assessment", params={"period": p,
                                                                    "level": "province"})
                        elif kind == "page":
                            url = "/" if rnd.random() < 0.5 else f"/city/{rnd.choice(cities)}"
                            r = c.get(url, params={"period": p})
                        elif kind == "rankings":
                            r = c.get("/api/v1/rankings", params={"period": p})
                        elif kind == "ledger":
                            r = c.post("/api/v1/governance/cases",
                                       json={"kind": "complaint", "unit": "371000",
                                             "title": f"soak {i}", "date": "2025-06-02"},
                                       headers={"Authorization": f"Bearer {ledger_tok}"})
                        else:
                            with lock:
                                f = pool.pop() if pool else rnd.choice(uploads)
                            r = c.post("/api/v1/upload", data={"kind": "cnemc"},
                                       files={"file": (f.name, f.read_bytes(), "text/csv")},
                                       headers={"Authorization": f"Bearer {tok}"})
                    except httpx.HTTPError as e:
                        with lock:
                            errors[f"{kind}: {type(e).__name__}"] += 1
                        continue
                    dt = time.perf_counter() - t0
                    why = ""
                    if r.status_code >= 400:
                        try:
                            why = r.json()["error"]["code"]
                        except (ValueError, KeyError, TypeError):
                            why = "?"
                    new = False
                    if kind == "upload" and r.status_code == 200:
                        try:
                            new = any(b.get("outcome") == "loaded" for b in r.json()["batches"])
                        except (ValueError, KeyError, TypeError, AttributeError):
                            pass
                    with lock:
                        lat[kind].append(dt)
                        began[kind].append(at)
                        if new:
                            last_new[0] = max(last_new[0], time.monotonic() - run_t0)
                        codes[kind][r.status_code] += 1
                        if why:
                            reasons[f"{r.status_code} {why}"] += 1

        ts = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        ts.append(threading.Thread(target=sampler, daemon=True))
        t0 = time.monotonic()
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        wall = time.monotonic() - t0
        rss_end = _rss_mb(proc.pid)
        cpu = _cpu_s(proc.pid) - cpu_start
        own = time.process_time() - own_start
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    return {"lat": lat, "began": began, "last_new": last_new[0], "codes": codes,
            "errors": errors, "reasons": reasons, "wall": wall,
            "rss_start": rss_start, "rss_end": rss_end, "rss": rss, "cpu": cpu, "own_cpu": own,
            "tracebacks": log_path.read_text().count("Traceback")}


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0]
    return statistics.quantiles(xs, n=100, method="inclusive")[q - 1]


def _mid(samples: list[tuple[float, float]]) -> float:
    return samples[len(samples) // 2][1] if samples else float("nan")


def report(res: dict, clients: int, seconds: float) -> str:
    lines = [f"{clients} clients × {seconds:.0f} s (wall {res['wall']:.1f} s), "
             f"server RSS {res['rss_start']:.0f} MB at start → {_mid(res['rss']):.0f} MB in the "
             f"middle → {res['rss_end']:.0f} MB at end (sampled every 10 s: min "
             f"{min((m for _, m in res['rss']), default=float('nan')):.0f}, max "
             f"{max((m for _, m in res['rss']), default=float('nan')):.0f} MB)",
             "", "| kind | requests | p50 [ms] | p99 [ms] | 5xx | other non-2xx |",
             "|---|---|---|---|---|---|"]
    total5 = 0
    for k in KINDS:
        xs = res["lat"].get(k, [])
        cs = res["codes"].get(k, {})
        n5 = sum(n for c, n in cs.items() if c >= 500)
        other = {c: n for c, n in cs.items() if not 200 <= c < 300 and c < 500}
        total5 += n5
        lines.append(f"| {k} | {len(xs)} | {_pct(xs, 50) * 1000:.0f} | "
                     f"{_pct(xs, 99) * 1000:.0f} | {n5} | "
                     f"{', '.join(f'{c}: {n}' for c, n in sorted(other.items())) or 0} |")
    # once the pool of new files is used up, uploads are re-uploads ("already loaded") and the
    # store's state stays: the answers then are the steady state's (kept), before it the cold
    # ones of each new state
    cut = res.get("last_new", 0.0)
    lines += ["", f"after the last new file was stored ({cut:.0f} s into the run):", "",
              "| kind | requests | p50 [ms] | p99 [ms] |", "|---|---|---|---|"]
    for k in KINDS:
        xs = [x for x, t in zip(res["lat"].get(k, []), res["began"].get(k, [])) if t > cut]
        lines.append(f"| {k} | {len(xs)} | {_pct(xs, 50) * 1000:.0f} | {_pct(xs, 99) * 1000:.0f} |")
    lines.append("")
    lines.append(f"5xx in all: {total5}; connection errors: {dict(res['errors']) or 0}; "
                 f"tracebacks in the server log: {res['tracebacks']}")
    answers = sum(len(v) for v in res["lat"].values())
    # the cost per answer does not depend on how many other processes share the cores (a
    # closed loop without think time: mean latency = clients / throughput, Little's law)
    lines.append(f"answers: {answers} ({answers / res['wall']:.1f}/s); server CPU "
                 f"{res['cpu']:.1f} s = {1000 * res['cpu'] / max(answers, 1):.1f} ms per answer "
                 f"({res['cpu'] / res['wall']:.2f} cores); load clients' CPU {res['own_cpu']:.1f} s "
                 f"({res['own_cpu'] / res['wall']:.2f} cores) on {os.cpu_count()} cores")
    lines.append("RSS samples [s: MB]: " + ", ".join(f"{t:.0f}: {m:.0f}" for t, m in res["rss"]))
    lines.append("non-2xx by error code: " + (", ".join(
        f"{k}: {n}" for k, n in sorted(res["reasons"].items())) or "none"))
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--db", type=Path, help="an existing store (copied; default: build a "
                                            "synthetic one)")
    ap.add_argument("--uploads", type=Path, nargs="*", default=[],
                    help="CNEMC daily files to upload (with --db)")
    ap.add_argument("--periods", nargs="*", default=list(PERIODS),
                    help="periods the reads draw from (the store's data must cover them)")
    a = ap.parse_args(argv)
    if not 1 <= a.clients <= 256 or not 0 < a.seconds <= 3600:
        ap.error("--clients 1..256, --seconds up to 3600 (bounded)")
    work = Path(tempfile.mkdtemp(prefix="qingshan-soak-"))
    try:
        if a.db:
            db = work / "soak.duckdb"
            shutil.copy(a.db, db)
            if Path(f"{a.db}.wal").is_file():        # not yet checkpointed: part of the store
                shutil.copy(f"{a.db}.wal", f"{db}.wal")
            uploads = list(a.uploads)
        else:
            t = time.monotonic()
            db, uploads = build(work)
            print(f"built a SYNTHETIC store in {time.monotonic() - t:.0f} s "
                  f"({len(uploads)} files for uploads)", flush=True)
        if not uploads:
            ap.error("no files to upload (give --uploads with --db)")
        res = run(db, uploads, a.clients, a.seconds, a.seed, tuple(a.periods))
        print(report(res, a.clients, a.seconds))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
