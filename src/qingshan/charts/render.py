"""Offline rendering of chart specs with ``vl-convert-python`` (no browser, no network).

Fonts: vl-convert reads the system fonts; in addition the directories in :data:`FONT_DIRS`
that exist are registered once so that CJK text (Noto Sans CJK from Debian ``fonts-noto-cjk``,
or WenQuanYi Zen Hei from ``fonts-wqy-zenhei``) is measured and drawn with a real CJK font.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import vl_convert as vlc

__all__ = ["FONT_DIRS", "available_font_dirs", "render_png", "render_svg"]

#: Font directories registered with vl-convert when present (Debian package locations).
FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/truetype/noto",
)


@functools.lru_cache(maxsize=1)
def available_font_dirs() -> tuple[str, ...]:
    """Register the existing :data:`FONT_DIRS` with vl-convert (once) and return them."""
    found = tuple(d for d in FONT_DIRS if Path(d).is_dir())
    for directory in found:
        vlc.register_font_directory(directory)
    return found


def _plain(spec: Any) -> dict[str, Any]:
    return dict(spec)


def render_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec (e.g. a :class:`~qingshan.charts.common.ChartSpec`) to SVG text.

    The SVG is self-contained: data are inlined in the spec and no external resource is used.
    """
    available_font_dirs()
    return vlc.vegalite_to_svg(_plain(spec))


def render_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """Render a Vega-Lite spec to PNG bytes (``scale`` = pixel density factor)."""
    available_font_dirs()
    return vlc.vegalite_to_png(_plain(spec), scale=scale)
