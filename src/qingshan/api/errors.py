"""The API's one error shape and the handlers that produce it.

Every error response, whatever raised it, is ``{"error": {"status", "code", "message",
"details"}}`` with a 4xx status for bad requests; an unexpected failure is reported in the same
shape with status 500.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from qingshan.ingest import IngestError

__all__ = ["ApiError", "ErrorDetail", "ErrorBody", "ErrorResponse", "install_handlers",
           "ERROR_RESPONSES"]

log = logging.getLogger("qingshan.api")


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
    404: {"model": ErrorResponse, "description": "not found"},
    422: {"model": ErrorResponse, "description": "invalid parameter"},
}


class ApiError(Exception):
    """An error to report to the client in the one error shape."""

    def __init__(self, status: int, code: str, message: str,
                 details: list[ErrorDetail] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_json(status: int, code: str, message: str,
               details: list[ErrorDetail] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(status=status, code=code, message=message,
                                         details=details or []))
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
            return html(request, status, code, message)
        except Exception:  # the error page itself failed: fall back to JSON
            log.exception("error page failed")
    return error_json(status, code, message, details)


def install_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the one error shape."""

    @app.exception_handler(ApiError)
    async def _api(r: Request, e: ApiError):
        return _respond(r, e.status, e.code, e.message, e.details)

    @app.exception_handler(IngestError)
    async def _ingest(r: Request, e: IngestError):
        return _respond(r, 422, "invalid_file", str(e), [ingest_detail(e)])

    @app.exception_handler(RequestValidationError)
    async def _validation(r: Request, e: RequestValidationError):
        details = [ErrorDetail(loc=[str(x) for x in err.get("loc", ())], msg=str(err.get("msg")))
                   for err in e.errors()]
        msg = "; ".join(f"{'.'.join(map(str, d.loc))}: {d.msg}" for d in details)
        return _respond(r, 422, "invalid_parameter", msg or "invalid request", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(r: Request, e: StarletteHTTPException):
        return _respond(r, e.status_code, _CODES.get(e.status_code, "http_error"), str(e.detail))

    @app.exception_handler(Exception)
    async def _other(r: Request, e: Exception):
        log.exception("unexpected error")
        return _respond(r, 500, "internal_error", f"{type(e).__name__}: {e}")
