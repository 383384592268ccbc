"""Tables and sentences of the air bulletin, built from ``services.air.assess`` rows.

Nothing here computes a figure: values are taken from the service results, then selected,
ordered and labelled.  Limits shown next to values are read from the standards modules
(via the rules in force on the period's first day, :func:`qingshan.air.rules.rules_for`).
"""

from __future__ import annotations

import pandas as pd

from qingshan.config.province import ProvinceConfig
from qingshan.air.engine.compliance import GRADE_II
from qingshan.air.rules import min_valid_days, rules_for
from qingshan.core.periods import Period, parse_period
from qingshan.reports.labels import INDICATORS, tr
from qingshan.air.standards import who_2021

__all__ = [
    "best_worst_tables", "cities_table", "compliance_paragraphs", "compliance_table",
    "limits_module", "method_paragraphs", "pm25_limits", "pollutant_name", "rank_label",
    "stations_table", "summary_paragraphs", "summary_table", "trend_limits", "validity_table",
]

_POL_NAMES = {"pm25": "PM₂.₅", "pm10": "PM₁₀", "so2": "SO₂", "no2": "NO₂", "co": "CO",
              "o3": "O₃", "co_p95": "CO", "o3_8h_p90": "O₃"}
_POL_CODES = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co",
              "O3": "o3", "O3_8H": "o3", "O3-8H": "o3"}


def _change_column(row: pd.Series, key: str) -> tuple[str | None, str | None]:
    """The assess service's year-on-year column of ``key`` (``<key>_yoy_pct`` as a rate in %,
    ``<key>_yoy_pp`` in percentage points), if it gives one."""
    for suffix, unit in (("_yoy_pct", "yoy_pct"), ("_yoy_pp", "yoy_pp")):
        if key + suffix in row.index:
            return key + suffix, unit
    return None, None
#: best/worst lists: indicator -> True when a higher value is better
_RANKED = {"pm25": False, "pm10": False, "so2": False, "no2": False, "good_day_ratio": True,
           "composite_index": False, "composite_index_yoy_pct": False}


def pollutant_name(key: str, lang: str) -> str:
    """Display name of a pollutant or statistic key (``pm25`` → ``PM₂.₅``)."""
    if key in INDICATORS:
        return INDICATORS[key].label(lang, unit=False)
    return _POL_NAMES.get(key, key)


def _primary(text: object) -> object:
    """Pollutant codes as the service writes them (``"PM2.5,PM10"``/``"pm25"``) → display."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return None
    parts = [p.strip() for p in str(text).replace("，", ",").split(",") if p.strip()]
    return "、".join(_POL_NAMES.get(_POL_CODES.get(p.upper(), p.lower()), p) for p in parts)


def _num(v: object) -> float | None:
    try:
        return None if v is None or pd.isna(v) else float(v)
    except (TypeError, ValueError):
        return None


def _fmt(v: object, decimals: int) -> str:
    x = _num(v)
    return "—" if x is None else f"{x:.{decimals}f}"


def limits_module(row: pd.Series) -> dict:
    """GB 3095 limits (and their name) in force on the first day of the row's period."""
    rules = rules_for(parse_period(str(row["period"])).start)
    return {"limits": rules.limits, "standard": rules.limits_label()}


def pm25_limits(std: dict) -> tuple[float, float]:
    """PM2.5 Grade II annual limit and the WHO 2021 annual AQG."""
    return std["limits"][("pm25", "annual")][GRADE_II], dict(who_2021.LEVELS[("pm25", "annual")])["AQG"]


def trend_limits(std: dict, lang: str) -> dict[str, dict[str, float]]:
    """Reference lines of the monthly trend charts: PM2.5 (annual) and O3 (8-h)."""
    lim = std["limits"]
    g2 = "二级" if lang == "zh" else "Grade II"
    return {
        "pm25": {f"{std['standard']} {g2} ({'年均' if lang == 'zh' else 'annual'})":
                 lim[("pm25", "annual")][GRADE_II],
                 "WHO AQG": dict(who_2021.LEVELS[("pm25", "annual")])["AQG"]},
        "o3_8h_p90": {f"{std['standard']} {g2} (8h)": lim[("o3", "8h")][GRADE_II],
                      "WHO AQG (8h)": dict(who_2021.LEVELS[("o3", "8h")])["AQG"]},
    }


