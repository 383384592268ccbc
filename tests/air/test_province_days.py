"""The province series' kept days after an upload (qingshan.air.province_days): only the days of
the new batches (and the empty days up to them) are computed again, and the spliced days are the
days a computation of the whole span gives, their AQI and every figure read from them the
hourly chain's (qingshan.air.service)."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from tests.api._store import ARCHIVE, built_store, changed_day_file

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def con(tmp_path):
    from qingshan.air import province_days
    from qingshan.store import connect
    path = tmp_path / "p.duckdb"
    shutil.copy(built_store(), path)
    province_days.clear()
    c = connect(str(path))
    yield c
    c.close()
    province_days.clear()


@pytest.fixture
def prov():
    from qingshan.config import load_province
    return load_province("shandong")


@pytest.fixture
def spans(monkeypatch):
    """The spans of days the module computes (proves what was computed again)."""
    from qingshan.air import province_days
    calls: list[tuple[date, date]] = []
    orig = province_days._compute

    def spy(con, prov, lo, hi):
        calls.append((lo, hi))
        return orig(con, prov, lo, hi)

    monkeypatch.setattr(province_days, "_compute", spy)
    return calls


def _same(got, want):
    """Equal tables: the same rows, columns and order; the unrounded means to the last bits a
    sum in another order can change (DuckDB sums in parallel: the hour's mean of 16 cities is
    computed in whichever order the threads meet; figures are rounded from a DECIMAL of 10
    decimals, qingshan.core.rounding, so such bits never reach one)."""
    pd.testing.assert_frame_equal(got.to_pandas(), want.to_pandas(), check_exact=False,
                                  rtol=1e-12, atol=0)


def _whole(con, prov, versions):
    from qingshan.air import province_days as pd_
    table = pd_._compute(con, prov, *pd_.stored_days(con))
    return table, {v: pd_._aqi(con, table, v) for v in versions}


def test_an_upload_after_the_span_computes_its_days_and_the_gap(con, prov, spans):
    from qingshan.air import province_days
    from qingshan.air.ingest import ingest_cnemc
    table, by_ver = province_days.kept(con, prov)
    province_days.version_aqi(con, prov, "2012")
    # the store: files of 1 Jan … 31 Mar 2019, hour-ending stamps, so days 31 Dec 2018 … 31 Mar
    assert spans == [(date(2018, 12, 31), date(2019, 3, 31))]
    assert table.num_rows == 91                       # 1 + 31 + 28 + 31 days, one code
    ingest_cnemc(con, [ARCHIVE / "china_sites_20190410.csv"])
    table2, by_ver2 = province_days.kept(con, prov)
    # the file of 10 April holds the stamps 10 Apr 00:00 … 23:00: days 9 and 10 April; the
    # days 1 … 8 April (no hour) join the span as empty days, as a whole computation has them
    assert spans[1:] == [(date(2019, 4, 1), date(2019, 4, 10))]
    assert table2.num_rows == 101
    whole, whole_aqi = _whole(con, prov, ["2012"])
    _same(table2, whole)
    _same(by_ver2["2012"], whole_aqi["2012"])
    present = table2.to_pandas().set_index("date")["_present"]
    assert not present[date(2019, 4, 5)] and present[date(2019, 4, 9)]
    # the state before the upload is kept beside the new one (a read transaction begun before
    # the upload committed still finds its own)
    (states,) = province_days.states().values()
    assert [s.table.num_rows for s in states] == [91, 101]


def test_an_upload_inside_the_span_computes_its_days_only(con, prov, spans, tmp_path):
    from qingshan.air import province_days
    from qingshan.air.ingest import ingest_cnemc
    # the store without 10 February 2019's hours (the rows of that file's batch removed), then
    # that file less its last line uploaded: new rows inside the stored span
    con.execute("DELETE FROM air_hourly WHERE batch_id = (SELECT batch_id FROM air_hourly "
                "WHERE time = TIMESTAMP '2019-02-10 12:00:00' LIMIT 1)")
    province_days.kept(con, prov)
    province_days.version_aqi(con, prov, "2012")
    lines = (ARCHIVE / "china_sites_20190210.csv").read_text().splitlines()
    part = tmp_path / "china_sites_20190210.csv"
    part.write_text("\n".join(lines[:-1]) + "\n")
    ingest_cnemc(con, [part])
    _, by_ver = province_days.kept(con, prov)
    # the file's stamps 10 Feb 00:00 … 23:00 are of the days 9 and 10 February
    assert spans[1:] == [(date(2019, 2, 9), date(2019, 2, 10))]
    whole, whole_aqi = _whole(con, prov, ["2012"])
    _same(province_days.kept(con, prov)[0], whole)
    _same(by_ver["2012"], whole_aqi["2012"])


def test_a_replaced_row_computes_every_day(con, prov, spans, tmp_path):
    from qingshan.air import province_days
    from qingshan.air.ingest import ingest_cnemc
    province_days.kept(con, prov)
    ingest_cnemc(con, [changed_day_file(tmp_path)])    # a superseding batch: a new generation
    table, _ = province_days.kept(con, prov)
    assert spans == [(date(2018, 12, 31), date(2019, 3, 31))] * 2
    _same(table, _whole(con, prov, [])[0])


def test_figures_after_uploads_are_the_chains(con, prov):
    from qingshan.air import daily, province_days
    from qingshan.air import service as svc
    from qingshan.air.ingest import ingest_cnemc
    province_days.kept(con, prov)
    for name in ("china_sites_20190405.csv", "china_sites_20190410.csv"):
        ingest_cnemc(con, [ARCHIVE / name])
        for period in ("2019-04", "2019-Q1", "2019-01..2019-04"):
            pd.testing.assert_frame_equal(daily.assess(con, period, "province", prov),
                                          svc.assess(con, period, "province", prov))
        # days past the stored ones are listed (no hour: not valid), as the chain lists them
        pd.testing.assert_frame_equal(
            daily.daily_aqi(con, "province", None, date(2019, 3, 25), date(2019, 4, 12), prov),
            svc.daily_aqi(con, "province", None, date(2019, 3, 25), date(2019, 4, 12), prov))
        pd.testing.assert_frame_equal(daily.monthly_series(con, "province", None, 2019, prov),
                                      svc.monthly_series(con, "province", None, 2019, prov))


def test_the_one_statement_is_the_chain_step_by_step(con, prov):
    """``_compute`` runs the service's steps as one statement and ``_aqi`` its two as one
    (issue 13 session 14: ≈ 0.2 s less per fresh process); each step run and registered on its
    own — the way they ran before — gives the same days and the same day AQI."""
    import uuid

    from qingshan.air import province_days as pdays
    from qingshan.air import service as svc
    from qingshan.air.engine import statistics as st
    from qingshan.air.plan import aqi_valid_sql
    from qingshan.air.rules import FAMILY_2012, FAMILY_2026
    from qingshan.air.views import views

    lo, hi = pdays.stored_days(con)
    with views(con) as put:             # eager: every step an Arrow table, registered
        assert not put.fused
        hourly = svc._hourly(put, "province", lo, hi, None, prov)
        stats = st.daily_stats_sql(hourly, svc._grid(put, con, lo, hi))
        want = con.sql(f"""
