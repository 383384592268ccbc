"""Air-quality questions: assessment, daily/hourly AQI, monthly series, city ranking.

Each function runs the SQL builders of :mod:`qingshan.air.engine` (statistics, aqi, compliance,
ranking) in the caller's DuckDB store and returns a pandas DataFrame.

Series (HJ 663, spec air-assessment §2.6): a **station** uses its own hourly series. A **city**
hourly series is the mean of its valid evaluation stations (table ``city_station``) at each hour;
every city statistic (daily means, 8-h O3, MDA8, period means, percentiles) is then computed from
that city series, as CNEMC does for O3 — one rule for all pollutants, so a station missing a few
hours never biases a daily mean. The alternative "mean of the stations' valid daily statistics"
is available as ``city_method="station_daily"``; on the 2019-H1 Shandong archive the two differ by
at most 1.9 µg/m³ (mean 0.2) in monthly city PM2.5 and 6.8 µg/m³ (mean 1.0) in monthly O3 P90. The
**province** of :func:`assess` is the mean of its cities' period results
(concentrations, ratios and day counts, re-rounded), as provincial bulletins report "全省平均";
the province series of :func:`daily_aqi` / :func:`hourly_aqi` is the mean of its city series.

Periods are :class:`qingshan.core.periods.Period` (month, quarter, half-year, year, run of
months such as ``2019-01..2019-05``); :func:`parse_period` is the core parser plus the air check.
The period figures of :func:`assess` come from the one chain of engine steps
(:func:`qingshan.air.plan.assessment_steps`, the chain ``qingshan air scale`` runs on DuckDB or
Spark), executed by a DuckDB backend on the store's connection: the same ranking to the digit.
Validity minimums are ``qingshan.air.rules.min_valid_days`` (quarters, half-years and runs: the
sum of their months' minimums, the choice stated there).

Versions by date (:func:`qingshan.air.rules.rules_for`): GB 3095-2012/HJ 663-2013/HJ 633-2012
before 2026-03-01, the 2026 family after. A period containing 2026-03-01 is assessed under the
province's transition policy (``[air] transition``, default ``period_end``,
:func:`qingshan.air.rules.rules_for_period`): each day's AQI by the HJ 633 version in force that
day, statistics, validity and compliance by the rules of the period's last day; ``refuse``
keeps the former refusal. Validity: GB 3095 Table 4 for every month of every period (27 valid
days, February 25) plus the period's total (a year 324). Only valid units are ranked
(``rank``); the others are ranked among themselves (``rank_insufficient``). Annual compliance
is given only for valid statistics (``compliant_<p>`` NULL = cannot be judged). ``data_end``
and ``to_date`` say whether the figures are "截至 …" (:func:`period_title`). Province figures
and the province index follow ``[air] province_figures`` / ``province_index`` (defaults:
the province series; the mean of the city indices). Year-on-year: only against valid statistics
of last year, whose index uses this period's denominators (``composite_index_last``) and whose
AQI days use last year's HJ 633 version, as published then. Every
result names the standards (``standard``) and the province's choices (``policy``). HJ
663-2026's new rules (three-year moving average, exceptional events) are not implemented:
2026 periods use the HJ 663-2013 statistics.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pyarrow as pa

from qingshan.config import ProvinceConfig, get_settings, load_province
from qingshan.air.engine import statistics as st
from qingshan.air.engine.aqi import hourly_aqi_sql
from qingshan.air.engine.compliance import (
    annual_compliance_sql, compliance_rate_sql, daily_compliance_sql, who_level_sql,
)
from qingshan.air.engine.ranking import change_pct_sql, change_pp_sql, index_sql, rank_sql
from qingshan.air.period_labels import period_title, policy_label, to_date
from qingshan.air.plan import aqi_by_day_sql
from qingshan.air.rules import (
    SWITCH_2026, AirRules, aqi_versions, family_for, min_valid_days, rules_for, rules_for_period,
)
from qingshan.core.periods import Period, PeriodError, month_end
from qingshan.core.periods import parse_period as _parse_core
from qingshan.core.rounding import gbt8170_sql
from qingshan.air.views import views as _views

__all__ = ["Period", "PeriodError", "parse_period", "period_rules", "to_date", "period_title",
           "policy_label", "assess", "city_ranking", "daily_aqi", "hourly_aqi",
           "monthly_series", "compliance_rates", "standard_label", "LEVELS", "CITY_METHODS",
           "ranked_cities", "has_hourly"]

LEVELS = ("station", "city", "province")
#: how city daily statistics are formed: from the city hourly series (default) or as the mean
#: of the stations' valid daily statistics (engine.statistics.aggregate_daily_sql)
CITY_METHODS = ("hourly", "station_daily")
_STATS = ("pm25", "pm10", "so2", "no2", "co_p95", "o3_8h_p90")
_DAYS = {"pm25": "pm25", "pm10": "pm10", "so2": "so2", "no2": "no2", "co": "co", "o3": "o3_8h"}


def parse_period(period: str | Period, province: ProvinceConfig | None = None) -> Period:
    """The core period (:func:`qingshan.core.periods.parse_period`: 2019, 2019-03, 2019-Q1,
    2019-H1, 2019-01..2019-05). A period containing 2026-03-01 is assessed under the province's
    transition policy (``[air] transition``, :func:`period_rules`); only the policy
    ``"refuse"`` refuses it (ValueError naming the parts)."""
    p = _parse_core(period)
    period_rules(p, province)
    return p


def period_rules(period: str | Period, province: ProvinceConfig | None = None) -> AirRules:
    """The rules of ``period`` under the province's ``[air]`` policy
    (:func:`qingshan.air.rules.rules_for_period`: transition policy, ranking denominators)."""
    pol = _province(province).air
    return rules_for_period(_parse_core(period), pol.transition, pol.ranking_denominators)


def standard_label(d: date) -> str:
    """E.g. "GB 3095-2012/HJ 663-2013/HJ 633-2012" for data of day ``d`` (``rules_for(d)``)."""
    return rules_for(d).label()


def _province(province: ProvinceConfig | None) -> ProvinceConfig:
    return province or load_province(get_settings().province)


def _day(d: date) -> datetime:
    """00:00 of day ``d``, a bound parameter of the time filters."""
    return datetime(d.year, d.month, d.day)


def has_hourly(con: duckdb.DuckDBPyConnection, start: date, end: date) -> bool:
    """Whether the store holds any hourly value of the natural days ``start`` … ``end``
    (hour-ending stamps after 00:00 of ``start`` up to 24:00 of ``end``). Without one, an
    assessment of those days is all invalid and a series of them empty: the test
    :func:`assess` makes before it assesses the previous year, and its callers' before they
    ask for one."""
    return con.execute(    # execute: no relation built (cheaper per statement)
        "SELECT count(*) FROM air_hourly WHERE time > ? AND time <= ?",
        [_day(start), _day(end) + timedelta(days=1)]).fetchall()[0][0] > 0


def _in(put, codes: list[str]) -> str:
    """``(SELECT code FROM <registered codes>)``: the codes are a registered table, not SQL."""
    name = put.values("codes", pa.table({"code": pa.array(codes, pa.string())}))
    return f"(SELECT code FROM {name})"


def _prov(put, prov: ProvinceConfig) -> str:
    """The province's code and names as a registered one-row table (values, not SQL)."""
    return put.values("province", pa.table({
        "code": pa.array([prov.code], pa.string()),
        "name_zh": pa.array([prov.name_zh], pa.string()),
        "name_en": pa.array([prov.name_en], pa.string())}))


