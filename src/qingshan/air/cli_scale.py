"""``qingshan air scale``: the city ranking computed over Parquet on a chosen backend."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from qingshan.cli.common import DbOpt, ProvinceOpt, console, open_store


def scale_cmd(
    hourly: Annotated[Path, typer.Option("--hourly", help="Parquet file or hive-partitioned "
                                         "folder in the air_hourly layout (qingshan export "
                                         "hourly --format parquet)")],
    period: Annotated[str, typer.Option("--period", help="2025, 2025-Q3, 2025-H1, 2025-08 or "
                                                         "2025-01..2025-05")],
    output: Annotated[Path, typer.Option("--output", "-o", help="ranking as .csv or .parquet")],
    backend: Annotated[str, typer.Option("--backend", help="duckdb (default) or spark")] =
    "duckdb",
    spark_master: Annotated[str | None, typer.Option(help="Spark master URL (default "
                                                          "$QINGSHAN_SPARK_MASTER or local[*])")]
    = None,
    db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """City ranking of a period computed by the engine's SQL over Parquet, on DuckDB or Spark.

    The evaluation stations of each city come from the store (--db) and the province config.
    Example: qingshan air scale --hourly hourly/ --period 2025 --backend spark -o ranking.csv
    """
    from qingshan.backends import get_backend
    from qingshan.air.plan import run_assessment
    from qingshan.air.service import parse_period

    if backend not in ("duckdb", "spark"):
        raise typer.BadParameter("backend must be duckdb or spark")
    per = parse_period(period)
    con, _, prov = open_store(db, province)
    members = con.sql("SELECT city_code, station_code FROM city_station").to_arrow_table()
    con.close()
    t0 = time.perf_counter()
    opts = {"master": spark_master} if backend == "spark" and spark_master else {}
    with get_backend(backend, **opts) as be:
        be.register("hourly", hourly)
        be.register("members", members)
        with console.status(f"assessing on {backend}") as status:
            run_assessment(be, "hourly", "members", per,
                           code_col="station_code", weights=prov.composite_weights,
                           on_step=lambda s: status.update(f"{backend}: {s} done"))
        df = be.df("SELECT * FROM ranking ORDER BY rank, code")
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix == ".parquet":
        df.to_parquet(output, index=False)
    else:
        from qingshan.core.exportsafe import write_csv
        write_csv(df, output)
    console.print(f"{len(df)} cities ranked for {per.label} on {backend} in "
                  f"{time.perf_counter() - t0:.1f} s → {output}")
