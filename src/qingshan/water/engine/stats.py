"""Period statistics of surface water (环办〔2011〕22号 §2.2–§2.6, §2.10), as SQL over the store.

- Per-section period means: arithmetic mean per indicator over the samples of the period;
  non-detects enter at ``WaterRules.non_detect_rule`` × detection limit (spec §1 rule 4, [M]).
  The class of the period is the single-factor class of those means (classes of individual
  samples are never averaged, §2.2).
- Sources: by default a section's manual samples are used when it has any in the period, else
  its automatic-station data (``source='prefer_manual'``; or 'manual' / 'auto' / 'all').
- Groups (city, basin, province): excellent (I–III) and inferior-V proportions over the sections
  with a class (§2.5); grade by the proportion method for ≥ ``proportion_min_sections`` sections
  and otherwise by the class of the mean concentrations over the sections (§2.4); main
  pollutants by section exceedance rate (≥ 5 sections) or by the per-section rule (§2.6);
  drinking-water source compliance by count and by volume (§2.10).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from qingshan.core.rounding import gbt8170_sql
from qingshan.water.engine.surface import (
    WaterRules, _in, item_class_sql, register_tables, sample_class_sql,
)
from qingshan.water.standards import water_method_2011 as m11

__all__ = ["section_means", "assess_sections", "assess_groups", "grade_sql", "change_sql"]

_SOURCES = ("prefer_manual", "manual", "auto", "all")


def _source_filter(source: str) -> str:
    if source not in _SOURCES:
        raise ValueError(f"source must be one of {_SOURCES}")
    if source == "prefer_manual":
        return "(NOT has_manual OR source = 'manual')"
    return "true" if source == "all" else f"source = '{source}'"


def section_means(con: duckdb.DuckDBPyConnection, start: date, end: date, *,
                  rules: WaterRules = WaterRules(), source: str = "prefer_manual"
                  ) -> pd.DataFrame:
    """Mean concentration per section and parameter over ``[start, end)``.

    Columns: section_code, parameter, value (mean [mg/L; pH; ℃; 个/L]), n (samples),
    n_below_detection.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE _wq_means AS "
                + _means_sql(start, end, rules, source), [start, end])
    return con.sql("SELECT * FROM _wq_means ORDER BY section_code, parameter").df()


def _means_sql(start: date, end: date, rules: WaterRules, source: str) -> str:
    """SQL of the period means; ``start`` and ``end`` are its two bound parameters (``?``)."""
    f = float(rules.non_detect_factor)
    return f"""
    WITH s AS (
        SELECT *, bool_or(source = 'manual') OVER (PARTITION BY section_code) AS has_manual
        FROM water_sample
        WHERE sample_time >= CAST(? AS DATE) AND sample_time < CAST(? AS DATE))
    SELECT section_code, parameter,
        avg(CASE WHEN below_detection THEN detection_limit * {f} ELSE value END) AS value,
        count(*) AS n, count(*) FILTER (WHERE below_detection) AS n_below_detection
    FROM s WHERE {_source_filter(source)}
        AND (value IS NOT NULL OR (below_detection AND detection_limit IS NOT NULL))
    GROUP BY section_code, parameter"""


def grade_sql(class_expr: str) -> str:
    """CASE expression: qualitative grade of a class (§2.3, ``GRADE_BY_CLASS``)."""
    whens = " ".join(f"WHEN {class_expr} = {k} THEN '{g}'" for k, g in m11.GRADE_BY_CLASS.items())
    return f"CASE {whens} END"


