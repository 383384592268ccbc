"""Period statistics of surface water (环办〔2011〕22号 §2.2–§2.7, §2.10): SQL builders.

- Per-section period means: arithmetic mean per indicator over the samples of the period
  (spec/water.md §2.2: month, quarter, year; half-years and runs of months the same way, see
  :mod:`qingshan.water.rules`); non-detects enter at ``WaterRules.non_detect_rule`` × detection
  limit (spec §1 rule 4, [M]). A section with fewer samplings than the period's kind needs
  (``WaterRules.min_samples``, quarter ≥ 2, §2.2 [M]) has no class. The class of the period is
  the single-factor class of those means (classes of individual samples are never averaged,
  §2.2).
- Sources: by default a section's manual samples are used when it has any in the period, else
  its automatic-station data (``source='prefer_manual'``; or 'manual' / 'auto' / 'all').
- Groups (city, basin, province): excellent (I–III) and inferior-V proportions over the sections
  with a class (§2.5); grade by the proportion method for ≥ ``proportion_min_sections`` sections
  and otherwise by the class of the mean concentrations over the sections (§2.4); main
  pollutants by section exceedance rate (≥ 5 sections) or by the per-section rule (§2.6);
  drinking-water source compliance by count and by volume (§2.10).
- Change against the same period of the previous year (``Period.previous_year()``, §2.7 [M]):
  sections by grade steps, groups by ΔG − ΔD.

Every builder returns a :class:`~qingshan.water.engine.sql.Q` (SQL text and bound parameters);
a question is one statement over the input tables (``water_sample``, ``water_section``,
``water_section_target``), composed of CTEs named by a tag (``now``, ``prev``) so two periods
fit in one statement. Nothing is kept between calls.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pandas as pd

from qingshan.core.periods import Period, parse_period
from qingshan.core.rounding import gbt8170_sql
from qingshan.water.engine.sql import Q, merge, run, statement
from qingshan.water.engine.surface import _in, item_class_sql, sample_class_sql
from qingshan.water.rules import WaterRules
from qingshan.water.standards import water_method_2011 as m11

__all__ = ["section_means", "assess_sections", "assess_groups", "assess_with_change",
           "means_q", "sections_q", "groups_q", "assessment_q", "section_ctes", "group_ctes",
           "grade_sql", "change_sql", "period_params"]

_SOURCES = ("prefer_manual", "manual", "auto", "all")
_LEVELS = ("city", "basin", "province")
_SECTION_ORDER = "city_code NULLS LAST, code"


def period_params(tag: str, period: Period) -> dict:
    """Bound values of a period under ``tag``: first day and the day after the last."""
    return {f"{tag}_start": period.start, f"{tag}_stop": period.end + timedelta(days=1)}


def _source_filter(source: str) -> Q:
    if source not in _SOURCES:
        raise ValueError(f"source must be one of {_SOURCES}")
    if source == "prefer_manual":
        return Q("(NOT has_manual OR source = 'manual')")
    return Q("true") if source == "all" else Q("source = $source", {"source": source})


def _target_sql(code: str, tag: str) -> str:
    """Target class of section ``code`` for the period's year, else the row with year NULL."""
    return (f"(SELECT t.target_class FROM water_section_target t WHERE t.section_code = {code} "
            f"AND (t.year = ${tag}_year OR t.year IS NULL) ORDER BY t.year NULLS LAST LIMIT 1)")


