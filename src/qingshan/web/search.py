"""``/search?q=…``: cities and stations by name or code (the province's own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from qingshan.api import catalog
from qingshan.web.i18n import request_lang
from qingshan.web.render import page

__all__ = ["router", "search"]

router = APIRouter(include_in_schema=False)
#: at most this many stations are listed (a query of one letter matches many)
MAX_RESULTS = 50


def search(con, q: str) -> tuple[list[dict], list[dict]]:
    """Cities and evaluation stations whose code or a name contains ``q`` (case-insensitive;
    plain substring match in Python over the small catalog, no SQL built from ``q``)."""
    needle = q.strip().casefold()
    if not needle:
        return [], []
    cities = [c for c in catalog.cities(con).to_dict(orient="records")
              if any(needle in str(c.get(k) or "").casefold()
                     for k in ("code", "name_zh", "short_zh", "name_en"))]
    df, _ = catalog.stations(con)
    stations = [s for s in df.to_dict(orient="records")
                if any(needle in str(s.get(k) or "").casefold()
                       for k in ("code", "name", "publication_city"))][:MAX_RESULTS]
    return cities, stations


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Annotated[str, Query(max_length=60)] = "") -> HTMLResponse:
    request_lang(request)
    with request.app.state.store.cursor() as con:
        cities, stations = search(con, q)
        names = {c["code"]: c for c in catalog.cities(con).to_dict(orient="records")}
    return page(request, "search.html", q=q, cities=cities, stations=stations, city_names=names,
                max_results=MAX_RESULTS)
