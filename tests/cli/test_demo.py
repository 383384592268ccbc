"""The demo end to end on a two-city province: generates files, ingests them through the real
ingest path, prints the ranking and the water summary; a second run changes nothing."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

MINI = Path(__file__).resolve().parents[1] / "data" / "mini_province.toml"

pytestmark = pytest.mark.slow


def _demo(tmp_path):
    return subprocess.run(
        [sys.executable, "-m", "qingshan", "demo", "--db", str(tmp_path / "d.duckdb"),
         "--province", str(MINI), "--workdir", str(tmp_path / "w"), "--year", "2025",
         "--through", "2026-01"],
        capture_output=True, text=True, timeout=600)


def test_demo_runs_and_is_idempotent(tmp_path):
    r = _demo(tmp_path)
    assert r.returncode == 0, r.stderr
    assert "测试省 2025 城市环境空气质量排名" in r.stdout
    assert "甲市" in r.stdout and "乙市" in r.stdout
    assert "water" in r.stdout and "qingshan serve" in r.stdout
    files = sorted((tmp_path / "w" / "archive-2025").glob("china_sites_*.csv"))
    # natural days of 2025 (hour-ending): Jan 1 .. Dec 31 plus the file of Jan 1 2026 hour 0
    assert files[0].name == "china_sites_20250101.csv"
    assert files[-1].name == "china_sites_20260101.csv" and len(files) == 366
    # --through 2026-01: the natural days of January 2026, i.e. stamps to Feb 1 00:00
    later = sorted((tmp_path / "w" / "archive-2026").glob("china_sites_*.csv"))
    assert (later[0].name, later[-1].name, len(later)) == \
        ("china_sites_20260101.csv", "china_sites_20260201.csv", 32)
    assert "2024-01 – 2026-01" in r.stdout
    con = duckdb.connect(str(tmp_path / "d.duckdb"), read_only=True)
    n_rows, n_batches = (con.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0],
                         con.execute("SELECT count(*) FROM ingest_batch").fetchall()[0][0])
    con.close()
    again = _demo(tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 loaded now" in again.stdout
    con = duckdb.connect(str(tmp_path / "d.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0] == n_rows
    assert con.execute("SELECT count(*) FROM ingest_batch").fetchall()[0][0] == n_batches
    con.close()
