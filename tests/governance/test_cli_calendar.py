"""``qingshan calendar due|check`` (spec/governance.md §1.2; dates counted in test_calendar.py)."""

from typer.testing import CliRunner

from qingshan.governance.cli_calendar import app

RUN = CliRunner()


def test_due_working_days_and_days():
    r = RUN.invoke(app, ["due", "2025-09-26", "--working-days", "15"])
    assert r.exit_code == 0 and r.stdout.strip() == "2025-10-23"
    r = RUN.invoke(app, ["due", "2025-09-26", "--days", "10"])
    assert r.exit_code == 0 and r.stdout.strip() == "2025-10-09"
    r = RUN.invoke(app, ["due", "2025-09-26", "--days", "10", "--no-roll"])
    assert r.stdout.strip() == "2025-10-06"


def test_due_errors():
    r = RUN.invoke(app, ["due", "2025-09-26"])
    assert r.exit_code == 2 and "exactly one" in r.output
    r = RUN.invoke(app, ["due", "2026-12-28", "--working-days", "15"])
    assert r.exit_code == 2 and "2027" in r.output
    r = RUN.invoke(app, ["due", "2025-13-01", "--days", "1"])
    assert r.exit_code == 2


def test_check():
    r = RUN.invoke(app, ["check", "2025-10-11"])
    assert "working day (make-up workday)" in r.stdout
    r = RUN.invoke(app, ["check", "2025-10-06"])
    assert "non-working day (holiday)" in r.stdout
