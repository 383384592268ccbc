"""The province series' daily statistics of every stored day, kept in the process and brought
up to date after an upload by recomputing only the days the new batches hold.

The province series (the mean of the city series at each hour, :func:`qingshan.air.service.
_hourly`) is not in the daily tables (:mod:`qingshan.air.daily`): a city-mean day is not the day
of the hourly mean. Its daily statistics of every stored day are computed by the service's own
SQL (``_hourly`` + ``daily_stats_sql`` over a span of days) and kept (one row per day, with
``_present``: the day has an hour); a period reads its days from there, with the codes that
have an hour in the period, as the service's grid forms them. So is the day AQI of every kept
day by each HJ 633 version asked so far (:func:`version_aqi`).

The statistics of day D depend on the stamps D 01:00 … D+1 00:00 only (the 17 O3 8-h windows
of D lie inside the day, HJ 663 §6.1.2; the city and province means are per hour), and so does
its AQI. Before, the kept days were keyed by the whole store's fingerprint: every upload of one
day recomputed every stored day (issue 19's soak: ~0.7 s a time, 14 % of the server's CPU).
Now they are kept per store file, province and cities with the batch journal's generation and
the newest batch they include (:class:`qingshan.air.versions.Journal`): a reader that sees
newer batches of the same generation recomputes the days from the first to the last hour of
those batches (and the empty days between the old and the new stored span), and splices them
into a copy of the kept table. Anything else — rows replaced or removed, stations, cities or
membership changed (a new generation), a store in memory — computes every day, as before.
The two newest states of a store are kept, so that a read transaction begun before the last
upload (the server's held instance) still finds its own.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date, datetime, timedelta

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from qingshan.air import day_files, versions
from qingshan.air import service as svc
from qingshan.air.engine import statistics as st
from qingshan.air.plan import aqi_valid_sql
from qingshan.config import ProvinceConfig

__all__ = ["kept", "version_aqi", "states", "clear", "stored_days"]

#: states kept per key (the newest ones): the store now and the one before the last upload
KEEP = 2


class _State:
    """One store state's kept days: the table, the day AQI by version, and where it stands."""

    __slots__ = ("generation", "top", "span", "table", "by_ver", "disk")

    def __init__(self, generation, top: int, span: tuple, table: pa.Table,
                 by_ver: dict[str, pa.Table] | None = None, disk: tuple | None = None) -> None:
        self.generation, self.top, self.span = generation, top, span
        self.table, self.by_ver = table, {} if by_ver is None else by_ver
        #: (store path, file name) of the state's files (qingshan.air.day_files), or None
        self.disk = disk


#: (store file, province code and name, cities) -> the kept states, newest last; a store in
#: memory: (("memory", id(con)), province, cities, whole-store fingerprint) -> one state
_STATES: dict[tuple, list[_State]] = {}
_LOCK = threading.Lock()


def states() -> dict[tuple, list[_State]]:
    """The kept states (tests and the warm-up check read them)."""
    return _STATES


def clear() -> None:
    with _LOCK:
        _STATES.clear()


