"""Water ingest: automatic-station format, long samples, sections; atomic, idempotent, errors
naming file, line and field."""

from pathlib import Path

import pytest

from qingshan.config import load_province
from qingshan.core.ingest.errors import IngestError
from qingshan.water.ingest.load import (
    ingest_water_auto, ingest_water_samples, ingest_water_sections,
)
from qingshan.store import connect
from qingshan.store.province import sync_province

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture()
def con():
    c = connect(":memory:")
    sync_province(c, load_province("shandong"))
    return c


def test_sections_and_targets(con):
    s = ingest_water_sections(con, DATA / "water_sections.csv")
    assert s.outcome == "loaded" and s.rows_stored == 2
    rows = con.execute("SELECT code, water_body, city_code, drinking_source, supply_volume "
                       "FROM water_section ORDER BY code").fetchall()
    assert rows == [("SD-LSK", "lake", "370200", True, 1200.0),
                    ("SD-TEZ", "river", "370400", False, None)]
    assert con.execute("SELECT section_code, year, target_class FROM water_section_target "
                       "ORDER BY 1").fetchall() == [("SD-LSK", None, 2), ("SD-TEZ", None, 3)]
    again = ingest_water_sections(con, DATA / "water_sections.csv")
    assert again.outcome == "already loaded"


def test_auto_format(con):
    ingest_water_sections(con, DATA / "water_sections.csv")
    [s] = ingest_water_auto(con, [DATA / "water_auto_sample.csv"])
    # 6 records, one exact duplicate (台儿庄大桥 01-05 12:00) skipped; 南陶 not configured →
    # registered with code = name; 崂山水库 12:00 has no value at all (class -1).
    assert s.rows_read == 6 and s.rows_skipped == 1
    assert s.flags["sections registered (river assumed)"] == 1
    # values: 2 × 9 (台儿庄, no chla/algae) + 9 (南陶) + 11 (崂山 08:00) = 38
    assert s.rows_stored == 38
    t = con.execute("SELECT value FROM water_sample WHERE section_code = 'SD-TEZ' AND "
                    "parameter = 'nh3n' AND sample_time = TIMESTAMP '2021-01-05 12:00'"
                    ).fetchall()
    assert t == [(0.41,)]
    pub = con.execute("SELECT section_code, published_class FROM water_auto_published "
                      "ORDER BY section_code, sample_time").fetchall()
    assert pub == [("SD-LSK", 2), ("SD-LSK", None), ("SD-TEZ", 3), ("SD-TEZ", 4), ("南陶", 6)]
    assert con.execute("SELECT water_body FROM water_section WHERE code = '南陶'"
                       ).fetchall() == [(None,)]
    [again] = ingest_water_auto(con, [DATA / "water_auto_sample.csv"])
    assert again.outcome == "already loaded"


def test_auto_gbk_and_error_names_line_and_field(con, tmp_path):
    text = (DATA / "water_auto_sample.csv").read_text(encoding="utf-8")
    gbk = tmp_path / "auto_gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    [s] = ingest_water_auto(con, [gbk])
    assert s.rows_stored == 38 and "gbk" in s.message
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("20.3,7.1", "20.3,x7"), encoding="utf-8")
    before = con.execute("SELECT count(*) FROM water_sample").fetchall()
    with pytest.raises(IngestError) as e:
        ingest_water_auto(con, [DATA / "water_auto_sample.csv", bad])  # first file is fine
    assert e.value.line == 5 and e.value.field == "高锰酸盐指数(mg/L)"
    assert "bad.csv:5" in str(e.value)
    assert con.execute("SELECT count(*) FROM water_sample").fetchall() == before  # atomic
    badt = tmp_path / "badtime.csv"
    badt.write_text(text.replace("01-05 08:00,6", "13-05 08:00,6"), encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_water_auto(con, [badt])
    assert (e.value.line, e.value.field) == (5, "监测时间")


def test_long_samples_units_and_non_detects(con):
    ingest_water_sections(con, DATA / "water_sections.csv")
    [s] = ingest_water_samples(con, [DATA / "water_samples_long.csv"])
    assert s.rows_stored == 11 and s.rows_flagged == 2
    got = dict(con.execute("SELECT parameter, [value, detection_limit] FROM water_sample "
                           "WHERE section_code = 'SD-TEZ' AND parameter IN ('pb', 'phenol', "
                           "'cyanide')").fetchall())
    assert got["pb"] == [0.0025, None]          # 2.5 µg/L → 0.0025 mg/L
    assert got["phenol"] == [None, 0.0003]      # "0.0003L" = not detected, DL 0.0003
    assert got["cyanide"] == [None, 0.004]      # "ND" with the DL column


def test_long_samples_unknown_section_is_an_error(con, tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("section_code,sample_date,parameter,value\nNOPE,2021-01-01,cod,12\n",
                 encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_water_samples(con, [f])
    assert e.value.line == 2 and "NOPE" in str(e.value)
    f.write_text("section_code,sample_date,parameter,value\nNOPE,2021-01-01,钚,12\n",
                 encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_water_samples(con, [f])
    assert e.value.line == 2 and e.value.field == "parameter"


def test_resubmitted_samples_supersede(con, tmp_path):
    ingest_water_sections(con, DATA / "water_sections.csv")
    f1, f2 = tmp_path / "a.csv", tmp_path / "b.csv"
    f1.write_text("section_code,sample_date,parameter,value\nSD-TEZ,2021-02-01,cod,12\n"
                  "SD-TEZ,2021-02-01,nh3n,0.3\n", encoding="utf-8")
    f2.write_text("section_code,sample_date,parameter,value\nSD-TEZ,2021-02-01,cod,13\n",
                  encoding="utf-8")
    [a] = ingest_water_samples(con, [f1])
    [b] = ingest_water_samples(con, [f2])
    assert b.superseded == [{"batch_id": a.batch_id, "rows_replaced": 1, "rows_changed": 1}]
    assert sorted(con.execute("SELECT parameter, value FROM water_sample").fetchall()) == \
        [("cod", 13.0), ("nh3n", 0.3)]


def test_implausible_values_are_dropped_and_counted(con, tmp_path):
    # a negative NH3-N and a pH of 15 are physically impossible: dropped, counted, not stored
    text = (DATA / "water_auto_sample.csv").read_text(encoding="utf-8")
    f = tmp_path / "neg.csv"
    f.write_text(text.replace("7.1,2.35,0.45", "7.1,-0.05,0.45").replace(",8.21,", ",15,"),
                 encoding="utf-8")
    [s] = ingest_water_auto(con, [f])
    assert s.skipped["implausible values dropped"] == 2
    assert s.rows_stored == 36 and s.rows_skipped == 3  # + the duplicated record
    g = tmp_path / "neg_long.csv"
    g.write_text("section_code,sample_date,parameter,value\nSD-TEZ,2021-02-01,cod,-3\n"
                 "SD-TEZ,2021-02-01,nh3n,0.3\n", encoding="utf-8")
    ingest_water_sections(con, DATA / "water_sections.csv")
    [s] = ingest_water_samples(con, [g])
    assert (s.rows_stored, s.skipped) == (1, {"implausible values dropped": 1})
