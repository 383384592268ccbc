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
from qingshan.charts import city_map, render_svg
from qingshan.air.charts import calendar
from qingshan.air.charts import trend
from qingshan.config import load_province
from qingshan.config.province import ProvinceConfig
from qingshan.air import report_sections as sec
from qingshan.reports.labels import tr
from qingshan.reports.model import ReportChart, ReportData, ReportSection, ReportTable
from qingshan.water.report import water_method_paragraph, water_section

__all__ = ["build_air_report"]


def _charts(con, svc, period, prov: ProvinceConfig, cities: pd.DataFrame, city: str | None,
            lang: str, std) -> list[ReportChart]:
    out: list[ReportChart] = []
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
        out.append(_chart("map_ci", tr("chart_map", lang), spec, {}))
    # 2. PM2.5 of each city against the GB 3095 Grade II annual limit and the WHO AQG
    limit, who = sec.pm25_limits(std)
    spec = bar_vs_limit(pd.DataFrame({"code": cities["code"], "name": names,
                                      "value": cities["pm25"]}), limit, who, lang)
    out.append(_chart("bar_pm25", tr("chart_bar", lang, limit=f"{limit:g}"), spec,
                      {spec.table.columns[2]: 0}))
    # 3. calendar of daily AQI for the chosen city (or the province)
    level, code, label = _calendar_target(prov, city, lang)
    daily = svc.daily_aqi(con, level, code, period.start, period.end)
    # the calendar shows one year: the period's months of its first year (a run crossing a
    # year end, e.g. a heating season, shows its first year's months)
    months = [m for y, m in period.months() if y == period.year]
    spec = calendar(daily, period.year, months if period.kind != "year" else None, lang)
    out.append(_chart("cal_aqi", tr("chart_calendar", lang, name=label), spec, {"AQI": 0}))
    # 4. monthly trends this year and last year
    series = []
    for y in (period.year - 1, period.year):
        m = svc.monthly_series(con, level, code, y)
        if len(m):
            m = m.assign(series=tr("year_label", lang, year=y))
            series.append(m)
    if series:
        monthly = pd.concat(series, ignore_index=True)
        for pol, lims in sec.trend_limits(std, lang).items():
            spec = trend(monthly, pol, lims, lang, series="series")
            dec = {c: (1 if pol == "co_p95" else 0) for c in spec.table.columns[1:]}
            out.append(_chart(f"trend_{pol}", tr("chart_trend", lang, name=label,
                                                 pol=sec.pollutant_name(pol, lang)), spec, dec))
    return out


def _chart(key: str, title: str, spec, decimals: dict[str, int]) -> ReportChart:
    table = ReportTable(key=key, title=title, df=spec.table, decimals=decimals)
    return ReportChart(key=key, title=title, svg=render_svg(spec), caption=spec.caption,
                       table=table)


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
                     province: ProvinceConfig | None = None) -> ReportData:
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

    Returns
    -------
    ReportData
        Sections: province overview (and, for a year, GB 3095 compliance and WHO levels),
        best/worst three cities, all cities, the water environment (years and months whose
        period has surface-water data in the store), charts, method notes.
    """
    from qingshan.air import service as svc  # the services layer; imported at call time

    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    prov = province or load_province("shandong")
    p = svc.parse_period(period)  # core period + the air checks (a period spanning 2026-03-01)
    prev = p.previous_year()
    pv = svc.assess(con, p.label, level="province", province=prov)
    if pv.empty:
        raise ValueError(f"no assessment for {p.label}: is there data for this period in the store?")
    row = pv.iloc[0]
    last = svc.assess(con, prev.label, level="province", province=prov)
    stat_cols = [c for c in ("pm25", "pm10", "so2", "no2", "co_p95", "o3_8h_p90",
                             "good_day_ratio") if c in last.columns]
    has_last = len(last) > 0 and bool(last[stat_cols].notna().to_numpy().any())
    last_row = last.iloc[0] if has_last else None  # None: no data of last year's period
    cities = svc.assess(con, p.label, level="city", province=prov)
    std = sec.limits_module(row)
    prov_name = prov.name_zh if lang == "zh" else prov.name_en
    sections = [
        ReportSection("summary", tr("sec_summary", lang),
                      paragraphs=sec.summary_paragraphs(row, last_row, p, prov_name, lang),
                      tables=[sec.summary_table(row, last_row, p, prev, lang)]),
    ]
    if p.kind == "year":
        sections.append(ReportSection("compliance", tr("sec_compliance", lang),
                                      paragraphs=sec.compliance_paragraphs(row, lang),
                                      tables=[sec.compliance_table(row, std, lang)]))
    sections.append(ReportSection("rank", tr("sec_rank", lang),
                                  tables=sec.best_worst_tables(cities, prov, lang)))
    sections.append(ReportSection("cities", tr("sec_cities", lang),
                                  tables=[sec.cities_table(cities, prov, lang)]))
    water = water_section(con, p.label, p.kind, p.name(lang), prov, lang)
    if water is not None:
        sections.append(water)
    sections.append(ReportSection("charts", tr("sec_charts", lang),
                                  charts=_charts(con, svc, p, prov, cities, city, lang, std)))
    methods = sec.method_paragraphs(row, cities, p, prov, lang)
    if water is not None:
        methods.append(water_method_paragraph(lang))
    sections.append(ReportSection("methods", tr("sec_methods", lang),
                                  paragraphs=methods,
                                  tables=[sec.validity_table(cities, prov, lang),
                                          sec.stations_table(cities, _stations(con, cities),
                                                             prov, lang)]))
    values = {"province": row.to_dict(), "last_year": None if last_row is None
              else last_row.to_dict()}
    return ReportData(
        lang=lang, period=p.label, kind=p.kind,
        title=tr(f"title_{p.kind}", lang, prov=prov_name),
        subtitle=p.name(lang), issuer=tr("issuer", lang, prov=prov_name),
        generated=date.today().isoformat(), sections=sections, values=values,
    )
