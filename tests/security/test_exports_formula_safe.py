"""Every CSV and Excel export is formula-safe (OWASP "CSV Injection").

Station codes and names, city names and section names that a spreadsheet would run as a
formula are put into a store and a province configuration, then exported through every exporter
of the product: ``export hourly`` (CSV), the Excel bulletin, ``air hourly -o``, ``air assess
--format csv``, ``air aqi -o``, ``water assess -o`` (CSV and .xlsx), ``water classify -o`` (CSV
and .xlsx). Read back with the ``csv`` module / openpyxl: every hostile cell starts with ``'``,
no cell is a formula, numeric columns stay numeric (a negative number is not quoted).
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from qingshan.core.exportsafe import is_formula_like, neutralise

#: cells a spreadsheet would run (DDE, hyperlink exfiltration, arithmetic, @-functions, tab/CR)
HOSTILE = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","x")', "+1", "-1+2",
           "@SUM(1)", "\t=1", "\r=1"]
runner = CliRunner()


# ---- the function itself -----------------------------------------------------------------------

def test_neutralise_strings_frames_and_arrow():
    want = ["'" + h for h in HOSTILE]
    assert [neutralise(h) for h in HOSTILE] == want
    # harmless text, negative numbers written as text, and text with '=' inside stay as they are
    for ok in ["济南", "a=b", "-1", "-0.5", "-2e-3", "", "'=already"]:
        assert neutralise(ok) == ok
    df = pd.DataFrame({"name": HOSTILE + ["济南", None],
                       "v": [-1.5] * 9, "n": list(range(-4, 5)),
                       "mixed": [*HOSTILE[:3], -7, 3.5, None, "x", "-3", "+3"]})
    out = neutralise(df)
    assert out["name"].tolist()[:7] == want and out["name"].tolist()[7] == "济南"
    assert pd.isna(out["name"].iloc[8])
    assert out["mixed"].tolist()[:6] == ["'" + h for h in HOSTILE[:3]] + [-7, 3.5, None]
    assert out["mixed"].tolist()[6:] == ["x", "-3", "'+3"]
    assert out.dtypes.tolist() == df.dtypes.tolist()      # numbers stay numbers
    assert (out["v"] == -1.5).all() and out["n"].tolist() == list(range(-4, 5))
    assert df["name"].iloc[0] == HOSTILE[0]                # the input is not modified
    assert neutralise(neutralise(df)).equals(out)          # idempotent
    assert list(neutralise(pd.DataFrame(columns=["=h", "ok"])).columns) == ["'=h", "ok"]
    cat = neutralise(pd.Series(HOSTILE, dtype="category"))
    assert cat.astype(str).tolist() == want
    # Arrow: string, large_string, string_view, dictionary; numbers untouched; names escaped
    for typ in (pa.string(), pa.large_string(), pa.string_view()):
        arr = neutralise(pa.array(HOSTILE + [None, "ok"], typ))
        assert arr.type == typ and arr.to_pylist() == want + [None, "ok"]
    d = neutralise(pa.array(HOSTILE).dictionary_encode())
    assert d.to_pylist() == want
    t = neutralise(pa.table({"=c": HOSTILE, "x": [-1.0] * 7}))
    assert t.column_names == ["'=c", "x"] and t.column(0).to_pylist() == want
    assert t.column(1).type == pa.float64() and t.column(1).to_pylist() == [-1.0] * 7


# ---- a store and a province whose names are hostile --------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(db path, province TOML path, ProvinceConfig): one city per hostile string, named with it
    (zh, short, en), one station each whose code and name are the string, January 2019."""
    from qingshan.config import ProvinceConfig
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    d = tmp_path_factory.mktemp("hostile")
    cities = [{"code": f"99{i + 1:02d}00", "name_zh": h, "short_zh": h, "name_en": h}
              for i, h in enumerate(HOSTILE)]
    prov = ProvinceConfig.model_validate({"code": "990000", "name_zh": "测试省",
                                          "name_en": "Testland", "cities": cities})
    toml = d / "hostile.toml"
    lines = ['code = "990000"', 'name_zh = "测试省"', 'name_en = "Testland"']
    for c in cities:
        lines += ["[[cities]]"] + [f"{k} = {_toml_str(v)}" for k, v in c.items()]
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = d / "hostile.duckdb"
    con = connect(db)
    con.executemany(
        "INSERT INTO station (code, name, raw_name, publication_city, prefecture, province, "
        "is_control, is_stopped, batch_id) VALUES (?, ?, ?, ?, ?, '测试省', false, false, 0)",
        [(h, h, h, h, h) for h in HOSTILE])
    sync_province(con, prov)
    hours = [datetime(2019, 1, 1) + timedelta(hours=i + 1) for i in range(31 * 24)]
    df = pd.DataFrame([(h, t, 10.0, 35.0, 1.2, 120.0, 90.0, 40.0 + i)
                       for i, h in enumerate(HOSTILE) for t in hours],
                      columns=["station_code", "time", "so2", "no2", "co", "o3", "pm10", "pm25"])
    df.loc[0, "so2"] = -1.0          # a negative number must stay an (unquoted) number
    con.register("src", df)
    con.execute("INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, "
                "batch_id) SELECT station_code, time, so2, no2, co, o3, pm10, pm25, 0 FROM src")
    con.unregister("src")
    con.execute("CHECKPOINT")
    con.close()
    return db, toml, prov