def rank_label(value: object, rank: object, lang: str) -> str:
    """Map hover text, e.g. ``"4.52（第 3 名）"``."""
    if _num(value) is None:
        return tr("no_data", lang)
    r = "" if _num(rank) is None else (f"（第 {int(rank)} 名）" if lang == "zh" else f" (rank {int(rank)})")
    return f"{float(value):.2f}{r}"


# ---------------------------------------------------------------- province overview
_SUMMARY_KEYS = ("pm25", "pm10", "so2", "no2", "co_p95", "o3_8h_p90", "composite_index",
                 "good_day_ratio", "good_days", "heavy_days")


def summary_table(row: pd.Series, last: pd.Series | None, p: Period, prev: Period, lang: str):
    from qingshan.reports.model import ReportTable

    recs = []
    for k in _SUMMARY_KEYS:
        ind = INDICATORS[k]
        col, unit_key = _change_column(row, k)
        change = _num(row.get(col)) if col else None
        recs.append({
            tr("indicator", lang): ind.label(lang, unit=False),
            tr("unit", lang): ind.unit_for(lang),
            f"{tr('this_period', lang)} {p.name(lang)}": _num(row.get(k)),
            f"{tr('last_year', lang)} {prev.name(lang)}": None if last is None else _num(last.get(k)),
            tr("change", lang): change,
            tr("change_unit", lang): "" if change is None else tr(unit_key, lang),
        })
    df = pd.DataFrame(recs)
    title = tr("sec_summary", lang) + " — " + p.name(lang)
    note = tr("summary_note", lang)
    if last is None:  # no data of the same period last year in the store
        df = df.drop(columns=[c for c in df.columns[3:]])
        note = tr("summary_note_no_last", lang, prev=prev.name(lang))
    return ReportTable("summary", title, df, {tr("change", lang): 1}, note,
                       row_decimals=[INDICATORS[k].decimals for k in _SUMMARY_KEYS])


def summary_paragraphs(row: pd.Series, last: pd.Series | None, p: Period, prov_name: str,
                       lang: str) -> list[str]:
    """The bulletin's opening sentences (figures from the assess row)."""
    g = _num(row.get("good_day_ratio"))
    dp = _num(row.get("good_day_ratio_yoy_pp"))
    c = _num(row.get("pm25_yoy_pct"))
    ci = _num(row.get("composite_index_yoy_pct"))
    if lang == "zh":
        s = f"{p.name(lang)}，{prov_name} PM₂.₅ 平均浓度为 {_fmt(row.get('pm25'), 0)} µg/m³"
        if c is not None:
            s += f"，同比{'下降' if c < 0 else '上升'} {abs(c):.1f}%"
        s += (f"；PM₁₀ {_fmt(row.get('pm10'), 0)} µg/m³，SO₂ {_fmt(row.get('so2'), 0)} µg/m³，"
              f"NO₂ {_fmt(row.get('no2'), 0)} µg/m³，CO 日均值第95百分位 {_fmt(row.get('co_p95'), 1)} mg/m³，"
              f"O₃ 日最大8小时第90百分位 {_fmt(row.get('o3_8h_p90'), 0)} µg/m³。")
        s2 = f"环境空气质量综合指数为 {_fmt(row.get('composite_index'), 2)}"
        if ci is not None:
            s2 += f"，同比{'改善' if ci < 0 else '变差'} {abs(ci):.1f}%"
        s2 += f"；优良天数比例为 {_fmt(g, 1)}%"
        if dp is not None:
            s2 += f"，同比{'上升' if dp >= 0 else '下降'} {abs(dp):.1f} 个百分点"
        s2 += f"；平均重度及以上污染天数 {_fmt(row.get('heavy_days'), 1)} 天。"
    else:
        s = (f"In {p.name(lang)}, the mean PM₂.₅ concentration of {prov_name} was "
             f"{_fmt(row.get('pm25'), 0)} µg/m³")
        if c is not None:
            s += f", {abs(c):.1f}% {'lower' if c < 0 else 'higher'} than a year earlier"
        s += (f"; PM₁₀ {_fmt(row.get('pm10'), 0)} µg/m³, SO₂ {_fmt(row.get('so2'), 0)} µg/m³, "
              f"NO₂ {_fmt(row.get('no2'), 0)} µg/m³, CO (95th percentile of daily means) "
              f"{_fmt(row.get('co_p95'), 1)} mg/m³, O₃ (90th percentile of daily max 8-h) "
              f"{_fmt(row.get('o3_8h_p90'), 0)} µg/m³.")
        s2 = f"The composite index was {_fmt(row.get('composite_index'), 2)}"
        if ci is not None:
            s2 += f" ({'improved' if ci < 0 else 'worsened'} by {abs(ci):.1f}% year on year)"
        s2 += f"; the good-day ratio was {_fmt(g, 1)}%"
        if dp is not None:
            s2 += f" ({'+' if dp >= 0 else '−'}{abs(dp):.1f} percentage points)"
        s2 += f"; heavy-pollution days (mean of the cities): {_fmt(row.get('heavy_days'), 1)}."
    return [s, s2]


