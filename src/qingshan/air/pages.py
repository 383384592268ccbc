"""Server-rendered pages: province overview, city, station, comparison (figures from the services)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from urllib.parse import quote, urlencode

from qingshan import charts
from qingshan.charts.mapsvg import map_svg
from qingshan.config import get_settings
from qingshan.air import charts as air_charts
from qingshan.api import catalog
from qingshan.api.answers import AnswerCache
from qingshan.api.errors import ApiError
from qingshan.api.params import check_range, parse_date, parse_period
from qingshan.air import daily as air_daily
from qingshan.air.api import check_code, computed, data_version, ready
from qingshan.air.versions import scope_of
from qingshan.air.engine.statistics import valid_hourly_sql
from qingshan.air import service as svc
from qingshan.web.citycharts import calendar_chart, calendar_table, trend_chart, trend_tables
from qingshan.web.geo import load_geo
from qingshan.web.i18n import request_lang
from qingshan.air.limits import STAT_AVERAGING, reference_lines
from qingshan.air.rules import rules_for
from qingshan.web.periods import data_days, period_options
from qingshan.air.page_parts import (_LABEL, _STATS, _UNITS, _compliance, _flag, _map_scale,  # noqa: F401
                                     _nd, aqi_levels, t_days)
from qingshan.web.render import chart_src, page, svg_response
from qingshan.water.pages import city_water, water_headline, water_periods

__all__ = ["router", "INDICATORS", "POLLUTANTS", "MAX_PLACES"]

router = APIRouter(include_in_schema=False)
#: map indicators: (source, column, decimals)
INDICATORS = {"composite_index": ("period", "composite_index", 2),
              "pm25": ("period", "pm25", 0),
              "good_day_ratio": ("period", "good_day_ratio", 1),
              "aqi_hour": ("hour", "aqi", 0),
              "aqi_day": ("day", "aqi", 0)}

def _svc(con, fn, *args, **kwargs) -> pd.DataFrame:
    """A service result (:func:`qingshan.air.api.computed`: one heavy-query slot, cached by the
    store's data fingerprint, so an upload of other data does not clear the whole cache)."""
    return computed(con, fn, *args, **kwargs)


def _store(request: Request):
    return request.app.state.store


def _city_names(con, lang: str) -> dict[str, str]:
    df = catalog.cities(con)
    return dict(zip(df.code, df.name_zh if lang == "zh" else df.name_en))


def _map_values(con, prov, indicator: str, ranking: pd.DataFrame, codes: list[str],
                last_time: datetime, last_day: date) -> tuple[pd.DataFrame, str]:
    source, col, _ = INDICATORS[indicator]
    if source == "period":
        return ranking[["code", col]].rename(columns={col: "value"}), ""
    if source == "hour":
        df = _svc(con, svc.hourly_aqi, "city", codes, last_day, last_day, province=prov)
        df = df[df.time == last_time]
        return df[["code", "aqi"]].rename(columns={"aqi": "value"}), f"{last_time:%Y-%m-%d %H:%M}"
    df = _svc(con, air_daily.daily_aqi, "city", None, last_day, last_day, province=prov)
    return df[["code", "aqi"]].rename(columns={"aqi": "value"}), last_day.isoformat()


#: the host of map links while Vega renders them (absolute); replaced in the SVG afterwards
LINK_PLACEHOLDER = "http://qingshan.invalid/"


def public_base() -> str:
    """``Settings.public_base_url`` with a trailing slash, or ``/`` (links relative to the
    site root)."""
    base = get_settings().public_base_url
    return (base.rstrip("/") + "/") if base else "/"


def _no_data(request: Request, lang: str, what: str, first: date, last: date) -> HTMLResponse:
    """404 page: nothing stored for ``what`` (a period or year), with the span that is."""
    msg = (f"{what}没有数据。已有数据：{first.isoformat()} 至 {last.isoformat()}。" if lang == "zh"
           else f"No data for {what}. Data are stored for {first.isoformat()} to "
                f"{last.isoformat()}.")
    return page(request, "error.html", status=404, err_status=404, code="no_data", message=msg)


def _map_inputs(con, prov, p, indicator: str, last: date):
    """What the overview's map shows for period ``p``: the ranked cities, the map values (with
    their labels), the time they are of, and the period's last day with data."""
    ranking = svc.ranked_cities(_svc(con, air_daily.assess, p.label, level="city",
                                     province=prov))
    codes = [c.code for c in prov.cities]
    # the "latest" AQI of the period shown: its last day with data (not the store's)
    last_time = catalog.data_range(con)[1]
    if p.end < last:
        last = p.end
        last_time = datetime.combine(p.end + timedelta(days=1), datetime.min.time())
    values, when = _map_values(con, prov, indicator, ranking, codes, last_time, last)
    nd = INDICATORS[indicator][2]
    values = values.assign(label=[("—" if pd.isna(v) else f"{v:.{nd}f}") for v in values.value])
    return ranking, values, when, last


def _map_spec(prov, values: pd.DataFrame, indicator: str, lang: str, names: dict[str, str],
              period: str, year: int, stations: pd.DataFrame):
    """The choropleth's spec (None without map geometry). Links keep the period and the
    indicator; they are built on a placeholder host (Vega resolves a relative ``href``
    against an external default base URL and ``city_map`` refuses links that are not
    absolute, ``charts.cmap.safe_link``) that the chart route replaces by the configured
    public base URL, or drops (relative links) — never the request's Host header. Station
    markers (coordinates of the station list) link their station pages."""
    geo = load_geo(prov)
    if geo is None:
        return None
    geo = {"type": "FeatureCollection", "features": [
        {**f, "properties": {**f["properties"], "name": names.get(f["properties"]["code"], "")}}
        for f in geo["features"]]}
    q = urlencode({"period": period, "indicator": indicator, "lang": lang})
    pts = stations[["code", "name", "lon", "lat"]].assign(
        href=[f"{LINK_PLACEHOLDER}station/{quote(str(c), safe='')}?lang={lang}"
              for c in stations.code])
    stat = INDICATORS[indicator][1] if indicator.startswith("aqi") else indicator
    return charts.city_map(geo, values, stat, lang=lang,
                           link_template=f"{LINK_PLACEHOLDER}city/{{code}}?{q}", points=pts,
                           **_map_scale(indicator, year, lang))


def _map_caption(prov, values: pd.DataFrame, indicator: str, lang: str, year: int):
    """The map's caption (as :func:`_map_spec`'s), None without map geometry."""
    geo = load_geo(prov)
    if geo is None:
        return None
    stat = INDICATORS[indicator][1] if indicator.startswith("aqi") else indicator
    return charts.city_map_caption(geo, values, stat, lang=lang,
                                   **_map_scale(indicator, year, lang))


def _indicator(indicator: str) -> None:
    if indicator not in INDICATORS:
        raise ApiError(422, "bad_request", f"indicator: {indicator!r} is not one of "
                                           f"{', '.join(INDICATORS)}")


@router.get("/chart/map.svg")
def overview_map(request: Request, period: str, indicator: str = "composite_index"):
    """The overview's map of ``period`` (SVG, links to the city and station pages)."""
    lang = request_lang(request)
    _indicator(indicator)
    prov = request.app.state.province
    ready(request)

    def build():
        with _store(request).cursor() as con:
            first, last = data_days(con)
            p = parse_period(period)
            if last is None or p.end < first or p.start > last:
                return None
            _, values, _, _ = _map_inputs(con, prov, p, indicator, last)
            names = _city_names(con, lang)
            stations, _ = catalog.stations(con)
        spec = _map_spec(prov, values, indicator, lang, names, p.label, p.end.year, stations)
        return None if spec is None else map_svg(spec)     # drawn directly, no vl-convert

    return svg_response(request, build, post=lambda svg: svg.replace(LINK_PLACEHOLDER,
                                                                      public_base()))


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, period: str | None = None,
             indicator: str = "composite_index") -> HTMLResponse:
    lang = request_lang(request)
    _indicator(indicator)
    prov = request.app.state.province
    ready(request)
    # what the page shows, kept per store stamp (any commit computes it again): a repeat view
    # opens no store; the page itself is drawn for each request (its user, CSRF field)
    return _kept_page(request, lang, _OVERVIEW, (period, indicator, lang, prov.code),
                      lambda: _overview_ctx(request, prov, lang, period, indicator),
                      "overview.html")


