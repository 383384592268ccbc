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
    "best_and_worst", "days_table", "target_paragraph", "city_rank_paragraph", "ranking_paragraphs",
    "best_worst_tables", "cities_table",
    "compliance_paragraphs", "compliance_table",
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
#: best/worst lists: indicator -> True when a higher value is better; the composite index
#: first (the ranking the sentences and provincial releases lead with)
_RANKED = {"composite_index": False, "pm25": False, "pm10": False, "so2": False, "no2": False,
           "good_day_ratio": True, "composite_index_yoy_pct": False}


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


def limits_module(row: pd.Series, lang: str = "en") -> dict:
    """GB 3095 limits (and their name in ``lang``) of the row's period: those in force on its
    last day (the transition policy of :mod:`qingshan.air.rules`)."""
    rules = rules_for(parse_period(str(row["period"])).end)
    return {"limits": rules.limits, "standard": rules.limits_label(lang)}


def pm25_limits(std: dict) -> tuple[float, float]:
    """PM2.5 Grade II annual limit and the WHO 2021 annual AQG."""
    return std["limits"][("pm25", "annual")][GRADE_II], dict(who_2021.LEVELS[("pm25", "annual")])["AQG"]


def trend_limits(std: dict, lang: str) -> dict[str, dict[str, float]]:
    """Reference lines of the monthly trend charts: PM2.5 (annual) and O3 (8-h)."""
    lim = std["limits"]
    g2 = "二级" if lang == "zh" else "Grade II"
    return {
        "pm25": {f"{std['standard']} {g2}（年均）" if lang == "zh" else
                 f"{std['standard']} {g2} (annual)": lim[("pm25", "annual")][GRADE_II],
                 ("WHO 准则值" if lang == "zh" else "WHO AQG"):
                 dict(who_2021.LEVELS[("pm25", "annual")])["AQG"]},
        "o3_8h_p90": {f"{std['standard']} {g2}（8小时）" if lang == "zh" else
                      f"{std['standard']} {g2} (8-h)": lim[("o3", "8h")][GRADE_II],
                      ("WHO 准则值（8小时）" if lang == "zh" else "WHO AQG (8-h)"):
                      dict(who_2021.LEVELS[("o3", "8h")])["AQG"]},
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


def summary_table(row: pd.Series, last: pd.Series | None, p: Period, prev: Period, lang: str,
                  basis: str = "", title_name: str | None = None):
    """The province (or city) overview: this period, last year's, the change. ``basis``: the
    sentence saying how province figures are formed; ``title_name``: the period's name with
    "截至" when the data end early."""
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
            # last year's index on this period's denominators (the one the change used,
            # comparable across the 2026 switch)
            f"{tr('last_year', lang)} {prev.name(lang)}": None if last is None else _num(
                row.get("composite_index_last") if k == "composite_index" and
                "composite_index_last" in row.index else last.get(k)),
            tr("change", lang): change,
            tr("change_unit", lang): "" if change is None else tr(unit_key, lang),
        })
    df = pd.DataFrame(recs)
    title = tr("sec_summary", lang) + " — " + (title_name or p.name(lang))
    note = tr("summary_note", lang, basis=basis)
    if last is None:  # no data of the same period last year in the store
        df = df.drop(columns=[c for c in df.columns[3:]])
        note = tr("summary_note_no_last", lang, prev=prev.name(lang), basis=basis)
    dd = _day_dec(row)
    decs = [dd if k in ("good_days", "heavy_days") else INDICATORS[k].decimals
            for k in _SUMMARY_KEYS]
    return ReportTable("summary", title, df, {tr("change", lang): 1}, note,
                       row_decimals=decs, sheet=tr("sec_summary", lang), frozen_columns=1)


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
            s2 += f"，同比{'改善' if ci < 0 else ('恶化' if ci > 0 else '持平')} {abs(ci):.1f}%"
        s2 += f"；优良天数比例为 {_fmt(g, 1)}%"
        if dp is not None:
            s2 += f"，同比{'上升' if dp >= 0 else '下降'} {abs(dp):.1f} 个百分点"
        s2 += (f"；重度及以上污染天数 {_fmt(row.get('heavy_days'), _day_dec(row))} 天"
               + _days_change(row, last, lang) + "。")
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
            s2 += (f" ({'improved' if ci < 0 else 'worsened'} by {abs(ci):.1f}% year on year)"
                   if ci else " (unchanged year on year)")
        s2 += f"; the good-day ratio was {_fmt(g, 1)}%"
        if dp is not None:
            s2 += f" ({'+' if dp >= 0 else '−'}{abs(dp):.1f} percentage points)"
        s2 += (f"; heavy-pollution days: {_fmt(row.get('heavy_days'), _day_dec(row))}"
               + _days_change(row, last, lang) + ".")
    out = [s, s2]
    if not bool(row.get("valid")):
        out.append(tr("invalid_caveat", lang))
    return out


