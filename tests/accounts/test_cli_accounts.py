"""``qingshan user|token|audit``: the administration commands, in process, on an SQLite store
beside a temporary DuckDB path (and on PostgreSQL through QINGSHAN_DATABASE_URL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from qingshan.cli import app

PW = "correct horse battery\n"


@pytest.fixture
def run(tmp_path, ops_url, monkeypatch):
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", ops_url)
    db = str(tmp_path / "q.duckdb")
    runner = CliRunner()

    def go(*args, input=None):
        return runner.invoke(app, [*args, "--db", db], input=input)
    return go


def test_user_lifecycle_and_audit(run, ops_url):
    r = run("user", "add", "wang", "--role", "city_staff", "--unit", "371000", input=PW)
    assert r.exit_code == 0, r.output
    assert "city_staff of 371000 (威海市)" in r.output
    r = run("user", "add", "wang", "--role", "city_staff", "--unit", "371000", input=PW)
    assert r.exit_code == 2 and "exists" in r.output
    r = run("user", "add", "li", "--role", "city_staff", "--unit", "370000", input=PW)
    assert r.exit_code == 2 and "held at city level" in r.output and "Traceback" not in r.output
    r = run("user", "set-role", "wang", "--role", "prov_staff", "--unit", "370000")
    assert r.exit_code == 0 and "prov_staff of 370000" in r.output
    r = run("user", "list", "--format", "json")
    assert '"role": "prov_staff"' in r.output
    r = run("token", "create", "wang", "--days", "2", "--name", "laptop")
    assert r.exit_code == 0 and r.output.startswith("qs_")
    r = run("token", "revoke", "1")
    assert r.exit_code == 0
    r = run("user", "disable", "wang")
    assert r.exit_code == 0
    r = run("audit", "show", "--entity", "user:wang", "--format", "json")
    assert [x in r.output for x in ('"create"', '"permission_change"', '"disable"')] == [True] * 3
    r = run("audit", "verify")
    assert r.exit_code == 0 and "audit log OK: 5 rows" in r.output, r.output
    anchor = r.output.rsplit("anchor ", 1)[1].strip()
    assert run("audit", "verify", "--anchor", anchor).exit_code == 0
    assert run("audit", "verify", "--anchor", "2:" + "f" * 64).exit_code == 1


def test_as_user_is_recorded_and_must_exist(run):
    assert run("user", "add", "admin", "--role", "prov_admin", input=PW).exit_code == 0
    r = run("user", "add", "zhao", "--role", "county_staff", "--unit", "371002", "--as", "admin",
            input=PW)
    assert r.exit_code == 0, r.output
    r = run("audit", "show", "--entity", "user:zhao", "--format", "json")
    assert '"actor_username": "admin"' in r.output
    r = run("user", "add", "qian", "--role", "county_staff", "--unit", "371002", "--as", "ghost",
            input=PW)
    assert r.exit_code == 2 and "no such enabled user" in r.output


def test_verify_fails_on_a_tampered_row(run, ops_url):
    from qingshan.store import ops
    for name in ("a1", "a2", "a3"):
        assert run("user", "add", name, "--role", "auditor", input=PW).exit_code == 0
    with ops.session_scope(ops_url) as s:
        if s.bind.dialect.name == "postgresql":
            s.execute(text("DROP TRIGGER audit_event_no_update ON audit_event"))
        else:
            s.execute(text("DROP TRIGGER audit_event_no_update"))
        s.execute(text("UPDATE audit_event SET actor_username = 'someone' WHERE seq = 2"))
    r = run("audit", "verify")
    assert r.exit_code == 1 and "FAILS at row 2" in r.output