def _kept_page(request: Request, lang: str, cache: AnswerCache, question: tuple, compute,
               template: str) -> HTMLResponse:
    """The page of a context ``compute()`` — ("page", ctx), ("none", (what, first, last)) or
    ("empty", None) — kept in ``cache`` per store stamp, drawn for this request (its content
    block once per language and URL)."""
    # kept with the context: its content block as drawn per language and URL (render.page)
    got, ctx, drawn = cache.get_or_compute(_store(request).path, question,
                                           lambda: (*compute(), {}))
    if got == "empty":
        return page(request, "empty.html")
    if got == "none":
        return _no_data(request, lang, *ctx)
    return page(request, template, drawn=drawn, **ctx)


#: the overview's page contexts (periods × indicators × languages of the store's state)
_OVERVIEW = AnswerCache(64)


def _overview_ctx(request: Request, prov, lang: str, period: str | None, indicator: str):
    """("page", the overview's template context), ("none", (what, first, last)) — no data
    for the period — or ("empty", None): nothing stored."""
    with _store(request).cursor() as con:
        first, last = data_days(con)
        if last is None:
            return "empty", None
        data_last = last
        p = parse_period(period or f"{last:%Y-%m}")
        if p.end < first or p.start > last:
            return "none", (p.name(lang), first, last)
        ranking, values, when, last = _map_inputs(con, prov, p, indicator, last)
        summary_df = _svc(con, air_daily.assess, p.label, level="province", province=prov)
        names = _city_names(con, lang)
        wperiods = water_periods(con)
        wyear = str(p.year) if str(p.year) in wperiods else (wperiods[0] if wperiods else None)
        water = water_headline(con, wyear) if wyear else {}
    if ranking["composite_index"].isna().all() and values["value"].isna().all():
        return "none", (p.name(lang), first, last)
    nd = INDICATORS[indicator][2]
    caption = _map_caption(prov, values, indicator, lang, p.end.year)
    # the map is drawn by its chart route, loaded by the browser beside the page
    map_src = (chart_src("/chart/map.svg", lang, period=p.label, indicator=indicator)
               if caption is not None else None)
    vmap = dict(zip(values.code, values.value))
    # a period figure of a city whose statistics are not valid is flagged 数据不足 (the map's
    # hourly / daily AQI are single values: no period validity)
    period_map = INDICATORS[indicator][0] == "period"
    vvalid = ({c: _flag(v) for c, v in zip(ranking.code, ranking["valid"])} if period_map
              else {})
    map_rows = [{"code": c, "name": names.get(c, c), "value": vmap.get(c), "nd": nd,
                 "valid": vvalid.get(c)} for c in (c.code for c in prov.cities)]
    map_invalid = [r["name"] for r in map_rows if r["valid"] is False]
    srow = summary_df.iloc[0].to_dict() if len(summary_df) else {}
    # (label, value, decimals, unit); valid days are AQI days that count, of the calendar days
    summary = [("composite_index", srow.get("composite_index"), 2, ""),
               ("pm25", srow.get("pm25"), 0, "µg/m³"),
               ("good_day_ratio", srow.get("good_day_ratio"), 1, "%"),
               ("good_days", srow.get("good_days"), _nd(srow.get("good_days")), t_days(lang)),
               ("valid_days", srow.get("valid_days"), _nd(srow.get("valid_days")),
                t_days(lang))]
    partial = {"to_date": bool(srow.get("to_date")) if srow.get("to_date") is not None
               else None, "data_end": srow.get("data_end"), "days": srow.get("days"),
               "valid": _flag(srow.get("valid"))}
    return "page", dict(period=p, periods=period_options(first, last),
                        indicator=indicator, indicators=list(INDICATORS), summary=summary,
                        map_src=map_src, map_caption=caption, map_when=when, map_rows=map_rows,
                        partial=partial, map_unit=_UNITS.get(INDICATORS[indicator][1], ""),
                        map_invalid=map_invalid, month_min=f"{first:%Y-%m}",
                        month_max=f"{data_last:%Y-%m}",
                        ranking=ranking.to_dict(orient="records"), water=water)


