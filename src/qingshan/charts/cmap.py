"""Choropleth of cities (e.g. the composite index), optionally linking each city to its page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import altair as alt
import pandas as pd

from qingshan.charts.common import ChartSpec, check_lang, finish, pollutant_label, t

__all__ = ["city_map", "city_map_caption", "feature_anchor", "rewind_for_d3", "safe_link"]

_NO_DATA_COLOUR = "#e6e6e6"


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Area-weighted centroid and |area| of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring[:-1], ring[1:]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring[:-1], ring[1:])) / 2


def _rewind_polygon(rings: list[list[list[float]]]) -> list[list[list[float]]]:
    """Exterior ring clockwise, holes anticlockwise (planar lon/lat), as d3-geo requires.

    RFC 7946 GeoJSON winds exterior rings anticlockwise; d3-geo (used by Vega) reads such a
    ring as "the whole sphere except this polygon", so rings are re-wound here.
    """
    out = []
    for i, ring in enumerate(rings):
        area = _signed_area(ring)
        want_clockwise = i == 0
        if (area > 0) == want_clockwise:
            ring = list(reversed(ring))
        out.append(ring)
    return out


def rewind_for_d3(geometry: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a Polygon/MultiPolygon geometry wound the way d3-geo expects."""
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": _rewind_polygon(geometry["coordinates"])}
    if geometry["type"] == "MultiPolygon":
        return {"type": "MultiPolygon",
                "coordinates": [_rewind_polygon(p) for p in geometry["coordinates"]]}
    return geometry


def feature_anchor(geometry: dict[str, Any]) -> tuple[float, float]:
    """Label position of a Polygon/MultiPolygon: centroid of its largest exterior ring."""
    if geometry["type"] == "Polygon":
        rings = [geometry["coordinates"][0]]
    elif geometry["type"] == "MultiPolygon":
        rings = [poly[0] for poly in geometry["coordinates"]]
    else:
        raise ValueError(f"unsupported geometry type {geometry['type']!r}")
    best = max((_ring_centroid([list(p[:2]) for p in r]) for r in rings), key=lambda c: c[2])
    return best[0], best[1]


def safe_link(template: str, code: str, base_url: str | None = None) -> str:
    """The absolute http(s) URL of a city's link.

    Vega resolves every ``href`` against its loader's base URL, which by default is an
    external host (``https://vega.github.io/vega-datasets/``): a relative ``/city/370100``
    would become a link to that host. So a link is made absolute here, by construction:
    ``base_url`` (e.g. the server's own ``http://host:port/``) is joined with the formatted
    template, and anything that is still not an absolute ``http``/``https`` URL (a relative
    template without ``base_url``, ``javascript:`` …) is refused with ``ValueError``.
    """
    link = template.format(code=quote(str(code), safe=""))
    if base_url is not None:
        link = urljoin(base_url, link)
    u = urlsplit(link)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise ValueError(f"map link {link!r} is not an absolute http(s) URL: Vega would resolve "
                         "it against its own default base URL; pass base_url")
    return link


#: limit-anchored ramp: 0 → limit → 2 × limit
_LIMIT_RANGE = ["#1a9850", "#ffffbf", "#d73027"]


def _band(value: float | None, categories: list[dict[str, Any]]) -> str | None:
    """Label of the category band holding ``value`` (bands are inclusive integer ranges, as
    HJ 633 Table 2: 0–50, 51–100, …; a value between two bands belongs to the upper)."""
    if value is None:
        return None
    for c in categories:
        if c.get("hi") is None or value <= c["hi"]:
            return c["label"]
    return categories[-1]["label"]


