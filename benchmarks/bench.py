"""qingshan benchmark: national-scale synthetic year, qingshan workloads against baselines.

Run from the repository root::

    .venv/bin/python benchmarks/bench.py                 # full run, writes benchmarks/RESULTS.md
    .venv/bin/python benchmarks/bench.py --quick         # smoke run (120 stations, one month)

Data (generated once, reused; ``benchmarks/data/`` is git-ignored): the synthetic generator
(``qingshan.air.synth``) at national scale — hourly values, one year, six pollutants with realistic
missing data — for **real national stations**: 1,650 stations drawn (seed 2025) from the national
station list ``../shared/data/stations/NewSiteList.utf8.csv`` (codes, publication cities, control
flags and prefectures as listed), so that the bundled ``china`` province config decides each city's
evaluation stations exactly as for real data. Written as Parquet (``hourly_real_<n>.parquet``), the
same year as national-network daily CSV files (``csv_real_<n>/china_sites_YYYYMMDD.csv``), and a store
(``store_real_<n>.duckdb``: the station list, ``sync_province(china)``, the Parquet year ingested).

Workloads, each in a fresh subprocess (its own peak RSS): (1) ingest of the CSV year into a new
store; (2) ingest from Parquet; (3) the full assessment through the service a user calls,
``qingshan.air.service.assess(con, "<year>", "city", load_province("china"))`` on the store (hourly
AQI of every station-hour, daily statistics and daily AQI, annual statistics and compliance per
city, city ranking), and in the same process the plan alone (``qingshan.air.plan``, per-step
timing) over the same hourly table and the store's ``city_station``. Baselines: (a) one DuckDB
``GROUP BY station, day`` average over the store's hourly table (same process as (3)); (b) the
pandas implementation in
``benchmarks/baselines/pandas_assessment.py``; (c) ``python-aqi`` and (d) ``aqi-hub`` computing
hourly AQI value by value on a sample, extrapolated. Scaling sweep of (3): 0.25×, 0.5×, 1×
stations (the list has 2,026 stations: a larger sweep point is refused rather than invented).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLS = ["so2", "no2", "co", "o3", "pm10", "pm25"]
STATION_LIST = HERE.parent.parent / "shared" / "data" / "stations" / "NewSiteList.utf8.csv"
PROVINCE = "china"


# ----------------------------------------------------------------------------- data
def _paths(data: Path, n: int) -> dict[str, Path]:
    return {"stations": data / f"stations_real_{n}.csv",
            "parquet": data / f"hourly_real_{n}.parquet", "csv": data / f"csv_real_{n}",
            "store": data / f"store_real_{n}.duckdb"}


def real_stations(n: int, seed: int = 2025):
    """``n`` stations of the national station list, drawn without replacement, in code order."""
    import numpy as np
    import pandas as pd
    if not STATION_LIST.exists():
        sys.exit(f"national station list not found: {STATION_LIST}")
    st = pd.read_csv(STATION_LIST, dtype=str)
    if n > len(st):
        raise ValueError(f"the national station list has {len(st)} stations, not {n}")
    idx = np.random.default_rng(seed).choice(len(st), size=n, replace=False)
    return st.iloc[np.sort(idx)].sort_values("监测点编码").reset_index(drop=True)


def prepare(data: Path, n: int, start: date, end: date, csv: bool) -> dict:
    """Generate (once) the station list, the hourly Parquet file and optionally the CSV year."""
    import pyarrow.parquet as pq

    from qingshan.air.synth import generate_hourly, write_cnemc_daily, write_station_list

    p = _paths(data, n)
    data.mkdir(parents=True, exist_ok=True)
    info: dict = {}
    if not p["parquet"].exists() or not p["stations"].exists():
        t0 = time.perf_counter()
        st = real_stations(n)
        hourly = generate_hourly(st, start, end, seed=2025)
        info["generate_s"] = time.perf_counter() - t0
        write_station_list(st, p["stations"])
        pq.write_table(hourly, p["parquet"], row_group_size=1 << 20)
    if csv and not p["csv"].exists():
        hourly = pq.read_table(p["parquet"])
        t0 = time.perf_counter()
        tmp = p["csv"].with_name(p["csv"].name + ".tmp")
        write_cnemc_daily(hourly, tmp)
        tmp.rename(p["csv"])
        info["write_csv_s"] = time.perf_counter() - t0
    if p["csv"].exists():
        info["csv_bytes"] = sum(f.stat().st_size for f in p["csv"].glob("*.csv"))
        info["csv_files"] = len(list(p["csv"].glob("*.csv")))
    info["parquet_bytes"] = p["parquet"].stat().st_size
    return info


def _members(stations_csv: Path):
    """Each city's evaluation stations as the bundled ``china`` config makes them (the store's
    ``city_station`` after ``sync_province``), for the plan and the pandas baseline."""
    from qingshan.air.ingest import ingest_stations
    from qingshan.config import load_province
    from qingshan.store import connect
    from qingshan.store.province import sync_province
    con = connect(":memory:")
    ingest_stations(con, stations_csv)
    sync_province(con, load_province(PROVINCE))
    df = con.execute("SELECT city_code, station_code FROM city_station ORDER BY 1, 2").df()
    con.close()
    return df


def w_store(p: dict, args) -> dict:
    """Build the store the service reads (not timed as a workload: ingest has its own rows)."""
    from qingshan.air.ingest import ingest_stations, ingest_table
    from qingshan.air.ingest.table import parse_map
    from qingshan.config import load_province
    from qingshan.store import connect
    from qingshan.store.province import sync_province
    tmp = p["store"].with_name(p["store"].name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = connect(str(tmp), memory_limit=args.memory_limit or None)
    t0 = time.perf_counter()
    ingest_stations(con, p["stations"])
    sync_province(con, load_province(PROVINCE))
    mapping = parse_map("station=code,time=time," + ",".join(f"{c}={c}" for c in POLS))
    ingest_table(con, [p["parquet"]], mapping)
    rows = con.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0]
    members = con.execute("SELECT count(*) FROM city_station").fetchall()[0][0]
    con.close()
    tmp.rename(p["store"])
    return {"seconds": time.perf_counter() - t0, "rows": rows, "members": members}


# ----------------------------------------------------------------------------- workloads
def w_ingest_csv(p: dict, args) -> dict:
    from qingshan.air.ingest import ingest_cnemc, ingest_stations
    from qingshan.store import connect
    db = p["csv"].parent / "bench_csv.duckdb"
    db.unlink(missing_ok=True)
    con = connect(str(db))
    t0 = time.perf_counter()
    ingest_stations(con, p["stations"])
    files = sorted(p["csv"].glob("*.csv"))[: args.csv_files or None]
    ingest_cnemc(con, files)
    secs = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0]
    con.close()
    db.unlink(missing_ok=True)
    return {"seconds": secs, "rows": rows, "files": len(files)}


def w_ingest_parquet(p: dict, args) -> dict:
    from qingshan.air.ingest import ingest_stations, ingest_table
    from qingshan.air.ingest.table import parse_map
    from qingshan.store import connect
    db = p["parquet"].parent / "bench_pq.duckdb"
    db.unlink(missing_ok=True)
    con = connect(str(db))
    t0 = time.perf_counter()
    ingest_stations(con, p["stations"])
    mapping = parse_map("station=code,time=time," + ",".join(f"{c}={c}" for c in POLS))
    ingest_table(con, [p["parquet"]], mapping)
    secs = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0]
    con.close()
    db.unlink(missing_ok=True)
    return {"seconds": secs, "rows": rows}


def w_assess(p: dict, args) -> dict:
    from qingshan.air.service import assess
    from qingshan.config import load_province
    from qingshan.store import connect
    china = load_province(PROVINCE)
    con = connect(str(p["store"]), memory_limit=args.memory_limit or None)
    if args.threads:
        con.execute("SET threads = ?", [int(args.threads)])
    n = con.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0]
    members = con.execute("SELECT count(*) FROM city_station").fetchall()[0][0]
    t0 = time.perf_counter()
    c0 = time.process_time()
    df = assess(con, str(args.year), "city", china)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    t1 = time.perf_counter()
    con.execute("CREATE TEMP TABLE base_a AS SELECT station_code, "
                "CAST(time - INTERVAL 1 HOUR AS DATE) AS day, "
                + ", ".join(f"avg({c}) AS {c}" for c in POLS) + " FROM air_hourly GROUP BY ALL")
    base = time.perf_counter() - t1
    out = {"seconds": secs, "cpu_s": cpu, "baseline_a_s": base, "rows": n, "members": members,
           "cities": len(df), "cities_ranked": int(df["rank"].notna().sum())}
    con.close()
    return out


def w_plan(p: dict, args) -> dict:
    """The plan alone (``air.plan.run_assessment``) in memory, as before issue 11, on the store's
    hourly table and its ``city_station`` (the ``china`` config's membership): per-step timing."""
    from qingshan.air.plan import run_assessment
    from qingshan.backends import get_backend
    be = get_backend("duckdb", threads=args.threads, memory_limit=args.memory_limit or None)
    be.con.execute("ATTACH ? AS src (READ_ONLY)", [str(p["store"])])
    be.materialize("h", "SELECT station_code AS code, time, " + ", ".join(POLS)
                   + " FROM src.air_hourly")
    be.materialize("m", "SELECT city_code, station_code FROM src.city_station")
    be.con.execute("DETACH src")
    n = be.count("h")
    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    last = [t0]

    def tick(name: str) -> None:
        now = time.perf_counter()
        steps[name] = now - last[0]
        last[0] = now

    c0 = time.process_time()
    run_assessment(be, "h", "m", date(args.year, 1, 1), kind="year", on_step=tick)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    t1 = time.perf_counter()
    be.materialize("base_a", "SELECT code, CAST(time - INTERVAL 1 HOUR AS DATE) AS day, "
                   + ", ".join(f"avg({c}) AS {c}" for c in POLS) + " FROM h GROUP BY ALL")
    base = time.perf_counter() - t1
    return {"seconds": secs, "cpu_s": cpu, "baseline_a_s": base, "rows": n, "steps": steps,
            "cities_ranked": be.count("ranking")}


def w_pandas(p: dict, args) -> dict:
    import pyarrow.parquet as pq
    sys.path.insert(0, str(HERE))
    from baselines.pandas_assessment import assessment
    hourly = pq.read_table(p["parquet"], columns=["code", "time", *POLS]).to_pandas()
    members = _members(p["stations"])
    t0 = time.perf_counter()
    out = assessment(hourly, members)
    return {"seconds": time.perf_counter() - t0, "rows": len(hourly),
            "cities_ranked": len(out["ranking"])}


def _sample(p: dict, k: int):
    import pyarrow.parquet as pq
    t = pq.read_table(p["parquet"], columns=POLS)
    import numpy as np
    idx = np.random.default_rng(1).choice(t.num_rows, size=min(k, t.num_rows), replace=False)
    return t.take(idx).to_pylist(), t.num_rows


def w_python_aqi(p: dict, args) -> dict:
    import aqi
    from aqi import constants as c
    rows, total = _sample(p, args.sample)
    keys = {"so2": c.POLLUTANT_SO2_1H, "no2": c.POLLUTANT_NO2_1H, "co": c.POLLUTANT_CO_1H,
            "o3": c.POLLUTANT_O3_1H, "pm10": c.POLLUTANT_PM10, "pm25": c.POLLUTANT_PM25}
    t0 = time.perf_counter()
    for r in rows:  # value by value, as the package is meant to be used
        ccs = [(keys[k], str(v)) for k, v in r.items() if v is not None and v >= 0]
        try:
            aqi.to_aqi(ccs, algo=aqi.ALGO_MEP)
        except (IndexError, ValueError, ZeroDivisionError):
            pass  # outside the package's tables
    secs = time.perf_counter() - t0
    return {"sample": len(rows), "sample_s": secs, "seconds": secs * total / len(rows),
            "extrapolated": True, "rows": total}


def w_aqi_hub(p: dict, args) -> dict:
    from aqi_hub.aqi_cn import cal_aqi_cn
    rows, total = _sample(p, args.sample)
    t0 = time.perf_counter()
    for r in rows:
        try:
            cal_aqi_cn(r["pm25"], r["pm10"], r["so2"], r["no2"], r["co"], r["o3"], "hourly")
        except (TypeError, ValueError):
            pass
    secs = time.perf_counter() - t0
    return {"sample": len(rows), "sample_s": secs, "seconds": secs * total / len(rows),
            "extrapolated": True, "rows": total}


WORKERS = {"store": w_store, "ingest_csv": w_ingest_csv, "ingest_parquet": w_ingest_parquet,
           "assess": w_assess, "plan": w_plan, "pandas": w_pandas, "python_aqi": w_python_aqi,
           "aqi_hub": w_aqi_hub}


def run_worker(name: str, n: int, args) -> dict:
    """Run one workload in a fresh interpreter; returns its JSON result with peak RSS."""
    cmd = [sys.executable, __file__, "--worker", name, "--n", str(n), "--data", str(args.data),
           "--year", str(args.year), "--sample", str(args.sample), "--threads",
           str(args.threads or 0), "--csv-files", str(args.csv_files or 0),
           "--memory-limit", args.memory_limit]
    t0 = time.perf_counter()
    try:
        pr = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after the {args.timeout} s time limit",
                "wall_s": time.perf_counter() - t0}
    if pr.returncode != 0:
        text = (pr.stderr or pr.stdout).strip().splitlines()
        err = [ln for ln in text if "Error" in ln][-1:] or text[-1:] or [
            f"killed by signal {-pr.returncode}" if pr.returncode < 0
            else f"exit status {pr.returncode}"]
        return {"error": err,
                "wall_s": time.perf_counter() - t0}
    return json.loads(pr.stdout.strip().splitlines()[-1])