def _toml_str(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") \
        .replace("\r", "\\r") + '"'


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def _check_csv(rows: list[list[str]], numeric: list[str], text_cols: list[str],
               expect: list[str] = HOSTILE) -> None:
    """No cell a spreadsheet would run; each of ``expect`` present in each of ``text_cols``,
    escaped; numeric columns parse as numbers."""
    head, body = rows[0], rows[1:]
    assert body, "empty export"
    cells = [c for r in rows for c in r]
    bad = [c for c in cells if is_formula_like(c)]
    assert not bad, f"formula-like cells: {bad[:5]}"
    for col in text_cols:
        vals = {r[head.index(col)] for r in body}
        assert {"'" + h for h in expect} <= vals, (col, sorted(vals)[:10])
    for col in numeric:
        for r in body:
            v = r[head.index(col)]
            if v != "":
                float(v)                                   # raises if it became text
    assert all(len(r) == len(head) for r in body)         # a CR inside a cell split no row


def _check_xlsx(path: Path, expect_hostile: bool = True, expect: list[str] = HOSTILE) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    seen, numbers = set(), 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    v = c.value.replace("_x000D_", "\r").replace("_x0009_", "\t")
                    assert not is_formula_like(v), (ws.title, c.coordinate, v)
                    seen.add(v)
                elif isinstance(c.value, (int, float)):
                    numbers += 1
    assert numbers > 0                                      # numbers are numbers
    if expect_hostile:
        missing = [h for h in expect if not any(("'" + h) in s for s in seen)]
        assert not missing, missing


# ---- every exporter ---------------------------------------------------------------------------

def test_export_hourly_csv(hostile, tmp_path):
    from qingshan.store import connect
    from qingshan.air.export import export_hourly

    db, _, _ = hostile
    con = connect(db, read_only=True)
    try:
        n = export_hourly(con, tmp_path / "h.csv", "csv")
        export_hourly(con, tmp_path / "pq", "parquet")
    finally:
        con.close()
    rows = _csv_rows(tmp_path / "h.csv")
    assert len(rows) == n + 1
    _check_csv(rows, ["so2", "pm25", "batch_id"], ["station_code"])
    assert "-1.0" in [r[rows[0].index("so2")] for r in rows[1:]]   # negative number, unquoted
    # Parquet is typed data for data tools: codes read back unchanged (not escaped)
    back = pd.read_parquet(tmp_path / "pq")
    assert set(back.station_code.astype(str)) == set(HOSTILE)


def test_excel_bulletin(hostile, tmp_path):
    from qingshan.reports import build_air_report, write_xlsx
    from qingshan.store import connect

    db, _, prov = hostile
    con = connect(db, read_only=True)
    try:
        report = build_air_report(con, "2019-01", lang="zh", province=prov)
    finally:
        con.close()
    write_xlsx(report, tmp_path / "r.xlsx")
    _check_xlsx(tmp_path / "r.xlsx")


def test_xlsx_writer_never_writes_a_formula(tmp_path):
    """Titles, headers, notes and cells of a hand-made bulletin, all hostile."""
    from qingshan.reports import ReportData, ReportSection, ReportTable, write_xlsx

    df = pd.DataFrame({"=name": HOSTILE, "value (µg/m³)": [-1.0, 2, 3, 4, 5, 6, 7]})
    t = ReportTable(key="t", title=HOSTILE[1], df=df, decimals={"value (µg/m³)": 1},
                    note=HOSTILE[4])
    sec = ReportSection(key="s", title=HOSTILE[6], tables=[t])
    report = ReportData(lang="en", period="2019-01", kind="month", title=HOSTILE[0],
                        subtitle=HOSTILE[2], issuer=HOSTILE[3], generated=HOSTILE[5],
                        sections=[sec])
    write_xlsx(report, tmp_path / "t.xlsx")
    _check_xlsx(tmp_path / "t.xlsx", expect_hostile=False)
    import openpyxl
    # the table's sheet is named from its title (in the report's language), the last sheet
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[-1]
    assert ws["A1"].value == "'" + HOSTILE[1] and ws["A3"].value == "'=name"
    assert ws["B4"].value == -1.0 and ws["B4"].data_type == "n"


def test_cli_air_hourly_and_assess(hostile, tmp_path):
    from qingshan.cli import app

    db, toml, _ = hostile
    out = tmp_path / "hourly.csv"
    r = runner.invoke(app, ["air", "hourly", "--db", str(db), "--province", str(toml),
                            "--level", "station", "--from", "2019-01-01", "--to", "2019-01-03",
                            "-o", str(out)])
    assert r.exit_code == 0, r.output
    _check_csv(_csv_rows(out), ["aqi"], ["code"])
    for level, cols in (("city", ["name_zh"]), ("station", ["code"])):
        out = tmp_path / f"assess_{level}.csv"
        r = runner.invoke(app, ["air", "assess", "--db", str(db), "--province", str(toml),
                                "--period", "2019-01", "--level", level, "--format", "csv",
                                "-o", str(out)])
        assert r.exit_code == 0, r.output
        _check_csv(_csv_rows(out), ["pm25", "composite_index"], cols)


def test_cli_air_aqi(tmp_path):
    from qingshan.cli import app

    # Parquet input: the hostile strings reach the output exactly (a CSV input with a bare CR
    # in a cell is the input reader's business, not the exporter's)
    src = tmp_path / "conc.parquet"
    pd.DataFrame({"site": HOSTILE, "time": [datetime(2019, 1, 1, 1)] * 7,
                  "so2": [5] * 7, "no2": [20] * 7, "co": [0.5] * 7, "o3": [60] * 7,
                  "pm10": [40] * 7, "pm25": [36] * 7}).to_parquet(src, index=False)
    out = tmp_path / "aqi.csv"
    r = runner.invoke(app, ["air", "aqi", "--input", str(src), "--output", str(out)])
    assert r.exit_code == 0, r.output
    rows = _csv_rows(out)
    text = [c for c in rows[0] if c in ("site", "station", "code")]
    _check_csv(rows, ["aqi"], text[:1])


# ---- water ------------------------------------------------------------------------------------

_SECTIONS = ("code,name,basin,river,water_body,city,control_level,drinking_source,supply_volume,"
             "target_class,lon,lat\n")


@pytest.fixture(scope="module")
def water_db(tmp_path_factory, hostile):
    """Sections named with the hostile strings (name, basin, river; city = the hostile cities),
    two months of samples in 2021."""
    from qingshan.water.ingest.load import ingest_water_sections, ingest_water_samples
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    d = tmp_path_factory.mktemp("hostile_water")
    sec = d / "sections.csv"
    with open(sec, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(_SECTIONS.strip().split(","))
        for i, h in enumerate(HOSTILE):
            # the reader strips cells, so tab/CR names arrive as "=1"; the city must be one of
            # the province's cities after stripping
            w.writerow([f"S{i}", h, h, h, "river", HOSTILE[i % 5], "national", "false", "", 3,
                        117.0, 35.0])
    smp = d / "samples.csv"
    with open(smp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["section_code", "sample_date", "parameter", "value", "unit",
                    "detection_limit"])
        for i in range(len(HOSTILE)):
            for m in (1, 2):
                for p, v in (("pH", 7.8), ("溶解氧", 9.5), ("化学需氧量", 12 + i),
                             ("氨氮", 0.45), ("总磷", 0.1)):
                    w.writerow([f"S{i}", f"2021-0{m}-12", p, v,
                                "无量纲" if p == "pH" else "mg/L", ""])
    db = d / "w.duckdb"
    con = connect(db)
    sync_province(con, hostile[2])
    ingest_water_sections(con, sec)
    ingest_water_samples(con, [smp])
    con.execute("CHECKPOINT")
    con.close()
    return db, hostile[1]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cli_water_assess(water_db, tmp_path, suffix):
    from qingshan.cli import app

    db, toml = water_db
    for level, col in (("section", "name"), ("city", "name")):
        out = tmp_path / f"w_{level}{suffix}"
        r = runner.invoke(app, ["water", "assess", "--db", str(db), "--province", str(toml),
                                "--period", "2021", "--level", level, "-o", str(out)])
        assert r.exit_code == 0, r.output
        expect = HOSTILE[:5] if level == "city" else [h.strip() for h in HOSTILE]
        if suffix == ".csv":
            rows = _csv_rows(out)
            _check_csv(rows, ["class_computed"] if level == "section" else ["n_sections"],
                       [col], expect)
        else:
            _check_xlsx(out, expect=expect)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cli_water_classify(tmp_path, suffix, monkeypatch):
    from qingshan.cli import app

    monkeypatch.chdir(tmp_path)
    head = ("抓取年份,省份,流域,断面名称,监测时间,水质类别,水温(℃),pH(无量纲),溶解氧(mg/L),"
            "电导率(μS/cm),浊度(NTU),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L),总氮(mg/L),"
            "叶绿素α(mg/L),藻密度(cells/L)").split(",")
    src = tmp_path / "auto.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(head)
        for h in HOSTILE:
            w.writerow(["2021", h, h, h, "01-05 08:00", "3", "5.2", "7.85", "10.3", "650.1",
                        "12.5", "4.2", "0.35", "0.12", "5.6", "--", "--"])
    out = tmp_path / f"c{suffix}"
    r = runner.invoke(app, ["water", "classify", "--input", str(src), "--output", str(out)])
    assert r.exit_code == 0, r.output
    if suffix == ".csv":
        _check_csv(_csv_rows(out), ["class_computed"], ["断面名称", "省份"])
    else:
        _check_xlsx(out)


def test_object_columns_without_text_are_left_alone():
    """A column of date objects (object dtype, no text) passes unchanged (pandas ≥ 3 refuses
    ``.str`` on it); a mixed column escapes only its text cells."""
    from datetime import date

    import pandas as pd

    from qingshan.core.exportsafe import neutralise, write_csv

    df = pd.DataFrame({"d": [date(2019, 1, 1), date(2019, 1, 2)], "m": [1.5, "=1+1"]},
                      dtype=object)
    out = neutralise(df)
    assert out["d"].tolist() == [date(2019, 1, 1), date(2019, 1, 2)]
    assert out["m"].tolist() == [1.5, "'=1+1"]
    assert write_csv(df).splitlines() == ["d,m", "2019-01-01,1.5", "2019-01-02,'=1+1"]
