"""The water page (``/water``) and the water blocks of the overview and city pages.

Every figure comes from the water services (through :mod:`qingshan.water.api`, the
same tables the JSON API returns): surface-water sections, cities and the province
(GB 3838-2002 classes, 2011 assessment method) and coastal points (GB 3097-1997).

The water blocks of the overview and city pages (and the periods with samples) read only the
water and coastal tables and the catalogue, so they are kept per store file and catalogue
version (:func:`qingshan.air.versions.kept`; an air upload keeps them) and day.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import duckdb
import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.api.catalog import kept
from qingshan.core.periods import Period
from qingshan.water import report_terms as water_terms
from qingshan.water.api import (
    coastal_table, group_rows, water_groups, water_period, water_table,
)
from qingshan.web.i18n import request_lang
from qingshan.web.render import page

__all__ = ["router", "water_periods", "water_headline", "city_water"]

router = APIRouter(include_in_schema=False)


def water_periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Labels (:mod:`qingshan.core.periods`) of the years, half-years, quarters and months with
    surface-water or coastal samples, newest first, each year first (``2024``, ``2024-H2``,
    ``2024-H1``, ``2024-Q4`` … ``2024-Q1``, ``2024-12`` … ``2024-01``, ``2023`` …). Any other
    period (a run of months) is reached by its label in the address."""
    return list(kept(con, ("water_periods",), lambda: _water_periods(con)))


