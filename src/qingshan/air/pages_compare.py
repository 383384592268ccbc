"""The comparison page: 2–6 cities or stations, one pollutant, one period, daily series.

``/compare?level=city&codes=370100,370200&pollutant=pm25&period=2019-03`` draws the daily
statistics (HJ 663 daily values, GB/T 8170-rounded; AQI: HJ 633 daily AQI) of each place from
:func:`qingshan.air.daily.daily_aqi` (the service's frames), with the GB 3095 grade II 24-h
limit of the pollutant as a dashed line, and the same figures as a table (downloadable).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan import charts
from qingshan.air import daily as air_daily
from qingshan.air.api import check_code, computed, daily_ready
from qingshan.air.rules import rules_for
from qingshan.api import catalog
from qingshan.api.errors import ApiError
from qingshan.api.params import parse_period
from qingshan.web.i18n import request_lang
from qingshan.web.periods import data_days, period_options
from qingshan.web.render import chart_svg, page

__all__ = ["router", "POLLUTANTS", "MAX_PLACES"]

router = APIRouter(include_in_schema=False)
#: what can be compared: the daily statistic (column of daily_aqi) and its GB 3095 averaging
POLLUTANTS = {"aqi": ("aqi", None), "pm25": ("pm25", "24h"), "pm10": ("pm10", "24h"),
              "so2": ("so2", "24h"), "no2": ("no2", "24h"), "co": ("co", "24h"),
              "o3": ("o3_8h_max", "8h")}
MAX_PLACES = 6


def _bad(msg: str) -> ApiError:
    return ApiError(422, "bad_request", msg)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, level: str = "city", codes: str = "", pollutant: str = "pm25",
            period: str | None = None) -> HTMLResponse:
    lang = request_lang(request)
    if level not in ("city", "station"):
        raise _bad("level: must be city or station")
    if pollutant not in POLLUTANTS:
        raise _bad(f"pollutant: must be one of {', '.join(POLLUTANTS)}")
    chosen = [c for c in dict.fromkeys(x.strip() for x in codes.split(",")) if c][:MAX_PLACES + 1]
    if len(chosen) > MAX_PLACES:
        raise _bad(f"codes: at most {MAX_PLACES} places")
    prov = request.app.state.province
    daily_ready(request)
    with request.app.state.store.cursor() as con:
        first, last = data_days(con)
        cities = catalog.cities(con)
        if last is None:
            return page(request, "empty.html")
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
    svg = caption = table = None
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
        svg, caption, table = chart_svg(spec), spec.caption, spec.table
    return page(request, "compare.html", level=level, codes=chosen, pollutant=pollutant,
                pollutants=list(POLLUTANTS), period=p, periods=period_options(first, last),
                cities=cities.to_dict(orient="records"), svg=svg, caption=caption,
                table=table, max_places=MAX_PLACES, today=date.today())
