"""``qingshan compensation air | water | rules`` end to end."""

import json

import pandas as pd
from typer.testing import CliRunner

from qingshan.cli import app

runner = CliRunner()
HEAD = "city,period,pm25,pm10,so2,no2,good_day_ratio,source\n"
# 淄博 2018-Q1 vs 2017-Q1 with the spec §1.3 example changes → 436 万元 (2017 rules)
BODY = ("淄博,2017-Q1,50,80,10,30,60,=HYPERLINK(\"http://evil.example\")\n"
        "淄博,2018-Q1,45,72,7,32,64,省厅通报\n")


def _file(tmp_path, body=BODY):
    p = tmp_path / "official_means.csv"
    p.write_text(HEAD + body, encoding="utf-8")
    return p


def test_air_json_from_official_means(tmp_path):
    r = runner.invoke(app, ["compensation", "air", "--period", "2018-Q1", "--input",
                            str(_file(tmp_path)), "--format", "json",
                            "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    row = next(x for x in doc["ledger"] if x["code"] == "370300")
    assert row["amount"] == 436 and row["rule_version"] == "sd-air-2017"
    assert doc["flows"]["gross_out"] == 436 and doc["flows"]["complete"] is False
    assert doc["rules"] == ["sd-air-2017"] and len(doc["fingerprint"]) == 64
    assert any("rounding = 'gbt8170' (default, unverified)" in n for n in doc["notes"])


def test_air_xlsx_is_formula_safe(tmp_path):
    out = tmp_path / "ledger.xlsx"
    r = runner.invoke(app, ["compensation", "air", "--period", "2018-Q1", "--input",
                            str(_file(tmp_path)), "--format", "xlsx", "--output", str(out),
                            "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 0, r.output
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"ledger", "clearing", "flows", "notes"} <= set(sheets)
    led = sheets["ledger"].set_index("code")
    assert led.loc[370300, "source_last"].startswith("'=HYPERLINK")
    assert led.loc[370300, "amount"] == 436


def test_air_table_and_csv_and_switch(tmp_path):
    r = runner.invoke(app, ["compensation", "air", "--period", "2018-Q1", "--input",
                            str(_file(tmp_path)), "--db", str(tmp_path / "none.duckdb"),
                            "--switch", "cap=400"])
    assert r.exit_code == 0, r.output
    assert "gross outflow (province → cities) 400" in r.output     # 436 capped at 400
    assert "cap = 400.0 (set by caller, unverified)" in r.output
    r = runner.invoke(app, ["compensation", "air", "--period", "2018-Q1", "--input",
                            str(_file(tmp_path)), "--format", "csv",
                            "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 0 and "s_conc" in r.stdout.splitlines()[0]


def test_air_errors_exit_2_naming_file_line_field(tmp_path):
    bad = _file(tmp_path, "淄博,2018-Q1,45,x,7,32,64,\n")
    r = runner.invoke(app, ["compensation", "air", "--period", "2018-Q1", "--input", str(bad),
                            "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "official_means.csv:2: field 'pm10'" in r.output
    r = runner.invoke(app, ["compensation", "air", "--period", "2019-Q2", "--input",
                            str(_file(tmp_path)), "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "not retrieved" in r.output


def test_water_county_formula(tmp_path):
    p = tmp_path / "heze.csv"
    p.write_text("county,name,period,cod,nh3n\n371702,牡丹区,2015-Q1,20,1.0\n", encoding="utf-8")
    r = runner.invoke(app, ["compensation", "water", "--period", "2015-Q1", "--rules",
                            "heze-water-2014", "--input", str(p), "--city", "菏泽市",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.stdout)["ledger"][0]
    assert row["amount"] == 35 and row["payer"] == "菏泽市" and row["payee"] == "牡丹区"


def test_rules_listing():
    r = runner.invoke(app, ["compensation", "rules", "--format", "json"])
    assert r.exit_code == 0
    ids = [x["id"] for x in json.loads(r.stdout)]
    assert ids[:4] == ["sd-air-2014", "sd-air-2016", "sd-air-2017", "sd-air-2019"]
    r = runner.invoke(app, ["compensation", "rules", "--scheme", "air"])
    assert "鲁政办字〔2017〕43号" in r.output and "unverified" in r.output


def test_every_command_help_has_an_example():
    for cmd in ("air", "water", "rules"):
        r = runner.invoke(app, ["compensation", cmd, "--help"])
        assert r.exit_code == 0 and "Example: qingshan compensation" in r.output


def test_store_list_and_rerun(tmp_path, ops_db):
    import re
    db = str(ops_db)          # the operational store is q.ops.sqlite beside it
    r = runner.invoke(app, ["compensation", "air", "--period", "2018-Q1", "--input",
                            str(_file(tmp_path)), "--db", db, "--store", "--format", "json"])
    assert r.exit_code == 0, r.output
    m = re.search(r"stored as compensation run (\d+) by cli:", r.stderr)
    assert m, r.stderr
    rid = int(m.group(1))
    r = runner.invoke(app, ["compensation", "runs", "--db", db, "--period", "2018-Q1"])
    assert r.exit_code == 0 and "sd-air-2017" in r.output and "436" in r.output
    r = runner.invoke(app, ["compensation", "rerun", str(rid), "--db", db])
    assert r.exit_code == 0, r.output
    assert f"(re-run of {rid}): same result: True; same inputs: True" in r.output


def test_csv_rows_carry_the_marks(tmp_path):
    r = runner.invoke(app, ["compensation", "air", "--period", "2018-Q1", "--input",
                            str(_file(tmp_path)), "--format", "csv",
                            "--db", str(tmp_path / "none.duckdb")])
    import csv
    import io
    row = next(x for x in csv.DictReader(io.StringIO(r.stdout)) if x["code"] == "370300")
    assert "region_coefficients [M]" in row["marks"] and "formula [P]" in row["marks"]
    assert "rounding=gbt8170 (unverified)" in row["marks"]
