"""Migrations are recorded by (domain, version); export round-trips; the CLI runs end to end."""

import subprocess
import sys

import duckdb

from qingshan.air.ingest import ingest_cnemc
from qingshan.store import applied_migrations, connect, migrate
from qingshan.air.export import export_hourly


def test_migrations_recorded_and_idempotent(tmp_path):
    db = tmp_path / "s.duckdb"
    con = connect(db)
    first = applied_migrations(con)
    assert first[0] == ("store", 1, "0001_store.sql")      # the store's own tables first
    assert {d for d, _, _ in first} == {"store", "air", "water"}
    assert migrate(con) == []                       # nothing pending the second time
    con.close()
    con = connect(db)
    assert applied_migrations(con) == first


def _tiny(tmp_path, store):
    p = tmp_path / "china_sites_20200101.csv"
    p.write_text("date,hour,type,A1,B2\n20200101,1,PM2.5,30,40\n20200101,1,CO,0.8,\n"
                 "20200101,2,PM2.5,31,\n", encoding="utf-8")
    ingest_cnemc(store, [p], unknown_stations="register")


def test_export_parquet_partitioned_and_csv(tmp_path, store):
    _tiny(tmp_path, store)
    n = export_hourly(store, tmp_path / "pq", "parquet")
    assert n == 3
    files = list((tmp_path / "pq").rglob("*.parquet"))
    assert files and all("year=2020" in str(f) and "month=1" in str(f) for f in files)
    t = duckdb.sql(f"SELECT station_code, time, pm25, co FROM read_parquet("
                   f"'{(tmp_path / 'pq').as_posix()}/**/*.parquet', hive_partitioning=true) "
                   "ORDER BY 1, 2").fetchall()
    assert [(r[0], r[1].hour, r[2], r[3]) for r in t] == [
        ("A1", 1, 30.0, 0.8), ("A1", 2, 31.0, None), ("B2", 1, 40.0, None)]
    assert export_hourly(store, tmp_path / "h.csv", "csv", start="2020-01-01 02:00") == 1
    assert (tmp_path / "h.csv").read_text().count("\n") == 2


def test_cli_ingest_and_error_exit(tmp_path):
    db = tmp_path / "c.duckdb"
    p = tmp_path / "china_sites_20200101.csv"
    p.write_text("date,hour,type,A1\n20200101,1,PM2.5,3o\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "qingshan", "ingest", "cnemc", str(p), "--db",
                        str(db), "--register-unknown"], capture_output=True, text=True)
    assert r.returncode == 2
    assert "china_sites_20200101.csv:2: field 'A1' not a number: '3o'" in r.stderr
    assert "nothing was stored" in r.stderr
    p.write_text("date,hour,type,A1\n20200101,1,PM2.5,30\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "qingshan", "ingest", "cnemc", str(p), "--db",
                        str(db), "--register-unknown"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "loaded" in r.stdout


def test_memory_limit_setting(monkeypatch):
    con = connect(":memory:", memory_limit="1GB")
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] in (
        "953.6 MiB", "1.0 GiB")   # DuckDB reports 1 GB (10^9 bytes) in MiB
    monkeypatch.setenv("QINGSHAN_MEMORY_LIMIT", "512MB")
    con2 = connect(":memory:")
    assert con2.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] != \
        con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
