"""``qingshan serve``: the web pages and the JSON API (FastAPI on uvicorn)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from qingshan.cli.common import DbOpt, ProvinceOpt, busy, console
from qingshan.config import get_settings
from qingshan.store.access import StoreBusy

__all__ = ["serve"]


def serve(
    db: DbOpt = None,
    province: ProvinceOpt = None,
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    read_only: Annotated[bool, typer.Option("--read-only", help="refuse uploads")] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Start the server: pages at /, JSON API at /api/v1 (OpenAPI at /api/v1/openapi.json).

    Request bodies (uploads) are limited to QINGSHAN_MAX_UPLOAD_BYTES (default 64 MiB); the
    server's DuckDB database cannot read or write files or load extensions from SQL.

    The server holds the store only while a request uses it, so `qingshan ingest …`, `water
    ingest …`, `air assess`, `export` and `report` can run against the same store while it
    serves: a writing command waits for the requests in flight, new requests wait for it (at
    most QINGSHAN_REQUEST_LOCK_TIMEOUT s, default 10, then 503 store_busy) and see its data
    as soon as it is done.

    Example: qingshan serve --db qingshan.duckdb --port 8000
    """
    import uvicorn

    from qingshan.api import create_app
    from qingshan.api.app import warm_up

    settings = get_settings(db=db, province=province)
    try:
        application = create_app(settings.db, settings.province, read_only=read_only,
                                 max_upload_bytes=settings.max_upload_bytes)
    except StoreBusy as e:
        busy(e)
    console.print(f"qingshan: serving {settings.db} on http://{host}:{port}/ "
                  f"(API: /api/v1, OpenAPI: /api/v1/openapi.json; request bodies up to "
                  f"{settings.max_upload_bytes} bytes, QINGSHAN_MAX_UPLOAD_BYTES)")
    if os.environ.get("QINGSHAN_WARM", "1") != "0":
        warm_up(application)       # in the background: what first answers would pay for
    try:
        uvicorn.run(application, host=host, port=port, log_level=log_level)
    finally:
        application.state.store.close()
