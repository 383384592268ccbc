"""Time a monthly air bulletin (build + PDF) on the real 2019-H1 archive (or ``--db``, e.g. the
demo store): a baseline tree against the current one, in the same run.

Each tree (a ``src`` folder holding ``qingshan``) runs in its own Python process (the same venv,
``PYTHONPATH`` = that tree), which warms up once (imports, vl-convert start-up, a first bulletin)
and then times ``--repeat`` bulletins; the trees alternate ``--rounds`` times, so both see the
same machine load (printed, with ``uptime``'s 1-minute load before and after). Baseline: the
tree of git revision ``--baseline-rev`` (``git archive`` unpacked to a temporary folder) or
``--baseline-src``; new: ``--new-src`` (default: this checkout's ``src``).

    .venv/bin/python benchmarks/bench_report.py [--period 2019-03] [--lang zh] \\
        [--baseline-rev 2d0e534] [--new-src DIR] [--rounds 2] [--repeat 2] \\
        [--db /tmp/demo/qingshan.duckdb] [--cli]

Prints seconds per stage (median of all timed bulletins of a tree): build
(``build_air_report(..., render="pdf")``, as ``qingshan report air`` does), charts + PDF
(``render_pdf``), total wall, CPU of the process (every thread) and of its chart helper
process when the tree has one, and the ratio baseline/new. ``--cli``: instead, each timed
bulletin is the command itself (``qingshan report air --period P --format pdf --db DB``, a
fresh process: imports, store opening, build, PDF, exit), wall and CPU of the process and its
children (the chart helper).
Target (issue 13): ≤ 5 s per monthly PDF on 2 cores; the figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _helper_cpu() -> float:
    """CPU seconds of the chart helper process (``qingshan.reports.figures._WORKER``, when the
    tree has one): its time is not in this process's ``process_time``."""
    from qingshan.reports import figures

    w = getattr(figures, "_WORKER", None)
    if w is None:
        return 0.0
    try:
        fields = Path(f"/proc/{w.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime + stime


def _cpu() -> float:
    """CPU seconds of this process, its chart helper (:func:`_helper_cpu`) and every child that
    ended (the PDF helper of ``qingshan.reports.pdf``: one per bulletin, waited for)."""
    import resource

    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + _helper_cpu() + ch.ru_utime + ch.ru_stime


def _store(db: str | None) -> str:
    if db:
        return db
    sys.path.insert(1, str(REPO))            # tests._built (the real archive), after the tree
    from tests._built import real_h1_store
    return str(real_h1_store())


def _cli_worker(period: str, lang: str, repeat: int, db: str | None) -> None:
    """Run in the tree's process: time ``repeat`` runs of the command, each a fresh process."""
    import resource

    import qingshan
    store = _store(db)
    with tempfile.TemporaryDirectory(prefix="bench-report-cli-") as tmp:
        out = Path(tmp) / "b.pdf"
        # ``python -m qingshan``: the tree's own console entry (its ``__main__``: the command
        # line, or from this session on qingshan.launch, which starts the helpers first)
        cmd = [sys.executable, "-m", "qingshan", "report", "air", "--period",
               period, "--lang", lang, "--format", "pdf", "--db", store, "-o", str(out)]
        for _ in range(repeat):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=tmp)
            t1 = time.perf_counter()
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
            print(json.dumps({"build": 0.0, "pdf": 0.0, "total": t1 - t0, "cpu": cpu,
                              "bytes": out.stat().st_size,
                              "tree": str(Path(qingshan.__file__).parents[1])}), flush=True)


def _worker(period: str, lang: str, repeat: int, db: str | None = None) -> None:
    """Run in the tree's process: warm up, time ``repeat`` bulletins, print JSON lines."""
    store = _store(db)
    import qingshan
    from qingshan.config import load_province
    from qingshan.reports import build_air_report, render_pdf
    from qingshan.store import connect

    con = connect(store, read_only=True)
    prov = load_province("shandong")
    render_pdf(build_air_report(con, period, lang=lang, province=prov, render="pdf"))  # warm-up
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        r = build_air_report(con, period, lang=lang, province=prov, render="pdf")
        t1 = time.perf_counter()
        pdf = render_pdf(r)       # waits for the charts (rendering since the build), then lays out
        t2 = time.perf_counter()
        print(json.dumps({"build": t1 - t0, "pdf": t2 - t1, "total": t2 - t0,
                          "cpu": _cpu() - c0, "bytes": len(pdf),
                          "tree": str(Path(qingshan.__file__).parents[1])}), flush=True)


