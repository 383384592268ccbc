"""Water-quality classes as table computations (DuckDB SQL over whole tables).

Single-factor classification by GB 3838-2002 Table 1 and the 2011 assessment method
(环办〔2011〕22号), and by GB 3097-1997 for coastal water. The standard's limits become a long
table ``(parameter, water_body, class, lo, lo_strict, hi)``; a value's class is the **best**
(smallest) class whose row it satisfies — inclusive comparisons ``lo ≤ value ≤ hi`` (strict
``lo < value`` where ``lo_strict``) — so that classes sharing a limit give the best of them
(spec/water.md §1 rule 1: COD ≤ 15 is class I); a value meeting no class is the inferior class
(劣V = 6 for GB 3838, 劣四类 = 5 for GB 3097). pH inside 6–9 satisfies every class (class I);
outside it nothing (劣V) (§1 rule 2). Values are compared as given (no 修约 before comparing:
the statistics rule that would define it is unverified, spec §1 rule 4).

The section class is the worst class over the assessed items present (§2.3 single-factor method);
main pollutants and exceedance multiples follow §2.6 (all [M], configurable in ``WaterRules``,
:mod:`qingshan.water.rules`).

The SQL builders read the lookup tables ``_wq_lim38``, ``_wq_lim97`` and ``_wq_param`` as CTEs
of the statement (:func:`qingshan.water.engine.sql.statement`), never as registered relations.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from qingshan.core.sqlkit import known_name
from qingshan.core.rounding import gbt8170_sql
from qingshan.water.standards import gb3097_1997 as g97
from qingshan.water.standards import gb3838_2002 as g38
from qingshan.water.rules import WaterRules

__all__ = [
    "WaterRules", "gb3838_limits", "gb3097_limits", "param_table", "item_class_sql",
    "sample_class_sql", "classify_long", "PARAM_LABELS_ZH",
]

#: Chinese labels of all parameters qingshan knows (GB 3838 Table 1, auto-station extras, GB 3097)
PARAM_LABELS_ZH = {
    **{k: v[1] for k, v in g38.ITEMS.items()},
    "conductivity": "电导率", "turbidity": "浊度", "chla": "叶绿素α", "algae_density": "藻密度",
    "din": "无机氮", "nh3_nonionic": "非离子氨", "phosphate": "活性磷酸盐", "no3n": "硝酸盐氮",
    "no2n": "亚硝酸盐氮", "transparency": "透明度", "salinity": "盐度",
}


def gb3838_limits() -> pd.DataFrame:
    """GB 3838-2002 Table 1 as a long table, one row per (parameter, water body, class).

    TP uses the river or lake/reservoir column (item 8); TN (item 9) exists for lakes only;
    DO is a lower limit (≥); pH is the range 6–9 for every class. Water temperature has no row.
    """
    rows = []
    for body in g38.WATER_BODIES:
        for p, lim in g38.UPPER_LIMITS.items():
            rows += [(p, body, k + 1, None, False, float(x)) for k, x in enumerate(lim)]
        tp = g38.TP_RIVER if body == "river" else g38.TP_LAKE
        rows += [("tp", body, k + 1, None, False, float(x)) for k, x in enumerate(tp)]
        if body == "lake":
            rows += [("tn", body, k + 1, None, False, float(x)) for k, x in enumerate(g38.TN_LAKE)]
        for p, lim in g38.LOWER_LIMITS.items():
            rows += [(p, body, k + 1, float(x), False, None) for k, x in enumerate(lim)]
        lo, hi = g38.PH_RANGE
        rows += [("ph", body, k, lo, False, hi) for k in range(1, 6)]
    return pd.DataFrame(rows, columns=["parameter", "water_body", "class", "lo", "lo_strict", "hi"])


def gb3097_limits() -> pd.DataFrame:
    """GB 3097-1997 Table 1 (items used for coastal assessment) as a long table, water_body 'sea'.

    DO is a strict lower limit (> 6, 5, 4, 3); pH ranges per class; others ≤.
    """
    rows = []
    for p, lim in g97.UPPER_LIMITS.items():
        rows += [(p, "sea", k + 1, None, False, float(x)) for k, x in enumerate(lim)]
    rows += [("do", "sea", k + 1, float(x), True, None) for k, x in enumerate(g97.DO_LOWER_STRICT)]
    rows += [("ph", "sea", k + 1, lo, False, hi) for k, (lo, hi) in enumerate(g97.PH_RANGES)]
    return pd.DataFrame(rows, columns=["parameter", "water_body", "class", "lo", "lo_strict", "hi"])


def param_table(labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Parameters in display order (GB 3838 Table 1 order, then the others): parameter, label
    (``labels``, default the code), ord."""
    order = list(g38.ITEMS) + [p for p in PARAM_LABELS_ZH if p not in g38.ITEMS]
    lab = labels if labels is not None else {p: p for p in order}
    return pd.DataFrame({"parameter": order, "label": [lab.get(p, p) for p in order],
                         "ord": list(range(len(order)))})


