"""National-network archive ingest on real files: counts derived independently with the csv
module, quirky days, idempotence, supersession, atomicity, exact error messages."""

from __future__ import annotations

import csv
import shutil
import time

import pytest

from qingshan.air.ingest import IngestError, ingest_cnemc, ingest_stations
from qingshan.store import connect
from tests.conftest import shared_path

H1 = ("data", "cnemc-sites-2019H1-shandong")


def _csv_station_hours(files):
    """Distinct (station, stamp) with at least one non-empty cell, counted with plain csv."""
    keys = set()
    for f in files:
        with open(f, encoding="utf-8") as fh:
            r = csv.reader(fh)
            header = next(r)
            for row in r:
                d, h = row[0], int(row[1])
                for code, v in zip(header[3:], row[3:]):
                    if v.strip():
                        keys.add((code, d, h))
    return keys


@pytest.fixture(scope="module")
def h1_store(province):
    con = connect(":memory:")
    ingest_stations(con, shared_path("data", "stations", "NewSiteList.csv"), province)
    t0 = time.perf_counter()
    res = ingest_cnemc(con, [shared_path(*H1)])
    return con, res, time.perf_counter() - t0


def test_whole_h1_archive_loads_with_independent_counts(h1_store):
    con, res, seconds = h1_store
    files = sorted(shared_path(*H1).glob("china_sites_*.csv"))
    assert len(files) == 180 and len(res) == 180            # 2019-04-08 is missing at source
    assert all(r.outcome == "loaded" for r in res)
    expected = _csv_station_hours(files)
    stored = con.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0]
    assert stored == len(expected) == sum(r.rows_stored for r in res)
    # every stored key is one of the csv keys (same stamp convention: date + hour)
    sample = con.execute("SELECT station_code, time FROM air_hourly USING SAMPLE 500 ROWS"
                         ).fetchall()
    for code, t in sample:
        assert (code, t.strftime("%Y%m%d"), t.hour) in expected
    assert seconds < 60, f"H1 archive took {seconds:.1f} s"


def test_values_are_the_one_hour_rows(h1_store):
    con, _, _ = h1_store
    f = shared_path(*H1, "china_sites_20190315.csv")
    with open(f, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["hour"] == "9"]
    by_type = {r["type"]: r for r in rows}
    code = next(c for c in rows[0] if c not in ("date", "hour", "type")
                and by_type["PM2.5"][c] and by_type["CO"][c] and by_type["AQI"][c])
    got = con.execute("SELECT pm25, co, o3, published_aqi, published_pm25_24h FROM air_hourly "
                      "WHERE station_code = ? AND time = TIMESTAMP '2019-03-15 09:00:00'",
                      [code]).fetchall()[0]
    assert got[0] == float(by_type["PM2.5"][code])
    assert got[1] == float(by_type["CO"][code])
    assert got[2] == (float(by_type["O3"][code]) if by_type["O3"][code] else None)
    assert got[3] == float(by_type["AQI"][code])
    assert got[4] == (float(by_type["PM2.5_24h"][code]) if by_type["PM2.5_24h"][code] else None)


def test_quirky_days_load(h1_store):
    con, res, _ = h1_store
    short = [r for r in res if r.file == "china_sites_20190220.csv"][0]
    with open(shared_path(*H1, "china_sites_20190220.csv"), encoding="utf-8") as fh:
        hours = {row["hour"] for row in csv.DictReader(fh)}
    assert len(hours) < 24 and short.outcome == "loaded"
    got = con.execute("SELECT count(DISTINCT time) FROM air_hourly WHERE time >= "
                      "TIMESTAMP '2019-02-20 00:00' AND time < TIMESTAMP '2019-02-21 00:00'"
                      ).fetchall()[0][0]
    assert got == len(hours)
    # PM2.5 > PM10 hours are flagged (bit 2), not dropped
    n = con.execute("SELECT count(*) FROM air_hourly WHERE pm25 > pm10").fetchall()[0][0]
    flagged = con.execute("SELECT count(*) FROM air_hourly WHERE qc_flags & 2 <> 0"
                          ).fetchall()[0][0]
    assert n == flagged > 0
    assert sum(r.flags.get("PM2.5 > PM10", 0) for r in res) == n