# ---------------------------------------------------------------- annual compliance
def compliance_table(row: pd.Series, std: dict, lang: str):
    """Per pollutant: the annual statistic, its Grade II limit, the verdict, the WHO level.

    The verdict is the service's (``compliant`` / ``exceed_pollutants``, which also tests the
    daily percentiles of SO₂, NO₂, PM₁₀, PM₂.₅); a pollutant not listed as exceeding counts as
    compliant when its statistic is valid, else "—".
    """
    from qingshan.reports.model import ReportTable

    shown = {"so2": ("so2", ("so2", "annual")), "no2": ("no2", ("no2", "annual")),
             "pm10": ("pm10", ("pm10", "annual")), "pm25": ("pm25", ("pm25", "annual")),
             "co": ("co_p95", ("co", "24h")), "o3": ("o3_8h_p90", ("o3", "8h"))}
    exceeding = {_POL_CODES.get(x.strip().upper(), x.strip().lower())
                 for x in str(row.get("exceed_pollutants") or "").split(",") if x.strip()}
    recs, decs = [], []
    for pol, (col, key) in shown.items():
        value = _num(row.get(col))
        valid = bool(row.get(f"valid_days_{'o3' if pol == 'o3' else pol}") or 0) and value is not None
        verdict = tr("no", lang) if pol in exceeding else (tr("yes", lang) if valid else "—")
        who = row.get(f"who_level_{pol}")
        recs.append({
            tr("pollutant", lang): _POL_NAMES[pol],
            tr("statistic", lang): INDICATORS[col].label(lang, unit=False),
            tr("unit", lang): "mg/m³" if pol == "co" else "µg/m³",
            tr("value", lang): value,
            tr("limit", lang): float(std["limits"][key][GRADE_II]),
            tr("compliant", lang): verdict,
            tr("who_level", lang): "" if who is None or pd.isna(who) else str(who),
        })
        decs.append(1 if pol == "co" else 0)
    title = tr("sec_compliance", lang) + (f"（{std['standard']}）" if lang == "zh"
                                          else f" ({std['standard']})")
    return ReportTable("compliance", title, pd.DataFrame(recs), {}, tr("compliance_note", lang),
                       row_decimals=decs)


def compliance_paragraphs(row: pd.Series, lang: str) -> list[str]:
    comp = row.get("compliant")
    exceed = _primary(row.get("exceed_pollutants"))
    if comp is None or pd.isna(comp):
        return [tr("compliance_unknown", lang)]
    if bool(comp):
        return [tr("compliance_all", lang)]
    return [tr("compliance_some", lang, pols=exceed or "—")]


