"""``qingshan air …`` commands (shared group; other air commands are appended below)."""

from __future__ import annotations

import typer

from qingshan.air.cli_aqi import aqi_cmd

__all__ = ["app"]

app = typer.Typer(help="Air quality: AQI, hourly data, assessment.", no_args_is_help=True)

app.command("aqi")(aqi_cmd)


# --- qingshan air hourly | assess (HJ 663 statistics and assessment; services.air) ------------
from datetime import date as _date  # noqa: E402
from pathlib import Path as _Path  # noqa: E402
from typing import Annotated as _A  # noqa: E402

from rich.progress import Progress as _Progress, SpinnerColumn as _Spin, TextColumn as _Text  # noqa: E402
from rich.table import Table as _Table  # noqa: E402

from qingshan.cli.common import DbOpt, ProvinceOpt, console, err_console, open_store  # noqa: E402
from qingshan.core.exportsafe import write_csv as _write_csv  # noqa: E402


def _open(db, province):
    try:
        return open_store(db, province, read_only=True)
    except typer.Exit:      # open_store printed its one line (store busy: exit 3)
        raise
    except Exception as e:  # duckdb.IOException, missing file
        err_console.print(f"[red]error:[/red] cannot open the store: {e}")
        raise typer.Exit(2) from None


def _busy(text: str) -> _Progress:
    return _Progress(_Spin(), _Text(text), transient=True, console=err_console)


@app.command("hourly")
def hourly_cmd(
    output: _A[_Path, typer.Option("--output", "-o", help="result file (.csv or .parquet)")],
    db: DbOpt = None, province: ProvinceOpt = None,
    level: _A[str, typer.Option(help="station or city")] = "station",
    start: _A[str | None, typer.Option("--from", help="first natural day, YYYY-MM-DD "
                                       "(default: first day with data)")] = None,
    end: _A[str | None, typer.Option("--to", help="last natural day (default: last with data)")]
    = None,
    code: _A[list[str] | None, typer.Option("--code", help="station/city code (repeatable)")]
    = None,
    definition: _A[str, typer.Option(help="cnemc (default) or literal (HJ 633-2012 Table 4)")]
    = "cnemc",
) -> None:
    """Hourly (real-time) AQI computed from the stored concentrations, never the published AQI.

    Columns: code, time, aqi, primary_pollutant, category.

    Example: qingshan air hourly --db qingshan.duckdb --level city --from 2019-01-01 \
    --to 2019-01-31 --output jan.csv
    """
    from qingshan.air.service import hourly_aqi

    if level not in ("station", "city"):
        raise typer.BadParameter("--level must be station or city")
    if output.suffix.lower() not in (".csv", ".parquet"):
        raise typer.BadParameter(f"{output}: expected a .csv or .parquet file")
    con, _, prov = _open(db, province)
    if start is None or end is None:
        lo, hi = con.sql("SELECT CAST(min(time) - INTERVAL 1 HOUR AS DATE), "
                         "CAST(max(time) - INTERVAL 1 HOUR AS DATE) FROM air_hourly").fetchall()[0]
        if lo is None:
            err_console.print("[red]error:[/red] the store holds no hourly air data")
            raise typer.Exit(2)
        start, end = start or lo.isoformat(), end or hi.isoformat()
    try:
        with _busy("computing hourly AQI"):
            df = hourly_aqi(con, level, code or None, _date.fromisoformat(start),
                            _date.fromisoformat(end), definition, province=prov)
    except ValueError as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None
    df = df[["code", "time", "aqi", "primary_pollutant", "category"]]
    if output.suffix.lower() == ".parquet":
        df.to_parquet(output, index=False)
    else:
        _write_csv(df, output)   # formula-safe (core.exportsafe)
    typer.echo(f"wrote {len(df)} rows to {output}")


_TABLE_COLS = [("rank", "rank"), ("name_zh", "name"), ("pm25", "PM2.5"), ("pm10", "PM10"),
               ("so2", "SO2"), ("no2", "NO2"), ("co_p95", "CO-95per"), ("o3_8h_p90", "O3-8h-90per"),
               ("good_day_ratio", "good %"), ("heavy_days", "heavy d"),
               ("composite_index", "index"), ("composite_index_weighted", "index (w)"),
               ("primary_pollutant", "primary"), ("compliant", "compliant"), ("valid", "valid")]


def _cell(r, col: str) -> str:
    """One cell of the assess table: the insufficient-data rank as "n*", compliance as
    yes / no / cannot be judged (annual periods; "—" otherwise)."""
    import pandas as pd
    v = getattr(r, col)
    if col == "rank" and pd.isna(v) and not pd.isna(r.rank_insufficient):
        return f"{int(r.rank_insufficient)}*"
    if col == "compliant":
        if not str(r.period).isdigit():
            return "—"
        return "cannot be judged" if pd.isna(v) else ("yes" if bool(v) else "no")
    return _fmt(v)


def _fmt(v) -> str:
    import pandas as pd
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


@app.command("assess")
def assess_cmd(
    period: _A[str, typer.Option("--period", help="2019, 2019-Q3, 2019-H1, 2019-08 or 2019-01..2019-05")],
    db: DbOpt = None, province: ProvinceOpt = None,
    level: _A[str, typer.Option(help="station, city, province or county (the county-level "
                                     "publication cities of the station list)")] = "city",
    fmt: _A[str, typer.Option("--format", help="table, csv or json")] = "table",
    output: _A[_Path | None, typer.Option("--output", "-o", help="write csv/json here "
                                          "instead of stdout")] = None,
) -> None:
    """HJ 663 assessment and ranking of a month, quarter, half-year, year or run of months.

    Statistics (PM2.5/PM10/SO2/NO2 means, CO P95, O3-8h P90), AQI day statistics, single-item and
    comprehensive indices, rank (ties shared), annual compliance, WHO 2021 levels, YoY change.

    Example: qingshan air assess --db qingshan.duckdb --period 2019-H1 --level city
    (county level: qingshan air assess --period 2019-03 --level county)
    """
    from qingshan.air.service import assess

    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("--format must be table, csv or json")
    con, _, prov = _open(db, province)
    try:
        with _busy(f"assessing {period} ({level})"):
            if level == "county":
                from qingshan.air.county import county_ranking
                df = county_ranking(con, period, prov)
            else:
                df = assess(con, period, level, prov)
    except ValueError as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None
    if not len(df) or df["data_end"].isna().all():
        err_console.print(f"[red]error:[/red] no air data for {period} in the store")
        raise typer.Exit(2)
    if fmt == "table":
        from qingshan.air.service import parse_period, period_title
        per = parse_period(period, prov)
        when = period_title(per, df["data_end"].iloc[0], "en")
        t = _Table(title=f"{prov.name_zh} {when} · {level} · {df.standard.iloc[0]}",
                   caption=f"policy: {df.policy.iloc[0]}. Ranked: valid units only; "
                           f"'rank*' ranks the units with insufficient data among themselves. "
                           f"compliant: yes / no / cannot be judged (annual, valid data only)")
        for _, head in _TABLE_COLS:
            t.add_column(head, justify="left" if head in ("name", "primary") else "right")
        for r in df.itertuples(index=False):
            t.add_row(*[_cell(r, c) for c, _ in _TABLE_COLS])
        from rich.console import Console as _Console
        (console if console.is_terminal else _Console(width=200)).print(t)
        return
    text = (_write_csv(df) if fmt == "csv" else
            df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1))
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {len(df)} rows to {output}")
    else:
        typer.echo(text)


from qingshan.air.cli_scale import scale_cmd  # noqa: E402

app.command("scale")(scale_cmd)
