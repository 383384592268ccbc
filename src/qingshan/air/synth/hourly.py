"""Synthetic hourly air-quality data: seeded, reproducible, vectorised (numpy).

Model (log-concentration of pollutant *p* at station *s*, hour *t*)::

    z = seasonal_p(day) + diurnal_p(hour, season) + a_p·F_city(t) + e_p·E_city(t)
        + offset_p,s + noise_p,s(t)

* ``F`` — synoptic factor: AR(1) (hourly φ ≈ 0.985, ~3-day memory) shared by the region and by the
  stations of one city (publication city ``城市``);
* ``E`` — winter heating-season episodes (Nov 15 – Mar 15): multi-day surges, regional and local,
  more frequent and stronger in inland cities, reaching heavy pollution (PM2.5 24-h > 150, AQI >
  200) a few times a winter;
* ozone: seasonal peak in early summer, afternoon peak (15:00), its own weather factor and summer
  episodes (MDA8 > 160 on some days);
* PM10 = PM2.5 / ratio (ratio 0.4–0.85, lowest in spring dust season) so PM2.5 < PM10 mostly;
* each city's annual means are scaled to a city target (west/inland more polluted than
  east/coastal, by the cities' longitude rank) so rankings are meaningful.

Missing data: ≈ 2 % random station-hours, occasional whole-day gaps, ≈ 0.3 % single values, one
station per 300 (at least one) stops mid-period, one analyser per 60 stations (at least one) is down
for a week. Faults: a few negative values and a spike beyond the plausible range
(``qingshan.air.standards.plausible_ranges.MAX_PLAUSIBLE``).

Values are rounded as CNEMC publishes them: integers (µg/m³), CO one decimal (mg/m³).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["POLLUTANTS", "generate_hourly"]

POLLUTANTS = ["so2", "no2", "co", "o3", "pm10", "pm25"]

# per pollutant: seasonal amplitude (log, + = winter high), heating-season step, synoptic loading a,
# episode loading e, station-offset sd, station-noise sd, noise AR(1) phi
_PARAMS = {
    "pm25": (0.45, 0.15, 0.45, 1.00, 0.08, 0.25, 0.80),
    "so2": (0.50, 0.25, 0.35, 0.60, 0.20, 0.35, 0.75),
    "no2": (0.30, 0.05, 0.35, 0.50, 0.15, 0.25, 0.70),
    "co": (0.35, 0.10, 0.30, 0.70, 0.10, 0.18, 0.80),
}
#: soft ceilings of hourly values (near the highest values the national network publishes
#: outside dust storms) [µg/m³, CO mg/m³]
_CAPS = {"pm25": 700.0, "so2": 600.0, "no2": 320.0, "co": 10.0, "o3": 450.0, "pm10": 1500.0}


def _ar1(x: np.ndarray, phi: float) -> np.ndarray:
    """In-place AR(1) filter along axis 0 of white noise ``x`` (unit marginal variance kept).

    A loop over time steps, each step vectorised over all series (never per value).
    """
    x *= np.sqrt(1.0 - phi * phi)
    x[0] /= np.sqrt(1.0 - phi * phi)
    for t in range(1, x.shape[0]):
        x[t] += phi * x[t - 1]
    return x


def _pulses(n_t: int, n_c: int, starts: np.ndarray, lengths: np.ndarray,
            amps: np.ndarray) -> np.ndarray:
    """Half-sine pulses: event k adds amps[k, c]·sin(π·u) over hours [starts[k], +lengths[k])."""
    out = np.zeros((n_t, n_c), np.float32)
    for s, n, a in zip(starts, lengths, amps):  # one iteration per event, vectorised over hours
        n = int(min(n, n_t - s))
        if n > 0:
            out[s:s + n] += np.sin(np.pi * (np.arange(n) + 0.5) / n)[:, None] * a[None, :]
    return out


def _events(rng, day_ok: np.ndarray, rate: float, n_c: int, dur: tuple[int, int],
            amp: tuple[float, float], take: np.ndarray, scale: np.ndarray) -> tuple:
    """Draw regional events on allowed days; city c joins with probability take[c]."""
    days = np.flatnonzero(day_ok)
    k = rng.poisson(rate * len(days)) if len(days) else 0
    starts = rng.choice(days, size=k) * 24 + rng.integers(0, 24, size=k)
    lengths = rng.integers(dur[0] * 24, dur[1] * 24 + 1, size=k)
    amps = rng.uniform(*amp, size=(k, n_c)) * scale[None, :]
    amps *= rng.random((k, n_c)) < take[None, :]
    return starts, lengths, amps.astype(np.float32)


def _city_targets(rng, r: np.ndarray) -> dict[str, np.ndarray]:
    """Annual-mean targets per city; r in [0, 1] is the city's inland rank (1 = most polluted)."""
    n = len(r)
    pm25 = np.clip(36.0 + 13.0 * r + rng.normal(0, 1.0, n), 35.5, 49.5)
    return {
        "pm25": pm25,
        "pm10": np.clip(pm25 * rng.uniform(1.72, 1.85, n), 66.0, 89.0),
        "so2": np.clip(8.5 + 5.5 * r + rng.normal(0, 1.0, n), 8.3, 14.7),
        "no2": np.clip(26.0 + 7.5 * r + rng.normal(0, 1.2, n), 25.3, 34.7),
        "co": np.clip(0.66 + 0.16 * r + rng.normal(0, 0.03, n), 0.6, 0.9),
        "o3": np.clip(66.0 - 4.0 * r + rng.normal(0, 2.0, n), 56.0, 70.0),
    }