# ---------------------------------------------------------------- best / worst three
def _names(cities: pd.DataFrame, prov: ProvinceConfig, lang: str) -> pd.Series:
    short = {c.code: (c.short_zh if lang == "zh" else c.name_en) for c in prov.cities}
    fallback = cities["name_zh" if lang == "zh" else "name_en"]
    return cities["code"].map(short).fillna(fallback)


def _places(values: pd.Series, higher_is_better: bool) -> pd.Series:
    """Competition places (1, 1, 3 …) of the values as given; equal values share a place."""
    return values.rank(method="min", ascending=not higher_is_better)


def best_worst_tables(cities: pd.DataFrame, prov: ProvinceConfig, lang: str) -> list:
    """For each ranked indicator: the best three and worst three cities, ties included."""
    from qingshan.reports.model import ReportTable

    names = _names(cities, prov, lang)
    out = []
    for key, higher_better in _RANKED.items():
        if key not in cities.columns:
            continue
        vals = pd.to_numeric(cities[key], errors="coerce")
        ok = vals.notna()
        if not ok.any():
            continue
        best_place = _places(vals[ok], higher_better)
        worst_place = _places(vals[ok], not higher_better)
        best = best_place[best_place <= 3].sort_values(kind="stable")
        worst = worst_place[worst_place <= 3].sort_values(kind="stable")
        n = max(len(best), len(worst))
        ind = INDICATORS.get(key)
        label = ind.label(lang) if ind else tr("improvement", lang) + " (%)"
        dec = ind.decimals if ind else 1
        ties = tr("ties", lang)

        def col(idx, places, i):
            if i >= len(idx):
                return None, None, None
            j = idx[i]
            place = int(places[j])
            tied = (places == places[j]).sum() > 1
            # called only inside this iteration: the loop variables are the current ones
            return (f"{place}" + (f" ({ties})" if tied else ""), names[j],  # noqa: B023
                    float(vals[j]))  # noqa: B023

        recs = []
        for i in range(n):
            b = col(best.index, best_place, i)
            w = col(worst.index, worst_place, i)
            rec = {}
            for side, (place, city, value) in (("best", b), ("worst", w)):
                head = tr(side, lang)
                sep = "：" if lang == "zh" else ": "
                rec[f"{head}{sep}{tr('rank', lang)}"] = place
                rec[f"{head}{sep}{tr('city', lang)}"] = city
                rec[f"{head}{sep}{label}"] = value
            recs.append(rec)
        df = pd.DataFrame(recs)
        note = tr("improvement_note", lang) if key == "composite_index_yoy_pct" else ""
        out.append(ReportTable(f"rank_{key}"[:31], label, df,
                               {c: dec for c in df.columns[2::3]}, note))
    return out


# ---------------------------------------------------------------- all cities
def cities_table(cities: pd.DataFrame, prov: ProvinceConfig, lang: str):
    from qingshan.reports.model import ReportTable

    cols = [("rank", tr("rank", lang), 0),
            ("composite_index", INDICATORS["composite_index"].label(lang), 2),
            ("composite_index_yoy_pct", INDICATORS["composite_index"].label(lang, False) + " "
             + tr("yoy_pct", lang), 1)]
    for k in ("pm25", "pm10", "so2", "no2", "co_p95", "o3_8h_p90"):
        cols.append((k, INDICATORS[k].label(lang), INDICATORS[k].decimals))
    cols += [("pm25_yoy_pct", "PM₂.₅ " + tr("yoy_pct", lang), 1),
             ("good_day_ratio", INDICATORS["good_day_ratio"].label(lang), 1),
             ("good_day_ratio_yoy_pp", INDICATORS["good_day_ratio"].label(lang, False) + " "
              + tr("yoy_pp", lang), 1),
             ("heavy_days", INDICATORS["heavy_days"].label(lang), 0)]
    data = {tr("code", lang): cities["code"].astype(str), tr("city", lang): _names(cities, prov, lang)}
    decimals = {}
    for key, head, dec in cols:
        if key in cities.columns:
            data[head] = pd.to_numeric(cities[key], errors="coerce")
            decimals[head] = dec
    data[tr("primary", lang)] = [_primary(v) for v in cities.get("primary_pollutant", [None] * len(cities))]
    df = pd.DataFrame(data)
    empty = [h for h in df.columns if "同比" in h or "YoY" in h]
    df = df.drop(columns=[h for h in empty if df[h].isna().all()])
    rank_col = tr("rank", lang)
    if rank_col in df.columns:
        df = df.sort_values([rank_col, tr("code", lang)], na_position="last", kind="stable")
    return ReportTable("cities", tr("sec_cities", lang), df.reset_index(drop=True), decimals,
                       tr("cities_note", lang))


