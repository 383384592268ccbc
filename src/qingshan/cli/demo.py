"""``qingshan demo``: the main job on the embedded default."""

from __future__ import annotations

import calendar
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from qingshan.cli.common import DbOpt, ProvinceOpt, console, open_store
from qingshan.air.service import city_ranking
from qingshan.air.demo import load_demo
from qingshan.water.service import water_summary
from qingshan.water.demo import generate_water_demo

#: (header, column) of the printed ranking; the full table is `qingshan air assess`
_RANK_COLS = [("#", "rank"), ("city", None), ("PM2.5", "pm25"), ("PM10", "pm10"),
              ("O3-8h P90", "o3_8h_p90"), ("good %", "good_day_ratio"), ("heavy", "heavy_days"),
              ("index", "composite_index"), ("YoY %", "composite_index_yoy_pct"),
              ("primary", "primary_pollutant")]


def _fmt(v) -> str:
    if v is None or v != v:
        return "—"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _demo_ledgers(settings, prov) -> None:
    """The operational-store domains' synthetic demo ledgers (carbon: Weihai's 12 power
    companies and 11 products; governance: every city's cases), each labelled synthetic."""
    from qingshan.accounts.authz import Actor
    from qingshan.carbon import ledger
    from qingshan.carbon.demo import demo_data
    from qingshan.governance.demo import load_demo
    from qingshan.store import ops
    t0 = time.perf_counter()
    from qingshan.carbon.demo import CITY
    if any(c.code == CITY for c in prov.cities):     # the carbon demo is Weihai's companies
        ledger.save(demo_data(), Actor.system("carbon-demo"), settings,
                    source="synthetic demo", action="demo")
    with ops.session_scope(ops.database_url(settings)) as s:
        gov = load_demo(s, prov)
    console.print(f"carbon and governance: SYNTHETIC demo ledgers stored ({len(gov)} cities' "
                  f"governance cases); {time.perf_counter() - t0:.1f} s")


def _demo_users(settings, prov, workdir: Path) -> None:
    """The accounts domain's demo users, and how to log in."""
    from qingshan.core.registry import domain, load
    from qingshan.store import ops
    rows = load(domain("accounts").parts["demo"])(ops.database_url(settings), prov, workdir)
    t = Table(title="demo users (log in at http://127.0.0.1:8000/login; passwords also in "
                    f"{workdir / 'demo-logins.txt'})", title_justify="left")
    for c in ("user", "password", "role", "unit"):
        t.add_column(c, no_wrap=True)
    for r in rows:
        t.add_row(*r)
    console.print(t)


def demo_cmd(
    db: DbOpt = None, province: ProvinceOpt = None,
    year: Annotated[int, typer.Option(help="demo year (the year before is generated too, for "
                                           "year-on-year change)")] = 2025,
    workdir: Annotated[Path, typer.Option(help="where the synthetic files are written")] =
    Path("demo-output"),
    seed: Annotated[int, typer.Option(help="random seed")] = 2025,
    through: Annotated[str | None, typer.Option(
        help="also generate the months after --year up to this month (YYYY-MM), so the "
             "2026 transition year is in the store; 'none' for the two years only")] = "2026-10",
) -> None:
    """Build a synthetic province, ingest it through the real ingest path, assess it.

    Air: hourly station data from January of the year before ``--year`` to the end of
    ``--through`` (default 2024-01 … 2026-10: the 2026 transition year is always there),
    written as national-network archive files; water: sections, samples and coastal points;
    users of every role; carbon and governance ledgers. Prints the ranking of ``--year``.

    Example: qingshan demo --db demo.duckdb
    """
    t0 = time.perf_counter()
    con, settings, prov = open_store(db, province)
    years, until = [year - 1, year], None
    if through and through.lower() != "none":
        try:
            ty, tm = (int(x) for x in through.split("-"))
            until = date(ty, tm, calendar.monthrange(ty, tm)[1])
        except ValueError:
            raise typer.BadParameter(f"{through!r} is not a month YYYY-MM",
                                     param_hint="--through") from None
        if until.year < year:
            raise typer.BadParameter("must not be before --year", param_hint="--through")
        years = list(range(year - 1, until.year + 1))
    console.print(f"[bold]qingshan demo[/bold] — synthetic {prov.name_zh} ({prov.name_en}), "
                  f"{len(prov.cities)} cities, {years[0]}-01 – "
                  f"{until.strftime('%Y-%m') if until else f'{years[-1]}-12'}, store {settings.db}")
    with Progress(transient=True) as bar:
        task = bar.add_task("generating air data", total=None)
        res = load_demo(con, prov, workdir, years, seed,
                        progress=lambda name: bar.update(task, description=f"ingest {name}"),
                        until=until)
        bar.update(task, description="generating water data")
        generate_water_demo(con, prov, year, folder=workdir / "water")
    loaded = [s for s in res.summaries if s.outcome == "loaded" and s.kind != "stations"]
    console.print(
        f"air: {res.station_count} stations, {res.files} archive files "
        f"({len(loaded)} loaded now, {res.files - len(loaded)} already loaded), "
        f"{sum(s.rows_stored for s in loaded):,} station-hours stored, "
        f"{sum(s.rows_flagged for s in loaded):,} flagged; generate "
        f"{res.seconds['generate']:.1f} s, ingest {res.seconds['ingest']:.1f} s")
    t1 = time.perf_counter()
    rank = city_ranking(con, str(year), prov)
    t2 = time.perf_counter()
    table = Table(title=f"{prov.name_zh} {year} 城市环境空气质量排名 city ranking\n"
                        f"{rank['standard'].iloc[0]}", title_justify="left")
    for name, _ in _RANK_COLS:
        table.add_column(name, justify="left" if name in ("city", "primary") else "right",
                         no_wrap=True)
    for r in rank.itertuples():
        table.add_row(*[r.name_zh if col is None else _fmt(getattr(r, col))
                        for _, col in _RANK_COLS])
    console.print(table)
    console.print(f"city ranking: {t2 - t1:.1f} s (µg/m³, CO mg/m³; index = comprehensive index, "
                  "unweighted; full table: qingshan air assess)")
    ws = water_summary(con, year)
    console.print("[bold]water[/bold]: " + "; ".join(ws.lines()[:3]))
    con.close()
    _demo_users(settings, prov, workdir)
    _demo_ledgers(settings, prov)
    console.print(f"demo finished in {time.perf_counter() - t0:.1f} s. See it in a browser: "
                  f"[bold]qingshan serve --db {settings.db}[/bold] then open "
                  "http://127.0.0.1:8000/")