def test_national_sample(store, province):
    ingest_stations(store, shared_path("data", "stations", "NewSiteList.csv"), province)
    f = shared_path("data", "cnemc-national-sample", "china_sites_20190101.csv")
    res = ingest_cnemc(store, [f])
    assert res[0].rows_stored == len(_csv_station_hours([f]))
    stations = store.execute("SELECT count(DISTINCT station_code) FROM air_hourly"
                             ).fetchall()[0][0]
    with open(f, encoding="utf-8") as fh:
        r = csv.reader(fh)
        header = next(r)
        nonempty = set()
        for row in r:
            nonempty |= {c for c, v in zip(header[3:], row[3:]) if v.strip()}
    assert stations == len(nonempty) > 1400


@pytest.fixture
def one_day(tmp_path, store, province):
    ingest_stations(store, shared_path("data", "stations", "NewSiteList.csv"), province)
    src = shared_path(*H1, "china_sites_20190102.csv")
    dst = tmp_path / "a" / src.name
    dst.parent.mkdir()
    shutil.copy(src, dst)
    return dst


def _snapshot(con):
    return (con.execute("SELECT count(*), sum(hash(station_code, time, pm25, batch_id)) "
                        "FROM air_hourly").fetchall()[0],
            con.execute("SELECT count(*) FROM ingest_batch").fetchall()[0][0])


def test_reingest_changes_nothing(store, one_day):
    first = ingest_cnemc(store, [one_day])
    before = _snapshot(store)
    again = ingest_cnemc(store, [one_day])
    assert first[0].outcome == "loaded" and again[0].outcome == "already loaded"
    assert _snapshot(store) == before


def test_corrected_file_supersedes(store, one_day, tmp_path):
    ingest_cnemc(store, [one_day])
    lines = one_day.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("1299A")
    # change the PM2.5 of 1299A at hour 5
    for i, ln in enumerate(lines):
        parts = ln.split(",")
        if parts[1] == "5" and parts[2] == "PM2.5":
            parts[col] = "999"
            lines[i] = ",".join(parts)
    fixed = tmp_path / "b" / one_day.name
    fixed.parent.mkdir()
    fixed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    n_before = store.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0]
    res = ingest_cnemc(store, [fixed])
    assert res[0].outcome == "loaded"
    assert store.execute("SELECT count(*) FROM air_hourly").fetchall()[0][0] == n_before
    assert store.execute("SELECT pm25, batch_id FROM air_hourly WHERE station_code = '1299A' "
                         "AND time = TIMESTAMP '2019-01-02 05:00'").fetchall()[0] == (999.0, 3)
    sup = store.execute("SELECT * FROM batch_supersession").fetchall()
    # batch 1 is the station list; batch 3 replaced all rows of batch 2, one of them changed
    assert sup == [(3, 2, n_before, 1)]


def test_error_in_last_line_leaves_nothing(store, one_day, tmp_path):
    good = shared_path(*H1, "china_sites_20190101.csv")
    text = one_day.read_text(encoding="utf-8").rstrip("\n").splitlines()
    last = text[-1].split(",")
    header = text[0].split(",")
    last[header.index("1300A")] = "12x"
    text[-1] = ",".join(last)
    one_day.write_text("\n".join(text) + "\n", encoding="utf-8")
    before = _snapshot(store)
    with pytest.raises(IngestError) as e:
        ingest_cnemc(store, [good, one_day])     # the good file first: rolled back too
    assert str(e.value) == (f"china_sites_20190102.csv:{len(text)}: field '1300A' "
                            "not a number: '12x'")
    assert _snapshot(store) == before


