"""Baseline (b): the same assessment written the way an analyst would in idiomatic pandas/numpy.

Vectorised throughout (numpy searchsorted for IAQI segments, groupby aggregations, groupby-rolling
for the O3 8-h mean, groupby quantiles), using qingshan's standards tables. It follows the same
rules as qingshan's engine (validity counts, MDA8 windows inside the natural day, HJ 663
percentiles = linear interpolation, GB 3095 limits, ranking indices) but with plain float
rounding (numpy half-even on binary values) instead of the engine's exact decimal handling.

Steps (as in ``qingshan.air.plan``): hourly AQI of every station-hour; daily statistics
and daily AQI per station; annual statistics and compliance per station; city hourly series (mean
of evaluation stations), city daily and annual statistics, compliance; city ranking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.air.standards import gb3095_2012
from qingshan.air.standards import hj633_2012
from qingshan.air.standards import hj663_2013 as hj
from qingshan.air.standards import ranking_rule as rr
from qingshan.air.standards.plausible_ranges import MAX_PLAUSIBLE

POLS = ["so2", "no2", "co", "o3", "pm10", "pm25"]
DAILY = ["so2", "no2", "co", "pm10", "pm25"]
NAMES = {"so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3", "o3_8h": "O3_8h",
         "o3_1h": "O3_1h", "pm10": "PM10", "pm25": "PM2.5"}


def iaqi(c: np.ndarray, table) -> np.ndarray:
    """IAQI (HJ 633-2012 eq. (1), rounded up) of an array; NaN stays NaN; above top → 500."""
    bp = np.asarray(table, dtype=float)
    i = np.clip(np.searchsorted(bp[:, 1], c, side="left"), 1, len(bp) - 1)
    ilo, clo, ihi, chi = bp[i - 1, 0], bp[i - 1, 1], bp[i, 0], bp[i, 1]
    with np.errstate(invalid="ignore"):
        out = np.ceil(ilo + (ihi - ilo) * (c - clo) / (chi - clo) - 1e-9)
        out = np.where(c > bp[-1, 1], bp[-1, 0], out)
    return out


def _aqi_frame(iq: dict[str, np.ndarray]) -> pd.DataFrame:
    m = np.column_stack(list(iq.values()))
    aqi = np.fmax.reduce(m, axis=1) if m.shape[1] else None
    out = pd.DataFrame({f"iaqi_{k}": v for k, v in iq.items()})
    out["aqi"] = aqi
    prim = pd.Series("", index=out.index)
    for k, v in iq.items():
        hit = (v == aqi) & (aqi > 50)
        prim = prim.where(~hit, np.where(prim == "", NAMES[k], prim + "," + NAMES[k]))
    out["primary_pollutant"] = prim.replace("", None)
    lv = np.searchsorted([50, 100, 150, 200, 300], aqi, side="left") + 1.0
    out["level"] = np.where(np.isnan(aqi), np.nan, lv)
    return out


def valid(df: pd.DataFrame) -> pd.DataFrame:
    out = df[["code", "time"]].copy()
    for p in POLS:
        v = df[p].to_numpy(dtype=float)
        out[p] = np.where((v >= 0) & (v <= MAX_PLAUSIBLE[p]), v, np.nan)
    return out


def hourly_aqi(v: pd.DataFrame) -> pd.DataFrame:
    bp = hj633_2012.BREAKPOINTS
    iq = {p: iaqi(v[p].to_numpy(), bp[f"{p}_1h"]) for p in ("so2", "no2", "co", "o3")}
    iq["so2"] = np.where(v["so2"].to_numpy() > 800, np.nan, iq["so2"])
    for p in ("pm10", "pm25"):
        iq[p] = iaqi(v[p].to_numpy(), bp[f"{p}_24h"])
    res = _aqi_frame(iq)
    res.insert(0, "time", v["time"].to_numpy())
    res.insert(0, "code", v["code"].to_numpy())
    return res


def daily_stats(v: pd.DataFrame) -> pd.DataFrame:
    """Daily means (≥ 20 h), O3 max 1-h and MDA8 (≥ 14 of the 17 in-day windows or > 160)."""
    codes = v["code"].unique()
    times = np.sort(v["time"].unique())
    grid = pd.MultiIndex.from_product([codes, times], names=["code", "time"])
    g = v.set_index(["code", "time"]).reindex(grid).reset_index()
    shifted = g["time"] - pd.Timedelta(hours=1)
    g["date"] = shifted.dt.normalize()
    g["hod"] = shifted.dt.hour
    r = g.groupby("code", sort=False)["o3"].rolling(8, min_periods=6).mean()
    g["w8"] = r.to_numpy()
    g["w8"] = g["w8"].where(g["hod"] >= 7)
    agg = {**{p: ["mean", "count"] for p in DAILY}, "o3": ["max", "count"],
           "w8": ["max", "count"]}
    d = g.groupby(["code", "date"], sort=False).agg(agg)
    d.columns = [f"{a}_{b}" for a, b in d.columns]
    out = pd.DataFrame(index=d.index)
    for p in DAILY:
        ok = d[f"{p}_count"] >= hj.MIN_HOURS_DAILY
        out[p] = d[f"{p}_mean"].where(ok)
    out["o3_1h_max"] = d["o3_max"].where((d["o3_count"] >= 20) | (d["o3_max"] > 200))
    out["o3_8h_max"] = d["w8_max"].where((d["w8_count"] >= 14) | (d["w8_max"] > 160))
    return out.reset_index()


def daily_aqi(d: pd.DataFrame) -> pd.DataFrame:
    bp = hj633_2012.BREAKPOINTS
    r = d.copy()
    for p in DAILY:
        r[p] = np.round(r[p], 1 if p == "co" else 0)
    for p in ("o3_8h_max", "o3_1h_max"):
        r[p] = np.round(r[p])
    iq = {p: iaqi(r[p].to_numpy(), bp[f"{p}_24h"]) for p in ("so2", "no2", "co")}
    o3_1h = iaqi(r["o3_1h_max"].to_numpy(), bp["o3_1h"])
    o3_8h = iaqi(r["o3_8h_max"].to_numpy(), bp["o3_8h"])
    iq["o3_8h"] = np.where(r["o3_8h_max"].to_numpy() > 800, o3_1h, o3_8h)
    iq["o3_1h"] = o3_1h
    for p in ("pm10", "pm25"):
        iq[p] = iaqi(r[p].to_numpy(), bp[f"{p}_24h"])
    res = _aqi_frame(iq)
    res.insert(0, "date", r["date"].to_numpy())
    res.insert(0, "code", r["code"].to_numpy())
    return res


def annual_stats(d: pd.DataFrame) -> pd.DataFrame:
    g = d.rename(columns={"o3_8h_max": "o3_8h"}).groupby("code")
    cols = ["so2", "no2", "co", "pm10", "pm25", "o3_8h"]
    out = g[cols].mean().round(0)
    out["co"] = g["co"].mean().round(1)
    days = g[cols].count().add_suffix("_days")
    q = {}
    for p, pct in hj.PERCENTILES.items():
        q[f"{p}_p{pct}"] = g[p].quantile(pct / 100).round(1 if p == "co" else 0)
    out = pd.concat([out, days, pd.DataFrame(q)], axis=1)
    for p in cols:
        out[f"{p}_valid"] = out[f"{p}_days"] >= hj.MIN_DAYS_YEAR
    return out


def compliance(s: pd.DataFrame) -> pd.DataFrame:
    lim = {k: v[gb3095_2012.GRADE_II] for k, v in gb3095_2012.LIMITS.items()}
    ok = pd.DataFrame(index=s.index)
    for p in ("so2", "no2", "pm10", "pm25"):
        pc = "p98" if p in ("so2", "no2") else "p95"
        ok[f"{p}_ok"] = ((s[p] <= lim[(p, "annual")]) & (s[f"{p}_{pc}"] <= lim[(p, "24h")])
                         ).where(s[f"{p}_valid"])
    ok["co_ok"] = (s["co_p95"] <= lim[("co", "24h")]).where(s["co_valid"])
    ok["o3_ok"] = (s["o3_8h_p90"] <= lim[("o3", "8h")]).where(s["o3_8h_valid"])
    out = pd.concat([s, ok], axis=1)
    out["compliant"] = ok.astype("boolean").all(axis=1, skipna=False)
    return out


def city_hourly(v: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    m = v.merge(members, left_on="code", right_on="station_code")
    c = m.groupby(["city_code", "time"], sort=False)[POLS].mean().reset_index()
    return c.rename(columns={"city_code": "code"})


def ranking(s: pd.DataFrame) -> pd.DataFrame:
    den, w = rr.DENOMINATORS_2012, rr.WEIGHTS_2018
    idx = pd.DataFrame({p: s[rr.STATISTIC[p]] / den[p] for p in den}, index=s.index)
    out = s.copy()
    out["composite_index"] = idx.sum(axis=1, skipna=False).round(2)
    out["composite_index_weighted"] = sum(w[p] * idx[p] for p in den).round(2)
    out["primary_pollutant"] = idx.idxmax(axis=1)
    out["rank"] = out["composite_index"].rank(method="min")
    return out.sort_values("rank").reset_index()


def assessment(hourly: pd.DataFrame, members: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All results of the assessment, keyed like ``qingshan.air.plan.STEPS``."""
    v = valid(hourly)
    out = {"hourly_aqi": hourly_aqi(v)}
    d = daily_stats(v)
    out["daily"] = d
    out["daily_aqi"] = daily_aqi(d)
    out["station_comp"] = compliance(annual_stats(d))
    ch = city_hourly(v, members)
    cd = daily_stats(ch)
    out["city_daily"] = cd
    cy = annual_stats(cd)
    out["city_comp"] = compliance(cy)
    out["ranking"] = ranking(cy)
    return out
