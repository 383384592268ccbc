"""``qingshan evaluate …`` end to end (COINr ASEM data and the synthetic demo panel)."""

import json

import pytest
from typer.testing import CliRunner

from qingshan.cli import app

from .conftest import ASEM_DIR

runner = CliRunner()
asem = pytest.mark.skipif(not (ASEM_DIR / "ASEM_iData.csv").is_file(),
                          reason=f"COINr ASEM data not found at {ASEM_DIR}")


@asem
def test_run_json_reproduces_coinr(tmp_path):
    out = tmp_path / "asem.json"
    r = runner.invoke(app, ["evaluate", "run", "--framework", "coinr-asem", "--year", "2018",
                            "--unit", "CHE", "--format", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    idx = next(x for x in rows if x["node"] == "Index")
    # COINr vignette "Presenting Results": CHE rank 1, Index 68.38
    assert idx["rank"] == 1 and round(idx["score"], 2) == 68.38
    assert set(rows[0]) >= {"unit", "unit_name", "node", "node_name", "level", "score", "rank"}


@asem
def test_explain_and_sensitivity():
    r = runner.invoke(app, ["evaluate", "explain", "-f", "coinr-asem", "--year", "2018",
                            "--unit", "CHE", "--node", "Index", "--format", "json"])
    assert r.exit_code == 0, r.output
    e = json.loads(r.output)
    assert round(e["score"], 2) == 68.38
    assert sum(c["contribution"] for c in e["rows"]) == pytest.approx(e["score"])
    r = runner.invoke(app, ["evaluate", "sensitivity", "-f", "coinr-asem", "--year", "2018",
                            "--vary", "aggregation=amean,gmean", "-n", "16"])
    assert r.exit_code == 2 and "cannot be applied" in r.output     # zeros in [0, 100]
    r = runner.invoke(app, ["evaluate", "sensitivity", "-f", "coinr-asem", "--year", "2018",
                            "--vary", "normalise_range=1:100,2:100", "--vary",
                            "aggregation=amean,gmean", "-n", "32", "--format", "json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.output)
    assert s["replications"] >= 32 and {x["input"] for x in s["sobol"]} == \
        {"normalise_range", "aggregation"}


def test_demo_data_run_shows_marks_and_synthetic(tmp_path):
    demo = tmp_path / "demo.csv"
    r = runner.invoke(app, ["evaluate", "demo-data", "-o", str(demo)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["evaluate", "run", "-f", "shandong-2035", "--year", "2025",
                            "--data", str(demo), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert "[M] pm25 target 2027" in r.output and "synthetic" in r.output
    r = runner.invoke(app, ["evaluate", "run", "-f", "shandong-2035", "--year", "2025",
                            "--data", str(demo)])
    assert "SYNTHETIC" in r.output and "unverified" in r.output


def test_no_data_is_a_clear_error(tmp_path):
    r = runner.invoke(app, ["evaluate", "run", "-f", "ndrc-2020", "--year", "2025",
                            "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "no data for framework" in r.output


def test_template_written(tmp_path):
    out = tmp_path / "wh.xlsx"
    r = runner.invoke(app, ["evaluate", "template", "--city", "威海市", "--year", "2025",
                            "-o", str(out)])
    assert r.exit_code == 0, r.output and out.is_file()
    r = runner.invoke(app, ["evaluate", "submit", str(out)])
    assert r.exit_code == 2 and "no filled rows" in r.output