def _hourly(put, level: str, start: date, end: date, codes: list[str] | None,
            prov: ProvinceConfig) -> str:
    """Register the valid hourly series of ``level`` for stamps (start 00:00, end+1 00:00]."""
    if level not in LEVELS + ("station_eval",):
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    where = "time > CAST(? AS TIMESTAMP) AND time <= CAST(? AS TIMESTAMP)"
    bounds = [_day(start), _day(end) + timedelta(days=1)]
    if level == "station":
        where += (" AND station_code IN (SELECT code FROM station WHERE province = "
                  f"(SELECT name_zh FROM {_prov(put, prov)}))")
        if codes:
            where += f" AND station_code IN {_in(put, codes)}"
        return put("hourly", st.valid_hourly_sql("air_hourly", where=where), bounds)
    where += " AND station_code IN (SELECT station_code FROM city_station)"
    valid = put("valid", st.valid_hourly_sql("air_hourly", where=where), bounds)
    if level == "station_eval":  # the cities' evaluation stations, each on its own
        return valid
    city = put("city", st.aggregate_hourly_sql(valid, "city_station"))
    if level == "province":
        members = (f"(SELECT c.code AS city_code, p.code AS pcode FROM city c "
                   f"CROSS JOIN {_prov(put, prov)} p)")
        return put("hourly", st.aggregate_hourly_sql(city, members, "pcode", "city_code"))
    if codes:
        return put("hourly_sel", f"SELECT * FROM {city} WHERE code IN {_in(put, codes)}")
    return city


