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
``water_section_target``), composed of CTEs named by a tag. The period and the same period of
last year are computed in one pass — one set of CTEs whose rows carry their period's key
(column ``pk``: ``now``, ``prev``) — and several group levels likewise (column ``lv``), so the
statement's size (its optimizer time is most of a call) does not grow with them. Means are
averaged in a fixed order (sample time; sections by code), so the doubles do not depend on the
plan. Nothing is kept between calls.
"""

from __future__ import annotations

import re
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


def _tag(name: str) -> str:
    """A CTE prefix / period key: the code's own identifiers only (written into the SQL)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,15}", name):
        raise ValueError(f"not a tag: {name!r}")
    return name


def _periods(period) -> dict[str, Period]:
    if isinstance(period, dict):
        return {_tag(k): parse_period(v) for k, v in period.items()}
    return {}


def section_ctes(period: Period | str | dict, *, tag: str = "now",
                 rules: WaterRules = WaterRules(), source: str = "prefer_manual") -> list[Q]:
    """CTEs ``{tag}_per`` (the periods), ``{tag}_m`` (means per section and parameter),
    ``{tag}_n`` (samplings per section), ``{tag}_tg`` (target class of each section for the
    period's (first) year, else the row with year NULL), ``{tag}_items`` (the means of sections
    with enough samplings, classified by single factor), ``{tag}_c`` (class per section) and
    ``{tag}_sec`` (one row per section: class, grade, … — the columns of ``assess_sections``).

    ``period`` is one period, or a dict of several ``{key: period}`` (e.g. ``{"now": p,
    "prev": p.previous_year()}``) assessed in one pass: every row then carries its period's key
    in the column ``pk`` (one period: ``pk`` = ``tag``)."""
    t = _tag(tag)
    per = _periods(period) or {t: parse_period(period)}
    f = float(rules.non_detect_factor)
    src = _source_filter(source)
    params = merge(src.params, *(period_params(k, p) for k, p in per.items()),
                   {f"{k}_year": p.start.year for k, p in per.items()})
    pers = " UNION ALL ".join(f"SELECT '{k}' AS pk, ${k}_year AS yr" for k in per)
    scan = " UNION ALL ".join(
        f"SELECT '{k}' AS pk, section_code, parameter, sample_time, value, below_detection, "
        f"detection_limit, source FROM water_sample WHERE sample_time >= CAST(${k}_start AS DATE) "
        f"AND sample_time < CAST(${k}_stop AS DATE)" for k in per)
    mins = {k: rules.min_samples_for(p.kind) for k, p in per.items()}
    nmin = (str(next(iter(mins.values()))) if len(set(mins.values())) == 1 else
            "CASE n.pk " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in mins.items()) + " END")
    # means per section and parameter: the samples are grouped by source too (one source per
    # section is used except with source='all'), so that "has manual samples" is a property of
    # the groups (a sample without a usable value still counts, as a group with n = 0)
    valid = "(value IS NOT NULL OR (below_detection AND detection_limit IS NOT NULL))"
    by_source = "" if source == "all" else ", source"
    has_manual = ("" if source == "all" else
                  ", bool_or(source = 'manual') OVER (PARTITION BY pk, section_code) AS has_manual")
    ctes = [Q(f"{t}_per AS MATERIALIZED ({pers})", params), Q(f"""{t}_m AS MATERIALIZED (
        WITH g AS (
            SELECT pk, section_code, parameter{by_source},
                avg(CASE WHEN below_detection THEN detection_limit * {f} ELSE value END
                    ORDER BY sample_time, source) FILTER (WHERE {valid}) AS value,
                count(*) FILTER (WHERE {valid}) AS n,
                count(*) FILTER (WHERE {valid} AND below_detection) AS n_below_detection
            FROM ({scan}) u GROUP BY ALL),
        h AS (SELECT *{has_manual} FROM g)
        SELECT pk, section_code, parameter, value, n, n_below_detection
        FROM h WHERE n > 0 AND {src.sql})"""),
        Q(f"""{t}_n AS MATERIALIZED (SELECT pk, section_code, max(n) AS n_samples FROM {t}_m
            GROUP BY pk, section_code)"""),
        Q(f"""{t}_tg AS MATERIALIZED (
            SELECT y.pk, tt.section_code,
                first(tt.target_class ORDER BY tt.year NULLS LAST) AS target_class
            FROM {t}_per y JOIN water_section_target tt ON tt.year = y.yr OR tt.year IS NULL
            GROUP BY y.pk, tt.section_code)""")]
    secin = f"""SELECT m.pk, m.section_code, m.parameter, m.value, w.water_body,
            tg.target_class
        FROM {t}_m m JOIN water_section w ON w.code = m.section_code
        JOIN {t}_n n ON n.pk = m.pk AND n.section_code = m.section_code
        LEFT JOIN {t}_tg tg ON tg.pk = m.pk AND tg.section_code = m.section_code
        WHERE n.n_samples >= {nmin}"""
    ctes.append(Q(f"{t}_items AS MATERIALIZED ("
                  f"{item_class_sql(secin, target=True, rules=rules)})"))
    csql = sample_class_sql(f"SELECT * FROM {t}_items", ["pk", "section_code"], target=True,
                            rules=rules)
    ctes.append(Q(f"{t}_c AS MATERIALIZED ({csql})"))
    ctes.append(Q(f"""{t}_sec AS MATERIALIZED (
        SELECT y.pk, w.code, w.name, w.city_code, w.basin, w.river,
            coalesce(w.water_body, 'river') AS water_body, w.water_body IS NULL AS
            water_body_assumed, w.control_level, w.drinking_source, w.supply_volume,
            tg.target_class,
            c.class_computed, {grade_sql('c.class_computed')} AS grade, c.class_items, c.exceed,
            c.main_pollutants, c.meets_target, c.exceed_target, c.reference_classes,
            c.n_assessed, n.n_samples
        FROM {t}_per y CROSS JOIN water_section w
        LEFT JOIN {t}_c c ON c.pk = y.pk AND c.section_code = w.code
        LEFT JOIN {t}_n n ON n.pk = y.pk AND n.section_code = w.code
        LEFT JOIN {t}_tg tg ON tg.pk = y.pk AND tg.section_code = w.code)"""))
    return ctes


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


