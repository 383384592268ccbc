"""Hostile inputs through the real ingest functions, on a real DuckDB store file.

Every case runs in its own process, so that its peak memory is its own: a server process
imports qingshan once and forks one child per case; the child opens a copy of a prepared store,
runs one ingest function on one generated file and reports the error text, the time the call
took and a checksum of every table of the store afterwards; the server reads the child's peak
resident set from ``os.wait4`` (the kernel's ``ru_maxrss`` of that child) and adds its own peak
at fork time (imports), an upper bound of what a fresh process would need. Each case must be
refused with its exact message, leave every table unchanged and peak under 1 GB. The files are
generated in tmp_path (nothing large is committed).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest

from qingshan.air.ingest import IngestError, ingest_cnemc, ingest_stations, ingest_table
from qingshan.air.ingest.table import parse_map
from qingshan.store import connect

GB = 1024 ** 3
MB = 1024 * 1024
HOSTILE_SRC = "x' AS src, (SELECT content FROM read_text('/etc/passwd')) AS v --"
STATIONS = ("监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区\n"
            "1001A,站一,济南市,117.0,36.6,N,山东省,济南市\n"
            "1002A,站二,济南市,117.1,36.7,N,山东省,济南市\n")
ARCHIVE = ("date,hour,type,1001A,1002A\n"
           "20200101,1,PM2.5,30,40\n"
           "20200101,1,PM10,50,60\n")
TABLE_MAP = [["station", "site", None], ["time", "ts", None], ["pm25", "pm25", None]]

# A server process imports qingshan once and forks one child per case; the child copies
# nothing from the test process, runs one ingest on its store copy and reports error, time and
# table checksums; the server reports the child's own peak RSS from os.wait4 (ru_maxrss of the
# terminated child) together with its own peak at fork time.
SERVER = r"""
import json, os, resource, sys, time
from qingshan.store import connect
from qingshan.air.ingest import IngestError, ingest_cnemc, ingest_stations, ingest_table
from qingshan.water.ingest.load import ingest_water_auto, ingest_water_samples

def snapshot(con):
    out = {}
    for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                            "WHERE table_schema = 'main' ORDER BY 1").fetchall():
        q = ('SELECT count(*), md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) '
             'ORDER BY CAST(t AS VARCHAR)), \'\')) FROM "' + t + '" t')
        out[t] = list(con.execute(q).fetchall()[0])
    return out

def run(args):
    os.environ.update(args.get("env") or {})
    con = connect(args["store"])
    kind, f = args["kind"], args["file"]
    err, t0 = None, time.perf_counter()
    try:
        if kind == "table":
            ingest_table(con, [f], {k: (s, u) for k, s, u in args["map"]},
                         unknown_stations="error")
        elif kind == "cnemc":
            ingest_cnemc(con, [f])
        elif kind == "stations":
            ingest_stations(con, f)
        elif kind == "water_samples":
            ingest_water_samples(con, [f])
        elif kind == "water_auto":
            ingest_water_auto(con, [f])
        elif kind != "none":
            raise SystemExit("unknown kind " + kind)
    except IngestError as e:
        err = str(e)
    except Exception as e:   # anything else is a failure of the case
        err = "UNEXPECTED " + type(e).__name__ + ": " + str(e)[:500]
    seconds = time.perf_counter() - t0
    return {"error": err, "seconds": seconds, "snapshot": snapshot(con)}

# the server's own peak from /proc (VmHWM belongs to this process image; ru_maxrss of
# RUSAGE_SELF would carry over the peak of the pytest worker that spawned it, across exec)
server_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    args = json.loads(line)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            res = run(args)
        except BaseException as e:
            res = {"error": "CHILD CRASH " + repr(e)[:500]}
        with os.fdopen(w, "w") as fh:
            fh.write(json.dumps(res))
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as fh:
        data = fh.read()
    _, status, ru = os.wait4(pid, 0)
    res = json.loads(data) if data else {"error": "CHILD DIED, status %d" % status}
    res["maxrss_kb"], res["server_maxrss_kb"] = ru.ru_maxrss, server_kb
    print(json.dumps(res), flush=True)
