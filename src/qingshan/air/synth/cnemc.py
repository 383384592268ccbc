"""Write hourly tables as national-network daily archive files ``china_sites_YYYYMMDD.csv``.

Layout as in the archive (``qingshan.air.ingest.cnemc``): header ``date,hour,type,<codes>``, 15
``type`` rows per hour in the order AQI, PM2.5, PM2.5_24h, PM10, PM10_24h, SO2, SO2_24h, NO2,
NO2_24h, O3, O3_24h, O3_8h, O3_8h_24h, CO, CO_24h. Only the six 1-hour rows carry values; the AQI
and moving-average rows are written **empty** (they are the archive's own derived figures, which
qingshan never reads as inputs; leaving them empty keeps the synthetic files free of a second,
possibly inconsistent AQI implementation).

Hour-ending convention: the stamp ``D + H hours`` is written as ``date=D, hour=H``; the last hour of
the natural day D (stamp D+1 00:00) therefore goes to the file of D+1, hour 0. Every hour present
in the input table gets its 15 rows; stations are columns in order of first appearance.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["TYPE_ROWS", "write_cnemc_daily"]

TYPE_ROWS = ["AQI", "PM2.5", "PM2.5_24h", "PM10", "PM10_24h", "SO2", "SO2_24h", "NO2",
             "NO2_24h", "O3", "O3_24h", "O3_8h", "O3_8h_24h", "CO", "CO_24h"]
_VALUE_ROWS = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "O3": "o3",
               "CO": "co"}
_US_PER_H = 3_600_000_000


def write_cnemc_daily(hourly: pa.Table, folder: str | Path) -> list[Path]:
    """Write ``hourly`` (``code, time, so2, no2, co, o3, pm10, pm25``) as daily archive files.

    Parameters
    ----------
    hourly : pyarrow.Table
        Hour-ending stamps (naive Beijing time); null = missing value (empty cell).
    folder : str or Path
        Created if needed; existing files of the same name are overwritten.

    Returns
    -------
    list of Path
        The files written, in date order.
    """
    out_dir = Path(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    if hourly.num_rows == 0:
        return []
    enc = pc.dictionary_encode(hourly["code"].combine_chunks())
    ci = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    codes = enc.dictionary.to_pylist()
    abs_h = hourly["time"].cast(pa.timestamp("us")).cast(pa.int64()).to_numpy() // _US_PER_H
    d0 = int(abs_h.min()) // 24
    n_days = int(abs_h.max()) // 24 - d0 + 1
    hi = abs_h - d0 * 24
    present = np.zeros(n_days * 24, bool)
    present[hi] = True
    grids = {}
    for col in _VALUE_ROWS.values():
        g = np.full((n_days * 24, len(codes)), np.nan)
        g[hi, ci] = hourly[col].to_numpy(zero_copy_only=False)
        grids[col] = g
    header = ("date,hour,type," + ",".join(codes) + "\n").encode("utf-8")
    opts = pacsv.WriteOptions(include_header=False, quoting_style="none")
    epoch = date(1970, 1, 1)
    files = []
    for d in range(n_days):
        hours = np.flatnonzero(present[d * 24:(d + 1) * 24])
        if len(hours) == 0:
            continue
        day = epoch + timedelta(days=d0 + d)
        block = np.full((len(codes), len(hours), len(TYPE_ROWS)), np.nan)
        for k, t in enumerate(TYPE_ROWS):
            if t in _VALUE_ROWS:
                block[:, :, k] = grids[_VALUE_ROWS[t]][d * 24 + hours].T
        block = block.reshape(len(codes), -1)
        n_rows = block.shape[1]
        cols = {
            "date": pa.array([day.strftime("%Y%m%d")] * n_rows),
            "hour": pa.array(np.repeat(hours, len(TYPE_ROWS)).astype(np.int32)),
            "type": pa.array(TYPE_ROWS * len(hours)),
        }
        for j, _code in enumerate(codes):
            cols[f"c{j}"] = pa.array(block[j], pa.float64(), mask=np.isnan(block[j]))
        path = out_dir / f"china_sites_{day.strftime('%Y%m%d')}.csv"
        with path.open("wb") as f:
            f.write(header)
            pacsv.write_csv(pa.table(cols), f, opts)
        files.append(path)
    return files
