"""HJ 663 statistics as SQL builders: valid hourly values, daily statistics, period statistics.

Every function returns a SQL string over **named inputs** (tables or views registered by the
caller), written in portable SQL (CASE, FILTER, standard window frames on an integer hour index,
``quantile_cont``) so that the same text can be transpiled with sqlglot for Spark. No Python loop
touches a value or a station.

Conventions (docs/nomenclature.md): hourly inputs have columns ``code, time, so2, no2, co, o3,
pm10, pm25``; ``time`` is naive Beijing time, hour-ending (the value stamped H:00 is the mean over
(H−1):00..H:00); the natural day of a stamp is ``date(time − 1 h)``, so day D is made of the stamps
D 01:00 … D+1 00:00. Units µg/m³, CO mg/m³.

Rules (constants in :mod:`qingshan.air.standards.hj663_2013`):

* daily mean of SO2, NO2, CO, PM10, PM2.5: valid with ≥ 20 valid hourly values (GB 3095 Table 4);
* O3 8-h moving average stamped H = mean of the valid values stamped H−7 … H, valid with ≥ 6 of 8
  (GB 3095 Table 4); for the MDA8 the windows are column expressions over the day's 24 pivoted
  values (:func:`daily_stats_sql`), for hour-by-hour values (:func:`moving_means_sql`) the frame is
  ``RANGE BETWEEN 7 PRECEDING AND CURRENT ROW`` on an integer hour index over a complete hour
  grid; either way missing rows never stretch a window;
* O3 MDA8 of day D = maximum of the valid 8-h values stamped D 08:00 … D+1 00:00 (the 17 windows
  inside the natural day; windows spanning midnight are not used), valid with ≥ 14 valid windows or
  when it exceeds 160 µg/m³ (HJ 663 §6.1.2);
* O3 daily maximum 1-h: valid with ≥ 20 valid hours or above 200 µg/m³ ([M], low confidence);
* period statistics use valid daily values only: mean (SO2, NO2, CO, PM10, PM2.5, O3 MDA8), and the
  HJ 663 Table 1 percentiles by Appendix A (k = 1 + (n−1)·p, linear interpolation between the
  order statistics = ``quantile_cont``): P98 SO2/NO2, P95 PM10/PM2.5/CO, P90 O3 MDA8; valid with
  ≥ 27 days in a month (February ≥ 25, leap years included), ≥ 324 in a year (GB 3095 Table 4),
  and — choice [M] stated in :mod:`qingshan.air.rules` (``min_valid_days``), not in the
  standard — the sum of the month minimums in a quarter, half-year or run of months; one
  explicit period (any kind) is aggregated with ``start=`` and ``min_days=`` (the caller passes
  ``rules.min_valid_days(period)``), the calendar series (month/quarter/year) with ``kind``;
* reported period statistics are rounded by GB/T 8170 (integer µg/m³, CO 0.1 mg/m³ [M]); daily
  statistics stay unrounded here (callers round for display and daily AQI).
"""

from __future__ import annotations

import re
from datetime import date

from qingshan.core.rounding import gbt8170_sql
from qingshan.air.standards import hj663_2013 as hj
from qingshan.air.standards.plausible_ranges import MAX_PLAUSIBLE

__all__ = [
    "valid_hourly_sql", "aggregate_hourly_sql", "daily_stats_sql", "period_stats_sql",
    "day_counts_sql", "daily_rounded_sql", "moving_means_sql", "aggregate_daily_sql",
    "region_mean_sql", "PERIOD_KINDS", "DAILY_STATS",
]

POLS = hj.POLLUTANTS
PERIOD_KINDS = ("month", "quarter", "year")


def valid_hourly_sql(source: str = "air_hourly", code_col: str = "station_code",
                     where: str = "TRUE") -> str:
    """Hourly values with invalid ones set to NULL.

    A value is invalid when negative or above ``MAX_PLAUSIBLE`` (the rule behind ``qc_flags`` bits
    1 and 4, applied per value). Output: ``code, time, so2, no2, co, o3, pm10, pm25``.
    """
    cols = ", ".join(
        f"CASE WHEN {p} >= 0 AND {p} <= {MAX_PLAUSIBLE[p]} THEN {p} END AS {p}" for p in POLS)
    return f"SELECT {code_col} AS code, time, {cols} FROM {source} WHERE {where}"


