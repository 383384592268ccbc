"""County-level assessment and ranking: the county-level publication cities of the station list.

The national station list names each station's publication city (``城市``) and prefecture
(``地级行政区``). A station whose publication city is not one of its prefecture's
``station_cities`` (Shandong: 章丘, 即墨, 胶州, 平度, 莱西, 胶南, 寿光, 招远, 莱州, 蓬莱, 文登, 荣成,
乳山) belongs to a **county-level publication city** (县级市/区), not to the prefecture's
evaluation stations (province config, header of ``shandong.toml``). HJ 633-2026 §4.2.1 makes
county-level (县/市/区/旗) assessment an explicit scope (spec air-assessment §2.6); the spec gives
no separate county rule, so a county is assessed **exactly as a city** (§2.6): the county
hourly series is the mean of its valid stations at each hour (control stations excluded when
the province excludes them), then the same period statistics, GB 3095 Table 4 validity,
GB/T 8170 rounding, composite index and ranking (valid units ranked, the others only in the
insufficient-data group, ``rank_insufficient``) as :func:`qingshan.air.service.assess` — the
figures come from that one engine, not from a second implementation.

English names: the province config's county (``[[cities]] counties``) when it lists the unit,
else ``data/county_names_en.csv`` (Hanyu Pinyin of the station list's county-level publication
cities, generated with pypinyin 0.55.0 and the apostrophe rule of
``scripts/build_china_config.py``), else the Chinese name.

How: on a private cursor of the store (its own DuckDB connection context), two temporary tables
``city`` and ``city_station`` hold the county units and their stations; temporary tables come
first in DuckDB's name resolution, so the service's city chain reads the counties. The store
itself is not written (works on a read-only store); the cursor is closed afterwards.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

import pandas as pd

from qingshan.config import ProvinceConfig, get_settings, load_province

__all__ = ["county_units", "assess_counties", "county_ranking"]


def _province(province: ProvinceConfig | None) -> ProvinceConfig:
    return province or load_province(get_settings().province)


@functools.lru_cache(maxsize=1)
def _names_en() -> dict[tuple[str, str], str]:
    """(publication city, prefecture) → English name (``data/county_names_en.csv``)."""
    text = (resources.files("qingshan.air") / "data" / "county_names_en.csv").read_text(
        encoding="utf-8")
    return {(r["publication_city"], r["prefecture"]): r["name_en"]
            for r in csv.DictReader(text.splitlines())}


def _own_names(prov: ProvinceConfig) -> list[str]:
    return sorted({s for c in prov.cities for s in c.station_cities} |
                  {c.short_zh for c in prov.cities})


def _stations_sql(prov: ProvinceConfig) -> tuple[str, list]:
    """Stations of county-level publication cities of the province (bound values only)."""
    ctl = " AND NOT s.is_control" if prov.exclude_control_stations else ""
    sql = (f"SELECT s.publication_city AS county, s.prefecture, s.code AS station_code "
           f"FROM station s WHERE s.province = ? AND s.publication_city IS NOT NULL{ctl} "
           f"AND NOT list_contains(?, s.publication_city)")
    return sql, [prov.name_zh, _own_names(prov)]


def county_units(con, province: ProvinceConfig | None = None) -> pd.DataFrame:
    """The county-level publication cities of the station list with their parent city.

    Returns
    -------
    DataFrame
        ``code`` (the publication-city name of the station list, e.g. ``乳山``: the unit's
        identity there), ``county_code`` (6-digit code of the province config's county whose
        name starts with it, e.g. 371083 乳山市; None when the config lists none), ``name_zh``,
        ``name_en`` (the config county's English name; else the Chinese name),
        ``city_code``, ``city_name_zh``, ``city_name_en``, ``stations`` (number of stations).
        Units whose prefecture is not a configured city are left out. Sorted by city, county.
    """
    prov = _province(province)
    sql, params = _stations_sql(prov)
    df = con.execute(f"SELECT county, prefecture, count(*) AS stations FROM ({sql}) "
                     f"GROUP BY 1, 2 ORDER BY 1", params).df()
    by_name = {c.name_zh: c for c in prov.cities}
    rows = []
    for r in df.itertuples(index=False):       # one row per county unit (a dozen), not per value
        city = by_name.get(r.prefecture)
        if city is None:
            continue
        cfg = next((k for k in city.counties if k.name_zh.startswith(r.county)), None)
        rows.append({"code": r.county, "county_code": cfg.code if cfg else None,
                     "name_zh": cfg.name_zh if cfg else r.county,
                     "name_en": (cfg.name_en or cfg.name_zh) if cfg else
                     _names_en().get((r.county, r.prefecture), r.county),
                     "city_code": city.code, "city_name_zh": city.name_zh,
                     "city_name_en": city.name_en, "stations": int(r.stations)})
    cols = ["code", "county_code", "name_zh", "name_en", "city_code", "city_name_zh",
            "city_name_en", "stations"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["city_code", "code"], kind="stable").reset_index(drop=True)


def assess_counties(con, period: str, province: ProvinceConfig | None = None) -> pd.DataFrame:
    """:func:`qingshan.air.service.assess` of every county-level publication city.

    Same columns as the city assessment (statistics, validity, ``rank`` among the valid
    counties, ``rank_insufficient``, YoY, ``standard``, ``policy``, ``data_end``, ``to_date``),
    plus ``county_code``, ``city_code``, ``city_name_zh``, ``city_name_en``, ``stations``.
    ``name_zh``/``name_en`` are the county's. Empty (with these columns) when the station list
    has no county-level publication city in the province.
    """
    from qingshan.air import service as svc

    prov = _province(province)
    units = county_units(con, prov)
    if units.empty:
        return pd.DataFrame(columns=list(units.columns) + ["rank", "rank_insufficient", "valid"])
    sql, params = _stations_sql(prov)
    cur = con.cursor()
    try:
        cur.execute("CREATE TEMP TABLE city (code VARCHAR PRIMARY KEY, province_code VARCHAR, "
                    "name_zh VARCHAR, short_zh VARCHAR, name_en VARCHAR, coastal BOOLEAN)")
        cur.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?, FALSE)",
                        [[u.code, prov.code, u.name_zh, u.code, u.name_en]
                         for u in units.itertuples(index=False)])
        cur.execute(f"CREATE TEMP TABLE city_station AS SELECT county AS city_code, "
                    f"station_code FROM ({sql}) WHERE list_contains(?, county)",
                    params + [list(units["code"])])
        # the service's "city" (and its rules, rounding, validity, ranking) over the counties;
        # city-specific config (names) is not used at this level, only weights and policy
        df = svc.assess(cur, period, level="city", province=prov)
    finally:
        try:
            cur.execute("DROP TABLE IF EXISTS temp.city")
            cur.execute("DROP TABLE IF EXISTS temp.city_station")
        finally:
            cur.close()
    df = df.drop(columns=["name_zh", "name_en"]).merge(units, on="code", how="left")
    lead = ["code", "county_code", "name_zh", "name_en", "city_code", "city_name_zh",
            "city_name_en", "stations"]
    return df[lead + [c for c in df.columns if c not in lead]]


def county_ranking(con, period: str, province: ProvinceConfig | None = None) -> pd.DataFrame:
    """:func:`assess_counties` ordered by rank (valid counties), then the insufficient-data
    group (``rank_insufficient``), then code."""
    df = assess_counties(con, period, province)
    if df.empty:
        return df
    return df.sort_values(["rank", "rank_insufficient", "code"], na_position="last",
                          kind="stable").reset_index(drop=True)
