"""``qingshan water …``: classify files, assess periods, load water data (thin over services)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from qingshan.cli.common import DbOpt, ProvinceOpt, console, err_console, fail, open_store, \
    print_summaries
from qingshan.config import get_settings
from qingshan.core.exportsafe import write_csv, write_excel
from qingshan.core.ingest.errors import IngestError
from qingshan.water.ingest.load import (
    ingest_coastal_points, ingest_coastal_samples, ingest_water_auto, ingest_water_samples,
    ingest_water_sections,
)
from qingshan.store import connect
from qingshan.water.service import (
    classify_file, coastal_assessment, water_assessment, water_means,
)

__all__ = ["app"]

app = typer.Typer(help="Surface water (GB 3838-2002, 环办〔2011〕22号) and coastal water "
                       "(GB 3097-1997).", no_args_is_help=True)
ingest_app = typer.Typer(help="Load water data (atomic, idempotent, with provenance).",
                         no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")


def _write(df: pd.DataFrame, output: Path) -> None:
    """Write ``df`` as .xlsx or CSV (UTF-8 with BOM), formula-safe (core.exportsafe)."""
    if output.suffix.lower() == ".xlsx":
        write_excel(df, output)
    else:
        write_csv(df, output, encoding="utf-8-sig")


def _print_df(df: pd.DataFrame, title: str, cols: list[str] | None = None,
              limit: int = 60) -> None:
    t = Table(title=title)
    cols = [c for c in (cols or list(df.columns)) if c in df.columns]
    for c in cols:
        t.add_column(c)
    for row in df[cols].head(limit).itertuples(index=False):
        t.add_row(*["" if pd.isna(v) else f"{v:.1f}" if isinstance(v, float) else str(v)
                    for v in row])
    console.print(t)
    if len(df) > limit:
        console.print(f"… {len(df) - limit} more rows (use --output to get all)")


@app.command("classify")
def classify_cmd(
    input: Annotated[Path, typer.Option("--input", "-i", help="automatic-station CSV or long "
                                        "samples CSV (UTF-8 or GBK)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV (UTF-8 with BOM) or .xlsx")],
    sections: Annotated[Path | None, typer.Option("--sections", help="section table CSV giving "
                                                  "river/lake per section")] = None,
    db: DbOpt = None,
) -> None:
    """Add class_computed (1–6), class_items and exceed to every record of a file.

    Sections whose water body is unknown (not in the file, the --sections table or the store's
    section table) are classified with river limits and the output says so.

    Example: qingshan water classify --input auto_2021.csv --output auto_2021_classified.csv
    """
    con = None
    path = db if db is not None else get_settings().db
    if Path(path).exists():  # the store's section table, read only; never creates a store
        try:
            con = connect(path, read_only=True)
        except Exception as e:  # e.g. locked by a running server: go on without it
            err_console.print(f"[yellow]store {path} not readable ({e}); section table from "
                              "--sections only[/yellow]")
    try:
        out, meta = classify_file(input, None, con=con, sections_path=sections)
        _write(out, output)
    except (IngestError, OSError, ValueError) as e:
        fail(e, stored=False)
    console.print(f"{meta['records']} records ({meta['format']} format), {meta['classified']} "
                  f"classified; written to {output}")
    if meta["assumed_river"]:
        console.print(f"[yellow]{meta['assumed_river']} rows: water body unknown (section not in "
                      "the section table) — river limits applied[/yellow]")


@app.command("assess")
def assess_cmd(
    period: Annotated[str, typer.Option("--period", help="year 2024, month 2024-07, quarter "
                                        "2024-Q3, half-year 2024-H1 or run of months "
                                        "2024-01..2024-05")],
    level: Annotated[str, typer.Option("--level", help="section | city | basin | province | "
                                       "coastal-point | coastal-city | coastal-province | means")
                     ] = "section",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write CSV/XLSX")] = None,
    source: Annotated[str, typer.Option(help="prefer_manual | manual | auto | all")
                      ] = "prefer_manual",
    db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """Assess sections, cities, basins or the province over a period (mean of its samples,
    环办〔2011〕22号 §2.2; a quarter needs two samplings), with the change against the same
    period of the previous year.

    Example: qingshan water assess --db qingshan.duckdb --period 2024-H1 --level city
    """
    con, _, _ = open_store(db, province, read_only=True)   # shared: runs beside a server
    try:
        if level.startswith("coastal-"):
            df = coastal_assessment(con, period, level.removeprefix("coastal-"))
        elif level == "means":
            df = water_means(con, period, source=source)
        else:
            df = water_assessment(con, period, level, source=source)
    except ValueError as e:
        fail(e, stored=False)
    if output is not None:
        _write(df, output)
        console.print(f"{len(df)} rows written to {output}")
    cols = {"section": ["code", "name", "city", "water_body", "target_class", "class_computed",
                        "grade", "main_pollutants", "meets_target", "change"],
            "means": ["section_code", "label", "value", "n", "n_below_detection"]}.get(
        level, None if level.startswith("coastal") else
        ["group_key", "name", "n_sections", "excellent_pct", "inferior_v_pct", "grade",
         "main_pollutants", "drinking_rate_count", "drinking_rate_volume", "change"])
    _print_df(df, f"Water {level} {period}", cols)


@ingest_app.command("sections")
def ingest_sections_cmd(file: Path, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Load the section table (code,name,basin,river,water_body,city,control_level,
    drinking_source,supply_volume,target_class[,target_YYYY],lon,lat).

    Example: qingshan water ingest sections water_sections.csv
    """
    con, _, _ = open_store(db, province)
    try:
        s = ingest_water_sections(con, file)
    except (IngestError, OSError) as e:
        fail(e)
    print_summaries([s], "Water sections")


