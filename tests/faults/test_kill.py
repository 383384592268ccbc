"""Faults (issue 19): ``kill -9`` of a CLI ingest and of the server during an upload, at
seeded random moments, and corrupt / half-written uploads — on small SYNTHETIC stores
(tests/faults/_store.py).

After each: the store opens, no batch is half present (every batch row has exactly its
``rows_stored`` hourly rows, no hourly row without its batch, no file loaded twice), the audit
chain verifies, and running the same ingest or upload again succeeds with every file loaded
once. A refused file names file and line (and the field, where one value is bad) and stores
nothing.

Expected row counts are not copied from a run: a file's rows are counted here from the file
itself (CSV rows × station columns with a value — see :func:`_expected_rows`)."""

from __future__ import annotations

import csv
import os
import random
import threading
import time
from pathlib import Path

import httpx

from tests.faults._store import (BASE_DAYS, DAYS, base_store, day_file, fork_cli, fork_serve,
                                 integrity, kill)

POLLUTANTS = {"PM2.5", "PM10", "SO2", "NO2", "O3", "CO"}
NEW_DAYS = [d for d in DAYS if d not in BASE_DAYS]
SEED = 19


def _expected_rows(day: str) -> int:
    """Station-hours of a CNEMC daily file with at least one pollutant value: the distinct
    (hour, station) pairs whose cell is non-empty in a pollutant row (the ingest stores one
    ``air_hourly`` row per station-hour that has any value)."""
    with open(day_file(day), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    seen = {(r[1], head[i]) for r in rows[1:] if r[2] in POLLUTANTS
            for i in range(3, len(r)) if r[i].strip()}
    return len(seen)


def _audit_ok(db: Path) -> None:
    from qingshan.accounts import audit
    from qingshan.store import ops
    url = ops.ops_url_for(db)
    ops.upgrade(url)
    with ops.session_scope(url) as s:
        v = audit.verify(s)
    ops.dispose_all()
    assert v.ok, (v.first_bad_seq, v.problem)


def _ingest_days(db: Path) -> int:
    pid = fork_cli("ingest", "cnemc", *[str(day_file(d)) for d in NEW_DAYS], "--db", str(db))
    return kill_after(pid, None)


def kill_after(pid: int, delay: float | None) -> int | None:
    """Wait for ``pid`` (``delay`` None) or SIGKILL it after ``delay`` seconds."""
    if delay is None:
        _, status = os.waitpid(pid, 0)
        return os.WEXITSTATUS(status)
    time.sleep(delay)
    return kill(pid)


def test_kill_9_of_a_cli_ingest_leaves_no_half_batch(tmp_path):
    expected = {f"china_sites_{d}.csv": _expected_rows(d) for d in DAYS}
    # one clean run gives the ingest's duration on this machine; kills fall inside it
    clean = base_store(tmp_path / "clean")
    t0 = time.monotonic()
    assert _ingest_days(clean) == 0
    span = time.monotonic() - t0
    assert integrity(clean) == expected
    rng = random.Random(SEED)
    killed = 0
    for run in range(5):            # 3 runs; up to 2 more while none was killed in time
        if run >= 3 and killed:
            break
        db = base_store(tmp_path / f"run{run}")
        pid = fork_cli("ingest", "cnemc", *[str(day_file(d)) for d in NEW_DAYS], "--db", str(db))
        delay = rng.uniform(0.05, 0.8) * span
        status = kill_after(pid, delay)
        killed += status is None
        if status is not None:      # it ended first (the machine's load varies): aim earlier
            span = delay
        loaded = integrity(db)                      # opens; whole batches or none
        assert set(loaded) >= {f"china_sites_{d}.csv" for d in BASE_DAYS}
        assert all(loaded[f] == expected[f] for f in loaded)
        assert _ingest_days(db) == 0                # retrying succeeds
        assert integrity(db) == expected
    assert killed >= 1, "no run was killed before the ingest ended"


def _upload(base: str, token: str, name: str, data: bytes, timeout: float = 60):
    return httpx.post(f"{base}/api/v1/upload", files={"file": (name, data, "text/csv")},
                      data={"kind": "cnemc"}, headers={"Authorization": f"Bearer {token}"},
                      timeout=timeout)


def _batches(base: str) -> int:
    return httpx.get(f"{base}/api/v1/batches", timeout=30).json()["total"]


def test_kill_9_of_the_server_during_an_upload_then_corrupt_uploads_refused(tmp_path):
    from tests._auth import token_for
    db = base_store(tmp_path / "live")
    token = token_for(db, "prov_staff")
    from qingshan.store import ops
    ops.dispose_all()
    day = day_file(NEW_DAYS[0])
    rng = random.Random(SEED)
    for _ in range(2):
        pid, base = fork_serve(db)
        box: list = []

        def post(base=base, box=box):
            try:
                box.append(_upload(base, token, day.name, day.read_bytes()))
            except httpx.HTTPError as e:             # the server died under the request
                box.append(e)
        t = threading.Thread(target=post)
        t.start()
        time.sleep(rng.uniform(0.05, 1.0))
        kill(pid)
        t.join()
        loaded = integrity(db)
        assert set(loaded) <= {f"china_sites_{d}.csv" for d in DAYS}
        if day.name in loaded:
            assert loaded[day.name] == _expected_rows(NEW_DAYS[0])
        _audit_ok(db)

    pid, base = fork_serve(db)
    try:
        n = _batches(base)
        # half-written: the file cut inside a line at 3 seeded random moments of the write —
        # a random line, a random byte before its last comma (cells are missing: what a reader
        # can tell; a cut inside the *last* cell leaves a well-formed shorter number, which no
        # CSV reader can tell from a real one — the file has no length or end marker)
        raw = day_file(NEW_DAYS[1]).read_bytes()
        starts = [0] + [i + 1 for i, b in enumerate(raw) if b == 0x0A][:-1]
        for _ in range(3):
            k = rng.randrange(2, len(starts) - 1)          # 0-based index of the cut line
            line = raw[starts[k]:raw.index(b"\n", starts[k])]
            cut = raw[: starts[k] + rng.randrange(1, line.rindex(b","))]
            r = _upload(base, token, "china_sites_20240104.csv", cut)
            assert r.status_code == 422, r.text
            (d,) = r.json()["error"]["details"] if "error" in r.json() else r.json()["details"]
            assert d["file"] == "china_sites_20240104.csv"
            assert d["line"] == k + 1                      # the last, cut, line (1-based)
        # corrupt: one value of line 3 is not a number
        lines = raw.split(b"\n")
        cells = lines[2].split(b",")
        cells[3] = b"3x7"
        lines[2] = b",".join(cells)
        r = _upload(base, token, "china_sites_20240104.csv", b"\n".join(lines))
        assert r.status_code == 422, r.text
        body = r.json()
        (d,) = body["error"]["details"] if "error" in body else body["details"]
        head = lines[0].split(b",")
        assert (d["file"], d["line"], d["field"]) == ("china_sites_20240104.csv", 3,
                                                      head[3].decode())
        assert _batches(base) == n                           # nothing stored
        # retrying the interrupted upload succeeds (or finds it already loaded, whole)
        r = _upload(base, token, day.name, day.read_bytes())
        assert r.status_code == 200, r.text
        assert r.json()["batches"][0]["outcome"] in ("loaded", "already loaded")
    finally:
        kill(pid)
    loaded = integrity(db)
    assert loaded[day.name] == _expected_rows(NEW_DAYS[0])
    _audit_ok(db)
