"""Server-rendered pages (Jinja2), zh/en, charts as server-side SVG; all assets served locally."""

from __future__ import annotations

from pathlib import Path

__all__ = ["STATIC", "mount_web", "error_text"]

STATIC = Path(__file__).parent / "static"


def __getattr__(name: str):
    """``mount_web`` and ``error_text`` from :mod:`qingshan.web.mount`, imported when first
    asked for (FastAPI with them), not by every import of a ``qingshan.web`` module."""
    if name in ("mount_web", "error_text"):
        from qingshan.web import mount
        return getattr(mount, name)
    raise AttributeError(f"module 'qingshan.web' has no attribute {name!r}")