def _daily_stats(put, con, level, start, end, codes, prov) -> str:
    if put.rows is not None:   # the daily-row source (qingshan.air.daily), where it has them
        got = put.rows.daily_stats(put, level, start, end, codes, prov)
        if got is not None:
            return got
    hourly = _hourly(put, level, start, end, codes, prov)
    return put("dstats", st.daily_stats_sql(hourly, _grid(put, con, start, end)))


def _grid(put, con, start: date, end: date) -> str:
    """Register every hour stamp of the days start … end (hour-ending: D 01:00 … end+1 00:00)."""
    t0 = datetime(start.year, start.month, start.day, 1)
    t1 = datetime(end.year, end.month, end.day) + timedelta(days=1)
    stamps = put.values("stamps", pa.table({"time": pa.array(
        pd.date_range(t0, t1, freq="h").to_pydatetime(), pa.timestamp("us"))}))
    return put("grid", f"SELECT CAST(time AS TIMESTAMP) AS time FROM {stamps}")


def _daily(put, con, level, start, end, codes, prov,
           city_method: str = "hourly") -> tuple[str, str]:
    """Register daily statistics and daily AQI; returns their view names."""
    if city_method not in CITY_METHODS:
        raise ValueError(f"city_method must be one of {', '.join(CITY_METHODS)}")
    if level == "city" and city_method == "station_daily":
        members = "city_station" if not codes else (
            f"(SELECT * FROM city_station WHERE city_code IN {_in(put, codes)})")
        sd = _daily_stats(put, con, "station_eval", start, end, None, prov)
        daily = put("daily", st.aggregate_daily_sql(sd, members))
    else:
        daily = _daily_stats(put, con, level, start, end, codes, prov)
        got = (put.rows.daily_aqi(put, level, start, end, codes, prov)
               if put.rows is not None and hasattr(put.rows, "daily_aqi") else None)
        if got is not None:   # the daily-row source's day AQI (the province series' kept days)
            return daily, got
    # a day counts for day statistics when every indicator is valid, or when the AQI of the
    # valid ones already exceeds 100 (plan.aqi_valid_sql: the same rule as the plan's steps)
    rounded = put("rounded", st.daily_rounded_sql(daily))
    aqi = put("aqi", aqi_by_day_sql(rounded, start, end))  # each day by its HJ 633 version
    return daily, aqi


_VALID = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")


def _join_rows(put, stats: str, days: str) -> str:
    return put("rows", f"SELECT s.*, d.aqi_days, d.good_days, d.good_day_ratio, d.heavy_days, "
                       f"d.severe_days FROM {stats} s JOIN {days} d "
                       f"ON s.code = d.code AND s.period_start = d.period_start")


def _province_rows(put, rows: str, prov: ProvinceConfig) -> str:
    # province = mean of its cities' period results (re-rounded, GB/T 8170); the engine's
    # placeholder code is replaced by the configured one from a registered table
    region = st.region_mean_sql(rows, "province")
    return put("prov", f"SELECT p.code, r.* EXCLUDE (code) FROM ({region}) r "
                       f"CROSS JOIN {_prov(put, prov)} p")


def _series_rows(put, con, level: str, start: date, end: date, kind: str,
                 prov: ProvinceConfig, city_method: str = "hourly") -> str:
    """Register statistics + AQI day counts per unit and calendar ``kind`` (the series path)."""
    series = level == "province" and prov.air.province_figures == "province_series"
    unit = level if series or level != "province" else "city"
    daily, aqi = _daily(put, con, unit, start, end, None, prov, city_method)
    rows = _join_rows(put, put("stats", st.period_stats_sql(daily, kind)),
                      put("days", st.day_counts_sql(aqi, kind)))
    return _province_rows(put, rows, prov) if unit != level else rows


