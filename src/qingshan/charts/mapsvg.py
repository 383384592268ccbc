"""The choropleth of :func:`qingshan.charts.city_map` as SVG text, drawn directly (no vl-convert).

vl-convert needed 0.2 s (an idle machine) to 0.6 s p50 / 2 s p99 (under load, issue 14) of CPU
for the overview's map; this module draws the same picture from the same
:class:`~qingshan.charts.ChartSpec` (the specification ``city_map`` writes, so the data, links,
names, anchors and scale definitions are that function's own) in about 10 ms. What it
reproduces of Vega-Lite 6.4 / Vega 6.2 (the versions vl-convert 1.9 bundles):

* projection — d3 ``geoMercator`` fitted to the view (Vega ``fit``: d3 ``fitSize``) over the
  same objects as the compiled Vega spec fits: every city polygon, the label anchors and the
  station markers; x = k·λ + tx, y = ty − k·ln tan(π/4 + φ/2) (λ, φ in radians);
* fills — the colour channel of the spec's coloured layer: an ordinal scale (category bands,
  e.g. HJ 633 Table 2 levels with their Appendix A colours), a diverging scale over an
  explicit range (the limit-anchored ramp, interpolated in HCL — Vega-Lite's default
  ``interpolate: "hcl"`` — and clamped) or a sequential scale over a named scheme (Vega's
  ``scheme()``: the scheme's colours interpolated piecewise in RGB, d3
  ``piecewise(interpolateRgb)``; ``reverse`` reads it from 1 to 0) whose domain is the
  extent of the values; cities without a value are the "no data" grey of ``city_map``;
  colours are written as d3 writes them (``rgb(r, g, b)``, channels rounded as JavaScript's
  ``Math.round``);
* marks — white polygon strokes (0.8 px), city names at their anchors (10 px, the
  anchor's ``ink``: :func:`label_ink` of its city's fill),
  station circles (Vega's circle of area ``size``: radius √size / 2) and the legend on the
  right (a gradient with the scale's ticks — d3 ``ticks`` / ``tickFormat`` of 5 — or the
  legend's explicit values, or the category symbols).

Every city and station has a ``<title>`` (the spec's tooltip fields), the links of the spec
(``<a xlink:href>``: a city with a value links its page, a station its page) and the image has
the chart's caption as its accessible name. All text is escaped for XML.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any, Callable

import numpy as np

from qingshan.charts.cmap import _NO_DATA_COLOUR
from qingshan.charts.common import FONT_FAMILY

__all__ = ["colour_scale", "fit_mercator", "map_svg", "scheme_colour"]

#: Vega 6 (vega-scale) palettes of the continuous named schemes, as vl-convert 1.9 bundles them
_SCHEMES = {
    "orangered": "fddcaffdcf9bfdc18afdad77fb9562f67d53ee6545e24932d32d1ebf130da70403",
    "blues": "cfe1f2bed8eca8cee58fc1de74b2d75ba3cf4592c63181bd206fb2125ca40a4a90",
}
_PAD = 5                     # Vega's default padding
_LEGEND_OFFSET = 18          # Vega's legend offset from the view
_GRADIENT = 200              # clamp(height, 64, 200) for the 400 px map
_XN, _ZN = 0.96422, 0.82521  # d3-color's D50 white point
_T0, _T1 = 4 / 29, 6 / 29
_T2, _T3 = 3 * _T1 * _T1, _T1 * _T1 * _T1


def _js_round(x: float) -> int:
    """JavaScript's ``Math.round`` (halves up)."""
    return math.floor(x + 0.5)


def _css(r: float, g: float, b: float) -> str:
    """d3-color's ``rgb.toString()``: each channel rounded and clamped to 0–255."""
    return "rgb({}, {}, {})".format(*(max(0, min(255, _js_round(v) if v == v else 0))
                                      for v in (r, g, b)))


def _hex(colour: str) -> tuple[float, float, float]:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


