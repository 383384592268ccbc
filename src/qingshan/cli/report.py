"""``qingshan report …`` commands: bulletins as HTML, PDF or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qingshan.cli.common import DbOpt, ProvinceOpt, console, end_quickly, open_store

__all__ = ["app"]

app = typer.Typer(help="Bulletins (HTML, PDF, Excel) from the stored data.", no_args_is_help=True)


@app.command("air")
def air_cmd(
    period: Annotated[str, typer.Option("--period", help="2019-08 (month), 2019-Q3 (quarter), "
                                                         "2019-H1 (half-year), 2019 (year) or "
                                                         "2019-01..2019-05 (run of months)")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="file to write (default: air-<period>-<lang>.<format>)")] = None,
    format: Annotated[str, typer.Option("--format", help="html, pdf or xlsx")] = "html",
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    city: Annotated[str | None, typer.Option("--city", help="city code or name for the daily "
                                                            "AQI calendar and monthly trends "
                                                            "(default: the province)")] = None,
    db: DbOpt = None,
    province: ProvinceOpt = None,
) -> None:
    """Air-quality bulletin for a month, quarter, half-year, year or run of months.

    Example: qingshan report air --period 2019-03 --format pdf --output bulletin-2019-03.pdf
    """
    from qingshan.reports import FORMATS, build_air_report, write_report

    if format not in FORMATS:
        raise typer.BadParameter(f"format must be one of {', '.join(FORMATS)}")
    if lang not in ("zh", "en"):
        raise typer.BadParameter("lang must be zh or en")
    output = output or Path(f"air-{period.replace('..', '_')}-{lang}.{format}")
    # refusals before any work: the store must exist (never create one), the output must be
    # writable, a PDF needs a CJK font
    from qingshan.config import get_settings
    from qingshan.reports.checks import ReportRefused, check_fonts, check_output

    try:
        store = Path(get_settings(db=db, province=province).db)
        if not store.is_file():
            raise ReportRefused(f"no store at {store}: give the path of an existing store "
                                f"with --db (a bulletin never creates one)")
        check_output(output)
        if format == "pdf":
            check_fonts()
    except ReportRefused as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    con, _, prov = open_store(db, province, read_only=True)   # shared: beside a server
    try:
        with console.status(f"assessing {period} …"):
            try:
                report = build_air_report(con, period, city=city, lang=lang, province=prov,
                                          render=format,   # charts start early, once
                                          settings=get_settings(db=str(store)))
            except (KeyError, ValueError) as exc:
                console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(1) from None
        with console.status(f"writing {format} …"):
            path = write_report(report, format, output)
    finally:
        con.close()
    console.print(f"wrote {report.title} {report.subtitle} ({format}) to {path}")
    end_quickly()      # the bulletin is written: the console command ends without teardown