def _run(src: Path, args) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(src),
               PYTEST_XDIST_TESTRUNUID=os.environ.get("PYTEST_XDIST_TESTRUNUID", "bench-report"))
    if args.db:     # the store's settings (its operational store beside it), as the CLI's --db
        env["QINGSHAN_DB"] = str(Path(args.db).resolve())
    extra = (["--db", args.db] if args.db else []) + (["--cli"] if args.cli else [])
    out = subprocess.run([sys.executable, __file__, "--worker", "--period", args.period,
                          "--lang", args.lang, "--repeat", str(args.repeat)] + extra,
                         env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"worker for {src} failed:\n{out.stderr[-3000:]}")
    runs = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if runs and Path(runs[0]["tree"]) != src.resolve():
        sys.exit(f"worker imported qingshan from {runs[0]['tree']}, not {src}")
    return runs


def _baseline(args, tmp: Path) -> Path:
    if args.baseline_src:
        return Path(args.baseline_src)
    dest = tmp / "baseline"
    dest.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", args.baseline_rev, "src"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default="2019-03")
    ap.add_argument("--lang", default="zh", choices=("zh", "en"))
    ap.add_argument("--repeat", type=int, default=2, help="timed bulletins per process")
    ap.add_argument("--rounds", type=int, default=2, help="processes per tree, alternating")
    ap.add_argument("--baseline-rev", default="2d0e534",
                    help="git revision of the baseline (default: before issue 13 session 5)")
    ap.add_argument("--baseline-src", help="a src folder instead of --baseline-rev")
    ap.add_argument("--new-src", default=str(REPO / "src"))
    ap.add_argument("--db", help="store to read (default: the real 2019-H1 archive)")
    ap.add_argument("--cli", action="store_true",
                    help="time the command `qingshan report air ... --format pdf` end to end")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        (_cli_worker if args.cli else _worker)(args.period, args.lang, args.repeat, args.db)
        return
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        trees = {"baseline": _baseline(args, Path(tmp)), "new": Path(args.new_src)}
        print(f"period {args.period} ({args.lang}), store {args.db or 'real 2019-H1 archive'}"
              f"{', the command end to end' if args.cli else ''}, {os.cpu_count()} CPUs, load "
              f"{os.getloadavg()[0]:.1f}; baseline {trees['baseline']} "
              f"({args.baseline_src or args.baseline_rev}), new {trees['new']}", flush=True)
        runs: dict[str, list[dict]] = {k: [] for k in trees}
        for _ in range(args.rounds):         # alternate, so both trees see the same load
            for name, src in trees.items():
                runs[name] += _run(src, args)
    med = {name: {k: statistics.median(r[k] for r in rs) for k in ("build", "pdf", "total",
                                                                     "cpu")}
           for name, rs in runs.items()}
    for name, m in med.items():
        # --cli: the command is timed whole (no build / PDF split to show)
        parts = "" if args.cli else (f"build {m['build']:6.2f} s  charts+pdf "
                                     f"{m['pdf']:6.2f} s  ")
        within = sum(r["total"] <= 5.0 for r in runs[name])
        print(f"{name:9s} {parts}total {m['total']:6.2f} s  CPU {m['cpu']:6.2f} s  (median of "
              f"n={len(runs[name])}, {within} within 5 s; totals "
              f"{', '.join(format(r['total'], '.2f') for r in runs[name])})")
    b, n = med["baseline"], med["new"]
    print(f"ratio baseline/new: wall {b['total'] / n['total']:.2f}, CPU {b['cpu'] / n['cpu']:.2f} "
          f"(target: ≤ 5 s per monthly PDF; new {n['total']:.1f} s wall, {n['cpu']:.1f} s CPU; "
          f"load at the end {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
