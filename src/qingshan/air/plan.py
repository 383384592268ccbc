"""The full air assessment of one period as a chain of engine SQL steps, on any backend.

Each step is an engine SQL builder (``qingshan.air.engine``) run by a
:class:`~qingshan.backends.Backend` and kept under a name, so the same chain runs on DuckDB and,
transpiled, on Spark:

==================  ===========================================================================
``hours``           every hour stamp of the period (the grid of the daily statistics)
``valid``           valid hourly values (negative / implausible → NULL), engine.statistics
``hourly_aqi``      hourly (real-time) AQI of every station-hour, engine.aqi (HJ 633): the IAQIs,
                    AQI, level and primary pollutant (the text columns derived from the level —
                    category, colour — and the lists of missing / exceeding pollutants are left
                    to the consumer of a single station-hour; they double the cost at scale)
``daily``           daily statistics per station (HJ 663 / GB 3095 Table 4 validity)
``daily_rounded``   valid daily statistics rounded by GB/T 8170
``daily_aqi``       daily AQI per station (HJ 633), with ``aqi_valid`` (the day counts)
``station_days``    AQI day counts per station (good / heavy / severe days, good-day ratio)
``station_year``    period statistics per station (HJ 663 Table 1, Appendix A percentiles)
``station_comp``    annual compliance per station (GB 3095)
``city_hourly``     city series = mean of the evaluation stations at each hour (HJ 663)
``city_daily``      daily statistics per city
``city_daily_rounded``, ``city_aqi``, ``city_days``   the same daily AQI and day counts per city
``city_year``       period statistics per city
``city_comp``       annual compliance per city
``ranking``         comprehensive indices and rank of the cities (城市环境空气质量排名技术规定);
                    only cities with valid statistics are ranked (``rank_value``)
==================  ===========================================================================

The chain is parameterised by the :class:`~qingshan.core.periods.Period` (any kind: month,
quarter, half-year, year, run of months), the :class:`~qingshan.air.rules.AirRules` of the period
(HJ 633 version, GB 3095 limits, ranking denominators, and the minimum valid days
``rules.min_valid_days(period)`` — for quarters, half-years and runs the sum of the months'
minimums, choice [M] stated in :mod:`qingshan.air.rules`), the evaluation-station membership
and the level (``"city"``, ``"station"`` or every step). ``qingshan air scale`` runs every step on
DuckDB or Spark; :func:`qingshan.air.service.assess` runs the city or station steps on the
store's connection — one chain, so both rank the cities identically.

No computation is re-implemented here: the module only names inputs and chains the builders.
Cheap projections (``valid``, ``daily_rounded``) are kept as views, the rest is materialized.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from qingshan.backends import Backend
from qingshan.air.engine import aqi
from qingshan.air.engine import compliance
from qingshan.air.engine import ranking
from qingshan.air.engine import statistics
from qingshan.air.rules import AirRules, min_valid_days, rules_for_period
from qingshan.core.periods import Period, parse_period

__all__ = ["STEPS", "VIEWS", "HOURLY_AQI_COLUMNS", "LEVEL_STEPS", "assessment_steps",
           "run_assessment", "period_bounds", "hours_sql", "aqi_valid_sql", "aqi_by_day_sql"]

STEPS = ("hours", "valid", "hourly_aqi", "daily", "daily_rounded", "daily_aqi", "station_days",
         "station_year", "station_comp", "city_hourly", "city_daily", "city_daily_rounded",
         "city_aqi", "city_days", "city_year", "city_comp", "ranking")
#: the steps of one level (``assess``); ``None`` = every step (``air scale``)
LEVEL_STEPS = {
    "city": ("hours", "valid", "city_hourly", "city_daily", "city_daily_rounded", "city_aqi",
             "city_days", "city_year", "city_comp", "ranking"),
    "station": ("hours", "valid", "daily", "daily_rounded", "daily_aqi", "station_days",
                "station_year", "station_comp"),
    None: STEPS,
}
#: steps kept as (unmaterialized) views
VIEWS = ("valid", "daily_rounded", "city_daily_rounded")
HOURLY_AQI_COLUMNS = ("code", "time", "iaqi_so2", "iaqi_no2", "iaqi_co", "iaqi_o3", "iaqi_pm10",
                      "iaqi_pm25", "aqi", "level", "primary_pollutant")


def period_bounds(day: date, kind: str) -> tuple[date, date]:
    """First and last natural day of the month / quarter / year containing ``day``."""
    if kind == "year":
        first, nxt = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    elif kind in ("quarter", "month"):
        m0 = day.month if kind == "month" else 3 * ((day.month - 1) // 3) + 1
        first = date(day.year, m0, 1)
        m1 = m0 + (1 if kind == "month" else 3)
        nxt = date(day.year + (m1 > 12), (m1 - 1) % 12 + 1, 1)
    else:
        raise ValueError(f"kind must be month, quarter or year, not {kind!r}")
    return first, nxt - timedelta(days=1)


def hours_sql(first: date, last: date) -> str:
    """Every hour-ending stamp of the natural days first..last (first 01:00 … last+1 00:00)."""
    a = datetime.combine(first, time(1))
    b = datetime.combine(last + timedelta(days=1), time(0))
    return (f"SELECT unnest(generate_series(TIMESTAMP '{a:%Y-%m-%d %H:%M:%S}', "
            f"TIMESTAMP '{b:%Y-%m-%d %H:%M:%S}', INTERVAL 1 HOUR)) AS time")


def aqi_valid_sql(rounded: str, version: str) -> str:
    """Daily AQI (HJ 633) of the rounded daily statistics plus ``aqi_valid``: the day counts
    for day statistics when every indicator is valid, or when the AQI of the valid ones already
    exceeds 100 (the logic of HJ 633-2026 §5.3.1; choice [M] for 2012 too)."""
    ind = ["so2", "no2", "co", "pm10", "pm25", "o3_8h_max"] + (
        ["o3_1h_max"] if version == "2012" else [])
    all_valid = " AND ".join(f"{s}_valid" for s in ind)
    return (f"SELECT *, (aqi IS NOT NULL AND ({all_valid} OR aqi > 100)) AS aqi_valid "
            f"FROM ({aqi.daily_aqi_sql(rounded, version, plausible=False)}) AS _d")


#: columns of the daily AQI of a period whose days fall under both HJ 633 versions
_DAY_AQI_COLS = ("iaqi_so2", "iaqi_no2", "iaqi_co", "iaqi_o3_8h", "iaqi_o3_1h", "iaqi_pm10",
                 "iaqi_pm25", "beyond_range", "aqi", "missing_pollutants", "primary_pollutant",
                 "level", "category", "category_en", "colour", "exceedance_pollutants",
                 "aqi_valid")
_ONLY_2012 = {"iaqi_o3_1h": "DOUBLE", "exceedance_pollutants": "VARCHAR"}


def aqi_by_day_sql(rounded: str, start: date, end: date) -> str:
    """Daily AQI with ``aqi_valid`` (:func:`aqi_valid_sql`), each day by the HJ 633 version in
    force that day (``qingshan.air.rules.aqi_versions``, the transition policy of
    :mod:`qingshan.air.rules`): one version for most periods; around 2026-03-01 the days before
    by HJ 633-2012 and the days from it by HJ 633-2026, as one table (columns of 2012 only are
    NULL on 2026 days). Adds ``aqi_version``."""
    from qingshan.air.engine.statistics import DAILY_STATS
    from qingshan.air.rules import aqi_versions

    parts = aqi_versions(start, end)
    if len(parts) == 1:
        ver = parts[0][0]
        return f"SELECT *, '{ver}' AS aqi_version FROM ({aqi_valid_sql(rounded, ver)}) AS _v"
    base = ["code", "date"] + [c for s in DAILY_STATS for c in (s, f"{s}_valid")]
    out = []
    for ver, a, b in parts:
        cols = base + [f"CAST(NULL AS {_ONLY_2012[c]}) AS {c}" if ver != "2012" and
                       c in _ONLY_2012 else c for c in _DAY_AQI_COLS]
        # the bounds are typed dates: their text is a date literal, never input
        out.append(f"SELECT {', '.join(cols)}, '{ver}' AS aqi_version "
                   f"FROM ({aqi_valid_sql(rounded, ver)}) AS _v{ver} "
                   f"WHERE date BETWEEN DATE '{a.isoformat()}' AND DATE '{b.isoformat()}'")
    return "\nUNION ALL\n".join(out)


def _as_period(period: Period | date | str, kind: str) -> Period:
    if isinstance(period, (Period, str)):
        return parse_period(period)
    first, last = period_bounds(period, kind)
    return Period.of(first.year, first.month, last.year, last.month)


def assessment_steps(hourly: str, members: str, period: Period | date | str,
                     kind: str = "year", version: str | None = None, code_col: str = "code",
                     weights: dict[str, float] | None = None, *, rules: AirRules | None = None,
                     level: str | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """The (name, SQL) steps of the assessment of one period, in order.

    Parameters
    ----------
    hourly : str
        Named input: ``code_col, time, so2, no2, co, o3, pm10, pm25`` (hour-ending stamps).
    members : str
        Named input ``city_code, station_code``: the evaluation stations of each city.
    period : Period, str or datetime.date
        The period (any kind); a date stands for the calendar ``kind`` containing it.
    kind : {"month", "quarter", "year"}
        Only with a date ``period``.
    version : str, optional
        HJ 633 version ("2012" / "2026"); default ``rules.aqi_version``.
    weights : dict, optional
        Weights of the weighted comprehensive index (province ``composite_weights``).
    rules : AirRules, optional
        Default ``qingshan.air.rules.rules_for_period(period)`` (a period containing 2026-03-01:
        the rules of its last day, each day's AQI by its own HJ 633 version).
    level : {"city", "station"}, optional
        Only the steps of that level (:data:`LEVEL_STEPS`); default every step.
    prefix : str
        Prepended to every step name (several chains on one connection); a plain identifier.
    """
    per = _as_period(period, kind)
    rules = rules or rules_for_period(per)
    ver = version or rules.aqi_version
    limits = rules.limits
    min_days = min_valid_days(per, rules)
    if level not in LEVEL_STEPS:
        raise ValueError(f"level must be city, station or None, got {level!r}")
    if prefix and not prefix.replace("_", "").isalnum():
        raise ValueError(f"prefix must be letters, digits and '_', got {prefix!r}")
    n = {s: prefix + s for s in STEPS}
    lo, hi = per.hours
    in_period = (f"time BETWEEN TIMESTAMP '{lo:%Y-%m-%d %H:%M:%S}' "
                 f"AND TIMESTAMP '{hi:%Y-%m-%d %H:%M:%S}'")
    aqi_cols = ", ".join(HOURLY_AQI_COLUMNS)

    def year(daily: str) -> str:  # the one explicit period (min days: the rules' choice)
        return statistics.period_stats_sql(daily, start=per.start, min_days=min_days,
                                           months=len(per.months()))

    def days(daily_aqi: str) -> str:
        return statistics.day_counts_sql(daily_aqi, start=per.start)

    def hourly_aqi() -> str:  # each hour by the HJ 633 version of its natural day
        if version or not rules.mixed:
            return (f"SELECT {aqi_cols} FROM "
                    f"({aqi.hourly_aqi_sql(n['valid'], ver, plausible=False)}) AS _a")
        from qingshan.air.rules import aqi_versions
        day = "CAST(time - INTERVAL 1 HOUR AS DATE)"
        return "\nUNION ALL\n".join(
            f"SELECT {aqi_cols} FROM ({aqi.hourly_aqi_sql(n['valid'], v, plausible=False)}) "
            f"AS _a{v} WHERE {day} BETWEEN DATE '{a.isoformat()}' AND DATE '{b.isoformat()}'"
            for v, a, b in aqi_versions(per.start, per.end))

    def day_aqi(rounded: str) -> str:  # each day by its own HJ 633 version (or ``version``)
        if version or not rules.mixed:
            return aqi_valid_sql(rounded, ver)
        return aqi_by_day_sql(rounded, per.start, per.end)

    def daily(hourly_: str) -> str:
        return statistics.daily_stats_sql(hourly_, hours=n["hours"], hourly_in_grid=True)

    index = ranking.index_sql(n["city_year"], rules.ranking_denominators, weights=weights)
    all_valid = " AND ".join(f"{v}_valid" for v in ("pm25", "pm10", "so2", "no2", "co", "o3_8h"))
    sql = {
        "hours": hours_sql(per.start, per.end),
        "valid": statistics.valid_hourly_sql(hourly, code_col, where=in_period),
        # "valid" already applied the plausibility rule (same MAX_PLAUSIBLE), so it is not
        # repeated inside every IAQI expression
        "hourly_aqi": hourly_aqi(),
        "daily": daily(n["valid"]),
        "daily_rounded": statistics.daily_rounded_sql(n["daily"]),
        "daily_aqi": day_aqi(n["daily_rounded"]),
        "station_days": days(n["daily_aqi"]),
        "station_year": year(n["daily"]),
        "station_comp": compliance.annual_compliance_sql(n["station_year"], limits),
        "city_hourly": statistics.aggregate_hourly_sql(n["valid"], members),
        "city_daily": daily(n["city_hourly"]),
        "city_daily_rounded": statistics.daily_rounded_sql(n["city_daily"]),
        "city_aqi": day_aqi(n["city_daily_rounded"]),
        "city_days": days(n["city_aqi"]),
        "city_year": year(n["city_daily"]),
        "city_comp": compliance.annual_compliance_sql(n["city_year"], limits),
        # only cities whose six statistics are valid (GB 3095 Table 4) are ranked, as assess
        "ranking": ranking.rank_sql(
            f"(SELECT *, CASE WHEN {all_valid} THEN composite_index END AS rank_value "
            f"FROM ({index}) AS _i)", "rank_value"),
    }
    return [(n[s], sql[s]) for s in LEVEL_STEPS[level]]


def run_assessment(backend: Backend, hourly: str, members: str, period: Period | date | str,
                   kind: str = "year", version: str | None = None, code_col: str = "code",
                   weights: dict[str, float] | None = None,
                   on_step: Callable[[str], None] | None = None, *,
                   rules: AirRules | None = None, level: str | None = None,
                   prefix: str = "") -> list[str]:
    """Run every step on ``backend``, keeping each result under its step name.

    Returns the step names (query them with ``backend.sql("SELECT … FROM ranking")``).
    ``on_step`` is called with each name after the step finished (timing, progress).
    """
    names = []
    for name, sql in assessment_steps(hourly, members, period, kind, version, code_col,
                                      weights, rules=rules, level=level, prefix=prefix):
        if name[len(prefix):] in VIEWS:
            backend.view(name, sql)
        else:
            backend.materialize(name, sql)
        names.append(name)
        if on_step:
            on_step(name)
    return names
