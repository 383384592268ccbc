"""``/api/v1/water/…``: surface-water and coastal-water figures from the water services.

Periods are those of :mod:`qingshan.core.periods`: a year ``2024``, a month ``2024-07``, a
quarter ``2024-Q3``, a half-year ``2024-H1`` or a run of months ``2024-01..2024-05`` (the water
method assesses each by the mean of its samples, 环办〔2011〕22号 §2.2; a quarter needs two
samplings per section). A malformed period, or one that has not started, is a 422. Rows come from
:func:`qingshan.water.service.water_assessment` and
:func:`qingshan.water.service.coastal_assessment` unchanged, except that the group key of a
city / basin / province row is returned as ``code``.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Literal

import duckdb
import pandas as pd
from fastapi import APIRouter, Depends, Query

from qingshan.api.deps import get_con
from qingshan.api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from qingshan.api.models import CoastalOut, Page, WaterAssessmentOut, records
from qingshan.api.params import PERIOD_PATTERN
from qingshan.core.periods import PeriodError, parse_period
from qingshan.water import service as wsvc

__all__ = ["router", "water_period", "water_table", "water_groups", "group_rows", "coastal_table",
           "service", "PAGE_LEVELS"]

router = APIRouter(prefix="/water", tags=["water"], responses=ERROR_RESPONSES)
Con = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]
Limit = Annotated[int, Query(ge=1, le=5000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
PeriodQ = Annotated[str, Query(
    description="year YYYY, month YYYY-MM, quarter YYYY-Qn, half-year YYYY-H1/H2 or run of "
                "months YYYY-MM..YYYY-MM",
    examples=["2024", "2024-07", "2024-Q3", "2024-H1", "2024-01..2024-05"],
    pattern=PERIOD_PATTERN)]


def _bad(param: str, msg: str, code: str = "invalid_parameter") -> ApiError:
    return ApiError(422, code, f"{param}: {msg}", [ErrorDetail(loc=["query", param], msg=msg)])


def water_period(text: str, param: str = "period", today: date | None = None) -> str:
    """Canonical label of a period of :mod:`qingshan.core.periods` (``2024``, ``2024-07``,
    ``2024-Q3``, ``2024-H1``, ``2024-01..2024-05``); 422 (one error shape) for a malformed
    period or one that has not started yet (``period_in_future``)."""
    try:
        p = parse_period(text)
    except PeriodError as e:
        raise _bad(param, str(e)) from None
    if p.start > (today or date.today()):
        raise _bad(param, f"period {p.label} has not started yet", "period_in_future")
    return p.label


def service(fn, *args, **kwargs):
    """Call a water service; its ``ValueError`` is a bad request (422), not a server error."""
    try:
        return fn(*args, **kwargs)
    except ValueError as e:
        raise ApiError(422, "invalid_parameter", str(e)) from None


def water_table(con, period: str, level: str) -> pd.DataFrame:
    """The service's assessment with the section code / group key as ``code``."""
    df = service(wsvc.water_assessment, con, period, level)
    if "group_key" in df.columns:
        df = df.rename(columns={"group_key": "code"})
    return df


#: the group levels of the pages' water figures, computed in one pass by :func:`water_groups`
PAGE_LEVELS = ("city", "province")


def water_groups(con, period: str) -> pd.DataFrame:
    """The city and the province rows of ``period`` from one pass of the service (column
    ``level`` first), the group key as ``code``; :func:`group_rows` takes one level out."""
    return water_table(con, period, PAGE_LEVELS)


def group_rows(df: pd.DataFrame, level: str) -> pd.DataFrame:
    """The rows of one level of :func:`water_groups`, as ``water_table(con, period, level)``
    returns them (same columns, values and types)."""
    out = df[df["level"] == level].drop(columns="level").reset_index(drop=True)
    # an integer column whose NULLs were in the other level's rows only: integers again, as
    # the query of one level returns it
    for c in ("class_of_means",):
        if c in out and out[c].dtype != "int32" and out[c].notna().all():
            out[c] = out[c].astype("int32")
    if out.empty:       # no row of this level: text columns as an empty result has them
        out = out.astype({c: object for c in out.columns
                          if c != "name" and isinstance(out[c].dtype, pd.StringDtype)})
    return out


#: shares (%) and areas (km²) are published to 1 decimal (GB/T 8170 rounding)
_ONE_DECIMAL = ("excellent_pct_count", "excellent_pct_area", "area_km2", "area_excellent_km2")


def _gbt8170(v, decimals: int = 1):
    """GB/T 8170 rounding (round half to even on the decimal value; the float's binary noise
    beyond 9 decimals dropped first, as ``qingshan.core.rounding`` does in SQL)."""
    if v is None or pd.isna(v):
        return None
    q = Decimal(f"{float(v):.9f}").quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_EVEN)
    return float(q)


def coastal_table(con, period: str, level: str) -> pd.DataFrame:
    """The service's coastal assessment with the point code / group key as ``code``; the
    province row is named 全省; shares and areas rounded to 1 decimal as published. Levels as
    the CLI names them (``coastal-point`` …) or short (``point``)."""
    level = level.removeprefix("coastal-")
    df = service(wsvc.coastal_assessment, con, period, level)
    for c in _ONE_DECIMAL:
        if c in df.columns:
            df[c] = [_gbt8170(v) for v in df[c]]
    if "group_key" in df.columns:
        df = df.rename(columns={"group_key": "code"})
        if level == "province":
            df["name"] = df["name"].astype(object).where(df["name"].notna(), "全省")
    return df


def _page(df: pd.DataFrame, limit: int, offset: int) -> dict:
    return {"items": records(df.iloc[offset:offset + limit]), "total": len(df), "limit": limit,
            "offset": offset}


@router.get("/assessment", response_model=Page[WaterAssessmentOut],
            summary="Surface-water assessment")
def assessment(con: Con, period: PeriodQ,
               level: Annotated[Literal["section", "city", "basin", "province"],
                                Query(description="section, city, basin or province")] = "city",
               limit: Limit = 500, offset: Offset = 0) -> dict:
    """Classes (GB 3838-2002), grades, main pollutants, target and drinking-water compliance of
    every section, or the I–III / 劣V proportions and grade of every city, basin or the
    province, with the change against the same period of the previous year (2011 method)."""
    return _page(water_table(con, water_period(period), level), limit, offset)


@router.get("/coastal", response_model=Page[CoastalOut], summary="Coastal-water assessment")
def coastal(con: Con, period: PeriodQ,
            level: Annotated[Literal["point", "city", "province", "coastal-point",
                                     "coastal-city", "coastal-province"],
                             Query(description="point, city or province (also as the CLI "
                                               "names them: coastal-point, coastal-city, "
                                               "coastal-province)")] = "point",
            limit: Limit = 500, offset: Offset = 0) -> dict:
    """GB 3097-1997 class of every coastal point, or the excellent (I+II) share of every
    coastal city / the province by point count and by configured sea area."""
    return _page(coastal_table(con, water_period(period), level), limit, offset)
