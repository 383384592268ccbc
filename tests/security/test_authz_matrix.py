"""The authorization matrix: every route × every principal (anonymous and one user per role,
city staff of the record's own and of another city), each with its expected status
(tests/security/authz/README.md). It fails when a route has no entry."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests._auth import auth_headers, ensure_user, login
from tests.security.authz import PRINCIPALS, expectations, expected

pytestmark = pytest.mark.xdist_group("authz_matrix")

#: public reads are called as these principals only (they run no role-dependent code; every other
#: rule is called as every principal): anonymous, a province user, another city's user
PUBLIC_SAMPLE = ("anonymous", "prov_staff", "city_staff_other")


def routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route of the app, included routers' too (FastAPI resolves
    included routers lazily: their routes are not in ``app.routes`` itself)."""
    from fastapi.routing import APIRoute
    out: set[tuple[str, str]] = set()
    for r in app.routes:
        if isinstance(r, APIRoute):
            out |= {(m, r.path) for m in r.methods}
        elif hasattr(r, "effective_route_contexts"):
            for c in r.effective_route_contexts():
                out |= {(m, c.path) for m in c.methods}
    return {(m, p) for m, p in out if m != "HEAD"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory):
    """The app over a copy of the matrix store, its operational store on SQLite or on a real
    PostgreSQL 15 (tests/_postgres.py)."""
    from qingshan.api import create_app
    from tests.api._store import copy_store
    db = copy_store(tmp_path_factory.mktemp("authz"))
    url = None
    if request.param == "postgresql":
        from tests._postgres import new_database
        url = new_database()
    a = create_app(db, "shandong", database_url=url)
    a.state.backend = request.param
    return a


@pytest.fixture(scope="module")
def clients(app):
    """principal → a TestClient carrying its credentials: a bearer token for the API, a logged-in
    session (with its CSRF token) for the pages."""
    out = {}
    for name, pu in PRINCIPALS.items():
        api = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        web = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        csrf = None
        if pu is not None:
            role, unit = pu
            user = f"m_{name}"
            ensure_user(app, user, role, unit)
            api.headers.update(auth_headers(app, role, unit, username=user))
            csrf = login(web, user)
        out[name] = (api, web, csrf)
    yield out
    for api, web, _ in out.values():
        api.close()
        web.close()


def test_every_route_has_an_entry(app):
    listed = set(expectations())
    missing = sorted(routes(app) - listed, key=lambda t: (t[1], t[0]))
    assert not missing, ("routes without an authorization-matrix entry (add them to "
                         f"tests/security/authz/<domain>.py): {missing}")
    stale = sorted(listed - routes(app), key=lambda t: (t[1], t[0]))
    assert not stale, f"matrix entries for routes that do not exist: {stale}"


def _call(client, method, case, csrf):
    data = dict(case.data)
    if csrf and method != "GET" and not case.url.startswith("/api/") \
            and not case.url.startswith("/login"):
        data["csrf_token"] = csrf
    files = case.files and {k: (v[0], v[1]) for k, v in case.files.items()}
    return client.request(method, case.url, data=data or None, files=files, json=case.json)


def test_matrix(app, clients):
    results, wrong = 0, []
    for (method, path), case in sorted(expectations().items(), key=lambda kv: kv[0][::-1]):
        if app.state.backend == "postgresql" and method == "GET" and case.rule == "public":
            continue          # public reads do not touch the operational store: SQLite run only
        for principal in PRINCIPALS:
            if method == "GET" and case.rule == "public" and principal not in PUBLIC_SAMPLE:
                continue
            api, web, csrf = clients[principal]
            client = api if case.url.startswith("/api/") else web
            want = expected(case, principal, method)
            if path == "/logout" and principal != "anonymous":
                # logging out ends the session the other page checks use: a fresh one each time
                continue
            r = _call(client, method, case, csrf)
            results += 1
            ok = r.status_code in want if isinstance(want, frozenset) else r.status_code == want
            if not ok:
                body = re.sub(r"\s+", " ", r.text[:160])
                wrong.append(f"{method} {case.url} as {principal}: {r.status_code}, "
                             f"expected {want} — {body}")
    assert not wrong, f"{len(wrong)} of {results} calls wrong:\n" + "\n".join(wrong)
    print(f"authorization matrix: {len(expectations())} routes × {len(PRINCIPALS)} principals "
          f"= {results} calls")


def test_logout_ends_the_session(app):
    ensure_user(app, "m_logout", "city_staff", "371000")
    web = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    csrf = login(web, "m_logout")
    assert web.post("/logout").status_code == 403                    # no CSRF token
    assert web.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert web.get("/api/v1/auth/me").status_code == 401


def test_a_cross_origin_form_post_is_refused(app, clients):
    api, web, csrf = clients["prov_staff"]
    from tests.security.authz.core import WEIHAI_DAY
    for origin in ("http://evil.example", "null"):
        r = web.post("/data/upload", data={"kind": "cnemc", "csrf_token": csrf},
                     files={"file": WEIHAI_DAY}, headers={"Origin": origin})
        assert r.status_code == 403 and "another site" in r.text or "opaque" in r.text
    r = web.post("/data/upload", data={"kind": "cnemc"}, files={"file": WEIHAI_DAY},
                 headers={"Referer": "http://evil.example/form.html"})
    assert r.status_code == 403
    # an API client with a bearer token from another origin is refused the same way
    r = api.post("/api/v1/upload", data={"kind": "cnemc"}, files={"file": WEIHAI_DAY},
                 headers={"Origin": "http://evil.example"})
    assert r.status_code == 403


def test_security_headers_on_every_kind_of_response(app, clients):
    api, web, _ = clients["anonymous"]
    for r in (web.get("/"), api.get("/api/v1/cities"), web.get("/static/style.css"),
              api.get("/api/v1/nosuch"), web.get("/login")):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1] \
            .split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert len(r.headers["x-request-id"]) >= 8
    login_cookie = web.get("/login").headers["set-cookie"]
    assert "HttpOnly" in login_cookie and "SameSite=strict" in login_cookie


def test_session_cookie_flags(app):
    ensure_user(app, "m_cookie", "city_staff", "371000")
    web = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    r = web.get("/login")
    tok = re.search(r'name="csrf_token" value="([^"]*)"', r.text).group(1)
    r = web.post("/login", data={"username": "m_cookie", "password": "correct horse battery "
                                 "staple", "csrf_token": tok},
                 headers={"X-Forwarded-Proto": "https"})
    c = r.headers["set-cookie"]
    assert r.status_code == 303 and "qs_session=" in c
    assert "HttpOnly" in c and "SameSite=lax" in c and "Secure" in c and "Path=/" in c
    # an open redirect through ?next= is not possible
    r = web.get("/login")
    tok = re.search(r'name="csrf_token" value="([^"]*)"', r.text).group(1)
    r = web.post("/login", data={"username": "m_cookie", "password": "correct horse battery "
                                 "staple", "csrf_token": tok, "next": "//evil.example/x"})
    assert r.headers["location"] == "/"
