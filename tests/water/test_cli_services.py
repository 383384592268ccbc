"""classify (service and CLI), assess CLI, demo generator and summary."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qingshan.cli import app
from qingshan.water.service import classify_file, parse_period, water_assessment, water_summary
from qingshan.store import connect

DATA = Path(__file__).resolve().parents[1] / "data"
runner = CliRunner()


def test_parse_period_is_the_one_period_model():
    from datetime import date

    from qingshan.core import periods
    assert parse_period is periods.parse_period
    p = parse_period("2024")
    assert (p.kind, p.start, p.end, p.previous_year().label) == ("year", date(2024, 1, 1),
                                                                 date(2024, 12, 31), "2023")
    assert parse_period("2024-12").end == date(2024, 12, 31)
    assert parse_period("2024-H2").previous_year().start == date(2023, 7, 1)
    with pytest.raises(ValueError):
        parse_period("2024-13")


def test_classify_auto_without_section_table(tmp_path):
    out, meta = classify_file(DATA / "water_auto_sample.csv", tmp_path / "o.csv")
    # 台儿庄 08:00: CODMn 4.2 → III, TP 0.12 → III (river) → 3; 12:00: CODMn 6.5 → IV → 4
    # (the duplicated record gets the same); 南陶: DO 1.8 → 劣V, NH3-N 2.35 → 劣V,
    # TP 0.45 → 劣V → 6; 崂山水库 08:00: CODMn 3.1 → II, TP 0.02 (river) → I → 2;
    # 12:00: no value at all → no class. These equal the published 水质类别 of the file.
    assert out.class_computed.tolist()[:5] == [3, 4, 4, 6, 2]
    assert pd.isna(out.class_computed.iloc[5])
    assert out.class_computed.iloc[:5].tolist() == out["水质类别"].astype(int).iloc[:5].tolist()
    # exceedance vs III: NH3-N (2.35−1)/1 = 1.35; TP (0.45−0.2)/0.2 = 1.25; CODMn (7.1−6)/6 = 0.18
    assert out.exceed.iloc[3] == "氨氮:1.35; 总磷:1.25; 高锰酸盐指数:0.18"
    assert out.class_items.iloc[3] == "溶解氧,氨氮,总磷"
    assert (out.water_body_source == "assumed river: not in the section table").all()
    assert meta["records"] == 6 and meta["classified"] == 4
    back = pd.read_csv(tmp_path / "o.csv", encoding="utf-8-sig")
    assert "class_computed" in back.columns and len(back) == 6


def test_classify_with_section_table_uses_lake_limits(tmp_path):
    out, _ = classify_file(DATA / "water_auto_sample.csv", None,
                           sections_path=DATA / "water_sections.csv")
    lsk = out[out["断面名称"] == "崂山水库"].iloc[0]
    # lake TP 0.02 → II (lake column ≤ 0.025); CODMn 3.1 → II → 2 set by both
    assert (lsk.water_body, lsk.water_body_source) == ("lake", "section table")
    assert lsk.class_computed == 2 and lsk.class_items == "高锰酸盐指数,总磷"
    assert out[out["断面名称"] == "南陶"].water_body_source.iloc[0].startswith("assumed river")


def test_classify_long_format_gbk(tmp_path):
    gbk = tmp_path / "long_gbk.csv"
    gbk.write_bytes((DATA / "water_samples_long.csv").read_text(encoding="utf-8")
                    .encode("gbk"))
    out, meta = classify_file(gbk, None, sections_path=DATA / "water_sections.csv")
    tez = out[out.section_code == "SD-TEZ"]
    # COD 22 → IV sets the class; (22 − 20)/20 = 0.1; the phenol non-detect (0.0003L) counts
    # at half its DL (0.00015 → I)
    assert set(tez.class_computed) == {4} and tez.exceed.iloc[0] == "化学需氧量:0.1"
    assert tez[tez.parameter == "挥发酚"].item_class.iloc[0] == 1
    assert meta["records"] == 2


def test_cli_classify(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["water", "classify", "--input", str(DATA / "water_auto_sample.csv"),
                            "--output", "c.csv"])
    assert r.exit_code == 0, r.output
    assert "river limits applied" in " ".join(r.output.split())
    assert pd.read_csv("c.csv", encoding="utf-8-sig").class_computed.notna().sum() == 5
    assert not (tmp_path / "qingshan.duckdb").exists()  # classify never creates a store


def test_cli_ingest_error_names_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,water_body\nA,A,sea\n", encoding="utf-8")
    r = runner.invoke(app, ["water", "ingest", "sections", str(bad), "--db",
                            str(tmp_path / "x.duckdb")])
    assert r.exit_code == 2
    assert "bad.csv:2" in r.output and "water_body" in r.output


def test_demo_store(water_demo_db):
    db, summary = water_demo_db
    # 2024 is a leap year: 366 days × 6 four-hourly records × 3 automatic stations = 6588
    assert summary["auto_records"] == 6588
    assert summary["drinking_sources"] == 16  # one per city of the 16 Shandong cities
    con = connect(db, read_only=True)
    n = con.execute("SELECT count(*) FROM water_section").fetchall()[0][0]
    assert n == summary["sections"]
    months = con.execute("SELECT count(DISTINCT month(sample_time)) FROM water_sample WHERE "
                         "source = 'manual' AND year(sample_time) = 2024").fetchall()[0][0]
    assert months == 12
    s = water_summary(con, 2024)
    assert s.n_sections == summary["sections"]
    assert 60 <= s.excellent_pct <= 95 and s.inferior_v_pct < 10  # a realistic province
    assert len(s.cities) == 16 and s.coastal_excellent_pct_count is not None
    # the change against last year exists (the demo includes 2023)
    prov = water_assessment(con, "2024", "province")
    assert prov.prev_excellent_pct.notna().all()
    con.close()


def test_cli_assess_levels(water_demo_db, tmp_path):
    db, _ = water_demo_db
    for level in ("section", "city", "basin", "province", "coastal-point", "coastal-province",
                  "means"):
        r = runner.invoke(app, ["water", "assess", "--db", str(db), "--period", "2024-07",
                                "--level", level, "--output", str(tmp_path / f"{level}.csv")])
        assert r.exit_code == 0, (level, r.output)
    city = pd.read_csv(tmp_path / "city.csv", encoding="utf-8-sig")
    assert len(city) == 16 and {"excellent_pct", "grade", "change"} <= set(city.columns)


def test_sections_without_city_are_section_level_only(tmp_path):
    # 南陶 is registered from the automatic file without a city: listed per section, but not
    # counted in the province's proportions (only SD-TEZ and SD-LSK are).
    from qingshan.config import load_province
    from qingshan.water.ingest.load import (
        ingest_water_auto, ingest_water_samples, ingest_water_sections,
    )
    from qingshan.store.province import sync_province
    con = connect(":memory:")
    sync_province(con, load_province("shandong"))
    ingest_water_sections(con, DATA / "water_sections.csv")
    ingest_water_samples(con, [DATA / "water_samples_long.csv"])
    ingest_water_auto(con, [DATA / "water_auto_sample.csv"])
    sec = water_assessment(con, "2021", "section")
    assert set(sec.code) == {"SD-TEZ", "SD-LSK", "南陶"}
    prov = water_assessment(con, "2021", "province").iloc[0]
    assert prov.n_sections == 2 and prov.n_inferior_v == 0


def test_cli_assess_every_kind_of_period(water_demo_db, tmp_path):
    # the demo samples every section monthly: a half-year, a quarter and a run of months are
    # assessed like a year or a month; the province figures equal the service's
    db, _ = water_demo_db
    periods = ("2024-H1", "2024-Q3", "2024-02..2024-05")
    for period in periods:
        r = runner.invoke(app, ["water", "assess", "--db", str(db), "--period", period,
                                "--level", "province", "--output", str(tmp_path / f"{period}.csv")])
        assert r.exit_code == 0, (period, r.output)
    r = runner.invoke(app, ["water", "assess", "--db", str(db), "--period", "2024-H3"])
    assert r.exit_code != 0 and "half-year" in " ".join(r.output.split())
    import shutil
    copy = shutil.copy(db, tmp_path / "copy.duckdb")  # the CLI keeps its own connection open
    con = connect(copy, read_only=True)
    try:
        for period in periods:
            got = pd.read_csv(tmp_path / f"{period}.csv", encoding="utf-8-sig").iloc[0]
            want = water_assessment(con, period, "province").iloc[0]
            assert got.n_sections == want.n_sections > 0
            assert got.excellent_pct == pytest.approx(want.excellent_pct)
            # the demo holds 2023 too: the change against the previous year's same period
            assert got.prev_excellent_pct == pytest.approx(want.prev_excellent_pct)
    finally:
        con.close()