#: the two colours of a city's name on the map: dark on light fills, white on dark ones
INK_DARK, INK_LIGHT = "#222222", "#ffffff"


def _channels(colour: str) -> tuple[float, float, float]:
    """(r, g, b) 0–255 of ``#rgb``, ``#rrggbb`` or ``rgb(r, g, b)`` (as the scales write them)."""
    c = colour.strip()
    if c.startswith("rgb("):
        r, g, b = (float(v) for v in c[4:-1].split(","))
        return r, g, b
    return _hex(c)


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance (sRGB channels linearised: c/12.92 up to 0.04045, else
    ((c + 0.055)/1.055)^2.4; L = 0.2126 R + 0.7152 G + 0.0722 B)."""
    lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
           for v in (x / 255 for x in _channels(colour))]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def label_ink(fill: str) -> str:
    """The colour of a city's name on a city filled ``fill``: of :data:`INK_DARK` and
    :data:`INK_LIGHT` the one with the higher WCAG 2.1 contrast ratio (L1 + 0.05)/(L2 + 0.05)
    against the fill (dark names on the darkest AQI and ramp colours were unreadable: issue
    13); a tie keeps the dark one."""
    lf = _luminance(fill)
    dark, light = _luminance(INK_DARK), _luminance(INK_LIGHT)
    return INK_LIGHT if (light + 0.05) / (lf + 0.05) > (lf + 0.05) / (dark + 0.05) else INK_DARK


def _linear(a: float, b: float) -> Callable[[float], float]:
    """d3-interpolate's ``nogamma``: a + t·(b − a), or the defined end when they are equal."""
    d = b - a
    if d == d and d != 0:
        return lambda t: a + t * d
    return lambda t: b if math.isnan(a) else a


def _hue(a: float, b: float) -> Callable[[float], float]:
    """d3-interpolate's ``hue``: the shorter way round the colour circle."""
    d = b - a
    if d == d and d != 0:
        if d > 180 or d < -180:
            d = d - 360 * _js_round(d / 360)
        return lambda t: a + t * d
    return lambda t: b if math.isnan(a) else a