"""


class _Server:
    def __init__(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("QINGSHAN_")}
        self.p = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, env=env)
        assert json.loads(self.p.stdout.readline())["ready"]

    def run(self, store: Path, kind: str, file: Path | None, mapping=None, env=None) -> dict:
        args = {"store": str(store), "kind": kind, "file": str(file) if file else None,
                "map": mapping or TABLE_MAP, "env": env or {}}
        self.p.stdin.write(json.dumps(args) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        assert line, "the case server died"
        return json.loads(line)

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


@pytest.fixture(scope="module")
def server():
    s = _Server()
    yield s
    s.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory, server) -> tuple[Path, dict]:
    """A store file with a station list and one archive day, and its table checksums."""
    d = tmp_path_factory.mktemp("hostile_store")
    (d / "stations.csv").write_text(STATIONS, encoding="utf-8")
    (d / "china_sites_20200101.csv").write_text(ARCHIVE, encoding="utf-8")
    db = d / "store.duckdb"
    con = connect(db)
    ingest_stations(con, d / "stations.csv")
    ingest_cnemc(con, [d / "china_sites_20200101.csv"])
    con.close()
    copy = d / "copy.duckdb"
    shutil.copy(db, copy)
    return db, server.run(copy, "none", None)["snapshot"]


# ---- corpus --------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _wide_header(n: int) -> bytes:
    return ",".join(f"c{i}" for i in range(n)).encode()


def _write(p: Path, data: bytes | str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        p.write_text(data, encoding="utf-8")
    else:
        p.write_bytes(data)
    return p


def _random_binary(n: int = 64 * 1024) -> bytes:
    return random.Random(20240601).randbytes(n)


def _binary_msg(name: str) -> str:
    data = _random_binary()
    nul = data.find(b"\x00")
    line = data.count(b"\n", 0, nul) + 1
    return f"{name}:{line}: binary data (a NUL byte at byte {nul}), not a text file"


def _xlsx_bomb(p: Path, sheet_mb: int) -> Path:
    """A zip with a small workbook and a huge, highly compressible sheet XML."""
    row = b'<row r="1"><c r="A1" t="n"><v>0</v></c></row>'
    chunk = row * (MB // len(row))
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b"<worksheet><sheetData>")
            for _ in range(sheet_mb):
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")
    return p


def _bomb_info(p: Path) -> tuple[int, int, int]:
    with zipfile.ZipFile(p) as z:
        infos = z.infolist()
    sheet = next(i for i in infos if i.filename.endswith("sheet1.xml"))
    return sum(i.file_size for i in infos), sheet.file_size, sheet.compress_size


def _wide_xlsx(p: Path, n: int) -> Path:
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([f"c{i}" for i in range(n)])
    ws.append(list(range(n)))
    wb.save(p)
    return p


def _wide_parquet(p: Path, n: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.table({f"c{i}": [1.0] for i in range(n)}), p)
    return p


LINE_LIMIT = "more than the limit of 1048576 bytes (QINGSHAN_MAX_LINE_BYTES)"
COLS = "1000001 columns, more than the limit of 512 (QINGSHAN_MAX_COLUMNS)"
UTF16 = "text is UTF-16, which is not read; save the file as UTF-8 or GBK"
TEN_MB = 10 * MB


def _cases():
    """(id, kind, build(dir) -> path, map, env, expected message or callable(path) -> str)."""
    big_cell = "9" * TEN_MB
    yield ("map_source_sql", "table",
           lambda d: _write(d / "t.csv", "site,ts,pm25\nA,2020-01-01 01:00,5\n"),
           [["station", "site", None], ["time", "ts", None], ["pm25", HOSTILE_SRC, None]], None,
           "t.csv:1: column(s) [\"x' AS src, (SELECT content FROM read_text('/etc/passwd')) "
           "AS v --\"] named in the map are not in the file (columns: ['site', 'ts', 'pm25'])")
    yield ("map_unit_sql", "table",
           lambda d: _write(d / "t.csv", "site,ts,pm25\nA,2020-01-01 01:00,x5\n"),
           [["station", "site", None], ["time", "ts", None],
            ["pm25", "pm25", "ug/m3' AS unit, (SELECT 1) AS v --"]], None,
           "t.csv:2: field 'pm25' not a number: 'x5'")
    yield ("map_unit_sql_valid_numbers", "table",
           lambda d: _write(d / "t.csv", "site,ts,pm25\nA,2020-01-01 01:00,5\n"),
           [["station", "site", None], ["time", "ts", None],
            ["pm25", "pm25", "ug/m3' AS unit, (SELECT 1) AS v --"]], None,
           "t.csv: unit \"ug/m3' AS unit, (SELECT 1) AS v --\" not supported for pm25")
    yield ("column_name_sql", "table",
           lambda d: _write(d / "t.csv", 'site,ts,"a""; DROP TABLE station; --"\n'
                                         "A,2020-01-01 01:00,abc\n"),
           [["station", "site", None], ["time", "ts", None],
            ["pm25", 'a"; DROP TABLE station; --', None]], None,
           "t.csv:2: field 'a\"; DROP TABLE station; --' not a number: 'abc'")
    yield ("station_code_sql_table", "table",
           lambda d: _write(d / "t.csv", "site,ts,pm25\n"
                                         "\"A'); DROP TABLE station; --\",2020-01-01 01:00,5\n"),
           None, None,
           "t.csv:1: field \"A'); DROP TABLE station; --\" unknown station(s) "
           "\"A'); DROP TABLE station; --\" (1 in all); use --register-unknown to add them")
    yield ("station_code_sql_archive", "cnemc",
           lambda d: _write(d / "china_sites_20200102.csv",
                            "date,hour,type,1001A') OR 1=1; DELETE FROM station; --\n"
                            "20200102,1,PM2.5,30\n"),
           None, None,
           "china_sites_20200102.csv:1: field \"1001A') OR 1=1; DELETE FROM station; --\" "
           "unknown station(s) \"1001A') OR 1=1; DELETE FROM station; --\" (1 in all); "
           "use --register-unknown to add them")
    bad_hour = "date,hour,type,1001A\n20200102,25,PM2.5,30\n"
    for i, (name, shown) in enumerate([
            ("../../x.csv", "x.csv"), ("a;rm -rf ~.csv", "a;rm -rf ~.csv"),
            ("$(id).csv", "$(id).csv"), ("`id` && touch pwned.csv", "`id` && touch pwned.csv"),
            ("x'); DROP TABLE station; --.csv", "\"x'); DROP TABLE station; --.csv\""),
            ("new\nline.csv", "'new\\nline.csv'")]):
        def build(d, n=name):
            if "/" not in n:
                return _write(d / "p" / "q" / n, bad_hour)
            # "../../x.csv" given relative to a folder two levels down: it names <dir>/x.csv
            _write(d / "x.csv", bad_hour)
            (d / "p" / "q").mkdir(parents=True)
            return d / "p" / "q" / n
        yield (f"file_name_{i}", "cnemc", build, None, None,
               f"{shown}:2: field 'hour' not an hour 0..23: '25'")
    wide = lambda d, n="t.csv": _write(d / n, _wide_header(10 ** 6 + 1) + b"\n1\n")  # noqa: E731
    yield ("columns_1e6_table", "table", wide, None, None, f"t.csv:1: {COLS}")
    yield ("columns_1e6_archive", "cnemc", lambda d: wide(d, "china_sites_20200103.csv"), None,
           None, "china_sites_20200103.csv:1: 1000001 columns, more than the limit of 4096 "
           "(8 × QINGSHAN_MAX_COLUMNS: a national-network archive has one column per station)")
    yield ("columns_1e6_stations", "stations", wide, None, None, f"t.csv:1: {COLS}")
    yield ("columns_1e6_water", "water_samples", wide, None, None, f"t.csv:1: {COLS}")
    yield ("xlsx_bomb_size", "table", lambda d: _xlsx_bomb(d / "bomb.xlsx", 300), None, None,
           lambda p: f"bomb.xlsx: {_bomb_info(p)[0]} bytes of decompressed xlsx content, more "
                     "than the limit of 268435456 bytes (QINGSHAN_MAX_DECOMPRESSED_BYTES)")
    yield ("xlsx_bomb_ratio", "table", lambda d: _xlsx_bomb(d / "bomb.xlsx", 56), None, None,
           lambda p: "bomb.xlsx: member 'xl/worksheets/sheet1.xml' inflates "
                     f"{_bomb_info(p)[1] // _bomb_info(p)[2]}:1 ({_bomb_info(p)[1]} bytes from "
                     f"{_bomb_info(p)[2]}), more than 100:1 (zip-bomb guard)")
    yield ("xlsx_not_zip", "table", lambda d: _write(d / "t.xlsx", "site,ts,pm25\n"), None, None,
           "t.xlsx: not an xlsx workbook: not a zip container")
    yield ("xlsx_wide", "table", lambda d: _wide_xlsx(d / "w.xlsx", 600), None, None,
           "w.xlsx:1: 600 columns, more than the limit of 512 (QINGSHAN_MAX_COLUMNS)")
    yield ("parquet_wide", "table", lambda d: _wide_parquet(d / "w.parquet", 600), None, None,
           "w.parquet: 600 columns, more than the limit of 512 (QINGSHAN_MAX_COLUMNS)")
    yield ("utf16_stations", "stations",
           lambda d: _write(d / "s.csv", STATIONS.encode("utf-16")), None, None, f"s.csv: {UTF16}")
    yield ("utf16_table", "table",
           lambda d: _write(d / "t.csv", "site,ts,pm25\nA,2020-01-01 01:00,5\n"
                            .encode("utf-16-le")), None, None, f"t.csv: {UTF16}")
    yield ("binary_table", "table", lambda d: _write(d / "b.csv", _random_binary()), None, None,
           lambda p: _binary_msg("b.csv"))
    yield ("binary_stations", "stations", lambda d: _write(d / "b.csv", _random_binary()), None,
           None, lambda p: _binary_msg("b.csv"))
    yield ("binary_water_auto", "water_auto", lambda d: _write(d / "b.csv", _random_binary()),
           None, None, lambda p: _binary_msg("b.csv"))
    yield ("line_10mb_table", "table",
           lambda d: _write(d / "t.csv", f"site,ts,pm25\nA,2020-01-01 01:00,{big_cell}\n"), None,
           None, f"t.csv:2: {TEN_MB + len('A,2020-01-01 01:00,')} bytes in one line, "
                 f"{LINE_LIMIT}")
    yield ("line_10mb_archive_no_newline", "cnemc",
           lambda d: _write(d / "china_sites_20200104.csv", big_cell), None, None,
           f"china_sites_20200104.csv:1: {TEN_MB} bytes in one line, {LINE_LIMIT}")
    yield ("cell_10mb_water", "water_samples",
           lambda d: _write(d / "w.csv", f"section,time,parameter,value\n"
                                         f"S1,2020-01-01,cod,{big_cell}\n"), None, None,
           f"w.csv:2: {TEN_MB + len('S1,2020-01-01,cod,')} bytes in one line, {LINE_LIMIT}")
    # with the line limit raised, a 10 MB bad cell is quoted with 80 characters, once
    yield ("cell_10mb_echo", "table",
           lambda d: _write(d / "t.csv", f"site,ts,pm25\nA,2020-01-01 01:00,x{big_cell}\n"),
           None, {"QINGSHAN_MAX_LINE_BYTES": str(16 * MB)},
           f"t.csv:2: field 'pm25' not a number: 'x{'9' * 79}'… ({TEN_MB + 1} characters)")
    yield ("rows_limit", "table",
           lambda d: _write(d / "t.csv", "site,ts,pm25\n" + "A,2020-01-01 01:00,5\n" * 101), None,
           {"QINGSHAN_MAX_ROWS_PER_FILE": "100"},
           "t.csv: at least 101 data rows, more than the limit of 100 "
           "(QINGSHAN_MAX_ROWS_PER_FILE)")


CASES = {c[0]: c for c in _cases()}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_is_refused(case, server, template, tmp_path):
    _, kind, build, mapping, env, expected = CASES[case]
    db, before = template
    store = tmp_path / "store.duckdb"
    shutil.copy(db, store)
    d = tmp_path / "in"
    d.mkdir()
    path = build(d)
    res = server.run(store, kind, path, mapping, env)
    msg = expected(path) if callable(expected) else expected
    # upper bound of a fresh process's peak: the server's peak at fork + the child's own peak
    peak = (res["maxrss_kb"] + res["server_maxrss_kb"]) * 1024
    print(f"\n{case}: {res['error']!r} — peak RSS child {res['maxrss_kb'] / 1024:.0f} MB "
          f"(+ server {res['server_maxrss_kb'] / 1024:.0f} MB), {res['seconds'] * 1000:.0f} ms")
    assert res["error"] == msg
    assert len(res["error"]) < 400
    assert res["snapshot"] == before          # every table unchanged (counts and checksums)
    assert peak < 1 * GB
    assert res["seconds"] < 10


def test_million_columns_refused_in_milliseconds(tmp_path, store):
    """The column check reads only the header bytes: no gigabytes, no seconds."""
    import time
    p = _write(tmp_path / "t.csv", _wide_header(10 ** 6 + 1) + b"\n1\n")
    t0 = time.perf_counter()
    with pytest.raises(IngestError, match="1000001 columns"):
        ingest_table(store, [p], parse_map("station=site,time=ts,pm25=pm25"))
    assert time.perf_counter() - t0 < 1.0


# ---- hostile names that are valid data load as data, verbatim --------------------------------

def test_hostile_column_and_map_names_load_as_plain_data(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
              .fetchall()}
    p = _write(tmp_path / "t.csv", f'site,ts,"{HOSTILE_SRC}","co"";--"\n'
                                   "A,2020-01-01 01:00,5,1.5\n")
    mapping = {"station": ("site", None), "time": ("ts", None), "pm25": (HOSTILE_SRC, None),
               "co": ('co";--', "mg/m3")}
    res = ingest_table(con, [p], mapping, unknown_stations="register")
    assert res[0].rows_stored == 1
    assert con.execute("SELECT station_code, pm25, co FROM air_hourly").fetchall() == [
        ("A", 5.0, 1.5)]
    assert {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
            .fetchall()} == tables
    everything = str(con.execute("SELECT * FROM air_hourly").fetchall()) + str(
        con.execute("SELECT * FROM ingest_batch").fetchall())
    assert "root:" not in everything
    # the same name through parse_map (no commas there): a quoted identifier, never SQL
    m = parse_map("station=site,time=ts,pm25=x' AS src; DROP TABLE station --:ug/m3")
    assert m["pm25"] == ("x' AS src; DROP TABLE station --", "ug/m3")
    with pytest.raises(ValueError, match="NUL"):
        parse_map("station=site,time=ts,pm25=a\x00b")


def test_hostile_station_codes_and_file_names_are_stored_verbatim(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    code = "1001A'); DROP TABLE station; --"
    names = ["a;rm -rf ~.csv", "$(id).csv", "x'); DROP TABLE station; --.csv"]
    for i, n in enumerate(names):
        _write(tmp_path / "in" / n, f'date,hour,type,"{code}"\n2020010{i + 1},1,PM2.5,3{i}\n')
    before = set(os.listdir(tmp_path / "in"))
    res = ingest_cnemc(con, [tmp_path / "in" / n for n in names], unknown_stations="register")
    assert [r.outcome for r in res] == ["loaded"] * 3
    assert con.execute("SELECT DISTINCT station_code FROM air_hourly").fetchall() == [(code,)]
    assert [r[0] for r in con.execute("SELECT file_name FROM ingest_batch ORDER BY batch_id")
            .fetchall()] == names
    assert set(os.listdir(tmp_path / "in")) == before     # nothing created or removed
    assert con.execute("SELECT count(*) FROM station").fetchall() == [(1,)]


def test_valid_xlsx_is_read(tmp_path, store):
    import datetime as dt

    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["site", "ts", "pm25", "note"])
    ws.append(["A", dt.datetime(2020, 1, 1, 1), 12.5, "x"])
    ws.append(["A", dt.datetime(2020, 1, 1, 2), 7, None])
    wb.save(tmp_path / "t.xlsx")
    res = ingest_table(store, [tmp_path / "t.xlsx"], parse_map("station=site,time=ts,pm25=pm25"),
                       unknown_stations="register")
    assert res[0].rows_stored == 2
    assert store.execute("SELECT hour(time), pm25 FROM air_hourly ORDER BY time").fetchall() == [
        (1, 12.5), (2, 7.0)]
