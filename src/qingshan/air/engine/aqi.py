"""HJ 633 air quality index (AQI) as SQL builders (HJ 633-2012 and HJ 633-2026).

Every function returns a SQL string; services run it in DuckDB (and, via sqlglot, Spark). Only
portable SQL is used (CASE, CAST, CEIL, GREATEST, CONCAT_WS); GB/T 8170 input rounding comes from
:func:`qingshan.core.rounding.gbt8170_sql`.

Exact arithmetic
----------------
IAQI (HJ 633-2012 §4.2 eq. (1); HJ 633-2026 §4.2.4 eq. (1))::

    IAQI = IAQI_lo + (IAQI_hi - IAQI_lo) * (C - BP_lo) / (BP_hi - BP_lo)

rounded **up** to an integer (2012 §6.2; 2026 §4.2.6). The concentration is taken to 6 decimals
as the exact integer ``s = round(C · 10^6)`` (the DOUBLE product rounded half away from zero — the
value of ``CAST(C AS DECIMAL(18,6))`` scaled by 10^6, which DuckDB computes the same way; it is
only evaluated for 0 ≤ C ≤ top breakpoint, so ``s`` < 2^53 and is exact in BIGINT). ``ROUND``
is used instead of the decimal cast because it is ≈ 5× cheaper and, unlike the cast, gives the
same integer on Spark (its ``ROUND`` on DOUBLE rounds half up the exact decimal value, which for a
non-negative product is the same as half away from zero). Breakpoints are integers (or have ≤ 6
decimals), so numerator ``(IAQI_hi - IAQI_lo) * (s - BP_lo*10^6)`` (< 2^53) and denominator
``(BP_hi - BP_lo)*10^6`` are exact in DOUBLE. IEEE division is correctly rounded, so an exact
integer quotient stays exact and a non-integer quotient (at least 1/denominator ≥ 8e-10 away from
an integer) never rounds onto one: ``CEIL`` of the DOUBLE quotient is the exact ceiling. A value
exactly on a breakpoint gives the breakpoint's IAQI (e.g. PM2.5 75 → 100, never 101). The segment
test ``s ≤ BP_hi·10^6`` is written ``C·10^6 < BP_hi·10^6 + 0.5`` on the same DOUBLE product (the
half-integer is exact in DOUBLE and rounding is half away from zero, so both tests agree for every
C ≥ 0); ``s`` itself is then computed once, in the chosen segment.

Conventions (spec silent; documented choices)
---------------------------------------------
- Negative values and values above ``MAX_PLAUSIBLE`` (qingshan.air.standards.plausible_ranges) are
  invalid → NULL (``plausible=True``, default); NULL in → NULL IAQI.
- Above the top breakpoint of a table (e.g. PM2.5 > 500): IAQI 500 and ``beyond_range`` TRUE
  (spec [M]: the standard gives no segment).
- AQI = max of the available IAQIs (NULLs skipped); NULL when none is available.
- Primary pollutant only when AQI > 50 (2012 §4.4.2, 2026 §4.3.1), ties all kept (integer IAQIs
  compared), joined with "," in the fixed order SO2, NO2, CO, O3 / O3_8h, O3_1h, PM10, PM2.5;
  names as CNEMC publishes them ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "O3_8h", "O3_1h").
- ``missing_pollutants``: names of the indicators whose IAQI is NULL ("" if none) — the 缺项指标
  the report must state (2012 §5.1.1, 2026 §5.1.1).
"""

from __future__ import annotations

from types import ModuleType

from qingshan.core.rounding import gbt8170_sql
from qingshan.air.standards import hj633_2012
from qingshan.air.standards import hj633_2026
from qingshan.air.standards.plausible_ranges import MAX_PLAUSIBLE

__all__ = [
    "iaqi_sql", "beyond_range_sql", "hourly_aqi_sql", "daily_aqi_sql", "standard_module",
    "PRIMARY_NAMES", "LEVEL_COLUMNS",
]

_SCALE = 1_000_000

