"""Province map geometry: the ECharts UTF8Encoding decoder and the bundled Shandong GeoJSON."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from qingshan.config import load_province
from qingshan.web.geo import geo_path, load_geo

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("build_geo", REPO / "scripts" / "build_geo.py")
build_geo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_geo)


def test_decode_ring_by_hand():
    # ECharts UTF8Encoding: v = charCode - 64, zig-zag (v >> 1) ^ -(v & 1), delta from the
    # offset, / 1024. 'B' = 66 → 2 → +1; 'A' = 65 → 1 → -1; '@' = 64 → 0 → 0.
    # offset (1024, 2048): "BA" → (1025, 2047); "@B" → (1025, 2048); "AA" → (1024, 2047)
    # (stored with 5 decimals: 1025/1024 = 1.0009765625 → 1.00098, 2047/1024 → 1.99902)
    ring = build_geo.decode_ring("BA@BAA", [1024, 2048], 1024)
    assert ring == [[1.00098, 1.99902], [1.00098, 2.0], [1.0, 1.99902],
                    [1.00098, 1.99902]]  # closed: the first point repeated


def test_winding_is_d3s():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # anticlockwise (area +1)
    assert build_geo.signed_area(square) == 1
    (ext,) = build_geo.d3_winding([square])
    assert build_geo.signed_area(ext) == -1  # exterior clockwise for d3-geo


def _polygons(geom):
    return geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]


def _inside(pt, ring) -> bool:
    x, y = pt
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def test_bundled_shandong_geometry():
    prov = load_province("shandong")
    geo = load_geo(prov)
    assert geo["provenance"]["licence"].startswith("Apache-2.0")
    assert [f["properties"]["code"] for f in geo["features"]] == [c.code for c in prov.cities]
    for f in geo["features"]:
        for poly in _polygons(f["geometry"]):
            assert poly[0][0] == poly[0][-1]
            assert build_geo.signed_area(poly[0]) < 0  # d3 winding
            for lon, lat in poly[0]:
                assert 114.5 < lon < 123 and 34 < lat < 38.5  # Shandong's extent
    jinan = next(f for f in geo["features"] if f["properties"]["code"] == "370100")
    assert jinan["geometry"]["type"] == "MultiPolygon"
    assert [m["code"] for m in jinan["properties"]["merged"]] == ["371200"]
    # Laiwu's centre (echarts 4.9.0 shandong.json, properties.cp of 371200) lies in one of
    # Jinan's polygons, Jinan's own centre (cp of 370100) in another
    polys = _polygons(jinan["geometry"])
    assert any(_inside((117.677736, 36.214397), p[0]) for p in polys)
    assert any(_inside((117.000923, 36.675807), p[0]) for p in polys)


def test_geometry_is_province_configuration(tmp_path):
    src = REPO / "src/qingshan/config/provinces/shandong.toml"
    custom = tmp_path / "myprov.toml"
    custom.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    prov = load_province(custom)
    assert geo_path(prov).name == "shandong.geo.json"  # falls back to the bundled name
    (tmp_path / "myprov.geo.json").write_text(json.dumps(
        {"type": "FeatureCollection", "features": []}), encoding="utf-8")
    assert geo_path(prov) == tmp_path / "myprov.geo.json"


def test_build_script_reproduces_the_bundled_file(tmp_path):
    tgz = Path("/tmp/echarts-4.9.0.tgz")
    if not tgz.exists():
        pytest.skip("npm pack echarts@4.9.0 into /tmp to run this check")
    out = tmp_path / "shandong.geo.json"
    build_geo.main([str(tgz), "--province", "shandong", "--out", str(out)])
    bundled = REPO / "src/qingshan/web/geo/shandong.geo.json"
    assert json.loads(out.read_text("utf-8")) == json.loads(bundled.read_text("utf-8"))