def _city_year(year: int | None, period: str | None, last: date):
    """(year of the charts, period of the figures) of a city page: a link from a period's
    ranking keeps that period (its year for the charts)."""
    chosen = parse_period(period) if period and not year else None
    y = year or (chosen.end.year if chosen else last.year)
    return y, chosen or parse_period(str(y), "year")


def _city_series(con, prov, code: str, y: int, last: date):
    """The daily AQI (calendar, primary pollutants) and the monthly statistics (trends) of
    city ``code`` in year ``y``, and the year's last day with data: every city's in one
    statement each, kept, so the year's other city pages read them (the same rows)."""
    start, end = date(y, 1, 1), min(date(y, 12, 31), last)
    daily = (_svc(con, air_daily.daily_aqi, "city", None, start, end, province=prov)
             if start <= end
             else pd.DataFrame(columns=["code", "date", "aqi", "category", "category_en",
                                        "colour", "primary_pollutant"]))
    monthly = _svc(con, air_daily.monthly_series, "city", None, y, province=prov)
    return (*(f[f["code"] == code].reset_index(drop=True) for f in (daily, monthly)), end)


#: the charts of a city page (the chart route's names)
CITY_CHARTS = ("calendar", *(f"trend-{s}" for s in _STATS))
#: a city page's chart inputs (daily AQI and monthly statistics of a year) per store state:
#: the page leaves them for its chart routes, which then open no store (7 charts at once)
_CITY_SERIES = AnswerCache(32)
#: a city page's calendar and trend tables (pandas pivots: most of a warm page's time)
_CITY_TABLES = AnswerCache(64)