#: Output names of the pollutants (CNEMC spelling), in the fixed order used for ties.
PRIMARY_NAMES = {
    "so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3", "o3_8h": "O3_8h", "o3_1h": "O3_1h",
    "pm10": "PM10", "pm25": "PM2.5",
}

#: Columns derived from the AQI value.
LEVEL_COLUMNS = ("level", "category", "category_en", "colour")


def standard_module(version: str) -> ModuleType:
    """The HJ 633 tables module of ``version`` ("2012" or "2026")."""
    if str(version) == "2012":
        return hj633_2012
    if str(version) == "2026":
        return hj633_2026
    raise ValueError(f"unknown HJ 633 version {version!r} (expected '2012' or '2026')")


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def iaqi_sql(expr: str, pollutant_table) -> str:
    """SQL expression of the integer IAQI of ``expr`` on one breakpoint table.

    HJ 633-2012 §4.2 eq. (1) and §6.2 (ceil); HJ 633-2026 §4.2.4 eq. (1) and §4.2.6.

    Parameters
    ----------
    expr : str
        SQL expression of the concentration [µg/m³; CO mg/m³].
    pollutant_table : sequence of (int, float)
        Contiguous (IAQI, concentration) breakpoints, e.g. ``hj633_2012.BREAKPOINTS["pm25_24h"]``.

    Returns
    -------
    str
        INTEGER expression: NULL for NULL or negative input; the top IAQI (500) above the top
        breakpoint (see :func:`beyond_range_sql`); otherwise the ceiling of eq. (1), exact.
    """
    bps = tuple(pollutant_table)
    x = f"({expr})"
    p = f"({x} * {_SCALE}.0)"
    s = f"CAST(ROUND({p}) AS BIGINT)"
    parts = [f"CASE WHEN {x} IS NULL OR {x} < 0 THEN NULL",
             f"WHEN {x} > {_num(bps[-1][1])} THEN {int(bps[-1][0])}"]
    for (ilo, clo), (ihi, chi) in zip(bps, bps[1:]):
        lo, hi = round(clo * _SCALE), round(chi * _SCALE)
        # s <= hi  <=>  p < hi + 0.5 (p >= 0, half away from zero; hi + 0.5 exact in DOUBLE)
        parts.append(
            f"WHEN {p} < CAST({hi}.5 AS DOUBLE) THEN {int(ilo)} + CAST(CEIL(CAST({int(ihi - ilo)} "
            f"* ({s} - {lo}) AS DOUBLE) / {hi - lo}) AS INTEGER)")
    return " ".join(parts) + " END"


def beyond_range_sql(expr: str, pollutant_table) -> str:
    """SQL boolean: ``expr`` is above the top breakpoint of the table (IAQI capped at 500).

    FALSE for NULL input. The standards define no segment there (spec air-aqi.md §2, [M]).
    """
    return f"COALESCE(({expr}) > {_num(tuple(pollutant_table)[-1][1])}, FALSE)"


def _input(col: str, base: str, round_inputs: bool, plausible: bool) -> str:
    """Validated and (optionally) GB/T 8170-rounded input expression for column ``col``.

    ``base`` is the pollutant (so2 … pm25) giving the plausible maximum and the 2026 decimals
    (HJ 633-2026 §4.2.2/§4.2.3: µg/m³ to integers, CO mg/m³ to 1 decimal).
    """
    e = col
    if plausible:
        e = f"CASE WHEN {col} >= 0 AND {col} <= {_num(MAX_PLAUSIBLE[base])} THEN {col} END"
    if round_inputs:
        e = gbt8170_sql(e, hj633_2026.INPUT_DECIMALS[base])
    return f"({e})"


