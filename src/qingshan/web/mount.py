"""The web shell's mounting: pages, ``/static``, the map geometry and the HTML error page on the
API's app (:func:`mount_web`). Apart from :mod:`qingshan.web` so that a module that only needs
the web's map shapes or static folder (the PDF bulletin's map, :mod:`qingshan.web.geo`) does not
import FastAPI (≈ 0.15 s in a fresh ``qingshan report`` process)."""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from qingshan.web import STATIC

__all__ = ["mount_web", "error_text"]

_PARAM = re.compile(r"^(?:query\.|path\.|body\.)?([A-Za-z_][A-Za-z0-9_]{0,40}): ")


def error_text(request: Request, status: int, code: str, message: str) -> dict:
    """What an error page says, in the page's language: ``heading`` (the code's name, or a
    generic one — never the raw code), ``message`` (an explanation in the page's language,
    naming the parameter when the message does) and ``detail`` (the API's own message,
    shown under "technical details" on Chinese pages; the message itself on English ones)."""
    from qingshan.web.i18n import LABELS, request_lang, translator
    lang = request_lang(request)
    t = translator(lang)
    heading = t(code) if code in LABELS else t("error")
    if code == "no_data" or lang == "en":
        return {"heading": heading, "message": message, "detail": None}
    m = _PARAM.match(message or "")
    if m and status == 422:
        text = t("err_param").format(p=m.group(1))
        if m.group(1) in ("period", "start", "end", "year"):
            text += t("err_period")
    elif f"err_{status}" in LABELS:
        text = t(f"err_{status}")
    else:
        text = t("err_5xx" if status >= 500 else "err_4xx")
    return {"heading": heading, "message": text, "detail": message}


def mount_web(app: FastAPI) -> None:
    """Add the pages, ``/static`` and ``/geo/<province>.geo.json`` to ``app``."""
    from qingshan.core.registry import domains, load
    from qingshan.web import data, download, search
    from qingshan.web.geo import geo_path
    from qingshan.web.render import page

    # pages, JSON and SVG compress well (a province map page is ~1 MB of SVG before gzip)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for d in domains():
        if d.pages:
            app.include_router(load(d.pages))
    app.include_router(data.router)
    app.include_router(download.router)
    app.include_router(search.router)

    @app.get("/geo/province.geo.json", include_in_schema=False)
    def geo(request: Request):
        p = geo_path(request.app.state.province)
        if p is None:
            return JSONResponse({"error": {"status": 404, "code": "not_found",
                                           "message": "no map geometry for this province",
                                           "details": []}}, status_code=404)
        return FileResponse(p, media_type="application/geo+json")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    def html_error(request: Request, status: int, code: str, message: str) -> HTMLResponse:
        return page(request, "error.html", status=status, err_status=status, code=code,
                    **error_text(request, status, code, message))

    app.state.html_error = html_error
