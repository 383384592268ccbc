"""Who is asking: sessions, bearer tokens, CSRF, login/logout, and the dependencies routes use.

- **Pages** log in at ``/login`` (a form with a CSRF token) and get a server-side session: the
  cookie ``qs_session`` holds a random value whose SHA-256 is the session's key in the operational
  store; ``HttpOnly``, ``SameSite=Lax``, ``Secure`` when the request came over HTTPS (or
  ``Settings.secure_cookies``), ``Path=/``. ``POST /logout`` ends it.
- **API clients** get a bearer token with the OAuth2 password flow at ``POST /api/v1/auth/token``
  (form fields ``username``, ``password``, ``grant_type=password``; as FastAPI documents it), or
  from ``qingshan token create``; tokens expire and can be revoked.
- **CSRF**: every unsafe request (POST, PUT, PATCH, DELETE) that is authenticated by the cookie
  must carry the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``), and
  any unsafe request whose ``Origin``/``Referer`` names another site is refused
  (:mod:`qingshan.api.security`). Bearer requests carry no ambient credential and need no token.
- Which reads are public is ``Settings.public_pages``; writes always need a user.

Routes use :func:`current_actor` (401 without a user), :func:`optional_actor`, and
:func:`require_roles` (403 when the user's role or unit does not allow it).
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote as urlquote
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel

from qingshan.accounts import service
from qingshan.accounts.authz import Actor, Forbidden, require
from qingshan.accounts.orgtree import tree_for
from qingshan.api import API_PREFIX
from qingshan.api.errors import ApiError
from qingshan.store import ops

__all__ = ["SESSION_COOKIE", "CSRF_COOKIE", "current_actor", "optional_actor", "require_roles",
           "resolve", "router", "pages_router", "csrf_field_html", "install_auth", "TokenOut",
           "is_https"]

SESSION_COOKIE = "qs_session"
CSRF_COOKIE = "qs_csrf"          # the login form's double-submit token (no session yet)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_https(request: Request) -> bool:
    s = request.app.state.settings
    if s.secure_cookies is not None:
        return s.secure_cookies
    return request.url.scheme == "https" or \
        request.headers.get("x-forwarded-proto", "").lower() == "https"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def resolve(request: Request) -> Actor | None:
    """The actor of the request (bearer token first, then session cookie); cached on the request.

    Sets ``request.state.auth_via`` ("token" / "session" / None) and, for a session, the
    session's CSRF token in ``request.state.csrf``.
    """
    st = request.state
    if getattr(st, "actor_resolved", False):
        return st.actor
    st.actor_resolved, st.actor, st.auth_via, st.csrf = True, None, None, None
    url, tree = request.app.state.ops_url, tree_for(request.app.state.province)
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        # read without SQLite's write lock; the last use (every 5 min) is a write of its own
        with ops.read_scope(url) as s:
            st.actor, stale = service.token_use(s, tree, auth[7:].strip())
        if stale is not None:
            with ops.session_scope(url) as s:
                service.touch_token(s, stale)
        if st.actor is None:
            raise ApiError(401, "unauthorized", "the bearer token is invalid, expired or revoked")
        st.auth_via = "token"
        return st.actor
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with ops.read_scope(url) as s:
            got = service.session_actor(s, tree, cookie)
        if got is not None:
            st.actor, st.csrf = got
            st.auth_via = "session"
    return st.actor


def needs_lookup(request: Request) -> bool:
    """Whether :func:`resolve` would read the operational store for ``request`` (a bearer token
    or a session cookie, not yet resolved): such a lookup runs in a worker thread, never in
    the server's event loop, whose every other request would wait for it (an SQLite
    transaction waits for the store's writer, e.g. a ledger edit's commit)."""
    if getattr(request.state, "actor_resolved", False):
        return False
    return (request.headers.get("authorization", "")[:7].lower() == "bearer "
            or bool(request.cookies.get(SESSION_COOKIE)))


def optional_actor(request: Request) -> Actor | None:
    """The logged-in user, or None."""
    return resolve(request)


def current_actor(request: Request) -> Actor:
    """The logged-in user; 401 (API) or a redirect to the login page (pages) without one."""
    a = resolve(request)
    if a is None:
        raise ApiError(401, "unauthorized", "log in first (POST /api/v1/auth/token for a bearer "
                                            "token, or /login in a browser)")
    return a


def require_roles(*roles: str, what: str = "this"):
    """A dependency: the current user, who must hold one of ``roles`` (at any unit; routes check
    the unit of the record with :func:`qingshan.accounts.authz.require`)."""
    def dep(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        return require(actor, roles, None, what)
    return dep


def csrf_field_html(request: Request) -> str:
    """The hidden form field every page form must include (``{{ csrf_field() }}``)."""
    resolve(request)
    tok = getattr(request.state, "csrf", None) or getattr(request.state, "login_csrf", None) or ""
    return f'<input type="hidden" name="csrf_token" value="{tok}">'


# ---- JSON API ---------------------------------------------------------------------------------

router = APIRouter(tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    username: str
    role: str
    unit: str
    functional_roles: list[str]
    via: str


@router.post("/auth/token", response_model=TokenOut, summary="Log in: a bearer token (OAuth2 "
             "password flow)", responses={401: {"description": "wrong username or password"},
                                          429: {"description": "account locked"}})
def token(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
          grant_type: Annotated[str, Form(pattern="^password$")] = "password",
          scope: Annotated[str, Form()] = "") -> dict:
    """OAuth2 password flow (RFC 6749 §4.3): form fields ``username`` and ``password``; answers
    ``{"access_token", "token_type": "bearer", "expires_in"}``. Failed attempts count toward the
    account's lock-out like the login page's."""
    settings = request.app.state.settings
    url, tree = request.app.state.ops_url, tree_for(request.app.state.province)
    try:
        with ops.session_scope(url) as s:
            u = service.login(s, tree, username, password, failures=settings.lockout_failures,
                              lock_minutes=settings.lockout_minutes, client_ip=_client_ip(request),
                              request_id=getattr(request.state, "request_id", None))
            t = service.create_token(s, tree, service.actor_for(u, tree, "token"), u.username,
                                     settings.session_hours / 24, "oauth2 password flow")
    except service.LoginRefused as e:
        status = 429 if e.locked_until else 401
        raise ApiError(status, "locked" if e.locked_until else "unauthorized", str(e)) from None
    return {"access_token": t.token, "token_type": "bearer",
            "expires_in": int(settings.session_hours * 3600)}


@router.get("/auth/me", response_model=MeOut, summary="Who am I")
def me(actor: Annotated[Actor, Depends(current_actor)]) -> dict:
    return {"username": actor.username, "role": actor.role, "unit": actor.unit,
            "functional_roles": list(actor.extra_roles), "via": actor.via}


# ---- pages ------------------------------------------------------------------------------------

pages_router = APIRouter(include_in_schema=False)

_TEXT = {
    "zh": {"title": "登录", "user": "用户名", "password": "密码", "submit": "登录",
           "wrong": "用户名或密码错误", "locked": "登录失败次数过多，账户已锁定，请稍后再试",
           "csrf": "表单已过期，请重新提交", "logged_out": "已退出登录"},
    "en": {"title": "Log in", "user": "Username", "password": "Password", "submit": "Log in",
           "wrong": "Wrong username or password",
           "locked": "Too many failed logins: the account is locked for a while",
           "csrf": "The form has expired; please submit it again", "logged_out": "Logged out"},
}


def _safe_next(nxt: str | None) -> str:
    """Only a local path (no scheme, no host, no ``//``): never an open redirect."""
    if not nxt or not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
        return "/"
    p = urlparse(nxt)
    return "/" if p.scheme or p.netloc else nxt


def _login_page(request: Request, status: int = 200, error: str | None = None,
                nxt: str = "/") -> HTMLResponse:
    from qingshan.web.render import page
    tok = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.login_csrf = tok
    resp = page(request, "login.html", status=status, error=error, next=_safe_next(nxt),
                texts=_TEXT["en" if page_lang(request) == "en" else "zh"])
    resp.set_cookie(CSRF_COOKIE, tok, httponly=True, samesite="strict", secure=is_https(request),
                    path="/login")
    return resp


def page_lang(request: Request) -> str:
    from qingshan.web.i18n import request_lang
    return request_lang(request)


@pages_router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _login_page(request, nxt=next)


@pages_router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, username: Annotated[str, Form(max_length=64)],
                 password: Annotated[str, Form(max_length=1024)],
                 csrf_token: Annotated[str, Form(max_length=128)] = "",
                 next: Annotated[str, Form(max_length=2000)] = "/"):
    texts = _TEXT["en" if page_lang(request) == "en" else "zh"]
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        return _login_page(request, 403, texts["csrf"], next)
    settings = request.app.state.settings
    url, tree = request.app.state.ops_url, tree_for(request.app.state.province)
    try:
        with ops.session_scope(url) as s:
            u = service.login(s, tree, username, password, failures=settings.lockout_failures,
                              lock_minutes=settings.lockout_minutes, client_ip=_client_ip(request),
                              request_id=getattr(request.state, "request_id", None))
            value, _ = service.open_session(s, u, settings.session_hours, _client_ip(request))
    except service.LoginRefused as e:
        return _login_page(request, 429 if e.locked_until else 401,
                           texts["locked" if e.locked_until else "wrong"], next)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(SESSION_COOKIE, value, max_age=int(settings.session_hours * 3600),
                    httponly=True, samesite="lax", secure=is_https(request), path="/")
    resp.delete_cookie(CSRF_COOKIE, path="/login")
    return resp


