"""JSON API (FastAPI) over the services; ``create_app`` also mounts the web pages."""

from __future__ import annotations

from typing import Any

API_PREFIX = "/api/v1"


def create_app(*args: Any, **kwargs: Any):
    """:func:`qingshan.api.app.create_app` (imported on call: the domains' routers import this
    package's helpers, so the package itself must not import them at import time)."""
    from qingshan.api.app import create_app as _create_app
    return _create_app(*args, **kwargs)

__all__ = ["create_app", "API_PREFIX"]
