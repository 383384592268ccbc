"""Coastal water by GB 3097-1997: class per sampling point and the excellent (一、二类) share.

Per point, the period mean of each item (non-detects by ``WaterRules.non_detect_rule``) is
classified by single factor against GB 3097 Table 1 (``qingshan.water.standards.gb3097_1997``); the
point class is the worst item class (spec/water.md §3.1 step 1). Inorganic nitrogen (DIN) is
taken as measured, or else as the sum of the means of nitrate-N, nitrite-N and ammonia-N when
all three are present [M].

Excellent share (spec §3.1) in two modes, both returned and labelled:
(a) ``count``: points of class I–II ÷ points with a class;
(b) ``area``: Σ area of class I–II points ÷ Σ area of points with a class and an area, where a
point's area is the sea area it represents as configured in ``coastal_point.area_km2``
(e.g. its Thiessen polygon clipped to the coastal sea); the official interpolation method is
unknown (spec §4), so this mode is only as good as the configured areas.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from qingshan.core.periods import Period, parse_period
from qingshan.water.engine.sql import Q, run, statement
from qingshan.water.engine.stats import period_params
from qingshan.water.engine.surface import item_class_sql, sample_class_sql
from qingshan.water.rules import WaterRules
from qingshan.water.standards import gb3097_1997 as g97

__all__ = ["assess_coastal_points", "assess_coastal_groups", "coastal_point_ctes",
           "coastal_points_q", "coastal_groups_q"]


def coastal_point_ctes(period: Period | str, *, tag: str = "now",
                       rules: WaterRules = WaterRules()) -> list[Q]:
    """CTEs ``{tag}_cm`` (means per point and item, DIN summed from its parts) and
    ``{tag}_pts`` (one row per coastal point: the columns of ``assess_coastal_points``)."""
    p, t = parse_period(period), tag
    f = float(rules.non_detect_factor)
    cm = Q(f"""{t}_cm AS (
        WITH m AS (
            SELECT point_code, parameter,
                avg(CASE WHEN below_detection THEN detection_limit * {f} ELSE value END) AS value,
                count(*) AS n
            FROM coastal_sample
            WHERE sample_time >= CAST(${t}_start AS DATE) AND sample_time < CAST(${t}_stop AS DATE)
                AND (value IS NOT NULL OR (below_detection AND detection_limit IS NOT NULL))
            GROUP BY ALL),
        din AS (
            SELECT point_code, 'din' AS parameter, sum(value) AS value, min(n) AS n
            FROM m WHERE parameter IN ('no3n', 'no2n', 'nh3n')
                AND point_code NOT IN (SELECT point_code FROM m WHERE parameter = 'din')
            GROUP BY point_code HAVING count(*) = 3)
        SELECT * FROM m UNION ALL SELECT * FROM din)""",
           period_params(t, p))
    coastal_rules = WaterRules(assessed_items=tuple(g97.ITEMS), no_exceedance=tuple(g97.ITEMS),
                               non_detect_rule=rules.non_detect_rule)
    isql = item_class_sql(f"SELECT point_code, parameter, value, 'sea' AS water_body "
                          f"FROM {t}_cm", standard="gb3097", rules=coastal_rules)
    ssql = sample_class_sql(isql, ["point_code"], rules=coastal_rules)
    names = " ".join(f"WHEN {k} THEN '{v}'" for k, v in g97.CLASS_NAMES.items())
    pts = Q(f"""{t}_pts AS (
        WITH c AS ({ssql}),
        n AS (SELECT point_code, max(n) AS n_samples FROM {t}_cm GROUP BY point_code)
        SELECT p.code, p.name, p.city_code, p.zone_class, p.area_km2, c.class_computed,
            CASE c.class_computed {names} END AS class_name, c.class_items,
            c.class_computed <= p.zone_class AS meets_zone, c.n_assessed, n.n_samples
        FROM coastal_point p LEFT JOIN c ON c.point_code = p.code
        LEFT JOIN n ON n.point_code = p.code)""")
    return [cm, pts]


def coastal_points_q(period: Period | str, *, rules: WaterRules = WaterRules(),
                     labels: dict[str, str] | None = None,
                     limits: pd.DataFrame | None = None) -> Q:
    """Class of each coastal point over ``period`` (see ``assess_coastal_points``)."""
    return statement(coastal_point_ctes(period, rules=rules), Q("SELECT * FROM now_pts"),
                     order_by="city_code, code", labels=labels, gb3097=limits)


def coastal_groups_q(period: Period | str, level: str, *, rules: WaterRules = WaterRules(),
                     province_code: str = "province", labels: dict[str, str] | None = None,
                     limits: pd.DataFrame | None = None) -> Q:
    """Excellent (I+II) share per city or province (see ``assess_coastal_groups``)."""
    if level not in ("city", "province"):
        raise ValueError("level must be city or province")
    # the province code is a value: a bound parameter
    key = {"city": "city_code", "province": "CAST($province AS VARCHAR)"}[level]
    ex = int(g97.EXCELLENT_MAX_CLASS)
    sel = Q(f"""
        SELECT {key} AS group_key, count(*) AS n_points,
            count(*) FILTER (WHERE class_computed <= {ex}) AS n_excellent,
            100.0 * count(*) FILTER (WHERE class_computed <= {ex}) / nullif(count(*), 0)
                AS excellent_pct_count,
            sum(area_km2) AS area_km2,
            coalesce(sum(area_km2) FILTER (WHERE class_computed <= {ex}), 0)
                AS area_excellent_km2,
            100.0 * coalesce(sum(area_km2) FILTER (WHERE class_computed <= {ex}), 0)
                / nullif(sum(area_km2), 0) AS excellent_pct_area,
            count(*) FILTER (WHERE meets_zone) AS n_meets_zone,
            'point count' AS count_mode, 'configured point areas' AS area_mode
        FROM now_pts WHERE class_computed IS NOT NULL
        GROUP BY ALL""", {"province": province_code} if level == "province" else {})
    return statement(coastal_point_ctes(period, rules=rules), sel, order_by="group_key",
                     labels=labels, gb3097=limits)


def assess_coastal_points(con: duckdb.DuckDBPyConnection, period: Period | str, *,
                          rules: WaterRules = WaterRules(),
                          labels: dict[str, str] | None = None,
                          limits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Class of each coastal point over ``period``.

    Columns: code, name, city_code, zone_class, area_km2, class_computed (1–5, 5 = 劣四类),
    class_name, class_items, meets_zone (class ≤ functional-zone class), n_assessed, n_samples.
    ``limits`` replaces the bundled GB 3097 table (columns of ``gb3097_limits()``).
    """
    return run(con, coastal_points_q(period, rules=rules, labels=labels, limits=limits))


def assess_coastal_groups(con: duckdb.DuckDBPyConnection, period: Period | str, level: str,
                          *, rules: WaterRules = WaterRules(), province_code: str = "province",
                          labels: dict[str, str] | None = None,
                          limits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Excellent (I+II) share per city or province, by point count and by area.

    Columns: group_key, n_points, n_excellent, excellent_pct_count, area_km2,
    area_excellent_km2, excellent_pct_area (NULL when no point has an area),
    n_meets_zone, count_mode, area_mode.
    """
    return run(con, coastal_groups_q(period, level, rules=rules, province_code=province_code,
                                     labels=labels, limits=limits))