def section_ctes(period: Period | str, *, tag: str = "now", rules: WaterRules = WaterRules(),
                 source: str = "prefer_manual") -> list[Q]:
    """CTEs ``{tag}_m`` (means per section and parameter), ``{tag}_n`` (samplings per
    section), ``{tag}_secin`` (means of sections with enough samplings, water body, target) and
    ``{tag}_sec`` (one row per section: class, grade, … — the columns of ``assess_sections``)."""
    p = parse_period(period)
    t, f = tag, float(rules.non_detect_factor)
    src = _source_filter(source)
    pp = merge(period_params(t, p), src.params)
    m = Q(f"""{t}_m AS (
        WITH s AS (
            SELECT *, bool_or(source = 'manual') OVER (PARTITION BY section_code) AS has_manual
            FROM water_sample
            WHERE sample_time >= CAST(${t}_start AS DATE) AND sample_time < CAST(${t}_stop AS DATE))
        SELECT section_code, parameter,
            avg(CASE WHEN below_detection THEN detection_limit * {f} ELSE value END) AS value,
            count(*) AS n, count(*) FILTER (WHERE below_detection) AS n_below_detection
        FROM s WHERE {src.sql}
            AND (value IS NOT NULL OR (below_detection AND detection_limit IS NOT NULL))
        GROUP BY section_code, parameter)""", pp)
    n = Q(f"{t}_n AS (SELECT section_code, max(n) AS n_samples FROM {t}_m GROUP BY section_code)")
    secin = Q(f"""{t}_secin AS (
        SELECT m.section_code, m.parameter, m.value, w.water_body,
            {_target_sql('m.section_code', t)} AS target_class
        FROM {t}_m m JOIN water_section w ON w.code = m.section_code
        JOIN {t}_n n ON n.section_code = m.section_code
        WHERE n.n_samples >= {rules.min_samples_for(p.kind)})""", {f"{t}_year": p.start.year})
    isql = item_class_sql(f"SELECT * FROM {t}_secin", target=True, rules=rules)
    ssql = sample_class_sql(isql, ["section_code"], target=True, rules=rules)
    sec = Q(f"""{t}_sec AS (
        WITH c AS ({ssql})
        SELECT w.code, w.name, w.city_code, w.basin, w.river,
            coalesce(w.water_body, 'river') AS water_body, w.water_body IS NULL AS
            water_body_assumed, w.control_level, w.drinking_source, w.supply_volume,
            {_target_sql('w.code', t)} AS target_class,
            c.class_computed, {grade_sql('c.class_computed')} AS grade, c.class_items, c.exceed,
            c.main_pollutants, c.meets_target, c.exceed_target, c.reference_classes,
            c.n_assessed, n.n_samples
        FROM water_section w LEFT JOIN c ON c.section_code = w.code
        LEFT JOIN {t}_n n ON n.section_code = w.code)""", {f"{t}_year": p.start.year})
    return [m, n, secin, sec]


def grade_sql(class_expr: str) -> str:
    """CASE expression: qualitative grade of a class (§2.3, ``GRADE_BY_CLASS``)."""
    whens = " ".join(f"WHEN {class_expr} = {k} THEN '{g}'" for k, g in m11.GRADE_BY_CLASS.items())
    return f"CASE {whens} END"


def _proportion_grade_sql(rules: WaterRules, alias: str) -> str:
    """CASE over integer counts (exact): n_exc·100 ≥ p·n, n_inf·100 < q·n (§2.4)."""
    a = f"{alias}." if alias else ""
    whens = []
    for grade, min_exc, max_inf in rules.proportion_grades:
        cond = []
        if min_exc is not None:
            cond.append(f"{a}n_excellent * 100 >= {float(min_exc)} * {a}n_sections")
        if max_inf is not None:
            cond.append(f"{a}n_inferior_v * 100 < {float(max_inf)} * {a}n_sections")
        whens.append(f"WHEN {' AND '.join(cond) or 'true'} THEN '{grade}'")
    return "CASE " + " ".join(whens) + " END"


def _key(level: str, alias: str) -> str:
    """Group key of a section row ``alias`` (the province code is the bound ``$province``)."""
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}")
    return {"city": f"{alias}.city_code", "basin": f"{alias}.basin",
            "province": "CAST($province AS VARCHAR)"}[level]