#: join of two group rows: same period key, level and group
_SAME_GROUP = "{a}.pk = {b}.pk AND {a}.lv = {b}.lv AND {a}.group_key IS NOT DISTINCT FROM {b}.group_key"


def _same(a: str, b: str) -> str:
    return _SAME_GROUP.format(a=a, b=b)


def group_ctes(level: str | tuple[str, ...], *, tag: str = "now",
               rules: WaterRules = WaterRules(), province_code: str = "province") -> list[Q]:
    """CTEs over ``section_ctes(…, tag=tag)``: ``{tag}_gs`` (the sections with a class and a
    configured city, once per level with its group key), ``{tag}_gr`` (counts), ``{tag}_gm`` /
    ``{tag}_sm`` (class of the mean concentrations of small groups), ``{tag}_rate`` (main
    pollutants by section exceedance rate) and ``{tag}_grp`` (one row per period key ``pk``,
    level ``lv`` and group — the columns of ``assess_groups``). ``level`` is one level or
    several (computed in the same pass). Only sections of a configured city count: sections
    without one (e.g. registered from an automatic-station file of the national publication,
    which lists every province) appear at section level only."""
    t = _tag(tag)
    levels = (level,) if isinstance(level, str) else tuple(level)
    keys = {lv: _key(lv, "s") for lv in levels}
    kp = {"province": province_code} if "province" in levels else {}
    nmin = int(rules.proportion_min_sections)
    lvs = " UNION ALL ".join(f"SELECT '{lv}' AS lv" for lv in levels)
    key = (next(iter(keys.values())) if len(keys) == 1 else
           "CASE l.lv " + " ".join(f"WHEN '{lv}' THEN {k}" for lv, k in keys.items()) + " END")
    gs = Q(f"""{t}_gs AS MATERIALIZED (
        SELECT s.*, l.lv, {key} AS group_key
        FROM {t}_sec s CROSS JOIN ({lvs}) l
        WHERE s.class_computed IS NOT NULL AND s.city_code IS NOT NULL)""", kp)
    # the province is one row even without a section (n_sections 0), as an ungrouped count
    empty = "" if "province" not in levels else f"""
        UNION ALL SELECT y.pk, 'province', CAST($province AS VARCHAR), 0, 0, 0, 0, 0, NULL, NULL,
            NULL FROM {t}_per y
        WHERE NOT EXISTS (SELECT 1 FROM {t}_gs g WHERE g.pk = y.pk AND g.lv = 'province')"""
    gr = Q(f"""{t}_gr AS MATERIALIZED (
        SELECT pk, lv, group_key, count(*) AS n_sections,
            count(*) FILTER (WHERE class_computed <= {int(rules.excellent_max_class)})
                AS n_excellent,
            count(*) FILTER (WHERE class_computed = 6) AS n_inferior_v,
            count(*) FILTER (WHERE drinking_source) AS n_drinking,
            count(*) FILTER (WHERE drinking_source AND class_computed <=
                {int(rules.drinking_max_class)}) AS n_drinking_compliant,
            sum(supply_volume ORDER BY code) FILTER (WHERE drinking_source)
                AS drinking_volume,
            sum(supply_volume ORDER BY code) FILTER (WHERE drinking_source AND class_computed
                <= {int(rules.drinking_max_class)}) AS drinking_volume_compliant,
            bool_and(water_body = 'lake') AS all_lakes
        FROM {t}_gs GROUP BY pk, lv, group_key{empty})""")
    # groups below the threshold: class of the mean concentrations over their sections (§2.4)
    gm = f"""
        SELECT s.pk, s.lv, s.group_key, m.parameter, avg(m.value ORDER BY m.section_code) AS value,
            CASE WHEN any_value(gr.all_lakes) THEN 'lake' ELSE 'river' END AS water_body
        FROM {t}_m m JOIN {t}_gs s ON s.pk = m.pk AND s.code = m.section_code
        JOIN {t}_gr gr ON {_same('gr', 's')}
        WHERE gr.n_sections < {nmin}
        GROUP BY 1, 2, 3, 4"""
    isql = item_class_sql(gm, rules=rules)
    sm = Q(f"{t}_sm AS ({sample_class_sql(isql, ['pk', 'lv', 'group_key'], rules=rules)})")
    # groups at/above the threshold: items ranked by section exceedance rate (§2.6); an item
    # worse than the threshold class that is assessed makes its section's class non-NULL, so
    # the sections of {t}_gs are those that count
    pct = gbt8170_sql("100.0 * n_over / n_sections", 1)  # rate [%], GB/T 8170
    rate = Q(f"""{t}_rate AS (
        WITH e AS (
            SELECT s.pk, s.lv, s.group_key, i.parameter,
                count(DISTINCT i.section_code) AS n_over
            FROM {t}_items i JOIN {t}_gs s ON s.pk = i.pk AND s.code = i.section_code
            WHERE i.class > {int(rules.main_pollutant_above_class)}
                AND i.parameter IN {_in(rules.assessed_items)}
            GROUP BY ALL),
        r AS (
            SELECT e.*, gr.n_sections, coalesce(p.label, e.parameter) AS label,
                row_number() OVER (PARTITION BY e.pk, e.lv, e.group_key
                                   ORDER BY n_over DESC, p.ord) AS rk
            FROM e JOIN {t}_gr gr ON {_same('gr', 'e')}
            LEFT JOIN _wq_param p ON p.parameter = e.parameter
            WHERE gr.n_sections >= {nmin})
        SELECT pk, lv, group_key, string_agg(label || '(' || CAST({pct} AS VARCHAR) || '%)',
            ',' ORDER BY rk) AS main_pollutants
        FROM r WHERE rk <= {int(rules.main_pollutant_max)} GROUP BY pk, lv, group_key)""")
    grp = Q(f"""{t}_grp AS (
        SELECT gr.pk, gr.lv, gr.group_key, gr.n_sections, gr.n_excellent,
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
        LEFT JOIN {t}_sm sm ON {_same('sm', 'gr')}
        LEFT JOIN {t}_rate rt ON {_same('rt', 'gr')})""")
    return [gs, gr, sm, rate, grp]