def _in(items) -> str:
    """SQL list of parameter codes. Only the engine's own codes (``PARAM_LABELS_ZH``) are
    accepted — they are constants, so they may be written into the SQL text; anything else
    (e.g. a rule configured with an unknown item) is refused, never quoted into SQL."""
    return "(" + ", ".join(f"'{known_name(str(i), PARAM_LABELS_ZH)}'" for i in items) + ")" \
        if items else "(NULL)"


def item_class_sql(source_sql: str, *, standard: str = "gb3838", target: bool = False,
                   rules: WaterRules = WaterRules()) -> str:
    """SQL classifying every row of ``source_sql`` (columns …, parameter, value, water_body
    [, target_class]) by single factor.

    Adds ``class`` (NULL when the value is NULL or the parameter has no limits for that water
    body; water_body NULL counts as river), ``limit_iii`` (class III upper limit) and
    ``exceed_iii`` = (C − C_III) / C_III for rows worse than class III, except water temperature,
    pH and DO (spec §2.6). With ``target``: ``limit_target`` and ``exceed_target`` =
    (C − C_target) / C_target where C exceeds the target class's upper limit, and
    ``over_target`` (class > target_class).
    """
    lim = "_wq_lim38" if standard == "gb3838" else "_wq_lim97"
    worst = g38.INFERIOR_V if standard == "gb3838" else g97.INFERIOR
    body = "coalesce(CAST(v.water_body AS VARCHAR), 'river')" if standard == "gb3838" else "'sea'"
    tgt_cols = tgt_join = ""
    if target:
        tgt_cols = (", lt.hi AS limit_target, CASE WHEN v.value > lt.hi AND lt.hi > 0 AND "
                    f"v.parameter NOT IN {_in(rules.no_exceedance)} THEN (v.value - lt.hi) / lt.hi "
                    "END AS exceed_target")
        tgt_join = (f"LEFT JOIN {lim} lt ON lt.parameter = v.parameter AND lt.water_body = {body} "
                    "AND lt.class = v.target_class")
    return f"""
    WITH v AS (SELECT *, row_number() OVER () AS _rid FROM ({source_sql}) s),
    m AS (
        SELECT v._rid, min(l.class) AS cls
        FROM v JOIN {lim} l ON l.parameter = v.parameter AND l.water_body = {body}
            AND (l.lo IS NULL OR v.value > l.lo OR (NOT l.lo_strict AND v.value = l.lo))
            AND (l.hi IS NULL OR v.value <= l.hi)
        GROUP BY v._rid),
    c AS (SELECT DISTINCT parameter, water_body FROM {lim}),
    k AS (
        SELECT v.* EXCLUDE (_rid),
            CASE WHEN v.value IS NULL OR c.parameter IS NULL THEN NULL
                 ELSE coalesce(m.cls, {worst}) END AS class,
            l3.hi AS limit_iii {tgt_cols}
        FROM v LEFT JOIN m ON m._rid = v._rid
        LEFT JOIN c ON c.parameter = v.parameter AND c.water_body = {body}
        LEFT JOIN {lim} l3 ON l3.parameter = v.parameter AND l3.water_body = {body}
            AND l3.class = 3
        {tgt_join})
    SELECT *,
        CASE WHEN class > 3 AND parameter NOT IN {_in(rules.no_exceedance)} AND limit_iii > 0
             THEN (value - limit_iii) / limit_iii END AS exceed_iii
        {", class > target_class AS over_target" if target else ""}
    FROM k"""


def _fmt(expr: str, d: int) -> str:
    """Text of ``expr`` rounded per GB/T 8170 to ``d`` decimals: the DOUBLE of the exactly rounded
    decimal, printed as its shortest form (1.35, 1.0, 0.2; never 0.20000000000000001)."""
    return f"CAST({gbt8170_sql(expr, d)} AS VARCHAR)"


