"""One app for the governance API and page tests (building an app imports every domain)."""

import pytest
from fastapi.testclient import TestClient

from tests._auth import auth_headers

USERS = [("city_staff", "371000"), ("city_staff", "371100"), ("prov_staff", "370000"),
         ("handler", "371002"), ("city_leader", "371000")]


@pytest.fixture(scope="session")
def gov_client(tmp_path_factory):
    from qingshan.api import create_app
    app = create_app(tmp_path_factory.mktemp("gapi") / "g.duckdb", "shandong")
    with TestClient(app, raise_server_exceptions=False) as c:
        c.h = {(r, u): auth_headers(app, r, u, username=f"g_{r}_{u}") for r, u in USERS}
        yield c
