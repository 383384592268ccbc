"""Template environment and helpers shared by the pages: language, links, numbers, charts."""

from __future__ import annotations

from markupsafe import Markup

import hashlib
import json
import logging
import math
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from qingshan.api.answers import AnswerCache
from qingshan.api.errors import ApiError
from qingshan.water import report_terms as water_terms
from qingshan.web.i18n import request_lang, translator
from qingshan.web.download import download_href
from qingshan.web.periods import period_name

__all__ = ["page", "chart_svg", "chart_src", "svg_response", "fmt", "num", "pollutant_name"]

log = logging.getLogger("qingshan.web")
_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
_SVG_CACHE: OrderedDict[str, str] = OrderedDict()
_POLL_NAMES = {"pm25": "PM₂.₅", "pm2.5": "PM₂.₅", "pm10": "PM₁₀", "so2": "SO₂", "no2": "NO₂", "co": "CO",
               "o3": "O₃", "o3_8h": "O₃", "o3_1h": "O₃"}


def fmt(v: Any) -> str:
    """A table cell: None/NaN as an em dash, floats with up to 3 significant decimals."""
    try:
        if v is None or pd.isna(v):
            return "—"
    except (TypeError, ValueError):
        pass
    if isinstance(v, (datetime, pd.Timestamp)):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".") if abs(v) < 100 else f"{v:.0f}"
    return str(v)


def num(v: Any, nd: int = 0) -> str:
    """A figure with ``nd`` decimals; missing (None, NaN, NA) as an em dash."""
    try:
        if v is None or pd.isna(v):
            return "—"
    except (TypeError, ValueError):
        return str(v)
    if isinstance(v, (int, float)) or hasattr(v, "__float__"):
        return f"{float(v):.{nd}f}"
    return str(v)


def pollutant_name(code: Any) -> str:
    """Display name of a primary-pollutant code (or a comma list of them)."""
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        return "—"
    return ", ".join(_POLL_NAMES.get(c.strip().lower(), c.strip())
                     for c in str(code).replace(";", ",").split(","))


def chart_svg(spec: Any) -> str | None:
    """SVG of a chart spec (rendered server-side by vl-convert; cached by content)."""
    from qingshan.charts import render_svg
    try:
        key = hashlib.sha1(json.dumps(dict(spec), sort_keys=True, default=str).encode()
                           ).hexdigest()
    except TypeError:
        key = None
    if key and key in _SVG_CACHE:
        _SVG_CACHE.move_to_end(key)
        return _SVG_CACHE[key]
    try:
        svg = render_svg(spec)
    except Exception:  # a chart that cannot be drawn leaves its table on the page
        log.exception("chart rendering failed")
        return None
    if key:
        _SVG_CACHE[key] = svg
        while len(_SVG_CACHE) > 64:
            _SVG_CACHE.popitem(last=False)
    return svg


#: chart SVGs served by the chart routes, per question and store state (a commit changes the
#: stamp of the store file, :func:`qingshan.api.answers.store_stamp`); a calendar is ~0.3 MB
_CHARTS = AnswerCache(48)


def chart_src(path: str, lang: str, **params: Any) -> str:
    """The ``src`` of a chart image: a chart route's ``path`` with the page's parameters (None
    dropped) and its language, so the SVG is drawn in the page's language."""
    q = {k: v for k, v in params.items() if v is not None}
    q["lang"] = lang
    return f"{path}?{urlencode(q)}"


def svg_response(request: Request, build: Any, post: Any = None) -> Response:
    """A chart route's answer: the SVG of the spec ``build()`` returns (or the SVG text it
    returns), kept per request (path,
    query, language) and store state, so the same chart of the same data is drawn once; 404
    ``no_chart`` when there is nothing to draw; ``post``: a function applied to the SVG text
    (e.g. the map's link host). ``ETag`` + ``Cache-Control: no-cache``: a
    browser asks again (a new upload may change the figures) and gets 304 when unchanged."""
    key = ("chart", request.url.path, tuple(sorted(request.query_params.multi_items())),
           request_lang(request), request.app.state.province.code)

    def draw():
        spec = build()
        # a chart drawn directly is its SVG text already (the city calendar)
        svg = spec if spec is None or isinstance(spec, str) else chart_svg(spec)
        return svg if svg is None or post is None else post(svg)

    svg = _CHARTS.get_or_compute(request.app.state.store.path, key, draw)
    if not svg:
        raise ApiError(404, "no_chart", "nothing to draw for these parameters")
    etag = '"' + hashlib.sha1(svg.encode()).hexdigest()[:20] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(svg, media_type="image/svg+xml", headers=headers)


