"""The water engine's builders are pure: each question is one statement (SQL text and bound
parameters) that runs on a fresh connection holding only the input tables — no temporary table
from an earlier call, no registered relation, no replacement scan (the server's connection has
external access disabled, which disables replacement scans too)."""

from __future__ import annotations

import re

import duckdb
import pytest

from qingshan.store import connect
from qingshan.water.engine.coastal import coastal_groups_q, coastal_points_q
from qingshan.water.engine.stats import assessment_q, groups_q, means_q, sections_q
from qingshan.water.engine.sql import run
from qingshan.water.engine.surface import PARAM_LABELS_ZH
from qingshan.water.service import coastal_assessment, water_assessment
from tests.api._water import tiny_water_store

INPUTS = ("water_sample", "water_section", "water_section_target", "coastal_point",
          "coastal_sample")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return tiny_water_store(tmp_path_factory.mktemp("builders"))


@pytest.fixture()
def fresh(store):
    """A new in-memory database with copies of the input tables only, locked down like the
    server's (no external access, so no replacement scans)."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS src (READ_ONLY)", [str(store)])
    for t in INPUTS:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM src.main.{t}")
    con.execute("DETACH src")
    con.execute("SET enable_external_access = false")
    yield con
    con.close()


def _no_state(con):
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0] == 0
    assert {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()} \
        == set(INPUTS)


@pytest.mark.parametrize("level", ["section", "city", "basin", "province"])
@pytest.mark.parametrize("period", ["2021", "2021-06", "2021-Q2", "2021-H1",
                                    "2021-03..2021-07"])
def test_assessment_runs_on_a_fresh_connection(fresh, level, period):
    q = assessment_q(period, level, province_code="370000", labels=PARAM_LABELS_ZH)
    assert not re.search(r"\b(CREATE|TEMP|TEMPORARY|REGISTER)\b", q.sql, re.I)
    df = run(fresh, q)
    _no_state(fresh)
    if level == "province":
        # 2021, June, H1 and the run 2021-03..07 hold the June samples: 8 of 12 in I–III
        # (Q2 needs two samplings: none)
        want = 0 if period == "2021-Q2" else 8
        assert df.n_excellent.fillna(0).iloc[0] == want


def test_same_answers_as_the_service_on_the_store(fresh, store):
    con = connect(store, read_only=True)
    try:
        for level in ("section", "city", "province"):
            svc = water_assessment(con, "2021-H1", level, province_code="370000")
            got = run(fresh, assessment_q("2021-H1", level, province_code="370000",
                                          labels=PARAM_LABELS_ZH))
            cols = [c for c in got.columns]
            assert svc[cols].reset_index(drop=True).equals(got.reset_index(drop=True)), level
        pts = coastal_assessment(con, "2021", "point")
        assert run(fresh, coastal_points_q("2021", labels=PARAM_LABELS_ZH)).equals(pts)
    finally:
        con.close()


def test_other_builders_run_on_a_fresh_connection(fresh):
    assert len(run(fresh, means_q("2021-H1"))) == 16        # 12 NH3-N + 4 TP means
    assert len(run(fresh, sections_q("2021-06"))) == 12
    assert run(fresh, groups_q("2021", "city")).group_key.tolist() == ["370100", "370200"]
    # coastal: P1, P3 of 4 points excellent = 50 % (tests/water/test_coastal.py)
    g = run(fresh, coastal_groups_q("2021", "province", province_code="370000")).iloc[0]
    assert g.excellent_pct_count == pytest.approx(50.0)
    _no_state(fresh)


def test_values_are_bound_not_written(fresh):
    # the province code, the period's days and the limit tables are parameters
    q = groups_q("2021-H1", "province", province_code="37'0000")
    assert "37'0000" not in q.sql and "2021" not in q.sql
    assert q.params["province"] == "37'0000"
    assert run(fresh, q).group_key.iloc[0] == "37'0000"
