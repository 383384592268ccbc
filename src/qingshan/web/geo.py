"""City boundaries of a province (GeoJSON), shipped as configuration.

Lookup: ``web/geo/<name>.geo.json`` where ``<name>`` is the bundled province name (the English
name in lower case, e.g. ``shandong``), or, for a province given as a TOML file, a file
``<stem>.geo.json`` next to it. Bundled files are built by ``scripts/build_geo.py``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

from qingshan.config.province import ProvinceConfig

__all__ = ["geo_path", "load_geo"]


def geo_path(province: ProvinceConfig) -> Path | None:
    """Where the province's city GeoJSON is, or None."""
    src = province.source or ""
    if src and not src.startswith("bundled:"):
        p = Path(src).with_suffix("").with_suffix(".geo.json")
        if p.is_file():
            return p
    names = [src.removeprefix("bundled:")] if src.startswith("bundled:") else []
    names.append(province.name_en.lower().replace(" ", ""))
    base = resources.files("qingshan.web") / "geo"
    for n in names:
        res = base / f"{n}.geo.json"
        if res.is_file():
            return Path(str(res))
    return None


@functools.lru_cache(maxsize=8)
def _read(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_geo(province: ProvinceConfig) -> dict | None:
    """The province's FeatureCollection (cached), or None when it has none."""
    p = geo_path(province)
    return _read(str(p)) if p else None