def _domain_nav() -> list[tuple[str, str]]:
    """(path, i18n key) of every registered domain's entry page (``parts["nav"]``)."""
    from qingshan.core.registry import domains
    return [(d.parts["nav"], f"nav_{d.name}") for d in domains() if "nav" in d.parts]


def _actor(request: Request):
    from qingshan.api.auth import resolve
    try:
        return resolve(request)
    except Exception:
        return None


def _csrf_field(request: Request) -> str:
    from qingshan.api.auth import csrf_field_html
    return csrf_field_html(request)


#: query parameters the language link keeps (the pages' own; anything else is dropped)
_KEPT_PARAMS = frozenset({"period", "indicator", "year", "day", "days", "pollutant", "level",
                          "code", "codes", "offset", "limit", "q", "start", "end", "kind"})
_MAX_PARAMS, _MAX_PARAM_CHARS, _MAX_PATH_CHARS = 12, 64, 120


def _page_path(request: Request) -> str:
    """This page's path and query (what a download link renders again)."""
    q = request.url.query
    return request.url.path + (f"?{q}" if q else "")


def _switch_path(request: Request) -> str:
    """The path of the language link: the request's own path only when it matched a page
    route of this app and is short (a 404 or an odd path links to the overview instead, so
    the page never echoes an arbitrary request path)."""
    path = request.url.path
    if request.scope.get("route") is None or len(path) > _MAX_PATH_CHARS:
        return "/"
    return path


#: drawn content blocks kept per kept page context (languages × page URLs); beyond it a page
#: is drawn whole each time (an odd query string never grows what is kept)
MAX_DRAWN = 8


def page(request: Request, template: str, status: int = 200, drawn: dict | None = None,
         **ctx: Any) -> HTMLResponse:
    """Render a page in the request's language; links keep the language in the URL.

    ``drawn``: a dict kept with the context (a kept page, :func:`qingshan.air.pages`): the
    page's ``content`` block is drawn once per language and page URL into it and reused, the
    rest (the header with its user and CSRF field) is drawn for each request. A template
    drawn so may use in its content block only the context, the language and the page URL
    (the download links) — never the user, the CSRF field or other request state."""
    lang = request_lang(request)
    other = "en" if lang == "zh" else "zh"

    def url(path: str, **params: Any) -> str:
        q = {k: v for k, v in params.items() if v is not None}
        q["lang"] = lang
        return f"{path}?{urlencode(q)}"

    params = {k: v for k, v in list(request.query_params.items())[:_MAX_PARAMS]
              if k in _KEPT_PARAMS and len(v) <= _MAX_PARAM_CHARS}
    params["lang"] = other
    prov = request.app.state.province
    names = dict(
        request=request, lang=lang, t=translator(lang), url=url, fmt=fmt, fnum=num,
        pollutant_name=pollutant_name, wt=water_terms,
        period_name=lambda label: period_name(str(label), lang),
        switch_url=f"{_switch_path(request)}?{urlencode(params)}",
        province_name=prov.name_zh if lang == "zh" else prov.name_en,
        actor=_actor(request), csrf_field=lambda: Markup(_csrf_field(request)),
        dl_href=lambda table_id, fmt: download_href(_page_path(request), table_id, fmt),
        domain_nav=_domain_nav(), **ctx)
    tmpl = _ENV.get_template(template)
    if drawn is None:
        html = tmpl.render(names)
    else:
        html = _drawn(tmpl, names, drawn, (template, lang, _page_path(request)))
    resp = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") == lang:
        resp.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return resp


def _drawn(tmpl, names: dict, drawn: dict, key: tuple) -> str:
    """``tmpl`` rendered with ``names``, its ``content`` block taken from ``drawn[key]`` or
    drawn now and kept there (Jinja's block functions: ``Template.new_context`` /
    ``root_render_func``, as ``Template.render`` does)."""
    ctx = tmpl.new_context(names)
    kept = drawn.get(key)
    if kept is not None:
        ctx.blocks["content"] = [lambda _c: iter((kept,))]
        try:
            return _ENV.concat(tmpl.root_render_func(ctx))
        except Exception:
            return _ENV.handle_exception()
    own = ctx.blocks["content"][0]
    got: list[str] = []

    def capture(c):
        text = _ENV.concat(own(c))
        got.append(text)
        yield text

    ctx.blocks["content"] = [capture, *ctx.blocks["content"][1:]]
    try:
        html = _ENV.concat(tmpl.root_render_func(ctx))
    except Exception:
        return _ENV.handle_exception()
    if got and len(drawn) < MAX_DRAWN:
        drawn[key] = got[0]
    return html
