"""Read-only look-ups of what the store holds: cities, stations, ingest batches, latest hours.

These return stored rows (no figures are computed here); figures come from
the domain services (:mod:`qingshan.air.service`). Shared by the JSON API and the web pages.

Every page asks for them (the city page: the city, its stations' latest hours), so the rows
are kept per store file and version (:func:`qingshan.air.versions.kept`): the catalogue's
for the cities and stations, the whole store's for the latest hours (any new batch). The
water pages keep their blocks the same way (``kept``, re-exported for them).
"""

from __future__ import annotations

import json
from datetime import timedelta

import duckdb
import pandas as pd

from qingshan.api.models import records
from qingshan.air.versions import kept

__all__ = ["cities", "city", "stations", "station", "batches", "batch", "data_range",
           "latest_hours", "latest_hour", "station_hours", "kept"]

_POLL = ("so2", "no2", "co", "o3", "pm10", "pm25")


def cities(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Configured cities with their number of evaluation stations."""
    return kept(con, ("cities",), lambda: _cities(con)).copy()


def _cities(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.sql(
        "SELECT c.code, c.name_zh, c.short_zh, c.name_en, c.coastal, "
        "count(cs.station_code)::INTEGER AS stations FROM city c "
        "LEFT JOIN city_station cs ON cs.city_code = c.code "
        "GROUP BY ALL ORDER BY c.code").df()


def city(con: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    """One city by code, or None."""
    found = kept(con, ("city-by-code",), lambda: _by_code(_cities(con))).get(code)
    return None if found is None else dict(found)


def _by_code(df: pd.DataFrame) -> dict[str, dict]:
    """Each code's first row, as :func:`records` gives it."""
    df = df.drop_duplicates("code")
    return dict(zip(df.code, records(df)))


def stations(con: duckdb.DuckDBPyConnection, city_code: str | None = None,
             limit: int | None = None, offset: int = 0) -> tuple[pd.DataFrame, int]:
    """Evaluation stations (of one city, or of all configured cities) and the total count."""
    df, total = kept(con, ("stations", city_code, limit, offset),
                     lambda: _stations(con, city_code, limit, offset))
    return df.copy(), total


def _stations(con, city_code, limit, offset) -> tuple[pd.DataFrame, int]:
    where = "WHERE cs.city_code = $city" if city_code else ""
    params = {"city": city_code} if city_code else {}
    base = (f"SELECT s.code, s.name, cs.city_code, s.publication_city, s.lon, s.lat, "
            f"s.is_control, s.is_stopped, s.stop_date FROM city_station cs "
            f"JOIN station s ON s.code = cs.station_code {where}")
    total = con.execute(f"SELECT count(*) FROM ({base})", params).fetchall()[0][0]
    page = ""
    if limit is not None:   # page bounds are bound values too
        page = " LIMIT $limit OFFSET $offset"
        params = {**params, "limit": int(limit), "offset": int(offset)}
    df = con.execute(f"{base} ORDER BY cs.city_code, s.code{page}", params).df()
    return df, int(total)


def station(con: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    """One station (any station of the list) with its city, or None."""
    df = con.execute(
        "SELECT s.code, s.name, cs.city_code, s.publication_city, s.lon, s.lat, s.is_control, "
        "s.is_stopped, s.stop_date FROM station s LEFT JOIN city_station cs "
        "ON cs.station_code = s.code WHERE s.code = ?", [code]).df()
    return None if df.empty else records(df.iloc[:1])[0]


def batches(con: duckdb.DuckDBPyConnection, limit: int | None = None, offset: int = 0
            ) -> tuple[pd.DataFrame, int]:
    """Ingest batches, newest first, with their JSON summary parsed."""
    total = con.execute("SELECT count(*) FROM ingest_batch").fetchall()[0][0]
    page, params = ("", []) if limit is None else (" LIMIT ? OFFSET ?", [int(limit), int(offset)])
    df = con.execute(
        "SELECT batch_id, kind, file_name, file_size, sha256, rows_read, rows_stored, "
        "rows_flagged, rows_skipped, started_at, finished_at, outcome, summary::VARCHAR AS summary, "
        "ingested_by "
        f"FROM ingest_batch ORDER BY batch_id DESC{page}", params).df()
    df["summary"] = [json.loads(s) if isinstance(s, str) else None for s in df["summary"]]
    return df, int(total)


def batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict | None:
    df, _ = batches(con)
    df = df[df.batch_id == batch_id]
    return None if df.empty else records(df.iloc[:1])[0]


def data_range(con: duckdb.DuckDBPyConnection) -> tuple:
    """(first, last) hour stamp of stored hourly air data, or (None, None); kept per store
    version (a scan of every stored hour: every page asks, issue 19's soak found it ~15 % of a
    core)."""
    return kept(con, ("data_range",), lambda: tuple(con.execute(
        "SELECT min(time), max(time) FROM air_hourly").fetchall()[0]), whole=True)


def latest_hours(con: duckdb.DuckDBPyConnection, city_code: str) -> pd.DataFrame:
    """Each evaluation station of a city with its most recent stored hour (stored values;
    no hour: NULLs), kept per store version (any new batch is a new version)."""
    return kept(con, ("latest_hours", city_code), lambda: _latest_hours(con, city_code),
                whole=True).copy()


#: how far before the store's newest hour the latest hours are looked for first [days]
RECENT_DAYS = 7


def _latest_sql(recent: bool) -> str:
    cols = ", ".join(f"h.{c}" for c in _POLL)   # _POLL: our column names; values are bound
    since = "AND time >= $since " if recent else ""
    return (
        f"SELECT s.code, s.name, s.is_stopped, h.time, {cols}, h.qc_flags FROM city_station cs "
        "JOIN station s ON s.code = cs.station_code LEFT JOIN (SELECT * FROM air_hourly "
        f"WHERE station_code IN (SELECT station_code FROM city_station WHERE city_code = $c) "
        f"{since}"
        "QUALIFY row_number() OVER (PARTITION BY station_code ORDER BY time DESC) = 1) h "
        "ON h.station_code = s.code WHERE cs.city_code = $c ORDER BY s.code")


def _latest_hours(con: duckdb.DuckDBPyConnection, city_code: str) -> pd.DataFrame:
    """The last hours among those of the last :data:`RECENT_DAYS` days before the store's
    newest hour (a few row groups: the hours' min/max per row group skip the rest), and over
    all hours only when a station has none there (a stopped station, one without any hour).
    The same rows: a station with an hour at or after ``since`` has its newest hour — and
    every row tied with it — among them."""
    newest = con.execute("SELECT max(time) FROM air_hourly").fetchall()[0][0]
    if newest is not None:
        df = con.execute(_latest_sql(True), {"c": city_code,
                                             "since": newest - timedelta(days=RECENT_DAYS)}).df()
        if df["time"].notna().all():
            return df
    return con.execute(_latest_sql(False), {"c": city_code}).df()


def station_hours(con: duckdb.DuckDBPyConnection, code: str, start, end) -> pd.DataFrame:
    """Stored hourly rows of one station in [start, end] (hour-ending stamps), with qc flags."""
    cols = ", ".join(_POLL)
    return con.execute(
        f"SELECT time, {cols}, qc_flags, batch_id FROM air_hourly WHERE station_code = ? "
        "AND time >= ? AND time <= ? ORDER BY time", [code, start, end]).df()


def latest_hour(con: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    """The most recent stored hour of one station, or None."""
    cols = ", ".join(_POLL)
    df = con.execute(f"SELECT time, {cols}, qc_flags FROM air_hourly WHERE station_code = ? "
                     "ORDER BY time DESC LIMIT 1", [code]).df()
    return None if df.empty else records(df.iloc[:1])[0]