def stored_days(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """The first and last natural day with a stored hour (hour-ending stamps)."""
    return tuple(con.execute("SELECT CAST(min(time) - INTERVAL 1 HOUR AS DATE), "
                             "CAST(max(time) - INTERVAL 1 HOUR AS DATE) FROM air_hourly"
                             ).fetchall()[0])


def _compute(con, prov: ProvinceConfig, lo: date, hi: date) -> pa.Table:
    """The province days ``lo`` … ``hi`` by the service's SQL (every day of the grid).

    The service's steps run as one statement (``views(fused=True)``): before, each step ran
    and came back as an Arrow table (the valid station-hours of the whole span among them), so
    a fresh process spent ≈ 0.5 s here on the demo store's 34 months, ≈ 0.35 s fused
    (benchmarks/RESULTS.md, issue 13 session 14). Same SQL text, so the same figures: the
    statistics agree to the last bits that parallel summation leaves to chance either way
    (≈ 1e-14, which the GB/T 8170 rounding's 10-decimal cast removes)."""
    from qingshan.air.views import views
    with views(con, fused=True) as put:   # the hourly chain of the service over the span
        hourly = svc._hourly(put, "province", lo, hi, None, prov)
        stats = st.daily_stats_sql(hourly, svc._grid(put, con, lo, hi))
        return put.arrow(f"""
SELECT d.*, p.date IS NOT NULL AS _present FROM ({stats}) d LEFT JOIN
  (SELECT DISTINCT code, CAST(time - INTERVAL 1 HOUR AS DATE) AS date FROM {hourly}) p
  ON p.code = d.code AND p.date = d.date ORDER BY d.code, d.date""")


def _empty(con, codes: pa.Table, lo: date, hi: date) -> pa.Table:
    """The days ``lo`` … ``hi`` of the codes of ``codes`` without an hour, by the same builder:
    one all-NULL hour per code at a stamp outside the grid (``lo`` 00:00 is the last stamp
    of the day before), which the builder drops, so every code gets a row per day of the grid
    and nothing in it (NULL statistics, zero counts, not valid)."""
    from qingshan.air.views import views
    with views(con) as put:
        stamp = put.values("stamp", pa.table({"time": pa.array(
            [datetime.combine(lo, datetime.min.time())], pa.timestamp("us"))}))
        ids = put.values("codes", pa.table({"code": pc.unique(codes.column("code"))}))
        nulls = ", ".join(f"CAST(NULL AS DOUBLE) AS {p}" for p in st.POLS)
        hourly = put("hourly", f"SELECT c.code, s.time, {nulls} FROM {ids} c, {stamp} s")
        stats = st.daily_stats_sql(hourly, svc._grid(put, con, lo, hi))
        return con.sql(f"SELECT *, FALSE AS _present FROM ({stats}) d ORDER BY code, date"
                       ).to_arrow_table()


def _days(con, prov: ProvinceConfig, codes: pa.Table, lo: date, hi: date) -> pa.Table:
    """The province days ``lo`` … ``hi`` (:func:`_compute`), and the empty days of the codes of
    ``codes`` (the kept table) that have no hour in them (:func:`_empty`)."""
    got = _compute(con, prov, lo, hi)
    known = pc.unique(codes.column("code"))
    missing = known.filter(pc.invert(pc.is_in(known, value_set=got.column("code"))))
    if len(missing) == 0:
        return got
    empty = _empty(con, pa.table({"code": missing}), lo, hi)
    both = pa.concat_tables([got, empty.select(got.column_names).cast(got.schema)])
    return both.sort_by([("code", "ascending"), ("date", "ascending")])


def _aqi(con, days: pa.Table, ver: str) -> pa.Table:
    """The day AQI by HJ 633 version ``ver`` of the province ``days`` (the service's
    ``daily_rounded_sql`` + ``aqi_valid_sql``: a day's AQI depends on its own rounded
    statistics only)."""
    tag = uuid.uuid4().hex[:8]
    dname, rname = f"_qs_pdays_{tag}", f"_qs_prounded_{tag}"
    con.register(dname, days.drop_columns(["_present"]))
    try:
        # one statement (the rounded days a common table expression); ver selects the
        # rules' own HJ 633 formulas in aqi_valid_sql (one of aqi_versions, never input) and
        # its name is a bound value
        from qingshan.air.views import execute_arrow
        sql = (f"WITH {rname} AS MATERIALIZED ({st.daily_rounded_sql(dname)})\n"
               f"SELECT *, CAST(? AS VARCHAR) AS aqi_version FROM "
               f"({aqi_valid_sql(rname, ver)}) AS _v ORDER BY code, date")
        return execute_arrow(con, sql, [ver])
    finally:
        con.unregister(dname)


def _splice(old: pa.Table, new: pa.Table, a: date, b: date) -> pa.Table:
    """``old`` without its days ``a`` … ``b``, with ``new`` (those days), ordered by code and
    day as a whole computation orders them."""
    d = old.column("date")
    keep = pc.or_(pc.less(d, pa.scalar(a, d.type)), pc.greater(d, pa.scalar(b, d.type)))
    both = pa.concat_tables([old.filter(keep), new.select(old.column_names).cast(old.schema)])
    return both.sort_by([("code", "ascending"), ("date", "ascending")])


def _advance(con, prov: ProvinceConfig, base: _State, stored: tuple, hours: tuple | None,
             generation, top: int) -> _State:
    """``base`` brought to the store as ``con`` sees it (``stored``: its first and last day
    with an hour): the days of the new batches' hours (``hours``: their first and last stamp;
    None: no new hour) and the days between the kept and the new stored span recomputed; the
    day AQI of every version kept likewise. (Rows never go away within a generation: the
    journal begins a new one when the row count does not add up.)"""
    (k0, k1), (lo, hi) = base.span, stored
    one = timedelta(days=1)
    need = []
    if hours is not None:   # hour-ending stamps: the stamp t belongs to the day of t - 1 h
        need.append(((hours[0] - timedelta(hours=1)).date(),
                     (hours[1] - timedelta(hours=1)).date()))
    if lo < k0:
        need.append((lo, k0 - one))
    if hi > k1:
        need.append((k1 + one, hi))
    span = (min(k0, lo), max(k1, hi))
    if not need:
        return _State(generation, top, span, base.table, dict(base.by_ver))
    a, b = min(x for x, _ in need), max(y for _, y in need)
    fresh = _days(con, prov, base.table, a, b)
    table = _splice(base.table, fresh, a, b)
    by_ver = {ver: _splice(t, _aqi(con, fresh, ver), a, b) for ver, t in base.by_ver.items()}
    return _State(generation, top, span, table, by_ver)


def _cover(con, prov: ProvinceConfig, s: _State, start: date, end: date) -> None:
    """Extend ``s`` (under the lock) to the days ``start`` … ``end``: a period that reaches
    past the stored days lists them as the service's grid does (no hour: NULL statistics,
    zero counts, not valid) — computed once, as the kept days are."""
    k0, k1 = s.span
    one = timedelta(days=1)
    parts = ([(start, k0 - one)] if start < k0 else []) + ([(k1 + one, end)] if end > k1
                                                          else [])
    for a, b in parts:
        fresh = _days(con, prov, s.table, a, b)
        s.by_ver = {ver: _splice(t, _aqi(con, fresh, ver), a, b) for ver, t in s.by_ver.items()}
        s.table = _splice(s.table, fresh, a, b)
    if parts:
        s.disk = None            # the files hold the stored days only
    s.span = (min(k0, start), max(k1, end))


def _memory_key(con, prov: ProvinceConfig, cities) -> tuple:
    from qingshan.air.daily import fingerprint
    return (("memory", id(con)), prov.code, prov.name_zh, cities, fingerprint(con))


def _stored_or_computed(con, prov: ProvinceConfig, path: str, ver: tuple, cities,
                        generation, top: int, span: tuple) -> _State:
    """Every stored day computed, or read from the state's files (:mod:`qingshan.air.
    day_files`) when a process before computed them for the same content and code."""
    name = (day_files.key(ver, prov, cities, versions._inode(path)) if span[0] is not None
            else None)
    table = day_files.read(path, name, "days") if name else None
    if table is None:
        table = _compute(con, prov, *span)
        if name:
            day_files.write(path, name, "days", table)
    return _State(generation, top, span, table, disk=(path, name) if name else None)


def _kept_state(con: duckdb.DuckDBPyConnection, prov: ProvinceConfig) -> _State:
    cities = con.execute("SELECT string_agg(code, ',' ORDER BY code) FROM city").fetchall()[0][0]
    path = versions.db_path(con)
    if path is None:                       # a store in memory: the whole-store fingerprint
        key = _memory_key(con, prov, cities)
        with _LOCK:
            if key not in _STATES:
                span = stored_days(con)
                _STATES[key] = [_State(None, -1, span, _compute(con, prov, *span))]
            return _STATES[key][-1]
    ver = versions.current(path, None, con)      # the journal brought up to what con sees
    generation, top = ver[1], versions._top(con)
    key = (path, prov.code, prov.name_zh, cities)
    with _LOCK:
        got = _STATES.get(key, [])
        for s in got:
            if s.generation == generation and s.top == top:
                return s
        span = stored_days(con)
        new = None
        if not isinstance(generation, str):      # ("older", …): a snapshot of another time
            journal = versions.journals(path)
            for base in sorted((s for s in got if s.generation == generation and s.top < top),
                               key=lambda s: -s.top):
                hours = journal.span_after(generation, base.top, top)
                if hours is not False and span[0] is not None:
                    new = _advance(con, prov, base, span, hours, generation, top)
                    break
        if new is None:
            new = _stored_or_computed(con, prov, path, ver, cities, generation, top, span)
        if isinstance(generation, str):
            return new                           # not kept: no later reader has that state
        got = sorted([s for s in got if s.generation == generation] + [new],
                     key=lambda s: s.top)[-KEEP:]
        _STATES[key] = got
        return new


def kept(con: duckdb.DuckDBPyConnection, prov: ProvinceConfig, memo=None,
         cover: tuple[date, date] | None = None) -> tuple[pa.Table, dict[str, pa.Table]]:
    """The province series' daily statistics of every stored day (and of the days ``cover``
    asks for beyond them) and the day AQI of every day by each HJ 633 version asked so far,
    kept per store state (module docstring). ``memo``: the :class:`qingshan.air.daily.
    DailyRows` of one service call, which looks the store state up once (not at each of its
    steps)."""
    return _kept(con, prov, memo, cover)[:2]


def _kept(con, prov: ProvinceConfig, memo, cover) -> tuple:
    """:func:`kept`'s table and AQI and the state's files (``(path, name)`` or None)."""
    got = getattr(memo, "_kept", None)
    if got is not None and got[0] is prov and _covers(got[1], cover):
        return got[2]
    s = _kept_state(con, prov)
    with _LOCK:                  # the table, its span, its AQI and its files read together
        if cover is not None and not _covers(s.span, cover):
            _cover(con, prov, s, *cover)
        out, span = (s.table, s.by_ver, s.disk), s.span
    if memo is not None:
        memo._kept = (prov, span, out)
    return out


def _covers(span: tuple, cover: tuple | None) -> bool:
    return cover is None or (span[0] is not None and span[0] <= cover[0] and
                             cover[1] <= span[1])


def version_aqi(con: duckdb.DuckDBPyConnection, prov: ProvinceConfig, ver: str,
                memo=None, cover: tuple[date, date] | None = None) -> pa.Table:
    """The day AQI by HJ 633 version ``ver`` of every kept province day, computed the first
    time a period needs that version (and spliced after an upload with the days)."""
    table, by_ver, disk = _kept(con, prov, memo, cover)
    with _LOCK:
        if ver not in by_ver:
            got = day_files.read(*disk, f"aqi-{ver}") if disk else None
            if got is None:
                got = _aqi(con, table, ver)
                if disk:
                    day_files.write(*disk, f"aqi-{ver}", got)
            by_ver[ver] = got
        return by_ver[ver]
