"""Bring the store's ``city`` and ``city_station`` tables in line with a province config."""

from __future__ import annotations

import duckdb

from qingshan.config.province import ProvinceConfig

__all__ = ["sync_province", "evaluation_stations"]


def sync_province(con: duckdb.DuckDBPyConnection, province: ProvinceConfig) -> None:
    """Replace the cities and the city→evaluation-station map from the config.

    Rule (``城市环境空气质量排名技术规定``; data README): a city's evaluation stations are the
    stations whose publication city (城市) is one of the city's ``station_cities`` and which are
    not control stations (when ``exclude_control_stations``), plus ``include``, minus
    ``exclude``. Stopped stations stay in the map: they simply have no data after their stop.
    """
    rows = [(c.code, province.code, c.name_zh, c.short_zh, c.name_en, c.coastal)
            for c in province.cities]
    rules = [(c.code, sc) for c in province.cities for sc in c.station_cities]
    inc = [(c.code, s) for c in province.cities for s in c.include]
    exc = [(c.code, s) for c in province.cities for s in c.exclude]
    ctl = "AND NOT s.is_control" if province.exclude_control_stations else ""
    con.execute("DELETE FROM city")
    con.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute("DELETE FROM city_station")
    con.execute(
        f"""
        INSERT INTO city_station
        SELECT DISTINCT city_code, station_code FROM (
            SELECT r.city_code, s.code AS station_code
            FROM (SELECT unnest(?) AS city_code, unnest(?) AS pub) r
            JOIN station s ON s.publication_city = r.pub {ctl}
            UNION ALL
            SELECT unnest(?), unnest(?)
        ) x
        WHERE (city_code, station_code) NOT IN (SELECT (unnest(?), unnest(?)))
        """,
        [[r[0] for r in rules], [r[1] for r in rules], [r[0] for r in inc], [r[1] for r in inc],
         [r[0] for r in exc] or [""], [r[1] for r in exc] or [""]],
    )


def evaluation_stations(con: duckdb.DuckDBPyConnection, city_code: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT station_code FROM city_station WHERE city_code = ? ORDER BY 1", [city_code]
    ).fetchall()]
