"""Request guards of the server: security headers, request ids, cross-site refusal, CSRF, the
public-pages setting, and a per-user bound on concurrent heavy queries.

- Every response carries a Content-Security-Policy without inline script (``script-src 'self'``),
  ``frame-ancestors 'none'``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
  same-origin``, ``X-Frame-Options: DENY`` and an ``X-Request-ID`` (the client's, if it sent a
  sane one, else a new one; the audit log records it).
- An unsafe request (POST, PUT, PATCH, DELETE) whose ``Origin`` (or, without it, ``Referer``)
  names another host than the request's is refused with 403 — a cross-origin form post never
  reaches a route. A cookie-authenticated unsafe request must also carry the session's CSRF token
  (OWASP CSRF cheat sheet: synchroniser token + origin check).
- With ``Settings.public_pages = false`` every read needs a user too (the login page, the token
  endpoint and static assets stay open).
- At most ``Settings.heavy_queries_per_user`` assessments/rankings/reports run at once per user
  (per client address when anonymous); more get 429 with ``Retry-After``.
"""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from collections import defaultdict
from urllib.parse import urlparse

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from qingshan.api.auth import SESSION_COOKIE, needs_lookup, resolve
from qingshan.api.errors import ApiError, error_json

__all__ = ["SecurityHeadersMiddleware", "HeavyQueryLimiter", "guard", "CSP", "HEAVY_PATHS",
           "OPEN_PATHS"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_RID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: paths (prefixes) whose requests compute assessments, rankings or reports
HEAVY_PATHS = ("/api/v1/assessment", "/api/v1/rankings", "/api/v1/water/assessment",
               "/api/v1/coastal", "/api/v1/aqi/daily", "/api/v1/compliance", "/report")
#: paths every visitor may use even when pages are not public
OPEN_PATHS = ("/login", "/static/", "/favicon.ico", "/api/v1/auth/token", "/api/v1/openapi.json",
              "/healthz")
#: paths that check their own form token (the login form's double-submit cookie) or take a
#: password in the body (the OAuth2 token endpoint), so a session cookie needs no CSRF token there
CSRF_OWN = ("/login", "/api/v1/auth/token")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SecurityHeadersMiddleware:
    """Pure ASGI: add the headers and the request id to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = next((v.decode("latin-1") for k, v in scope.get("headers", [])
                    if k == b"x-request-id"), "")
        if not _RID.match(rid):
            rid = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in {k for k, _ in HEADERS}]
                headers += HEADERS + [(b"x-request-id", rid.encode())]
                message = {**message, "headers": headers}
            await send(message)
        await self.app(scope, receive, send_with)


class HeavyQueryLimiter:
    """Pure ASGI: bound concurrent heavy requests per identity (module docstring)."""

    def __init__(self, app, per_user: int):
        self.app, self.per_user = app, per_user
        self._n: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    @staticmethod
    def _identity(scope) -> str:
        h = dict(scope.get("headers", []))
        auth = h.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer ":
            return "t:" + auth[7:].decode("latin-1")[-16:]
        for part in h.get(b"cookie", b"").decode("latin-1").split(";"):
            k, _, v = part.strip().partition("=")
            if k == SESSION_COOKIE and v:
                return "s:" + v[-16:]
        client = scope.get("client")
        return "a:" + (client[0] if client else "?")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(HEAVY_PATHS):
            return await self.app(scope, receive, send)
        who = self._identity(scope)
        with self._lock:
            busy = self._n[who] >= self.per_user
            if not busy:
                self._n[who] += 1
        if busy:
            resp = error_json(429, "too_many_requests",
                              f"at most {self.per_user} heavy queries (assessments, rankings, "
                              "reports) at once per user; retry when one has finished")
            resp.headers["Retry-After"] = "2"
            return await resp(scope, receive, send)
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self._n[who] -= 1
                if not self._n[who]:
                    del self._n[who]


def _host_of(value: str) -> str | None:
    p = urlparse(value)
    return p.netloc.lower() if p.scheme and p.netloc else None


async def guard(request: Request) -> None:
    """App-wide dependency of every route (module docstring): cross-site refusal, CSRF, the
    public-pages gate. Resolves the actor once for the route's own dependencies."""
    method = request.method
    # an anonymous request is resolved here (no I/O); a token or session is looked up in a
    # worker thread, so that the event loop never waits for the operational store
    actor = (await run_in_threadpool(resolve, request) if needs_lookup(request)
             else resolve(request))
    if method in UNSAFE:
        origin = request.headers.get("origin") or request.headers.get("referer")
        host = request.headers.get("host", "").lower()
        if origin is not None and origin != "null":
            oh = _host_of(origin)
            if oh is None or oh != host:
                raise ApiError(403, "cross_site", "a request from another site is refused "
                                                  "(its Origin is not this server)")
        elif origin == "null":
            raise ApiError(403, "cross_site", "a request from an opaque origin is refused")
        if request.state.auth_via == "session" and not request.url.path.startswith(
                CSRF_OWN):
            sent = request.headers.get("x-csrf-token")
            if sent is None and request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")):
                sent = (await request.form()).get("csrf_token")
            if not isinstance(sent, str) or not secrets.compare_digest(sent, request.state.csrf):
                raise ApiError(403, "csrf", "the form's CSRF token is missing or wrong; reload "
                                            "the page and submit again")
    elif not request.app.state.settings.public_pages and actor is None \
            and not request.url.path.startswith(OPEN_PATHS):
        raise ApiError(401, "unauthorized", "this server's pages are not public: log in first")