# ---- statements ----------------------------------------------------------------------------
def means_q(period: Period | str, *, rules: WaterRules = WaterRules(),
            source: str = "prefer_manual") -> Q:
    """Mean concentration per section and parameter over ``period``."""
    ctes = section_ctes(period, rules=rules, source=source)[:2]      # now_per (params), now_m
    return statement(ctes, Q("SELECT * EXCLUDE (pk) FROM now_m"),
                     order_by="section_code, parameter")


def sections_q(period: Period | str, *, rules: WaterRules = WaterRules(),
               source: str = "prefer_manual", labels: dict[str, str] | None = None) -> Q:
    """One row per configured or registered section over ``period`` (see ``assess_sections``)."""
    return statement(section_ctes(period, rules=rules, source=source),
                     Q("SELECT * EXCLUDE (pk) FROM now_sec"), order_by=_SECTION_ORDER,
                     labels=labels)


def groups_q(period: Period | str, level: str, *, rules: WaterRules = WaterRules(),
             source: str = "prefer_manual", province_code: str = "province",
             labels: dict[str, str] | None = None) -> Q:
    """One row per group of sections over ``period`` (see ``assess_groups``)."""
    ctes = section_ctes(period, rules=rules, source=source) + group_ctes(
        level, rules=rules, province_code=province_code)
    return statement(ctes, Q("SELECT * EXCLUDE (pk, lv) FROM now_grp"), order_by="group_key",
                     labels=labels)


