"""``qingshan governance …`` end to end on a temporary store (template → import → list →
transition → rates), in process (Typer's runner)."""

import openpyxl
import pytest
from typer.testing import CliRunner

from qingshan.governance.cli import app
from tests._auth import ensure_user

RUN = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "q.duckdb"
    monkeypatch.setenv("QINGSHAN_DB", str(db))
    ensure_user(db, "wh_city", "city_staff", "371000")
    return tmp_path, db


def test_template_import_list_transition(env):
    tmp, db = env
    t = tmp / "c.xlsx"
    r = RUN.invoke(app, ["template", "dc_petition", "-o", str(t)])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(t)
    ws = wb.active
    ws.append(["B33-1", 33, "2025-07-02", "来信", "否", "371002", "大气、噪声", "异味扰民"])
    wb.save(t)
    r = RUN.invoke(app, ["import", str(t), "-t", "dc_petition", "--db", str(db)])
    assert r.exit_code == 4 and "needs one of" in r.output      # the OS user is no case author
    r = RUN.invoke(app, ["import", str(t), "-t", "dc_petition", "--as", "wh_city", "--db",
                         str(db)])
    assert r.exit_code == 0 and "1 stored" in r.output, r.output
    r = RUN.invoke(app, ["list", "--kind", "dc_petition", "--db", str(db), "-o",
                         str(tmp / "l.csv")])
    assert r.exit_code == 0
    no = (tmp / "l.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]
    assert no.startswith("DX-371000-2025-")
    r = RUN.invoke(app, ["transition", no, "assign", "--param", "assigned_to=371002", "--as",
                         "wh_city", "--date", "2025-07-02", "--db", str(db)])
    assert r.exit_code == 0 and "now assigned" in r.output, r.output
    r = RUN.invoke(app, ["transition", no, "spot_check", "--as", "wh_city", "--db", str(db)])
    assert r.exit_code == 2 and "not allowed from state" in r.output
    r = RUN.invoke(app, ["rates", "dc_petition", "--cutoff", "2025-07-31", "--db", str(db)])
    assert r.exit_code == 0 and "信访件办结率" in r.output
    # the one handed-over case, assigned and not fed back: 0 of 1 concluded; the denominator
    # lists it, in state "assigned" at the cut-off
    r = RUN.invoke(app, ["drilldown", "dc_petition", "--rate", "信访件办结率", "--unit",
                         "371000", "--part", "denominator", "--cutoff", "2025-07-31",
                         "--as", "wh_city", "--db", str(db), "-o", str(tmp / "d.csv")])
    assert r.exit_code == 0, r.output
    lines = (tmp / "d.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{no},dc_petition,371000,assigned,")
    r = RUN.invoke(app, ["drilldown", "dc_petition", "--rate", "x", "--unit", "371000",
                         "--cutoff", "2025-07-31", "--as", "wh_city", "--db", str(db)])
    assert r.exit_code == 2 and "no rate 'x'" in r.output


def test_import_error_names_line_and_field(env):
    tmp, db = env
    t = tmp / "bad.xlsx"
    RUN.invoke(app, ["template", "dc_petition", "-o", str(t)])
    wb = openpyxl.load_workbook(t)
    wb.active.append(["B1", "x", "2025-07-02", "来信", None, "371002", "大气", "y"])
    wb.save(t)
    r = RUN.invoke(app, ["import", str(t), "-t", "dc_petition", "--as", "wh_city", "--db",
                         str(db)])
    assert r.exit_code == 2 and "bad.xlsx:2: field '批次'" in r.output
    assert "nothing was stored" in r.output
