"""Where the operational store is, without SQLAlchemy (``qingshan.store.ops_where``): the
same file as SQLAlchemy's own URL parser names, for every form of SQLite URL."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from qingshan.store import ops, ops_where


@pytest.mark.parametrize("url", [
    "sqlite:////tmp/qs/prov.ops.sqlite",          # the form ops_url_for makes
    "sqlite:///relative/prov.ops.sqlite",
    "sqlite+pysqlite:////tmp/qs/a.sqlite",
    "sqlite:////tmp/qs/with%20space.sqlite",
    "sqlite:////tmp/qs/a.sqlite?mode=ro&uri=true",
])
def test_the_file_sqlalchemy_names(url):
    assert ops_where.sqlite_file(url) == make_url(url).database


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:",
                                 "postgresql+psycopg://qs@127.0.0.1:5432/qs"])
def test_no_file(url):
    assert ops_where.sqlite_file(url) is None


def test_exists_and_the_default_url(tmp_path):
    db = tmp_path / "prov.duckdb"
    url = ops_where.ops_url_for(db)
    assert url == f"sqlite:///{tmp_path.resolve()}/prov.ops.sqlite"
    assert not ops_where.exists(url)               # never created by asking
    assert not (tmp_path / "prov.ops.sqlite").exists()
    (tmp_path / "prov.ops.sqlite").write_bytes(b"")
    assert ops_where.exists(url)
    assert ops_where.exists("postgresql+psycopg://qs@127.0.0.1:5432/qs")   # a server: asked
    assert not ops_where.exists("sqlite:///:memory:")
    # the operational store module gives the same functions (its public names kept)
    assert ops.exists is ops_where.exists and ops.ops_url_for is ops_where.ops_url_for
