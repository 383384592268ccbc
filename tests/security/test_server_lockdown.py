"""The server's DuckDB connections cannot touch files, the network or extensions.

Through a cursor of the server's :class:`~qingshan.api.store.Store` (what every request uses),
reading ``/etc/passwd``, writing a file (also into site-packages), ``INSTALL``/``LOAD``,
``ATTACH`` of another database file, turning external access back on, and scanning a Python
DataFrame by name all fail; normal queries, registered Arrow tables and an upload still work.
The read-only server is locked the same way.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from qingshan.api.store import LOCKDOWN_SETTINGS, Store
from qingshan.config import load_province
from qingshan.store import connect

PROV = load_province("shandong")
SITE = Path(sysconfig.get_paths()["purelib"])


def _hostile(tmp: Path) -> list[tuple[str, str]]:
    """(name, SQL) of everything that must fail."""
    return [
        ("read /etc/passwd", "SELECT * FROM read_text('/etc/passwd')"),
        ("read_csv /etc/passwd", "SELECT * FROM read_csv('/etc/passwd')"),
        ("read_blob", "SELECT * FROM read_blob('/etc/passwd')"),
        ("file:// url", "SELECT * FROM read_text('file:///etc/passwd')"),
        ("glob", "SELECT * FROM glob('/etc/*')"),
        ("copy to /tmp", "COPY (SELECT 1) TO '/tmp/x.csv'"),
        ("copy to tmp", f"COPY (SELECT 1) TO '{tmp / 'x.csv'}'"),
        ("copy into site-packages", f"COPY (SELECT 1) TO '{SITE / 'qingshan_pwned.py'}'"),
        ("export database", f"EXPORT DATABASE '{tmp / 'dump'}'"),
        ("http", "SELECT * FROM read_text('https://evil.example/x')"),
        ("install", "INSTALL httpfs"),
        ("force install", "FORCE INSTALL httpfs"),
        ("load", "LOAD httpfs"),
        ("load a file", f"LOAD '{tmp / 'x.duckdb_extension'}'"),
        ("attach", "ATTACH '/tmp/other.duckdb' AS other"),
        ("attach tmp", f"ATTACH '{tmp / 'other.duckdb'}' AS other"),
        ("external access on", "SET enable_external_access = true"),
        ("reset external access", "RESET enable_external_access"),
        ("unlock", "SET lock_configuration = false"),
        ("allow dirs", "SET allowed_directories = ['/']"),
        ("allow configs", "SET allowed_configs = ['enable_external_access']"),
        ("autoload on", "SET autoload_known_extensions = true"),
        ("global external access", "SET GLOBAL enable_external_access = true"),
        ("pragma", "PRAGMA enable_profiling"),
    ]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("lockdown")
    s = Store(d / "s.duckdb", PROV)
    yield s, d
    s.close()


def _fails(cur, sql: str) -> str:
    with pytest.raises(duckdb.Error) as e:
        cur.execute(sql).fetchall()
    return str(e.value)


def test_settings_in_force(store):
    s, _ = store
    with s.cursor() as cur:
        got = dict(cur.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', "
            "'lock_configuration', 'autoinstall_known_extensions', 'autoload_known_extensions', "
            "'allow_community_extensions', 'allow_extension_repositories')").fetchall())
        paths, dirs = cur.execute("SELECT current_setting('allowed_paths'), "
                                  "current_setting('allowed_directories')").fetchall()[0]
    assert got == {"enable_external_access": "false", "lock_configuration": "true",
                   "autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
                   "allow_community_extensions": "false",
                   "allow_extension_repositories": "forbidden"}
    # what DuckDB itself keeps open: the database file, its WAL files, its spill folder
    assert paths and all(p.startswith(s.path) for p in paths), paths
    assert dirs == [f"{s.path}.tmp/"], dirs
    assert LOCKDOWN_SETTINGS[-1] == "SET lock_configuration = true"


def test_everything_outside_the_database_fails(store):
    s, d = store
    for name, sql in _hostile(d):
        with s.cursor() as cur:
            msg = _fails(cur, sql)
            assert "passwd" not in msg or "Permission" in msg or "locked" in msg, (name, msg)
    assert not (d / "x.csv").exists() and not (d / "dump").exists()
    assert not (SITE / "qingshan_pwned.py").exists()
    assert not Path("/tmp/x.csv").exists() or Path("/tmp/x.csv").stat().st_size != 2


def test_replacement_scans_are_off_but_registered_tables_work(store):
    import pandas as pd

    s, _ = store
    secret = pd.DataFrame({"x": [1]})  # noqa: F841 — a Python variable SQL must not reach
    with s.cursor() as cur:
        _fails(cur, "SELECT * FROM secret")
        cur.register("_in", pa.table({"a": [1, 2, 3]}))
        assert cur.execute("SELECT sum(a) FROM _in").fetchall() == [(6,)]
        cur.unregister("_in")


def test_normal_work_still_works(store):
    s, _ = store
    with s.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM city").fetchall()[0][0] == len(PROV.cities)
        cur.execute("CREATE TEMP TABLE t AS SELECT range AS i FROM range(1000)")
        assert cur.execute("SELECT sum(i) FROM t").fetchall() == [(499500,)]
        cur.execute("LOAD parquet")                          # built in: no file read
        cur.execute("SET enable_progress_bar = false")       # the one allowed option
    with s.writer() as cur:          # an upload's read-write use (requests read read-only)
        cur.execute("ATTACH ':memory:' AS scratch")          # no file: allowed
        cur.execute("DETACH scratch")
        cur.execute("BEGIN TRANSACTION")
        cur.execute("UPDATE city SET name_en = name_en")
        cur.execute("COMMIT")
        cur.execute("CHECKPOINT")


def test_other_connections_in_the_process_are_locked_too(store):
    s, _ = store
    with s.cursor():                 # while a request has the store open (none is held
        # between requests: qingshan.store.access), same file, same process: DuckDB shares
        # the instance
        con = duckdb.connect(s.path, read_only=True)
        try:
            _fails(con, "SELECT * FROM read_text('/etc/passwd')")
            assert con.execute("SELECT count(*) FROM city").fetchall()[0][0] == len(PROV.cities)
        finally:
            con.close()
    again = Store(s.path, PROV)      # a second server store on the file: opens, still locked
    with again.cursor() as cur:
        _fails(cur, "COPY (SELECT 1) TO '/tmp/x.csv'")
    again.close()


def test_read_only_server_is_locked(tmp_path):
    connect(tmp_path / "ro.duckdb").close()
    s = Store(tmp_path / "ro.duckdb", PROV, read_only=True)
    try:
        for _name, sql in _hostile(tmp_path):
            with s.cursor() as cur:
                _fails(cur, sql)
        with s.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM ingest_batch").fetchall() == [(0,)]
    finally:
        s.close()
    # released with the last connection: a fresh connection is not locked
    con = duckdb.connect(str(tmp_path / "ro.duckdb"))
    assert con.execute("SELECT current_setting('enable_external_access')").fetchall() == [
        (True,)]
    con.close()


def test_upload_still_works(tmp_path):
    from fastapi.testclient import TestClient

    from qingshan.api import create_app

    app = create_app(tmp_path / "u.duckdb", "shandong")
    day = b"date,hour,type,A1,B2\n20200101,1,PM2.5,30,40\n20200101,1,CO,0.8,\n"
    with TestClient(app) as c:
        from tests._auth import auth_headers
        c.headers.update(auth_headers(app, "prov_staff"))
        r = c.post("/api/v1/upload", files={"file": ("china_sites_20200101.csv", day)},
                   data={"kind": "cnemc", "register_unknown": "true"})
        assert r.status_code == 200, r.text
        assert r.json()["batches"][0]["rows_stored"] == 2
        # a table upload (pyarrow reader, registered table, SQL validation) as well
        tbl = b"station,time,pm25\nA1,2020-01-02 01:00,33\n"
        r = c.post("/api/v1/upload", files={"file": ("t.csv", tbl)},
                   data={"kind": "table", "map": "station=station,time=time,pm25=pm25"})
        assert r.status_code == 200, r.text
        with app.state.store.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM air_hourly").fetchall() == [(3,)]
            _fails(cur, "SELECT * FROM read_text('/etc/passwd')")
        root = app.state.store.upload_root
        assert root.is_dir() and not any(root.iterdir())   # each upload's folder is removed
    app.state.store.close()
    assert not root.exists()
