"""Synthetic, reproducible air-quality data for demos, tests and benchmarks.

* :func:`generate_stations` — a station list in the national format (province or national scale);
* :func:`generate_hourly` — hourly concentrations with seasonal, diurnal, weather and episode
  structure, realistic missing data and a few faulty values;
* :func:`write_station_list`, :func:`write_cnemc_daily` — files in the national formats that
  ``qingshan.air.ingest`` reads.

The data are invented (station codes start with ``S``); never use them as real measurements.
"""

from qingshan.air.synth.cnemc import TYPE_ROWS, write_cnemc_daily
from qingshan.air.synth.hourly import POLLUTANTS, generate_hourly
from qingshan.air.synth.stations import (
    CITY_CENTRES, STATION_COLUMNS, generate_stations, write_station_list,
)

__all__ = [
    "CITY_CENTRES", "POLLUTANTS", "STATION_COLUMNS", "TYPE_ROWS", "generate_hourly",
    "generate_stations", "write_cnemc_daily", "write_station_list",
]