def _scale_to(x: np.ndarray, target: np.ndarray, city: np.ndarray, n_c: int,
              cap: float) -> None:
    """Scale in place so that each city's mean over all its station-hours equals its target,
    with a soft ceiling ``cap`` on hourly values (x / (1 + (x/cap)^4)^(1/4), ~identity below
    cap/2), re-scaled once after capping."""
    for _ in range(2):
        st = x.mean(axis=0, dtype=np.float64)
        cm = np.bincount(city, st, n_c) / np.maximum(np.bincount(city, minlength=n_c), 1)
        x *= (target / cm)[city].astype(np.float32)[None, :]
        x /= (1 + (x / np.float32(cap)) ** 4) ** np.float32(0.25)


def generate_hourly(stations: pd.DataFrame, start: date, end: date,
                    seed: int = 2025) -> pa.Table:
    """Generate hourly concentrations for ``stations`` over the natural days ``start..end``.

    Parameters
    ----------
    stations : pandas.DataFrame
        A station list in the national format (:func:`qingshan.air.synth.generate_stations`); uses
        ``监测点编码`` (code), ``城市`` (the city sharing a weather factor) and ``经度`` (longitude).
    start, end : datetime.date
        First and last natural day (inclusive).
    seed : int
        Seed; the same inputs and seed give the same table.

    Returns
    -------
    pyarrow.Table
        Columns ``code, time, so2, no2, co, o3, pm10, pm25``; one row per station-hour of the full
        grid, ordered by (code, time); missing values are null. ``time`` is naive Beijing time,
        hour-ending: stamps ``start 01:00`` … ``end+1 00:00`` (the natural day of a stamp t is
        ``date(t - 1 h)``). µg/m³ as integers, CO mg/m³ with one decimal.
    """
    if end < start:
        raise ValueError("end must not be before start")
    rng = np.random.default_rng(seed)
    codes = stations["监测点编码"].astype(str).to_numpy()
    n_s = len(codes)
    city_names, city = np.unique(stations["城市"].astype(str).to_numpy(), return_inverse=True)
    n_c = len(city_names)
    lon = pd.to_numeric(stations["经度"], errors="coerce").fillna(116.0).to_numpy()
    city_lon = np.bincount(city, lon, n_c) / np.bincount(city, minlength=n_c)
    r = 1.0 - (np.argsort(np.argsort(city_lon)) / max(n_c - 1, 1))  # west = 1
    r = np.clip(r + rng.normal(0, 0.08, n_c), 0, 1)

    n_d = (end - start).days + 1
    n_t = 24 * n_d
    days = pd.date_range(start, periods=n_d, freq="D")
    doy = np.repeat(days.day_of_year.to_numpy(), 24).astype(np.float32)
    md = days.month * 100 + days.day
    heating_day = np.asarray((md >= 1115) | (md <= 315))
    summer_day = np.asarray((md >= 501) & (md <= 930))
    heating = np.repeat(heating_day, 24).astype(np.float32)
    clock = (np.arange(n_t) % 24 + 0.5).astype(np.float32)  # mid-hour clock time of natural day
    wint = np.cos(2 * np.pi * (doy - 15) / 365.25)
    summ = np.clip(np.cos(2 * np.pi * (doy - 175) / 365.25), 0, None)
    rush = (np.exp(-((clock - 8) / 2) ** 2) + 1.2 * np.exp(-((clock - 20.5) / 2.5) ** 2)
            - np.exp(-((clock - 14) / 3) ** 2))
    diurnal = {
        "pm25": 0.12 * np.cos(2 * np.pi * (clock - 22) / 24),
        "so2": 0.15 * np.cos(2 * np.pi * (clock - 11) / 24),
        "no2": 0.28 * (rush - rush.mean()),
        "co": 0.15 * (rush - rush.mean()),
    }

    # weather: regional + city AR(1) factors
    def factor(phi: float) -> np.ndarray:
        reg = _ar1(rng.standard_normal((n_t, 1), np.float32), phi)
        loc = _ar1(rng.standard_normal((n_t, n_c), np.float32), phi)
        return 0.7 * reg + 0.71 * loc

    f_syn = factor(0.985)
    f_o3 = factor(0.98)
    inland = 0.4 + 0.6 * r
    ep = _pulses(n_t, n_c, *_events(rng, heating_day, 5 / 120, n_c, (3, 6), (0.7, 1.3),
                                    0.45 + 0.5 * r, 0.75 + 0.45 * r))
    ep += _pulses(n_t, n_c, *_events(rng, heating_day, 2 / 120, n_c, (2, 4), (0.5, 1.0),
                                     0.5 * inland, inland))
    o3ep = _pulses(n_t, n_c, *_events(rng, summer_day, 7 / 153, n_c, (2, 5), (0.2, 0.4),
                                      np.full(n_c, 0.75), np.ones(n_c)))
    np.tanh(ep / 1.5, out=ep)  # overlapping episodes saturate
    ep *= 1.5
    targets = _city_targets(rng, r)

    out: dict[str, np.ndarray] = {}
    for p in ["pm25", "so2", "no2", "co"]:
        seas, heat, a, e, off_sd, sd, phi = _PARAMS[p]
        z = _ar1(rng.standard_normal((n_t, n_s), np.float32), phi)
        z *= sd
        z += (seas * wint + heat * heating + diurnal[p])[:, None]
        z += a * f_syn[:, city] + e * ep[:, city]
        z += rng.normal(0, off_sd, n_s).astype(np.float32)[None, :]
        np.exp(z, out=z)
        _scale_to(z, targets[p], city, n_c, _CAPS[p])
        out[p] = z
    # PM10 from PM2.5 and a seasonal fine fraction (spring dust lowers it, episodes raise it)
    ratio = (0.55 + 0.06 * wint - 0.12 * np.exp(-((doy - 105) / 25) ** 2))[:, None]
    ratio = np.clip(ratio + 0.06 * np.tanh(ep[:, city]), 0.38, 0.85)
    z = _ar1(rng.standard_normal((n_t, n_s), np.float32), 0.6) * 0.2
    np.exp(z, out=z)
    z *= out["pm25"] / ratio
    _scale_to(z, targets["pm10"], city, n_c, _CAPS["pm10"])
    out["pm10"] = z
    # ozone: early-summer peak, afternoon peak (stronger in summer), own weather and episodes
    z = _ar1(rng.standard_normal((n_t, n_s), np.float32), 0.8) * 0.2
    z += (0.55 * np.cos(2 * np.pi * (doy - 165) / 365.25)
          + (0.45 + 0.3 * summ) * np.cos(2 * np.pi * (clock - 15) / 24))[:, None]
    z += (0.12 + 0.18 * summ)[:, None] * f_o3[:, city] + o3ep[:, city]
    z += rng.normal(0, 0.07, n_s).astype(np.float32)[None, :]
    np.exp(z, out=z)
    _scale_to(z, targets["o3"], city, n_c, _CAPS["o3"])
    out["o3"] = z

    _missing_and_faults(rng, out, n_t, n_s, n_d)
    return _to_arrow(codes, start, n_t, out)


