#!/usr/bin/env python3
"""Build a province's city-boundary GeoJSON from the npm package ``echarts@4.9.0``.

Provenance
----------
``echarts`` 4.9.0 (Apache-2.0, (c) The Apache Software Foundation) ships the Chinese province maps
as ``map/json/province/<pinyin>.json``: one feature per prefecture-level city, ``id`` = the
6-digit administrative code, ``properties.name`` = the Chinese name, and coordinates compressed
with ECharts' ``UTF8Encoding`` scheme (documented in ECharts' ``parseGeoJson.js``, function
``decodePolygon``; and in the ECharts map-tool documentation):

- every ring is a string; characters come in pairs (x, y);
- ``v = charCode - 64``; zig-zag decode ``v = (v >> 1) ^ -(v & 1)``;
- delta decode from ``geometry.encodeOffsets`` (per ring) — each value is added to the previous;
- divide by ``UTF8Scale`` (default 1024) to obtain degrees (lon, lat).

What this script does (no network: give it the tarball fetched by ``npm pack echarts@4.9.0``):

1. decodes every ring as above and closes it (GeoJSON rings repeat the first position);
2. rewinds rings to the d3-geo / Vega convention (exterior rings clockwise, holes anticlockwise
   in lon/lat), which Vega-Lite's ``geoshape`` needs — with RFC 7946 winding d3 would fill the
   complement of each city (the whole globe);
3. simplifies rings (Douglas–Peucker, :data:`TOLERANCE`) and drops islets below
   :data:`MIN_AREA` — the map is drawn a few hundred pixels wide;
4. merges the cities named in the province config's ``merged_from`` into the absorbing city: the
   features' polygons are kept together as one MultiPolygon feature with the absorbing city's
   code (e.g. Laiwu 371200 into Jinan 370100, January 2019);
5. keeps only the configured cities, names them from the province config, and writes
   ``src/qingshan/web/geo/<province>.geo.json`` with a ``provenance`` member.

Usage::

    cd /tmp && npm pack echarts@4.9.0
    python scripts/build_geo.py /tmp/echarts-4.9.0.tgz --province shandong --map shandong
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from qingshan.config import load_province  # noqa: E402

PRECISION = 5  # 1/1024 degree ≈ 0.00098°, so 5 decimals keep every encoded value distinct
#: Douglas–Peucker tolerance [degree]: 0.002° ≈ 200 m, well under one pixel of a province map
#: drawn 520 px wide (Shandong spans ~7° of longitude: ~0.013° per pixel)
TOLERANCE = 0.002
#: polygons (islands) smaller than this [square degree, ≈ 0.3 km²] are dropped; a feature
#: always keeps its largest polygon
MIN_AREA = 3e-5


def decode_ring(encoded: str, offset: list[int], scale: float) -> list[list[float]]:
    """Decode one UTF8Encoding ring string (ECharts ``decodePolygon``)."""
    out: list[list[float]] = []
    px, py = offset
    for i in range(0, len(encoded) - 1, 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ -(x & 1)
        y = (y >> 1) ^ -(y & 1)
        px += x
        py += y
        out.append([round(px / scale, PRECISION), round(py / scale, PRECISION)])
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in the lon/lat plane: > 0 anticlockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def _perp(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(ring: list[list[float]], tol: float) -> list[list[float]]:
    """Douglas–Peucker simplification of a closed ring (first = last point kept)."""
    if tol <= 0 or len(ring) <= 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    # split the closed ring at its farthest point from the start so both halves are open paths
    far = max(range(len(ring)), key=lambda i: _perp(ring[i], ring[0], ring[0]))
    keep[far] = True
    stack = [(0, far), (far, len(ring) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        k, dmax = i, -1.0
        for m in range(i + 1, j):
            d = _perp(ring[m], ring[i], ring[j])
            if d > dmax:
                k, dmax = m, d
        if dmax > tol:
            keep[k] = True
            stack += [(i, k), (k, j)]
    out = [p for p, kp in zip(ring, keep) if kp]
    return out if len(out) >= 4 else ring


def reduce_polygons(polys, tol: float, min_area: float):
    """Simplify every ring; drop polygons below ``min_area`` except the largest one."""
    polys = [[simplify(r, tol) for r in p] for p in polys]
    areas = [abs(signed_area(p[0])) for p in polys]
    big = max(range(len(polys)), key=areas.__getitem__)
    return [p for i, p in enumerate(polys) if i == big or areas[i] >= min_area]


def d3_winding(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
    """Exterior ring clockwise, holes anticlockwise (d3-geo / Vega convention)."""
    out = []
    for k, ring in enumerate(polygon):
        clockwise = signed_area(ring) < 0
        want_clockwise = k == 0
        out.append(ring if clockwise == want_clockwise else ring[::-1])
    return out


def decode_feature(feature: dict, scale: float) -> list[list[list[list[float]]]]:
    """A feature's geometry as a list of polygons (each a list of rings)."""
    g = feature["geometry"]
    offs = g.get("encodeOffsets")
    if g["type"] == "Polygon":
        polys = [[decode_ring(r, offs[i], scale) if offs else r
                  for i, r in enumerate(g["coordinates"])]]
    elif g["type"] == "MultiPolygon":
        polys = [[decode_ring(r, offs[p][i], scale) if offs else r for i, r in enumerate(poly)]
                 for p, poly in enumerate(g["coordinates"])]
    else:
        raise ValueError(f"unexpected geometry type {g['type']}")
    return [d3_winding(p) for p in polys]