def _colour(title: str, scheme: str, categories, limit, higher_is_better: bool,
            lang: str) -> dict[str, Any]:
    """The colour channel: category bands, a limit-anchored ramp, or a relative ramp."""
    if categories:
        return {"field": "properties.category", "type": "nominal", "title": title,
                "scale": {"domain": [c["label"] for c in categories],
                          "range": [c["colour"] for c in categories]},
                "legend": {"orient": "right"}}
    if limit:
        name, value = limit
        mark = f"{name} {value:g}"
        return {"field": "properties.value", "type": "quantitative",
                "title": [title, mark],
                "scale": {"domain": [0, value, 2 * value], "range": _LIMIT_RANGE,
                          "clamp": True},
                "legend": {"orient": "right", "values": [0, value, 2 * value],
                           "labelExpr": f"datum.value == {value:g} ? '{value:g} ◀' : "
                                        f"datum.value >= {2 * value:g} ? '≥ {2 * value:g}' : "
                                        "datum.label"}}
    sch: dict[str, Any] = {"scheme": scheme, "zero": False}
    if higher_is_better:
        sch["reverse"] = True
    return {"field": "properties.value", "type": "quantitative", "title": title,
            "scale": sch, "legend": {"orient": "right"}}


def _caption(table: pd.DataFrame, legend_title: str, indicator: str, lang: str, categories,
             limit, higher_is_better: bool) -> str:
    shown = table[legend_title].notna().sum()
    if categories:
        how = {"zh": "颜色为各城市所在的级别（HJ 633）。", "en": "colours are the cities' "
               "categories (HJ 633)."}[lang]
    elif limit:
        how = {"zh": f"绿色低于、红色高于{limit[0]} {limit[1]:g}。",
               "en": f"green below, red above the {limit[0]} of {limit[1]:g}."}[lang]
    elif higher_is_better:
        how = {"zh": "颜色越深数值越低。", "en": "darker means lower."}[lang]
    else:
        how = {"zh": "颜色越深数值越高。", "en": "darker means higher."}[lang]
    if lang == "zh":
        caption = (f"{pollutant_label(indicator, lang, False)}分布图：{len(table)} 个城市中 "
                   f"{shown} 个有数据，{how}")
    else:
        caption = (f"Map of {pollutant_label(indicator, lang, False)}: {shown} of {len(table)} "
                   f"cities have data; {how}")
    return caption


def city_map_caption(geojson: dict[str, Any], values: pd.DataFrame, indicator: str,
                     lang: str = "zh", categories: list[dict[str, Any]] | None = None,
                     limit: tuple[str, float] | None = None, higher_is_better: bool = False,
                     **_ignored: Any) -> str:
    """The ``.caption`` of :func:`city_map` with the same arguments, without building the map
    (a page shows it and loads the map itself from a chart route)."""
    check_lang(lang)
    legend_title = pollutant_label(indicator, lang)
    codes = [str((f.get("properties") or {}).get("code")) for f in geojson["features"]]
    by_code = pd.Series(values["value"].to_numpy(), index=values["code"].astype(str))
    if by_code.index.is_unique:   # one value per city (a reindex, not a merge: pages ask often)
        table = pd.DataFrame({"code": codes, legend_title: by_code.reindex(codes).to_numpy()})
    else:
        vals = values.copy()
        vals["code"] = vals["code"].astype(str)
        table = pd.DataFrame({"code": codes}).merge(vals[["code", "value"]], on="code",
                                                    how="left")
        table = table.rename(columns={"value": legend_title})
    return _caption(table, legend_title, indicator, lang, categories, limit, higher_is_better)