def _lab_of(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """d3-color ``lab()`` of an sRGB colour (CIELAB, D50, Bradford-adapted)."""
    def lin(x):
        x /= 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4

    def f(t):
        return t ** (1 / 3) if t > _T3 else t / _T2 + _T0
    r, g, b = (lin(v) for v in rgb)
    y = f((0.2225045 * r + 0.7168786 * g + 0.0606169 * b) / 1)
    if r == g == b:
        x = z = y
    else:
        x = f((0.4360747 * r + 0.3850649 * g + 0.1430804 * b) / _XN)
        z = f((0.0139322 * r + 0.0971045 * g + 0.7141733 * b) / _ZN)
    return 116 * y - 16, 500 * (x - y), 200 * (y - z)


def _hcl_of(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """d3-color ``hcl()``: (hue in degrees, chroma, luminance); NaN hue for a grey."""
    lum, a, b = _lab_of(rgb)
    if a == 0 and b == 0:
        return math.nan, (0.0 if 0 < lum < 100 else math.nan), lum
    h = math.atan2(b, a) * (180 / math.pi)
    return (h + 360 if h < 0 else h), math.sqrt(a * a + b * b), lum


def _rgb_of_hcl(h: float, c: float, lum: float) -> tuple[float, float, float]:
    """d3-color ``hcl.rgb()`` (via Lab), channels not yet rounded."""
    if math.isnan(h):
        a = b = 0.0
    else:
        rad = h * (math.pi / 180)
        a, b = math.cos(rad) * c, math.sin(rad) * c

    def finv(t):
        return t * t * t if t > _T1 else _T2 * (t - _T0)

    def gamma(x):
        return 255 * (12.92 * x if x <= 0.0031308 else 1.055 * x ** (1 / 2.4) - 0.055)
    y = (lum + 16) / 116
    x = y if math.isnan(a) else y + a / 500
    z = y if math.isnan(b) else y - b / 200
    x, y, z = _XN * finv(x), 1 * finv(y), _ZN * finv(z)
    return (gamma(3.1338561 * x - 1.6168667 * y - 0.4906146 * z),
            gamma(-0.9787684 * x + 1.9161415 * y + 0.0334540 * z),
            gamma(0.0719453 * x - 0.2289914 * y + 1.4052427 * z))


def _interp(a: str, b: str, space: str) -> Callable[[float], str]:
    """d3 ``interpolateRgb`` / ``interpolateHcl`` between two CSS hex colours."""
    if space == "rgb":
        fs = [_linear(x, y) for x, y in zip(_hex(a), _hex(b))]
        return lambda t: _css(*(f(t) for f in fs))
    if space != "hcl":
        raise ValueError(f"unsupported colour interpolation {space!r}")
    (h0, c0, l0), (h1, c1, l1) = _hcl_of(_hex(a)), _hcl_of(_hex(b))
    fh, fc, fl = _hue(h0, h1), _linear(c0, c1), _linear(l0, l1)
    return lambda t: _css(*_rgb_of_hcl(fh(t), fc(t), fl(t)))


def _piecewise(colours: list[str], space: str) -> Callable[[float], str]:
    """d3 ``piecewise``: ``n`` colours, ``n − 1`` equal pieces of [0, 1]."""
    pieces = [_interp(a, b, space) for a, b in zip(colours[:-1], colours[1:])]
    n = len(pieces)

    def f(t: float) -> str:
        t *= n
        i = max(0, min(n - 1, math.floor(t)))
        return pieces[i](t - i)
    return f


def scheme_colour(scheme: str, t: float, reverse: bool = False) -> str:
    """The colour of Vega's named continuous ``scheme`` at ``t`` ∈ [0, 1] (``reverse``: read
    from 1 to 0, vega-scale ``interpolateRange(scheme, [1, 0])``)."""
    pal = _SCHEMES.get(scheme.lower())
    if pal is None:
        raise ValueError(f"scheme {scheme!r} is not drawn directly (known: {sorted(_SCHEMES)})")
    f = _piecewise(["#" + pal[i:i + 6] for i in range(0, len(pal), 6)], "rgb")
    return f(1 + t * -1) if reverse else f(t)


def colour_scale(enc: dict[str, Any], values: list[float]) -> tuple[Callable[[Any], str],
                                                                    list[float] | None]:
    """(colour of a datum, numeric domain or None) of a Vega-Lite colour channel as
    ``city_map`` writes it (:func:`qingshan.charts.cmap._colour`); ``values``: the values of the
    cities drawn in colour (a sequential scale's domain is their extent)."""
    sc = enc["scale"]
    if enc["type"] == "nominal":
        table = dict(zip(sc["domain"], sc["range"]))
        return (lambda v: table.get(v, _NO_DATA_COLOUR)), None
    if "scheme" in sc:          # sequential: domain = extent of the values
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        k = 0.0 if lo == hi else 1 / (hi - lo)
        rev = bool(sc.get("reverse"))

        def seq(v: float) -> str:
            return scheme_colour(sc["scheme"], 0.5 if k == 0 else (v - lo) * k, rev)
        return seq, [lo, hi]
    dom, rng = [float(d) for d in sc["domain"]], list(sc["range"])
    if sc.get("reverse"):
        rng = rng[::-1]
    f = _piecewise(rng, sc.get("interpolate", "hcl"))
    clamp = bool(sc.get("clamp"))
    if len(dom) == 3:           # d3 scaleDiverging
        t0, t1, t2 = dom
        k10 = 0.0 if t0 == t1 else 0.5 / (t1 - t0)
        k21 = 0.0 if t1 == t2 else 0.5 / (t2 - t1)
        s = -1 if t1 < t0 else 1

        def div(v: float) -> str:
            t = 0.5 + (v - t1) * (k10 if s * v < s * t1 else k21)
            return f(max(0.0, min(1.0, t)) if clamp else t)
        return div, [t0, t2]
    t0, t1 = dom[0], dom[-1]
    k = 0.0 if t0 == t1 else 1 / (t1 - t0)

    def seq2(v: float) -> str:
        t = 0.5 if k == 0 else (v - t0) * k
        return f(max(0.0, min(1.0, t)) if clamp else t)
    return seq2, [t0, t1]


def _merc(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d3 ``geoMercatorRaw`` (y upwards, radians)."""
    return np.radians(lon), np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def fit_mercator(lon: np.ndarray, lat: np.ndarray, width: float, height: float
                 ) -> tuple[float, float, float]:
    """(k, tx, ty) of d3 ``geoMercator().fitSize([width, height], object)`` for an object whose
    points are ``lon``/``lat`` (degrees): the projection of (λ, φ) is (k·λ + tx, ty − k·y(φ))."""
    x, y = _merc(np.asarray(lon, float), np.asarray(lat, float))
    x0, x1, y0, y1 = x.min(), x.max(), -y.max(), -y.min()
    k = min(width / (x1 - x0), height / (y1 - y0))
    return float(k), float((width - k * (x1 + x0)) / 2), float((height - k * (y1 + y0)) / 2)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [r for poly in geometry["coordinates"] for r in poly]
    return []


def _width(text: str, size: float) -> float:
    """A text's width in px, estimated (a CJK character is one em, others about 0.6 em)."""
    return sum(size if ord(c) > 0x2E80 else 0.6 * size for c in text)


def _ticks(lo: float, hi: float, count: int = 5) -> tuple[list[float], int]:
    """d3 ``ticks(lo, hi, count)`` and the decimals of d3 ``tickFormat`` (precisionFixed)."""
    if not hi > lo:
        return [lo], 0
    step = (hi - lo) / count
    power = math.floor(math.log10(step))
    err = step / 10 ** power
    factor = 10 if err >= math.sqrt(50) else 5 if err >= math.sqrt(10) else 2 \
        if err >= math.sqrt(2) else 1
    if power < 0:
        inc = 10 ** -power / factor
        i1, i2 = _js_round(lo * inc), _js_round(hi * inc)
        i1 += i1 / inc < lo
        i2 -= i2 / inc > hi
        ticks = [(i1 + i) / inc for i in range(i2 - i1 + 1)]
        tick_step = 1 / inc
    else:
        inc = 10 ** power * factor
        i1, i2 = _js_round(lo / inc), _js_round(hi / inc)
        i1 += i1 * inc < lo
        i2 -= i2 * inc > hi
        ticks = [(i1 + i) * inc for i in range(i2 - i1 + 1)]
        tick_step = inc
    return ticks, max(0, -math.floor(math.log10(tick_step)))


def _tip(rows: list[tuple[str, Any]]) -> str:
    return "\n".join(f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}" for k, v in rows
                     if v is not None and v != "")


def _legend_lines(title: Any) -> list[str]:
    return [str(x) for x in title] if isinstance(title, list) else [str(title)]


def _legend(enc: dict[str, Any], fill: Callable[[Any], str], domain: list[float] | None,
            extra: list[tuple[str, str]]) -> tuple[list[str], float, float]:
    """SVG of the legend (in its own coordinates), its width and height."""
    lines = _legend_lines(enc.get("title", ""))
    out = [f'<text x="0" y="{9 + 13 * i}" font-size="11" font-weight="bold">{escape(s)}</text>'
           for i, s in enumerate(lines)]
    y0 = 16 + 13 * (len(lines) - 1)
    width = max(_width(s, 11) for s in lines)
    if domain is None or enc["type"] == "nominal":
        items = list(dict.fromkeys(zip(enc["scale"]["domain"], enc["scale"]["range"])))
        items += [it for it in extra if it[0] not in {a for a, _ in items}]
        for i, (label, colour) in enumerate(items):
            y = y0 + 16 * i
            out.append(f'<circle cx="6" cy="{y + 6}" r="5" fill="{escape(str(colour), True)}" '
                       f'stroke="white" stroke-width="1.5"/><text x="16" y="{y + 9}" '
                       f'font-size="10">{escape(str(label))}</text>')
            width = max(width, 16 + _width(str(label), 10))
        return out, width, y0 + 16 * len(items)
    lo, hi = domain
    stops = "".join(f'<stop offset="{i / 20:g}" stop-color="{fill(lo + (hi - lo) * i / 20)}"/>'
                    for i in range(21))
    out.append(f'<defs><linearGradient id="map-gradient" x1="0" x2="0" y1="1" y2="0">{stops}'
               f'</linearGradient></defs><rect x="0" y="{y0}" width="16" height="{_GRADIENT}" '
               'fill="url(#map-gradient)"/>')
    legend = enc.get("legend") or {}
    if "values" in legend:      # the limit-anchored legend: cmap._colour's labelExpr
        mid, top = float(legend["values"][1]), float(legend["values"][2])
        ticks = [float(v) for v in legend["values"]]
        labels = [f"{v:g} ◀" if v == mid else f"≥ {top:g}" if v >= top else f"{v:g}"
                  for v in ticks]
    else:
        ticks, dec = _ticks(lo, hi)
        labels = [f"{v:,.{dec}f}" for v in ticks]
    for v, label in zip(ticks, labels):
        perc = 0.5 if hi == lo else (v - lo) / (hi - lo)
        dy = -2 if perc <= 0 else 8 if perc >= 1 else 3   # Vega's bottom / top / middle
        out.append(f'<text x="18" y="{y0 + _GRADIENT * (1 - perc) + dy:.2f}" font-size="10">'
                   f'{escape(label)}</text>')
        width = max(width, 18 + _width(label, 10))
    height = y0 + _GRADIENT
    if extra:                   # markers' categories under a ramp
        for i, (label, colour) in enumerate(extra):
            y = height + 10 + 16 * i
            out.append(f'<circle cx="6" cy="{y + 6}" r="5" fill="{escape(str(colour), True)}"/>'
                       f'<text x="16" y="{y + 9}" font-size="10">{escape(str(label))}</text>')
            width = max(width, 16 + _width(str(label), 10))
        height += 10 + 16 * len(extra)
    return out, width, height


def _path(xs: np.ndarray, ys: np.ndarray, bounds: list[int]) -> str:
    """SVG path data of rings (points ``bounds[i]:bounds[i+1]``), coordinates to 0.01 px."""
    pts = list(map("{:.2f},{:.2f}".format, xs.tolist(), ys.tolist()))
    return "".join("M" + "L".join(pts[a:b]) + "Z" for a, b in zip(bounds[:-1], bounds[1:]))


def map_svg(spec: dict[str, Any]) -> str:
    """The SVG of a :func:`qingshan.charts.city_map` specification (its caption, if the spec
    carries one, is the accessible name)."""
    width, height = float(spec["width"]), float(spec["height"])
    layers = spec["layer"]
    features = spec["datasets"]["features"]
    coloured = layers[1]
    enc = coloured["encoding"]
    colour_enc = enc["color"]
    text_layer = next((lay for lay in layers[2:] if lay["mark"]["type"] == "text"), None)
    point_layer = next((lay for lay in layers[2:] if lay["mark"]["type"] == "circle"), None)
    anchors = text_layer["data"]["values"] if text_layer else []
    points = point_layer["data"]["values"] if point_layer else []
    # the rings of every feature, one array of points (vectorised projection)
    rings = [_rings(f["geometry"]) for f in features]
    coords = [p[:2] for fr in rings for r in fr for p in r]
    counts = [[len(r) for r in fr] for fr in rings]
    lon = np.array([c[0] for c in coords] + [a["lon"] for a in anchors]
                   + [p["lon"] for p in points], float)
    lat = np.array([c[1] for c in coords] + [a["lat"] for a in anchors]
                   + [p["lat"] for p in points], float)
    k, tx, ty = fit_mercator(lon, lat, width, height)
    mx, my = _merc(lon, lat)
    px, py = k * mx + tx, ty - k * my
    values = [f["properties"]["value"] for f in features]
    has_value = [v is not None and v == v for v in values]     # Vega's isValid
    valued = [float(v) for v, ok in zip(values, has_value) if ok]
    fill, domain = colour_scale(colour_enc, valued)
    field = colour_enc["field"].split(".")[-1]
    tips = [(t.get("title") or t["field"], t["field"].split(".")[-1])
            for t in enc.get("tooltip", [])]
    linked = "href" in enc
    caption = getattr(spec, "caption", "") or ""
    pt_enc = (point_layer or {}).get("encoding", {}).get("color")
    extra = [] if pt_enc is None else list(zip(pt_enc["scale"]["domain"],
                                               pt_enc["scale"]["range"]))
    legend, lw, lh = _legend(colour_enc, fill, domain, extra)
    total_w = math.ceil(2 * _PAD + width + _LEGEND_OFFSET + lw)
    total_h = math.ceil(2 * _PAD + max(height, lh))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'version="1.1" width="{total_w}" height="{total_h}" viewBox="0 0 {total_w} '
           f'{total_h}" role="img" aria-label="{escape(caption, True)}" '
           f'font-family="{escape(FONT_FAMILY, True)}">',
           f'<rect width="{total_w}" height="{total_h}" fill="white"/>',
           f'<g transform="translate({_PAD},{_PAD})">']
    start = 0
    for feat, cnt, has in zip(features, counts, has_value):
        props = feat["properties"]
        n = sum(cnt)
        bounds = list(np.cumsum([0] + cnt))
        d = _path(px[start:start + n], py[start:start + n], bounds)
        start += n
        colour = fill(props.get(field)) if has else _NO_DATA_COLOUR
        tip = _tip([(title, props.get(key)) for title, key in tips]) if has else \
            _tip([(tips[0][0], props.get("name"))] if tips else [])
        shape = (f'<path d="{d}" fill="{escape(str(colour), True)}" stroke="white" '
                 f'stroke-width="0.8"><title>{escape(tip)}</title></path>')
        if has and linked and props.get("href"):
            shape = f'<a xlink:href="{escape(props["href"], True)}">{shape}</a>'
        out.append(shape)
    a0 = start
    for i, a in enumerate(anchors):
        out.append(f'<text x="{px[a0 + i]:.2f}" y="{py[a0 + i] + 3:.2f}" text-anchor="middle" '
                   f'font-size="10" fill="{escape(str(a.get("ink", INK_DARK)), True)}">'
                   f'{escape(str(a["name"]))}</text>')
    p0 = a0 + len(anchors)
    if point_layer:
        mark = point_layer["mark"]
        r = math.sqrt(float(mark.get("size", 30))) / 2
        ptips = [(t.get("title") or t["field"], t["field"])
                 for t in point_layer["encoding"].get("tooltip", [])]
        cats = dict(extra)
        for i, p in enumerate(points):
            colour = (cats.get(p.get("category"), _NO_DATA_COLOUR) if pt_enc is not None
                      else mark.get("color", "#1d2b2a"))
            dot = (f'<circle cx="{px[p0 + i]:.2f}" cy="{py[p0 + i]:.2f}" r="{r:.3f}" '
                   f'fill="{escape(str(colour), True)}" opacity="{mark.get("opacity", 1)}" '
                   f'stroke="white" stroke-width="{mark.get("strokeWidth", 0.5)}"><title>'
                   f'{escape(_tip([(tt, p.get(key)) for tt, key in ptips]))}</title></circle>')
            if p.get("href"):
                dot = f'<a xlink:href="{escape(p["href"], True)}">{dot}</a>'
            out.append(dot)
    out.append(f'<g transform="translate({width + _LEGEND_OFFSET:g},0)">')
    out.extend(legend)
    out.append("</g></g></svg>")
    return "".join(out)
