"""``qingshan ingest …`` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from qingshan.cli.common import DbOpt, ProvinceOpt, fail, open_store, print_summaries
from qingshan.air.ingest import IngestError, expand_paths, ingest_cnemc, ingest_stations, ingest_table
from qingshan.air.ingest.table import parse_map

app = typer.Typer(help="Load data into the store (atomic, idempotent, with provenance).",
                  no_args_is_help=True)


@app.command("stations")
def stations_cmd(file: Path, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Load the national station list (GBK or UTF-8).

    Example: qingshan ingest stations ../shared/data/stations/NewSiteList.csv
    """
    con, _, prov = open_store(db, province)
    try:
        s = ingest_stations(con, file, prov)
    except (IngestError, OSError) as e:
        fail(e)
    print_summaries([s], "Station list")


@app.command("cnemc")
def cnemc_cmd(
    paths: Annotated[list[Path], typer.Argument(help="files or folders of china_sites_*.csv / "
                                                     "china_cities_*.csv")],
    db: DbOpt = None, province: ProvinceOpt = None,
    register_unknown: Annotated[bool, typer.Option(help="add stations missing from the station "
                                                        "list instead of failing")] = False,
    strict: Annotated[bool, typer.Option(help="fail on quality flags (negative, implausible, "
                                              "duplicated hour) instead of flagging")] = False,
) -> None:
    """Load national-network daily archive files (one transaction for all files).

    Example: qingshan ingest cnemc ../shared/data/cnemc-sites-2019H1-shandong/
    """
    con, _, _ = open_store(db, province)
    try:
        files = expand_paths(paths)
        with Progress(transient=True) as bar:
            task = bar.add_task("ingesting", total=len(files))
            res = ingest_cnemc(con, files, unknown_stations="register" if register_unknown
                               else "error", quality="error" if strict else "flag",
                               progress=lambda _: bar.advance(task))
    except (IngestError, OSError) as e:
        fail(e)
    print_summaries(res, "National-network archive")


@app.command("table")
def table_cmd(
    files: Annotated[list[Path], typer.Argument(help="CSV, Parquet or Excel files")],
    map: Annotated[str, typer.Option("--map", help="canonical=source[:unit],… e.g. "
                                     "station=station,year=year,month=month,day=day,hour=hour,"
                                     "pm25=PM2.5,co=CO:ug/m3")],
    long: Annotated[bool, typer.Option("--long", help="long table: station, time, pollutant, "
                                       "value[, unit]")] = False,
    hour_beginning: Annotated[bool, typer.Option(help="source stamps hours at their start "
                                                      "(stored +1 h, hour-ending)")] = False,
    register_unknown: Annotated[bool, typer.Option(help="add unknown stations")] = False,
    strict: Annotated[bool, typer.Option(help="fail on quality flags")] = False,
    db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """Load a generic hourly table through a column map, converting units once.

    Example: qingshan ingest table PRSA_Data_Dongsi_20130301-20170228.csv --register-unknown
    --map station=station,year=year,month=month,day=day,hour=hour,pm25=PM2.5,pm10=PM10,
    so2=SO2,no2=NO2,o3=O3,co=CO:ug/m3
    """
    try:
        mapping = parse_map(map)
    except ValueError as e:
        fail(e)
    con, _, _ = open_store(db, province)
    try:
        with Progress(transient=True) as bar:
            task = bar.add_task("ingesting", total=len(files))
            res = ingest_table(con, files, mapping, long=long, hour_beginning=hour_beginning,
                               unknown_stations="register" if register_unknown else "error",
                               quality="error" if strict else "flag",
                               progress=lambda _: bar.advance(task))
    except (IngestError, OSError) as e:
        fail(e)
    print_summaries(res, "Table")