def _missing_and_faults(rng, out: dict[str, np.ndarray], n_t: int, n_s: int, n_d: int) -> None:
    gone = rng.random((n_t, n_s)) < 0.02  # random station-hours
    gone |= np.repeat(rng.random((n_d, n_s)) < 1 / 150, 24, axis=0)  # whole-day gaps
    for s in rng.choice(n_s, size=max(1, n_s // 300), replace=False):  # stations that stop
        gone[int(n_t * rng.uniform(0.4, 0.6)):, s] = True
    downs = [(int(rng.integers(n_s)), POLLUTANTS[int(rng.integers(6))],
              int(rng.integers(0, max(1, n_t - 168)))) for _ in range(max(1, n_s // 60))]
    for p in POLLUTANTS:
        x = out[p].astype(np.float64)
        x = np.round(x, 1) if p == "co" else np.rint(x)
        np.maximum(x, 0.1 if p == "co" else 1.0, out=x)
        x[gone | (rng.random((n_t, n_s)) < 0.003)] = np.nan
        for s, q, t0 in downs:  # analyser down for a week
            if q == p:
                x[t0:t0 + 168, s] = np.nan
        out[p] = x
    # faults: a few negative values and a spike beyond the plausible range
    for _ in range(max(3, n_s // 100)):
        p = POLLUTANTS[int(rng.integers(6))]
        out[p][rng.integers(n_t), rng.integers(n_s)] = -0.2 if p == "co" else -3.0
    for _ in range(max(1, n_s // 500)):
        out["pm10"][rng.integers(n_t), rng.integers(n_s)] = 12000.0


def _to_arrow(codes: np.ndarray, start: date, n_t: int, out: dict[str, np.ndarray]) -> pa.Table:
    n_s = len(codes)
    t0 = np.datetime64(datetime.combine(start, datetime.min.time()) + timedelta(hours=1), "us")
    stamps = t0 + np.arange(n_t).astype("timedelta64[h]")
    idx = pa.array(np.repeat(np.arange(n_s, dtype=np.int32), n_t))
    cols = {
        "code": pa.DictionaryArray.from_arrays(idx, pa.array(codes, pa.string())).cast(
            pa.string()),
        "time": pa.array(np.tile(stamps.astype("datetime64[us]"), n_s), pa.timestamp("us")),
    }
    for p in POLLUTANTS:
        v = np.ascontiguousarray(out.pop(p).T).ravel()
        cols[p] = pa.array(v, pa.float64(), mask=np.isnan(v))
    return pa.table(cols)