def group_ctes(level: str, *, tag: str = "now", rules: WaterRules = WaterRules(),
               province_code: str = "province") -> list[Q]:
    """CTEs over ``section_ctes(tag)``: ``{tag}_gr`` (counts), ``{tag}_gm`` / ``{tag}_sm``
    (class of the mean concentrations of small groups), ``{tag}_rate`` (main pollutants by
    section exceedance rate) and ``{tag}_grp`` (one row per group — the columns of
    ``assess_groups``). Only sections of a configured city count: sections without one (e.g.
    registered from an automatic-station file of the national publication, which lists every
    province) appear at section level only."""
    t = tag
    kp = {"province": province_code} if level == "province" else {}
    nmin = int(rules.proportion_min_sections)
    gr = Q(f"""{t}_gr AS (
        SELECT {_key(level, 's')} AS group_key, count(*) AS n_sections,
            count(*) FILTER (WHERE class_computed <= {int(rules.excellent_max_class)})
                AS n_excellent,
            count(*) FILTER (WHERE class_computed = 6) AS n_inferior_v,
            count(*) FILTER (WHERE drinking_source) AS n_drinking,
            count(*) FILTER (WHERE drinking_source AND class_computed <=
                {int(rules.drinking_max_class)}) AS n_drinking_compliant,
            sum(supply_volume) FILTER (WHERE drinking_source) AS drinking_volume,
            sum(supply_volume) FILTER (WHERE drinking_source AND class_computed <=
                {int(rules.drinking_max_class)}) AS drinking_volume_compliant,
            bool_and(water_body = 'lake') AS all_lakes
        FROM {t}_sec s WHERE class_computed IS NOT NULL AND city_code IS NOT NULL
        GROUP BY ALL)""", kp)
    # groups below the threshold: class of the mean concentrations over their sections (§2.4)
    gm = Q(f"""{t}_gm AS (
        SELECT {_key(level, 's')} AS group_key, m.parameter, avg(m.value) AS value,
            CASE WHEN any_value(gr.all_lakes) THEN 'lake' ELSE 'river' END AS water_body
        FROM {t}_m m JOIN {t}_sec s ON s.code = m.section_code
        JOIN {t}_gr gr ON gr.group_key IS NOT DISTINCT FROM {_key(level, 's')}
        WHERE s.class_computed IS NOT NULL AND s.city_code IS NOT NULL
            AND gr.n_sections < {nmin}
        GROUP BY 1, 2)""", kp)
    isql = item_class_sql(f"SELECT * FROM {t}_gm", rules=rules)
    sm = Q(f"{t}_sm AS ({sample_class_sql(isql, ['group_key'], rules=rules)})")
    # groups at/above the threshold: items ranked by section exceedance rate (§2.6)
    pct = gbt8170_sql("100.0 * n_over / n_sections", 1)  # rate [%], GB/T 8170
    rate = Q(f"""{t}_rate AS (
        WITH e AS (
            SELECT {_key(level, 's')} AS group_key, i.parameter,
                count(DISTINCT i.section_code) AS n_over
            FROM ({item_class_sql(f'SELECT * FROM {t}_secin', rules=rules)}) i
            JOIN {t}_sec s ON s.code = i.section_code
            WHERE i.class > {int(rules.main_pollutant_above_class)} AND s.city_code IS NOT NULL
                AND i.parameter IN {_in(rules.assessed_items)}
            GROUP BY ALL),
        r AS (
            SELECT e.*, gr.n_sections, coalesce(p.label, e.parameter) AS label,
                row_number() OVER (PARTITION BY e.group_key ORDER BY n_over DESC, p.ord) AS rk
            FROM e JOIN {t}_gr gr ON gr.group_key IS NOT DISTINCT FROM e.group_key
            LEFT JOIN _wq_param p ON p.parameter = e.parameter
            WHERE gr.n_sections >= {nmin})
        SELECT group_key, string_agg(label || '(' || CAST({pct} AS VARCHAR) || '%)', ','
            ORDER BY rk) AS main_pollutants
        FROM r WHERE rk <= {int(rules.main_pollutant_max)} GROUP BY group_key)""", kp)
    grp = Q(f"""{t}_grp AS (
        SELECT gr.group_key, gr.n_sections, gr.n_excellent,
            100.0 * gr.n_excellent / nullif(gr.n_sections, 0) AS excellent_pct,
            gr.n_inferior_v, 100.0 * gr.n_inferior_v / nullif(gr.n_sections, 0)
                AS inferior_v_pct,
            CASE WHEN gr.n_sections >= {nmin} THEN {_proportion_grade_sql(rules, 'gr')}
                 ELSE {grade_sql('sm.class_computed')} END AS grade,
            CASE WHEN gr.n_sections >= {nmin} THEN 'proportion'
                 ELSE 'mean concentration' END AS grade_method,
            sm.class_computed AS class_of_means,
            coalesce(rt.main_pollutants, sm.main_pollutants) AS main_pollutants,
            gr.n_drinking, gr.n_drinking_compliant,
            100.0 * gr.n_drinking_compliant / nullif(gr.n_drinking, 0) AS drinking_rate_count,
            100.0 * gr.drinking_volume_compliant / nullif(gr.drinking_volume, 0)
                AS drinking_rate_volume
        FROM {t}_gr gr
        LEFT JOIN {t}_sm sm ON sm.group_key IS NOT DISTINCT FROM gr.group_key
        LEFT JOIN {t}_rate rt ON rt.group_key IS NOT DISTINCT FROM gr.group_key)""")
    return [gr, gm, sm, rate, grp]