def city_map(
    geojson: dict[str, Any],
    values: pd.DataFrame,
    indicator: str,
    lang: str = "zh",
    link_template: str | None = None,
    width: int = 520,
    height: int = 400,
    scheme: str = "orangered",
    show_labels: bool = True,
    base_url: str | None = None,
    categories: list[dict[str, Any]] | None = None,
    limit: tuple[str, float] | None = None,
    higher_is_better: bool = False,
    points: pd.DataFrame | None = None,
    point_categories: list[dict[str, Any]] | None = None,
) -> ChartSpec:
    """Choropleth of ``values`` over the city polygons of ``geojson``.

    The Vega-Lite specification is written directly as a ``dict`` (not through Altair
    objects): converting and validating the inline geometry (tens of thousands of
    coordinates) through Altair took seconds per map. The geometry is stored once in the
    top-level ``datasets`` and referenced by name from the two geoshape layers.

    Parameters
    ----------
    geojson : dict
        GeoJSON FeatureCollection; each feature has ``properties.code`` (city code) and a
        name in ``properties.name_<lang>`` or ``properties.name``.
    values : DataFrame
        Columns ``code``, ``value`` and ``label`` (optional ``name``, shown on the map); the
        label is the text shown on hover and in the table, e.g. ``"4.52 (第 3 名)"``.
        Cities without a row are drawn grey as "no data".
    indicator : str
        Statistic name for the legend (``composite_index``, ``pm25`` …) or a free label.
    lang : {"zh", "en"}
    link_template : str, optional
        E.g. ``"http://host/city/{code}"`` or, with ``base_url``, ``"/city/{code}"``: each
        city polygon becomes a link (Vega-Lite ``href``). Links must end up absolute
        http(s) URLs (see :func:`safe_link`); otherwise ``ValueError``.
    base_url : str, optional
        Base against which a relative ``link_template`` is resolved.
    categories : list of dict, optional
        A category scale instead of a ramp (e.g. the AQI levels of HJ 633 Table 2 with their
        Appendix A colours): each ``{"lo", "hi", "label", "colour"}`` (``hi`` None = open);
        a city's colour is that of the band holding its value; the legend lists the labels.
    limit : (label, value), optional
        A limit-anchored scale (e.g. ``("GB 3095-2012 grade II", 35)``): green at 0, pale
        yellow at the limit, red at twice the limit and above; the legend marks the limit.
    higher_is_better : bool
        Reverse the ramp (e.g. the good-day ratio): darker means lower.
    points : DataFrame, optional
        Station markers: ``code``, ``name``, ``lon``, ``lat`` (rows without coordinates are
        left out), optional ``href`` (absolute links, :func:`safe_link`) drawn as small dots
        with the name as tooltip; optional ``category`` coloured by ``point_categories``.
    point_categories : list of dict, optional
        ``{"label", "colour"}`` of the markers' ``category`` values (legend in this order).

    Returns
    -------
    ChartSpec
        ``.table`` = code, city, value, label for every feature.
    """
    check_lang(lang)
    vals = values.copy()
    vals["code"] = vals["code"].astype(str)
    by_code = vals.set_index("code")
    features = []
    anchors = []
    for feat in geojson["features"]:
        props = dict(feat.get("properties") or {})
        code = str(props.get("code"))
        row = by_code.loc[code] if code in by_code.index else None
        value = None if row is None or pd.isna(row["value"]) else float(row["value"])
        props["value"] = value
        props["label"] = "" if row is None or pd.isna(row.get("label")) else str(row["label"])
        if link_template is not None:
            props["href"] = safe_link(link_template, code, base_url)
        geometry = rewind_for_d3(feat["geometry"])
        lon, lat = feature_anchor(geometry)
        name = (row["name"] if row is not None and "name" in row.index and pd.notna(row["name"])
                else props.get(f"name_{lang}") or props.get("name") or props.get("name_zh") or code)
        props["name"] = str(name)
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
        anchors.append({"code": code, "name": str(name), "lon": lon, "lat": lat, "value": value})
    legend_title = pollutant_label(indicator, lang)
    if categories:
        for f in features:
            f["properties"]["category"] = _band(f["properties"]["value"], categories)
    tooltip = [
        {"field": "properties.name", "type": "nominal", "title": t("city", lang)},
        {"field": "properties.value", "type": "quantitative", "title": legend_title},
        {"field": "properties.label", "type": "nominal", "title": t("label", lang)},
    ]
    enc: dict[str, Any] = {"color": _colour(legend_title, scheme, categories, limit,
                                            higher_is_better, lang), "tooltip": tooltip}
    mark: dict[str, Any] = {"type": "geoshape", "stroke": "white", "strokeWidth": 0.8}
    if link_template is not None:
        enc["href"] = {"field": "properties.href", "type": "nominal"}
        mark["cursor"] = "pointer"
    layers: list[dict[str, Any]] = [
        {"data": {"name": "features"},
         "mark": {"type": "geoshape", "fill": _NO_DATA_COLOUR, "stroke": "white",
                  "strokeWidth": 0.8}},
        {"data": {"name": "features"}, "transform": [{"filter": "isValid(datum.properties.value)"}],
         "mark": mark, "encoding": enc},
    ]
    if show_labels:
        # each name in the ink that reads on its city's fill (the fill as the scale gives it:
        # charts.mapsvg.colour_scale, the same colours Vega draws, tests/web/test_map_svg.py)
        from qingshan.charts.mapsvg import INK_DARK, INK_LIGHT, colour_scale, label_ink

        field = enc["color"]["field"].split(".")[-1]
        valid = [f["properties"]["value"] is not None for f in features]
        fill, _ = colour_scale(enc["color"], [f["properties"]["value"]
                                              for f, ok in zip(features, valid) if ok])
        for a, f, ok in zip(anchors, features, valid):
            a["ink"] = label_ink(fill(f["properties"][field]) if ok else _NO_DATA_COLOUR)
        for ink in (INK_DARK, INK_LIGHT):   # one text layer per ink (no colour scale to share)
            layers.append({
                "data": {"values": anchors},
                "transform": [{"filter": f"datum.ink == '{ink}'"}],
                "mark": {"type": "text", "fontSize": 10, "color": ink},
                "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                             "latitude": {"field": "lat", "type": "quantitative"},
                             "text": {"field": "name", "type": "nominal"}},
            })
    if points is not None and len(points):
        pts = points.dropna(subset=["lon", "lat"])
        recs = [{"code": str(r.code), "name": str(r.name), "lon": float(r.lon),
                 "lat": float(r.lat), **({"href": safe_link(str(r.href), "", None)}
                                          if "href" in pts.columns else {}),
                 **({"category": None if pd.isna(r.category) else str(r.category)}
                    if "category" in pts.columns else {})}
                for r in pts.itertuples(index=False)]
        layer = {"data": {"values": recs},
                 "mark": {"type": "circle", "size": 14, "color": "#1d2b2a", "opacity": 0.7,
                          "stroke": "white", "strokeWidth": 0.5},
                 "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                              "latitude": {"field": "lat", "type": "quantitative"},
                              "tooltip": [{"field": "name", "type": "nominal",
                                           "title": t("station", lang)},
                                          {"field": "code", "type": "nominal"}]}}
        if point_categories and "category" in pts.columns:
            layer["mark"].update(size=40, opacity=0.95)
            layer["mark"].pop("color")
            layer["encoding"]["color"] = {
                "field": "category", "type": "nominal", "title": legend_title,
                "scale": {"domain": [c["label"] for c in point_categories],
                          "range": [c["colour"] for c in point_categories]},
                "legend": {"orient": "right"}}
            layer["encoding"]["tooltip"].append({"field": "category", "type": "nominal",
                                                 "title": legend_title})
        if "href" in pts.columns:
            layer["encoding"]["href"] = {"field": "href", "type": "nominal"}
            layer["mark"]["cursor"] = "pointer"
        layers.append(layer)
    spec = {"$schema": alt.SCHEMA_URL, "width": width, "height": height,
            "projection": {"type": "mercator"}, "datasets": {"features": features},
            "layer": layers}
    table = pd.DataFrame(anchors, columns=["code", "name", "lon", "lat", "value"])[
        ["code", "name"]].merge(vals[["code", "value", "label"]], on="code", how="left")
    table = table.rename(columns={"code": t("code", lang), "name": t("city", lang),
                                  "value": legend_title, "label": t("label", lang)})
    caption = _caption(table, legend_title, indicator, lang, categories, limit, higher_is_better)
    return finish(spec, table, caption)
