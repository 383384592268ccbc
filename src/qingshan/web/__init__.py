"""Server-rendered pages (Jinja2), zh/en, charts as server-side SVG; all assets served locally."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["mount_web"]

STATIC = Path(__file__).parent / "static"


def mount_web(app: FastAPI) -> None:
    """Add the pages, ``/static`` and ``/geo/<province>.geo.json`` to ``app``."""
    from qingshan.core.registry import domains, load
    from qingshan.web import data
    from qingshan.web.geo import geo_path
    from qingshan.web.render import page

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for d in domains():
        if d.pages:
            app.include_router(load(d.pages))
    app.include_router(data.router)

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
                    message=message)

    app.state.html_error = html_error