def assess_sections(con: duckdb.DuckDBPyConnection, start: date, end: date, *,
                    rules: WaterRules = WaterRules(), source: str = "prefer_manual",
                    labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Class of every section over ``[start, end)`` from its mean concentrations.

    One row per configured or registered section (sections without data have NULL class).
    Target class: the row for the period's year, else the row with year NULL.
    Columns: code, name, city_code, basin, river, water_body, water_body_assumed, control_level,
    drinking_source, supply_volume, target_class, class_computed, grade, class_items, exceed,
    main_pollutants, meets_target, exceed_target, n_assessed, n_samples.
    """
    register_tables(con, labels)
    year = int(start.year)
    con.execute("CREATE OR REPLACE TEMP TABLE _wq_means AS "
                + _means_sql(start, end, rules, source), [start, end])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _wq_secin AS
        SELECT m.section_code, m.parameter, m.value, w.water_body,
            (SELECT t.target_class FROM water_section_target t
             WHERE t.section_code = m.section_code AND (t.year = {year} OR t.year IS NULL)
             ORDER BY t.year NULLS LAST LIMIT 1) AS target_class
        FROM _wq_means m JOIN water_section w ON w.code = m.section_code""")
    isql = item_class_sql("SELECT * FROM _wq_secin", target=True, rules=rules)
    ssql = sample_class_sql(isql, ["section_code"], target=True, rules=rules)
    return con.sql(f"""
        WITH c AS ({ssql}),
        n AS (SELECT section_code, max(n) AS n_samples FROM _wq_means GROUP BY section_code)
        SELECT w.code, w.name, w.city_code, w.basin, w.river,
            coalesce(w.water_body, 'river') AS water_body, w.water_body IS NULL AS
            water_body_assumed, w.control_level, w.drinking_source, w.supply_volume,
            (SELECT t.target_class FROM water_section_target t WHERE t.section_code = w.code
             AND (t.year = {year} OR t.year IS NULL) ORDER BY t.year NULLS LAST LIMIT 1)
             AS target_class,
            c.class_computed, {grade_sql('c.class_computed')} AS grade, c.class_items, c.exceed,
            c.main_pollutants, c.meets_target, c.exceed_target, c.reference_classes,
            c.n_assessed, n.n_samples
        FROM water_section w LEFT JOIN c ON c.section_code = w.code
        LEFT JOIN n ON n.section_code = w.code
        ORDER BY w.city_code NULLS LAST, w.code""").df()


def _proportion_grade_sql(rules: WaterRules) -> str:
    """CASE over integer counts (exact): n_exc·100 ≥ p·n, n_inf·100 < q·n (§2.4)."""
    whens = []
    for grade, min_exc, max_inf in rules.proportion_grades:
        cond = []
        if min_exc is not None:
            cond.append(f"n_excellent * 100 >= {min_exc} * n_sections")
        if max_inf is not None:
            cond.append(f"n_inferior_v * 100 < {max_inf} * n_sections")
        whens.append(f"WHEN {' AND '.join(cond) or 'true'} THEN '{grade}'")
    return "CASE " + " ".join(whens) + " END"


