"""Which stored data an answer depends on (qingshan.air.versions): the batches with hours in
its days, and the catalogue. Values derived by hand from what each step stores."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from tests.api._store import ARCHIVE, built_store, changed_day_file

FEB = (date(2019, 2, 1), date(2019, 2, 28))
APR = (date(2019, 4, 1), date(2019, 4, 30))


@pytest.fixture
def con(tmp_path):
    from qingshan.store import connect
    path = tmp_path / "v.duckdb"
    shutil.copy(built_store(), path)
    c = connect(str(path))
    yield c
    c.close()


def test_period_days_cover_the_previous_year():
    from qingshan.air.versions import period_days
    # HJ 663 YoY: the same period of the previous year is read too
    assert period_days("2019-03") == (date(2018, 3, 1), date(2019, 3, 31))
    assert period_days("2019-01..2019-05") == (date(2018, 1, 1), date(2019, 5, 31))
    assert period_days("2026") == (date(2025, 1, 1), date(2026, 12, 31))


def test_a_batch_of_other_days_leaves_the_version(con):
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.air.versions import Journal
    j = Journal()
    j.refresh(con, None)
    feb, apr = j.version(FEB), j.version(APR)
    # one batch per CNEMC daily file of January–March 2019; file D holds the stamps D 00:00 …
    # D 23:00, and the span is widened by a day on each side, so February (stamps 1 Feb 01:00 …
    # 1 Mar 00:00) counts the files of 31 Jan … 2 Mar: 1 + 28 + 2 = 31 batches; April counts
    # the file of 31 March only (its stamps end 31 Mar 23:00, inside the widened span)
    assert feb[2] == 31
    assert apr[2] == 1
    ingest_cnemc(con, [ARCHIVE / "china_sites_20190410.csv"])
    j.refresh(con, None)
    assert j.version(FEB) == feb                        # other days: the same version
    assert j.version(APR)[2] == 2 and j.version(APR)[3] > apr[3]
    assert j.version(None) != j.version(FEB)


def test_a_replaced_row_or_a_catalogue_change_is_a_new_generation(con, tmp_path):
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.air.versions import Journal
    j = Journal()
    j.refresh(con, None)
    gen = j.generation
    # one value of 10 February changed: the new batch replaces that day's rows of the old one
    ingest_cnemc(con, [changed_day_file(tmp_path)])
    j.refresh(con, None)
    assert j.generation == gen + 1                      # rows replaced: every answer anew
    con.execute("INSERT INTO store_meta VALUES ('synthetic', 'test', now()::TIMESTAMP)")
    j.refresh(con, None)
    assert j.generation == gen + 2
    feb = j.version(FEB)
    # a water figure shown beside the air ones: a water row is a change of the catalogue
    con.execute("INSERT INTO water_section_target VALUES ('X1', 2019, 3, 1)")
    j.refresh(con, None)
    assert j.generation == gen + 3 and j.version(FEB) != feb


def test_scope_of_reads_the_service_arguments():
    from qingshan.air import daily
    from qingshan.air.versions import scope_of
    assert scope_of(daily.assess, ("2019-03",), {}) == (date(2018, 3, 1), date(2019, 3, 31))
    assert scope_of(daily.daily_aqi, ("city", "370100", date(2019, 1, 1), date(2019, 1, 9)),
                    {}) == (date(2019, 1, 1), date(2019, 1, 9))
    assert scope_of(daily.monthly_series, ("city", "370100", 2019), {}) == (
        date(2018, 1, 1), date(2019, 12, 31))
    assert scope_of(len, ("x",), {}) is None            # anything else: the whole store


def test_two_copies_of_a_store_have_different_versions(con, tmp_path):
    """A copy holds the same batches and catalogue, yet it is another store: its answers are
    kept apart (the path leads the version)."""
    import shutil as sh

    from qingshan.air.versions import current, db_path
    path = db_path(con)
    other = tmp_path / "copy.duckdb"
    sh.copy(built_store(), other)
    from qingshan.store import connect
    c2 = connect(str(other))
    try:
        a, b = current(path, FEB, con), current(str(other), FEB, c2)
        assert a[0] == path and b[0] == str(other)
        assert a[1:] == b[1:] and a != b
    finally:
        c2.close()


def test_an_older_snapshot_keeps_the_journal_and_gets_its_own_version(con):
    """Issue 19, the server's held instance: a read transaction begun before an upload
    committed sees one batch fewer. Before, the journal took that for rows removed and began a
    new generation (every kept answer recomputed, again at the next newer read); now it stays,
    and the old snapshot gets the version it really has: the April count it saw (1 batch,
    the file of 31 March), not the journal's newer one (2)."""
    from qingshan.air.ingest import ingest_cnemc
    from qingshan.air.versions import Journal
    j = Journal()
    old = con.cursor()
    old.execute("BEGIN TRANSACTION READ ONLY")
    assert j.refresh(old, None) is None                 # the first snapshot is the newest
    before, gen = j.version(APR), j.generation
    ingest_cnemc(con, [ARCHIVE / "china_sites_20190410.csv"])    # commits on another cursor
    new = con.cursor()
    assert j.refresh(new, None) is None
    assert j.version(APR)[2] == 2 and j.generation == gen
    at = j.refresh(old, None)                           # the older snapshot again
    assert at is not None and j.generation == gen       # no new generation
    assert j.version(APR, at) == before                 # 1 batch in April, as it sees
    assert j.version(FEB, at) == j.version(FEB)         # February untouched by the upload
    assert j.version(APR)[2] == 2                       # the journal is still the newest
    old.execute("ROLLBACK")
    old.close()
    new.close()