def _day_dec(row: pd.Series) -> int:
    """Day counts: whole days for a series, 1 decimal for a mean of cities."""
    x = _num(row.get("heavy_days"))
    g = _num(row.get("good_days"))
    return 0 if all(v is None or float(v).is_integer() for v in (x, g)) else 1


def _days_change(row: pd.Series, last: pd.Series | None, lang: str) -> str:
    """"，优良天数同比减少5.0天" from this period's and last year's day counts."""
    if last is None:
        return ""
    a, b = _num(row.get("good_days")), _num(last.get("good_days"))
    if a is None or b is None:
        return ""
    d, dec = a - b, _day_dec(row)
    if lang == "zh":
        word = "增加" if d > 0 else ("减少" if d < 0 else "持平")
        return f"；优良天数同比{word}" + (f"{abs(d):.{dec}f}天" if d else "")
    return (f"; good days {'+' if d >= 0 else '−'}{abs(d):.{dec}f} on a year earlier")


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
    recs, decs = [], []
    for pol, (col, key) in shown.items():
        value = _num(row.get(col))
        # the service's verdict: compliant_<p> is NULL when the statistic is not valid
        # (GB 3095 Table 4) -> "cannot be judged", never 达标
        ok = row.get(f"compliant_{pol}")
        verdict = (tr("cannot_judge", lang) if ok is None or pd.isna(ok) else
                   tr("yes", lang) if bool(ok) else tr("no", lang))
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
                       row_decimals=decs, sheet=tr("sec_compliance", lang), frozen_columns=1)


def compliance_paragraphs(row: pd.Series, lang: str) -> list[str]:
    comp = row.get("compliant")
    exceed = _primary(row.get("exceed_pollutants"))
    if comp is None or pd.isna(comp):
        if exceed:  # cannot happen: a valid exceedance makes the verdict FALSE
            return [tr("compliance_some", lang, pols=exceed)]
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


def _ranked_ok(cities: pd.DataFrame, vals: pd.Series) -> pd.Series:
    """Cities that may be ranked: a value, and valid statistics (``valid`` when given)."""
    ok = vals.notna()
    if "valid" in cities.columns:
        ok &= cities["valid"].fillna(False).astype(bool)
    return ok


