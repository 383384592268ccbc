"""``qingshan export …`` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qingshan.cli.common import DbOpt, console, open_store
from qingshan.air.export import export_hourly

app = typer.Typer(help="Export stored data for exchange.", no_args_is_help=True)


@app.command("hourly")
def hourly_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="file (csv) or folder (parquet, "
                                                                "partitioned by year/month)")],
    format: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
    start: Annotated[str | None, typer.Option("--from", help="first time, e.g. 2019-01-01")] = None,
    end: Annotated[str | None, typer.Option("--to", help="last time (inclusive)")] = None,
    db: DbOpt = None,
) -> None:
    """Export the hourly air table (canonical units, hour-ending Beijing time, batch ids).

    Example: qingshan export hourly --format parquet --output hourly/
    """
    if format not in ("parquet", "csv"):
        raise typer.BadParameter("format must be parquet or csv")
    con, _, _ = open_store(db, read_only=True)   # shared: runs beside a server
    n = export_hourly(con, output, format, start, end)
    console.print(f"exported {n} station-hours to {output}")
