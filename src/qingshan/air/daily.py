"""Materialised daily statistics of stations and cities: any period is an aggregation of days.

Tables (migration ``air 0002``): ``air_station_daily`` and ``air_city_daily``, one row per unit
and natural day with at least one stored hour. Their columns are exactly those of
:func:`qingshan.air.engine.statistics.daily_stats_sql` (HJ 663 daily statistics, counts and
GB 3095 Table 4 validity flags, unrounded), computed by that same builder over the same valid
hourly series as the plan's ``daily`` / ``city_daily`` steps (:mod:`qingshan.air.plan`; a city =
the mean of its evaluation stations at each hour), one natural day at a time: the daily
statistics of day D depend on the stamps D 01:00 … D+1 00:00 only (the 17 O3 8-h windows of D
lie inside the day, HJ 663 §6.1.2), never on the period they are later aggregated into.

Maintenance: :func:`update_days` recomputes the rows of the natural days an ingest touched
(called by :func:`qingshan.air.ingest.loader.store_air_table` inside the ingest's transaction,
so the rows always match the committed hourly data); :func:`after_membership_change` follows a
new ``city_station``; :func:`refresh` rebuilds everything (a store made before this migration).
``air_daily_state`` records the fingerprints of ``air_hourly`` (row count, largest batch id,
first and last stamp) and of ``city_station`` (md5 of its sorted pairs) the rows were computed
from; :func:`fresh` compares them with the store now. Readers use the rows only when fresh and
otherwise run the hourly chain, so a stale table never changes a figure.

Readers (:func:`assess`, :func:`city_ranking`, :func:`daily_aqi`, :func:`monthly_series`,
:func:`compliance_rates`) call the functions of the same name in :mod:`qingshan.air.service`
— its whole assembly: validity, AQI version per day, indices, compliance, WHO levels,
year-on-year, ranking — with its ``rows=`` parameter set to a :class:`DailyRows` (when the rows
are fresh, :func:`rows_for`): (a) the plan's ``daily`` / ``city_daily`` steps read the present
codes × every day of the period from the tables (absent days as the chain makes them: NULL
statistics, zero counts, not valid) and its ``city_hourly`` step is skipped (nothing else reads
it), (b) the service's station / city daily statistics (``daily_aqi``, ``monthly_series``,
``compliance_rates``) likewise, and (c) the service runs all its steps as one statement
(:mod:`qingshan.air.views`, fused). The province series (mean of the city series at each hour)
is not in the tables: its daily statistics of every stored day are computed by the service's own
SQL and kept in the process, the days of an upload spliced in (:mod:`qingshan.air.province_days`;
the server's warm-up pays for the first), and so is their day AQI per HJ 633 version
(:func:`_province_version_aqi`, read by the fused statement instead of its AQI SQL). The
``station_daily`` city method is not materialised and runs its hourly SQL (fused as well).
``tests/api/test_daily.py`` asserts frame equality with :mod:`qingshan.air.service` (the chain)
on the built test stores.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pyarrow as pa

from qingshan.air import province_days
from qingshan.air import service as svc
from qingshan.air.engine import statistics as st
from qingshan.air.plan import _DAY_AQI_COLS, _ONLY_2012, aqi_valid_sql
from qingshan.air.rules import SWITCH_2026, aqi_versions, family_for, rules_for
from qingshan.air.standards import hj663_2013 as hj
from qingshan.config import ProvinceConfig

__all__ = ["SWITCH", "fingerprint", "STATION_TABLE", "CITY_TABLE", "DAILY_COLUMNS",
           "update_days", "refresh", "fresh",
           "after_membership_change", "ensure", "DailyRows", "rows_for", "assess", "city_ranking",
           "daily_aqi", "monthly_series", "compliance_rates"]

#: environment switch: ``QINGSHAN_AIR_DAILY=0`` makes every reader run the hourly chain
#: (benchmarks compare both paths; default on)
SWITCH = "QINGSHAN_AIR_DAILY"
STATION_TABLE = "air_station_daily"
CITY_TABLE = "air_city_daily"
#: the stored columns (daily_stats_sql output, then the AQI of the day and its validity)
DAILY_COLUMNS = ("code", "date", *[f"{p}{x}" for p in hj.DAILY_MEAN_POLLUTANTS
                                   for x in ("", "_n", "_valid")],
                 "o3_1h_max", "o3_1h_n", "o3_8h_max", "o3_8h_n", "o3_1h_max_valid",
                 "o3_8h_max_valid", "aqi", "aqi_valid")
_STATS_COLS = DAILY_COLUMNS[:-2]
_N_COLS = [c for c in DAILY_COLUMNS if c.endswith("_n")]
_FLAG_COLS = [c for c in DAILY_COLUMNS if c.endswith("_valid")]

_HOURLY_FP = ("SELECT CAST(count(*) AS VARCHAR) || '/' || COALESCE(CAST(max(batch_id) AS VARCHAR), "
              "'') || '/' || COALESCE(CAST(min(time) AS VARCHAR), '') || '/' || "
              "COALESCE(CAST(max(time) AS VARCHAR), '') FROM air_hourly")
_MEMBERS_FP = ("SELECT md5(COALESCE(string_agg(city_code || ':' || station_code, ',' "
               "ORDER BY city_code, station_code), '')) FROM city_station")


def _fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    hourly = con.execute(_HOURLY_FP).fetchall()[0][0]
    members = con.execute(_MEMBERS_FP).fetchall()[0][0]
    return {"station": hourly, "city": f"{hourly}|{members}"}


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """What the figures of the store depend on now (hourly data and city membership), as one
    string: a key for caches of results."""
    return _fingerprints(con)["city"]


def fresh(con: duckdb.DuckDBPyConnection, part: str = "city") -> bool:
    """Whether the ``part`` rows (``"station"`` or ``"city"``) are those of the store now."""
    try:
        row = con.execute("SELECT fingerprint FROM air_daily_state WHERE part = ?",
                          [part]).fetchall()
    except duckdb.CatalogException:     # a store without the migration (opened read-only)
        return False
    return bool(row) and row[0][0] == _fingerprints(con)[part]


def _record(con: duckdb.DuckDBPyConnection) -> None:
    fp = _fingerprints(con)
    con.execute("DELETE FROM air_daily_state")
    con.executemany("INSERT INTO air_daily_state VALUES (?, ?, now()::TIMESTAMP)",
                    list(fp.items()))


def _compute(con, table: str, days: list[date]) -> None:
    """Insert the rows of ``days`` into ``table`` (the days' old rows already deleted)."""
    for fam in sorted({family_for(d) for d in days}):
        _compute_family(con, table, [d for d in days if family_for(d) == fam], fam)


def _compute_family(con, table: str, days: list[date], version: str) -> None:
    tag = uuid.uuid4().hex[:8]
    dname, hname, vname = f"_qs_days_{tag}", f"_qs_hours_{tag}", f"_qs_valid_{tag}"
    con.register(dname, pd.DataFrame({"date": pd.to_datetime(pd.Series(days))}))
    try:
        lo = datetime.combine(min(days), datetime.min.time()) + timedelta(hours=1)
        hi = datetime.combine(max(days) + timedelta(days=1), datetime.min.time())
        # every hour stamp of the days (hour-ending: D 01:00 … D+1 00:00), the plan's grid
        con.execute(f"CREATE OR REPLACE TEMP TABLE {hname} AS SELECT CAST(d.date AS TIMESTAMP) "
                    f"+ INTERVAL 1 HOUR * h AS time FROM {dname} d, range(1, 25) r(h)")
        where = (f"time BETWEEN CAST(? AS TIMESTAMP) AND CAST(? AS TIMESTAMP) AND CAST(time - "
                 f"INTERVAL 1 HOUR AS DATE) IN (SELECT CAST(date AS DATE) FROM {dname})")
        valid = f"({st.valid_hourly_sql('air_hourly', where=where)})"
        if table == CITY_TABLE:   # the plan's city_hourly: mean of the members at each hour
            valid = f"({st.aggregate_hourly_sql(valid, 'city_station')})"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {vname} AS SELECT * FROM {valid} AS _v",
                    [lo, hi])
        daily = st.daily_stats_sql(vname, hours=hname, hourly_in_grid=True)
        # the plan's daily AQI of the rounded statistics (HJ 633 of the day's family)
        aqi = aqi_valid_sql(f"({st.daily_rounded_sql('_d')})", version)
        cols = ", ".join(f"d.{c}" for c in _STATS_COLS)
        # only unit-days with a stored hour are kept (the grid adds empty days of every code)
        con.execute(f"""
INSERT INTO {table} ({", ".join(DAILY_COLUMNS)})
WITH _d AS ({daily}),
_a AS ({aqi}),
_p AS (SELECT DISTINCT code, CAST(time - INTERVAL 1 HOUR AS DATE) AS date FROM {vname})
SELECT {cols}, a.aqi, a.aqi_valid FROM _d d
JOIN _p p ON p.code = d.code AND p.date = d.date
JOIN _a a ON a.code = d.code AND a.date = d.date""")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {vname}")
        con.execute(f"DROP TABLE IF EXISTS {hname}")
        con.unregister(dname)


