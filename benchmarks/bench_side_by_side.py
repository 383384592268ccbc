"""What running the server and CLI side by side on one DuckDB store costs (issue 12).

The server holds no connection between requests (:mod:`qingshan.api.store`,
:mod:`qingshan.store.access`). This script measures, on a store of the real archive (the
national station list and Shandong's January 2019, ``../shared/data``, built in a temporary
folder; or ``--db`` a copy of your own store):

A. **per-request open** (in this process): a trivial query through ``Store.cursor()`` — open
   read-only, lock down, query, close — against the same query on a connection held open (the
   old design); and a real question (``air.service.assess`` of a month, city level) on a fresh
   connection against a warm held one (DuckDB's buffer pool is lost between requests; the OS
   page cache is not).
B. **an ingest while the server is busy**: a real ``qingshan serve`` subprocess under load from
   ``--clients`` threads (``/api/v1/stations/<code>/hours`` and ``/api/v1/aqi/hourly`` of a day,
   ``/api/v1/batches``); a writer in this process does what ``qingshan ingest cnemc`` does
   (exclusive lock, open read-write, ingest one day's file, close) ``--rounds`` times: how long
   it waits for the lock, how long it holds it, how long requests wait meanwhile (latency
   during the write vs before), and how soon after it lets go the API shows the new batch.
C. **real CLI commands beside the loaded server**: ``qingshan ingest cnemc`` of one file and
   two at once (wall time and exit status), ``qingshan air assess`` (read-only, shared).

Usage: .venv/bin/python benchmarks/bench_side_by_side.py [--clients 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared" / "data").resolve()
ARCHIVE = SHARED / "cnemc-sites-2019H1-shandong"
STATIONS = SHARED / "stations" / "NewSiteList.csv"
STATION = "1299A"


def _ms(xs: list[float]) -> str:
    xs = sorted(xs)
    if not xs:
        return "-"
    p95 = xs[min(len(xs) - 1, int(0.95 * len(xs)))]
    return f"median {statistics.median(xs) * 1e3:7.1f} ms  p95 {p95 * 1e3:7.1f} ms  " \
           f"max {xs[-1] * 1e3:7.1f} ms  (n={len(xs)})"


def build(path: Path) -> None:
    from qingshan.air.ingest import ingest_cnemc, ingest_stations
    from qingshan.config import load_province
    from qingshan.store import connect

    con = connect(path)
    ingest_stations(con, STATIONS, load_province("shandong"))
    ingest_cnemc(con, sorted(ARCHIVE.glob("china_sites_201901*.csv")))
    con.execute("CHECKPOINT")
    con.close()


def part_a(db: Path, n: int) -> None:
    import duckdb

    from qingshan.air import service as svc
    from qingshan.api.store import Store
    from qingshan.config import load_province

    prov = load_province("shandong")
    q = "SELECT max(batch_id), count(*) FROM ingest_batch"

    def trivial(use) -> list[float]:
        out = []
        for _ in range(n):
            t = time.perf_counter()
            with use() as con:
                con.execute(q).fetchall()
            out.append(time.perf_counter() - t)
        return out

    def assess(use, k: int) -> list[float]:
        out = []
        for _ in range(k):
            t = time.perf_counter()
            with use() as con:
                svc.assess(con, "2019-01", "city", prov)
            out.append(time.perf_counter() - t)
        return out

    k = max(3, n // 6)
    cold_store = Store(db, prov, linger=0)           # every request opens the file
    cold, cold_heavy = trivial(cold_store.cursor), assess(cold_store.cursor, k)
    cold_store.close()
    store = Store(db, prov)                          # as served: kept open for the linger
    store_heavy = assess(store.cursor, k + 1)[1:]
    warm = trivial(store.cursor)
    store.close()
    held_con = duckdb.connect(str(db), read_only=True)

    @contextmanager
    def held():
        cur = held_con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    held_heavy = assess(held, k + 1)[1:]
    hot = trivial(held)
    held_con.close()
    med = statistics.median
    print("A. per-request open (in process)")
    print(f"   trivial query, file opened per request (linger 0) : {_ms(cold)}")
    print(f"   trivial query, back to back (linger {store.linger:g} s, as served): {_ms(warm)}")
    print(f"   trivial query, one connection held (old design)   : {_ms(hot)}")
    print(f"   => opening the file: {(med(cold) - med(hot)) * 1e3:.1f} ms per request that finds "
          f"it closed; {(med(warm) - med(hot)) * 1e3:.1f} ms while it is kept open")
    print(f"   assess 2019-01 city, file opened per request      : {_ms(cold_heavy)}")
    print(f"   assess 2019-01 city, kept open (as served)        : {_ms(store_heavy)}")
    print(f"   assess 2019-01 city, one connection held          : {_ms(held_heavy)}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Load:
    """``clients`` threads asking the server questions; records (start, latency, status)."""

    URLS = ("/api/v1/stations/{s}/hours?start=2019-01-15T00:00&end=2019-01-15T23:00",
            "/api/v1/aqi/hourly?level=station&code={s}&start=2019-01-15T01:00"
            "&end=2019-01-16T00:00",
            "/api/v1/batches?limit=5")

    def __init__(self, base: str, clients: int):
        self.base, self.stop = base, threading.Event()
        self.samples: list[tuple[float, float, int]] = []
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(clients)]

    def _run(self, i: int) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as c:
            k = i
            while not self.stop.is_set():
                url = self.URLS[k % len(self.URLS)].format(s=STATION)
                k += 1
                t = time.monotonic()
                try:
                    st = c.get(url).status_code
                except httpx.HTTPError:
                    st = -1
                self.samples.append((t, time.monotonic() - t, st))

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def between(self, a: float, b: float) -> list[float]:
        """Latencies of requests in flight at some time during [a, b]."""
        return [lat for t, lat, _ in self.samples if t <= b and t + lat >= a]


def _visible(base: str, name: str, deadline: float) -> float | None:
    with httpx.Client(base_url=base, timeout=60) as c:
        while time.monotonic() < deadline:
            items = c.get("/api/v1/batches?limit=5").json()["items"]
            if any(b["file_name"] == name for b in items):
                return time.monotonic()
            time.sleep(0.01)
    return None


def _write(db: Path, day: Path) -> tuple[float, float, float, float]:
    """One ingest as ``qingshan ingest cnemc`` does it: (start, waited, held, released)."""
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.store import connect
    from qingshan.store.access import StoreLock

    t0 = time.monotonic()
    handle = StoreLock(db).acquire(write=True, timeout=60)
    t1 = time.monotonic()
    con = connect(db)
    ingest_cnemc(con, [day])
    con.close()
    handle.release()
    t2 = time.monotonic()
    return t0, t1 - t0, t2 - t1, t2


def _serve(db: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = db.with_suffix(".log")
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "qingshan", "serve", "--db", str(db),
                                 "--port", str(port), "--log-level", "warning"], cwd=REPO,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{base}/api/v1/cities", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start:\n" + log.read_text()[-3000:])


def part_b_c(db: Path, clients: int, rounds: int) -> None:
    days = sorted(ARCHIVE.glob("china_sites_201902*.csv"))
    proc, base = _serve(db)
    try:
        with Load(base, clients) as load:
            time.sleep(3)
            t_base = time.monotonic()
            time.sleep(3)
            before = load.between(t_base, time.monotonic())
            waits, holds, seen, during = [], [], [], []
            for day in days[:rounds]:
                t0, waited, held, released = _write(db, day)
                vis = _visible(base, day.name, released + 30)
                waits.append(waited)
                holds.append(held)
                seen.append(vis - released if vis else float("nan"))
                during += load.between(t0, released)
                time.sleep(1)
            statuses = [s for _, _, s in load.samples]
            cli = []
            t = time.monotonic()
            r = subprocess.run([sys.executable, "-m", "qingshan", "ingest", "cnemc",
                                str(days[rounds]), "--db", str(db)], cwd=REPO,
                               capture_output=True, text=True)
            cli.append(("ingest cnemc (1 file)", time.monotonic() - t, r.returncode))
            t = time.monotonic()
            ps = [subprocess.Popen([sys.executable, "-m", "qingshan", "ingest", "cnemc",
                                    str(d), "--db", str(db)], cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True) for d in days[rounds + 1:rounds + 3]]
            codes = [p.wait() for p in ps]
            cli.append(("2 x ingest cnemc at once", time.monotonic() - t, max(codes)))
            t = time.monotonic()
            r = subprocess.run([sys.executable, "-m", "qingshan", "air", "assess", "--period",
                                "2019-01", "--level", "city", "--db", str(db)], cwd=REPO,
                               capture_output=True, text=True)
            cli.append(("air assess 2019-01 city", time.monotonic() - t, r.returncode))
            t = time.monotonic()
            r = subprocess.run([sys.executable, "-m", "qingshan", "--help"], cwd=REPO,
                               capture_output=True, text=True)
            startup = time.monotonic() - t
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"B. an ingest beside a loaded server ({clients} clients, {rounds} rounds, one "
          "day's file each)")
    print(f"   writer's wait for the lock           : {_ms(waits)}")
    print(f"   writer holds the store (open+ingest) : {_ms(holds)}")
    print(f"   request latency, no writer           : {_ms(before)}")
    print(f"   request latency, writer at work      : {_ms(during)}")
    print(f"   new batch on the API after release   : {_ms(seen)}")
    bad = sum(s != 200 for s in statuses)
    print(f"   requests answered: {len(statuses)}, not 200: {bad}")
    print("C. real CLI commands beside the loaded server (wall time, exit status)")
    for name, secs, code in cli:
        print(f"   {name:28s}: {secs:6.1f} s  exit {code}")
    print(f"   (python -m qingshan --help alone   : {startup:6.1f} s — interpreter and imports)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a store to copy (default: build Jan 2019)")
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=30, help="repetitions in part A")
    a = ap.parse_args()
    if not ARCHIVE.is_dir():
        raise SystemExit(f"shared data not found: {ARCHIVE}")
    tmp = Path(tempfile.mkdtemp(prefix="qingshan-sbs-"))
    try:
        db = tmp / "store.duckdb"
        t = time.perf_counter()
        if a.db:
            shutil.copy(a.db, db)
        else:
            build(db)
        print(f"store: {db} ({db.stat().st_size / 1e6:.1f} MB, built/copied in "
              f"{time.perf_counter() - t:.1f} s); load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} CPUs")
        part_a(db, a.n)
        part_b_c(db, a.clients, a.rounds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
