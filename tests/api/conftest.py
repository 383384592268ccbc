"""Fixtures of the API tests: the app over a real-data store, in process (httpx)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api._store import built_store


@pytest.fixture(scope="session")
def api_client():
    from qingshan.api import create_app
    app = create_app(built_store(), "shandong")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def empty_client(tmp_path):
    """The app over a new, empty store (for uploads), as a province staff user (bearer token)."""
    from qingshan.api import create_app
    from tests._auth import auth_headers
    app = create_app(tmp_path / "empty.duckdb", "shandong")
    with TestClient(app, raise_server_exceptions=False) as c:
        c.headers.update(auth_headers(app, "prov_staff"))
        yield c
