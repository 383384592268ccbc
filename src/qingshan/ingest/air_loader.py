"""Write validated hourly air tables into ``air_hourly``: quality flags, duplicates, unknown
stations, supersession — all inside the caller's transaction, as table operations.

Input tables (from any reader) have columns ``code, time, <pollutants>, [published_*], line,
occ`` where ``occ`` > 1 marks a repeated occurrence of the same station-hour in the file.
"""

from __future__ import annotations

import time as _time
from datetime import datetime

import duckdb
import pyarrow as pa

from qingshan.ingest.cnemc import HOURLY_COLUMNS, PUBLISHED_COLUMNS
from qingshan.ingest.errors import IngestError
from qingshan.standards.plausible_ranges import (
    MAX_PLAUSIBLE, QC_DUPLICATE, QC_IMPLAUSIBLE, QC_NAMES, QC_NEGATIVE, QC_PM25_GT_PM10,
)
from qingshan.store.batches import BatchSummary, FileInfo, new_batch_id, record_batch

__all__ = ["store_air_table", "STORE_COLUMNS"]

STORE_COLUMNS = ["station_code", "time", *HOURLY_COLUMNS, *PUBLISHED_COLUMNS, "qc_flags",
                 "batch_id"]


def _qc_expr() -> str:
    neg = " OR ".join(f"{c} < 0" for c in HOURLY_COLUMNS)
    imp = " OR ".join(f"{c} > {MAX_PLAUSIBLE[c]}" for c in HOURLY_COLUMNS)
    return (
        f"(CASE WHEN {neg} THEN {QC_NEGATIVE} ELSE 0 END)"
        f" | (CASE WHEN pm25 > pm10 THEN {QC_PM25_GT_PM10} ELSE 0 END)"
        f" | (CASE WHEN {imp} THEN {QC_IMPLAUSIBLE} ELSE 0 END)"
        f" | (CASE WHEN dup THEN {QC_DUPLICATE} ELSE 0 END)"
    )


def _first_quality_issue(con, file: str) -> None:
    """Strict mode: raise for the first negative or implausible value (line, field)."""
    checks = []
    for c in HOURLY_COLUMNS:
        checks.append(f"SELECT line, '{c}' AS f, {c} AS v, 'negative value' AS why FROM _in "
                      f"WHERE {c} < 0")
        checks.append(f"SELECT line, '{c}', {c}, 'beyond plausible range (> {MAX_PLAUSIBLE[c]})' "
                      f"FROM _in WHERE {c} > {MAX_PLAUSIBLE[c]}")
    checks.append("SELECT line, 'code+time', NULL, 'duplicated station-hour' FROM _in WHERE occ > 1")
    row = con.execute(
        f"SELECT line, f, v, why, count(*) OVER () FROM ({' UNION ALL '.join(checks)}) "
        "ORDER BY line LIMIT 1"
    ).fetchall()
    row = row[0] if row else None
    if row:
        val = "" if row[2] is None else f" {row[2]:g}"
        raise IngestError(file, f"{row[3]}{val}", line=row[0], field=row[1], more=row[4] - 1)