def _period_rows(put, con, level: str, per: Period, rules: AirRules, prov: ProvinceConfig,
                 city_method: str = "hourly") -> str:
    """Register the statistics + AQI day counts of one period per unit.

    The default city method runs the plan's steps (``qingshan.air.plan``, the chain of
    ``air scale``); ``station_daily`` (a service-only alternative) aggregates the stations'
    daily statistics, then the same explicit-period builders.
    """
    unit = "city" if level == "province" else level
    if level == "province" and prov.air.province_figures == "province_series":
        # the province series (mean of the city series at each hour), like daily_aqi's
        daily, aqi = _daily(put, con, "province", per.start, per.end, None, prov)
        return _join_rows(
            put, put("stats", st.period_stats_sql(daily, start=per.start,
                                                  min_days=min_valid_days(per, rules),
                                                  months=len(per.months()))),
            put("days", st.day_counts_sql(aqi, start=per.start)))
    if city_method == "hourly" or unit == "station":
        pre = put.plan(per, rules, unit, prov)
        kept = pre + ("city" if unit == "city" else "station")
        rows = _join_rows(put, f"{kept}_year", f"{kept}_days")
        if unit == "station":  # the province's own stations
            rows = put("rows_prov", f"SELECT * FROM {rows} WHERE code IN (SELECT code FROM "
                                    f"station WHERE province = (SELECT name_zh FROM "
                                    f"{_prov(put, prov)}))")
    else:
        daily, aqi = _daily(put, con, unit, per.start, per.end, None, prov, city_method)
        rows = _join_rows(
            put, put("stats", st.period_stats_sql(daily, start=per.start,
                                                  min_days=min_valid_days(per, rules),
                                                  months=len(per.months()))),
            put("days", st.day_counts_sql(aqi, start=per.start)))
    return _province_rows(put, rows, prov) if level == "province" else rows


def _names(put, level: str, prov: ProvinceConfig) -> str:
    if level == "station":
        return "(SELECT code, name AS name_zh, code AS name_en FROM station)"
    if level == "city":
        return "(SELECT code, name_zh, name_en FROM city)"
    return f"(SELECT code, name_zh, name_en FROM {_prov(put, prov)})"


def _assess_one(put, con, level: str, per: Period, prov: ProvinceConfig,
                index_rules: AirRules | None = None, city_method: str = "hourly",
                yoy_only: bool = False, idx: str | None = None) -> str:
    """``index_rules``: the rules whose ranking denominators are used (default: the period's
    own; the previous year of a YoY comparison uses the current period's, so both are
    comparable). The period's own rules (its first day's, ``rules_for``) give the AQI version
    and limits. ``yoy_only``: only what :func:`assess` reads of the previous year (``code``,
    the :data:`_YOY_PCT` figures, ``good_day_ratio``, ``valid``), without the compliance,
    WHO levels and names. ``idx``: the unit's indices already named (``passes.before``)."""
    from qingshan.air import passes   # it builds on this module's steps
    rules = period_rules(per, prov)
    den = (index_rules or rules).ranking_denominators
    if idx is None and level == "city":
        idx = passes.city_index(put, con, per, rules, den, prov, city_method)
    elif idx is None:
        rows = _period_rows(put, con, level, per, rules, prov, city_method)
        idx = put("idx", index_sql(rows, den, prov.composite_weights))
    if level == "province" and prov.air.province_index == "mean_of_cities":
        # 综合指数平均: the province index = mean of the city indices (GB/T 8170, 2 decimals);
        # NULL unless every city has one (a mean over some cities is not the province's)
        cidx = passes.city_index(put, con, per, rules, den, prov, city_method)
        mean = ", ".join(
            f"CASE WHEN count(*) = count({c}) THEN {gbt8170_sql(f'avg({c})', 2)} END AS {c}"
            for c in ("composite_index", "composite_index_weighted"))
        idx = put("pidx", f"SELECT i.* EXCLUDE (composite_index, composite_index_weighted), "
                          f"m.composite_index, m.composite_index_weighted FROM {idx} i "
                          f"CROSS JOIN (SELECT {mean} FROM {cidx}) m")
    allvalid = " AND ".join(f"r.{v}_valid" for v in _VALID)
    if yoy_only:   # a unit without a row here is one without a valid row in the full answer
        return put("last", f"SELECT r.code, {', '.join('r.' + c for c in _YOY_PCT)}, "
                           f"r.good_day_ratio, COALESCE({allvalid}, FALSE) AS valid "
                           f"FROM {idx} r")
    annual = per.kind == "year"
    comp = put("comp", annual_compliance_sql(idx, rules.limits)) if annual else idx
    who = ", ".join(
        (f"CASE WHEN r.{p}_valid THEN {who_level_sql('r.' + p, p)} END" if annual else
         "CAST(NULL AS VARCHAR)") + f" AS who_level_{p}" for p in ("pm25", "pm10", "no2"))
    vdays = ", ".join(f"COALESCE(r.{v}_days, 0) AS valid_days_{k}" for k, v in _DAYS.items())
    oks = ("so2", "no2", "pm10", "pm25", "co", "o3")
    # annual compliance only for a valid period: an invalid statistic "cannot be judged"
    # (不能判定, NULL) — never 达标; a valid exceedance is non-compliant even when another
    # pollutant cannot be judged
    comp_cols = (", ".join(f"r.{p}_ok AS compliant_{p}" for p in oks) +
                 ", r.compliant, r.exceed_pollutants" if annual else
                 ", ".join(f"CAST(NULL AS BOOLEAN) AS compliant_{p}" for p in oks) +
                 ", CAST(NULL AS BOOLEAN) AS compliant, CAST(NULL AS VARCHAR) AS exceed_pollutants")
    names = _names(put, level, prov)
    # cities / province: every configured unit gets a row, with NULL statistics when no data
    join = (f"{comp} r LEFT JOIN {names} n ON n.code = r.code" if level == "station" else
            f"{names} n LEFT JOIN {comp} r ON r.code = n.code")
    out = f"""
SELECT {"r" if level == "station" else "n"}.code, n.name_zh, n.name_en,
  CAST(? AS VARCHAR) AS period, CAST(? AS VARCHAR) AS standard,
  CAST(? AS VARCHAR) AS policy,
  r.pm25, r.pm10, r.so2, r.no2, r.co_p95, r.o3_8h_p90, {vdays},
  {(per.end - per.start).days + 1} AS days, COALESCE(r.aqi_days, 0) AS valid_days,
  COALESCE(r.good_days, 0) AS good_days, r.good_day_ratio,
  COALESCE(r.heavy_days, 0) AS heavy_days, COALESCE(r.severe_days, 0) AS severe_days,
  r.composite_index, r.composite_index_weighted, r.primary_pollutant,
  r.i_pm25, r.i_pm10, r.i_so2, r.i_no2, r.i_co, r.i_o3, {comp_cols}, {who},
  COALESCE({allvalid}, FALSE) AS valid
FROM {join}
"""
    return put("out", out, [per.label, rules.label(), policy_label(prov, rules)])