SELECT d.*, p.date IS NOT NULL AS _present FROM ({stats}) d LEFT JOIN
  (SELECT DISTINCT code, CAST(time - INTERVAL 1 HOUR AS DATE) AS date FROM {hourly}) p
  ON p.code = d.code AND p.date = d.date ORDER BY d.code, d.date""").to_arrow_table()
    got = pdays._compute(con, prov, lo, hi)
    assert got.num_rows == (hi - lo).days + 1 and got.schema == want.schema
    _same(got, want)
    for ver in (FAMILY_2012, FAMILY_2026):
        tag = uuid.uuid4().hex[:8]
        con.register(f"d_{tag}", want.drop_columns(["_present"]))
        con.register(f"r_{tag}", con.sql(st.daily_rounded_sql(f"d_{tag}")).to_arrow_table())
        old = con.sql(f"SELECT *, '{ver}' AS aqi_version FROM ({aqi_valid_sql(f'r_{tag}', ver)})"
                      f" AS _v ORDER BY code, date").to_arrow_table()
        new = pdays._aqi(con, got, ver)
        assert new.schema == old.schema
        # the day AQI is of the rounded statistics: equal to the last bit
        pd.testing.assert_frame_equal(new.to_pandas(), old.to_pandas())
        assert new.column("aqi").null_count < new.num_rows      # days with an AQI


def test_a_fresh_process_reads_the_days_a_process_before_computed(con, prov, spans):
    """The kept days and their AQI are kept in files beside the store (qingshan.air.day_files):
    a process that never computed them (the kept states cleared) reads them, equal to a
    computation of every day."""
    from qingshan.air import day_files, province_days, versions
    table, _ = province_days.kept(con, prov)
    aqi = province_days.version_aqi(con, prov, "2012")
    assert len(spans) == 1
    files = sorted(f.name.split("-", 1)[1] for f in
                   day_files.folder(versions.db_path(con)).glob("*.arrow"))
    assert files == ["aqi-2012.arrow", "days.arrow"]
    province_days.clear()                               # as a new process finds it
    table2, _ = province_days.kept(con, prov)
    aqi2 = province_days.version_aqi(con, prov, "2012")
    assert len(spans) == 1                              # read, not computed again
    whole, whole_aqi = _whole(con, prov, ["2012"])
    _same(table2, whole)
    _same(aqi2, whole_aqi["2012"])
    assert table2.equals(table) and aqi2.equals(aqi)


def test_files_of_other_content_are_never_read(con, prov, spans):
    """An upload changes the content (rows, batches): a fresh process computes the days again
    under another name, and its figures are the hourly chain's; a damaged file is computed
    again too."""
    from qingshan.air import day_files, daily, province_days, versions
    from qingshan.air import service as svc
    from qingshan.air.ingest import ingest_cnemc
    province_days.kept(con, prov)
    ingest_cnemc(con, [ARCHIVE / "china_sites_20190405.csv"])
    province_days.clear()
    table, _ = province_days.kept(con, prov)
    assert spans == [(date(2018, 12, 31), date(2019, 3, 31)), (date(2018, 12, 31),
                                                              date(2019, 4, 5))]
    _same(table, _whole(con, prov, [])[0])
    pd.testing.assert_frame_equal(daily.assess(con, "2019-04", "province", prov),
                                  svc.assess(con, "2019-04", "province", prov))
    folder = day_files.folder(versions.db_path(con))
    assert len(list(folder.glob("*-days.arrow"))) == 2
    for f in folder.glob("*.arrow"):
        f.write_bytes(b"not an Arrow file")
    province_days.clear()
    n = len(spans)
    table = province_days.kept(con, prov)[0]
    assert len(spans) == n + 1                          # computed again, not read
    _same(table, _whole(con, prov, [])[0])
    assert table.num_rows == 96                         # 31 Dec 2018 … 5 Apr 2019


def test_the_files_name_the_content_the_province_and_the_code(prov):
    from qingshan.air import day_files
    ver = ("/s.duckdb", 1, (("station", 3, "ab"),), 1000, 5, 7)
    k = day_files.key(ver, prov, "370100,370200")
    assert k == day_files.key(("/elsewhere.duckdb",) + ver[1:], prov, "370100,370200")
    assert k != day_files.key(ver[:3] + (1001, 5, 7), prov, "370100,370200")   # rows
    assert k != day_files.key(ver[:5] + (8,), prov, "370100,370200")          # a batch
    assert k != day_files.key(ver, prov, "370100")                            # cities
    assert k != day_files.key(ver, prov, "370100,370200", inode=42)          # another file
    assert k != day_files.key(ver, prov.model_copy(update={"code": "xx"}), "370100,370200")
    assert day_files.key(("/s.duckdb", "older", object()), prov, "") is None
