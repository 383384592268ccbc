"""``/api/v1/aqi/…``, ``/api/v1/assessment``, ``/api/v1/rankings``: figures from the services."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Annotated, Literal

import duckdb
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool

from qingshan.api import catalog, slots
from qingshan.api.answers import MAX_ANSWERS, AnswerCache, answers
from qingshan.api.deps import get_con
from qingshan.api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from qingshan.api.models import AssessmentOut, DailyAqiOut, HourlyAqiOut, Page, records
from qingshan.api.params import (
    DATE_PATTERN, PERIOD_PATTERN, TIME_PATTERN, check_range, page_of, parse_date, parse_period,
    parse_time,
)
from qingshan.air import daily as air_daily
from qingshan.air import service as svc
from qingshan.air import versions
from qingshan.air.versions import period_days, scope_of

__all__ = ["router", "check_code", "service", "computed", "heavy", "daily_ready", "ready", "warm",
           "data_version",
           "no_data",
           "HEAVY_SLOTS"]

#: figures computed at the same time (``$QINGSHAN_HEAVY_QUERIES``, default 2 = the cores the
#: service is sized for): :data:`qingshan.api.slots.SLOTS`; further requests queue for a slot
#: (before they take the store's lock), at most :data:`qingshan.api.slots.WAIT_S` seconds
HEAVY_SLOTS = slots.SLOTS
_READY: dict[str, bool] = {}
_READY_LOCK = threading.Lock()


_RESULTS: OrderedDict[tuple, object] = OrderedDict()
_RESULTS_LOCK = threading.Lock()


def computed(con, fn, *args, **kwargs):
    """``service(fn, con, …)`` in a :func:`heavy` slot, cached by everything the answer
    depends on: the function and its arguments, the province, the day (a period not ended yet
    is labelled "to date"), and the version of the stored data of the days the call reads
    (:mod:`qingshan.air.versions`: the batches with hours in those days and the catalogue;
    the whole store for a call whose days it cannot tell), so an ingest batch of other days
    keeps the answer, one of these days is answered afresh, and no answer is ever served for
    other data."""
    prov = kwargs.get("province")
    key = (fn.__module__, fn.__name__, repr(args),
           repr(sorted((k, v) for k, v in kwargs.items() if k != "province")),
           prov.code if prov else None, data_version(con, scope_of(fn, args, kwargs)),
           os.environ.get(air_daily.SWITCH, "1"), date.today())
    with _RESULTS_LOCK:
        if key in _RESULTS:
            _RESULTS.move_to_end(key)
            return _RESULTS[key].copy()
    with heavy(con):
        df = service(fn, con, *args, **kwargs)
    with _RESULTS_LOCK:
        _RESULTS[key] = df
        while len(_RESULTS) > 256:
            _RESULTS.popitem(last=False)
    return df.copy()


@contextmanager
def heavy(con=None):
    """A slot for one computation of figures (:mod:`qingshan.api.slots`): 16 concurrent clients
    queue instead of running 16 DuckDB queries at once (memory grows with each); 503 ``busy``
    (with ``Retry-After``) after waiting :data:`~qingshan.api.slots.WAIT_S` s. No second slot
    when ``con`` was opened in one (the server's cursors are) or this thread holds one."""
    if con is not None and slots.holds(con):
        yield
        return
    with slots.slot():
        yield


async def daily_ready(request: Request) -> None:
    """Once per server process and store: bring the materialised daily statistics
    (:mod:`qingshan.air.daily`) up to date when they are stale (a store made before the
    migration, or a new ``city_station`` from the province config). Later ingests keep them
    current themselves; readers check freshness on every call and fall back to the hourly
    chain, so this only decides how fast the answers are, never what they are.

    A dependency of the figure endpoints: once ready it answers in the event loop (no worker
    thread for a flag); the first time it opens the store in a worker thread."""
    store = request.app.state.store
    if not _READY.get(store.path):
        await run_in_threadpool(_ready, store)


def ready(request: Request) -> None:
    """:func:`daily_ready` for a page's own (synchronous) code."""
    _ready(request.app.state.store)


def _ready(store) -> None:
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


def warm(app) -> None:
    """At the start of ``qingshan serve`` (:func:`qingshan.api.app.warm_up`, in the
    background): the daily rows brought up to date and the province series' days built
    (:func:`qingshan.air.daily.warm`), so that no visitor pays for them."""
    store = app.state.store
    _ready(store)
    with store.cursor() as con:
        air_daily.warm(con, app.state.province)


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
    with heavy(con):
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
async def assessment(request: Request, _r: Ready, period: PeriodQ,
                     level: Annotated[Literal["city", "province", "station"],
                                      Query(description="city, province or station (as "
                                                        "`qingshan air assess --level`)")] = "city",
                     envelope: Envelope = "list", limit: Limit = 5000, offset: Offset = 0):
    """HJ 663 statistics, good-day ratio, composite index, compliance, WHO levels and YoY of
    every city, station or the province for a month, quarter, half-year, year or run of
    months. A period without any stored data is 404 ``no_data`` (never rows of NULLs)."""
    p = parse_period(period)
    prov = request.app.state.province
    return await figure(request, ("assessment", p.label, level), lambda con: computed(
        con, air_daily.assess, p.label, level=level, province=prov), period_days(p),
        ("the province" if level == "province" else f"{level} level", p.label),
        (envelope, limit, offset))


@router.get("/rankings", response_model=list[AssessmentOut] | Page[AssessmentOut],
            summary="City ranking")
async def rankings(request: Request, _r: Ready, period: PeriodQ,
                   weighted: Annotated[bool, Query(description="weighted composite index")] = False,
                   envelope: Envelope = "list", limit: Limit = 5000, offset: Offset = 0):
    """Cities ranked by composite index (ascending = better) for a period of any kind; a
    period without any stored data is 404 ``no_data``."""
    p = parse_period(period)
    prov = request.app.state.province
    # the city assessment (shared with /assessment?level=city and the pages), ranked
    return await figure(request, ("rankings", p.label, weighted), lambda con: svc.ranked_cities(
        computed(con, air_daily.assess, p.label, level="city", province=prov), weighted),
        period_days(p), ("the cities", p.label), (envelope, limit, offset))


#: the JSON bodies of /assessment and /rankings in their default listing (the whole list),
#: kept per question and data version as their rows are (:func:`answered`)
_BODIES = AnswerCache(MAX_ANSWERS)
#: validates and serialises the bodies exactly as FastAPI does for the routes' response model
#: (``TypeAdapter.dump_json``, by alias, nothing excluded)
_FIGURE_ADAPTER = TypeAdapter(list[AssessmentOut] | Page[AssessmentOut])
_WHOLE = ("list", 5000, 0)


async def figure(request: Request, question: tuple, compute, days, what: tuple[str, str],
                 listing: tuple[str, int, int]):
    """The answer of a figure endpoint (/assessment, /rankings): its kept JSON body, served
    in the event loop when the data it reads has not changed (no worker thread, no
    validation: the bytes FastAPI made of the same rows, :data:`_FIGURE_ADAPTER`), else
    :func:`answered` in a worker thread (404 ``no_data`` when nothing is stored)."""
    key = _key(request, question)
    path = request.app.state.store.path
    if listing == _WHOLE:
        v = versions.current_kept(path, days)
        body = None if v is None else _BODIES.kept(key, v)
        if body is not None:
            return Response(body, media_type="application/json")
    return await run_in_threadpool(_figure, request, key, question, compute, days, what,
                                   listing)


def _figure(request: Request, key: tuple, question: tuple, compute, days, what, listing):
    store = request.app.state.store

    def version():
        return versions.current(store.path, days, lambda: store.cursor(slot=False))

    whole = listing == _WHOLE
    before = version() if whole else None
    items = answered(request, question, compute, days)
    no_data(items is None, *what)
    shown = items if whole else _listed(items, *listing)
    body = _FIGURE_ADAPTER.dump_json(_FIGURE_ADAPTER.validate_python(shown), by_alias=True)
    if whole and version() == before:   # nothing committed meanwhile: the body is of that version
        _BODIES.keep(key, before, body)
    return Response(body, media_type="application/json")


def _key(request: Request, question: tuple) -> tuple:
    """The key of a figure question's answers: the province, the daily-rows switch and the
    day (a period to date grows with it)."""
    prov = request.app.state.province
    return question + (prov.code if prov else None, os.environ.get(air_daily.SWITCH, "1"),
                       date.today())


def answered(request: Request, question: tuple, compute, days=None):
    """The rows of a figure endpoint (``None``: no stored data), from the process's answers
    (:mod:`qingshan.api.answers`, keyed by the store file's stamp: no DuckDB open when the
    question was answered for the store as it is) or ``compute(con)`` on a store cursor."""
    store = request.app.state.store
    key = _key(request, question)

    def run():
        with store.cursor() as con:
            df = compute(con)
        return None if _empty(df) else records(df)

    if days is None:
        return answers.get_or_compute(store.path, key, run)
    # keyed by the version of the days it reads: an upload of other days keeps it; the
    # journal is read (no slot: a few small statements) only when the file changed
    return answers.get_or_compute(store.path, key, run, version=lambda: versions.current(
        store.path, days, lambda: store.cursor(slot=False)))


def data_version(con, days) -> tuple:
    """The version of the stored data of ``days`` (``None``: all) as ``con`` sees it; for a
    store without a file (in memory) the whole store's fingerprint, as before."""
    path = versions.db_path(con)
    if path is None:
        return ("fingerprint", air_daily.fingerprint(con))
    return versions.current(path, days, con)


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