def _water_periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("""
        SELECT DISTINCT year(t) AS y, month(t) AS m FROM (
            SELECT sample_time AS t FROM water_sample
            UNION ALL SELECT sample_time FROM coastal_sample) ORDER BY y DESC, m DESC
        """).fetchall()
    by_year: dict[int, list[int]] = {}
    for y, m in rows:
        by_year.setdefault(int(y), []).append(int(m))
    out: list[str] = []
    for y, ms in by_year.items():
        out.append(str(y))
        out += [f"{y}-H{h}" for h in (2, 1) if any((m - 1) // 6 + 1 == h for m in ms)]
        out += [f"{y}-Q{q}" for q in (4, 3, 2, 1) if any((m - 1) // 3 + 1 == q for m in ms)]
        out += [Period.of(y, m, y, m).label for m in ms]
    return out


def _cached(con, fn, *args) -> pd.DataFrame:
    from qingshan.air.pages import _svc
    return _svc(con, fn, *args)


def _groups(con, period: str, level: str) -> pd.DataFrame:
    """``water_table(con, period, level)`` for the city or province level, both levels from
    one computation (:func:`qingshan.water.api.water_groups`, cached once per period: the
    overview's province figures and the city pages' city rows of a year share it)."""
    return group_rows(_cached(con, water_groups, period), level)


def _row(df: pd.DataFrame, code: str | None = None) -> dict[str, Any]:
    if code is not None:
        df = df[df.code == code]
    return df.iloc[0].to_dict() if len(df) else {}


def water_headline(con, period: str) -> dict[str, Any]:
    """Province figures of ``period``: surface water (sections, I–III %, 劣V %, grade, change)
    and coastal water (excellent % by points and by area); empty when there is no section."""
    return copy.deepcopy(kept(con, ("water_headline", period, date.today()),
                              lambda: _water_headline(con, period)))


def _water_headline(con, period: str) -> dict[str, Any]:
    prov = _row(_groups(con, period, "province"))
    if not prov or not prov.get("n_sections"):
        return {}
    coast = _row(_cached(con, coastal_table, period, "province"))
    if not coast.get("n_points"):
        coast = {}
    return {"period": period, **prov,
            "coastal_excellent_pct_count": coast.get("excellent_pct_count"),
            "coastal_excellent_pct_area": coast.get("excellent_pct_area"),
            "n_points": coast.get("n_points")}


def city_water(con, city_code: str, year: int) -> dict[str, Any]:
    """The water figures of one city for ``year`` (empty when it has no section that year)."""
    return copy.deepcopy(kept(con, ("city_water", city_code, year, date.today()),
                              lambda: _city_water(con, city_code, year)))


def _city_water(con, city_code: str, year: int) -> dict[str, Any]:
    if str(year) not in water_periods(con):
        return {}
    row = _row(_groups(con, str(year), "city"), city_code)
    if not row:
        return {}
    coast = _row(_cached(con, coastal_table, str(year), "city"), city_code)
    return {"period": str(year), "city": row, "coast": coast}


#: colours of the water classes on maps: 地表水环境质量评价办法（试行）(环办〔2011〕22号) Table 1
#: — I–II 蓝色, III 绿色, IV 黄色, V 橙色, 劣V 红色
CLASS_COLOURS = {1: "#3A80E0", 2: "#3A80E0", 3: "#2FA84F", 4: "#F2D024", 5: "#F08A24",
                 6: "#E0342B"}


def _water_map(prov, cities: pd.DataFrame, sections: pd.DataFrame, names: dict, lang: str
               ) -> tuple[str | None, str | None]:
    """Cities by their I–III share (darker = higher share), sections with coordinates as
    markers in the colour of their class; None when the province has no map geometry."""
    from qingshan import charts
    from qingshan.web.geo import load_geo
    from qingshan.web.i18n import translator
    from qingshan.web.render import chart_svg
    geo = load_geo(prov)
    if geo is None or cities.empty:
        return None, None
    t = translator(lang)
    geo = {"type": "FeatureCollection", "features": [
        {**f, "properties": {**f["properties"], "name": names.get(f["properties"]["code"], "")}}
        for f in geo["features"]]}
    values = pd.DataFrame({"code": cities["code"], "value": cities["excellent_pct"],
                           "label": [("—" if pd.isna(v) else f"{v:.1f}%")
                                     for v in cities["excellent_pct"]]})
    pts, cats = None, None
    if {"lon", "lat"} <= set(sections.columns) and sections[["lon", "lat"]].notna().all(1).any():
        labels = {k: water_terms.water_class(k, lang) for k in CLASS_COLOURS}
        pts = sections[["code", "name", "lon", "lat"]].assign(
            category=[labels.get(c) for c in sections["class_computed"]])
        cats = [{"label": labels[k], "colour": CLASS_COLOURS[k]} for k in CLASS_COLOURS]
    spec = charts.city_map(geo, values, t("excellent_pct"), lang=lang, points=pts,
                           point_categories=cats, scheme="blues")
    return chart_svg(spec), spec.caption


def _city_shares_chart(cities: pd.DataFrame, lang: str):
    """Bars per city: share of sections in classes I–III (水质优良比例) and worse than V (劣V
    比例), in % of the city's assessed sections (the 2011 method's shares, from the service);
    cities by I–III share, best first. ``.table`` holds the plotted values."""
    import altair as alt
    from qingshan.charts.common import finish
    from qingshan.web.i18n import translator
    t = translator(lang)
    good, bad = t("excellent_pct"), t("inferior_v_pct")
    name = cities["display_name"].fillna(cities["code"]) if "display_name" in cities else \
        cities["code"]
    df = pd.DataFrame({"city": name, good: cities["excellent_pct"],
                       bad: cities["inferior_v_pct"]}).sort_values(good, ascending=False)
    rows = [{"city": c, "kind": k, "value": None if pd.isna(v) else float(v)}
            for c, g, b in df.itertuples(index=False) for k, v in ((good, g), (bad, b))]
    city_t = t("city")
    spec = {"$schema": alt.SCHEMA_URL, "width": 420, "height": {"step": 11},
            "data": {"values": rows}, "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "city", "type": "nominal", "sort": list(df["city"]),
                      "title": city_t},
                "yOffset": {"field": "kind", "sort": [good, bad]},
                "x": {"field": "value", "type": "quantitative", "title": "%",
                      "scale": {"domain": [0, 100]}},
                "color": {"field": "kind", "type": "nominal", "title": None,
                          "scale": {"domain": [good, bad],
                                    "range": [CLASS_COLOURS[3], CLASS_COLOURS[6]]},
                          "legend": {"orient": "top"}},
                "tooltip": [{"field": "city"}, {"field": "kind"},
                            {"field": "value", "type": "quantitative", "format": ".1f"}]}}
    table = df.rename(columns={"city": city_t})
    caption = (f"各城市地表水断面水质优良（Ⅰ～Ⅲ类）比例与劣Ⅴ类比例（%），共 {len(df)} 个城市。"
               if lang == "zh" else
               f"Share of sections in classes I–III and worse than V (%), {len(df)} cities.")
    return finish(spec, table, caption)


def _class_counts_chart(sections: pd.DataFrame, lang: str):
    """Number of sections in each GB 3838 class (I … 劣V), bars in the class colours of the
    2011 method (CLASS_COLOURS); sections without a class are left out (counted in the
    caption)."""
    import altair as alt
    from qingshan.charts.common import finish
    cls = sections["class_computed"] if "class_computed" in sections else pd.Series(dtype=float)
    known = cls.dropna().astype(int)
    counts = known.value_counts().reindex(list(CLASS_COLOURS), fill_value=0)
    labels = [water_terms.water_class(k, lang) for k in CLASS_COLOURS]
    n_label = "断面数" if lang == "zh" else "Sections"
    cls_label = "水质类别" if lang == "zh" else "Class"
    rows = [{"class": lab, "n": int(n)} for lab, n in zip(labels, counts)]
    spec = {"$schema": alt.SCHEMA_URL, "width": 420, "height": 200,
            "data": {"values": rows}, "mark": {"type": "bar"},
            "encoding": {
                "x": {"field": "class", "type": "ordinal", "sort": labels, "title": cls_label,
                      "axis": {"labelAngle": 0}},
                "y": {"field": "n", "type": "quantitative", "title": n_label,
                      "axis": {"tickMinStep": 1}},
                "color": {"field": "class", "type": "nominal", "legend": None,
                          "scale": {"domain": labels, "range": list(CLASS_COLOURS.values())}},
                "tooltip": [{"field": "class", "title": cls_label},
                            {"field": "n", "title": n_label}]}}
    table = pd.DataFrame({cls_label: labels, n_label: [int(n) for n in counts]})
    missing = int(cls.isna().sum())
    caption = (f"按水质类别统计的断面数（共 {int(counts.sum())} 个有类别的断面"
               f"{f'，{missing} 个无评价结果' if missing else ''}）。" if lang == "zh" else
               f"Sections by water class ({int(counts.sum())} with a class"
               f"{f', {missing} without an assessment' if missing else ''}).")
    return finish(spec, table, caption)


def _water_charts(cities: pd.DataFrame, sections: pd.DataFrame, lang: str) -> list[dict]:
    from qingshan.web.render import chart_svg
    out = []
    if len(cities):
        spec = _city_shares_chart(cities, lang)
        out.append({"id": "water-chart-cities", "svg": chart_svg(spec), "caption": spec.caption,
                    "table": spec.table})
    if len(sections):
        spec = _class_counts_chart(sections, lang)
        out.append({"id": "water-chart-classes", "svg": chart_svg(spec),
                    "caption": spec.caption, "table": spec.table})
    return out


@router.get("/water", response_class=HTMLResponse)
def water_page(request: Request, period: str | None = None) -> HTMLResponse:
    """Province headline, cities, sections and coastal points of a period (any kind of
    :mod:`qingshan.core.periods`; default the latest year with samples)."""
    lang = request_lang(request)
    with request.app.state.store.cursor() as con:
        periods = water_periods(con)
        if period is None and not periods:
            return page(request, "water.html", periods=[], period=None, head={}, cities=[],
                        sections=[], points=[], coast_cities=[])
        p = water_period(period) if period is not None else periods[0]
        head = water_headline(con, p)
        cities = _groups(con, p, "city")
        sections = _cached(con, water_table, p, "section")
        points = _cached(con, coastal_table, p, "point")
        coast_cities = _cached(con, coastal_table, p, "city")
        names = dict(con.execute(
            f"SELECT code, {'name_zh' if lang == 'zh' else 'name_en'} FROM city").fetchall())
    for df in (cities, coast_cities):
        df["display_name"] = df.code.map(names)
    for df in (sections, points):
        df["city_name"] = df.city_code.map(names)
    map_svg, map_caption = _water_map(request.app.state.province, cities, sections, names, lang)
    water_charts = _water_charts(cities, sections, lang)
    return page(request, "water.html", periods=periods if p in periods else [p, *periods],
                water_charts=water_charts,
                period=p, head=head, cities=cities.to_dict(orient="records"),
                sections=sections.to_dict(orient="records"),
                points=points.to_dict(orient="records"),
                coast_cities=coast_cities.to_dict(orient="records"),
                map_svg=map_svg, map_caption=map_caption)