def assess(con: duckdb.DuckDBPyConnection, period: str, level: str = "city",
           province: ProvinceConfig | None = None, city_method: str = "hourly", *,
           rows=None) -> pd.DataFrame:
    """Assessment of every station, city or the province for one period of any kind.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Store with ``air_hourly``, ``station``, ``city``, ``city_station``.
    period : str or Period
        "2019", "2019-Q3", "2019-H1", "2019-08" or "2019-01..2019-05" (any
        :class:`~qingshan.core.periods.Period`; one spanning 2026-03-01 is refused).
    level : {"station", "city", "province"}
    province : ProvinceConfig, optional
        Province config (names, ``composite_weights``); default: the configured one.
    city_method : {"hourly", "station_daily"}
        City daily statistics from the city hourly series (default) or as the mean of the
        stations' valid daily statistics (see ``CITY_METHODS``).
    rows : optional
        A daily-row source (:class:`qingshan.air.daily.DailyRows`): the daily statistics are
        read from the materialised tables and the steps run as one statement
        (:mod:`qingshan.air.views`); same figures. Default: the hourly chain.

    Returns
    -------
    pandas.DataFrame
        One row per unit: code, names, period, standard, statistics (GB/T 8170-rounded),
        valid-day counts, AQI day statistics (province: means of the cities' counts, 1
        decimal), indices, rank (ties shared; NULL at province level), compliance (annual
        only, Grade II), WHO levels
        (annual only, valid statistics only), YoY changes (NULL without last year's data),
        ``valid`` (all six statistics meet the GB 3095 Table 4 minimum; invalid units are still
        ranked). Stations: ``name_zh`` = station name, ``name_en`` = station code (the station
        list has no English names). Cities/province: every configured unit has a row.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if city_method not in CITY_METHODS:
        raise ValueError(f"city_method must be one of {', '.join(CITY_METHODS)}")
    prov = _province(province)
    per = parse_period(period, prov)    # the province given, not the configured one read again
    prev = per.previous_year()
    from qingshan.air import passes   # it builds on this module's steps
    with _views(con, rows) as put:
        last = has_hourly(con, prev.start, prev.end)
        pair = passes.before(put, con, level, per, prev, last, prov, city_method)
        cur = _assess_one(put, con, level, per, prov, city_method=city_method, idx=pair[0])
        if last:
            old = _assess_one(put, con, level, prev, prov, index_rules=period_rules(per, prov),
                              city_method=city_method, yoy_only=True, idx=pair[1])
        else:
            nulls = ", ".join(f"CAST(NULL AS DOUBLE) AS {c}" for c in _YOY_PCT)
            old = put("noprev", f"SELECT code, {nulls}, CAST(NULL AS DOUBLE) AS good_day_ratio, "
                                f"TRUE AS valid FROM {cur} WHERE FALSE")
        pct = ",\n  ".join(f"{change_pct_sql('c.' + c, 'p.' + c)} AS {c}_yoy_pct"
                            for c in _YOY_PCT)
        yoy = put("yoy", f"""
