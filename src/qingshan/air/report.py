"""Air-quality bulletins of a month, quarter, half-year, year or run of months.

Gather service results into a ReportData.

Every figure comes from :mod:`qingshan.air.service` (``assess``, ``daily_aqi``,
``monthly_series``); this module selects, orders and labels them.  Best/worst lists sort the
service's values and give tied cities the same place ("ties shown as ties": competition ranking
1, 1, 3 — the rule the ranking service uses for the composite index).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from qingshan.air.charts import bar_vs_limit
from qingshan.charts import city_map
from qingshan.air.charts import calendar
from qingshan.air.charts import trend
from qingshan.config import load_province
from qingshan.config.province import ProvinceConfig
from qingshan.air import report_sections as sec
from qingshan.reports import figures
from qingshan.reports.labels import INDICATORS, tr
from qingshan.reports.model import ReportChart, ReportData, ReportSection, ReportTable
from qingshan.store.meta import synthetic
from qingshan.water.report import water_method_paragraph, water_section

__all__ = ["build_air_report"]


def _charts(con, svc, period, prov: ProvinceConfig, cities: pd.DataFrame, city: str | None,
            lang: str, std, daily: pd.DataFrame | None = None, rows=None,
            kind: str | None = None, data_end=None) -> list[ReportChart]:
    """The bulletin's charts; with ``kind`` ("png"/"svg") each starts rendering as soon as its
    spec exists (the map and the bar chart before the calendar's and trends' queries run)."""
    out: list[ReportChart] = []

    def add(key: str, title: str, spec, dec: dict[str, int]) -> None:
        out.append(_chart(key, title, spec, dec))
        if kind:
            figures.start(out[-1:], kind)   # rendered on the second core meanwhile
    name_col = "name_zh" if lang == "zh" else "name_en"
    short = {c.code: (c.short_zh if lang == "zh" else c.name_en) for c in prov.cities}
    names = cities["code"].map(short).fillna(cities[name_col])
    # 1. map of the composite index
    geo = _load_geo(prov)
    if geo is not None:
        vals = pd.DataFrame({
            "code": cities["code"], "name": names, "value": cities["composite_index"],
            "label": [sec.rank_label(v, r, lang) for v, r in zip(cities["composite_index"],
                                                              cities["rank"])],
        })
        spec = city_map(geo, vals, "composite_index", lang)
        add("map_ci", tr("chart_map", lang), spec, {})
    # 2. PM2.5 of each city against the GB 3095 Grade II annual limit and the WHO AQG
    limit, who = sec.pm25_limits(std)
    annual = period.kind == "year"   # a monthly mean is never judged against an annual limit
    spec = bar_vs_limit(pd.DataFrame({"code": cities["code"], "name": names,
                                      "value": cities["pm25"]}), limit, who, lang, judge=annual)
    add("bar_pm25", tr("chart_bar" if annual else "chart_bar_ref", lang, limit=f"{limit:g}"),
        spec, {spec.table.columns[2]: 0})
    # 3. calendar of daily AQI for the chosen city (or the province)
    level, code, label = _calendar_target(prov, city, lang)
    if daily is None:
        daily = svc.daily_aqi(con, level, code, period.start, period.end, prov, rows=rows)
    # the calendar counts the days the assessment counts: a day without a valid AQI
    # (plan.aqi_valid_sql) is shown as missing
    daily = daily.assign(aqi=daily["aqi"].where(daily["valid"].fillna(False).astype(bool)))
    # the calendar shows one year: the period's months of its first year (a run crossing a
    # year end, e.g. a heating season, shows its first year's months)
    months = [m for y, m in period.months() if y == period.year]
    # data that end before the last day shown: the caption counts the days to the data end
    spec = calendar(daily, period.year, months if period.kind != "year" else None, lang,
                    through=data_end)
    if level == "province" and prov.air.province_figures == "city_mean":
        spec.caption += tr("calendar_city_mean", lang)
    add("cal_aqi", tr("chart_calendar", lang, name=label), spec, {"AQI": 0})
    # 4. monthly trends this year and last year, never past the period's last month (the
    # bulletin of March shows January–March, whatever day it is built)
    series = []
    for y in (period.year - 1, period.year):
        until = period.end if y == period.year else period.previous_year().end
        if not svc.has_hourly(con, date(y, 1, 1), until):
            continue        # no month of that year has data: its series is empty
        m = svc.monthly_series(con, level, code, y, prov, until=until, rows=rows)
        if len(m):
            m = m.assign(series=tr("year_label", lang, year=y))
            series.append(m)
    if series:
        monthly = pd.concat(series, ignore_index=True)
        for pol, lims in sec.trend_limits(std, lang).items():
            spec = trend(monthly, pol, lims, lang, series="series")
            dec = {c: (1 if pol == "co_p95" else 0) for c in spec.table.columns[1:]}
            add(f"trend_{pol}", tr("chart_trend", lang, name=label,
                                   pol=sec.pollutant_name(pol, lang)), spec, dec)
    # without ``kind`` not rendered here: each output renders the form it shows, once
    # (qingshan.reports.figures: SVG for HTML, PNG for the PDF, none for Excel)
    return out


def _chart(key: str, title: str, spec, decimals: dict[str, int]) -> ReportChart:
    table = ReportTable(key=key, title=title, df=spec.table, decimals=decimals)
    return ReportChart(key=key, title=title, svg="", caption=spec.caption, table=table,
                       spec=spec)


def _load_geo(prov: ProvinceConfig):
    try:
        from qingshan.web.geo import load_geo
    except ImportError:  # the web package is optional for reports
        return None
    return load_geo(prov)


def _stations(con, cities: pd.DataFrame) -> dict[str, list[str]]:
    from qingshan.store.province import evaluation_stations

    return {c: evaluation_stations(con, c) for c in cities["code"].astype(str)}


def _calendar_target(prov: ProvinceConfig, city: str | None, lang: str) -> tuple[str, str, str]:
    if city is None:
        return "province", prov.code, prov.name_zh if lang == "zh" else prov.name_en
    c = prov.city(city)
    return "city", c.code, c.name_zh if lang == "zh" else c.name_en


def build_air_report(con, period: str, city: str | None = None, lang: str = "zh",
                     province: ProvinceConfig | None = None,
                     render: str | None = None, settings=None) -> ReportData:
    """Gather the figures of an air-quality bulletin for ``period``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Store with hourly data, cities and evaluation stations.
    period : str
        ``2019-08`` (month), ``2019-Q3`` (quarter), ``2019-H1`` (half-year), ``2019`` (year) or
        ``2019-01..2019-05`` (run of months); see :mod:`qingshan.core.periods`.
    city : str, optional
        City code or name whose daily AQI calendar and monthly trend are shown (default: the
        province as a whole).
    lang : {"zh", "en"}
    province : ProvinceConfig, optional
        Default: the bundled Shandong configuration.
    render : {"pdf", "html"}, optional
        The output that will be written: its charts start rendering as soon as their data are
        known, beside the rest of the build (:func:`qingshan.reports.figures.start`). Default:
        each output renders its charts when written. The figures are the same either way.
    settings : Settings, optional
        Where the other domains' sections read their ledgers (the operational store):
        default :func:`section_settings` — the operational store that belongs to the store
        ``con`` reads, not whatever the working folder or environment's default store is.

    Returns
    -------
    ReportData
        Sections: province overview (and, for a year, GB 3095 compliance and WHO levels),
        best/worst three cities, all cities, the water environment (years and months whose
        period has surface-water data in the store), charts, method notes.
    """
    from qingshan.air import service as svc  # the services layer; imported at call time
    from qingshan.air.daily import rows_for

    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    prov = province or load_province("shandong")
    p = svc.parse_period(period, prov)  # core period + the province's transition policy
    prev = p.previous_year()
    rules = svc.period_rules(p, prov)
    # the stored daily rows when they are fresh (the same frames as the hourly chain,
    # tests/api/test_daily.py), so the bulletin reads what the API and pages read
    if render == "pdf":
        from qingshan.reports.pdf import preload
        preload()                 # WeasyPrint's import beside the queries (a fresh process)
    rows = rows_for(con, "city")
    pv = svc.assess(con, p.label, level="province", province=prov, rows=rows)
    data_end = pv["data_end"].iloc[0] if len(pv) else None
    if data_end is None or pd.isna(data_end):
        raise ValueError(f"no air data for {p.label} ({p.name(lang)}) in the store: nothing to "
                         f"report (load the hourly data first: qingshan air ingest …)")
    cities = svc.assess(con, p.label, level="city", province=prov, rows=rows)
    target = None
    if city is not None:
        target = prov.city(city)   # KeyError for an unknown city
        crow = cities[cities["code"] == target.code]
        row = crow.iloc[0]
    else:
        row = pv.iloc[0]
    std = sec.limits_module(row, lang)
    # with a known output, each chart starts rendering as soon as its spec exists
    charts = _charts(con, svc, p, prov, cities, city, lang, std, rows=rows, data_end=data_end,
                     kind=figures.kind_for(render))
    if not svc.has_hourly(con, prev.start, prev.end):
        last = pv.iloc[:0]   # no data at all last year: its assessment would be all invalid
    elif target is not None:
        last = svc.assess(con, prev.label, level="city", province=prov, rows=rows)
        last = last[last["code"] == target.code]
    else:
        last = svc.assess(con, prev.label, level="province", province=prov, rows=rows)
    # last year is compared only when its statistics are valid (as the service's YoY columns)
    has_last = len(last) > 0 and bool(last["valid"].fillna(False).astype(bool).iloc[0])
    last_row = last.iloc[0] if has_last else None  # None: no valid data of last year
    prov_name = prov.name_zh if lang == "zh" else prov.name_en
    unit_name = (target.name_zh if lang == "zh" else target.name_en) if target else prov_name
    when = svc.period_title(p, data_end, lang)
    basis = tr("basis_province_series" if prov.air.province_figures == "province_series"
               else "basis_city_mean", lang) if target is None else ""
    sections = [
        ReportSection("summary", tr("sec_summary_city" if target else "sec_summary", lang,
                                    name=unit_name),
                      paragraphs=sec.summary_paragraphs(row, last_row, p, unit_name, lang),
                      tables=[sec.summary_table(row, last_row, p, prev, lang, basis, when)]),
    ]
    sections[0].tables[0].sheet = sections[0].title[:31]   # the province's or the city's
    if target is not None:
        sections[0].paragraphs.insert(0, sec.city_rank_paragraph(row, cities, prov, lang))
    if p.kind == "year":
        sections.append(ReportSection("compliance", tr("sec_compliance", lang),
                                      paragraphs=sec.compliance_paragraphs(row, lang),
                                      tables=[sec.compliance_table(row, std, lang)]))
    sections.append(ReportSection("rank", tr("sec_rank", lang),
                                  paragraphs=sec.ranking_paragraphs(cities, prov, lang),
                                  tables=sec.best_worst_tables(cities, prov, lang)))
    from qingshan.air.day_stats import category_days, primary_shares
    all_days = svc.daily_aqi(con, "city", None, p.start, p.end, prov, rows=rows)
    sections.append(ReportSection("cities", tr("sec_cities", lang),
                                  tables=[sec.cities_table(cities, prov, lang),
                                          sec.days_table(category_days(all_days),
                                                         primary_shares(all_days), cities,
                                                         prov, lang)]))
    county = _county_section(con, p.label, prov, lang, target.code if target else None)
    if county is not None:
        sections.append(county)
    goal = sec.target_paragraph(row, prov, lang) if p.kind == "year" else None
    if goal:
        sections[0].paragraphs.append(goal)
    extra, methods_extra = _domain_sections(con, p, prov, lang, settings)
    sections.extend(extra)
    sections.append(ReportSection("charts", tr("sec_charts", lang),
                                  charts=charts))
    methods = sec.method_paragraphs(row, cities, p, prov, lang) + methods_extra
    ev = (cities[cities["code"] == target.code] if target is not None else cities)
    sections.append(ReportSection("methods", tr("sec_methods", lang),
                                  paragraphs=methods,
                                  tables=[sec.validity_table(cities, prov, lang),
                                          sec.stations_table(ev, _stations(con, ev),
                                                             prov, lang)]))
    values = {"province": pv.iloc[0].to_dict(), "unit": row.to_dict(),
              "last_year": None if last_row is None else last_row.to_dict()}
    issuer = (prov.issuer.name_zh if lang == "zh" else prov.issuer.name_en) or \
        tr("issuer", lang, prov=prov_name)
    title_key = f"title_{p.kind}"
    title = tr(title_key, lang, prov=unit_name)
    return ReportData(
        lang=lang, period=p.label, kind=p.kind, title=title,
        subtitle=when, issuer=issuer,
        generated=date.today().isoformat(), sections=sections, values=values,
        standards=rules.label(lang),   # the policy is stated in the methods section
        data_end=data_end if svc.to_date(p, data_end) else None, methods=methods,
        synthetic=synthetic(con) or "",   # the store's flag (qingshan demo): 合成数据 notice
    )


def _county_section(con, period: str, prov: ProvinceConfig, lang: str,
                    city: str | None) -> ReportSection | None:
    """Ranking of the county-level publication cities (:func:`qingshan.air.county.
    county_ranking`; a city bulletin: that city's). None when the station list has none."""
    from qingshan.air.county import county_ranking

    df = county_ranking(con, period, prov)
    if city is not None and len(df):
        df = df[df["city_code"] == city].reset_index(drop=True)
    if df.empty:
        return None
    zh = lang == "zh"
    names = df["name_zh" if zh else "name_en"]
    ci = pd.to_numeric(df["composite_index"], errors="coerce")
    ok = sec._ranked_ok(df, ci)
    lst = "、".join if zh else ", ".join
    paras = []
    bi, wi = sec.best_and_worst(ci, ok)
    if bi and wi:
        b, w = [names[j] for j in bi], [names[j] for j in wi]
        paras.append(tr("county_rank_sentence", lang, n=len(df), k=int(ok.sum()),
                        best=lst(b), nb=len(b), worst=lst(w), nw=len(w)))
    elif ok.any():      # one ranked county is neither better nor worse than the others
        paras.append(tr("county_rank_sentence_few", lang, n=len(df), k=int(ok.sum())))
    else:
        paras.append(tr("county_none_valid", lang, n=len(df)))
    bad = [names[j] for j in df.index[~ok & ci.notna()]]
    if bad:
        paras.append(tr("county_insufficient", lang, cities=lst(bad), k=len(bad)))
    cols = {tr("rank", lang): pd.to_numeric(df["rank"], errors="coerce"),
            tr("county", lang): names,
            tr("parent_city", lang): df["city_name_zh" if zh else "city_name_en"],
            tr("n_stations", lang): df["stations"].astype(int)}
    dec = {tr("rank", lang): 0, tr("n_stations", lang): 0}
    for k in ("composite_index", "pm25", "pm10", "so2", "no2", "co_p95", "o3_8h_p90",
              "good_day_ratio"):
        ind = INDICATORS[k]
        cols[ind.label(lang)] = pd.to_numeric(df[k], errors="coerce")
        dec[ind.label(lang)] = ind.decimals
    r = cols[tr("rank", lang)]
    cols[tr("ties", lang)] = ["" if pd.isna(x) or (r == x).sum() < 2 else tr("tie_yes", lang)
                              for x in r]
    valid = df["valid"].fillna(False).astype(bool)
    cols[tr("validity", lang)] = [tr("valid" if v else "insufficient", lang) for v in valid]
    if df["rank_insufficient"].notna().any():
        cols[tr("rank_insufficient_col", lang)] = pd.to_numeric(df["rank_insufficient"],
                                                                errors="coerce")
        dec[tr("rank_insufficient_col", lang)] = 0
    table = ReportTable("counties", tr("sec_counties", lang), pd.DataFrame(cols), dec,
                        tr("counties_note", lang), sheet=tr("sec_counties", lang),
                        frozen_columns=2)
    return ReportSection("counties", tr("sec_counties", lang), paragraphs=paras,
                         tables=[table])


def section_settings(con):
    """The settings the domains' sections get: the environment's, with ``db`` the file
    ``con`` reads, so that the operational store is the one beside it (or
    ``$QINGSHAN_DATABASE_URL``'s). Before, a bulletin of ``--db elsewhere.duckdb`` read (and
    created) ``./qingshan.ops.sqlite`` of the working folder: its governance and evaluation
    sections were not those of the store it reported on."""
    from qingshan.air.versions import db_path
    from qingshan.config import get_settings

    return get_settings(db=db_path(con))


def _domain_sections(con, p, prov: ProvinceConfig, lang: str, settings=None
                     ) -> tuple[list[ReportSection], list[str]]:
    """Every registered domain's bulletin section (``parts["section"]``, called with a
    :class:`~qingshan.reports.model.SectionContext`), in registry order, None results left
    out. Water keeps its direct call until it registers a section. Returns the sections and
    extra method paragraphs. ``settings``: default :func:`section_settings`."""
    from qingshan.core.registry import domains, load
    from qingshan.reports.model import SectionContext

    settings = settings or section_settings(con)
    out: list[ReportSection] = []
    methods: list[str] = []
    registered = set()
    for d in domains():
        target = d.parts.get("section")
        if not target or d.name == "air":
            continue
        registered.add(d.name)
        # each section gets its own cursor on the store (its temporary views stay its own; the
        # one section that left an execute() result unfinished — compensation's air-days check —
        # is fixed, tests/reports/test_report_section_con.py calls each on the raw connection)
        cur = con.cursor() if hasattr(con, "cursor") else con
        try:
            ctx = SectionContext(con=cur, period=p, province=prov, lang=lang, settings=settings)
            got = load(target)(ctx)
        finally:
            if cur is not con:
                cur.close()
        if got is not None:
            out.append(got)
    if "water" not in registered:
        water = water_section(con, p.label, p.kind, p.name(lang), prov, lang)
        if water is not None:
            out.insert(0, water)
            methods.append(water_method_paragraph(lang))
    return out, methods
