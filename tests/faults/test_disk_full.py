"""Fault (issue 19): the disk fills up during a CLI ingest. The store sits on a small tmpfs
(mounted for the test; skipped where ``mount`` is not allowed) with less free space than the
ingest needs. The ingest must fail with an error (one line, no traceback; nothing half
stored), the store must open with whole batches only, and once there is room again (the tmpfs
remounted larger) the same ingest succeeds with every file loaded once."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.faults._store import DAYS, base_store, day_file, fork_cli, integrity
from tests.faults.test_kill import NEW_DAYS, _expected_rows, kill_after


@pytest.fixture
def small_fs(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    size = base_store(tmp_path / "probe").stat().st_size + 256 * 1024
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {res.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill_up(small_fs, tmp_path):
    db = base_store(small_fs)
    free = os.statvfs(small_fs)
    assert free.f_bavail * free.f_frsize < 300 * 1024       # less room than two days need
    out = tmp_path / "ingest.out"
    pid = fork_cli("ingest", "cnemc", *[str(day_file(d)) for d in NEW_DAYS], "--db", str(db),
                   out=out)
    return db, kill_after(pid, None), out.read_text()


def test_disk_full_ingest_is_refused_with_one_line(small_fs, tmp_path):
    _, status, out = _fill_up(small_fs, tmp_path)
    assert status == 2 and "Traceback" not in out and "No space left on device" in out


def test_disk_full_during_an_ingest_leaves_the_store_whole(small_fs, tmp_path):
    db, status, _ = _fill_up(small_fs, tmp_path)
    assert status != 0                                       # it failed
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_fs)], check=True)
    loaded = integrity(db)                                   # opens; whole batches only
    assert all(loaded[f] == _expected_rows(f[12:20]) for f in loaded)
    pid = fork_cli("ingest", "cnemc", *[str(day_file(d)) for d in NEW_DAYS], "--db", str(db))
    assert kill_after(pid, None) == 0
    assert integrity(db) == {f"china_sites_{d}.csv": _expected_rows(d) for d in DAYS}
