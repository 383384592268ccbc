"""Small SYNTHETIC stores and processes for the reliability tests (issue 19).

Inputs: the synthetic generator (``qingshan.air.synth``; invented stations ``S…``, never real
data) for the bundled Shandong config, 4 natural days of 2024-01 — a station list and 4 CNEMC
daily files (~100 kB each), generated once per test run (``tests._built``).

Processes: ``serve_subprocess`` starts a real ``python -m qingshan serve``; ``fork_serve`` and
``fork_cli`` run the ``qingshan serve`` command / a CLI command in a *forked* child of the test
process (no interpreter start and imports under a loaded machine: a fork is instant), which the
tests kill with SIGKILL. Nothing of the store may be open in the parent when it forks.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx

from tests._built import built_once

REPO = Path(__file__).resolve().parents[2]
DAYS = ("20240101", "20240102", "20240103", "20240104")
BASE_DAYS = DAYS[:2]            # in the base store; the rest are loaded by the tests


def _make_inputs(path: Path) -> None:
    from qingshan.air.synth import (generate_hourly, generate_stations, write_cnemc_daily,
                                    write_station_list)
    from qingshan.config import load_province
    path.mkdir(parents=True)
    st = generate_stations(load_province("shandong"), seed=19)
    write_station_list(st, path / "stations.csv")
    # natural days 1..4 January; the writer also emits hour 0 of 5 January — dropped here
    for f in write_cnemc_daily(generate_hourly(st, date(2024, 1, 1), date(2024, 1, 4), seed=19),
                               path / "days"):
        if f.name[12:20] not in DAYS:
            f.unlink()


def inputs() -> Path:
    """The folder with ``stations.csv`` and ``days/china_sites_YYYYMMDD.csv``."""
    return built_once("reliability-inputs", _make_inputs)


def day_file(day: str) -> Path:
    return inputs() / "days" / f"china_sites_{day}.csv"


def _make_base(path: Path) -> None:
    from qingshan.air.ingest import ingest_cnemc, ingest_stations
    from qingshan.config import load_province
    from qingshan.store import connect
    con = connect(path)
    try:
        ingest_stations(con, inputs() / "stations.csv", load_province("shandong"))
        ingest_cnemc(con, [day_file(d) for d in BASE_DAYS])
        con.execute("CHECKPOINT")
    finally:
        con.close()


def base_store(dest: Path, name: str = "q.duckdb") -> Path:
    """A private copy of the base store (stations + the first two days) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    db = dest / name
    shutil.copy(built_once("reliability-base.duckdb", _make_base), db)
    return db


def integrity(db: Path) -> dict:
    """Open the store (as any command does) and check that no batch is half present: every
    ``ingest_batch`` row of hourly data has exactly its ``rows_stored`` rows in ``air_hourly``,
    no hourly row belongs to a batch that is not recorded, and no file is loaded twice.
    Returns {file name: rows stored} of the loaded CNEMC files."""
    from qingshan.store import connect
    con = connect(db)
    try:
        bad = con.execute(
            "SELECT b.batch_id, b.rows_stored, count(h.batch_id) FROM ingest_batch b "
            "LEFT JOIN air_hourly h USING (batch_id) WHERE b.kind = 'cnemc_sites' "
            "GROUP BY ALL HAVING b.rows_stored <> count(h.batch_id)").fetchall()
        assert not bad, f"half-present batches (batch, recorded, present): {bad}"
        orphans = con.execute("SELECT count(*) FROM air_hourly WHERE batch_id NOT IN "
                              "(SELECT batch_id FROM ingest_batch)").fetchone()[0]
        assert orphans == 0, f"{orphans} hourly rows of no recorded batch"
        files = con.execute("SELECT file_name, count(*), sum(rows_stored) FROM ingest_batch "
                            "WHERE kind = 'cnemc_sites' AND outcome = 'loaded' GROUP BY 1"
                            ).fetchall()
        assert all(n == 1 for _, n, _ in files), f"a file loaded twice: {files}"
        return {f: int(r) for f, _, r in files}
    finally:
        con.close()


