"""The application factory: JSON API under ``/api/v1`` and the server-rendered pages under ``/``."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from fastapi import Depends, FastAPI

from qingshan.api import API_PREFIX
from qingshan.api.auth import install_auth
from qingshan.api.errors import install_handlers
from qingshan.api.held import hold_enabled
from qingshan.api.limits import BodyLimitMiddleware
from qingshan.api.routers import batches, catalog
from qingshan.api.security import HeavyQueryLimiter, SecurityHeadersMiddleware, guard
from qingshan.api.store import Store
from qingshan.config import get_settings, load_province
from qingshan.config.province import ProvinceConfig
from qingshan.config.settings import Settings
from qingshan.store import ops

__all__ = ["create_app", "warm_up", "API_PREFIX"]

_LOG = logging.getLogger("qingshan.serve")


def create_app(db_path: str | Path, province: str | ProvinceConfig = "shandong",
               read_only: bool = False, web: bool = True,
               max_upload_bytes: int | None = None, database_url: str | None = None,
               settings: Settings | None = None) -> FastAPI:
    """Build the app serving the store at ``db_path`` for ``province``.

    Every request body (API and pages) is bounded by ``max_upload_bytes`` (default
    ``Settings.max_upload_bytes``, env ``QINGSHAN_MAX_UPLOAD_BYTES``): refused with 413 before
    it is read when ``Content-Length`` says it is larger, counted while it streams otherwise
    (:mod:`qingshan.api.limits`). The store's DuckDB database is locked down against file,
    network and extension access (:mod:`qingshan.api.store`).

    The OpenAPI document is at ``/api/v1/openapi.json``. No interactive docs page is served (the
    usual ones load scripts from a CDN; nothing here may reference an external host).
    The store stays open for the life of the app (``app.state.store.close()`` closes it);
    ASGI lifespan cycles — test clients start and stop them freely — do not close it.
    """
    prov = province if isinstance(province, ProvinceConfig) else load_province(province)
    settings = settings or get_settings()
    limit = max_upload_bytes if max_upload_bytes is not None else settings.max_upload_bytes
    # the operational store (accounts, sessions, audit log): QINGSHAN_DATABASE_URL or the
    # SQLite file beside the analytic store; migrated here so a new server works at once
    ops_url = database_url or settings.database_url or ops.ops_url_for(db_path)
    ops.upgrade(ops_url)
    store = Store(db_path, prov, read_only=read_only, hold=hold_enabled())

    app = FastAPI(
        title="qingshan API",
        version="1",
        description="Air-quality figures of a province: cities, stations, hourly and daily AQI "
                    "(HJ 633), period assessment (HJ 663), rankings; surface-water (GB 3838) "
                    "and coastal-water (GB 3097) assessment; ingest batches, upload. "
                    "Errors always have the shape {\"error\": {status, code, message, details}}.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(guard)],
    )
    app.state.store = store
    app.state.province = prov
    app.state.max_upload_bytes = limit
    app.state.settings = settings
    app.state.ops_url = ops_url
    app.add_middleware(BodyLimitMiddleware, max_bytes=limit)
    app.add_middleware(HeavyQueryLimiter, per_user=settings.heavy_queries_per_user)
    app.add_middleware(SecurityHeadersMiddleware)       # outermost: every response has them
    install_handlers(app)
    install_auth(app)
    from qingshan.core.registry import domains, load
    routers = [catalog.router] + [load(d.api) for d in domains() if d.api] + [batches.router]
    for r in routers:
        app.include_router(r, prefix=API_PREFIX)
    if web:
        from qingshan.web import mount_web
        mount_web(app)
    return app


def warm_up(app: FastAPI) -> threading.Thread:
    """Start, in a background thread, every domain's ``warm`` part (``parts["warm"]``:
    ``warm(app)`` — e.g. air builds the province days its first province answer would pay
    for); ``qingshan serve`` calls it after the app is made (``QINGSHAN_WARM=0``: not). A
    failure is logged and leaves the server as it would be without the warm-up."""
    from qingshan.core.registry import domains, load

    def run() -> None:
        for d in domains():
            target = d.parts.get("warm")
            if not target:
                continue
            t0 = time.monotonic()
            try:
                load(target)(app)
                _LOG.info("warmed %s in %.1f s", d.name, time.monotonic() - t0)
            except Exception:                     # the server works without it
                _LOG.exception("warming %s failed", d.name)

    t = threading.Thread(target=run, name="qingshan-warm", daemon=True)
    t.start()
    return t