def aggregate_hourly_sql(hourly: str, members: str, group_col: str = "city_code",
                         member_col: str = "station_code") -> str:
    """Series of a group (city) = arithmetic mean of its members' valid values at each hour.

    HJ 663 (spec air-assessment §2.6 [M]): the city concentration of a time step is the mean of
    all valid evaluation stations at that step; a pollutant missing at every station stays NULL.
    ``members`` has ``group_col, member_col``. Output columns as the hourly input.
    """
    cols = ", ".join(f"avg(h.{p}) AS {p}" for p in POLS)
    return (f"SELECT m.{group_col} AS code, h.time, {cols} FROM {hourly} h "
            f"JOIN {members} m ON h.code = m.{member_col} GROUP BY m.{group_col}, h.time")


def daily_stats_sql(hourly: str, hours: str | None = None, hourly_in_grid: bool = False) -> str:
    """Daily statistics per ``code`` and natural day, each with its count and validity flag.

    Parameters
    ----------
    hourly : str
        Named input with ``code, time`` and the six pollutants (invalid values NULL); at most one
        row per ``code`` and on-the-hour stamp.
    hours : str, optional
        Named input with one column ``time`` listing every hour stamp of the period; the grid
        ``codes × hours`` makes missing hours explicit (stamps of ``hourly`` outside it are not
        used; every code gets a row for every day of the grid). Default: the distinct stamps of
        ``hourly``.
    hourly_in_grid : bool
        The caller guarantees that every stamp of ``hourly`` is in ``hours`` (e.g. ``hourly`` is
        already restricted to the period of a complete ``hours``): the semi-join that drops
        stamps outside the grid is skipped. Same results, ≈ 10 % less work.

    Returns
    -------
    str
        SQL with ``code, date``; for p in SO2, NO2, CO, PM10, PM2.5: ``p`` (mean), ``p_n`` (valid
        hours), ``p_valid`` (n ≥ 20); ``o3_1h_max, o3_1h_n``; ``o3_8h_max`` (MDA8), ``o3_8h_n``
        (valid 8-h windows of the 17); ``o3_1h_max_valid``, ``o3_8h_max_valid`` (n ≥ 14 or
        MDA8 > 160).

    Notes
    -----
    The 17 O3 8-h windows of day D end at D 08:00 … D+1 00:00 and so contain only the day's own
    24 stamps D 01:00 … D+1 00:00 (GB 3095 Table 4, HJ 663 §6.1.2). One ``GROUP BY code, day``
    therefore gives the daily means and counts and pivots the day's 24 O3 values into columns
    ``o3_h0 … o3_h23`` (``hod`` = hour of ``time − 1 h``); each window mean (sum of its valid
    values, left to right, ÷ their number, valid with ≥ 6 of 8), the number of valid windows and
    the MDA8 (``GREATEST`` of the valid windows) are then column expressions — no hour grid and no
    window operator. A window exists only if its ending stamp is in the grid (``hours``), as
    with a moving window over the ``codes × hours`` grid (:func:`moving_means_sql`).
    """
    win, need = hj.O3_8H_WINDOW, hj.MIN_HOURS_O3_8H
    hours_src = hours or f"(SELECT DISTINCT time FROM {hourly})"
    in_grid = f" WHERE time IN (SELECT time FROM {hours})" if hours and not hourly_in_grid else ""
    # every code of ``hourly`` gets a row per day; without the grid filter all of them are in ``a``
    codes_src = hourly if in_grid else "a"
    day_of = "CAST(time - INTERVAL 1 HOUR AS DATE)"
    hod_of = "EXTRACT(HOUR FROM time - INTERVAL 1 HOUR)"
    means = ",\n    ".join(f"avg({p}) AS {p}, count({p}) AS {p}_n"
                            for p in hj.DAILY_MEAN_POLLUTANTS)
    pivot = ",\n    ".join(f"max(CASE WHEN hod = {k} THEN o3 END) AS o3_h{k}" for k in range(24))
    ends = range(win - 1, 24)  # hod of the ending stamps of the 17 windows inside the day
    grid_flags = ",\n    ".join(f"count(*) FILTER (WHERE hod = {e}) > 0 AS g{e}" for e in ends)
    # per window: number of valid values and their sum (left to right), then the mean
    sums = []
    for e in ends:
        ks = range(e - win + 1, e + 1)
        n = " + ".join(f"CASE WHEN o3_h{k} IS NULL THEN 0 ELSE 1 END" for k in ks)
        s = " + ".join(f"COALESCE(o3_h{k}, 0)" for k in ks)
        sums.append(f"CASE WHEN g{e} THEN {n} ELSE 0 END AS n{e}, {s} AS s{e}")
    wcols = ",\n    ".join(sums)
    wins = ",\n    ".join(f"CASE WHEN n{e} >= {need} THEN s{e} / n{e} END AS w{e}" for e in ends)
    mean_cols = ",\n  ".join(
        f"{p}, COALESCE({p}_n, 0) AS {p}_n, COALESCE({p}_n, 0) >= {hj.MIN_HOURS_DAILY} AS {p}_valid"
        for p in hj.DAILY_MEAN_POLLUTANTS)
    a_cols = [f"{p}{x}" for p in hj.DAILY_MEAN_POLLUTANTS for x in ("", "_n")]
    a_cols += ["o3_1h_max", "o3_1h_n"]
    a_list = ", ".join(f"a.{c}" for c in a_cols)
    w_list = ", ".join(f"w{e}" for e in ends)
    w_n = " + ".join(f"CASE WHEN w{e} IS NULL THEN 0 ELSE 1 END" for e in ends)
    return f"""
WITH x AS (
  SELECT code, {day_of} AS date, {hod_of} AS hod, {", ".join(POLS)}
  FROM {hourly}{in_grid}
),
a AS (
  SELECT code, date,
    {means},
    max(o3) AS o3_1h_max, count(o3) AS o3_1h_n,
    {pivot}
  FROM x GROUP BY code, date
),
days AS (
  SELECT date,
    {grid_flags}
  FROM (SELECT {day_of} AS date, {hod_of} AS hod FROM {hours_src}) AS _g GROUP BY date
),
codes AS (SELECT DISTINCT code FROM {codes_src}),
w AS (
  SELECT c.code, d.date, {a_list},
    {wcols}
  FROM codes c CROSS JOIN days d LEFT JOIN a ON a.code = c.code AND a.date = d.date
),
v AS (
  SELECT code, date, {", ".join(a_cols)},
    {wins}
  FROM w
),
r AS (
  SELECT code, date,
  {mean_cols},
  o3_1h_max, COALESCE(o3_1h_n, 0) AS o3_1h_n,
  GREATEST({w_list}) AS o3_8h_max,
  CAST({w_n} AS BIGINT) AS o3_8h_n
  FROM v
)
SELECT *,
  (o3_1h_n >= {hj.MIN_HOURS_O3_1H_MAX} OR COALESCE(o3_1h_max > {hj.O3_1H_EXCEPTION_LIMIT}, FALSE))
    AS o3_1h_max_valid,
  (o3_8h_n >= {hj.MIN_WINDOWS_MDA8} OR COALESCE(o3_8h_max > {hj.MDA8_EXCEPTION_LIMIT}, FALSE))
    AS o3_8h_max_valid
FROM r
"""