def best_and_worst(vals: pd.Series, ok: pd.Series, higher_is_better: bool = False,
                   most: int = 3) -> tuple[list, list]:
    """Index labels of the best and worst groups of the ranking sentences: up to ``most`` places
    each (ties included), at most half the ranked units each, never one unit in both (it stays
    best); none for fewer than two ranked units (one is neither better nor worse)."""
    k = int(ok.sum())
    if k < 2:
        return [], []
    top = min(most, k // 2)
    place, back = _places(vals[ok], higher_is_better), _places(vals[ok], not higher_is_better)
    best = list(place[place <= top].sort_values(kind="stable").index)
    worst = [j for j in back[back <= top].sort_values(kind="stable").index if j not in best]
    return best, worst


def best_worst_tables(cities: pd.DataFrame, prov: ProvinceConfig, lang: str) -> list:
    """For each ranked indicator: the best three and worst three cities, ties included; no
    table when fewer than two cities are ranked.

    Only cities whose statistics are valid are ranked (the others are in the insufficient-data
    group of the cities table). The place is a number (Excel keeps it) shown as "第1" /
    "倒数第1" (zh), "1" / "1st from bottom" (en); a tie column says which places are shared.
    """
    from qingshan.reports.model import ReportTable

    names = _names(cities, prov, lang)
    out = []
    for key, higher_better in _RANKED.items():
        if key not in cities.columns:
            continue
        vals = pd.to_numeric(cities[key], errors="coerce")
        ok = _ranked_ok(cities, vals)
        if not ok.any():
            continue
        best_place = _places(vals[ok], higher_better)
        worst_place = _places(vals[ok], not higher_better)
        if int(ok.sum()) < 2:   # one ranked city is neither better nor worse: no table
            continue
        best = best_place[best_place <= 3].sort_values(kind="stable")
        worst = worst_place[worst_place <= 3].sort_values(kind="stable")
        ind = INDICATORS.get(key)
        label = ind.label(lang) if ind else tr("improvement", lang) + ("（%）" if lang == "zh"
                                                                       else " (%)")
        dec = ind.decimals if ind else 1
        recs, groups = [], []
        for grp, places in (("better", best), ("worse", worst)):
            allp = best_place if grp == "better" else worst_place
            for j in places.index:
                recs.append({tr("group", lang): tr(grp, lang),
                             tr("place", lang): int(places[j]),
                             tr("city", lang): names[j], label: float(vals[j]),
                             tr("ties", lang): tr("tie_yes", lang)
                             if (allp == allp[j]).sum() > 1 else ""})
                groups.append(grp)
        df = pd.DataFrame(recs)
        place = tr("place", lang)

        def show(i, v, groups=groups):
            n = int(v)
            if groups[i] == "worse":
                return f"倒数第{n}" if lang == "zh" else f"{n} from bottom"
            return f"第{n}" if lang == "zh" else f"{n}"

        note = tr("improvement_note", lang) if key == "composite_index_yoy_pct" else ""
        title = (tr("rank_title", lang, ind=label))
        out.append(ReportTable(f"rank_{key}"[:31], title, df, {label: dec, place: 0}, note,
                               display={place: show}, sheet=tr("sheet_rank", lang, ind=(
                                   ind.label(lang, unit=False) if ind else tr("improvement",
                                                                              lang))),
                               frozen_columns=3))
    return out


def city_rank_paragraph(row: pd.Series, cities: pd.DataFrame, prov: ProvinceConfig,
                        lang: str) -> str:
    """A city bulletin's first sentence: its composite index and place in the province (or
    that it is in the insufficient-data group)."""
    name = _names(cities[cities["code"] == row["code"]], prov, lang).iloc[0]
    n_ranked = int(pd.to_numeric(cities.get("rank"), errors="coerce").notna().sum())
    ci = _fmt(row.get("composite_index"), 2)
    r = _num(row.get("rank"))
    if r is None:
        return tr("city_rank_none", lang, city=name, ci=ci)
    back = int(pd.to_numeric(cities["rank"], errors="coerce").dropna().rank(
        method="min", ascending=False)[cities.index[cities["code"] == row["code"]][0]])
    return tr("city_rank", lang, city=name, ci=ci, n=n_ranked, r=int(r), back=back)


def _city_list(names: list[str], lang: str) -> str:
    return "、".join(names) if lang == "zh" else ", ".join(names)


def ranking_paragraphs(cities: pd.DataFrame, prov: ProvinceConfig, lang: str) -> list[str]:
    """The sentences provincial releases print: the best and worst three by the composite
    index ("16市中，威海、烟台、青岛等3市相对较好；…等3市相对较差"), the three with the largest and
    smallest improvement, per-pollutant year-on-year counts ("7市同比下降"), and the cities left
    out of the ranking for insufficient data. Figures: the assess rows (ranks, changes)."""
    names = _names(cities, prov, lang)
    n = len(cities)
    out = []
    ci = pd.to_numeric(cities["composite_index"], errors="coerce") if "composite_index" in \
        cities.columns else pd.Series(float("nan"), index=cities.index)
    ok = _ranked_ok(cities, ci)
    bi, wi = best_and_worst(ci, ok)
    if bi and wi:
        b, w = [names[j] for j in bi], [names[j] for j in wi]
        out.append(tr("rank_sentence", lang, n=n, k=int(ok.sum()), best=_city_list(b, lang),
                      nb=len(b), worst=_city_list(w, lang), nw=len(w),
                      span="倒数第1" if len(w) == 1 else f"倒数第1至第{len(w)}"))
    elif ok.any():
        out.append(tr("rank_sentence_few", lang, n=n, k=int(ok.sum())))
    bad = [names[j] for j in cities.index[~ok & ci.notna()]] if "valid" in cities.columns else []
    if bad:
        out.append(tr("rank_insufficient", lang, cities=_city_list(bad, lang), k=len(bad)))
    yoy = pd.to_numeric(cities["composite_index_yoy_pct"], errors="coerce") if \
        "composite_index_yoy_pct" in cities.columns else None
    okc = _ranked_ok(cities, yoy) if yoy is not None else None
    bi, wi = best_and_worst(yoy, okc) if okc is not None else ([], [])
    if bi and wi:       # most negative = largest improvement first
        fmt = "{}（{:+.1f}%）" if lang == "zh" else "{} ({:+.1f}%)"
        b, w = [fmt.format(names[j], yoy[j]) for j in bi], [fmt.format(names[j], yoy[j]) for j in wi]
        out.append(tr("change_sentence", lang, best=_city_list(b, lang), nb=len(b),
                      worst=_city_list(w, lang), nw=len(w)))
    parts = []
    for k in ("pm25", "pm10", "o3_8h_p90", "no2", "so2", "co_p95"):
        if f"{k}_yoy_pct" not in cities.columns:
            continue
        c = pd.to_numeric(cities[f"{k}_yoy_pct"], errors="coerce").where(
            _ranked_ok(cities, cities[f"{k}_yoy_pct"]))   # valid cities only
        if not c.notna().any():
            continue
        down, up, same = int((c < 0).sum()), int((c > 0).sum()), int((c == 0).sum())
        parts.append(tr("yoy_counts", lang, pol=pollutant_name(k, lang), down=down, up=up,
                        same=same))
    if parts:
        out.append(tr("yoy_sentence", lang, parts=("；" if lang == "zh" else "; ").join(parts)))
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
    rank_col = tr("rank", lang)
    if "rank" in cities.columns:
        r = pd.to_numeric(cities["rank"], errors="coerce")
        data[tr("ties", lang)] = ["" if pd.isna(x) or (r == x).sum() < 2 else tr("tie_yes", lang)
                                  for x in r]
    if "valid" in cities.columns:
        valid = cities["valid"].fillna(False).astype(bool)
        data[tr("validity", lang)] = [tr("valid", lang) if v else tr("insufficient", lang)
                                      for v in valid]
        if "rank_insufficient" in cities.columns:
            head = tr("rank_insufficient_col", lang)
            data[head] = pd.to_numeric(cities["rank_insufficient"], errors="coerce")
            decimals[head] = 0
    df = pd.DataFrame(data)
    empty = [h for h in df.columns if "同比" in h or "YoY" in h or h == tr(
        "rank_insufficient_col", lang)]
    df = df.drop(columns=[h for h in empty if df[h].isna().all()])
    if rank_col in df.columns:
        keys = [rank_col] + ([tr("rank_insufficient_col", lang)] if tr(
            "rank_insufficient_col", lang) in df.columns else []) + [tr("code", lang)]
        df = df.sort_values(keys, na_position="last", kind="stable")
    return ReportTable("cities", tr("sec_cities", lang), df.reset_index(drop=True), decimals,
                       tr("cities_note", lang), sheet=tr("sec_cities", lang), frozen_columns=2)


# ---------------------------------------------------------------- days per category
_LEVEL_ZH = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
_LEVEL_EN = ("Excellent", "Good", "Light", "Moderate", "Heavy", "Severe")


def days_table(cats: pd.DataFrame, shares: pd.DataFrame, cities: pd.DataFrame,
               prov: ProvinceConfig, lang: str):
    """Days per AQI category and primary-pollutant day shares per city
    (:mod:`qingshan.air.day_stats`, from the service's daily AQI)."""
    from qingshan.reports.model import ReportTable

    base = cities[["code"]].astype(str).merge(cats, on="code", how="left").merge(
        shares, on="code", how="left")
    labels = _LEVEL_ZH if lang == "zh" else _LEVEL_EN
    data = {tr("city", lang): _names(cities, prov, lang).tolist(),
            tr("days", lang): pd.to_numeric(base["days"], errors="coerce").tolist()}
    dec = {tr("days", lang): 0}
    for k, lab in enumerate(labels, start=1):
        h = f"{lab}（天）" if lang == "zh" else f"{lab} (days)"
        data[h] = pd.to_numeric(base[f"level_{k}"], errors="coerce").tolist()
        dec[h] = 0
    for p in ("pm25", "o3", "pm10", "no2"):
        h = (f"{_POL_NAMES[p]} 为首要污染物（%）" if lang == "zh" else
             f"{_POL_NAMES[p]} primary (%)")
        data[h] = pd.to_numeric(base[f"share_{p}"], errors="coerce").tolist()
        dec[h] = 1
    return ReportTable("days", tr("days_title", lang), pd.DataFrame(data), dec,
                       tr("days_note", lang), sheet=tr("days_title", lang)[:31],
                       frozen_columns=1)


def target_paragraph(row: pd.Series, prov: ProvinceConfig, lang: str) -> str | None:
    """Progress against the province's configured targets (``targets`` of the province
    TOML, e.g. pm25 = 35 (≤), good_day_ratio = 70 (≥)); None without targets."""
    parts = []
    for k, goal in prov.targets.items():
        if k not in INDICATORS:
            continue
        v = _num(row.get(k))
        higher = k == "good_day_ratio"
        met = None if v is None else (v >= goal if higher else v <= goal)
        ind = INDICATORS[k]
        word = ("—" if met is None else tr("target_met" if met else "target_missed", lang))
        parts.append(tr("target_item", lang, ind=ind.label(lang, unit=False),
                        v=_fmt(v, ind.decimals), unit=ind.unit_for(lang),
                        op="≥" if higher else "≤", goal=f"{goal:g}", word=word))
    if not parts:
        return None
    return tr("target_sentence", lang, parts=("；" if lang == "zh" else "; ").join(parts))


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
                       tr("stations_note", lang), sheet=tr("stations_title", lang),
                       frozen_columns=1)


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
    if "valid" in cities.columns:
        data[tr("validity", lang)] = [tr("valid", lang) if v else tr("insufficient", lang)
                                      for v in cities["valid"].fillna(False).astype(bool)]
    return ReportTable("validity", tr("validity_title", lang), pd.DataFrame(data), decimals,
                       tr("validity_note", lang), sheet=tr("validity_title", lang),
                       frozen_columns=1)