@router.get("/chart/city/{code}/{name}.svg")
def city_chart(request: Request, code: str, name: str, year: int):
    """A chart of the city page of ``year`` (``calendar`` or ``trend-<statistic>``), SVG."""
    lang = request_lang(request)
    if name not in CITY_CHARTS:
        raise ApiError(404, "not_found", f"no chart {name!r}; charts: {', '.join(CITY_CHARTS)}")
    prov = request.app.state.province
    ready(request)

    def load():
        with _store(request).cursor() as con:
            check_code(con, "city", code)
            first, last = data_days(con)
            if last is None or not first.year <= year <= last.year:
                return None
            return _city_series(con, prov, code, year, last)[:2]

    def build():
        got = _CITY_SERIES.get_or_compute(_store(request).path, (code, year, prov.code), load)
        if got is None:
            return None
        daily, monthly = got
        # drawn as SVG text directly (no vl-convert): the cells / lines of air.charts' specs
        if name == "calendar":
            return calendar_chart(daily, year, lang)
        stat = name.removeprefix("trend-")
        if stat not in monthly.columns:
            return None
        return trend_chart(monthly, stat, reference_lines(stat, year, lang), lang)

    return svg_response(request, build)


@router.get("/city/{code}", response_class=HTMLResponse)
def city_page(request: Request, code: str, year: int | None = None,
              period: str | None = None) -> HTMLResponse:
    lang = request_lang(request)
    prov = request.app.state.province
    ready(request)
    # what the page shows, kept per store stamp as the overview's (an unknown city is a 404,
    # never kept); the page itself is drawn for each request
    return _kept_page(request, lang, _CITY_PAGES, (code, year, period, lang, prov.code),
                      lambda: _city_ctx(request, prov, lang, code, year, period), "city.html")


