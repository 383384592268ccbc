"""A realistic synthetic water year for the demo, loaded through the real ingest functions.

Not real data: concentrations are drawn around typical values of North-China rivers and
reservoirs (each section has its own pollution factor, with a seasonal cycle: warmer water,
less oxygen and more phosphorus in summer), sized so that the province lands near the
excellent (I–III) and inferior-V proportions such provinces publish (≈ 75–85 % and a few %).
Metals, cyanide and phenol are mostly below detection and written the way Chinese reports
write non-detects (``0.00004L``). The previous year is generated slightly worse, so that the
change against last year has something to show. In the automatic-station file the published
``水质类别`` column is a placeholder (3, or −1 for a missing record): the demo has no publisher.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.config.province import ProvinceConfig
from qingshan.water.ingest.load import (
    ingest_coastal_points, ingest_coastal_samples, ingest_water_auto, ingest_water_samples,
    ingest_water_sections,
)
from qingshan.water.standards.water_method_2011 import AUTO_PARAMETER_COLUMNS

__all__ = ["generate_water_demo"]

_BASINS = ("淮河流域", "黄河流域", "海河流域", "半岛流域")
_SUFFIX = ("大桥", "入河口", "出境断面", "闸", "渡口", "公路桥", "铁路桥", "入湖口")
# parameter: (typical value at pollution factor 1 [mg/L], spread of log-noise, detection limit)
_TYPICAL = {
    "codmn": (4.0, 0.20, None), "cod": (16.0, 0.20, None), "bod5": (2.8, 0.25, None),
    "nh3n": (0.40, 0.45, None), "tp": (0.11, 0.35, None), "tn": (3.0, 0.30, None),
    "cu": (0.004, 0.4, 0.001), "zn": (0.02, 0.4, 0.005), "fluoride": (0.55, 0.25, None),
    "se": (0.0004, 0.3, 0.0004), "as": (0.002, 0.4, 0.0003), "hg": (0.00003, 0.4, 0.00004),
    "cd": (0.0004, 0.4, 0.0005), "cr6": (0.005, 0.4, 0.004), "pb": (0.003, 0.5, 0.0025),
    "cyanide": (0.003, 0.4, 0.004), "phenol": (0.0008, 0.5, 0.0003),
    "petroleum": (0.02, 0.5, 0.01), "las": (0.05, 0.4, 0.05), "sulfide": (0.01, 0.5, 0.005),
    "fecal_coliform": (3000.0, 0.8, None),
}
# how strongly each parameter follows the section's pollution factor (exponent)
_FOLLOW = {"codmn": 0.8, "cod": 0.8, "bod5": 0.9, "nh3n": 1.6, "tp": 1.3, "tn": 0.8,
           "fecal_coliform": 1.5}


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _sections(province: ProvinceConfig, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for ci, city in enumerate(province.cities):
        n = int(rng.integers(4, 9))
        for k in range(n):
            lake = k == 0 or rng.random() < 0.12
            drinking = k == 0
            rows.append({
                "code": f"{city.code[:4]}W{k + 1:02d}",
                "name": f"{city.short_zh}{'水库' if lake else _SUFFIX[k % len(_SUFFIX)]}"
                        f"{'' if lake and k == 0 else k + 1}",
                "basin": _BASINS[(ci + k) % len(_BASINS)], "river": "" if lake else
                f"{city.short_zh}{'河' if k % 2 else '江'}{k + 1}",
                "water_body": "lake" if lake else "river", "city": city.code,
                "control_level": "national" if k < 2 else "provincial",
                "drinking_source": "true" if drinking else "false",
                "supply_volume": _fmt(round(float(rng.uniform(800, 6000)), 1)) if drinking else "",
                "target_class": 2 if drinking else (3 if rng.random() < 0.8 else 4),
            })
    df = pd.DataFrame(rows)
    # pollution factor: mostly clean, a tail of polluted rivers; reservoirs cleaner
    f = np.exp(rng.normal(0.0, 0.45, len(df)))
    f[df.water_body.eq("lake").to_numpy()] *= 0.45
    bad = (rng.random(len(df)) < 0.07) & df.drinking_source.ne("true").to_numpy()
    f[bad] *= 3.2
    df["factor"] = f
    return df


def _monthly_samples(sec: pd.DataFrame, year: int, worse: float, rng) -> pd.DataFrame:
    months = np.arange(1, 13)
    n_s, n_m = len(sec), len(months)
    sidx = np.repeat(np.arange(n_s), n_m)
    mon = np.tile(months, n_s)
    day = rng.integers(5, 20, n_s * n_m)
    season = np.cos((mon - 7.5) / 12 * 2 * np.pi)  # +1 in summer, −1 in winter
    fac = sec.factor.to_numpy()[sidx] * worse
    lake = sec.water_body.eq("lake").to_numpy()[sidx]
    out = {"water_temp": 14 + 12 * season + rng.normal(0, 1.5, sidx.size),
           "ph": np.clip(7.9 + rng.normal(0, 0.25, sidx.size) + 0.6 * (fac > 3), 6.5, 9.4),
           "do": np.clip(9.0 - 2.2 * season - 1.6 * np.log(fac) + rng.normal(0, 0.6, sidx.size),
                         0.5, 14)}
    for p, (typ, sd, _) in _TYPICAL.items():
        base = typ * fac ** _FOLLOW.get(p, 0.3)
        if p == "tp":
            base = np.where(lake, base * 0.3, base) * (1 + 0.25 * season)
        out[p] = base * np.exp(rng.normal(0, sd, sidx.size))
    times = pd.to_datetime(pd.DataFrame({"year": year, "month": mon, "day": day, "hour": 10}))
    rows = []
    for p, vals in out.items():
        dl = _TYPICAL.get(p, (0, 0, None))[2]
        txt = np.array([_fmt(round(float(v), 6 if v < 1 else 2)) for v in vals], dtype=object)
        if dl is not None:
            nd = vals < dl
            txt[nd] = f"{_fmt(dl)}L"
        unit = "个/L" if p == "fecal_coliform" else "℃" if p == "water_temp" else \
            "无量纲" if p == "ph" else "mg/L"
        rows.append(pd.DataFrame({"section_code": sec.code.to_numpy()[sidx],
                                  "sample_date": times.dt.strftime("%Y-%m-%d"),
                                  "parameter": p, "value": txt, "unit": unit}))
    df = pd.concat(rows, ignore_index=True)
    # TN is monitored on lakes and reservoirs only (reference item)
    return df[(df.parameter != "tn") | df.section_code.isin(sec.code[sec.water_body == "lake"])]


def _auto(sec: pd.DataFrame, province: ProvinceConfig, year: int, rng) -> pd.DataFrame:
    pick = sec[sec.control_level == "national"].head(3)
    t = pd.date_range(f"{year}-01-01 00:00", f"{year}-12-31 20:00", freq="4h")
    parts = []
    for r in pick.itertuples():  # one iteration per automatic station
        season = np.cos((t.month.to_numpy() - 7.5) / 12 * 2 * np.pi)
        n = t.size
        vals = {"水温(℃)": 14 + 12 * season + rng.normal(0, 1, n),
                "pH(无量纲)": 7.9 + rng.normal(0, 0.2, n),
                "溶解氧(mg/L)": np.clip(9 - 2.2 * season - 1.6 * np.log(r.factor)
                                      + rng.normal(0, 0.5, n), 0.5, 14),
                "电导率(μS/cm)": 700 + rng.normal(0, 60, n), "浊度(NTU)": np.abs(
                    rng.normal(12, 5, n)),
                "高锰酸盐指数(mg/L)": 4 * r.factor ** 0.8 * np.exp(rng.normal(0, 0.2, n)),
                "氨氮(mg/L)": 0.4 * r.factor ** 1.6 * np.exp(rng.normal(0, 0.45, n)),
                "总磷(mg/L)": 0.11 * r.factor ** 1.3 * (1 + .25 * season) * np.exp(
                    rng.normal(0, .35, n)) * (0.3 if r.water_body == "lake" else 1),
                "总氮(mg/L)": 3 * r.factor ** 0.8 * np.exp(rng.normal(0, 0.3, n)),
                "叶绿素α(mg/L)": np.full(n, np.nan), "藻密度(cells/L)": np.full(n, np.nan)}
        df = pd.DataFrame({k: np.round(v, 3) for k, v in vals.items()}).astype(object)
        df = df.where(df.notna(), "--")
        gap = rng.random(n) < 0.03  # transmission gaps: a whole record missing
        for c in AUTO_PARAMETER_COLUMNS:
            df.loc[gap, c] = "--"
        df.insert(0, "抓取年份", year)
        df.insert(1, "省份", province.name_zh)
        df.insert(2, "流域", r.basin)
        df.insert(3, "断面名称", r.name)
        df.insert(4, "监测时间", t.strftime("%m-%d %H:%M"))
        df.insert(5, "水质类别", np.where(gap, -1, 3))  # published class: not an input
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def _coastal(province: ProvinceConfig, year: int, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    pts, smp = [], []
    for city in (c for c in province.cities if c.coastal):
        for k in range(int(rng.integers(4, 9))):
            code = f"{city.code[:4]}H{k + 1:02d}"
            inshore = k < 2  # harbour / estuary points are dirtier
            pts.append({"code": code, "name": f"{city.short_zh}近岸{k + 1}号", "city": city.code,
                        "zone_class": 3 if inshore else int(rng.choice([1, 2, 2])),
                        "area_km2": _fmt(round(float(rng.uniform(40, 420)), 1))})
            f = float(np.exp(rng.normal(0.0, 0.35))) * (1.8 if inshore else 1.0)
            for month in (5, 8, 10):
                d = f"{year}-{month:02d}-{int(rng.integers(5, 25)):02d}"
                vals = {"ph": 8.1 + rng.normal(0, 0.1), "do": 7.5 - 0.8 * (month == 8) +
                        rng.normal(0, 0.4), "cod": 1.2 * f * np.exp(rng.normal(0, 0.2)),
                        "din": 0.14 * f ** 1.4 * np.exp(rng.normal(0, 0.3)),
                        "phosphate": 0.012 * f ** 1.3 * np.exp(rng.normal(0, 0.3)),
                        "petroleum": 0.02 * f * np.exp(rng.normal(0, 0.3))}
                smp += [{"point_code": code, "sample_date": d, "parameter": p,
                         "value": _fmt(round(float(v), 4)), "unit": "无量纲" if p == "ph"
                         else "mg/L"} for p, v in vals.items()]
    return pd.DataFrame(pts), pd.DataFrame(smp)


def generate_water_demo(con, province: ProvinceConfig, year: int, seed: int = 7,
                        folder: str | Path | None = None) -> dict:
    """Write a synthetic year (and the year before) of water data to files and load them.

    Files (in ``folder`` or a new temporary folder): ``water_sections.csv``,
    ``water_samples_{year-1}.csv``, ``water_samples_{year}.csv`` (monthly manual samples, long),
    ``water_auto_{year}.csv`` (4-hourly automatic-station publication format, 3 stations),
    and for coastal cities ``coastal_points.csv`` and ``coastal_samples_{year}.csv`` (three
    surveys). Everything is loaded through ``qingshan.water.ingest.load``. Returns a summary dict.
    """
    rng = np.random.default_rng(seed)
    out = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="qingshan-water-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    sec = _sections(province, rng)
    sec.drop(columns="factor").to_csv(out / "water_sections.csv", index=False)
    files = {"sections": out / "water_sections.csv"}
    for y, worse in ((year - 1, 1.12), (year, 1.0)):
        f = out / f"water_samples_{y}.csv"
        _monthly_samples(sec, y, worse, rng).to_csv(f, index=False)
        files[f"samples_{y}"] = f
    auto = _auto(sec, province, year, rng)
    files["auto"] = out / f"water_auto_{year}.csv"
    auto.to_csv(files["auto"], index=False)
    pts, csmp = _coastal(province, year, rng)
    summary = {"folder": str(out), "year": year, "sections": len(sec),
               "lakes": int((sec.water_body == "lake").sum()),
               "drinking_sources": int((sec.drinking_source == "true").sum())}
    ingest_water_sections(con, files["sections"])
    res = ingest_water_samples(con, [files[f"samples_{year - 1}"], files[f"samples_{year}"]])
    summary["sample_values"] = sum(r.rows_stored for r in res)
    res = ingest_water_auto(con, [files["auto"]])
    summary["auto_records"], summary["auto_values"] = len(auto), res[0].rows_stored
    if len(pts):
        files["coastal_points"] = out / "coastal_points.csv"
        files["coastal_samples"] = out / f"coastal_samples_{year}.csv"
        pts.to_csv(files["coastal_points"], index=False)
        csmp.to_csv(files["coastal_samples"], index=False)
        ingest_coastal_points(con, files["coastal_points"])
        res = ingest_coastal_samples(con, [files["coastal_samples"]])
        summary["coastal_points"], summary["coastal_values"] = len(pts), res[0].rows_stored
    summary["files"] = {k: str(v) for k, v in files.items()}
    return summary