def _above_rule_sql(x: str, key: str, std: ModuleType, substitute_iaqi: str | None) -> str:
    """IAQI of input ``x`` on table ``key`` including that table's >800 rule (Table 1 notes (2)(3)
    of 2012: substitute indicator's IAQI; Table 3 notes b, c of 2026: fixed IAQI)."""
    rule = std.ABOVE_TABLE_RULES.get(key)
    base = iaqi_sql(x, std.BREAKPOINTS[key])
    if rule is None:
        return base
    fixed = str(int(rule["iaqi"])) if "iaqi" in rule else (substitute_iaqi or "NULL")
    return f"CASE WHEN {x} > {_num(rule['limit'])} THEN {fixed} ELSE {base} END"


def _assemble(source: str, std: ModuleType, items: list[tuple[str, str, str | None]],
              na_rule: bool, exceedance: bool, not_in_plan: tuple[str, ...] = ()) -> str:
    """Wrap the IAQI columns into the final SELECT.

    ``items``: (output suffix, IAQI SQL, beyond-range SQL or None) in tie order.
    """
    iaqi_cols = [f"iaqi_{k}" for k, _, _ in items]
    beyond = [b for _, _, b in items if b is not None]
    l1 = ", ".join(f"{sql} AS iaqi_{k}" for k, sql, _ in items)
    l1 += f", ({' OR '.join(beyond) if beyond else 'FALSE'}) AS beyond_range"
    greatest = f"GREATEST({', '.join(iaqi_cols)})"
    bad = set(not_in_plan) - {k for k, _, _ in items}
    if bad:
        raise ValueError(f"not_in_plan names unknown indicators: {sorted(bad)}")
    missing = " OR ".join(f"iaqi_{k} IS NULL" for k, _, _ in items if k not in not_in_plan)
    missing = missing or "FALSE"
    aqi = (f"CASE WHEN ({missing}) AND {greatest} <= {std.NA_RULE_AQI} THEN NULL "
           f"ELSE {greatest} END") if na_rule else greatest
    names = [PRIMARY_NAMES[k] for k, _, _ in items]
    missing_list = "CONCAT_WS(',', " + ", ".join(
        f"CASE WHEN {c} IS NULL THEN '{n}' END" for c, n in zip(iaqi_cols, names)) + ")"
    l2 = f"{aqi} AS aqi, {missing_list} AS missing_pollutants"
    primary = ("CASE WHEN aqi > {t} THEN CONCAT_WS(',', ".format(t=std.PRIMARY_POLLUTANT_AQI)
               + ", ".join(f"CASE WHEN {c} = aqi THEN '{n}' END" for c, n in zip(iaqi_cols, names))
               + ") END")

    def by_level(field: str) -> str:
        whens = []
        for lv in std.LEVELS:
            v = lv[field]
            v = str(v) if isinstance(v, int) else f"'{v}'"
            whens.append(f"WHEN aqi <= {lv['aqi_hi']} THEN {v}" if lv["aqi_hi"] is not None
                         else f"ELSE {v}")
        return "CASE WHEN aqi IS NULL THEN NULL " + " ".join(whens) + " END"

    l3 = [f"{primary} AS primary_pollutant", f"{by_level('level')} AS level",
          f"{by_level('category')} AS category", f"{by_level('category_en')} AS category_en",
          f"{by_level('hex')} AS colour"]
    if exceedance:
        l3.append("CONCAT_WS(',', " + ", ".join(
            f"CASE WHEN {c} > {std.EXCEEDANCE_IAQI} THEN '{n}' END"
            for c, n in zip(iaqi_cols, names)) + ") AS exceedance_pollutants")
    src = source.strip()
    return (f"SELECT *, {', '.join(l3)} FROM (SELECT *, {l2} FROM "
            f"(SELECT _src.*, {l1} FROM {src} AS _src) AS _l1) AS _l2")


def _defaults(version: str, round_inputs: bool | None) -> tuple[ModuleType, bool]:
    std = standard_module(version)
    return std, (std.VERSION == "2026") if round_inputs is None else bool(round_inputs)