#: the city pages' contexts (cities × years or periods × languages of the store's state)
_CITY_PAGES = AnswerCache(128)


def _city_ctx(request: Request, prov, lang: str, code: str, year: int | None,
              period: str | None):
    """("page", the city page's template context), ("none", (what, first, last)) or
    ("empty", None), as :func:`_overview_ctx`."""
    with _store(request).cursor() as con:
        check_code(con, "city", code)
        city = catalog.city(con, code)
        first, last = data_days(con)
        if last is None:
            return "empty", None
        y, p = _city_year(year, period, last)
        if not first.year <= y <= last.year:
            return "none", (f"{y}年" if lang == "zh" else str(y), first, last)
        # the chart routes' inputs, kept per store stamp: a warm page neither computes nor
        # filters the year's series of every city again
        daily, monthly = _CITY_SERIES.get_or_compute(
            _store(request).path, (code, y, prov.code),
            lambda: _city_series(con, prov, code, y, last)[:2])
        end = min(date(y, 12, 31), last)
        yearly = _svc(con, air_daily.assess, p.label, level="city", province=prov)
        latest = catalog.latest_hours(con, code)
        water = city_water(con, code, y)
        # the version of the data the year's series read (a new day of another year keeps it)
        ver = data_version(con, scope_of(air_daily.monthly_series, ("city", code, y), {}))
    # the charts are drawn by the chart route (loaded by the browser beside the page); the
    # page shows their tables and captions, kept per city, year, language and data version
    base = f"/chart/city/{quote(code, safe='')}/"

    def tables():
        cal = calendar_table(daily, y, lang)
        stats = [s for s in _STATS if s in monthly.columns]
        got = trend_tables(monthly, stats, {s: reference_lines(s, y, lang) for s in stats}, lang)
        return cal, [{"stat": s, "caption": got[s][1], "table": got[s][0],
                      "src": chart_src(f"{base}trend-{s}.svg", lang, year=y)} for s in stats]

    (cal_table, cal_caption), trends = _CITY_TABLES.get_or_compute(
        _store(request).path, ("city-tables", code, y, lang, prov.code), tables,
        version=lambda: ver)
    prim = daily["primary_pollutant"].dropna() if "primary_pollutant" in daily else pd.Series()
    prim = prim[prim.astype(str) != ""]
    breakdown = prim.value_counts()
    breakdown = [{"pollutant": k, "days": int(v), "share": 100.0 * v / len(daily)}
                 for k, v in breakdown.items()] if len(daily) else []
    row = yearly[yearly.code == code].iloc[0].to_dict() if (yearly.code == code).any() else {}
    compliance = _compliance(row, y, lang)
    # the bulletins' validity model: 截至 (to date) and 数据不足 (insufficient data)
    flags = {"to_date": _flag(row.get("to_date")), "data_end": row.get("data_end"),
             "valid": _flag(row.get("valid")), "year_to_date": end < date(y, 12, 31),
             "year_end": end if end < date(y, 12, 31) else None}
    return "page", dict(city=city, year=y, period=p, units=_UNITS, flags=flags,
                        month_min=f"{first:%Y-%m}", month_max=f"{last:%Y-%m}",
                        years=list(range(last.year, first.year - 1, -1)),
                        name=city["name_zh"] if lang == "zh" else city["name_en"],
                        cal_src=chart_src(f"{base}calendar.svg", lang, year=y),
                        cal_caption=cal_caption, cal_table=cal_table, trends=trends,
                        breakdown=breakdown, row=row, compliance=compliance,
                        averaging=STAT_AVERAGING, stations=latest.to_dict(orient="records"),
                        water=water)


def _pollutant(pollutant: str) -> None:
    if pollutant not in _LABEL:
        raise ApiError(422, "bad_request", f"pollutant: {pollutant!r} is not one of "
                                           f"{', '.join(_LABEL)}")