# ---------------------------------------------------------------- method notes
def stations_table(cities: pd.DataFrame, stations: dict[str, list[str]], prov: ProvinceConfig,
                   lang: str):
    """Evaluation stations of each city (``store.province.evaluation_stations``)."""
    from qingshan.reports.model import ReportTable

    codes = cities["code"].astype(str)
    df = pd.DataFrame({
        tr("city", lang): _names(cities, prov, lang),
        tr("stations", lang): [len(stations.get(c, [])) for c in codes],
        tr("station_codes", lang): [" ".join(stations.get(c, [])) for c in codes],
    })
    return ReportTable("stations", tr("stations_title", lang), df, {tr("stations", lang): 0},
                       tr("stations_note", lang))


def validity_table(cities: pd.DataFrame, prov: ProvinceConfig, lang: str):
    """Valid daily values per pollutant and city, and the days in the period."""
    from qingshan.reports.model import ReportTable

    data = {tr("city", lang): _names(cities, prov, lang)}
    decimals = {}
    if "days" in cities.columns:
        head = tr("period_days", lang)
        data[head] = pd.to_numeric(cities["days"], errors="coerce")
        decimals[head] = 0
    for c in cities.columns:
        if c.startswith("valid_days_"):
            pol = c.removeprefix("valid_days_")
            head = f"{tr('days', lang)} {_POL_NAMES.get(pol, _POL_NAMES.get(pol.split('_')[0], pol))}"
            if pol.startswith("o3"):
                head += " (MDA8)"
            data[head] = pd.to_numeric(cities[c], errors="coerce")
            decimals[head] = 0
    return ReportTable("validity", tr("validity_title", lang), pd.DataFrame(data), decimals,
                       tr("validity_note", lang))


def method_paragraphs(row: pd.Series, cities: pd.DataFrame, p: Period, prov: ProvinceConfig,
                      lang: str) -> list[str]:
    """Standards and versions used, how city and province figures are formed, data gaps."""
    from qingshan.air.standards import ranking_rule as rr

    standard = str(row.get("standard", "")) or "—"
    rules = rules_for(p.start)
    # GB 3095 Table 4; quarters, half-years, runs: the sum of their months' minimums (the
    # choice stated in qingshan.air.rules)
    min_days = str(min_valid_days(p, rules))
    n_cities = len(cities)
    n_ci = int(pd.to_numeric(cities.get("composite_index"), errors="coerce").notna().sum()) \
        if "composite_index" in cities.columns else 0
    out = [tr("m_standards", lang, std=standard, rule=rr.RULE),
           tr("m_series", lang, hours=rules.min_hours_daily, win=rules.min_windows_mda8,
              days=min_days),
           tr("m_index", lang, den=", ".join(
               f"{_POL_NAMES[k]} {rules.ranking_denominators[k]:g}"
               for k in ("pm25", "pm10", "so2", "no2", "co", "o3"))),
           tr("m_days", lang),
           tr("m_gaps", lang, n=n_cities, k=n_ci)]
    return out