def method_paragraphs(row: pd.Series, cities: pd.DataFrame, p: Period, prov: ProvinceConfig,
                      lang: str) -> list[str]:
    """Standards and versions used, how city and province figures are formed, data gaps."""
    from qingshan.air.standards import ranking_rule as rr

    from qingshan.air.rules import rules_for_period

    rules = rules_for_period(p, prov.air.transition, prov.air.ranking_denominators)
    standard = rules.label(lang)
    # GB 3095 Table 4; quarters, half-years, runs: the sum of their months' minimums (the
    # choice stated in qingshan.air.rules)
    min_days = str(min_valid_days(p, rules))
    n_cities = len(cities)
    # cities whose six statistics are all valid (the service's ``valid``): the ranked ones
    n_ci = int(cities["valid"].fillna(False).astype(bool).sum()) if "valid" in cities.columns \
        else 0
    a = prov.air
    out = [tr("m_standards", lang, std=standard, rule=rr.RULE),
           tr("m_policy", lang, transition=tr(f"pol_{a.transition}", lang),
              den=tr(f"den_{a.ranking_denominators}", lang),
              figures=tr(f"fig_{a.province_figures}", lang),
              index=tr(f"idx_{a.province_index}", lang)),
           tr("m_series", lang, hours=rules.min_hours_daily, win=rules.min_windows_mda8,
              days=min_days),
           tr("m_validity", lang),
           tr("m_index", lang, den=", ".join(
               f"{_POL_NAMES[k]} {rules.ranking_denominators[k]:g}"
               for k in ("pm25", "pm10", "so2", "no2", "co", "o3"))),
           tr("m_days", lang),
           tr("m_gaps", lang, n=n_cities, k=n_ci)]
    if p.kind != "year":
        out.append(tr("m_no_annual_limits", lang))
    return out