@pages_router.post("/logout")
def logout(request: Request, actor: Annotated[Actor, Depends(current_actor)]):
    url, tree = request.app.state.ops_url, tree_for(request.app.state.province)
    with ops.session_scope(url) as s:
        service.end_session(s, tree, request.cookies.get(SESSION_COOKIE, ""))
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


def install_auth(app) -> None:
    """Mount the auth routes; 401 on a page becomes a redirect to the login page; ``Forbidden``
    from any domain becomes 403 in the one error shape."""
    from qingshan.api.errors import install_handlers  # noqa: F401 - handlers installed first

    app.include_router(router, prefix=API_PREFIX)
    app.include_router(pages_router)
    api_error = app.exception_handlers[ApiError]

    async def _api_error(request: Request, e: ApiError):
        if e.status == 401 and not request.url.path.startswith("/api/") \
                and request.method in SAFE_METHODS:
            nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={urlquote(nxt, safe='')}", status_code=303)
        resp = await api_error(request, e)
        if e.status == 401 and isinstance(resp, JSONResponse):
            resp.headers["WWW-Authenticate"] = "Bearer"
        return resp

    async def _forbidden(request: Request, e: Forbidden):
        return await api_error(request, ApiError(403, "forbidden", str(e)))

    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(Forbidden, _forbidden)