DAILY_STATS = ("so2", "no2", "co", "pm10", "pm25", "o3_8h_max", "o3_1h_max")
_DEC = {**hj.DECIMALS, "o3_8h_max": 0, "o3_1h_max": 0}


def daily_rounded_sql(daily: str) -> str:
    """Valid daily statistics rounded by GB/T 8170 for display and daily AQI; invalid → NULL.

    Output: ``code, date``, the seven daily statistics, and their ``*_valid`` flags.
    """
    cols = ", ".join(
        f"CASE WHEN {s}_valid THEN {gbt8170_sql(s, _DEC[s])} END AS {s}, {s}_valid"
        for s in DAILY_STATS)
    return f"SELECT code, date, {cols} FROM {daily}"


def aggregate_daily_sql(daily: str, members: str, group_col: str = "city_code",
                        member_col: str = "station_code") -> str:
    """Alternative city rule: a city's daily statistic = mean of its stations' **valid** daily
    statistics (valid when at least one station's is), instead of statistics of the city hourly
    series (spec air-assessment §2.6 leaves the choice open [M]).

    Output: ``code, date``, the seven daily statistics, ``<stat>_n`` (stations averaged) and
    ``<stat>_valid``, i.e. the columns the period builders read.
    """
    cols = ",\n  ".join(
        f"avg(CASE WHEN d.{s}_valid THEN d.{s} END) AS {s}, "
        f"count(CASE WHEN d.{s}_valid THEN 1 END) AS {s}_n, "
        f"count(CASE WHEN d.{s}_valid THEN 1 END) > 0 AS {s}_valid" for s in DAILY_STATS)
    return (f"SELECT m.{group_col} AS code, d.date,\n  {cols}\nFROM {daily} d "
            f"JOIN {members} m ON d.code = m.{member_col} GROUP BY m.{group_col}, d.date")


