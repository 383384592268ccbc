"""The accounts tests run against both operational stores: an SQLite file and a real
PostgreSQL 15 (tests/_postgres.py starts it)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def ops_url(request, tmp_path):
    from qingshan.store import ops
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    else:
        from tests._postgres import new_database
        url = new_database()
    ops.upgrade(url)
    yield url
    ops.get_engine(url).dispose()


@pytest.fixture
def tree():
    from qingshan.accounts.orgtree import tree_for
    return tree_for("shandong")


@pytest.fixture
def system(tree):
    from qingshan.accounts.authz import Actor
    return Actor.system("tests", tree.province, tree)
