"""Readers of the national-network daily archive: ``china_sites_YYYYMMDD.csv`` (stations) and
``china_cities_YYYYMMDD.csv`` (cities).

Layout: header ``date,hour,type,<station code or city name>...``; ``date`` = YYYYMMDD, ``hour`` =
0..23; up to 15 ``type`` rows per hour (AQI, PM2.5, PM2.5_24h, PM10, PM10_24h, SO2, SO2_24h, NO2,
NO2_24h, O3, O3_24h, O3_8h, O3_8h_24h, CO, CO_24h). Columns are parsed by header name, never by
position; days with missing hours, hours with missing type rows and empty cells are normal.

Time convention: the value labelled hour H of date D is the mean over (H-1):00..H:00 Beijing time
(hour-ending). It is stored at ``D + H hours``; hour 0 of D is therefore the last hour of the natural
day D-1 (see docs/nomenclature.md).

Units as published: µg/m³, CO mg/m³. The 1-hour rows are the canonical data; the archive's AQI and
moving averages go to ``published_*`` columns and are never inputs to qingshan's computations.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from qingshan.core.sqlkit import known_name
from qingshan.core.ingest.errors import IngestError, clip_text, quote_value, quote_values
from qingshan.core.ingest.limits import check_archive_csv

__all__ = ["VARIABLE_MAP", "read_cnemc_csv", "read_cnemc_files", "read_cnemc_files_sql",
           "HOURLY_COLUMNS", "PUBLISHED_COLUMNS", "split_header"]

#: archive ``type`` → canonical column
VARIABLE_MAP = {
    "PM2.5": "pm25",
    "PM10": "pm10",
    "SO2": "so2",
    "NO2": "no2",
    "O3": "o3",
    "CO": "co",
    "AQI": "published_aqi",
    "PM2.5_24h": "published_pm25_24h",
    "PM10_24h": "published_pm10_24h",
    "SO2_24h": "published_so2_24h",
    "NO2_24h": "published_no2_24h",
    "CO_24h": "published_co_24h",
    "O3_24h": "published_o3_24h",
    "O3_8h": "published_o3_8h",
    "O3_8h_24h": "published_o3_8h_24h",
}
HOURLY_COLUMNS = ["so2", "no2", "co", "o3", "pm10", "pm25"]
PUBLISHED_COLUMNS = [c for c in VARIABLE_MAP.values() if c.startswith("published_")]
_KEYS = ("date", "hour", "type")


def split_header(line: str) -> list[str]:
    """Column names of a CSV header line, quotes removed as a CSV parser does."""
    line = line.strip("\r\n")
    try:
        return next(csv.reader([line])) if line.strip() else [""]
    except (csv.Error, StopIteration):
        return line.split(",")


def _read_raw(p: Path) -> pa.Table:
    check_archive_csv(p)   # binary / UTF-16, columns, line length, rows: before anything is parsed
    try:
        with p.open("rb") as f:
            head = f.readline()
        header = split_header(head.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise IngestError(p.name, "header is not UTF-8 text", line=1) from None
    if not head.strip():
        raise IngestError(p.name, "file is empty", line=1)
    for k in _KEYS:
        if k not in header:
            raise IngestError(p.name, f"missing column '{k}' in header", line=1, field=k)
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise IngestError(p.name, f"duplicate column(s) in header: {quote_values(dup)}", line=1,
                          field=dup[0])
    if any(h == "" for h in header):
        raise IngestError(p.name, "empty column name in header", line=1)
    if "_line" in header or "_file" in header:
        raise IngestError(p.name, "column names '_line' and '_file' are reserved", line=1)
    try:
        tbl = pacsv.read_csv(
            p,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as e:
        msg = str(e)
        line = None
        if "Row #" in msg:
            try:
                line = int(msg.split("Row #")[1].split(":")[0])
            except ValueError:
                line = None
        raise IngestError(p.name, f"malformed CSV: {clip_text(msg)}", line=line) from None
    except UnicodeDecodeError:
        raise IngestError(p.name, "file is not UTF-8 text") from None
    return tbl.append_column("_line", pa.array(range(2, tbl.num_rows + 2), pa.int64()))


def read_cnemc_csv(path: str | Path, con: duckdb.DuckDBPyConnection | None = None
                   ) -> tuple[pa.Table, dict]:
    """Read and validate one archive file; see :func:`read_cnemc_files`."""
    tbl, metas = read_cnemc_files([path], con)
    return tbl, metas[0]


def read_cnemc_files(paths: list[str | Path], con: duckdb.DuckDBPyConnection | None = None
                     ) -> tuple[pa.Table, list[dict]]:
    """Read and validate archive files. Returns (wide table, per-file metadata).

    Fast path: each file is parsed by Arrow with numeric station columns and reshaped from its
    (date, hour, type) × station matrix to station-hours with numpy (no per-value Python work).
    Any file that does not pass the checks is re-read by :func:`read_cnemc_files_sql`, whose
    line-by-line validation raises the IngestError naming file, line, field and reason. The
    table layout is the one documented there.
    """
    from qingshan.air.ingest.cnemc_fast import read_file_fast

    ps = [Path(p) for p in paths]
    tables, metas = [], []
    for i, p in enumerate(ps):
        check_archive_csv(p)   # limits first: the fast reader reads the file whole
        got = read_file_fast(p, i)
        if got is None:
            read_cnemc_files_sql([p], con)      # raises the precise error
            raise IngestError(p.name, "file could not be parsed as a national-network archive "
                                      "file")
        tables.append(got[0])
        metas.append(got[1])
    if not tables:
        return _empty(), []
    return (pa.concat_tables(tables) if len(tables) > 1 else tables[0]), metas


def read_cnemc_files_sql(paths: list[str | Path], con: duckdb.DuckDBPyConnection | None = None
                         ) -> tuple[pa.Table, list[dict]]:
    """Read and validate archive files together with SQL (line-exact validation).

    Returns (wide table, per-file metadata). The table has one row per (``file_idx``, ``code``,
    ``time``, ``occ``) with the canonical columns of ``air_hourly``, ``line`` (first line that
    contributed) and ``occ`` (> 1 for a repeated occurrence of the same station-hour within a
    file: the loader flags and counts those). Station sets may differ between files.

    Raises IngestError (file, line, field, reason) on a bad date, hour, type or a cell that is
    not a number; files are checked in the given order.
    """
    ps = [Path(p) for p in paths]
    raws = []
    for i, p in enumerate(ps):
        r = _read_raw(p)
        raws.append(r.append_column("_file", pa.array([i] * r.num_rows, pa.int32())))
    raw = pa.concat_tables(raws, promote_options="default") if len(raws) > 1 else raws[0]
    c = con or duckdb.connect()
    c.register("_raw", raw)
    try:
        # keys first: date, hour, type must be valid on every row
        bad = c.execute(
            """
            SELECT _file, _line, CASE
                WHEN date IS NULL OR try_strptime(date, '%Y%m%d') IS NULL OR length(date) <> 8
                    THEN 'date'
                WHEN hour IS NULL OR try_cast(hour AS INTEGER) IS NULL
                     OR try_cast(hour AS INTEGER) NOT BETWEEN 0 AND 23 THEN 'hour'
                ELSE 'type' END AS field,
                date, hour, type,
                count(*) OVER (PARTITION BY _file) AS n
            FROM _raw
            WHERE date IS NULL OR try_strptime(date, '%Y%m%d') IS NULL OR length(date) <> 8
               OR hour IS NULL OR try_cast(hour AS INTEGER) IS NULL
               OR try_cast(hour AS INTEGER) NOT BETWEEN 0 AND 23
               OR type IS NULL OR type NOT IN (SELECT unnest(?))
            ORDER BY _file, _line LIMIT 1
            """,
            [list(VARIABLE_MAP)],
        ).fetchall()
        if bad:
            f, line, field, d, h, t, n = bad[0]
            v = {"date": d, "hour": h, "type": t}[field]
            shown = "empty" if v is None else quote_value(v)
            reason = {"date": f"not a date YYYYMMDD: {shown}",
                      "hour": f"not an hour 0..23: {shown}",
                      "type": f"unknown type {'(empty)' if v is None else shown}"}[field]
            raise IngestError(ps[f].name, reason, line=line, field=field, more=n - 1)
        value_cols = [n for n in raw.column_names if n not in (*_KEYS, "_line", "_file")]
        if not value_cols:
            return _empty(), [{"file": p.name, "stations": 0, "rows": 0,
                               "lines": r.num_rows} for p, r in zip(ps, raws)]
        # a repeated (date, hour, type) row within a file: the first occurrence is kept, the
        # repeats are returned as occ = 2 rows for the loader to flag and count
        c.execute(
            """
            CREATE OR REPLACE TEMP TABLE _rows AS
            SELECT _file, _line, row_number() OVER (PARTITION BY _file, date, hour, type
                                                    ORDER BY _line) AS occ
            FROM (SELECT _file, _line, date, hour, type FROM _raw)
            """
        )
        # long form of the non-empty cells, with number parsing checked
        c.execute(
            """
            CREATE OR REPLACE TEMP TABLE _long AS
            SELECT u._file, u._line, date, CAST(hour AS INTEGER) AS hour, type, code, v,
                   try_cast(v AS DOUBLE) AS x, least(r.occ, 2) AS occ
            FROM (UNPIVOT _raw ON COLUMNS(* EXCLUDE (date, hour, type, _line, _file))
                  INTO NAME code VALUE v) u
            JOIN _rows r ON r._file = u._file AND r._line = u._line
            WHERE v <> ''
            """
        )
        bad = c.execute(
            "SELECT _file, _line, code, v, count(*) OVER (PARTITION BY _file) FROM _long "
            "WHERE x IS NULL OR isnan(x) OR isinf(x) ORDER BY _file, _line LIMIT 1"
        ).fetchall()
        if bad:
            f, line, code, v, n = bad[0]
            raise IngestError(ps[f].name, f"not a number: {quote_value(v)}", line=line, field=code,
                              more=n - 1)
        # archive types and canonical columns are this module's constants (VARIABLE_MAP), and
        # _long has passed the type check against them: safe to write into the SQL text
        pivots = ",\n".join(
            f"max(x) FILTER (WHERE type = '{known_name(t, VARIABLE_MAP)}') AS {col}"
            for t, col in VARIABLE_MAP.items()
        )
        tbl = c.sql(
            f"""
            SELECT _file AS file_idx, code,
                   strptime(date, '%Y%m%d') + to_hours(hour) AS time,
                   {pivots},
                   min(_line) AS line,
                   occ
            FROM _long
            GROUP BY _file, code, date, hour, occ
            ORDER BY _file, code, time, occ
            """
        ).to_arrow_table()
        c.execute("DROP TABLE _rows")
        c.execute("DROP TABLE _long")
    finally:
        c.unregister("_raw")
        if con is None:
            c.close()
    metas = [{"file": p.name, "stations": sum(1 for n in r.column_names
                                              if n not in (*_KEYS, "_line", "_file")),
              "lines": r.num_rows} for p, r in zip(ps, raws)]
    return tbl, metas


def _empty() -> pa.Table:
    fields = [("file_idx", pa.int32()), ("code", pa.string()), ("time", pa.timestamp("us"))]
    fields += [(c, pa.float64()) for c in VARIABLE_MAP.values()]
    fields += [("line", pa.int64()), ("occ", pa.int64())]
    return pa.schema(fields).empty_table()
