"""``/api/v1/aqi/…``, ``/api/v1/assessment``, ``/api/v1/rankings``: figures from the services."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated, Literal

import duckdb
from fastapi import APIRouter, Depends, Query, Request

from qingshan.api import catalog
from qingshan.api.answers import answers
from qingshan.api.deps import get_con
from qingshan.api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from qingshan.api.models import AssessmentOut, DailyAqiOut, HourlyAqiOut, Page, records
from qingshan.api.params import (
    DATE_PATTERN, PERIOD_PATTERN, TIME_PATTERN, check_range, page_of, parse_date, parse_period,
    parse_time,
)
from qingshan.air import daily as air_daily
from qingshan.air import service as svc

__all__ = ["router", "check_code", "service", "computed", "heavy", "daily_ready", "no_data",
           "HEAVY_SLOTS"]

#: figures computed at the same time (``$QINGSHAN_HEAVY_QUERIES``, default 2 = the cores the
#: service is sized for); further requests queue for a slot, at most ``_HEAVY_WAIT`` seconds
HEAVY_SLOTS = max(1, int(os.environ.get("QINGSHAN_HEAVY_QUERIES", "2") or 2))
_HEAVY = threading.BoundedSemaphore(HEAVY_SLOTS)
_HEAVY_WAIT = 30.0
_READY: dict[str, bool] = {}
_READY_LOCK = threading.Lock()


_RESULTS: OrderedDict[tuple, object] = OrderedDict()
_RESULTS_LOCK = threading.Lock()


def computed(con, fn, *args, **kwargs):
    """``service(fn, con, …)`` in a :func:`heavy` slot, cached by everything the answer
    depends on: the function and its arguments, the province, and the store's data
    (:func:`qingshan.air.daily.fingerprint`: hourly rows and city membership), so a new
    ingest batch is answered afresh and no answer is ever served for other data."""
    prov = kwargs.get("province")
    key = (fn.__module__, fn.__name__, repr(args),
           repr(sorted((k, v) for k, v in kwargs.items() if k != "province")),
           prov.code if prov else None, air_daily.fingerprint(con),
           os.environ.get(air_daily.SWITCH, "1"))
    with _RESULTS_LOCK:
        if key in _RESULTS:
            _RESULTS.move_to_end(key)
            return _RESULTS[key].copy()
    with heavy():
        df = service(fn, con, *args, **kwargs)
    with _RESULTS_LOCK:
        _RESULTS[key] = df
        while len(_RESULTS) > 256:
            _RESULTS.popitem(last=False)
    return df.copy()


@contextmanager
def heavy():
    """A slot for one computation of figures: 16 concurrent clients queue here instead of
    running 16 DuckDB queries at once (memory grows with each); 503 ``busy`` (with
    ``Retry-After``) after waiting ``_HEAVY_WAIT`` s."""
    if not _HEAVY.acquire(timeout=_HEAVY_WAIT):
        raise ApiError(503, "busy", "the server is computing other figures; retry shortly")
    try:
        yield
    finally:
        _HEAVY.release()


def daily_ready(request: Request) -> None:
    """Once per server process and store: bring the materialised daily statistics
    (:mod:`qingshan.air.daily`) up to date when they are stale (a store made before the
    migration, or a new ``city_station`` from the province config). Later ingests keep them
    current themselves; readers check freshness on every call and fall back to the hourly
    chain, so this only decides how fast the answers are, never what they are."""
    store = request.app.state.store
    if _READY.get(store.path):
        return
    with _READY_LOCK:
        if _READY.get(store.path):
            return
        with store.cursor() as con:
            ok = air_daily.fresh(con, "station") and air_daily.fresh(con, "city")
        if not ok and not store.read_only:
            writer = getattr(store, "writer", None)
            if writer is not None:          # a store opened per use: the write connection
                with writer() as con:
                    air_daily.ensure(con)
            else:                           # one shared read-write connection and its lock
                with store.cursor() as con:
                    air_daily.ensure(con, lock=store.write_lock)
        _READY[store.path] = True


Ready = Annotated[None, Depends(daily_ready)]

router = APIRouter(tags=["air"], responses=ERROR_RESPONSES)
Con = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]
Level = Annotated[Literal["city", "station"], Query(description="city or station")]
#: the list shape of /assessment and /rankings: ``list`` (a bare array, the v1 shape kept for
#: existing clients) or ``page`` (the envelope of every other list: items, total, limit, offset)
Envelope = Annotated[Literal["list", "page"], Query(
    description="`page`: the list envelope {items, total, limit, offset} of every other list "
                "(recommended); `list` (default, kept for v1 clients): a bare array")]
Code = Annotated[str, Query(description="city code (level=city) or station code",
                            examples=["370100"])]
Limit = Annotated[int, Query(ge=1, le=5000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
PeriodQ = Annotated[str, Query(description="YYYY, YYYY-MM, YYYY-Qn, YYYY-H1/H2 or "
                                           "YYYY-MM..YYYY-MM", examples=["2019-03"],
                               pattern=PERIOD_PATTERN)]
DateQ = Annotated[str, Query(pattern=DATE_PATTERN, examples=["2019-01-01"])]
TimeQ = Annotated[str, Query(pattern=TIME_PATTERN, examples=["2019-01-01T01:00"])]


def service(fn, *args, **kwargs):
    """Call a service; its ``ValueError`` (e.g. a period spanning a change of standards) is a
    bad request (422), not a server error."""
    try:
        return fn(*args, **kwargs)
    except ValueError as e:
        raise ApiError(422, "invalid_parameter", str(e)) from None


def check_code(con, level: str, code: str) -> None:
    """404 in the error shape unless ``code`` is a known city / station."""
    found = catalog.city(con, code) if level == "city" else catalog.station(con, code)
    if found is None:
        raise ApiError(404, "not_found", f"unknown {level} {code!r}",
                       [ErrorDetail(loc=["query", "code"], msg=f"unknown {level}")])


@router.get("/aqi/hourly", response_model=Page[HourlyAqiOut], summary="Hourly AQI")
def hourly(request: Request, con: Con, level: Level, code: Code,
           start: TimeQ, end: TimeQ,
           limit: Limit = 500, offset: Offset = 0) -> dict:
    """HJ 633 hourly (real-time) AQI, IAQI per pollutant, primary pollutant and category of a
    station or city, computed from stored concentrations; hour stamps ``start`` … ``end``
    inclusive (hour-ending Beijing time; a date means its 00:00); at most 93 days."""
    check_code(con, level, code)
    s, e = parse_time(start, "start"), parse_time(end, "end")
    check_range(s, e, 93)
    # the service answers whole natural days: stamps day 01:00 … day+1 00:00
    with heavy():
        df = service(svc.hourly_aqi, con, level, [code], (s - timedelta(hours=1)).date(),
                     (e - timedelta(hours=1)).date(), province=request.app.state.province)
    df = df[(df.time >= s) & (df.time <= e)]
    no_data(df.empty, f"{level} {code}", f"{s:%Y-%m-%dT%H:%M}..{e:%Y-%m-%dT%H:%M}")
    return page_of(records(df), limit, offset)


@router.get("/aqi/daily", response_model=Page[DailyAqiOut], summary="Daily AQI")
def daily(request: Request, _r: Ready, con: Con, level: Level, code: Code,
          start: DateQ, end: DateQ,
          limit: Limit = 400, offset: Offset = 0) -> dict:
    """HJ 633 daily AQI of a station or city for natural days ``start``..``end`` (at most
    3 years)."""
    check_code(con, level, code)
    s, e = parse_date(start, "start"), parse_date(end, "end")
    check_range(s, e, 3 * 366)
    df = computed(con, air_daily.daily_aqi, level, code, s, e,
                  province=request.app.state.province)
    no_data(df.empty or not df["aqi"].notna().any(), f"{level} {code}", f"{s}..{e}")
    return page_of(records(df), limit, offset)


@router.get("/assessment", response_model=list[AssessmentOut] | Page[AssessmentOut],
            summary="Period assessment")
def assessment(request: Request, _r: Ready, period: PeriodQ,
               level: Annotated[Literal["city", "province", "station"],
                                Query(description="city, province or station (as "
                                                  "`qingshan air assess --level`)")] = "city",
               envelope: Envelope = "list", limit: Limit = 5000, offset: Offset = 0):
    """HJ 663 statistics, good-day ratio, composite index, compliance, WHO levels and YoY of
    every city, station or the province for a month, quarter, half-year, year or run of
    months. A period without any stored data is 404 ``no_data`` (never rows of NULLs)."""
    p = parse_period(period)
    prov = request.app.state.province
    items = answered(request, ("assessment", p.label, level), lambda con: computed(
        con, air_daily.assess, p.label, level=level, province=prov))
    no_data(items is None, "the province" if level == "province" else f"{level} level", p.label)
    return _listed(items, envelope, limit, offset)


@router.get("/rankings", response_model=list[AssessmentOut] | Page[AssessmentOut],
            summary="City ranking")
def rankings(request: Request, _r: Ready, period: PeriodQ,
             weighted: Annotated[bool, Query(description="weighted composite index")] = False,
             envelope: Envelope = "list", limit: Limit = 5000, offset: Offset = 0):
    """Cities ranked by composite index (ascending = better) for a period of any kind; a
    period without any stored data is 404 ``no_data``."""
    p = parse_period(period)
    prov = request.app.state.province
    # the city assessment (shared with /assessment?level=city and the pages), ranked
    items = answered(request, ("rankings", p.label, weighted), lambda con: svc.ranked_cities(
        computed(con, air_daily.assess, p.label, level="city", province=prov), weighted))
    no_data(items is None, "the cities", p.label)
    return _listed(items, envelope, limit, offset)


def answered(request: Request, question: tuple, compute):
    """The rows of a figure endpoint (``None``: no stored data), from the process's answers
    (:mod:`qingshan.api.answers`, keyed by the store file's stamp: no DuckDB open when the
    question was answered for the store as it is) or ``compute(con)`` on a store cursor."""
    store = request.app.state.store
    prov = request.app.state.province
    key = question + (prov.code if prov else None, os.environ.get(air_daily.SWITCH, "1"))

    def run():
        with store.cursor() as con:
            df = compute(con)
        return None if _empty(df) else records(df)

    return answers.get_or_compute(store.path, key, run)


def _empty(df) -> bool:
    """No unit has a valid day or a statistic: nothing stored for the period."""
    if df.empty:
        return True
    cols = [c for c in ("valid_days", "valid_days_pm25", "valid_days_o3") if c in df.columns]
    return bool((df[cols].fillna(0) == 0).all().all()) and df["pm25"].isna().all()


def _listed(items: list[dict], envelope: str, limit: int, offset: int):
    if envelope == "page":
        return page_of(items, limit, offset)
    return items[offset:offset + limit]


def no_data(empty: bool, what: str, when: str) -> None:
    """404 ``no_data`` (the one empty-data answer of the figure endpoints) when ``empty``."""
    if empty:
        raise ApiError(404, "no_data", f"no stored data for {what} in {when}")