def update_days(con: duckdb.DuckDBPyConnection, days: list[date]) -> None:
    """Recompute the station and city rows of the natural ``days`` from ``air_hourly`` and
    record the store's fingerprints. Runs in the caller's transaction (the ingest's)."""
    days = sorted(set(days))
    if days:
        con.execute(f"DELETE FROM {STATION_TABLE} WHERE date IN (SELECT unnest(?))", [days])
        con.execute(f"DELETE FROM {CITY_TABLE} WHERE date IN (SELECT unnest(?))", [days])
        _compute(con, STATION_TABLE, days)
        _compute(con, CITY_TABLE, days)
    _record(con)


def refresh(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild both tables from ``air_hourly`` in one transaction; returns the number of days."""
    from qingshan.store.db import in_transaction

    def work() -> int:
        days = [r[0] for r in con.execute(
            "SELECT DISTINCT CAST(time - INTERVAL 1 HOUR AS DATE) FROM air_hourly").fetchall()]
        con.execute(f"DELETE FROM {STATION_TABLE}")
        con.execute(f"DELETE FROM {CITY_TABLE}")
        update_days(con, days)
        return len(days)

    return in_transaction(con, work)


def after_membership_change(con: duckdb.DuckDBPyConnection) -> None:
    """After ``city_station`` was rebuilt (station list, province config), in the caller's
    transaction: recompute the city rows when the station rows are current (the city series
    is the mean of the evaluation stations); otherwise leave both stale for :func:`ensure`."""
    if fresh(con, "city") or not fresh(con, "station"):
        return
    days = [r[0] for r in con.execute(
        f"SELECT DISTINCT date FROM {STATION_TABLE}").fetchall()]
    con.execute(f"DELETE FROM {CITY_TABLE}")
    if days:
        _compute(con, CITY_TABLE, sorted(days))
    _record(con)


def ensure(con: duckdb.DuckDBPyConnection, lock=None, writable: bool = True) -> bool:
    """Bring the tables up to date when they are stale and the store is writable (under
    ``lock``, the server's write lock); returns whether they are fresh afterwards."""
    if fresh(con, "city") and fresh(con, "station"):
        return True
    if not writable:
        return False
    if lock is None:
        refresh(con)
    else:
        with lock:
            if not (fresh(con, "city") and fresh(con, "station")):
                refresh(con)
    return fresh(con, "city") and fresh(con, "station")




# -- readers -------------------------------------------------------------------------------


def _lit(d: date) -> str:
    """A typed date as a SQL date literal (its text can only be a date)."""
    return f"DATE '{date(d.year, d.month, d.day).isoformat()}'"


def _complete(table: str, start: date, end: date, where_codes: str = "") -> str:
    """SQL of the daily rows of ``start``..``end`` as the chain forms them: every code present
    in the range × every day of it, absent days with NULL statistics, zero counts, not valid."""
    cols = ", ".join(
        f"COALESCE(r.{c}, 0) AS {c}" if c in _N_COLS else
        f"COALESCE(r.{c}, FALSE) AS {c}" if c in _FLAG_COLS else f"r.{c}"
        for c in DAILY_COLUMNS if c not in ("code", "date"))
    a, b = _lit(start), _lit(end)
    return f"""
WITH _r AS (SELECT * FROM {table} WHERE date BETWEEN {a} AND {b}{where_codes}),
_c AS (SELECT DISTINCT code FROM _r),
_g AS (SELECT CAST(unnest(generate_series({a}, {b}, INTERVAL 1 DAY)) AS DATE) AS date)
SELECT c.code, g.date, {cols} FROM _c c CROSS JOIN _g g
LEFT JOIN _r r ON r.code = c.code AND r.date = g.date"""


class _DailyBackend:
    """The plan's backend with its daily-statistics steps read from the tables.

    Steps the daily rows replace (``hours``, ``valid``, ``hourly_aqi``, ``city_hourly``: read
    by nothing but the daily steps) are not run; ``daily`` / ``city_daily`` are the present
    codes × days of the period from the tables; every other step runs its own SQL unchanged
    on the inner backend (with :mod:`qingshan.air.views` fused: one common table expression).
    """

    _SKIP = ("hours", "valid", "hourly_aqi", "city_hourly")

    def __init__(self, inner, per, prefix: str, same_aqi: bool, companion=None):
        self._inner, self._per, self._prefix = inner, per, prefix
        self._same_aqi = same_aqi
        self._companion = companion

    def _rows(self, table: str) -> str:
        """The period's daily rows; with a companion ``(period, tag)`` (:attr:`DailyRows.
        companion`) also that period's, each code suffixed with ``tag``: its units computed
        by the same steps as further units of this period."""
        own = _complete(table, self._per.start, self._per.end)
        if self._companion is None:
            return own
        other, tag = self._companion
        return (f"SELECT * FROM ({own}) AS _o UNION ALL SELECT code || '{tag}' AS code, "
                f"* EXCLUDE (code) FROM ({_complete(table, other.start, other.end)}) AS _c")

    def _step(self, name: str) -> str:
        return name[len(self._prefix):] if name.startswith(self._prefix) else name

    def materialize(self, name: str, query: str) -> None:
        step = self._step(name)
        if step in self._SKIP:
            return
        if step == "daily":
            query = self._rows(STATION_TABLE)
        elif step == "city_daily":
            query = self._rows(CITY_TABLE)
        elif step in ("daily_aqi", "city_aqi") and self._same_aqi:
            # read by the day counts only (code, date, aqi, aqi_valid); stored with the same
            # HJ 633 version the step would use (the period lies in one family)
            # — the columns of the step's own daily rows, already read by the ``daily`` /
            # ``city_daily`` step before it (one read of the table, not two)
            rows = self._prefix + ("city_daily" if step == "city_aqi" else "daily")
            query = f"SELECT code, date, aqi, aqi_valid FROM {rows}"
        self._inner.materialize(name, query)

    def view(self, name: str, query: str) -> None:
        self.materialize(name, query)

    def __getattr__(self, attr):
        return getattr(self._inner, attr)


class DailyRows:
    """The daily-row source of :mod:`qingshan.air.service` (its ``rows=`` parameter).

    (a) :meth:`plan_backend`: the plan's ``daily`` / ``city_daily`` steps read the present
    codes × every day of the period from the tables (absent days as the chain makes them) and
    its ``city_hourly`` step is skipped (nothing else reads it); (b) :meth:`daily_stats`: the
    service's station / city daily statistics (series of ``daily_aqi``, ``monthly_series``,
    ``compliance_rates``) likewise, and the province series' from the days kept in the
    process (:func:`_province_days`); ``None`` elsewhere (the service runs its hourly path).
    """

    def __init__(self, only: tuple[str, ...] | None = None, counts_only: bool = False,
                 state: str | None = None):
        #: the store state the rows are those of (:func:`fingerprint`, set by
        #: :func:`rows_for`): the key of what a reader keeps of them per process
        #: (``service._city_index``); ``None``: nothing is kept
        self.state = state
        #: the station / city codes a caller reads (``None``: all): the daily statistics of a
        #: one-unit series (:func:`monthly_series`) are those units' rows only — each unit's
        #: statistics, AQI and indices are its own rows' (no figure of one unit reads another)
        self.only = only
        #: the caller reads the day AQI only for its day counts (``code, date, aqi,
        #: aqi_valid``: ``statistics.day_counts_sql``), so the stored AQI of the days serves
        #: (:meth:`daily_aqi`), not only the province series' kept days
        self.counts_only = counts_only
        #: ``(period, tag)`` while a caller builds the plan of a period whose steps also
        #: compute another period's units (:meth:`plan_backend`; ``service._city_indices``)
        self.companion = None

    @staticmethod
    def same_aqi(per, rules) -> bool:
        """Whether the stored day AQI is the one the plan computes for ``per`` under
        ``rules``: the stored AQI of a day is by the HJ 633 version of its own family — what
        the plan computes for a period of one family whose rules use that version, and for a
        period containing 2026-03-01 assessed day by day (rules.mixed: each by its version)."""
        straddles = per.start < SWITCH_2026 <= per.end
        return rules is not None and (
            rules.mixed if straddles else rules.aqi_version == family_for(per.start))

    def plan_backend(self, backend, per, rules, prefix: str):
        return _DailyBackend(backend, per, prefix, self.same_aqi(per, rules), self.companion)

    def daily_aqi(self, put, level, start, end, codes, prov) -> str | None:
        """The day AQI of the province series from the kept days (:func:`_province_aqi`);
        ``None`` elsewhere (the service computes it from the daily statistics)."""
        if level == "province" and not codes:
            return _province_aqi(put, start, end, prov)
        if self.counts_only and level in ("station", "city") and all(
                rules_for(a).aqi_version == family_for(a) == family_for(b)
                for _, a, b in aqi_versions(start, end)):
            # the stored day AQI and aqi_valid were computed by the plan's aqi_valid_sql over
            # the day's rounded statistics with its family's HJ 633 version: the values
            # aqi_by_day_sql gives each day here (absent days: NULL, not valid, as the chain)
            table = STATION_TABLE if level == "station" else CITY_TABLE
            days = _complete(table, start, end, self._where(put, level, codes, prov))
            return put("aqi", f"SELECT code, date, aqi, aqi_valid FROM ({days}) _s")
        return None

    def daily_stats(self, put, level, start, end, codes, prov) -> str | None:
        if level == "province" and not codes:
            return _province_stats(put, start, end, prov)
        if level not in ("station", "city"):
            return None
        table = STATION_TABLE if level == "station" else CITY_TABLE
        return put("dstats", _complete(table, start, end, self._where(put, level, codes, prov)))

    def _where(self, put, level, codes, prov) -> str:
        where = ""
        if level == "station":   # the province's own stations, as service._hourly
            where += (" AND code IN (SELECT code FROM station WHERE province = "
                      f"(SELECT name_zh FROM {svc._prov(put, prov)}))")
        codes = codes or self.only
        if codes:
            where += f" AND code IN {svc._in(put, codes)}"
        return where


# -- the province series' days, kept per process ------------------------------------------
# The province series (mean of the city series at each hour, service._hourly) is not in the
# tables (a city-mean day is not the day of the hourly mean): its daily statistics of every
# stored day and their day AQI per HJ 633 version are kept in the process and spliced after an
# upload (qingshan.air.province_days); a period reads its days from there.

def _province_kept(con: duckdb.DuckDBPyConnection, prov: ProvinceConfig, memo=None,
                   cover: tuple[date, date] | None = None
                   ) -> tuple[pa.Table, dict[str, pa.Table]]:
    """The province series' daily statistics of every stored day and of the days ``cover``
    (with ``_present``: the day has an hour) and the day AQI of every day by each HJ 633
    version asked so far (:func:`qingshan.air.province_days.kept`)."""
    return province_days.kept(con, prov, memo, cover)


def _province_version_aqi(con: duckdb.DuckDBPyConnection, prov: ProvinceConfig,
                          ver: str, memo=None, cover: tuple[date, date] | None = None
                          ) -> pa.Table:
    """The day AQI by HJ 633 version ``ver`` of every kept province day
    (:func:`qingshan.air.province_days.version_aqi`)."""
    return province_days.version_aqi(con, prov, ver, memo, cover)


def warm(con: duckdb.DuckDBPyConnection, prov: ProvinceConfig) -> bool:
    """Build the kept province days and their day AQI by every HJ 633 version of the stored
    span now — what the first province answer of a server would otherwise pay (1–3 s); the
    server calls it once at start (:func:`qingshan.air.api.warm`). False: nothing stored."""
    lo, hi = province_days.stored_days(con)
    if lo is None:
        return False
    _province_kept(con, prov)
    for ver, _, _ in aqi_versions(lo, hi):
        _province_version_aqi(con, prov, ver)
    return True


def _province_days(con: duckdb.DuckDBPyConnection, prov: ProvinceConfig,
                   memo=None, cover: tuple[date, date] | None = None) -> pa.Table:
    """The province series' daily statistics of every stored day and of the days ``cover``
    (:func:`_province_kept`)."""
    return _province_kept(con, prov, memo, cover)[0]


def _province_stats(put, start: date, end: date, prov: ProvinceConfig) -> str:
    # every day of the period, those past the stored days too (the service's grid lists them)
    days = put.values("province_days", _province_days(put.con, prov, put.rows, (start, end)))
    a, b = _lit(start), _lit(end)
    return put("dstats", f"""
SELECT * EXCLUDE (_present) FROM {days} WHERE date BETWEEN {a} AND {b}
  AND code IN (SELECT code FROM {days} WHERE _present AND date BETWEEN {a} AND {b})""")


def _province_aqi(put, start: date, end: date, prov: ProvinceConfig) -> str:
    """The province series' day AQI of ``start`` … ``end`` from the kept days: the rows and
    columns ``plan.aqi_by_day_sql`` gives over the period's rounded statistics (one version:
    all its columns; around 2026-03-01 each day by its own version, the 2012-only columns
    NULL on 2026 days), without its SQL text in the statement."""
    days, _ = _province_kept(put.con, prov, put.rows, (start, end))
    parts = aqi_versions(start, end)
    by_ver = {v: _province_version_aqi(put.con, prov, v, put.rows, (start, end))
              for v, _, _ in parts}
    pdays = put.values("province_days", days)
    present = (f"code IN (SELECT code FROM {pdays} WHERE _present AND date BETWEEN "
               f"{_lit(start)} AND {_lit(end)})")
    if len(parts) == 1:
        src = put.values("province_aqi", by_ver[parts[0][0]])
        return put("aqi", f"SELECT * FROM {src} WHERE date BETWEEN {_lit(start)} AND "
                          f"{_lit(end)} AND {present}")
    base = ["code", "date"] + [c for s in st.DAILY_STATS for c in (s, f"{s}_valid")]
    out = []
    for ver, a, b in parts:
        cols = base + [f"CAST(NULL AS {_ONLY_2012[c]}) AS {c}" if ver != "2012" and
                       c in _ONLY_2012 else c for c in _DAY_AQI_COLS]
        src = put.values("province_aqi", by_ver[ver])
        out.append(f"SELECT {', '.join(cols)}, aqi_version FROM {src} "
                   f"WHERE date BETWEEN {_lit(a)} AND {_lit(b)} AND {present}")
    return put("aqi", "\nUNION ALL\n".join(out))


def rows_for(con: duckdb.DuckDBPyConnection, part: str = "city") -> DailyRows | None:
    """The daily-row source when ``part`` and the station rows are fresh and
    ``$QINGSHAN_AIR_DAILY`` is not ``0``; otherwise ``None`` (the hourly chain)."""
    if os.environ.get(SWITCH, "1") == "0":
        return None
    try:        # both parts' recorded fingerprints and the store's, read once (fresh())
        rec = dict(con.execute("SELECT part, fingerprint FROM air_daily_state").fetchall())
    except duckdb.CatalogException:     # a store without the migration (opened read-only)
        return None
    now = _fingerprints(con)
    parts = ("station",) if part == "station" else ("station", "city")
    if not all(rec.get(k) == now[k] for k in parts):
        return None
    return DailyRows(state=now["city"]) if part == "city" else DailyRows()


def _part(level: str) -> str:
    return "station" if level == "station" else "city"


def assess(con: duckdb.DuckDBPyConnection, period: str, level: str = "city",
           province: ProvinceConfig | None = None, city_method: str = "hourly") -> pd.DataFrame:
    """:func:`qingshan.air.service.assess`, its daily statistics read from the tables."""
    return svc.assess(con, period, level, province, city_method,
                      rows=rows_for(con, _part(level)))


def city_ranking(con: duckdb.DuckDBPyConnection, period: str,
                 province: ProvinceConfig | None = None, weighted: bool = False,
                 city_method: str = "hourly") -> pd.DataFrame:
    """:func:`qingshan.air.service.city_ranking`, daily statistics from the tables."""
    return svc.city_ranking(con, period, province, weighted, city_method, rows=rows_for(con))


def daily_aqi(con: duckdb.DuckDBPyConnection, level: str, code: str | None, start: date,
              end: date, province: ProvinceConfig | None = None,
              city_method: str = "hourly") -> pd.DataFrame:
    """:func:`qingshan.air.service.daily_aqi`, daily statistics from the tables."""
    return svc.daily_aqi(con, level, code, start, end, province, city_method,
                         rows=rows_for(con, _part(level)))


def monthly_series(con: duckdb.DuckDBPyConnection, level: str, code: str | None, year: int,
                   province: ProvinceConfig | None = None,
                   city_method: str = "hourly") -> pd.DataFrame:
    """:func:`qingshan.air.service.monthly_series`, daily statistics from the tables (of
    ``code`` only: the series is one unit's, filtered by code at its end; ``None``: every
    unit's, in one statement)."""
    rows = rows_for(con, _part(level))
    if rows is not None and level in ("city", "station"):
        rows = DailyRows(only=(code,) if code is not None else None, counts_only=True)
    return svc.monthly_series(con, level, code, year, province, city_method, rows=rows)


def compliance_rates(con: duckdb.DuckDBPyConnection, period: str, level: str = "city",
                     province: ProvinceConfig | None = None,
                     city_method: str = "hourly") -> pd.DataFrame:
    """:func:`qingshan.air.service.compliance_rates`, daily statistics from the tables."""
    return svc.compliance_rates(con, period, level, province, city_method,
                                rows=rows_for(con, _part(level)))
