"""One pass where the service would plan the same steps twice (:mod:`qingshan.air.service`).

With the daily rows (:mod:`qingshan.air.daily`, fused statements of :mod:`qingshan.air.views`)
an assessment costs little to execute and much to plan: the size of its statement is its cost.
The same figures from fewer steps:

* :func:`city_indices` — the city statistics, day counts and indices of a period (the plan's
  city steps + ``index_sql``) are computed once per store state and process and kept (an
  Arrow table, as every eager step is kept): the city answer, its previous year (YoY, with the
  period's denominators) and the province's mean of the city indices read the same rows;
* the previous year as further codes: when both periods need the same valid days and months
  (what the period statistics take from the period besides its first day) and the stored day
  AQI is each period's own, the previous year's daily rows join the period's with each code
  suffixed (:data:`_LAST`), one chain computes both, and the suffixed rows are the previous
  year's units (:func:`city_indices`, :func:`province_pair`, :func:`station_pair`).

``tests/api/test_daily.py`` asserts frame equality with the hourly chain; 36 level x period
frames of the demo store equal those of the tree before (``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import pyarrow as pa
import pyarrow.compute as pc

from qingshan.air import service as svc
from qingshan.air.engine import statistics as st
from qingshan.air.engine.ranking import index_sql
from qingshan.air.rules import AirRules, min_valid_days
from qingshan.air.versions import db_path
from qingshan.config import ProvinceConfig
from qingshan.core.periods import Period
from qingshan.core.sqlkit import quote_ident

__all__ = ["before", "city_indices", "city_index", "province_pair", "station_pair"]


#: the city indices of a period (the rows of :func:`city_index`), kept per process by the
#: store state they were computed from (``put.rows.state``) and everything their SQL depends on
_CITY_INDEX: OrderedDict[tuple, pa.Table] = OrderedDict()
_CITY_INDEX_LOCK = threading.Lock()


def _arrow(put, name: str) -> pa.Table:
    """The rows of the recorded step ``name`` of a fused call, now, as an Arrow table: the
    statement :meth:`qingshan.air.views.Views.frame` would run for ``SELECT * FROM name``
    (:meth:`~qingshan.air.views.Views.arrow`)."""
    return put.arrow(f"SELECT * FROM {quote_ident(name)}")


def _city_key(put, per: Period, rules: AirRules, den: dict, prov: ProvinceConfig,
              city_method: str) -> tuple | None:
    state = getattr(put.rows, "state", None) if put.fused else None
    if state is None:
        return None
    # the store's file leads the key: two stores of the same shape (copies, then each changed
    # alike in count, batches and span) never share indices; a store in memory keeps them for
    # its connection only
    where = db_path(put.con) or ("memory", id(put.con))
    return (where, state, prov.code, repr(prov.air), repr(sorted(prov.composite_weights.items())),
            per.label, repr(rules), repr(sorted(den.items())), city_method)


def _city_steps(put, con, per, rules, den, prov, city_method) -> str:
    rows = svc._period_rows(put, con, "city", per, rules, prov, city_method)
    return put("idx", index_sql(rows, den, prov.composite_weights))


def city_indices(put, con, pers: list[tuple[Period, AirRules]], den: dict,
                  prov: ProvinceConfig, city_method: str) -> None:
    """Compute the city indices (:func:`city_index`) of the periods ``pers`` (each with its
    rules) not kept yet — all in one statement, the rows of each tagged by its position."""
    keys = [_city_key(put, p, r, den, prov, city_method) for p, r in pers]
    with _CITY_INDEX_LOCK:
        todo = [(k, p, r) for k, (p, r) in zip(keys, pers) if k is not None
                and k not in _CITY_INDEX]
    if not todo:
        return
    if len(todo) == 2 and _one_pass(put, todo, city_method):
        got = _two_in_one(put, con, todo, den, prov, city_method)
    else:
        names = [_city_steps(put, con, p, r, den, prov, city_method) for _, p, r in todo]
        union = " UNION ALL ".join(f"SELECT {i} AS _qs_k, * FROM {n}"
                                   for i, n in enumerate(names))
        both = _arrow(put, put("idx_all", union))
        got = [both.filter(pc.equal(both["_qs_k"], i)).drop_columns(["_qs_k"])
               for i in range(len(todo))]
    with _CITY_INDEX_LOCK:
        for (k, _, _), table in zip(todo, got):
            # in code order: the province's mean of these indices sums them in one order
            _CITY_INDEX[k] = table.sort_by("code")
        while len(_CITY_INDEX) > 512:
            _CITY_INDEX.popitem(last=False)


#: the suffix of the previous year's city codes while both periods run as one chain
_LAST = "|last"


def _one_pass(put, todo, city_method: str) -> bool:
    """Whether the city chain of the first period computes the second's cities too (as
    further codes, :func:`_two_in_one`) with their own figures: the daily rows' day AQI is
    that of each period's rules (``DailyRows.same_aqi``), both need the same valid days
    (the one number besides the first day that the chain's period statistics take from the
    period) and have the same number of months; the chain's other uses of the rules (AQI
    of hours, limits of compliance, ranking) are steps the indices do not read."""
    (_, a, ra), (_, b, rb) = todo
    return (city_method == "hourly" and put.rows.same_aqi(a, ra) and put.rows.same_aqi(b, rb)
            and min_valid_days(a, ra) == min_valid_days(b, rb)
            and len(a.months()) == len(b.months()))


def _two_in_one(put, con, todo, den, prov, city_method) -> list[pa.Table]:
    """The city indices of two periods (:func:`_one_pass`) from one chain: the second
    period's daily rows join the first's with each code suffixed (``DailyRows.companion``);
    the suffixed rows are the second period's cities, their ``period_start`` its own."""
    (_, a, ra), (_, b, _) = todo
    put.rows.companion = (b, _LAST)
    try:
        name = _city_steps(put, con, a, ra, den, prov, city_method)
    finally:
        put.rows.companion = None
    both = _arrow(put, name)
    last = pc.ends_with(both["code"], _LAST)
    own, other = both.filter(pc.invert(last)), both.filter(last)
    codes = pc.utf8_slice_codeunits(other["code"], 0, -len(_LAST))
    i = other.schema.get_field_index("code")
    other = other.set_column(i, other.schema.field(i), codes)
    j = other.schema.get_field_index("period_start")
    start = pa.array([b.start] * other.num_rows, other.schema.field(j).type)
    return [own, other.set_column(j, other.schema.field(j), start)]


