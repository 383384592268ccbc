"""Export of the hourly air table (Parquet partitioned by year/month, or CSV).

The CSV file is formula-safe (:mod:`qingshan.core.exportsafe`: a station code such as
``=cmd|…`` is written ``'=cmd|…``). Parquet is not escaped: it is typed data for data tools
(Spark, DuckDB, pandas), not opened by spreadsheets, and must read back unchanged.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb

from qingshan.core.exportsafe import duckdb_to_csv

__all__ = ["export_hourly"]


def export_hourly(con: duckdb.DuckDBPyConnection, output: str | Path, fmt: str = "parquet",
                  start: str | None = None, end: str | None = None) -> int:
    """Write ``air_hourly`` (optionally a time range) and return the row count.

    Parquet goes to a folder partitioned ``year=YYYY/month=M`` (the layout Spark and DuckDB read
    with hive partitioning); CSV to one file, formula-safe (see the module docstring).
    """
    where, params = [], []
    if start:
        where.append("time >= CAST(? AS TIMESTAMP)")
        params.append(start)
    if end:
        where.append("time <= CAST(? AS TIMESTAMP)")
        params.append(end)
    w = ("WHERE " + " AND ".join(where)) if where else ""
    out = Path(output)
    n = con.execute(f"SELECT count(*) FROM air_hourly {w}", params).fetchall()[0][0]
    q = (f"SELECT *, year(time) AS year, month(time) AS month FROM air_hourly {w} "
         "ORDER BY station_code, time")
    if fmt == "parquet":
        out.mkdir(parents=True, exist_ok=True)
        # streamed through Arrow: the path never enters SQL text
        import pyarrow.dataset as ds
        reader = con.execute(q, params).to_arrow_reader(1_000_000)
        ds.write_dataset(reader, out, format="parquet", partitioning=["year", "month"],
                         partitioning_flavor="hive", existing_data_behavior="overwrite_or_ignore",
                         basename_template=f"part-{{i}}-{uuid.uuid4().hex[:8]}.parquet")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        duckdb_to_csv(con, f"SELECT * FROM air_hourly {w} ORDER BY station_code, time", out,
                      params)
    return n
