"""The main job on the embedded default: a synthetic province, loaded through the real ingest
path (station list file + national-network daily CSV archive), then assessed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from qingshan.config.province import ProvinceConfig
from qingshan.air.ingest import ingest_cnemc, ingest_stations
from qingshan.store.batches import BatchSummary
from qingshan.air.synth import generate_hourly, generate_stations, write_cnemc_daily, write_station_list

__all__ = ["DemoResult", "build_demo_files", "load_demo"]


@dataclass
class DemoResult:
    year: int
    station_count: int
    files: int
    summaries: list[BatchSummary] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def build_demo_files(province: ProvinceConfig, workdir: Path, years: list[int], seed: int = 2025,
                     until: date | None = None) -> tuple[Path, list[Path], int]:
    """Write the synthetic station list and daily archive files for ``years``.

    The archive covers the natural days of the years, i.e. stamps up to Jan 1 00:00 of the
    following year (hour-ending convention), as the real archive does; a year containing
    ``until`` ends with that natural day (a year in progress, as on the day a bulletin is made).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    stations = generate_stations(province, seed=seed)
    st_path = write_station_list(stations, workdir / "stations.csv")
    files: list[Path] = []
    for y in years:
        end = min(date(y, 12, 31), until) if until is not None and until.year == y \
            else date(y, 12, 31)
        hourly = generate_hourly(stations, date(y, 1, 1), end, seed=seed + y)
        files += write_cnemc_daily(hourly, workdir / f"archive-{y}")
    return st_path, files, len(stations)


def load_demo(con: duckdb.DuckDBPyConnection, province: ProvinceConfig, workdir: Path,
              years: list[int], seed: int = 2025,
              progress: Callable[[str], None] | None = None,
              until: date | None = None) -> DemoResult:
    """Generate the demo files and ingest them exactly as real files are ingested (the last
    year up to ``until``, when given)."""
    t0 = time.perf_counter()
    st_path, files, n_st = build_demo_files(province, workdir, years, seed, until)
    t1 = time.perf_counter()
    res = DemoResult(year=years[-1], station_count=n_st, files=len(files))
    res.summaries.append(ingest_stations(con, st_path, province))
    res.summaries += ingest_cnemc(con, files, progress=progress)
    # the store now holds generated data: every bulletin of it says so (qingshan.store.meta)
    from qingshan.store.meta import mark_synthetic
    last = until.isoformat() if until is not None else f"{years[-1]}-12-31"
    mark_synthetic(con, f"air: qingshan.air.synth, seed {seed}, {years[0]}-01-01 … {last}")
    t2 = time.perf_counter()
    res.seconds = {"generate": t1 - t0, "ingest": t2 - t1}
    return res