def province_pair(put, con, per: Period, prev: Period, prov: ProvinceConfig
                   ) -> tuple[str | None, str | None]:
    """The province series' statistics, day counts and indices of ``per`` and of its
    previous year ``prev`` (with ``per``'s denominators, as the YoY reads them) from one
    chain of steps — the previous year's rows as a further code, suffixed — when that gives
    each its own figures: the province series on the daily rows (fused), both periods needing
    the same valid days and months (what the period statistics take from the period besides
    its first day); each period's day AQI is its own (``service._daily``). Else ``(None,
    None)``: each period its own steps (``service._period_rows``)."""
    rc, rp = svc.period_rules(per, prov), svc.period_rules(prev, prov)
    if not (put.fused and prov.air.province_figures == "province_series"
            and min_valid_days(per, rc) == min_valid_days(prev, rp)
            and len(per.months()) == len(prev.months())):
        return None, None
    dc, ac = svc._daily(put, con, "province", per.start, per.end, None, prov)
    dp, ap = svc._daily(put, con, "province", prev.start, prev.end, None, prov)
    tag = f"'{_LAST}'"
    daily = put("dstats_both", f"SELECT * FROM {dc} UNION ALL SELECT code || {tag} AS code, "
                               f"* EXCLUDE (code) FROM {dp}")
    aqi = put("aqi_both", f"SELECT code, date, aqi, aqi_valid FROM {ac} UNION ALL "
                          f"SELECT code || {tag} AS code, date, aqi, aqi_valid FROM {ap}")
    rows = svc._join_rows(
        put, put("stats", st.period_stats_sql(daily, start=per.start,
                                              min_days=min_valid_days(per, rc),
                                              months=len(per.months()))),
        put("days", st.day_counts_sql(aqi, start=per.start)))
    both = put("idx_both", index_sql(rows, rc.ranking_denominators, prov.composite_weights))
    own = put("idx", f"SELECT * FROM {both} WHERE NOT ends_with(code, {tag})")
    # the previous year's row: its code without the suffix (its period_start, the chain's
    # one literal, is read by nothing after the indices)
    last = put("idx", f"SELECT * REPLACE (left(code, length(code) - {len(_LAST)}) AS code) "
                      f"FROM {both} WHERE ends_with(code, {tag})")
    return own, last


