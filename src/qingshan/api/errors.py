"""The API's one error shape and the handlers that produce it.

Every error response, whatever raised it, is ``{"error": {"status", "code", "message",
"details"}}`` with a 4xx status for bad requests; an unexpected failure is reported in the same
shape with status 500, except the operational database being unreachable (PostgreSQL
restarted, SQLite locked past its timeout): 503 ``database_unavailable`` with ``Retry-After``.

No error echoes a huge value: :func:`quote` quotes at most ``Settings.max_error_value_chars``
characters of a user value; validation errors never include pydantic's ``input``; and every
message passes :func:`clip_message` on its way out (quoted spans clipped to the same length,
the whole message to :data:`MAX_MESSAGE_CHARS`), whatever code raised it.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from qingshan.air.ingest import IngestError

__all__ = ["ApiError", "ErrorDetail", "ErrorBody", "ErrorResponse", "install_handlers",
           "ERROR_RESPONSES", "quote", "clip", "clip_message", "MAX_MESSAGE_CHARS"]

log = logging.getLogger("qingshan.api")

#: longest error message (and detail message) sent to a client, in characters
MAX_MESSAGE_CHARS = 1000


@functools.lru_cache(maxsize=1)
def _max_value_chars() -> int:
    from qingshan.config import get_settings
    return get_settings().max_error_value_chars


def clip(text: str, n: int | None = None) -> str:
    """``text`` cut to ``n`` characters (default ``Settings.max_error_value_chars``), saying
    how long it was."""
    n = n or _max_value_chars()
    text = str(text)
    return text if len(text) <= n else f"{text[:n]}… ({len(text)} characters)"


def quote(value: object) -> str:
    """``repr`` of a user value for an error message, at most ``max_error_value_chars`` of it.

    >>> quote("x" * 5)
    "'xxxxx'"
    """
    text = str(value)
    n = _max_value_chars()
    return repr(text) if len(text) <= n else f"{text[:n]!r}… ({len(text)} characters)"


_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def clip_message(text: str) -> str:
    """Clip every quoted span of ``text`` longer than ``max_error_value_chars`` and the whole
    text to :data:`MAX_MESSAGE_CHARS` (the safety net of every error response)."""
    text = str(text)
    n = _max_value_chars()
    if len(text) > n:
        def cut(m: re.Match) -> str:
            s = m.group(0)
            return s if len(s) <= n + 2 else f"{s[:n + 1]}{s[0]}… ({len(s) - 2} characters)"
        text = _QUOTED.sub(cut, text)
    if len(text) > MAX_MESSAGE_CHARS:
        text = f"{text[:MAX_MESSAGE_CHARS]}… ({len(text)} characters)"
    return text


class ErrorDetail(BaseModel):
    """One problem: where (``loc``: parameter or file/line/field) and why."""

    loc: list[str | int] = []
    msg: str
    file: str | None = None
    line: int | None = None
    field: str | None = None


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorResponse(BaseModel):
    """The single error shape of the API."""

    error: ErrorBody

    model_config = {"json_schema_extra": {"examples": [{"error": {
        "status": 404, "code": "not_found", "message": "unknown city '379900'", "details": []}}]}}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "bad request"},
    401: {"model": ErrorResponse, "description": "not signed in (where the operation needs a "
                                                 "user)"},
    403: {"model": ErrorResponse, "description": "the user's role or unit does not allow it"},
    404: {"model": ErrorResponse, "description": "not found"},
    422: {"model": ErrorResponse, "description": "invalid parameter"},
    503: {"model": ErrorResponse, "description": "the store is busy (store_busy) or the "
                                                 "operational database is not reachable "
                                                 "(database_unavailable); Retry-After says when "
                                                 "to try again"},
}


_UNREACHABLE = ("database is locked", "connection", "server closed", "terminating",
                "could not connect", "the database system is", "timeout", "timed out")


def _unreachable(e: Exception) -> bool:
    """Whether a database error means "the operational store is not reachable now"
    (disconnect, restart, lock timeout) rather than a fault of the request or the code."""
    if isinstance(e, (sa_exc.InterfaceError, sa_exc.DisconnectionError)):
        return True
    if getattr(e, "connection_invalidated", False):
        return True
    text = str(getattr(e, "orig", None) or e).lower()
    return any(k in text for k in _UNREACHABLE)


class ApiError(Exception):
    """An error to report to the client in the one error shape."""

    def __init__(self, status: int, code: str, message: str,
                 details: list[ErrorDetail] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def _clip_detail(d: ErrorDetail) -> ErrorDetail:
    return d.model_copy(update={
        "msg": clip_message(d.msg),
        "loc": [x if isinstance(x, int) else clip(x) for x in d.loc],
        "file": None if d.file is None else clip(d.file),
        "field": None if d.field is None else clip(d.field)})


def error_json(status: int, code: str, message: str,
               details: list[ErrorDetail] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(status=status, code=code,
                                         message=clip_message(message),
                                         details=[_clip_detail(d) for d in details or []]))
    return JSONResponse(body.model_dump(), status_code=status)


def ingest_detail(e: IngestError) -> ErrorDetail:
    name = Path(e.file).name if e.file else None
    loc: list[str | int] = [x for x in (name, e.line, e.field) if x is not None]
    return ErrorDetail(loc=loc, msg=e.reason, file=name, line=e.line, field=e.field)


_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
          409: "conflict", 413: "too_large", 415: "unsupported_media_type", 403: "forbidden"}


def _respond(request: Request, status: int, code: str, message: str,
             details: list[ErrorDetail] | None = None):
    """JSON under ``/api``; pages get an HTML error page when the web part is mounted."""
    html = getattr(request.app.state, "html_error", None)
    if html is not None and not request.url.path.startswith("/api/"):
        try:
            return html(request, status, code, clip_message(message))
        except Exception:  # the error page itself failed: fall back to JSON
            log.exception("error page failed")
    return error_json(status, code, message, details)


def install_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the one error shape."""
    from qingshan.api.limits import BodyTooLarge, too_large_response

    @app.exception_handler(BodyTooLarge)
    async def _too_large(r: Request, e: BodyTooLarge):
        return too_large_response(r, e.limit)

    @app.exception_handler(ApiError)
    async def _api(r: Request, e: ApiError):
        resp = _respond(r, e.status, e.code, e.message, e.details)
        if e.status == 503:       # busy: when to come back (RFC 9110 §10.2.3)
            resp.headers.setdefault("Retry-After", "5")
        return resp

    @app.exception_handler(IngestError)
    async def _ingest(r: Request, e: IngestError):
        return _respond(r, 422, "invalid_file", str(e), [ingest_detail(e)])

    @app.exception_handler(RequestValidationError)
    async def _validation(r: Request, e: RequestValidationError):
        # pydantic's ``input`` (the offending value) is never echoed; ``msg`` and ``loc`` are
        # clipped (a custom validator's message may quote the value)
        details = [_clip_detail(ErrorDetail(loc=[str(x) for x in err.get("loc", ())],
                                            msg=str(err.get("msg"))))
                   for err in e.errors()[:20]]
        msg = "; ".join(f"{'.'.join(map(str, d.loc))}: {d.msg}" for d in details)
        return _respond(r, 422, "invalid_parameter", msg or "invalid request", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(r: Request, e: StarletteHTTPException):
        resp = _respond(r, e.status_code, _CODES.get(e.status_code, "http_error"), str(e.detail))
        # the exception's headers stay (405: ``Allow`` lists the methods, RFC 9110 §15.5.6)
        for k, v in (getattr(e, "headers", None) or {}).items():
            resp.headers.setdefault(k, v)
        return resp

    async def _db_down(r: Request, e: Exception):
        # the operational store went away mid-request (PostgreSQL restarted, SQLite locked);
        # the pool's pre-ping reconnects on the next use. Any other database error (a schema
        # error, a constraint the code did not expect) is a 500, not "try again".
        if not _unreachable(e):
            return await _other(r, e)
        log.warning("operational store unavailable: %s", str(e).splitlines()[0][:300])
        if r.method in ("GET", "HEAD", "OPTIONS"):
            msg = "the operational database is not reachable right now; try again"
        else:   # a connection lost during COMMIT leaves the outcome unknown to the server
            msg = ("the operational database is not reachable right now; if the connection "
                   "was lost while the change was being committed it may have been stored — "
                   "look it up before sending it again")
        resp = _respond(r, 503, "database_unavailable", msg)
        resp.headers.setdefault("Retry-After", "1")
        return resp

    for exc in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError):
        app.add_exception_handler(exc, _db_down)

    @app.exception_handler(Exception)
    async def _other(r: Request, e: Exception):
        log.exception("unexpected error")
        return _respond(r, 500, "internal_error", f"{type(e).__name__}: {e}")