def batches(db: Path) -> list[tuple]:
    """The store's batches, read as any qingshan reader does — under the store's shared lock
    (a running server that holds the file hands it over, :mod:`qingshan.api.held`)."""
    import duckdb

    from qingshan.store.access import locked
    with locked(db, False, lambda: duckdb.connect(str(db), read_only=True), timeout=30) as con:
        return con.execute("SELECT batch_id, kind, file_name, sha256, rows_read, rows_stored, "
                           "rows_flagged, outcome FROM ingest_batch ORDER BY batch_id").fetchall()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base: str, alive, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/cities", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if not alive():
            raise RuntimeError("the server exited while starting")
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


def env(**extra: str) -> dict:
    return {**os.environ, "PYTHONUNBUFFERED": "1", **extra}


def serve_subprocess(db: Path, log: Path, **extra_env: str) -> tuple[subprocess.Popen, str]:
    """A real ``python -m qingshan serve`` on ``db``; (process, base URL) once it answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "qingshan", "serve", "--db", str(db),
                             "--port", str(port), "--log-level", "warning"],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            env=env(**extra_env), cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(base, lambda: proc.poll() is None)
    except BaseException:
        proc.kill()
        raise RuntimeError(log.read_text()) from None
    return proc, base


def _fork(run, out: Path | None = None) -> int:
    from qingshan.store import ops
    ops.dispose_all()                   # no pooled connection shared with the child
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:                        # pragma: no cover - the child
        code = 1
        try:
            sink = os.open(out or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(sink, 1)
            os.dup2(sink, 2)
            # the child's prints go to the file (not to pytest's capture of the parent)
            sys.stdout = open(1, "w", buffering=1, closefd=False)
            sys.stderr = open(2, "w", buffering=1, closefd=False)
            ops.dispose_all()
            code = run() or 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException:
            code = 1
        finally:
            for f in (sys.stdout, sys.stderr):
                try:
                    f.flush()
                except Exception:
                    pass
            os._exit(code)
    return pid


def _warm() -> None:
    """Import what the server imports before forking, so that a child only builds the app."""
    import uvicorn  # noqa: F401

    import qingshan.cli.serve
    import qingshan.web  # noqa: F401
    from qingshan.api import app  # noqa: F401
    from qingshan.core.registry import domains, load
    for d in domains():
        for target in (d.api, d.pages):
            if target:
                load(target)


_SERVERS: dict[int, subprocess.Popen] = {}


def fork_serve(db: Path) -> tuple[int, str]:
    """The ``qingshan serve`` command in its own process; (pid, base URL) once it answers.

    A real subprocess, not a fork: a test process may hold threads (a Spark gateway, httpx
    pools) whose locks a forked server would inherit held, and hang on."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "qingshan", "serve", "--db", str(db),
                             "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "critical"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid = proc.pid
    _SERVERS[pid] = proc        # kept: a collected Popen could reap the child before kill()
    base = f"http://127.0.0.1:{port}"

    def alive() -> bool:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    try:
        wait_up(base, alive)
    except BaseException:
        kill(pid)
        raise
    return pid, base


def fork_cli(*args: str, out: Path | None = None) -> int:
    """``qingshan ARGS`` in a forked child (its stdout and stderr to ``out``); its pid."""
    from qingshan.cli import app
    app.registered_groups      # noqa: B018 - mounted (and imported) before the fork

    import qingshan.air.ingest  # noqa: F401

    def run():
        import sys

        from qingshan.cli import main
        sys.argv = ["qingshan", *args]
        main()          # the console script's entry point (its one-line store errors)
    return _fork(run, out)


def kill(pid: int) -> int | None:
    """SIGKILL ``pid`` (if still running) and reap it; the exit status if it ended by itself
    before the signal, None when the signal killed it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        return None
    return os.WEXITSTATUS(status)