def _station_hours(con, prov, code: str, latest: dict, day: str | None, days: int,
                   pollutant: str, lang: str):
    """(day shown, every hour of the natural days shown — stored or not, with its AQI —, the
    hourly chart's spec) of a station page."""
    last_day = (latest["time"] - timedelta(hours=1)).date()
    d = parse_date(day, "day") if day else last_day
    if not 1 <= days <= 31:
        raise ApiError(422, "bad_request", "days: must be between 1 and 31")
    start = datetime.combine(d - timedelta(days=days - 1), datetime.min.time()) + \
        timedelta(hours=1)
    end = datetime.combine(d + timedelta(days=1), datetime.min.time())
    check_range(start, end, 31)
    hours = catalog.station_hours(con, code, start, end)
    # the per-value validity rule of the engine (negative / above the plausible maximum)
    valid = con.execute(valid_hourly_sql(
        where="station_code = ? AND time >= ? AND time <= ?"), [code, start, end]).df()
    aqi = _svc(con, svc.hourly_aqi, "station", [code], d - timedelta(days=days - 1), d,
               province=prov)
    # every hour of the natural days shown, stored or not (a missing hour is shown as such)
    grid = pd.DataFrame({"time": pd.date_range(start, end, freq="h")})
    hours = grid.merge(hours.assign(stored=True), on="time", how="left")
    hours["stored"] = hours["stored"].eq(True)
    hours["qc_flags"] = hours["qc_flags"].astype("Int64")
    if len(aqi):
        hours = hours.merge(aqi[["time", "aqi", "primary_pollutant", "category"]], on="time",
                            how="left")
    ok = set(valid.loc[valid[pollutant].notna(), "time"])
    spec = air_charts.hourly_series(pd.DataFrame({"time": hours["time"],
                                                  "value": hours[pollutant],
                                                  "valid": hours["time"].isin(ok)}),
                                    pollutant, lang=lang)
    return d, hours, spec


@router.get("/chart/station/{code}/series.svg")
def station_chart(request: Request, code: str, day: str | None = None, days: int = 2,
                  pollutant: str = "pm25"):
    """The hourly chart of a station page (SVG)."""
    lang = request_lang(request)
    _pollutant(pollutant)

    def build():
        with _store(request).cursor() as con:
            check_code(con, "station", code)
            latest = catalog.latest_hour(con, code)
            if latest is None:
                return None
            return _station_hours(con, request.app.state.province, code, latest, day, days,
                                  pollutant, lang)[2]

    return svg_response(request, build)


@router.get("/station/{code}", response_class=HTMLResponse)
def station_page(request: Request, code: str, day: str | None = None, days: int = 2,
                 pollutant: str = "pm25") -> HTMLResponse:
    lang = request_lang(request)
    _pollutant(pollutant)
    with _store(request).cursor() as con:
        check_code(con, "station", code)
        st = catalog.station(con, code)
        city = catalog.city(con, st["city_code"]) if st.get("city_code") else None
        latest = catalog.latest_hour(con, code)
        if latest is None:
            return page(request, "station.html", st=st, city=city, rows=[], day=None, days=days)
        d, hours, spec = _station_hours(con, request.app.state.province, code, latest, day,
                                        days, pollutant, lang)
    # the chart is drawn by its chart route (the spec's caption is on the page)
    src = chart_src(f"/chart/station/{quote(code, safe='')}/series.svg", lang,
                    day=d.isoformat(), days=days, pollutant=pollutant)
    return page(request, "station.html", st=st, city=city, rows=hours.to_dict(orient="records"),
                day=d, days=days, pollutant=pollutant, pollutants=list(_LABEL),
                series_src=src, series_caption=spec.caption)


