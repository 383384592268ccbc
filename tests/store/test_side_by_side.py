"""Server and CLI side by side on one DuckDB store (issue 12): a real ``qingshan serve``
subprocess and real CLI subprocesses on the same file.

Decision for two ingests at once: both succeed — the second waits (at most
``QINGSHAN_LOCK_TIMEOUT``, default 30 s) for the first one's write and then runs; only a store
that stays busy longer gives the one line ``error: the store … is busy …`` and exit status 3.

Values are the archive file's own (``china_sites_20190104.csv``, station 1299A, hour 0:
PM2.5 176, PM10 226, SO2 37, NO2 79, O3 21, CO 1.6) and the AQI derived from them by hand.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests._built import CNEMC_2019H1, STATION_LIST, built_once

REPO = Path(__file__).resolve().parents[2]
DAYS = ("20190101", "20190102", "20190103")        # in the store before the server starts
STATION = "1299A"                                  # a Jinan station of the national list


def _day(d: str) -> Path:
    return CNEMC_2019H1 / f"china_sites_{d}.csv"


def _build(path: Path) -> None:
    from qingshan.air.ingest import ingest_cnemc, ingest_stations
    from qingshan.config import load_province
    from qingshan.store import connect

    con = connect(path)
    try:
        ingest_stations(con, STATION_LIST, load_province("shandong"))
        ingest_cnemc(con, [_day(d) for d in DAYS])
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _store(dest: Path) -> Path:
    if not CNEMC_2019H1.is_dir() or not STATION_LIST.is_file():
        pytest.skip(f"shared data not found: {CNEMC_2019H1}")
    db = dest / "store.duckdb"
    shutil.copy(built_once("side_by_side.duckdb", _build), db)
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra: str) -> dict:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **extra}


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qingshan", *args], capture_output=True,
                          text=True, timeout=90, cwd=REPO, env=_env(**env))


def _popen(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qingshan", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO, env=_env(**env))


def _ok(res) -> None:
    out, err = (res.stdout, res.stderr) if hasattr(res, "stdout") else res
    assert "Traceback" not in out + err, err[-3000:]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``qingshan serve`` on a private copy of the small store; yields (base URL, store)."""
    db = _store(tmp_path_factory.mktemp("side_by_side"))
    port = _free_port()
    log = open(db.with_suffix(".log"), "w")
    proc = subprocess.Popen([sys.executable, "-m", "qingshan", "serve", "--db", str(db),
                             "--port", str(port), "--log-level", "warning"],
                            stdout=log, stderr=subprocess.STDOUT, env=_env(), cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/v1/cities", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError("server did not start: " + db.with_suffix(".log").read_text())
        time.sleep(0.2)
    yield base, db
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    assert "Traceback" not in db.with_suffix(".log").read_text()


def _hours(base: str, day: str) -> list[dict]:
    d = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    r = httpx.get(f"{base}/api/v1/stations/{STATION}/hours",
                  params={"start": f"{d}T00:00", "end": f"{d}T23:00"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _file_value(day: str, hour: int, kind: str) -> float:
    """The value of STATION in the archive file (read here with the csv module)."""
    with _day(day).open(encoding="utf-8") as f:
        rows = csv.reader(f)
        head = next(rows)
        col = head.index(STATION)
        for r in rows:
            if r[1] == str(hour) and r[2] == kind:
                return float(r[col])
    raise LookupError((day, hour, kind))


def test_ingest_while_serving_shows_at_once(served):
    base, db = served
    assert _hours(base, "20190104") == []             # not in the store yet
    seen: list[int] = []
    with httpx.Client(timeout=30) as c:                # pages and API in use meanwhile
        proc = _popen("ingest", "cnemc", str(_day("20190104")), "--db", str(db))
        while proc.poll() is None:
            seen.append(c.get(f"{base}/api/v1/batches").status_code)
            time.sleep(0.05)
        out, err = proc.communicate()
    assert proc.returncode == 0, err
    _ok((out, err))
    assert seen and set(seen) == {200}, seen           # the server kept answering
    hours = _hours(base, "20190104")                   # the very next request sees it
    # hour-ending Beijing time (the API may add the +08:00 offset)
    h0 = next(h for h in hours if h["time"].startswith("2019-01-04T00:00:00"))
    for pol, kind in (("pm25", "PM2.5"), ("pm10", "PM10"), ("so2", "SO2"), ("no2", "NO2"),
                      ("o3", "O3"), ("co", "CO")):
        assert h0[pol] == _file_value("20190104", 0, kind), pol
    assert (h0["pm25"], h0["pm10"]) == (176.0, 226.0)
    r = httpx.get(f"{base}/api/v1/aqi/hourly", params={
        "level": "station", "code": STATION, "start": "2019-01-04T00:00",
        "end": "2019-01-04T00:00"}, timeout=30)
    assert r.status_code == 200, r.text
    item = r.json()["items"][0]
    # HJ 633 Table 1, PM2.5 176 µg/m³ in 150–250 → IAQI 200 + (300−200)/(250−150)·(176−150)
    # = 226; PM10 226 in 150–250 → 100 + 50/100·76 = 138; the others are lower: AQI 226
    assert (item["iaqi_pm25"], item["iaqi_pm10"], item["aqi"]) == (226, 138, 226.0)
    assert item["primary_pollutant"] == "PM2.5"
    batches = httpx.get(f"{base}/api/v1/batches", timeout=30).json()["items"]
    assert batches[0]["file_name"] == "china_sites_20190104.csv"
    page = httpx.get(f"{base}/data", timeout=60)
    assert page.status_code == 200 and "china_sites_20190104.csv" in page.text


def test_two_ingests_at_once_both_succeed(served):
    base, db = served
    a = _popen("ingest", "cnemc", str(_day("20190105")), "--db", str(db))
    b = _popen("ingest", "cnemc", str(_day("20190106")), "--db", str(db))
    c = _popen("air", "assess", "--period", "2019-01", "--level", "city", "--db", str(db))
    outs = [p.communicate(timeout=120) for p in (a, b, c)]
    for o in outs:
        _ok(o)
    assert [p.returncode for p in (a, b, c)] == [0, 0, 0], [o[1] for o in outs]
    for day in ("20190105", "20190106"):
        h0 = next(h for h in _hours(base, day) if h["time"][10:19] == "T00:00:00")
        assert h0["pm25"] == _file_value(day, 0, "PM2.5")
    names = {b["file_name"] for b in httpx.get(f"{base}/api/v1/batches", timeout=30).json()[
        "items"]}
    assert {"china_sites_20190105.csv", "china_sites_20190106.csv"} <= names


def _holder(code: str, db: Path) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE,
                         text=True, cwd=REPO, env=_env())
    assert p.stdout.readline().strip() == "held"
    return p


#: another qingshan process writing (it holds the store's exclusive lock)
_QINGSHAN_WRITER = ("import sys, time\nfrom qingshan.store.access import StoreLock\n"
                    "h = StoreLock(sys.argv[1]).acquire(True)\nprint('held', flush=True)\n"
                    "time.sleep(60)\n")
#: a process that does not take part (the DuckDB shell, say): DuckDB's own lock
_FOREIGN = ("import sys, time, duckdb\nc = duckdb.connect(sys.argv[1])\n"
            "print('held', flush=True)\ntime.sleep(60)\n")


def _one_line(code: int, stdout: str, stderr: str) -> None:
    assert code == 3, stderr
    assert "Traceback" not in stdout + stderr, stderr[-3000:]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: the store store.duckdb is busy"), lines[0]
    assert "retried for 1 s" in lines[0], lines[0]


def test_a_lock_that_cannot_be_had_is_one_line(served, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from qingshan.api.errors import ApiError
    from qingshan.api.store import Store
    from qingshan.cli import app
    from qingshan.config import load_province

    base, db = served
    other = _store(tmp_path)                 # a store a foreign process will hold read-write
    store = Store(other, load_province("shandong"), timeout=0.5)
    writer, foreign = _holder(_QINGSHAN_WRITER, db), _holder(_FOREIGN, other)
    try:
        t0 = time.monotonic()
        p = _popen("ingest", "cnemc", str(_day("20190107")), "--db", str(db),
                   QINGSHAN_LOCK_TIMEOUT="1")
        out, err = p.communicate(timeout=120)
        _one_line(p.returncode, out, err)                  # a real process: no traceback
        monkeypatch.setenv("QINGSHAN_LOCK_TIMEOUT", "1")
        for args in (["air", "assess", "--period", "2019-01"],
                     ["export", "hourly", "--output", str(tmp_path / "h.parquet")],
                     ["serve", "--port", str(_free_port())]):
            r = CliRunner().invoke(app, [*args, "--db", str(other)])
            _one_line(r.exit_code, r.stdout, r.stderr)
        with pytest.raises(ApiError) as e:   # a request of a running server: 503
            with store.cursor():
                pass
        assert (e.value.status, e.value.code) == (503, "store_busy")
        assert time.monotonic() - t0 < 60
    finally:
        for h in (writer, foreign):
            h.kill()
            h.wait()
    assert httpx.get(f"{base}/api/v1/cities", timeout=30).status_code == 200
    with store.cursor() as con:              # free again
        assert con.execute("SELECT count(*) FROM ingest_batch").fetchall()[0][0] == 1 + len(DAYS)
    store.close()


# -- the lock itself, in process (threads take part like processes: flock per open file) -------

def test_a_waiting_writer_goes_before_new_readers(tmp_path):
    import threading

    from qingshan.store.access import StoreBusy, StoreLock

    lock = StoreLock(tmp_path / "x.duckdb")
    reader = lock.acquire(write=False, timeout=1)
    got: list = []
    w = threading.Thread(target=lambda: got.append(lock.acquire(write=True, timeout=10)))
    w.start()
    deadline = time.monotonic() + 10
    while not lock.writer_waiting():                  # the writer holds the gate now
        assert time.monotonic() < deadline
        time.sleep(0.01)
    with pytest.raises(StoreBusy) as e:               # a new reader waits behind it
        lock.acquire(write=False, timeout=0.2)
    assert "busy" in str(e.value) and "\n" not in str(e.value)
    assert not got                                    # the writer waits for the reader
    reader.release()
    w.join(10)
    assert got and got[0].write
    got[0].release()
    lock.acquire(write=False, timeout=1).release()     # free again


def test_the_kept_file_gives_way_to_a_writer(tmp_path):
    """The server keeps the file open for ``linger`` s after a read, but lets a waiting
    writer in as soon as its reads are done (it checks the gate every 50 ms)."""
    from qingshan.api.store import Store
    from qingshan.config import load_province
    from qingshan.store import connect
    from qingshan.store.access import StoreLock

    db = tmp_path / "k.duckdb"
    connect(db).close()
    store = Store(db, load_province("shandong"), linger=30)
    with store.cursor() as con:
        con.execute("SELECT 1").fetchall()
    assert store._keep is not None                    # kept open after the read
    t0 = time.monotonic()
    h = StoreLock(db).acquire(write=True, timeout=10)  # another process's writer, say
    assert time.monotonic() - t0 < 5                   # far less than the 30 s linger
    h.release()
    with store.cursor() as con:                        # and the server reads again
        assert con.execute("SELECT count(*) FROM ingest_batch").fetchall() == [(0,)]
    store.close()


# -- issue 19: reads that let go of the lock before they compute ---------------------------------

def test_a_read_that_releases_early_lets_a_writer_in_while_it_computes(tmp_path):
    """``fetch_and_release`` on the server's cursor: the rows come back as frames, the lock
    and the connection are gone while the request still 'computes', so a writer of another
    process gets in at once; the ``with`` block ends normally afterwards (nothing kept)."""
    from qingshan.api.store import Store
    from qingshan.config import load_province
    from qingshan.store import connect
    from qingshan.store.access import StoreBusy, StoreLock, fetch_and_release, is_bound

    db = tmp_path / "e.duckdb"
    connect(db).close()
    store = Store(db, load_province("shandong"), linger=30)
    other = StoreLock(db)
    with store.cursor() as con:
        assert is_bound(con)
        with pytest.raises(StoreBusy):                 # the read holds the lock: writer waits
            other.acquire(write=True, timeout=0.3)
        n, named = fetch_and_release(con, [("SELECT count(*) AS n FROM ingest_batch "
                                            "WHERE batch_id > ?", [-1]),
                                           "SELECT 2 AS two"])
        assert int(n["n"].iloc[0]) == 0 and int(named["two"].iloc[0]) == 2
        assert not is_bound(con)
        t0 = time.monotonic()
        h = other.acquire(write=True, timeout=5)      # while this request still computes
        assert time.monotonic() - t0 < 1
        h.release()
    assert store._keep is None                         # a released read is not kept open
    with store.cursor() as con:                        # the old way still works
        assert con.execute("SELECT count(*) FROM ingest_batch").fetchall() == [(0,)]
    store.close()


def test_fetch_and_release_leaves_an_unbound_connection_open(tmp_path):
    """A connection nobody bound (a CLI command's, a test's) keeps working after the call."""
    import duckdb

    from qingshan.store.access import fetch_and_release, release_early

    con = duckdb.connect()
    out = fetch_and_release(con, {"a": ("SELECT ? + 1 AS v", [41])})
    assert int(out["a"]["v"].iloc[0]) == 42
    assert release_early(con) is False
    assert con.execute("SELECT 1").fetchall() == [(1,)]
    con.close()


def _reader(db: str, stop: Path, out: Path, compute: float) -> None:
    """One reader process's loop: read rows under the shared lock, let go, 'compute'."""
    import duckdb

    from qingshan.store.access import fetch_and_release, locked
    n = 0
    while not stop.exists():
        with locked(db, False, lambda: duckdb.connect(db, read_only=True), timeout=30) as con:
            hours, = fetch_and_release(con, ["SELECT station_code, avg(pm25) AS m "
                                             "FROM air_hourly GROUP BY 1"])
            time.sleep(compute)    # the multi-second computation, the lock already given back
        n += 1
        out.write_text(f"{n} {len(hours)}")


def _fork_reader(db: Path, stop: Path, out: Path, compute: float) -> int:
    """A forked reader process (no interpreter start on a loaded machine; nothing of the store
    is open in the test process here); exit status 0 when it ended at ``stop``, 1 on an
    error (written to ``out``.err)."""
    pid = os.fork()
    if pid == 0:                                       # pragma: no cover - the child
        code = 0
        try:
            _reader(str(db), stop, out, compute)
        except BaseException as e:                     # reported to the parent
            Path(f"{out}.err").write_text(f"{type(e).__name__}: {e}")
            code = 1
        os._exit(code)
    return pid


def test_an_upload_completes_while_8_readers_loop(tmp_path):
    """Real processes: ``qingshan serve`` (request lock timeout 3 s) and 8 reader processes
    that loop reading rows and then "computing" for 4 s each — longer than the timeout. The
    upload waits only for the readers' statements, not their computations: it is answered 200
    within its timeout, and no reader is refused (each ends with iterations done and exit
    status 0). Checked by hand: the same readers keeping the lock through an 8 s computation
    (``con.execute(...).df()`` instead of ``fetch_and_release``) make the upload 503
    ``store_busy``."""
    from tests._auth import token_for
    from tests.faults._store import base_store, day_file, serve_subprocess

    db = base_store(tmp_path)
    token = token_for(db, "prov_staff")
    proc, base = serve_subprocess(db, tmp_path / "serve.log",
                                  QINGSHAN_REQUEST_LOCK_TIMEOUT="3")
    stop = tmp_path / "stop"
    outs = [tmp_path / f"reader{i}" for i in range(8)]
    pids = [_fork_reader(db, stop, o, 4.0) for o in outs]
    status: list = []
    try:
        deadline = time.monotonic() + 30
        while not all(o.exists() for o in outs):       # each has read and computed once
            assert time.monotonic() < deadline and not any(
                Path(f"{o}.err").exists() for o in outs), "readers did not loop"
            time.sleep(0.05)
        day = day_file("20240103")
        t0 = time.monotonic()
        r = httpx.post(f"{base}/api/v1/upload", data={"kind": "cnemc"},
                       files={"file": (day.name, day.read_bytes(), "text/csv")},
                       headers={"Authorization": f"Bearer {token}"}, timeout=60)
        took = time.monotonic() - t0
        assert r.status_code == 200, r.text
        assert [b["outcome"] for b in r.json()["batches"]] == ["loaded"], r.text
        before = [int(o.read_text().split()[0]) for o in outs]
    finally:
        stop.touch()
        status = [os.waitpid(pid, 0)[1] for pid in pids]
        proc.terminate()
        proc.wait(timeout=15)
    errors = [Path(f"{o}.err").read_text() for o in outs if Path(f"{o}.err").exists()]
    assert not errors and status == [0] * 8, errors
    assert all(b >= 1 for b in before)                 # the readers were looping meanwhile
    print(f"upload answered in {took:.2f} s while 8 readers looped")
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