# ---- statements ----------------------------------------------------------------------------
def means_q(period: Period | str, *, rules: WaterRules = WaterRules(),
            source: str = "prefer_manual") -> Q:
    """Mean concentration per section and parameter over ``period``."""
    m = section_ctes(period, rules=rules, source=source)[0]
    return statement([m], Q("SELECT * FROM now_m"), order_by="section_code, parameter")


def sections_q(period: Period | str, *, rules: WaterRules = WaterRules(),
               source: str = "prefer_manual", labels: dict[str, str] | None = None) -> Q:
    """One row per configured or registered section over ``period`` (see ``assess_sections``)."""
    return statement(section_ctes(period, rules=rules, source=source),
                     Q("SELECT * FROM now_sec"), order_by=_SECTION_ORDER, labels=labels)


def groups_q(period: Period | str, level: str, *, rules: WaterRules = WaterRules(),
             source: str = "prefer_manual", province_code: str = "province",
             labels: dict[str, str] | None = None) -> Q:
    """One row per group of sections over ``period`` (see ``assess_groups``)."""
    ctes = section_ctes(period, rules=rules, source=source) + group_ctes(
        level, rules=rules, province_code=province_code)
    return statement(ctes, Q("SELECT * FROM now_grp"), order_by="group_key", labels=labels)


def assessment_q(period: Period | str, level: str, *, rules: WaterRules = WaterRules(),
                 source: str = "prefer_manual", province_code: str = "province",
                 labels: dict[str, str] | None = None) -> Q:
    """``period`` at ``level`` (section | city | basin | province) with the same period of the
    previous year (``Period.previous_year()``) and the change between them (§2.7 [M]).

    Sections add prev_class, prev_grade and change (same grade 无明显变化, one grade
    有所好转/变差, two or more 明显…); groups add prev_excellent_pct, prev_inferior_v_pct,
    delta_excellent (ΔG), delta_inferior_v (ΔD) and change (from ΔG − ΔD, ``change_sql``).
    """
    p = parse_period(period)
    ctes = []
    for tag, q in (("now", p), ("prev", p.previous_year())):
        ctes += section_ctes(q, tag=tag, rules=rules, source=source)
        if level != "section":
            ctes += group_ctes(level, tag=tag, rules=rules, province_code=province_code)
    if level == "section":
        grades = "[" + ", ".join(f"'{g}'" for g in m11.GRADES) + "]"
        gn, gp = f"list_position({grades}, n.grade)", f"list_position({grades}, p.grade)"
        select = f"""
            SELECT n.*, p.class_computed AS prev_class, p.grade AS prev_grade,
                CASE WHEN n.grade IS NULL OR p.grade IS NULL THEN NULL
                     WHEN {gn} = {gp} THEN '无明显变化'
                     WHEN abs({gn} - {gp}) = 1 THEN
                        CASE WHEN {gn} < {gp} THEN '有所好转' ELSE '有所变差' END
                     ELSE CASE WHEN {gn} < {gp} THEN '明显好转' ELSE '明显变差' END END AS change
            FROM now_sec n LEFT JOIN prev_sec p ON p.code = n.code"""
        order = _SECTION_ORDER
    else:
        x = "(n.excellent_pct - p.excellent_pct) - (n.inferior_v_pct - p.inferior_v_pct)"
        select = f"""
            SELECT n.*, p.excellent_pct AS prev_excellent_pct,
                p.inferior_v_pct AS prev_inferior_v_pct,
                n.excellent_pct - p.excellent_pct AS delta_excellent,
                n.inferior_v_pct - p.inferior_v_pct AS delta_inferior_v,
                {change_sql(x, rules)} AS change
            FROM now_grp n LEFT JOIN prev_grp p ON p.group_key IS NOT DISTINCT FROM n.group_key"""
        order = "group_key"
    return statement(ctes, Q(select), order_by=order, labels=labels)