def sample_class_sql(items_sql: str, keys: list[str], *, target: bool = False,
                     rules: WaterRules = WaterRules()) -> str:
    """SQL of one row per ``keys`` from classified items (``item_class_sql``): the class.

    Columns: keys, ``class_computed`` = worst class over the assessed items present (NULL when
    none is present; §2.3), ``n_assessed``, ``class_items`` (labels of the items at that class),
    ``exceed`` ("label:multiple; …" for items worse than class III, largest multiple first),
    ``main_pollutants`` (for a result worse than class III: up to ``main_pollutant_max`` items
    of the worst classes, ties by exceedance multiple, plus cyanide/heavy metals worse than
    class III; "label(multiple)"), and with ``target``: ``target_class``, ``meets_target``,
    ``exceed_target`` ("label:multiple" of items above the target class limits);
    ``reference_classes`` ("label:class" of the reference items assessed separately — TN of
    lakes, fecal coliform; §2.1 [M]).
    """
    k = ", ".join(keys)

    def on(alias: str) -> str:
        return " AND ".join(f"{alias}.{c} IS NOT DISTINCT FROM a.{c}" for c in keys)

    d = int(rules.exceed_decimals)              # numbers of the rules: written as integers
    above = int(rules.main_pollutant_above_class)
    tsel = ""
    if target:
        tsel = (", any_value(target_class) AS target_class, max(class) <= any_value(target_class)"
                " AS meets_target, string_agg(CASE WHEN over_target THEN label || coalesce(':' || "
                f"{_fmt('exceed_target', d)}, '') END, '; ' ORDER BY exceed_target DESC NULLS LAST,"
                " ord) AS exceed_target")
    return f"""
    WITH i AS ({items_sql}),
    a AS (
        SELECT i.*, coalesce(p.label, i.parameter) AS label, coalesce(p.ord, 999) AS ord,
            max(i.class) OVER (PARTITION BY {", ".join("i." + c for c in keys)}) AS worst
        FROM i LEFT JOIN _wq_param p ON p.parameter = i.parameter
        WHERE i.class IS NOT NULL AND i.parameter IN {_in(rules.assessed_items)}),
    r AS (
        SELECT *, row_number() OVER (PARTITION BY {k} ORDER BY class DESC,
            exceed_iii DESC NULLS LAST, ord) AS rk
        FROM a WHERE class > {above}),
    mp AS (
        SELECT {k}, string_agg(label || coalesce('(' || {_fmt('exceed_iii', d)} || ')', ''), ','
            ORDER BY rk) AS main_pollutants
        FROM r WHERE rk <= {int(rules.main_pollutant_max)}
            OR parameter IN {_in(rules.always_listed)}
        GROUP BY {k}),
    agg AS (
        SELECT {k}, max(class) AS class_computed, count(*) AS n_assessed,
            string_agg(CASE WHEN class = worst THEN label END, ',' ORDER BY ord) AS class_items,
            string_agg(CASE WHEN exceed_iii IS NOT NULL THEN label || ':' ||
                {_fmt('exceed_iii', d)} END, '; ' ORDER BY exceed_iii DESC, ord) AS exceed
            {tsel}
        FROM a GROUP BY {k}),
    rfc AS (
        SELECT {", ".join("i." + c for c in keys)}, string_agg(coalesce(p.label, i.parameter) ||
            ':' || CAST(i.class AS VARCHAR), '; ' ORDER BY p.ord) AS reference_classes
        FROM i LEFT JOIN _wq_param p ON p.parameter = i.parameter
        WHERE i.class IS NOT NULL AND i.parameter IN {_in(rules.reference_items)}
        GROUP BY ALL)
    SELECT a.*, x.main_pollutants, y.reference_classes FROM agg a LEFT JOIN mp x ON {on("x")}
    LEFT JOIN rfc y ON {on("y")}"""


def classify_long(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, keys: list[str], *,
                  standard: str = "gb3838", target: bool = False,
                  rules: WaterRules = WaterRules(),
                  labels: dict[str, str] | None = None,
                  limits: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classify a long table of values; returns (items, per-key classes) as DataFrames.

    ``df`` columns: ``keys``, parameter, value, water_body (and target_class with ``target``).
    ``limits`` replaces the bundled limit table of ``standard``. ``df`` is registered on ``con``
    (as an Arrow table, ``_wq_in``) for this call only; pass a connection of your own (e.g.
    ``duckdb.connect()``), never the store's.
    """
    import pyarrow as pa

    from qingshan.water.engine.sql import Q, run, statement

    lim = {standard: limits}
    isql = item_class_sql("SELECT * FROM _wq_in", standard=standard, target=target, rules=rules)
    con.register("_wq_in", pa.Table.from_pandas(df, preserve_index=False))
    try:
        items = run(con, statement([], Q(isql), labels=labels, **lim))
        samples = run(con, statement([], Q(sample_class_sql(isql, keys, target=target,
                                                            rules=rules)), labels=labels, **lim))
    finally:
        con.unregister("_wq_in")
    return items, samples