def assess_groups(con: duckdb.DuckDBPyConnection, sections: pd.DataFrame, level: str, *,
                  rules: WaterRules = WaterRules(), province_code: str = "province",
                  labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Proportions and grade per group of sections (``level``: city | basin | province).

    ``sections`` is the result of ``assess_sections`` on the same connection (its means are in
    the temp table ``_wq_means``). Only sections of a configured city count: sections without
    one (e.g. registered from an automatic-station file of the national publication, which
    lists every province) appear at section level only. Columns: group_key, n_sections (with a
    class), n_excellent,
    excellent_pct, n_inferior_v, inferior_v_pct, grade, grade_method ('proportion' or
    'mean concentration'), class_of_means (groups below the proportion threshold),
    main_pollutants, n_drinking, n_drinking_compliant, drinking_rate_count, drinking_rate_volume.
    """
    # the province code is a value: the named bound parameter $province
    key = {"city": "city_code", "basin": "basin", "province": "CAST($province AS VARCHAR)"}[level]

    def kp(sql: str) -> dict | None:
        return {"province": province_code} if "$province" in sql else None

    register_tables(con, labels)
    con.register("_wq_sections", sections)
    try:
        # results are kept as temp tables, not as Python relations named in SQL (replacement
        # scans are off on the server's locked-down database)
        sql = f"""CREATE OR REPLACE TEMP TABLE _wq_groups AS
            SELECT {key} AS group_key, count(*) AS n_sections,
                count(*) FILTER (WHERE class_computed <= {rules.excellent_max_class})
                    AS n_excellent,
                count(*) FILTER (WHERE class_computed = 6) AS n_inferior_v,
                count(*) FILTER (WHERE drinking_source) AS n_drinking,
                count(*) FILTER (WHERE drinking_source AND class_computed <=
                    {rules.drinking_max_class}) AS n_drinking_compliant,
                sum(supply_volume) FILTER (WHERE drinking_source) AS drinking_volume,
                sum(supply_volume) FILTER (WHERE drinking_source AND class_computed <=
                    {rules.drinking_max_class}) AS drinking_volume_compliant,
                bool_and(water_body = 'lake') AS all_lakes
            FROM _wq_sections WHERE class_computed IS NOT NULL AND city_code IS NOT NULL
            GROUP BY ALL"""
        con.execute(sql, kp(sql))
        # groups below the threshold: class of the mean concentrations over their sections
        sql = f"""
            CREATE OR REPLACE TEMP TABLE _wq_gmeans AS
            SELECT {key.replace('city_code', 's.city_code').replace('basin', 's.basin')}
                AS group_key, m.parameter, avg(m.value) AS value,
                CASE WHEN gr.all_lakes THEN 'lake' ELSE 'river' END AS water_body
            FROM _wq_means m JOIN _wq_sections s ON s.code = m.section_code
            JOIN _wq_groups gr ON gr.group_key IS NOT DISTINCT FROM
                {key.replace('city_code', 's.city_code').replace('basin', 's.basin')}
            WHERE s.class_computed IS NOT NULL AND s.city_code IS NOT NULL
                AND gr.n_sections < {int(rules.proportion_min_sections)}
            GROUP BY ALL"""
        con.execute(sql, kp(sql))
        isql = item_class_sql("SELECT * FROM _wq_gmeans", rules=rules)
        small = sample_class_sql(isql, ["group_key"], rules=rules)
        # groups at/above the threshold: items ranked by section exceedance rate (§2.6)
        pct = gbt8170_sql("100.0 * n_over / n_sections", 1)  # rate [%], GB/T 8170
        sql = f"""CREATE OR REPLACE TEMP TABLE _wq_rate AS
            WITH e AS (
                SELECT {key.replace('city_code', 's.city_code').replace('basin', 's.basin')}
                    AS group_key, i.parameter, count(DISTINCT i.section_code) AS n_over
                FROM ({item_class_sql('SELECT * FROM _wq_secin', rules=rules)}) i
                JOIN _wq_sections s ON s.code = i.section_code
                WHERE i.class > {rules.main_pollutant_above_class} AND s.city_code IS NOT NULL
                    AND i.parameter IN {_in(rules.assessed_items)}
                GROUP BY ALL),
            r AS (
                SELECT e.*, gr.n_sections, coalesce(p.label, e.parameter) AS label,
                    row_number() OVER (PARTITION BY e.group_key ORDER BY n_over DESC, p.ord) AS rk
                FROM e JOIN _wq_groups gr ON gr.group_key IS NOT DISTINCT FROM e.group_key
                LEFT JOIN _wq_param p ON p.parameter = e.parameter
                WHERE gr.n_sections >= {rules.proportion_min_sections})
            SELECT group_key, string_agg(label || '(' || CAST({pct} AS VARCHAR) || '%)', ','
                ORDER BY rk) AS main_pollutants
            FROM r WHERE rk <= {int(rules.main_pollutant_max)} GROUP BY group_key"""
        con.execute(sql, kp(sql))
        return con.sql(f"""
            WITH sm AS ({small})
            SELECT gr.group_key, gr.n_sections, gr.n_excellent,
                100.0 * gr.n_excellent / gr.n_sections AS excellent_pct,
                gr.n_inferior_v, 100.0 * gr.n_inferior_v / gr.n_sections AS inferior_v_pct,
                CASE WHEN gr.n_sections >= {rules.proportion_min_sections}
                     THEN {_proportion_grade_sql(rules).replace('n_', 'gr.n_')}
                     ELSE {grade_sql('sm.class_computed')} END AS grade,
                CASE WHEN gr.n_sections >= {rules.proportion_min_sections} THEN 'proportion'
                     ELSE 'mean concentration' END AS grade_method,
                sm.class_computed AS class_of_means,
                coalesce(rt.main_pollutants, sm.main_pollutants) AS main_pollutants,
                gr.n_drinking, gr.n_drinking_compliant,
                100.0 * gr.n_drinking_compliant / nullif(gr.n_drinking, 0) AS drinking_rate_count,
                100.0 * gr.drinking_volume_compliant / nullif(gr.drinking_volume, 0)
                    AS drinking_rate_volume
            FROM _wq_groups gr
            LEFT JOIN sm ON sm.group_key IS NOT DISTINCT FROM gr.group_key
            LEFT JOIN _wq_rate rt ON rt.group_key IS NOT DISTINCT FROM gr.group_key
            ORDER BY gr.group_key""").df()
    finally:
        con.unregister("_wq_sections")


def change_sql(x_expr: str, rules: WaterRules = WaterRules()) -> str:
    """CASE expression (§2.7 [M]): change of a group between two periods from
    x = ΔG − ΔD (percentage points): |x| ≤ 10 无明显变化, ≤ 20 有所好转/变差, else 明显好转/变差
    (boundaries inclusive of the milder category unless ``change_boundary_inclusive`` is False).
    """
    lo, hi = rules.change_thresholds
    op = "<=" if rules.change_boundary_inclusive else "<"
    return (f"CASE WHEN ({x_expr}) IS NULL THEN NULL WHEN abs({x_expr}) {op} {lo} THEN '无明显变化' "
            f"WHEN abs({x_expr}) {op} {hi} THEN CASE WHEN ({x_expr}) > 0 THEN '有所好转' "
            f"ELSE '有所变差' END ELSE CASE WHEN ({x_expr}) > 0 THEN '明显好转' ELSE '明显变差' "
            "END END")
