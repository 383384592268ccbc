"""``qingshan demo``: the main job on the embedded default."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from qingshan.cli.common import DbOpt, ProvinceOpt, console, open_store
from qingshan.services.demo import load_demo


def demo_cmd(
    db: DbOpt = None, province: ProvinceOpt = None,
    year: Annotated[int, typer.Option(help="demo year (the year before is generated too, for "
                                           "year-on-year change)")] = 2025,
    workdir: Annotated[Path, typer.Option(help="where the synthetic files are written")] =
    Path("demo-output"),
    seed: Annotated[int, typer.Option(help="random seed")] = 2025,
) -> None:
    """Build a synthetic province from the config, ingest it through the real ingest path, assess
    it and print the city ranking.

    Example: qingshan demo --db demo.duckdb
    """
    from qingshan.services.air import city_ranking

    t0 = time.perf_counter()
    con, settings, prov = open_store(db, province)
    years = [year - 1, year]
    console.print(f"[bold]qingshan demo[/bold] — synthetic {prov.name_zh} ({prov.name_en}), "
                  f"{len(prov.cities)} cities, years {years[0]}–{years[-1]}, store {settings.db}")
    with Progress(transient=True) as bar:
        task = bar.add_task("generating and ingesting", total=None)
        res = load_demo(con, prov, workdir, years, seed,
                        progress=lambda name: bar.update(task, description=f"ingest {name}"))
    loaded = [s for s in res.summaries if s.outcome == "loaded"]
    console.print(
        f"stations: {res.station_count}; archive files: {res.files} "
        f"({len(loaded)} loaded, {len(res.summaries) - len(loaded)} already loaded); "
        f"station-hours stored: {sum(s.rows_stored for s in loaded if s.kind != 'stations'):,}; "
        f"flagged: {sum(s.rows_flagged for s in loaded if s.kind != 'stations'):,}; "
        f"generate {res.seconds['generate']:.1f} s, ingest {res.seconds['ingest']:.1f} s")
    t1 = time.perf_counter()
    rank = city_ranking(con, str(year), prov)
    t2 = time.perf_counter()
    table = Table(title=f"{prov.name_zh} {year} 城市环境空气质量排名 / city ranking "
                        f"({rank['standard'].iloc[0]})")
    cols = [("rank", "rank"), ("city", None), ("PM2.5", "pm25"), ("PM10", "pm10"),
            ("SO2", "so2"), ("NO2", "no2"), ("CO P95", "co_p95"), ("O3-8h P90", "o3_8h_p90"),
            ("good days %", "good_day_ratio"), ("heavy days", "heavy_days"),
            ("composite", "composite_index"), ("YoY %", "composite_index_yoy_pct"),
            ("primary", "primary_pollutant")]
    for name, _ in cols:
        table.add_column(name, justify="left" if name in ("city", "primary") else "right")
    for r in rank.itertuples():
        cells = []
        for name, col in cols:
            if col is None:
                cells.append(f"{r.name_zh} {r.name_en}")
                continue
            v = getattr(r, col)
            cells.append("—" if v is None or v != v else
                         (f"{v:g}" if isinstance(v, float) else str(v)))
        table.add_row(*cells)
    console.print(table)
    console.print(f"assessment of {len(rank)} cities: {t2 - t1:.1f} s; "
                  f"demo total {time.perf_counter() - t0:.1f} s")
    con.close()
