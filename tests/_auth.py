"""Test users: create a user with a role in an app's (or a store's) operational store and get
a bearer token or a logged-in session for it — through the real accounts service."""

from __future__ import annotations

import re
from pathlib import Path

PASSWORD = "correct horse battery staple"
#: one user per role for the tests (unit: Weihai for city roles, Huancui for county roles)
UNITS = {"prov_admin": "370000", "prov_staff": "370000", "prov_leader": "370000",
         "auditor": "370000", "city_staff": "371000", "city_reviewer": "371000",
         "city_leader": "371000", "county_staff": "371002", "handler": "371002"}


def ops_url_of(target) -> str:
    """The operational store of an app, a TestClient, or an analytic store path."""
    from qingshan.store import ops
    app = getattr(target, "app", target)
    if hasattr(app, "state"):
        return app.state.ops_url
    return ops.ops_url_for(Path(target))


def ensure_user(target, username: str, role: str, unit: str | None = None,
                password: str = PASSWORD, province: str = "shandong") -> None:
    from sqlalchemy import select

    from qingshan.accounts import service
    from qingshan.accounts.authz import Actor
    from qingshan.accounts.models import User
    from qingshan.accounts.orgtree import tree_for
    from qingshan.store import ops
    url = ops_url_of(target)
    ops.upgrade(url)
    tree = tree_for(province)
    with ops.session_scope(url) as s:
        if s.scalar(select(User).where(User.username == username)) is None:
            service.add_user(s, tree, Actor.system("tests", tree.province, tree), username,
                             password, role, unit or UNITS.get(role))


def token_for(target, role: str = "prov_staff", unit: str | None = None,
              username: str | None = None, province: str = "shandong") -> str:
    """A bearer token of a (new or existing) user with ``role`` at ``unit``."""
    from qingshan.accounts import service
    from qingshan.accounts.orgtree import tree_for
    from qingshan.store import ops
    username = username or f"t_{role}_{unit or UNITS.get(role, 'x')}"
    ensure_user(target, username, role, unit, province=province)
    tree = tree_for(province)
    with ops.session_scope(ops_url_of(target)) as s:
        return service.create_token(s, tree, _sys(tree), username, 1).token


def _sys(tree):
    from qingshan.accounts.authz import Actor
    return Actor.system("tests", tree.province, tree)


def auth_headers(target, role: str = "prov_staff", unit: str | None = None, **kw) -> dict:
    return {"Authorization": f"Bearer {token_for(target, role, unit, **kw)}"}


def login(client, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login form; returns the session's CSRF token."""
    r = client.get("/login")
    tok = re.search(r'name="csrf_token" value="([^"]*)"', r.text).group(1)
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf_token": tok}, follow_redirects=False)
    assert r.status_code == 303, (r.status_code, r.text[:300])
    page = client.get("/data")
    return re.search(r'name="csrf_token" value="([^"]*)"', page.text).group(1)
