"""Hostile requests against the server: each gets a clear 4xx and the store is unchanged.

In process (TestClient, a small body limit): an oversized body with and without
``Content-Length`` (API and pages, zh/en), a column map with SQL in a column name, file names
with path traversal and shell metacharacters, huge parameter values (never echoed whole), a bad
``Content-Length``. Against a real ``qingshan serve`` subprocess on 127.0.0.1 (default limit,
64 MiB): a 200 MB body streamed from a generator, with ``Content-Length`` and chunked, is
refused with 413 within seconds while the server's peak RSS (``VmHWM``) stays far below 1 GB.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from qingshan.core.sqlkit import quote_ident

REPO = Path(__file__).resolve().parents[2]
LIMIT = 64 * 1024                     # the in-process app's body limit [bytes]
DAY = (b"date,hour,type,A1,B2\n20200101,1,PM2.5,30,40\n20200101,1,CO,0.8,\n"
       b"20200101,2,PM2.5,31,\n")
BAD_DAY = b"date,hour,type,A1\n20200102,25,PM2.5,10\n"      # hour 25: refused with 422
P = "/api/v1"


def _counts(cur) -> dict[str, int]:
    """Row count of every table of the store."""
    names = [r[0] for r in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]
    return {n: cur.execute(f"SELECT count(*) FROM {quote_ident(n)}").fetchall()[0][0]
            for n in names}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from qingshan.api import create_app

    app = create_app(tmp_path_factory.mktemp("hostile_srv") / "h.duckdb", "shandong",
                     max_upload_bytes=LIMIT)
    with TestClient(app, raise_server_exceptions=False) as c:
        from tests._auth import auth_headers
        c.headers.update(auth_headers(app, "prov_staff"))
        r = c.post(f"{P}/upload", files={"file": ("china_sites_20200101.csv", DAY)},
                   data={"kind": "cnemc", "register_unknown": "true"})
        assert r.status_code == 200, r.text
        yield c
    app.state.store.close()


@pytest.fixture
def unchanged(client):
    """Asserts after the test that no table of the store changed."""
    store = client.app.state.store
    with store.cursor() as cur:
        before = _counts(cur)
    assert before["air_hourly"] > 0 and before["ingest_batch"] >= 1
    yield
    with store.cursor() as cur:
        assert _counts(cur) == before


def _err(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text[:500]
    e = r.json()["error"]
    assert e["status"] == status and e["message"]
    if code:
        assert e["code"] == code, e
    return e


def _multipart(size: int, chunk: int = 16 * 1024):
    """A multipart body (one file field of ``size`` bytes), generated lazily."""
    yield (b'--b0undary\r\nContent-Disposition: form-data; name="file"; '
           b'filename="china_sites_20200103.csv"\r\nContent-Type: text/csv\r\n\r\n')
    sent = 0
    while sent < size:
        n = min(chunk, size - sent)
        sent += n
        yield b"x" * n
    yield b'\r\n--b0undary\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncnemc\r\n'
    yield b"--b0undary--\r\n"


MP = {"content-type": "multipart/form-data; boundary=b0undary"}


# ---- oversized bodies -------------------------------------------------------------------------

def test_content_length_over_the_limit(client, unchanged):
    r = client.post(f"{P}/upload", files={"file": ("big.csv", b"1" * (LIMIT + 1))})
    e = _err(r, 413, "too_large")
    assert str(LIMIT) in e["message"] and "QINGSHAN_MAX_UPLOAD_BYTES" in e["message"]
    assert r.headers["connection"] == "close"
    # any route: refused before the app runs (a GET with a body, an unknown path)
    _err(client.request("GET", f"{P}/cities", content=b"1" * (LIMIT + 1)), 413, "too_large")
    _err(client.post(f"{P}/nowhere", content=b"1" * (LIMIT + 1)), 413, "too_large")


def test_chunked_body_over_the_limit(client, unchanged):
    r = client.post(f"{P}/upload", content=_multipart(4 * LIMIT), headers=MP)
    e = _err(r, 413, "too_large")
    assert str(LIMIT) in e["message"]
    # just under the limit it reaches the ingest, which refuses the content (422, not 413)
    r = client.post(f"{P}/upload", content=_multipart(LIMIT // 2), headers=MP)
    _err(r, 422)


@pytest.mark.parametrize("lang,words", [("zh", "请求内容过大"), ("en", "request body too large")])
def test_pages_get_the_error_page_in_their_language(client, unchanged, lang, words):
    for body in (b"1" * (LIMIT + 1), _multipart(4 * LIMIT)):
        r = client.post(f"/data/upload?lang={lang}", content=body, headers=MP)
        assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
        assert words in r.text and str(LIMIT) in r.text
        assert "QINGSHAN_MAX_UPLOAD_BYTES" in r.text and f'<html lang="{lang}' in r.text


def test_bad_content_length(client, unchanged):
    r = client.post(f"{P}/upload", content=b"abc", headers={"content-length": "-5"})
    _err(r, 400, "bad_request")


# ---- SQL in a column map ----------------------------------------------------------------------

def test_sql_in_the_column_map(client, unchanged):
    evil = 'x"; DROP TABLE air_hourly; --'
    tbl = b"station,time,pm25\nA1,2020-01-03 01:00,33\n"
    for spec in (f"station=station,time=time,pm25={evil}",            # not a column of the file
                 f"station=station,time=time,{evil}=pm25",             # not a target column
                 "station=station,time=time,pm25=pm25; DROP TABLE station"):
        r = client.post(f"{P}/upload", files={"file": ("t.csv", tbl)},
                        data={"kind": "table", "map": spec})
        _err(r, 422)


def test_sql_in_a_real_column_name_is_only_a_name(client):
    """The file does have a column named like SQL: it is read as a column, nothing else runs."""
    evil = 'x"); DROP TABLE air_hourly; --'
    head = ",".join(["station", "time", '"' + evil.replace('"', '""') + '"']).encode()
    tbl = head + b"\nA1,2020-01-04 01:00,33\n"
    store = client.app.state.store
    with store.cursor() as cur:
        before = _counts(cur)
    r = client.post(f"{P}/upload", files={"file": ("sql_name.csv", tbl)},
                    data={"kind": "table", "map": f"station=station,time=time,pm25={evil}"})
    assert r.status_code in (200, 422), r.text
    with store.cursor() as cur:
        after = _counts(cur)
        assert set(after) == set(before)                       # no table dropped or added
        if r.status_code == 200:
            assert cur.execute("SELECT pm25 FROM air_hourly WHERE time = "
                               "TIMESTAMP '2020-01-04 01:00'").fetchall() == [(33.0,)]
            assert after["air_hourly"] == before["air_hourly"] + 1
        else:
            assert after == before


# ---- file names -------------------------------------------------------------------------------

NAMES = ["../../../../../../tmp/qingshan_evil.csv", "..\\..\\..\\windows\\evil.csv",
         "/etc/passwd", "x; rm -rf ~; .csv", "$(touch qingshan_pwned).csv", "`id`.csv",
         "a|b&c>d<e.csv", "..", "name\nwith\nnewlines.csv", "济南" * 150 + ".csv",
         "a" * 5000 + ".csv"]


@pytest.mark.parametrize("name", NAMES)
def test_hostile_file_names(client, unchanged, name, tmp_path):
    r = client.post(f"{P}/upload", files={"file": (name, BAD_DAY)}, data={"kind": "cnemc"})
    if len(name) > 1000:        # Starlette's multipart parser refuses a 5 kB part header
        _err(r, 400, "bad_request")
        return
    e = _err(r, 422, "invalid_file")
    (d,) = e["details"]
    f = d["file"]
    assert "/" not in f and "\\" not in f and not f.startswith(".") and len(f) <= 100
    assert len(f.encode()) <= 200
    assert not any(ch in f for ch in ";$`|&<>\n ")
    assert d["line"] == 2 and d["field"] == "hour"
    assert len(r.text) < 2000
    assert not Path("/tmp/qingshan_evil.csv").exists()
    assert not (REPO / "qingshan_pwned").exists() and not Path("qingshan_pwned").exists()


def test_traversal_name_is_stored_as_a_plain_name(client):
    r = client.post(f"{P}/upload", files={"file": ("../../../tmp/china_sites_20200105.csv",
                                                   DAY.replace(b"20200101", b"20200105"))},
                    data={"kind": "cnemc", "register_unknown": "true"})
    assert r.status_code == 200, r.text
    assert r.json()["batches"][0]["file"] == "china_sites_20200105.csv"
    root = client.app.state.store.upload_root
    assert not any(root.iterdir())                              # the upload folder is empty


# ---- huge values are never echoed whole -------------------------------------------------------

def test_long_values_are_not_echoed(client, unchanged):
    from qingshan.config import get_settings

    n = get_settings().max_error_value_chars
    big = "Z" * 20_000
    cases = [
        client.post(f"{P}/upload", files={"file": ("x.csv", b"a\n1\n")}, data={"kind": big}),
        client.post(f"{P}/upload", files={"file": ("x.csv", b"a\n1\n")},
                    data={"kind": "table", "map": f"station={big}"}),
        client.get(f"{P}/cities/{big}"),
        client.get(f"{P}/stations/{big}"),
        client.get(f"{P}/batches", params={"limit": big}),
        client.get(f"{P}/batches/{big}"),
        client.get(f"{P}/ranking", params={"period": big}),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
        assert "Z" * (n + 1) not in r.text, r.text[:300]
        assert len(r.text) < 3000
    r = client.post("/data/upload?lang=en", files={"file": ("x.csv", b"a\n1\n")},
                    data={"kind": big})
    assert r.status_code == 422 and "Z" * (n + 1) not in r.text
    for url in (f"/city/{big}", f"/?indicator={big}", f"/station/{big}"):
        r = client.get(url)
        assert 400 <= r.status_code < 500, url
        msg = r.text.split('id="error-message">', 1)[1].split("</p>", 1)[0]
        assert "Z" * (n + 1) not in msg and len(msg) < 1200, url


# ---- a real server ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    """``qingshan serve`` (default limit) over a store holding one small batch; yields (base
    URL, pid, db path, row counts before, stop()); stopped on teardown at the latest."""
    from qingshan.config import load_province
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to read the server's peak RSS")
    d = tmp_path_factory.mktemp("real_srv")
    db = d / "srv.duckdb"
    con = connect(db)
    sync_province(con, load_province("shandong"))
    (d / "china_sites_20200101.csv").write_bytes(DAY)
    ingest_cnemc(con, [d / "china_sites_20200101.csv"], unknown_stations="register")
    before = _counts(con)
    con.close()
    port = _free_port()
    log = open(d / "server.log", "w")
    env = {k: v for k, v in os.environ.items() if k != "QINGSHAN_MAX_UPLOAD_BYTES"}
    proc = subprocess.Popen([sys.executable, "-m", "qingshan", "serve", "--db", str(db),
                             "--port", str(port), "--log-level", "warning"],
                            stdout=log, stderr=subprocess.STDOUT, env={**env,
                                                                     "PYTHONUNBUFFERED": "1"},
                            cwd=d)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if httpx.get(f"{base}{P}/batches", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError("server did not start: " + (d / "server.log").read_text())
        time.sleep(0.2)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    yield base, proc.pid, db, before, stop
    stop()
    log.close()


MB200 = 200 * 1024 * 1024
DEFAULT_LIMIT = 64 * 1024 * 1024


def test_real_server_200_mb(real_server):
    from qingshan.store import connect

    base, pid, db, before, stop = real_server
    start_hwm = _vm(pid, "VmHWM")
    sent = {"n": 0}

    def counted(gen):
        for chunk in gen:
            sent["n"] += len(chunk)
            yield chunk

    # 1. Content-Length says 200 MB: 413 before the body is read (raw socket: only the headers
    #    are sent, the answer comes back at once)
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=10) as s:
        t0 = time.perf_counter()
        s.sendall(f"POST {P}/upload HTTP/1.1\r\nHost: x\r\nContent-Length: {MB200}\r\n"
                  f"Content-Type: {MP['content-type']}\r\n\r\n".encode())
        head = s.recv(65536).decode("latin-1")
        raw_s = time.perf_counter() - t0
    assert head.startswith("HTTP/1.1 413") and "connection: close" in head.lower(), head
    assert raw_s < 2, raw_s
    #    the same with a client streaming 200 MB from a generator
    t0 = time.perf_counter()
    r = httpx.post(f"{base}{P}/upload", content=counted(_multipart(MB200)),
                   headers={**MP, "Content-Length": str(MB200 + 300)}, timeout=60)
    cl_s = time.perf_counter() - t0
    e = _err(r, 413, "too_large")
    assert str(DEFAULT_LIMIT) in e["message"] and "QINGSHAN_MAX_UPLOAD_BYTES" in e["message"]
    assert cl_s < 5 and sent["n"] < MB200 // 2, (cl_s, sent["n"])
    # 2. chunked, no Content-Length: counted while streaming, refused once over 64 MiB
    sent["n"] = 0
    t0 = time.perf_counter()
    r = httpx.post(f"{base}{P}/upload", content=counted(_multipart(MB200, 1 << 20)),
                   headers=MP, timeout=60)
    ch_s = time.perf_counter() - t0
    _err(r, 413, "too_large")
    assert ch_s < 20 and sent["n"] < MB200, (ch_s, sent["n"])
    #    a page route gets the HTML error page
    r = httpx.post(f"{base}/data/upload?lang=en", content=_multipart(MB200, 1 << 20),
                   headers=MP, timeout=60)
    assert r.status_code == 413 and "request body too large" in r.text
    # the server still answers, its peak memory stayed bounded
    assert httpx.get(f"{base}{P}/batches", timeout=10).json()["total"] == 1
    hwm = _vm(pid, "VmHWM")
    print(f"\nserver VmHWM: {start_hwm / 2**20:.0f} MiB at start, {hwm / 2**20:.0f} MiB after; "
          f"413 in {raw_s * 1000:.0f} ms (headers only), {cl_s:.2f} s (Content-Length), "
          f"{ch_s:.2f} s (chunked)")
    assert hwm < 1 << 30
    assert hwm - start_hwm < 300 * 2**20        # far less than the 200 MB body
    # nothing was stored: row counts of every table as before the server started
    stop()
    con = connect(db, read_only=True)
    try:
        assert _counts(con) == before
    finally:
        con.close()