def hourly_aqi_sql(source: str, version: str = "2012", mode: str = "cnemc", *,
                   so2_24h: bool = False, round_inputs: bool | None = None,
                   plausible: bool = True, not_in_plan: tuple[str, ...] = ()) -> str:
    """SELECT computing the real-time (hourly) AQI of every row of ``source``.

    Parameters
    ----------
    source : str
        Table/view name or parenthesised subquery with columns so2, no2, co, o3, pm10, pm25 (1-h
        means [µg/m³; CO mg/m³]); ``so2_24h`` if ``so2_24h=True``; for ``mode="literal"`` also
        pm10_24h, pm25_24h (24-h moving means) and o3_8h (8-h moving mean).
    version : {"2012", "2026"}
        HJ 633 version.
    mode : {"cnemc", "literal"}
        ``"cnemc"`` (default): the CNEMC real-time definition verified on the 2019 archive (spec
        README) and written down by HJ 633-2026 §4.2.3/eq. (1): 1-h SO2, NO2, CO, O3 on the 1-h
        breakpoints, 1-h PM10/PM2.5 on the 24-h (daily) breakpoints. ``"literal"`` (2012 only):
        HJ 633-2012 §5.1.3/Table 4 read literally — adds O3 8-h (``iaqi_o3_8h``) and scores PM on
        the 24-h moving means.
    so2_24h : bool
        2012 only: the source has ``so2_24h``; SO2 1-h > 800 then reports the SO2 24-h IAQI
        (Table 1 note (2)); without it that IAQI is NULL. 2026: SO2 1-h > 800 → 200 (Table 3 b).
    round_inputs : bool, optional
        Round inputs per GB/T 8170 (µg/m³ to integers, CO to 0.1; HJ 633-2026 §4.2.3) before
        scoring. Default True for 2026, False for 2012 (HJ 633-2012 is silent).
    plausible : bool
        Treat negative values and values above ``MAX_PLAUSIBLE`` as invalid (NULL).
    not_in_plan : tuple of str
        2026 §5.3.2: indicators (e.g. ``("co",)``) absent because the monitoring plan does not
        include them and that, per the caller's check of the last three years, were never the
        primary pollutant of a lightly-polluted-or-worse day; their absence does not trigger the
        §5.3.1 NA rule. (The three-year check is the caller's; the engine only applies it.)

    Returns
    -------
    str
        SELECT of all source columns plus iaqi_so2, iaqi_no2, iaqi_co, iaqi_o3, [iaqi_o3_8h,]
        iaqi_pm10, iaqi_pm25, beyond_range, aqi, missing_pollutants, primary_pollutant, level,
        category, category_en, colour, and for 2012 exceedance_pollutants (IAQI > 100, §4.4.2).
        For 2026, §5.3.1: if an indicator is missing and AQI ≤ 100, aqi, primary_pollutant,
        level, category, category_en and colour are NULL ("NA"); the IAQIs stay.
    """
    std, rnd = _defaults(version, round_inputs)
    if mode not in ("cnemc", "literal"):
        raise ValueError(f"mode must be 'cnemc' or 'literal', not {mode!r}")
    if mode == "literal" and std.VERSION != "2012":
        raise ValueError("mode 'literal' exists only for HJ 633-2012 (2026 defines 1-h values)")
    bp = std.BREAKPOINTS

    def inp(col: str, base: str | None = None) -> str:
        return _input(col, base or col.split("_")[0], rnd, plausible)

    sub = None
    if so2_24h and std.VERSION == "2012":
        sub = iaqi_sql(inp("so2_24h"), bp["so2_24h"])
    beyond_so2 = None
    if sub:
        limit = _num(std.ABOVE_TABLE_RULES["so2_1h"]["limit"])
        beyond_so2 = (f"COALESCE({inp('so2')} > {limit}, FALSE) AND "
                      f"{beyond_range_sql(inp('so2_24h'), bp['so2_24h'])}")
    items: list[tuple[str, str, str | None]] = [
        ("so2", _above_rule_sql(inp("so2"), "so2_1h", std, sub), beyond_so2),
        ("no2", iaqi_sql(inp("no2"), bp["no2_1h"]), beyond_range_sql(inp("no2"), bp["no2_1h"])),
        ("co", iaqi_sql(inp("co"), bp["co_1h"]), beyond_range_sql(inp("co"), bp["co_1h"])),
        ("o3", iaqi_sql(inp("o3"), bp["o3_1h"]), beyond_range_sql(inp("o3"), bp["o3_1h"])),
    ]
    pm = ("pm10", "pm25") if mode == "cnemc" else ("pm10_24h", "pm25_24h")
    if mode == "literal":
        o3_1h = iaqi_sql(inp("o3"), bp["o3_1h"])
        items.append(("o3_8h", _above_rule_sql(inp("o3_8h", "o3"), "o3_8h", std, o3_1h), None))
    for name, col in zip(("pm10", "pm25"), pm):
        t = bp[f"{name}_24h"]
        items.append((name, iaqi_sql(inp(col, name), t), beyond_range_sql(inp(col, name), t)))
    return _assemble(source, std, items, na_rule=std.VERSION == "2026",
                     exceedance=std.VERSION == "2012", not_in_plan=tuple(not_in_plan))


