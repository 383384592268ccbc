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

from qingshan.air.ingest.cnemc import HOURLY_COLUMNS, PUBLISHED_COLUMNS
from qingshan.core.sqlkit import known_name
from qingshan.core.ingest.errors import IngestError, show_name
from qingshan.air.standards.plausible_ranges import (
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


def _first_quality_issue(con, infos: list[FileInfo]) -> None:
    """Strict mode: raise for the first negative, implausible or duplicated value."""
    checks = []
    for c in (known_name(x, HOURLY_COLUMNS) for x in HOURLY_COLUMNS):  # our column names
        checks.append(f"SELECT file_idx, line, '{c}' AS f, {c} AS v, 'negative value' AS why "
                      f"FROM _in WHERE {c} < 0")
        checks.append(f"SELECT file_idx, line, '{c}', {c}, 'beyond plausible range "
                      f"(> {MAX_PLAUSIBLE[c]})' FROM _in WHERE {c} > {MAX_PLAUSIBLE[c]}")
    checks.append("SELECT file_idx, line, 'code+time', NULL, 'duplicated station-hour' "
                  "FROM _in WHERE occ > 1")
    row = con.execute(
        f"SELECT file_idx, line, f, v, why, count(*) OVER (PARTITION BY file_idx) "
        f"FROM ({' UNION ALL '.join(checks)}) ORDER BY file_idx, line LIMIT 1"
    ).fetchall()
    if row:
        f, line, fld, v, why, n = row[0]
        val = "" if v is None else f" {v:g}"
        raise IngestError(infos[f].name, f"{why}{val}", line=line, field=fld, more=n - 1)


def store_air_table(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    infos: list[FileInfo],
    kind: str,
    *,
    unknown_stations: str = "error",
    quality: str = "flag",
) -> list[BatchSummary]:
    """Store validated files (rows tagged by ``file_idx``) as one new batch per file.

    Must run inside a transaction. ``unknown_stations``: ``error`` (default; names the station
    and its column) or ``register`` (adds the station with name = code and no city).
    ``quality``: ``flag`` (default: keep, flag and count) or ``error`` (raise on the first
    flagged value). A station-hour present in the store, or in an earlier file of the same call,
    is replaced by the later file; the replacement is recorded in ``batch_supersession``.
    """
    t0 = _time.perf_counter()
    started = datetime.now()
    n = table.num_rows
    for c in [*HOURLY_COLUMNS, *PUBLISHED_COLUMNS]:
        if c not in table.column_names:
            table = table.append_column(c, pa.nulls(n, pa.float64()))
    if "occ" not in table.column_names:
        table = table.append_column("occ", pa.array([1] * n, pa.int64()))
    if "file_idx" not in table.column_names:
        table = table.append_column("file_idx", pa.array([0] * n, pa.int32()))
    con.register("_in", table)
    try:
        base = new_batch_id(con)
        summaries = [BatchSummary(file=i.name, kind=kind, outcome="loaded", batch_id=base + k)
                     for k, i in enumerate(infos)]
        unknown = con.execute(
            "SELECT code, min(file_idx) FROM _in WHERE code NOT IN (SELECT code FROM station) "
            "GROUP BY code ORDER BY 2, 1").fetchall()
        if unknown and unknown_stations == "error":
            empty = con.execute("SELECT count(*) FROM station").fetchall()[0][0] == 0
            hint = " (the station table is empty: ingest the station list first)" if empty else ""
            codes = [u[0] for u in unknown]
            raise IngestError(
                infos[unknown[0][1]].name,
                f"unknown station(s) {', '.join(show_name(c) for c in codes[:5])}"
                f"{' …' if len(codes) > 5 else ''} ({len(codes)} in all){hint}; "
                "use --register-unknown to add them",
                line=1, field=codes[0])
        if unknown:
            con.execute(
                "INSERT INTO station SELECT code, code, code, NULL, NULL, NULL, NULL, NULL, "
                "false, false, NULL, ? + f FROM (SELECT unnest(?) AS code, unnest(?) AS f)",
                [base, [u[0] for u in unknown], [u[1] for u in unknown]])
            for _code, f in unknown:
                s = summaries[f].skipped
                s["stations registered (unknown)"] = s.get("stations registered (unknown)", 0) + 1
        if quality == "error":
            _first_quality_issue(con, infos)
        cols = ", ".join([*HOURLY_COLUMNS, *PUBLISHED_COLUMNS])
        # first occurrence within a file; the latest file wins across files of this call
        # (checked only when files' time ranges overlap: daily archive files never do)
        ranges = con.execute("SELECT file_idx, min(time), max(time) FROM _in GROUP BY file_idx "
                             "ORDER BY 2").fetchall()
        overlap = any(b[1] <= a[2] for a, b in zip(ranges, ranges[1:]))
        con.execute("CREATE OR REPLACE TEMP TABLE _dupk AS SELECT DISTINCT file_idx, code, time "
                    "FROM _in WHERE occ > 1")
        latest = ("QUALIFY row_number() OVER (PARTITION BY code, time "
                  "ORDER BY file_idx DESC) = 1" if overlap else "")
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _new AS
            WITH d AS (SELECT i.*, k.code IS NOT NULL AS dup FROM _in i
                       LEFT JOIN _dupk k ON k.file_idx = i.file_idx AND k.code = i.code
                                        AND k.time = i.time
                       WHERE i.occ = 1)
            SELECT code AS station_code, time, {cols}, ({_qc_expr()})::INTEGER AS qc_flags,
                   (CAST(? AS BIGINT) + file_idx)::BIGINT AS batch_id, file_idx
            FROM d
            {latest}
            """, [base]
        )
        per_file = con.execute(
            "SELECT file_idx, count(*) FILTER (WHERE occ > 1), count(*) FILTER (WHERE occ = 1) "
            "FROM _in GROUP BY file_idx").fetchall()
        for f, dups, firsts in per_file:
            s = summaries[f]
            s.rows_read = dups + firsts
            if dups:
                s.skipped["duplicated station-hour (first occurrence kept)"] = dups
            s.rows_skipped = dups
        value_cols = [*HOURLY_COLUMNS, *PUBLISHED_COLUMNS]
        differs = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in value_cols)
        # across files of this call: earlier file's station-hours replaced by a later file
        inner = con.execute(
            f"""
            SELECT n.file_idx, o.file_idx, count(*), count(*) FILTER (WHERE {differs})
            FROM (SELECT * FROM _in WHERE occ = 1) o
            JOIN _new n ON o.code = n.station_code AND o.time = n.time
                       AND o.file_idx < n.file_idx
            GROUP BY ALL ORDER BY 1, 2""").fetchall() if overlap else []
        for _new_f, old_f, cnt, _changed in inner:
            summaries[old_f].rows_skipped += cnt
            summaries[old_f].skipped["superseded by a later file of this ingest"] = cnt
        # quality counts per file
        qc = con.execute(
            "SELECT file_idx, " + ", ".join(
                f"count(*) FILTER (WHERE qc_flags & {bit} <> 0)" for bit in QC_NAMES
            ) + ", count(*) FILTER (WHERE qc_flags <> 0), count(*) FROM _new GROUP BY file_idx"
        ).fetchall()
        for row in qc:
            s = summaries[row[0]]
            s.flags = {QC_NAMES[b]: k for b, k in zip(QC_NAMES, row[1:-2]) if k}
            s.rows_flagged, s.rows_stored = row[-2], row[-1]
        # supersession of stored rows (time range first: zone maps prune the scan)
        tmin, tmax = con.execute("SELECT min(time), max(time) FROM _new").fetchall()[0]
        sup = con.execute(
            f"""
            SELECT n.file_idx, o.batch_id, count(*), count(*) FILTER (WHERE {differs})
            FROM (SELECT * FROM air_hourly WHERE time BETWEEN ? AND ?) o
            JOIN _new n USING (station_code, time)
            GROUP BY ALL ORDER BY 1, 2
            """, [tmin, tmax]).fetchall() if tmin is not None else []
        sup_rows = [(base + f, old, k, ch) for f, old, k, ch in sup]
        sup_rows += [(base + nf, base + of, k, ch) for nf, of, k, ch in inner]
        if sup:
            con.execute(
                "DELETE FROM air_hourly WHERE time BETWEEN ? AND ? AND (station_code, time) IN "
                "(SELECT (station_code, time) FROM _new)", [tmin, tmax])
        for b, old, k, ch in sup_rows:
            con.execute("INSERT INTO batch_supersession VALUES (?, ?, ?, ?)", [b, old, k, ch])
            summaries[b - base].superseded.append(
                {"batch_id": old, "rows_replaced": k, "rows_changed": ch})
        con.execute(f"INSERT INTO air_hourly ({', '.join(STORE_COLUMNS)}) "
                    f"SELECT {', '.join(STORE_COLUMNS)} FROM _new ORDER BY time, station_code")
        # the materialised daily rows of the days touched, in this same transaction
        from qingshan.air import daily
        daily.update_days(con, [r[0] for r in con.execute(
            "SELECT DISTINCT CAST(time - INTERVAL 1 HOUR AS DATE) FROM _new").fetchall()])
        con.execute("DROP TABLE _new")
        con.execute("DROP TABLE _dupk")
        for info, s in zip(infos, summaries):
            record_batch(con, s.batch_id, kind, info, s, started)
    finally:
        con.unregister("_in")
    secs = _time.perf_counter() - t0
    for s in summaries:
        s.seconds = secs / max(len(summaries), 1)
    return summaries
