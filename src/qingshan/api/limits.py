"""The request-body limit: a pure ASGI middleware that refuses an oversized body with 413.

``Settings.max_upload_bytes`` (``QINGSHAN_MAX_UPLOAD_BYTES``, default 64 MiB) bounds the body of
every request, upload or not:

- a request whose ``Content-Length`` exceeds the limit is answered 413 **before** the app runs
  and before a byte of the body is read (the response says ``Connection: close``, so the server
  does not wait for the rest of the body);
- a body without ``Content-Length`` (chunked transfer encoding) — or one that turns out longer
  than it announced — is counted while it streams; the read that crosses the limit raises
  :class:`BodyTooLarge` and the request is answered 413 (the app has seen at most the limit,
  and Starlette's multipart parser, which spools files to a ``SpooledTemporaryFile``, has
  spooled at most that much).

The 413 is the API's one error shape under ``/api/`` and the HTML error page — in the page's
language — for the pages; both name the limit in bytes and the setting.

This is deliberately not ``BaseHTTPMiddleware`` (which wraps the body stream) nor FastAPI's
``max_body_size`` (whose 413 is a plain-text "Content Too Large" when the app does not read
the body): the limiter here answers in the product's error shape and never buffers a body.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from fastapi import HTTPException

__all__ = ["BodyLimitMiddleware", "BodyTooLarge", "too_large_message", "too_large_response",
           "LIMIT_SETTING"]

#: the environment variable that sets the limit
LIMIT_SETTING = "QINGSHAN_MAX_UPLOAD_BYTES"


def _human(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            v = n / size
            return f"{v:.0f} {unit}" if v == int(v) else f"{v:.1f} {unit}"
    return f"{n} B"


def too_large_message(limit: int, lang: str = "en") -> str:
    """The 413 message naming the limit and its setting, in ``lang`` (zh or en)."""
    if lang == "zh":
        return (f"请求内容过大:上限为 {limit} 字节({_human(limit)}),"
                f"可通过设置 {LIMIT_SETTING} 调整")
    return (f"request body too large: the limit is {limit} bytes ({_human(limit)}), "
            f"set by {LIMIT_SETTING}")


class BodyTooLarge(HTTPException):
    """Raised by the body reader once a streamed body crosses the limit (an HTTPException, so
    FastAPI's form parsing re-raises it and the app's handler answers 413)."""

    def __init__(self, limit: int):
        super().__init__(status_code=413, detail=too_large_message(limit))
        self.limit = limit


def too_large_response(request: Request, limit: int):
    """413 in the one error shape (``/api/…``) or as the HTML error page (pages)."""
    from qingshan.api.errors import ErrorDetail, error_json

    html = getattr(request.app.state, "html_error", None) if "app" in request.scope else None
    resp = None
    if html is not None and not request.url.path.startswith("/api/"):
        try:
            from qingshan.web.i18n import request_lang
            resp = html(request, 413, "too_large", too_large_message(limit, request_lang(request)))
        except Exception:  # the error page itself failed: answer in JSON
            resp = None
    if resp is None:
        msg = too_large_message(limit)
        resp = error_json(413, "too_large", msg,
                          [ErrorDetail(loc=["body"], msg=f"larger than {limit} bytes "
                                                         f"({LIMIT_SETTING})")])
    resp.headers["Connection"] = "close"
    return resp


def _content_length(scope: Scope) -> int | None | str:
    vals = [v for k, v in scope.get("headers", ()) if k.lower() == b"content-length"]
    if not vals:
        return None
    try:
        ns = {int(v.decode("latin-1").strip()) for v in vals}
    except ValueError:
        return "bad"
    if len(ns) != 1 or min(ns) < 0:
        return "bad"
    return ns.pop()


def _is_limit_error(exc: BaseException) -> bool:
    if isinstance(exc, BodyTooLarge):
        return True
    if isinstance(exc, BaseExceptionGroup):
        return all(_is_limit_error(e) for e in exc.exceptions)
    return False


class BodyLimitMiddleware:
    """Pure ASGI middleware bounding every HTTP request body at ``max_bytes`` (module doc)."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, int(max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        declared = _content_length(scope)
        if declared == "bad":
            from qingshan.api.errors import error_json
            resp = error_json(400, "bad_request", "invalid Content-Length header")
            resp.headers["Connection"] = "close"
            await resp(scope, receive, send)
            return
        if isinstance(declared, int) and declared > limit:
            await too_large_response(Request(scope), limit)(scope, receive, send)
            return

        total = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BaseException as exc:  # re-raised unless it is ours
            if started or not _is_limit_error(exc):
                raise
            await too_large_response(Request(scope), limit)(scope, receive, send)