# -- the comparison page: 2–6 cities or stations, one pollutant, one period, daily series --
#: what can be compared: the daily statistic (column of daily_aqi) and its GB 3095 averaging
POLLUTANTS = {"aqi": ("aqi", None), "pm25": ("pm25", "24h"), "pm10": ("pm10", "24h"),
              "so2": ("so2", "24h"), "no2": ("no2", "24h"), "co": ("co", "24h"),
              "o3": ("o3_8h_max", "8h")}
MAX_PLACES = 6


def _bad(msg: str) -> ApiError:
    return ApiError(422, "bad_request", msg)


def _compare(request: Request, level: str, codes: str, pollutant: str, period: str | None,
             lang: str):
    """(page context, the chart's spec or None) of the comparison page; None when the store
    has no data."""
    if level not in ("city", "station"):
        raise _bad("level: must be city or station")
    if pollutant not in POLLUTANTS:
        raise _bad(f"pollutant: must be one of {', '.join(POLLUTANTS)}")
    chosen = [c for c in dict.fromkeys(x.strip() for x in codes.split(",")) if c][:MAX_PLACES + 1]
    if len(chosen) > MAX_PLACES:
        raise _bad(f"codes: at most {MAX_PLACES} places")
    prov = request.app.state.province
    ready(request)
    with request.app.state.store.cursor() as con:
        first, last = data_days(con)
        cities = catalog.cities(con)
        if last is None:
            return None
        p = parse_period(period or f"{last:%Y-%m}")
        for c in chosen:
            check_code(con, level, c)
        frames = []
        names = {}
        if len(chosen) >= 2 and not (p.end < first or p.start > last):
            start, end = p.start, min(p.end, last)
            for c in chosen:
                df = computed(con, air_daily.daily_aqi, level, c, start, end, province=prov)
                frames.append(df.assign(code=c))
                info = catalog.city(con, c) if level == "city" else catalog.station(con, c)
                names[c] = (info.get("name_zh") if lang == "zh" else info.get("name_en")) \
                    if level == "city" else f"{info.get('name')} ({c})"
    col, avg = POLLUTANTS[pollutant]
    spec = None
    if frames:
        data = pd.concat(frames, ignore_index=True)
        data = pd.DataFrame({"date": data["date"], "name": data["code"].map(names),
                             "value": data[col]})
        limit = None
        if avg:
            rules = rules_for(p.start)
            lim = rules.limits.get((pollutant if pollutant != "o3" else "o3", avg))
            if lim:
                lim_label = f"{rules.limits_standard} {'二级' if lang == 'zh' else 'grade II'}"
                limit = (lim_label, float(lim[1]))
        spec = charts.compare_series(data, col if col != "o3_8h_max" else "o3", lang=lang,
                                     limit=limit)
    ctx = dict(level=level, codes=chosen, pollutant=pollutant, pollutants=list(POLLUTANTS),
               period=p, periods=period_options(first, last),
               cities=cities.to_dict(orient="records"), max_places=MAX_PLACES,
               today=date.today())
    return ctx, spec


@router.get("/chart/compare.svg")
def compare_chart(request: Request, level: str = "city", codes: str = "",
                  pollutant: str = "pm25", period: str | None = None):
    """The comparison page's chart (SVG)."""
    lang = request_lang(request)

    def build():
        got = _compare(request, level, codes, pollutant, period, lang)
        return None if got is None else got[1]

    return svg_response(request, build)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, level: str = "city", codes: str = "", pollutant: str = "pm25",
            period: str | None = None) -> HTMLResponse:
    lang = request_lang(request)
    got = _compare(request, level, codes, pollutant, period, lang)
    if got is None:
        return page(request, "empty.html")
    ctx, spec = got
    # the chart is drawn by its chart route (the spec is a plain dict: its table and caption
    # are on the page)
    src = (chart_src("/chart/compare.svg", lang, level=level, codes=",".join(ctx["codes"]),
                     pollutant=pollutant, period=ctx["period"].label) if spec else None)
    return page(request, "compare.html", src=src, caption=spec.caption if spec else None,
                table=spec.table if spec else None, **ctx)
