"""The bulletin's side calls (qingshan.air.report._Side): each call on its own cursor, errors
raised where the result is read, the sequential switch runs at once on the connection."""

from __future__ import annotations

import duckdb
import pytest

from qingshan.air.report import _Side


def _temp(con, name: str) -> int:
    # a temporary table lives on the connection (cursor) that created it
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT 42 AS x")
    return con.execute(f"SELECT x FROM {name}").fetchall()[0][0]


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}


def test_each_call_has_its_own_cursor():
    con = duckdb.connect()
    with _Side(con, True) as side:
        a, b = side.submit(_temp, "t_side"), side.submit(_temp, "t_side")
        # the same temporary name twice: each on its own cursor, so neither collides
        assert (a.result(), b.result()) == (42, 42)
    assert "t_side" not in _tables(con)     # the cursors' temporary tables went with them


def test_sequential_switch_runs_on_the_connection():
    con = duckdb.connect()
    with _Side(con, False) as side:
        assert side.submit(_temp, "t_seq").result() == 42
    assert "t_seq" in _tables(con)          # created on con itself, as before the threads


@pytest.mark.parametrize("on", [True, False])
def test_errors_surface_at_result(on):
    def boom(con):
        raise KeyError("no such city")

    with _Side(duckdb.connect(), on) as side:
        fut = side.submit(boom)
        with pytest.raises(KeyError, match="no such city"):
            fut.result()