SELECT c.*, {pct},
  {change_pp_sql('c.good_day_ratio', 'p.good_day_ratio')} AS good_day_ratio_yoy_pp,
  p.composite_index AS composite_index_last
FROM {cur} c LEFT JOIN {old} p ON p.code = c.code AND p.valid""")
        if level == "province":
            ranked = (f"SELECT *, CAST(NULL AS BIGINT) AS rank, "
                      f"CAST(NULL AS BIGINT) AS rank_insufficient FROM {yoy}")
        else:
            # valid units are ranked; units whose statistics are not valid are ranked only
            # among themselves (rank_insufficient, the "insufficient data" group) — an index
            # over an incomplete period is not comparable with a complete one
            split = (f"(SELECT *, CASE WHEN valid THEN composite_index END AS _ci_ok, "
                     f"CASE WHEN NOT valid THEN composite_index END AS _ci_bad FROM {yoy})")
            first = "(" + rank_sql(split, "_ci_ok") + ")"
            ranked = (f"SELECT * EXCLUDE (_ci_ok, _ci_bad) FROM "
                      f"({rank_sql(first, '_ci_bad', 'rank_insufficient')})")
        df = put.frame(f"SELECT * FROM ({ranked}) ORDER BY rank NULLS LAST, "
                       f"rank_insufficient NULLS LAST, code")
        end = con.execute("SELECT CAST(max(time) - INTERVAL 1 HOUR AS DATE) FROM air_hourly "
                          "WHERE time > ? AND time <= ?",
                          [_day(per.start), _day(per.end) + timedelta(days=1)]).fetchall()[0][0]
    order = [c for c in df.columns if c not in ("rank", "rank_insufficient")]
    order.insert(order.index("composite_index_weighted") + 1, "rank")
    order.insert(order.index("rank") + 1, "rank_insufficient")
    df = df[order].reset_index(drop=True)
    df["data_end"] = end
    df["to_date"] = to_date(per, end)
    return df


#: statistics whose change versus the same period last year is reported in % (ranking rule ΔI)
_YOY_PCT = ("composite_index", "composite_index_weighted", "pm25", "pm10", "so2", "no2", "co_p95",
            "o3_8h_p90")


def city_ranking(con: duckdb.DuckDBPyConnection, period: str,
                 province: ProvinceConfig | None = None, weighted: bool = False,
                 city_method: str = "hourly", *, rows=None) -> pd.DataFrame:
    """Cities ranked by the comprehensive index (weighted: by ``composite_index_weighted``)."""
    return ranked_cities(assess(con, period, "city", province, city_method, rows=rows), weighted)


def ranked_cities(df: pd.DataFrame, weighted: bool = False) -> pd.DataFrame:
    """The city assessment ``df`` (:func:`assess`, level city) as :func:`city_ranking` orders
    it (a caller holding the assessment need not assess again)."""
    df = df.copy()
    if weighted:  # valid cities only, as assess ranks
        v = df["composite_index_weighted"].where(df["valid"])
        df["rank"] = v.rank(method="min").astype("Int64")
    return df.sort_values(["rank", "code"], na_position="last").reset_index(drop=True)


def _dates(start, end) -> tuple[date, date]:
    s = start.date() if isinstance(start, datetime) else start
    e = end.date() if isinstance(end, datetime) else end
    if e < s:
        raise ValueError(f"end {e} is before start {s}")
    return s, e


def _days_label(s: date, e: date) -> str:
    """The standards of daily values s … e: each day's own (both HJ 633 versions named when
    the days straddle 2026-03-01)."""
    if family_for(s) == family_for(e):
        return standard_label(s)
    return (f"{standard_label(s)} to {(SWITCH_2026 - timedelta(days=1)).isoformat()}; "
            f"{standard_label(SWITCH_2026)} from {SWITCH_2026.isoformat()}")


def daily_aqi(con: duckdb.DuckDBPyConnection, level: str, code: str | None, start: date,
              end: date, province: ProvinceConfig | None = None,
              city_method: str = "hourly", *, rows=None) -> pd.DataFrame:
    """Daily AQI (HJ 633 日报) and daily statistics (HJ 663) of one unit or all units.

    Columns: ``code, date, aqi, primary_pollutant, level, category, category_en, colour, pm25,
    pm10, so2, no2, co, o3_8h_max, o3_1h_max`` (GB/T 8170-rounded; NULL when not valid),
    ``valid`` (the day counts for day statistics) and ``standard``. ``rows``: as :func:`assess`.
    """
    s, e = _dates(start, end)
    prov = _province(province)
    with _views(con, rows) as put:
        _, aqi = _daily(put, con, level, s, e, [code] if code else None, prov, city_method)
        df = put.frame(f"""