def _min_days_sql(kind: str) -> str:
    if kind == "month":
        return (f"CASE WHEN EXTRACT(MONTH FROM period_start) = 2 THEN {hj.MIN_DAYS_FEBRUARY} "
                f"ELSE {hj.MIN_DAYS_MONTH} END")
    if kind == "quarter":
        q = hj.MIN_DAYS_QUARTER
        return ("CASE EXTRACT(QUARTER FROM period_start) " + " ".join(
            f"WHEN {k} THEN {v}" for k, v in q.items()) + " END")
    if kind == "year":
        return str(hj.MIN_DAYS_YEAR)
    raise ValueError(f"period kind must be one of {PERIOD_KINDS}, got {kind!r}")


_PERIOD_MEANS = {"so2": "so2", "no2": "no2", "co": "co", "pm10": "pm10", "pm25": "pm25",
                 "o3_8h": "o3_8h_max"}


def _period_key(kind: str, start: date | None, min_days: int | None) -> tuple[str, str, str]:
    """(period_start expression, GROUP BY tail, minimum-days expression) of the two paths.

    ``start`` given: one explicit period — the daily input is already restricted to its days,
    every row belongs to it, ``period_start`` is the typed date literal of ``start`` and the
    minimum is the integer ``min_days`` (``qingshan.air.rules.min_valid_days``). Otherwise the
    calendar series of ``kind``: ``date_trunc(kind, date)`` with the GB 3095 Table 4 minimums.
    """
    if start is None:
        key = f"CAST(date_trunc('{_kind(kind)}', date) AS DATE)"
        return key, f", {key}", _min_days_sql(kind)
    if not isinstance(start, date):
        raise TypeError(f"start must be a datetime.date, got {type(start).__name__}")
    if isinstance(min_days, bool) or not isinstance(min_days, int) or min_days < 0:
        raise TypeError(f"min_days must be a non-negative int, got {min_days!r}")
    # both values are typed (a date, an int): their text can only be a date and a number
    return f"DATE '{date(start.year, start.month, start.day).isoformat()}'", "", str(min_days)


def _kind(kind: str) -> str:
    if kind not in PERIOD_KINDS:
        raise ValueError(f"period kind must be one of {PERIOD_KINDS}, got {kind!r}")
    return kind