def daily_aqi_sql(source: str, version: str, *, round_inputs: bool | None = None,
                  plausible: bool = True, not_in_plan: tuple[str, ...] = ()) -> str:
    """SELECT computing the daily AQI (日报) of every row of ``source``.

    Parameters
    ----------
    source : str
        Table/view name or parenthesised subquery with daily values so2, no2, co, pm10, pm25
        (24-h / daily means), o3_8h_max (daily max 8-h mean) and, for 2012, o3_1h_max (daily max
        1-h mean) [µg/m³; CO mg/m³].
    version : {"2012", "2026"}
        2012 (§5.1.2): 7 indicators; O3 8-h > 800 → the O3 IAQI is reported as the 1-h one
        (Table 1 note (3)): ``iaqi_o3_8h`` takes the value of ``iaqi_o3_1h``.
        2026 (§4.2.2): 6 indicators (no O3 1-h); O3 8-h > 800 → IAQI 300 (Table 3 note c);
        §5.3.1 NA rule as in :func:`hourly_aqi_sql`.
    round_inputs, plausible, not_in_plan
        As in :func:`hourly_aqi_sql` (2026 §4.2.2 rounding; default True for 2026 only).

    Returns
    -------
    str
        SELECT of all source columns plus iaqi_so2, iaqi_no2, iaqi_co, iaqi_o3_8h, [iaqi_o3_1h,]
        iaqi_pm10, iaqi_pm25, beyond_range, aqi, missing_pollutants, primary_pollutant, level,
        category, category_en, colour, and for 2012 exceedance_pollutants (IAQI > 100).
    """
    std, rnd = _defaults(version, round_inputs)
    bp = std.BREAKPOINTS

    def inp(col: str, base: str) -> str:
        return _input(col, base, rnd, plausible)

    items: list[tuple[str, str, str | None]] = []
    for name in ("so2", "no2", "co"):
        t = bp[f"{name}_24h"]
        items.append((name, iaqi_sql(inp(name, name), t), beyond_range_sql(inp(name, name), t)))
    o3_1h = iaqi_sql(inp("o3_1h_max", "o3"), bp["o3_1h"]) if std.VERSION == "2012" else None
    items.append(("o3_8h", _above_rule_sql(inp("o3_8h_max", "o3"), "o3_8h", std, o3_1h), None))
    if std.VERSION == "2012":
        t = bp["o3_1h"]
        items.append(("o3_1h", iaqi_sql(inp("o3_1h_max", "o3"), t),
                      beyond_range_sql(inp("o3_1h_max", "o3"), t)))
    for name in ("pm10", "pm25"):
        t = bp[f"{name}_24h"]
        items.append((name, iaqi_sql(inp(name, name), t), beyond_range_sql(inp(name, name), t)))
    return _assemble(source, std, items, na_rule=std.VERSION == "2026",
                     exceedance=std.VERSION == "2012", not_in_plan=tuple(not_in_plan))
