"""``/api/v1/cities``, ``/api/v1/stations``: what the store knows about places."""

from __future__ import annotations

from typing import Annotated

import duckdb
from fastapi import APIRouter, Depends, Path, Query

from qingshan.api import catalog
from qingshan.api.deps import get_con
from qingshan.api.errors import ERROR_RESPONSES, ApiError
from qingshan.api.models import (
    CityOut, HourOut, Page, StationLatestOut, StationOut, records,
)
from qingshan.api.params import check_range, parse_time

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


@router.get("/cities", response_model=list[CityOut], summary="Cities of the province")
def list_cities(con: Con) -> list[dict]:
    """The configured prefecture-level cities with their number of evaluation stations."""
    return records(catalog.cities(con))


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
