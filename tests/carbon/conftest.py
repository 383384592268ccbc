"""Shared fixtures of the carbon tests: the SYNTHETIC demo ledger, built once per session, and
an operational store holding it."""

import pytest


@pytest.fixture(scope="session")
def demo():
    from qingshan.carbon.demo import demo_data
    return demo_data()


@pytest.fixture(scope="session")
def demo_db(demo, tmp_path_factory):
    """An analytic-store path whose operational store (the SQLite file beside it) holds the
    demo ledger."""
    from qingshan.accounts.authz import Actor
    from qingshan.carbon import ledger
    from qingshan.config import get_settings
    db = tmp_path_factory.mktemp("carbon_demo") / "q.duckdb"
    ledger.save(demo, Actor.system("carbon-demo"), get_settings(db=db), action="demo")
    return db


@pytest.fixture(scope="session")
def client(demo_db):
    """One app (API and pages) over the demo ledger for every API/page test."""
    from fastapi.testclient import TestClient

    from qingshan.api import create_app
    app = create_app(demo_db, "shandong")
    app.state.auth_wired = hasattr(app.state, "ops_url")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