SELECT code, date, aqi, primary_pollutant, level, category, category_en, colour,
  pm25, pm10, so2, no2, co, o3_8h_max, o3_1h_max, aqi_valid AS valid,
  CAST(? AS VARCHAR) AS standard
FROM {aqi} ORDER BY code, date""", [_days_label(s, e)])
    df["date"] = pd.to_datetime(df["date"]).dt.date
    return df


def hourly_aqi(con: duckdb.DuckDBPyConnection, level: str, codes: list[str] | None, start,
               end, definition: str = "cnemc",
               province: ProvinceConfig | None = None) -> pd.DataFrame:
    """Real-time (hourly) AQI computed from the stored concentrations, never copied.

    ``definition="cnemc"`` (default, verified on the 2019 archive) or ``"literal"`` (HJ 633-2012
    Table 4 read literally: O3 8-h and 24-h moving PM means; 2012 data only). Stamps from
    ``start`` 01:00 to ``end``+1 00:00 (dates) — one natural day per date. Columns: ``code, time,
    aqi, primary_pollutant, category, level, colour``, the IAQIs and the concentrations.
    """
    s, e = _dates(start, end)
    prov = _province(province)
    if definition not in ("cnemc", "literal"):
        raise ValueError("definition must be 'cnemc' or 'literal'")
    parts = aqi_versions(s, e)
    if definition == "literal" and any(v != "2012" for v, _, _ in parts):
        raise ValueError("the literal definition exists for HJ 633-2012 (data before 2026-03) only")
    if len(parts) > 1:  # each hour by the HJ 633 version in force on its natural day
        return pd.concat([hourly_aqi(con, level, codes, a, b, definition, prov)
                          for _, a, b in parts], ignore_index=True)
    version = parts[0][0]
    with _views(con) as put:
        first = s - timedelta(days=1)  # one day of history for the moving means
        hourly = _hourly(put, level, first, e, codes, prov)
        mov = put("mov", st.moving_means_sql(hourly, _grid(put, con, first, e)))
        # hourly concentrations reported like the published ones: GB/T 8170, integer µg/m³,
        # CO 0.1 mg/m³ (a no-op for station data; city/province means are rounded)
        cols = ", ".join(f"{gbt8170_sql(c, 1 if c == 'co' else 0)} AS {c}" for c in
                         ("so2", "no2", "co", "o3", "pm10", "pm25", "o3_8h", "pm10_24h",
                          "pm25_24h", "so2_24h"))
        src = f"(SELECT code, time, {cols} FROM {mov} WHERE time > CAST(? AS TIMESTAMP))"
        sql = hourly_aqi_sql(src, version, definition, so2_24h=version == "2012")
        assert sql.count("?") == 1   # the one bound value: the first stamp
        df = con.sql(f"SELECT * FROM ({sql}) ORDER BY code, time", params=[_day(s)]).df()
    lead = ["code", "time", "aqi", "primary_pollutant", "category", "level", "colour"]
    return df[lead + [c for c in df.columns if c not in lead]]


def monthly_series(con: duckdb.DuckDBPyConnection, level: str, code: str | None, year: int,
                   province: ProvinceConfig | None = None,
                   city_method: str = "hourly", until: date | None = None, *,
                   rows=None) -> pd.DataFrame:
    """Monthly statistics of one unit for a year (months without any data are left out);
    ``code=None``: of every unit of ``level`` in one statement (ordered by code, month; each
    unit's rows are those of its own call: a unit's months read its own daily rows only).

    ``until``: the last day that may be used (a bulletin passes its period's last day, so that
    a March bulletin never shows April, whatever day it is built). Each month is its own
    period: its rules (AQI version, denominators under the province's ``[air]`` policy) are the
    month's own. Columns: ``code, month`` (1–12), ``pm25, pm10, so2, no2, co_p95, o3_8h_p90,
    good_day_ratio, composite_index, valid, standard``. ``rows``: as :func:`assess`.
    """
    prov = _province(province)
    last = date(year, 12, 31) if until is None else min(until, date(year, 12, 31))
    if last != month_end(last.year, last.month):  # whole months only
        last = date(last.year, last.month, 1) - timedelta(days=1)
    frames = []
    with _views(con, rows) as put:
        for _, a, b in aqi_versions(date(year, 1, 1), last) if last.year == year else []:
            rows = _series_rows(put, con, level, a, b, "month", prov, city_method)
            den = period_rules(Period.of(a.year, a.month, a.year, a.month), prov) \
                .ranking_denominators
            idx = put("idx", index_sql(rows, den, prov.composite_weights))
            allvalid = " AND ".join(f"{v}_valid" for v in _VALID)
            frames.append(put.frame(f"""
SELECT code, CAST(EXTRACT(MONTH FROM period_start) AS INTEGER) AS month, pm25, pm10, so2, no2,
  co_p95, o3_8h_p90, good_day_ratio, composite_index, ({allvalid}) AS valid,
  CAST(? AS VARCHAR) AS standard
FROM {idx} WHERE code = coalesce(?, code)
  AND (aqi_days > 0 OR pm25_days > 0 OR o3_8h_days > 0)
ORDER BY code, month""", [standard_label(a), code]))
    if not frames:
        return pd.DataFrame(columns=["code", "month", "pm25", "pm10", "so2", "no2", "co_p95",
                                     "o3_8h_p90", "good_day_ratio", "composite_index", "valid",
                                     "standard"])
    out = pd.concat(frames, ignore_index=True)   # a year of two AQI versions: by code, month
    return out.sort_values(["code", "month"], kind="stable", ignore_index=True) \
        if code is None and len(frames) > 1 else out


def compliance_rates(con: duckdb.DuckDBPyConnection, period: str, level: str = "city",
                     province: ProvinceConfig | None = None,
                     city_method: str = "hourly", *, rows=None) -> pd.DataFrame:
    """Daily compliance rates (达标率, HJ 663 [M]) per unit and pollutant for a period.

    D = days with the daily statistic ≤ the GB 3095 Grade II limit of the same averaging time /
    valid days × 100 % (1 decimal). Columns: ``code, period, standard`` and for each of so2, no2,
    co, pm10, pm25, o3_8h_max, o3_1h_max: ``<stat>_ok_days``, ``<stat>_days``, ``<stat>_rate``.
    Province level is the province series (mean of its cities' hourly series). ``rows``: as
    :func:`assess`.
    """
    per = parse_period(period)
    prov = _province(province)
    with _views(con, rows) as put:
        daily, _ = _daily(put, con, level, per.start, per.end, None, prov, city_method)
        # each day against the GB 3095 limits in force that day
        ok = put("ok", _daily_ok_sql(put, st.daily_rounded_sql(daily), per))
        df = put.frame(f"SELECT * FROM ({compliance_rate_sql(ok)}) r ORDER BY code")
    df.insert(1, "period", per.label)
    df.insert(2, "standard", _days_label(per.start, per.end))
    return df


def _daily_ok_sql(put, rounded: str, per: Period) -> str:
    parts = []
    for _, a, b in aqi_versions(per.start, per.end):
        parts.append(daily_compliance_sql(
            f"(SELECT * FROM ({rounded}) _r WHERE date BETWEEN DATE '{a.isoformat()}' "
            f"AND DATE '{b.isoformat()}')", rules_for(a).limits))
    return "\nUNION ALL\n".join(parts)