def period_stats_sql(daily: str, kind: str = "month", rounded: bool = True, *,
                     start: date | None = None, min_days: int | None = None,
                     months: int | None = None) -> str:
    """Period statistics per ``code`` and calendar month, quarter or year of the daily input,
    or per ``code`` for one explicit period (``start``, ``min_days``).

    Parameters
    ----------
    daily : str
        Named input shaped like :func:`daily_stats_sql` output (unrounded values + flags).
    kind : {"month", "quarter", "year"}
        Calendar series (ignored when ``start`` is given).
    rounded : bool
        Round means and percentiles by GB/T 8170 to the reporting precision.
    start : datetime.date, optional
        First day of one explicit period of any kind (month, quarter, half-year, year, run of
        months); the daily input must hold that period's days only.
    min_days : int, optional
        Valid days the explicit period needs: ``qingshan.air.rules.min_valid_days(period)``
        (GB 3095 Table 4; for quarters, half-years and runs the sum of the months' minimums,
        choice [M] of :mod:`qingshan.air.rules`).
    months : int, optional
        Number of calendar months of the explicit period: then every month must also reach its
        own minimum (27 valid days, February 25 — GB 3095-2012/2026 Table 4 for the annual
        mean, applied to every period kind, :func:`qingshan.air.rules.min_valid_days`). The
        calendar series always apply it (1, 3 or 12 months). ``None`` with ``start``: the total
        only (the former rule, kept for callers that check months themselves).

    Returns
    -------
    str
        SQL with ``code, period_start`` and for each of so2, no2, co, pm10, pm25, o3_8h: the mean
        (``so2`` …, ``o3_8h`` = mean of MDA8), ``*_days`` (valid daily values), ``*_valid``
        (days ≥ minimum of the period), and the percentiles ``so2_p98, no2_p98, pm10_p95,
        pm25_p95, co_p95, o3_8h_p90`` (HJ 663 Appendix A = ``quantile_cont``).
    """
    key, group, min_expr = _period_key(kind, start, min_days)
    if start is None:
        months = {"month": 1, "quarter": 3, "year": 12}[_kind(kind)]
    elif months is not None and (isinstance(months, bool) or not isinstance(months, int)
                                 or months < 1):
        raise TypeError(f"months must be a positive int, got {months!r}")
    month_of = "CAST(date_trunc('month', date) AS DATE)"
    month_min = (f"CASE WHEN EXTRACT(MONTH FROM month_start) = 2 THEN {hj.MIN_DAYS_FEBRUARY} "
                 f"ELSE {hj.MIN_DAYS_MONTH} END")
    mcount, mok = [], []
    parts = []
    outer = []
    for name, col in _PERIOD_MEANS.items():
        dec = hj.DECIMALS.get(name, 0)
        parts.append(f"avg({col}) FILTER (WHERE {col}_valid) AS {name}")
        parts.append(f"count({col}) FILTER (WHERE {col}_valid) AS {name}_days")
        outer.append(f"{gbt8170_sql(name, dec) if rounded else name} AS {name}")
        mcount.append(f"count({col}) FILTER (WHERE {col}_valid) AS {name}_m")
        mok.append(f"count(*) FILTER (WHERE {name}_m >= {month_min}) AS {name}_okm")
        per_month = "" if months is None else f" AND COALESCE(mv.{name}_okm, 0) >= {months}"
        outer.append(f"{name}_days, ({name}_days >= {min_expr}{per_month}) AS {name}_valid")
        p = hj.PERCENTILES[name] if name in hj.PERCENTILES else None
        if p is not None:
            pc = f"{name}_p{p}"
            parts.append(f"quantile_cont({col}, {p / 100}) FILTER (WHERE {col}_valid) AS {pc}")
            outer.append(f"{gbt8170_sql(pc, dec) if rounded else pc} AS {pc}")
    inner = ",\n  ".join(parts)
    if months is None:
        return f"""
WITH p AS (
  SELECT code, {key} AS period_start,
  count(*) AS days,
  {inner}
  FROM {daily} GROUP BY code{group}
)
SELECT code, period_start, days, {", ".join(outer)} FROM p
"""
    return f"""
WITH p AS (
  SELECT code, {key} AS period_start,
  count(*) AS days,
  {inner}
  FROM {daily} GROUP BY code{group}
),
m AS (
  SELECT code, {key} AS period_start, {month_of} AS month_start, {", ".join(mcount)}
  FROM {daily} GROUP BY code{group}, {month_of}
),
mv AS (
  SELECT code AS mv_code, period_start AS mv_start, {", ".join(mok)}
  FROM m GROUP BY code, period_start
)
SELECT code, period_start, days, {", ".join(outer)}
FROM p LEFT JOIN mv ON mv.mv_code = p.code AND mv.mv_start = p.period_start
"""


def day_counts_sql(daily_aqi: str, kind: str = "month", *, start: date | None = None) -> str:
    """AQI day statistics per ``code`` and period (spec air-aqi §7); ``start``: one explicit
    period (as in :func:`period_stats_sql`), else the calendar series of ``kind``.

    ``daily_aqi`` has ``code, date, aqi, aqi_valid``. Output: ``code, period_start, days`` (rows =
    calendar days when the input covers the whole period), ``aqi_days`` (valid AQI days),
    ``good_days`` (AQI ≤ 100), ``good_day_ratio`` (% of valid days, 1 decimal, GB/T 8170),
    ``heavy_days`` (AQI > 200), ``severe_days`` (AQI > 300).
    """
    key, group, _ = _period_key(kind, start, 0 if start is not None else None)
    ratio = gbt8170_sql("100.0 * good_days / NULLIF(aqi_days, 0)", 1)
    return f"""
WITH c AS (
  SELECT code, {key} AS period_start, count(*) AS days,
    count(*) FILTER (WHERE aqi_valid) AS aqi_days,
    count(*) FILTER (WHERE aqi_valid AND aqi <= 100) AS good_days,
    count(*) FILTER (WHERE aqi_valid AND aqi > 200) AS heavy_days,
    count(*) FILTER (WHERE aqi_valid AND aqi > 300) AS severe_days
  FROM {daily_aqi} GROUP BY code{group}
)
SELECT code, period_start, days, aqi_days, good_days, {ratio} AS good_day_ratio,
  heavy_days, severe_days FROM c
"""