# ---- executed on a connection ----------------------------------------------------------------
def section_means(con: duckdb.DuckDBPyConnection, period: Period | str, *,
                  rules: WaterRules = WaterRules(), source: str = "prefer_manual"
                  ) -> pd.DataFrame:
    """Mean concentration per section and parameter over ``period``.

    Columns: section_code, parameter, value (mean [mg/L; pH; ℃; 个/L]), n (samples),
    n_below_detection.
    """
    return run(con, means_q(period, rules=rules, source=source))


def assess_sections(con: duckdb.DuckDBPyConnection, period: Period | str, *,
                    rules: WaterRules = WaterRules(), source: str = "prefer_manual",
                    labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Class of every section over ``period`` from its mean concentrations.

    One row per configured or registered section (sections without data, or with fewer
    samplings than the period needs, have NULL class). Target class: the row for the period's
    (first) year, else the row with year NULL.
    Columns: code, name, city_code, basin, river, water_body, water_body_assumed, control_level,
    drinking_source, supply_volume, target_class, class_computed, grade, class_items, exceed,
    main_pollutants, meets_target, exceed_target, reference_classes, n_assessed, n_samples.
    """
    return run(con, sections_q(period, rules=rules, source=source, labels=labels))


def assess_groups(con: duckdb.DuckDBPyConnection, period: Period | str, level: str, *,
                  rules: WaterRules = WaterRules(), source: str = "prefer_manual",
                  province_code: str = "province",
                  labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Proportions and grade per group of sections (``level``: city | basin | province).

    Columns: group_key, n_sections (with a class), n_excellent, excellent_pct, n_inferior_v,
    inferior_v_pct, grade, grade_method ('proportion' or 'mean concentration'), class_of_means
    (groups below the proportion threshold), main_pollutants, n_drinking,
    n_drinking_compliant, drinking_rate_count, drinking_rate_volume.
    """
    return run(con, groups_q(period, level, rules=rules, source=source,
                             province_code=province_code, labels=labels))


def assess_with_change(con: duckdb.DuckDBPyConnection, period: Period | str, level: str, *,
                       rules: WaterRules = WaterRules(), source: str = "prefer_manual",
                       province_code: str = "province",
                       labels: dict[str, str] | None = None) -> pd.DataFrame:
    """``assessment_q`` executed: the period, last year's same period and the change."""
    return run(con, assessment_q(period, level, rules=rules, source=source,
                                 province_code=province_code, labels=labels))


def change_sql(x_expr: str, rules: WaterRules = WaterRules()) -> str:
    """CASE expression (§2.7 [M]): change of a group between two periods from
    x = ΔG − ΔD (percentage points): |x| ≤ 10 无明显变化, ≤ 20 有所好转/变差, else 明显好转/变差
    (boundaries inclusive of the milder category unless ``change_boundary_inclusive`` is False).
    """
    lo, hi = (float(v) for v in rules.change_thresholds)
    op = "<=" if rules.change_boundary_inclusive else "<"
    return (f"CASE WHEN ({x_expr}) IS NULL THEN NULL WHEN abs({x_expr}) {op} {lo} THEN '无明显变化' "
            f"WHEN abs({x_expr}) {op} {hi} THEN CASE WHEN ({x_expr}) > 0 THEN '有所好转' "
            f"ELSE '有所变差' END ELSE CASE WHEN ({x_expr}) > 0 THEN '明显好转' ELSE '明显变差' "
            "END END")
