"""Synthetic station lists in the national station-list format (``NewSiteList.csv``).

Columns: ``监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区`` (see
``qingshan.air.ingest.stations``). Roles follow the national network: evaluation (urban,
national-control) stations have ``城市`` = the prefecture's short name and ``对照点`` = N; a control
(background) station has ``对照点`` = Y; a county-level city's station has ``城市`` = the county-level
city's name (not the prefecture) and ``对照点`` = N, so it is not an evaluation station of the
prefecture.

The data are invented; codes start with ``S`` so they can never collide with real station codes
(real codes are ``1001A`` … ``3xxxA``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.config.province import ProvinceConfig

__all__ = ["STATION_COLUMNS", "CITY_CENTRES", "generate_stations", "write_station_list"]

STATION_COLUMNS = ["监测点编码", "监测点名称", "城市", "经度", "纬度", "对照点", "省级行政区",
                   "地级行政区"]

#: approximate city centres (lon, lat) of Shandong's prefectures, keyed by administrative code
CITY_CENTRES: dict[str, tuple[float, float]] = {
    "370100": (117.00, 36.65), "370200": (120.38, 36.07), "370300": (118.05, 36.81),
    "370400": (117.32, 34.81), "370500": (118.67, 37.43), "370600": (121.45, 37.46),
    "370700": (119.16, 36.71), "370800": (116.59, 35.41), "370900": (117.09, 36.20),
    "371000": (122.12, 37.51), "371100": (119.53, 35.42), "371200": (117.68, 36.21),
    "371300": (118.36, 35.10), "371400": (116.36, 37.44), "371500": (115.99, 36.46),
    "371600": (117.97, 37.38), "371700": (115.48, 35.23),
}

_SITE_WORDS = ["监测站", "开发区", "市政府", "环保局", "体育中心", "高新区", "植物园", "火车站",
               "公园", "大学", "医院", "新区"]
_NAME_A = list("安宝昌长成东丰福广海和河华嘉建江金锦静康兰乐利临龙鹿茂明南宁平清庆荣瑞山胜泰唐")
_NAME_B = list("安川城丰港和河华江京口林陵宁平桥泉沙山水台亭阳源州庄")


def _centre(code: str, rng: np.random.Generator) -> tuple[float, float]:
    if code in CITY_CENTRES:
        return CITY_CENTRES[code]
    return float(rng.uniform(100.0, 125.0)), float(rng.uniform(22.0, 45.0))


def _invented_names(n: int, rng: np.random.Generator, avoid: set[str]) -> list[str]:
    pairs = [a + b for a in _NAME_A for b in _NAME_B if a + b not in avoid]
    if n > len(pairs):  # three-character names when two are not enough
        pairs += [a + b + c for a in _NAME_A for b in _NAME_B for c in "东西南北"
                  if a + b + c not in avoid]
    idx = rng.permutation(len(pairs))[:n]
    return [pairs[i] for i in idx]


def _city_block(prefix: str, short: str, full: str, province: str, lon: float, lat: float,
                n_eval: int, county: str | None, rng: np.random.Generator) -> list[list]:
    rows = []
    for j in range(n_eval):
        rows.append([f"S{prefix}A{j + 1:02d}", f"{short}{_SITE_WORDS[j % len(_SITE_WORDS)]}",
                     short, "N"])
    rows.append([f"S{prefix}B01", f"{short}郊区(对照点)", short, "Y"])
    if county is not None:
        rows.append([f"S{prefix}C01", f"{county}市监测站", county, "N"])
    out = []
    d = rng.normal(0.0, 0.06, size=(len(rows), 2))
    d[n_eval] *= 3.0  # the control station lies out of town
    for r, (dx, dy) in zip(rows, d):
        out.append([r[0], r[1], r[2], round(lon + dx, 4), round(lat + dy, 4), r[3], province,
                    full])
    if county is not None:  # county-level city some 40 km away
        out[-1][3] = round(lon + rng.choice([-1, 1]) * 0.45, 4)
        out[-1][4] = round(lat + rng.choice([-1, 1]) * 0.3, 4)
    return out


def generate_stations(province: ProvinceConfig | None, n_stations: int | None = None,
                      seed: int = 2025) -> pd.DataFrame:
    """Invent a station list in the national format.

    Parameters
    ----------
    province : ProvinceConfig or None
        With a province: every configured city gets 4–8 evaluation stations, one control
        station (对照点 Y) and one station of an invented county-level city.
        Without: ``n_stations`` stations over invented cities and provinces (national scale).
    n_stations : int, optional
        Number of stations when ``province`` is None (e.g. 1,650 for the national network).
    seed : int
        Seed; the same seed gives the same list.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STATION_COLUMNS`; codes ``S<4 digits><A|B|C><2 digits>`` are unique
        (A evaluation, B control, C county-level city).
    """
    rng = np.random.default_rng(seed)
    rows: list[list] = []
    if province is not None:
        taken = {c.short_zh for c in province.cities}
        taken |= {s for c in province.cities for s in c.station_cities}
        counties = _invented_names(len(province.cities), rng, taken)
        for city, county in zip(province.cities, counties):
            lon, lat = _centre(city.code, rng)
            rows += _city_block(city.code[:4], city.short_zh, city.name_zh, province.name_zh,
                                lon, lat, int(rng.integers(4, 9)), county, rng)
    else:
        if not n_stations or n_stations < 1:
            raise ValueError("n_stations must be a positive number when no province is given")
        n_cities = max(1, int(np.ceil(n_stations / 6.5)))
        names = _invented_names(n_cities, rng, set())
        provinces = [f"{p}省" for p in _invented_names(max(1, n_cities // 12), rng, set(names))]
        i = 0
        while len(rows) < n_stations:
            k = i % n_cities
            name = names[k] if i < n_cities else f"{names[k]}{i // n_cities + 1}"
            lon, lat = float(rng.uniform(100.0, 125.0)), float(rng.uniform(22.0, 45.0))
            rows += _city_block(f"{i:04d}", name, f"{name}市", provinces[k % len(provinces)],
                                lon, lat, int(rng.integers(4, 9)), None, rng)
            i += 1
        rows = rows[:n_stations]
    return pd.DataFrame(rows, columns=STATION_COLUMNS)


def write_station_list(stations: pd.DataFrame, path: str | Path) -> Path:
    """Write a station list as a UTF-8 CSV in the national format (header row included)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    stations[STATION_COLUMNS].to_csv(p, index=False, encoding="utf-8", lineterminator="\n",
                                     quoting=csv.QUOTE_MINIMAL, float_format="%.4f")
    return p