def _peak_rss_gb() -> float:
    """This process's own peak RSS: ``VmHWM`` (reset at exec). ``ru_maxrss`` of RUSAGE_SELF is
    not: Linux carries the forking parent's peak across exec, so a worker started by a parent that
    had generated the data reported the parent's peak (1.39 GB) as its own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


# ----------------------------------------------------------------------------- report
def _machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, {platform.system()} " \
           f"{platform.release()}, Python {platform.python_version()}"


def _fmt_s(x: float | None) -> str:
    return "—" if x is None else (f"{x:,.1f} s" if x >= 1 else f"{x * 1000:,.0f} ms")


def _gb(r: dict) -> str:
    return f"{r['peak_rss_gb']:.2f} GB" if "peak_rss_gb" in r else "—"


def report(res: dict, args, prep: dict) -> str:
    n = args.stations
    a = res.get("assess", {})
    q = a.get("seconds")
    values = a.get("rows", 0) * 6
    lines = [
        "# qingshan benchmark results", "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {_machine()}",
        f"- Data: synthetic (`qingshan.air.synth`, seed 2025) for {n:,} real stations of the national "
        f"list (bundled `{PROVINCE}` config: {a.get('cities', 0):,} cities, "
        f"{a.get('members', 0):,} evaluation stations with data, {a.get('cities_ranked', 0):,} "
        f"ranked) × {args.year} hourly "
        f"= {a.get('rows', 0):,} station-hours × 6 pollutants = {values / 1e6:,.1f} M values "
        f"(with missing data); Parquet {prep.get('parquet_bytes', 0) / 1e6:,.0f} MB; CSV year "
        f"{prep.get('csv_bytes', 0) / 1e6:,.0f} MB in {prep.get('csv_files', 0)} daily files.",
        f"- Command: `{args.command}`", "",
        "| workload | time | peak RSS | ratio (qingshan ÷ baseline) | target |",
        "|---|---|---|---|---|",
    ]
    ci = res.get("ingest_csv", {})
    for r, label, target in ((ci, "(1) ingest CSV year → store", "≤ 60 s"),
                             (res.get("ingest_parquet", {}), "(2) ingest Parquet → store", "")):
        err = f" ({r['error'][0] if isinstance(r['error'], list) else r['error']})" \
            if "error" in r else ""
        files = f" ({r['files']} files)" if "files" in r else ""
        lines.append(f"| {label}{files}{err} | {_fmt_s(r.get('seconds'))} | {_gb(r)} | | "
                     f"{target} |")
    cpu = f"; CPU {a['cpu_s']:.1f} s" if "cpu_s" in a else ""
    load = f"; load {a['load_1m']:.1f}" if "load_1m" in a else ""
    lines.append(f"| (3) full assessment, `air.service.assess` with `{PROVINCE}` (DuckDB store{cpu}"
                 f"{load}) | {_fmt_s(q)} | {_gb(a)} | | ≤ 10 s, ≤ 4 GB |")
    pl = res.get("plan", {})
    if pl:
        pcpu = f"; CPU {pl['cpu_s']:.1f} s" if "cpu_s" in pl else ""
        err = f" error: {pl['error']}" if "error" in pl else ""
        lines.append(f"| (3′) the plan alone in memory (`air.plan.run_assessment`, the store's "
                     f"hourly table and `city_station`{pcpu}){err} | {_fmt_s(pl.get('seconds'))} | "
                     f"{_gb(pl)} | | |")
    ba = a.get("baseline_a_s")
    lines.append(f"| (a) DuckDB GROUP BY station, day (same process as (3), on the store) | "
                 f"{_fmt_s(ba)} | | " + (f"{q / ba:,.1f}×" if q and ba else "—") + " | ≤ 3× |")
    pa_, pq_ = pl.get("baseline_a_s"), pl.get("seconds")
    if pa_ and pq_:
        lines.append(f"| (a′) the same GROUP BY in memory (same process as (3′)) | {_fmt_s(pa_)} | "
                     f"| {pq_ / pa_:,.1f}× (3′ ÷ a′) | |")
    h = pl.get("steps", {}).get("hourly_aqi")
    for key, label, target in (("pandas", "(b) pandas assessment", "≥ 10× faster"),
                               ("python_aqi", "(c) python-aqi hourly AQI, extrapolated",
                                "≥ 200× faster"),
                               ("aqi_hub", "(d) aqi-hub hourly AQI, extrapolated", "")):
        r = res.get(key, {})
        s = r.get("seconds")
        extra = f" (sample {r['sample']:,} rows in {_fmt_s(r['sample_s'])})" if "sample" in r \
            else ""
        ratio = f"{q / s:.3f}× (qingshan {s / q:,.1f}× faster)" if q and s else "—"
        if key != "pandas" and s and h:  # like with like: qingshan's hourly AQI step
            ratio += f"; hourly-AQI step {h:.1f} s: {h / s:.4f}× ({s / h:,.0f}× faster)"
        err = f" error: {r['error']}" if "error" in r else ""
        lines.append(f"| {label}{extra}{err} | {_fmt_s(s)} | {_gb(r)} | {ratio} | {target} |")
    if pl.get("steps"):
        lines += ["", "Plan steps (3′) (DuckDB, seconds): " + ", ".join(
            f"{k} {v:.2f}" for k, v in pl["steps"].items())]
    sw = res.get("sweep", {})
    if sw:
        lines += ["", "## Scaling sweep (full assessment, DuckDB)", "",
                  "| stations | station-hours | values | time | per million values | "
                  "peak RSS |", "|---|---|---|---|---|---|"]
        for k in sorted(sw, key=int):
            r = sw[k]
            if "seconds" in r:
                v = r["rows"] * 6
                lines.append(f"| {int(k):,} | {r['rows']:,} | {v / 1e6:,.1f} M | "
                             f"{_fmt_s(r['seconds'])} | {r['seconds'] / (v / 1e6) * 1000:,.0f} ms "
                             f"| {_gb(r)} |")
            else:
                lines.append(f"| {int(k):,} | — | — | error {r.get('error')} | | |")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=1650)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--sweep", default="0.25,0.5,1", help="station multipliers ('' = none)")
    ap.add_argument("--workloads", default="assess,plan,pandas,python_aqi,aqi_hub,ingest_parquet,"
                                           "ingest_csv")
    ap.add_argument("--sample", type=int, default=20000, help="rows for (c) and (d)")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0 = all cores)")
    ap.add_argument("--memory-limit", default="", help="DuckDB memory_limit, e.g. 3GB")
    ap.add_argument("--csv-files", type=int, default=0, help="ingest only the first N CSV files")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per workload")
    ap.add_argument("--quick", action="store_true", help="smoke run: 120 stations, January")
    ap.add_argument("--out", type=Path, default=None, help="write the Markdown report here")
    ap.add_argument("--merge", action="store_true",
                    help="add to the results.json of an earlier run instead of starting afresh")
    ap.add_argument("--report-only", action="store_true",
                    help="only rewrite the report from the results.json of earlier runs")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent / "src"))
    start, end = date(args.year, 1, 1), date(args.year, 12, 31)
    if args.quick and not args.worker:
        args.stations, end = 120, date(args.year, 1, 31)
        args.data = args.data / "quick"
    if args.worker:
        p = _paths(args.data, args.n)
        out = WORKERS[args.worker](p, args)
        out["peak_rss_gb"] = _peak_rss_gb()
        out["load_1m"] = os.getloadavg()[0]  # other processes compete for the cores
        print(json.dumps(out))
        return
    args.command = "python benchmarks/bench.py " + " ".join(sys.argv[1:])
    n = args.stations
    if args.report_only:
        res = json.loads((args.data / "results.json").read_text())
        text = report(res, args, res.pop("prep"))
        print(text)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        return
    work = [w for w in args.workloads.split(",") if w]
    print(f"preparing data for {n} stations …", flush=True)
    prep = prepare(args.data, n, start, end, csv="ingest_csv" in work)
    print(json.dumps(prep), flush=True)
    if {"assess", "plan"} & set(work) and not _paths(args.data, n)["store"].exists():
        print("building the store …", flush=True)
        prep["store"] = run_worker("store", n, args)
        print(f"  {json.dumps(prep['store'])}", flush=True)
    res: dict = {}
    if args.merge and (args.data / "results.json").exists():
        res = json.loads((args.data / "results.json").read_text())
        prep = {**res.pop("prep"), **prep}
    sweep = [float(x) for x in args.sweep.split(",") if x.strip()]

    def save() -> None:  # after every workload, so a long run leaves partial results
        text = report(res, args, prep)
        (args.data / "results.json").write_text(json.dumps({"prep": prep, **res}, indent=1))
        if args.out:
            args.out.write_text(text, encoding="utf-8")

    for w in work:
        print(f"running {w} …", flush=True)
        res[w] = run_worker(w, n, args)
        print(f"  {json.dumps(res[w])}", flush=True)
        if w == "assess" and str(n) in res.get("sweep", {}):
            res["sweep"][str(n)] = res[w]  # the 1× row of an earlier sweep: this run's figure
        save()
        if w == "assess" and sweep:
            res["sweep"] = {}
            for m in sweep:
                k = max(1, round(n * m))
                if k == n:
                    res["sweep"][str(k)] = res["assess"]
                    continue
                try:
                    prepare(args.data, k, start, end, csv=False)
                except ValueError as e:
                    res["sweep"][str(k)] = {"error": str(e)}
                    continue
                if not _paths(args.data, k)["store"].exists():
                    run_worker("store", k, args)
                print(f"sweep: assess {k} stations …", flush=True)
                res["sweep"][str(k)] = run_worker("assess", k, args)
                print(f"  {json.dumps(res['sweep'][str(k)])}", flush=True)
                save()
    print(report(res, args, prep))


if __name__ == "__main__":
    main()