def assessment_q(period: Period | str, level: str | tuple[str, ...], *,
                 rules: WaterRules = WaterRules(), source: str = "prefer_manual",
                 province_code: str = "province",
                 labels: dict[str, str] | None = None) -> Q:
    """``period`` at ``level`` (section | city | basin | province) with the same period of the
    previous year (``Period.previous_year()``) and the change between them (§2.7 [M]), both
    periods in one pass (period keys ``now`` and ``prev``).

    Sections add prev_class, prev_grade and change (same grade 无明显变化, one grade
    有所好转/变差, two or more 明显…); groups add prev_excellent_pct, prev_inferior_v_pct,
    delta_excellent (ΔG), delta_inferior_v (ΔD) and change (from ΔG − ΔD, ``change_sql``).
    ``level`` may also be a tuple of group levels (e.g. ``("city", "province")``): their rows
    in one result, with the level first (column ``level``), ordered by level and group key.
    """
    p = parse_period(period)
    ctes = section_ctes({"now": p, "prev": p.previous_year()}, tag="w", rules=rules,
                        source=source)
    if level == "section":
        grades = "[" + ", ".join(f"'{g}'" for g in m11.GRADES) + "]"
        gn, gp = f"list_position({grades}, n.grade)", f"list_position({grades}, p.grade)"
        select = f"""
            SELECT n.* EXCLUDE (pk), p.class_computed AS prev_class, p.grade AS prev_grade,
                CASE WHEN n.grade IS NULL OR p.grade IS NULL THEN NULL
                     WHEN {gn} = {gp} THEN '无明显变化'
                     WHEN abs({gn} - {gp}) = 1 THEN
                        CASE WHEN {gn} < {gp} THEN '有所好转' ELSE '有所变差' END
                     ELSE CASE WHEN {gn} < {gp} THEN '明显好转' ELSE '明显变差' END END AS change
            FROM w_sec n LEFT JOIN w_sec p ON p.pk = 'prev' AND p.code = n.code
            WHERE n.pk = 'now'"""
        return statement(ctes, Q(select), order_by=_SECTION_ORDER, labels=labels)
    several = not isinstance(level, str)
    ctes += group_ctes(level, tag="w", rules=rules, province_code=province_code)
    x = "(n.excellent_pct - p.excellent_pct) - (n.inferior_v_pct - p.inferior_v_pct)"
    select = f"""
        SELECT {"n.lv AS level, " if several else ""}n.* EXCLUDE (pk, lv),
            p.excellent_pct AS prev_excellent_pct,
            p.inferior_v_pct AS prev_inferior_v_pct,
            n.excellent_pct - p.excellent_pct AS delta_excellent,
            n.inferior_v_pct - p.inferior_v_pct AS delta_inferior_v,
            {change_sql(x, rules)} AS change
        FROM w_grp n LEFT JOIN w_grp p ON p.pk = 'prev' AND p.lv = n.lv
            AND p.group_key IS NOT DISTINCT FROM n.group_key
        WHERE n.pk = 'now'"""
    return statement(ctes, Q(select), order_by="level, group_key" if several else "group_key",
                     labels=labels)


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