def moving_means_sql(hourly: str, hours: str | None = None) -> str:
    """Moving means ending at each hour, for the literal HJ 633-2012 real-time AQI (Table 4).

    ``o3_8h``: 8-h moving mean, valid with ≥ 6 of 8 (GB 3095 Table 4); ``pm10_24h``,
    ``pm25_24h``, ``so2_24h``: 24-h moving means, valid with ≥ 20 of 24 — the daily-mean minimum
    applied to the moving window ([M] implementation choice; HJ 633-2012 is silent). RANGE frames on
    the integer hour index over the ``codes × hours`` grid, as in :func:`daily_stats_sql`.
    Output: every hourly column plus the four moving means (rows of the grid with data only).
    """
    hours_src = hours or f"(SELECT DISTINCT time FROM {hourly})"
    vals = ", ".join(f"x.{p}" for p in POLS)

    def mv(col: str, n: int, need: int) -> str:
        w = (f"OVER (PARTITION BY code ORDER BY hidx RANGE BETWEEN {n - 1} PRECEDING "
             f"AND CURRENT ROW)")
        return f"CASE WHEN count({col}) {w} >= {need} THEN avg({col}) {w} END"

    return f"""
WITH codes AS (SELECT DISTINCT code FROM {hourly}),
grid AS (SELECT c.code, g.time FROM codes c CROSS JOIN {hours_src} g),
h AS (
  SELECT g.code, g.time, CAST(FLOOR(EPOCH(g.time) / 3600) AS BIGINT) AS hidx, {vals},
    x.code IS NOT NULL AS present
  FROM grid g LEFT JOIN {hourly} x ON x.code = g.code AND x.time = g.time
),
m AS (
  SELECT code, time, present, {", ".join(POLS)},
    {mv("o3", hj.O3_8H_WINDOW, hj.MIN_HOURS_O3_8H)} AS o3_8h,
    {mv("pm10", 24, hj.MIN_HOURS_DAILY)} AS pm10_24h,
    {mv("pm25", 24, hj.MIN_HOURS_DAILY)} AS pm25_24h,
    {mv("so2", 24, hj.MIN_HOURS_DAILY)} AS so2_24h
  FROM h
)
SELECT code, time, {", ".join(POLS)}, o3_8h, pm10_24h, pm25_24h, so2_24h FROM m WHERE present
"""


_REGION_DEC = {"pm25": 0, "pm10": 0, "so2": 0, "no2": 0, "co": 1, "o3_8h": 0, "so2_p98": 0,
               "no2_p98": 0, "pm10_p95": 0, "pm25_p95": 0, "co_p95": 1, "o3_8h_p90": 0}


_REGION_CODE = re.compile(r"[0-9A-Za-z_-]{1,32}")


def region_mean_sql(rows: str, code: str) -> str:
    """A region (province) = arithmetic mean of its units' (cities') period results.

    ``rows``: :func:`period_stats_sql` output joined with :func:`day_counts_sql` columns
    (aqi_days, good_days, good_day_ratio, heavy_days, severe_days), one row per city and period.
    Concentrations are re-rounded by GB/T 8170 (integer, CO 0.1); ratios and day counts are city
    means to 1 decimal; a statistic is valid only if every city's is (valid days = the minimum).
    Provincial bulletins report such "全省平均" figures (spec air-assessment §2.6: regional rule
    not verified [M]). ``code`` is written into the SQL as a literal (the SQL runs on any
    backend): only 1–32 letters, digits, ``_`` and ``-`` are accepted (ValueError otherwise);
    callers with a configured code pass a placeholder and join the code in from a table.
    """
    if not _REGION_CODE.fullmatch(str(code)):   # the engine writes it as a literal (any backend)
        raise ValueError(f"region code must be 1–32 letters, digits, '_' or '-', got {code!r}")
    cols = [f"{gbt8170_sql(f'avg({c})', d)} AS {c}" for c, d in _REGION_DEC.items()]
    cols += [f"min({v}_days) AS {v}_days, bool_and({v}_valid) AS {v}_valid"
             for v in _PERIOD_MEANS]
    cols += [f"{gbt8170_sql(f'avg({c})', 1)} AS {c}" for c in
             ("good_day_ratio", "good_days", "heavy_days", "severe_days")]
    return (f"SELECT '{code}' AS code, period_start, max(days) AS days, "
            f"min(aqi_days) AS aqi_days, {', '.join(cols)} FROM {rows} GROUP BY period_start")