def station_pair(put, con, per: Period, prev: Period, prov: ProvinceConfig
                  ) -> tuple[str | None, str | None]:
    """The stations' statistics, day counts and indices of ``per`` and of its previous year
    (with ``per``'s denominators) from one chain of the plan's station steps, the previous
    year's daily rows joined as further, suffixed codes (``DailyRows.companion``) — under
    the conditions of :func:`_one_pass`; else ``(None, None)``. The province's own stations
    are kept after the indices (a row's indices are its own)."""
    rc, rp = svc.period_rules(per, prov), svc.period_rules(prev, prov)
    same = getattr(put.rows, "same_aqi", None)
    if not (put.fused and same is not None and same(per, rc) and same(prev, rp)
            and min_valid_days(per, rc) == min_valid_days(prev, rp)
            and len(per.months()) == len(prev.months())):
        return None, None
    put.rows.companion = (prev, _LAST)
    try:
        kept = put.plan(per, rc, "station", prov) + "station"
    finally:
        put.rows.companion = None
    rows = svc._join_rows(put, f"{kept}_year", f"{kept}_days")
    both = put("idx_both", index_sql(rows, rc.ranking_denominators, prov.composite_weights))
    tag = f"'{_LAST}'"
    own = (f"(SELECT code FROM station WHERE province = "
           f"(SELECT name_zh FROM {svc._prov(put, prov)}))")
    cur = put("idx", f"SELECT * FROM {both} WHERE NOT ends_with(code, {tag}) "
                     f"AND code IN {own}")
    last = put("idx", f"SELECT * FROM (SELECT * REPLACE (left(code, length(code) - "
                      f"{len(_LAST)}) AS code) FROM {both} WHERE ends_with(code, {tag})) AS _l "
                      f"WHERE code IN {own}")
    return cur, last


def before(put, con, level: str, per: Period, prev: Period, last: bool,
           prov: ProvinceConfig, city_method: str) -> tuple[str | None, str | None]:
    """What ``service.assess`` computes before its answer: the city indices of the period
    and of its previous year (``last``: it has data; with the period's denominators) in one
    statement when the answer reads them (level city, or the province's mean of the city
    indices), and the (period, previous year) indices of the province series or stations from
    one chain (:func:`province_pair`, :func:`station_pair`; ``(None, None)``: not so)."""
    if level == "city" or (level == "province" and
                           prov.air.province_index == "mean_of_cities"):
        rules = svc.period_rules(per, prov)
        city_indices(put, con, [(per, rules)] + (
            [(prev, svc.period_rules(prev, prov))] if last else []),
            rules.ranking_denominators, prov, city_method)
    if last and level == "province":
        return province_pair(put, con, per, prev, prov)
    if last and level == "station":
        return station_pair(put, con, per, prev, prov)
    return None, None


def city_index(put, con, per: Period, rules: AirRules, den: dict, prov: ProvinceConfig,
                city_method: str) -> str:
    """The city statistics, day counts and indices of ``per`` (``service._period_rows`` of
    level city, ``index_sql`` with denominators ``den``): the one computation that the city
    answer, its previous year (YoY, with this period's denominators) and the province's mean of the
    city indices read — on the daily rows (``put.rows`` with a ``state``) computed once per
    store state and process (:func:`city_indices`) and read back as values, the same rows in
    the same types (an Arrow table, as every eager step is kept); otherwise a step of the
    call."""
    key = _city_key(put, per, rules, den, prov, city_method)
    if key is None:
        return _city_steps(put, con, per, rules, den, prov, city_method)
    city_indices(put, con, [(per, rules)], den, prov, city_method)
    with _CITY_INDEX_LOCK:
        table = _CITY_INDEX[key]
        _CITY_INDEX.move_to_end(key)
    return put.values("cidx", table)