def store_air_table(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    info: FileInfo,
    kind: str,
    *,
    unknown_stations: str = "error",
    quality: str = "flag",
) -> BatchSummary:
    """Store one validated file's table as a new batch. Must run inside a transaction.

    ``unknown_stations``: ``error`` (default; names the station and its column) or ``register``
    (adds the station, flagged by name = code and no city). ``quality``: ``flag`` (default: keep,
    flag and count) or ``error`` (raise on the first flagged value).
    """
    t0 = _time.perf_counter()
    started = datetime.now()
    for c in [*HOURLY_COLUMNS, *PUBLISHED_COLUMNS]:
        if c not in table.column_names:
            table = table.append_column(c, pa.nulls(table.num_rows, pa.float64()))
    if "occ" not in table.column_names:
        table = table.append_column("occ", pa.array([1] * table.num_rows, pa.int64()))
    con.register("_in", table)
    try:
        batch_id = new_batch_id(con)
        summary = BatchSummary(file=info.name, kind=kind, outcome="loaded", batch_id=batch_id,
                               rows_read=table.num_rows)
        unknown = [r[0] for r in con.execute(
            "SELECT DISTINCT code FROM _in WHERE code NOT IN (SELECT code FROM station) ORDER BY 1"
        ).fetchall()]
        if unknown and unknown_stations == "error":
            hint = (" (the station table is empty: ingest the station list first)"
                    if con.execute("SELECT count(*) FROM station").fetchall()[0][0] == 0 else "")
            raise IngestError(
                info.name,
                f"unknown station(s) {', '.join(unknown[:5])}"
                f"{' …' if len(unknown) > 5 else ''} ({len(unknown)} in all){hint}; "
                "use --register-unknown to add them",
                line=1, field=unknown[0])
        if unknown:
            con.execute(
                "INSERT INTO station SELECT code, code, code, NULL, NULL, NULL, NULL, NULL, "
                "false, false, NULL, ? FROM (SELECT unnest(?) AS code)", [batch_id, unknown])
            summary.skipped["stations registered (unknown)"] = len(unknown)
        if quality == "error":
            _first_quality_issue(con, info.name)
        cols = ", ".join([*HOURLY_COLUMNS, *PUBLISHED_COLUMNS])
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _new AS
            WITH d AS (
                SELECT *, (max(occ) OVER (PARTITION BY code, time)) > 1 AS dup FROM _in)
            SELECT code AS station_code, time, {cols}, ({_qc_expr()})::INTEGER AS qc_flags,
                   {batch_id}::BIGINT AS batch_id
            FROM d WHERE occ = 1
            """
        )
        dups = con.execute("SELECT count(*) FROM _in WHERE occ > 1").fetchall()[0][0]
        if dups:
            summary.skipped["duplicated station-hour (first occurrence kept)"] = dups
        summary.rows_skipped = dups
        # quality counts
        flags = con.execute(
            "SELECT " + ", ".join(
                f"count(*) FILTER (WHERE qc_flags & {bit} <> 0)" for bit in QC_NAMES
            ) + ", count(*) FILTER (WHERE qc_flags <> 0), count(*) FROM _new"
        ).fetchall()
        flags = flags[0] if flags else None
        summary.flags = {QC_NAMES[b]: n for b, n in zip(QC_NAMES, flags[:-2]) if n}
        summary.rows_flagged = flags[-2]
        summary.rows_stored = flags[-1]
        # supersession: existing rows for the same station-hours are replaced by this batch
        value_cols = [*HOURLY_COLUMNS, *PUBLISHED_COLUMNS]
        differs = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in value_cols)
        sup = con.execute(
            f"""
            SELECT o.batch_id, count(*), count(*) FILTER (WHERE {differs})
            FROM air_hourly o JOIN _new n USING (station_code, time)
            GROUP BY o.batch_id ORDER BY o.batch_id
            """
        ).fetchall()
        if sup:
            con.execute(
                "DELETE FROM air_hourly WHERE (station_code, time) IN "
                "(SELECT (station_code, time) FROM _new)"
            )
            for old, n, changed in sup:
                con.execute("INSERT INTO batch_supersession VALUES (?, ?, ?, ?)",
                            [batch_id, old, n, changed])
                summary.superseded.append(
                    {"batch_id": old, "rows_replaced": n, "rows_changed": changed})
        con.execute(f"INSERT INTO air_hourly ({', '.join(STORE_COLUMNS)}) "
                    f"SELECT {', '.join(STORE_COLUMNS)} FROM _new")
        con.execute("DROP TABLE _new")
        record_batch(con, batch_id, kind, info, summary, started)
    finally:
        con.unregister("_in")
    summary.seconds = _time.perf_counter() - t0
    return summary
