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
``daily_aqi``       daily AQI per station (HJ 633)
``station_year``    period statistics per station (HJ 663 Table 1, Appendix A percentiles)
``station_comp``    annual compliance per station (GB 3095)
``city_hourly``     city series = mean of the evaluation stations at each hour (HJ 663)
``city_daily``      daily statistics per city
``city_year``       period statistics per city
``city_comp``       annual compliance per city
``ranking``         comprehensive indices and rank of the cities (城市环境空气质量排名技术规定)
==================  ===========================================================================

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

__all__ = ["STEPS", "VIEWS", "HOURLY_AQI_COLUMNS", "assessment_steps", "run_assessment",
           "period_bounds", "hours_sql"]

STEPS = ("hours", "valid", "hourly_aqi", "daily", "daily_rounded", "daily_aqi", "station_year",
         "station_comp", "city_hourly", "city_daily", "city_year", "city_comp", "ranking")
#: steps kept as (unmaterialized) views
VIEWS = ("valid", "daily_rounded")
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


def assessment_steps(hourly: str, members: str, period_start: date, kind: str = "year",
                     version: str | None = None, code_col: str = "code",
                     weights: dict[str, float] | None = None) -> list[tuple[str, str]]:
    """The (name, SQL) steps of the assessment, in order.

    Parameters
    ----------
    hourly : str
        Named input: ``code_col, time, so2, no2, co, o3, pm10, pm25`` (hour-ending stamps).
    members : str
        Named input ``city_code, station_code``: the evaluation stations of each city.
    period_start : datetime.date
        A day of the period; picks the HJ 633 version and GB 3095 limits by date.
    kind : {"month", "quarter", "year"}
        Period of the statistics.
    version : str, optional
        HJ 633 version ("2012" / "2026"); default by date (``qingshan.air.rules``).
    weights : dict, optional
        Weights of the weighted comprehensive index (province ``composite_weights``).
    """
    from qingshan.air.rules import rules_for

    rules = rules_for(period_start)
    ver = version or rules.aqi_version
    limits = rules.limits
    first, last = period_bounds(period_start, kind)
    lo = datetime.combine(first, time(1))
    hi = datetime.combine(last + timedelta(days=1), time(0))
    in_period = (f"time BETWEEN TIMESTAMP '{lo:%Y-%m-%d %H:%M:%S}' "
                 f"AND TIMESTAMP '{hi:%Y-%m-%d %H:%M:%S}'")
    aqi_cols = ", ".join(HOURLY_AQI_COLUMNS)
    return [
        ("hours", hours_sql(first, last)),
        ("valid", statistics.valid_hourly_sql(hourly, code_col, where=in_period)),
        # "valid" already applied the plausibility rule (same MAX_PLAUSIBLE), so it is not
        # repeated inside every IAQI expression
        ("hourly_aqi", f"SELECT {aqi_cols} FROM "
                       f"({aqi.hourly_aqi_sql('valid', ver, plausible=False)}) AS _a"),
        ("daily", statistics.daily_stats_sql("valid", hours="hours", hourly_in_grid=True)),
        ("daily_rounded", statistics.daily_rounded_sql("daily")),
        ("daily_aqi", aqi.daily_aqi_sql("daily_rounded", ver, plausible=False)),
        ("station_year", statistics.period_stats_sql("daily", kind)),
        ("station_comp", compliance.annual_compliance_sql("station_year", limits)),
        ("city_hourly", statistics.aggregate_hourly_sql("valid", members)),
        ("city_daily", statistics.daily_stats_sql("city_hourly", hours="hours",
                                                    hourly_in_grid=True)),
        ("city_year", statistics.period_stats_sql("city_daily", kind)),
        ("city_comp", compliance.annual_compliance_sql("city_year", limits)),
        ("ranking", ranking.rank_sql(
            f"({ranking.index_sql('city_year', rules.ranking_denominators, weights=weights)})",
            "composite_index")),
    ]


def run_assessment(backend: Backend, hourly: str, members: str, period_start: date,
                   kind: str = "year", version: str | None = None, code_col: str = "code",
                   weights: dict[str, float] | None = None,
                   on_step: Callable[[str], None] | None = None) -> list[str]:
    """Run every step on ``backend``, keeping each result under its step name.

    Returns the step names (query them with ``backend.sql("SELECT … FROM ranking")``).
    ``on_step`` is called with each name after the step finished (timing, progress).
    """
    names = []
    for name, sql in assessment_steps(hourly, members, period_start, kind, version, code_col,
                                      weights):
        if name in VIEWS:
            backend.view(name, sql)
        else:
            backend.materialize(name, sql)
        names.append(name)
        if on_step:
            on_step(name)
    return names