@ingest_app.command("samples")
def ingest_samples_cmd(files: list[Path], db: DbOpt = None, province: ProvinceOpt = None,
                       skip_unknown: Annotated[bool, typer.Option(
                           help="skip rows of unknown sections instead of failing")] = False
                       ) -> None:
    """Load long manual samples (section, date, parameter, value[, unit, detection_limit]).

    Example: qingshan water ingest samples water_samples_2024.csv
    """
    con, _, _ = open_store(db, province)
    try:
        res = ingest_water_samples(con, files, unknown_sections="skip" if skip_unknown
                                   else "error")
    except (IngestError, OSError) as e:
        fail(e)
    print_summaries(res, "Water samples")


@ingest_app.command("auto")
def ingest_auto_cmd(files: list[Path], db: DbOpt = None, province: ProvinceOpt = None,
                    strict_sections: Annotated[bool, typer.Option(
                        help="fail on sections missing from the section table")] = False) -> None:
    """Load automatic-station files (抓取年份,省份,流域,断面名称,监测时间,水质类别,…).

    Example: qingshan water ingest auto water_auto_2024.csv
    """
    con, _, _ = open_store(db, province)
    try:
        res = ingest_water_auto(con, files, unknown_sections="error" if strict_sections
                                else "register")
    except (IngestError, OSError) as e:
        fail(e)
    print_summaries(res, "Automatic stations")


@ingest_app.command("coastal-points")
def ingest_cpoints_cmd(file: Path, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Load coastal points (code,name,city,zone_class,area_km2,lon,lat).

    Example: qingshan water ingest coastal-points coastal_points.csv
    """
    con, _, _ = open_store(db, province)
    try:
        s = ingest_coastal_points(con, file)
    except (IngestError, OSError) as e:
        fail(e)
    print_summaries([s], "Coastal points")


@ingest_app.command("coastal-samples")
def ingest_csamples_cmd(files: list[Path], db: DbOpt = None, province: ProvinceOpt = None
                        ) -> None:
    """Load long coastal samples (point, date, parameter, value[, unit, detection_limit]).

    Example: qingshan water ingest coastal-samples coastal_samples_2024.csv
    """
    con, _, _ = open_store(db, province)
    try:
        res = ingest_coastal_samples(con, files)
    except (IngestError, OSError) as e:
        fail(e)
    print_summaries(res, "Coastal samples")
