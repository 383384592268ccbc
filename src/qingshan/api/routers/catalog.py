"""``/api/v1/cities``, ``/api/v1/stations``: what the store knows about places."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Literal

import duckdb
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, Response

from qingshan.api import catalog
from qingshan.api.deps import get_con
from qingshan.api.errors import ERROR_RESPONSES, ApiError
from qingshan.api.models import (
    CityOut, HourOut, Page, StationLatestOut, StationOut, records,
)
from qingshan.api.params import check_range, page_of, parse_time

__all__ = ["router"]

router = APIRouter(tags=["places"], responses=ERROR_RESPONSES)
Con = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]
Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]


def _city_or_404(con, code: str) -> dict:
    c = catalog.city(con, code)
    if c is None:
        raise ApiError(404, "not_found", f"unknown city {code!r}")
    return c


@router.get("/cities", response_model=list[CityOut] | Page[CityOut],
            summary="Cities of the province")
def list_cities(con: Con, envelope: Annotated[Literal["list", "page"], Query(
        description="`page`: the list envelope {items, total, limit, offset} of every other "
                    "list (recommended); `list` (default, kept for v1 clients): a bare array")
        ] = "list", limit: Limit = 1000, offset: Offset = 0):
    """The configured prefecture-level cities with their number of evaluation stations."""
    items = records(catalog.cities(con))
    return page_of(items, limit, offset) if envelope == "page" else items[offset:offset + limit]


@router.get("/cities/{code}", response_model=CityOut, summary="One city")
def get_city(con: Con, code: Annotated[str, Path(examples=["370100"])]) -> dict:
    return _city_or_404(con, code)


@router.get("/stations", response_model=Page[StationOut], summary="Evaluation stations")
def list_stations(con: Con, city: Annotated[str | None, Query(examples=["370100"],
                  description="city code")] = None, limit: Limit = 100, offset: Offset = 0
                  ) -> dict:
    """Evaluation stations of the province (or of one city), paginated."""
    if city is not None:
        _city_or_404(con, city)
    df, total = catalog.stations(con, city, limit, offset)
    return {"items": records(df), "total": total, "limit": limit, "offset": offset}


@router.get("/stations/{code}", response_model=StationLatestOut, summary="One station")
def get_station(con: Con, code: Annotated[str, Path(examples=["1299A"])]) -> dict:
    """A station with its most recent stored hour."""
    st = catalog.station(con, code)
    if st is None:
        raise ApiError(404, "not_found", f"unknown station {code!r}")
    latest = catalog.latest_hour(con, code)
    return {**st, "latest": latest}


@router.get("/stations/{code}/hours", response_model=Page[HourOut],
            summary="Stored hourly values of a station")
def station_hours(con: Con, code: Annotated[str, Path(examples=["1299A"])],
                  start: Annotated[str, Query(examples=["2019-01-01T01:00"])],
                  end: Annotated[str, Query(examples=["2019-01-02T00:00"])],
                  limit: Limit = 500, offset: Offset = 0) -> dict:
    """Stored concentrations with their quality flags (bit 1 negative value, 2 PM2.5 > PM10,
    4 beyond plausible range, 8 duplicated hour; values flagged 1 or 4 are invalid for
    computations), hour-ending Beijing time; at most 366 days per request."""
    if catalog.station(con, code) is None:
        raise ApiError(404, "not_found", f"unknown station {code!r}")
    s, e = parse_time(start, "start"), parse_time(end, "end")
    check_range(s, e, 366)
    df = catalog.station_hours(con, code, s, e)
    return {"items": records(df.iloc[offset:offset + limit]), "total": len(df), "limit": limit,
            "offset": offset}


_DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>qingshan API</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;line-height:1.4}
code.method{font-weight:bold}details.op{border:1px solid #ccc;border-radius:4px;margin:.4rem 0;
padding:.3rem .6rem}form.try label{display:block;margin:.2rem 0}pre.response{background:#f6f6f6;
max-height:24rem;overflow:auto;padding:.5rem;white-space:pre-wrap}.muted{color:#666}
input{max-width:100%}
</style></head><body>
<main id="apidocs" data-openapi="/api/v1/openapi.json">Loading /api/v1/openapi.json …
(this page needs JavaScript; the document itself is <a href="/api/v1/openapi.json">openapi.json</a>)
</main>
<script src="/api/v1/docs/apidocs.js"></script>
</body></html>
"""


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    """Interactive documentation of the API, from the package's own assets (no CDN)."""
    return HTMLResponse(_DOCS_HTML, headers={
        "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'"})


@router.get("/docs/apidocs.js", include_in_schema=False)
def api_docs_js() -> Response:
    text = (resources.files("qingshan.web") / "static" / "apidocs.js").read_text(encoding="utf-8")
    return Response(text, media_type="text/javascript; charset=utf-8")