@pytest.mark.parametrize("edit,message", [
    (lambda ls: ls.__setitem__(1, ls[1].replace("20190102,0,", "20190102,25,", 1)),
     "x.csv:2: field 'hour' not an hour 0..23: '25'"),
    (lambda ls: ls.__setitem__(3, ls[3].replace(",PM2.5_24h,", ",PM2.6,", 1)),
     "x.csv:4: field 'type' unknown type 'PM2.6'"),
    (lambda ls: ls.__setitem__(0, ls[0].replace("date,", "day,", 1)),
     "x.csv:1: field 'date' missing column 'date' in header"),
])
def test_bad_input_messages(store, one_day, tmp_path, edit, message):
    lines = one_day.read_text(encoding="utf-8").splitlines()
    edit(lines)
    p = tmp_path / "x.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_cnemc(store, [p])
    assert str(e.value).startswith(message)


def test_unknown_station_is_an_error_unless_registered(store, tmp_path):
    p = tmp_path / "china_sites_20190101.csv"
    p.write_text("date,hour,type,9999Z\n20190101,1,PM2.5,30\n", encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_cnemc(store, [p])
    assert "unknown station(s) 9999Z" in str(e.value) and str(e.value).startswith(
        "china_sites_20190101.csv:1: field '9999Z'")
    res = ingest_cnemc(store, [p], unknown_stations="register")
    assert res[0].rows_stored == 1


def test_duplicates_and_negatives_flagged_or_strict(store, tmp_path):
    p = tmp_path / "china_sites_20190101.csv"
    p.write_text("date,hour,type,9999Z\n20190101,1,PM2.5,30\n20190101,1,PM10,-5\n"
                 "20190101,1,PM2.5,31\n", encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_cnemc(store, [p], unknown_stations="register", quality="error")
    assert str(e.value).startswith("china_sites_20190101.csv:2: field 'code+time' "
                                   "duplicated station-hour") or "negative" in str(e.value)
    res = ingest_cnemc(store, [p], unknown_stations="register")
    s = res[0]
    assert s.rows_stored == 1 and s.rows_skipped == 1 and s.rows_flagged == 1
    assert s.flags == {"negative value": 1, "PM2.5 > PM10": 1,
                       "duplicated station-hour in file (first kept)": 1}
    assert store.execute("SELECT pm25, pm10, qc_flags FROM air_hourly").fetchall() == [
        (30.0, -5.0, 1 | 2 | 8)]


@pytest.mark.parametrize("name", ["china_sites_20190101.csv", "china_sites_20190220.csv",
                                  "china_sites_20190424.csv", "china_sites_20190630.csv"])
def test_fast_reader_equals_line_exact_reader(name):
    """The Arrow + numpy reader and the SQL reader (kept for line-exact errors) give the same
    table, line numbers included, on real files (incl. the two with truncated hours)."""
    from qingshan.air.ingest.cnemc import read_cnemc_files_sql
    from qingshan.air.ingest.cnemc_fast import read_file_fast

    f = shared_path(*H1, name)
    fast, meta = read_file_fast(f, 0)
    sql, _ = read_cnemc_files_sql([f])
    key = [("code", "ascending"), ("time", "ascending"), ("occ", "ascending")]
    assert fast.select(sql.column_names).sort_by(key).equals(sql.sort_by(key))
    assert meta["rows"] == sql.num_rows


def test_fast_reader_on_the_national_sample_and_duplicated_rows(tmp_path):
    from qingshan.air.ingest.cnemc import read_cnemc_files_sql
    from qingshan.air.ingest.cnemc_fast import read_file_fast

    f = shared_path("data", "cnemc-national-sample", "china_sites_20190101.csv")
    lines = f.read_text(encoding="utf-8").splitlines()
    dup = tmp_path / f.name
    dup.write_text("\n".join(lines + [lines[5]]) + "\n", encoding="utf-8")  # a repeated row
    key = [("code", "ascending"), ("time", "ascending"), ("occ", "ascending")]
    for p in (f, dup):
        fast, _ = read_file_fast(p, 0)
        sql, _ = read_cnemc_files_sql([p])
        assert fast.select(sql.column_names).sort_by(key).equals(sql.sort_by(key))
    repeats = read_file_fast(dup, 0)[0].to_pandas()
    assert (repeats.occ == 2).sum() > 0          # the repeated row comes back as occ = 2