def build(source: dict, province: str, source_name: str, source_sha256: str,
          tol: float = TOLERANCE, min_area: float = MIN_AREA) -> dict:
    prov = load_province(province)
    scale = source.get("UTF8Scale") or 1024
    if not source.get("UTF8Encoding"):
        scale = 1
    by_code = {f["id"]: f for f in source["features"]}
    by_name = {f["properties"]["name"]: f for f in source["features"]}
    features = []
    for city in prov.cities:
        if city.code not in by_code:
            raise SystemExit(f"city {city.code} {city.name_zh} not in the source map")
        polys = reduce_polygons(decode_feature(by_code[city.code], scale), tol, min_area)
        merged = []
        for name in city.merged_from:
            src = by_name.get(name) or by_name.get(name + "市")
            if src is None:
                raise SystemExit(f"merged city {name!r} not in the source map")
            polys += reduce_polygons(decode_feature(src, scale), tol, min_area)
            merged.append({"code": src["id"], "name_zh": src["properties"]["name"]})
        geom = ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1
                else {"type": "MultiPolygon", "coordinates": polys})
        features.append({
            "type": "Feature",
            "id": city.code,
            "properties": {"code": city.code, "name_zh": city.name_zh, "name_en": city.name_en,
                           "merged": merged},
            "geometry": geom,
        })
    return {
        "type": "FeatureCollection",
        "provenance": {
            "source": f"npm package echarts@4.9.0, {source_name}",
            "source_sha256": source_sha256,
            "licence": "Apache-2.0 (Apache ECharts, (c) The Apache Software Foundation)",
            "transform": f"UTF8Encoding decoded (scale 1024), rings closed, Douglas-Peucker "
                         f"{tol} degree, polygons < {min_area} square degree dropped (largest "
                         "kept), d3-geo winding (exterior clockwise); cities in merged_from kept "
                         "as extra polygons of the absorbing city (MultiPolygon)",
            "built_by": "scripts/build_geo.py",
        },
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="echarts-4.9.0.tgz or an extracted province .json")
    ap.add_argument("--province", default="shandong", help="bundled province config name")
    ap.add_argument("--map", default=None, help="echarts province map name (default: province)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--tolerance", type=float, default=TOLERANCE, help="degree; 0 = keep all")
    ap.add_argument("--min-area", type=float, default=MIN_AREA, help="square degree")
    a = ap.parse_args(argv)
    member = f"package/map/json/province/{a.map or a.province}.json"
    if a.source.suffix in (".tgz", ".gz"):
        with tarfile.open(a.source) as tf:
            raw = tf.extractfile(member).read()
        name = member.removeprefix("package/")
    else:
        raw, name = a.source.read_bytes(), a.source.name
    data = build(json.loads(raw), a.province, name, hashlib.sha256(raw).hexdigest(),
                 a.tolerance, a.min_area)
    out = a.out or ROOT / "src" / "qingshan" / "web" / "geo" / f"{a.province}.geo.json"
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"{out}: {len(data['features'])} features, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
