"""Readers of water-quality inputs (parse + validate, never compute).

- ``read_auto_csv``: the national surface-water automatic monitoring publication
  (``抓取年份,省份,流域,断面名称,监测时间,水质类别,水温(℃),pH(无量纲),…``), UTF-8 or GBK;
  ``监测时间`` is ``MM-DD HH:MM`` with the year from ``抓取年份``; ``--`` is missing; the published
  ``水质类别`` (1–6, −1 = no data) is kept for comparison only.
- ``read_samples_csv``: long manual samples (section, time, parameter, value[, unit,
  detection limit, non-detect flag]); values ``0.01L`` / ``<0.01`` / ``ND`` / ``未检出`` are
  non-detects (``0.01L`` is the Chinese report convention "below detection limit 0.01").
- ``read_sections_csv`` / ``read_coastal_points_csv``: the section table and coastal points.

Every reader returns ``(DataFrame, metadata)`` in canonical names and units (mg/L; see
``docs/nomenclature.md``) and raises ``IngestError`` naming file, line, field and reason.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from qingshan.water.engine.surface import PARAM_LABELS_ZH
from qingshan.core.ingest.errors import IngestError, clip_text, quote_value, quote_values
from qingshan.core.ingest.text import read_text_detect
from qingshan.water.standards.water_method_2011 import AUTO_PARAMETER_COLUMNS

__all__ = ["read_auto_csv", "read_samples_csv", "read_sections_csv", "read_coastal_points_csv",
           "AUTO_ID_COLUMNS", "VARIABLE_MAP", "SAMPLE_COLUMNS", "parse_parameter"]

AUTO_ID_COLUMNS = ("抓取年份", "省份", "流域", "断面名称", "监测时间", "水质类别")

#: canonical parameter code <- accepted names (code, Chinese label, common aliases)
VARIABLE_MAP: dict[str, str] = {
    **{k: k for k in PARAM_LABELS_ZH}, **{v: k for k, v in PARAM_LABELS_ZH.items()},
    **{col.split("(")[0]: code for col, (code, _) in AUTO_PARAMETER_COLUMNS.items()},
    "codcr": "cod", "化学需氧量(cod)": "cod", "bod": "bod5", "五日生化需氧量": "bod5",
    "生化需氧量": "bod5", "nh3-n": "nh3n", "氨氮(nh3-n)": "nh3n", "总磷(以p计)": "tp",
    "总氮(湖、库,以n计)": "tn", "铬(六价)": "cr6", "六价铬": "cr6", "氟化物(以f-计)": "fluoride",
    "阴离子表面活性剂": "las", "粪大肠菌群": "fecal_coliform", "高锰酸盐指数": "codmn",
    "codmn": "codmn", "溶解氧": "do", "dissolved_oxygen": "do", "叶绿素a": "chla",
    "活性磷酸盐": "phosphate", "无机氮": "din",
}

#: long-format column names (canonical <- accepted headers)
SAMPLE_COLUMNS = {
    "section": ("section", "section_code", "point", "point_code", "断面编码", "断面代码",
                "点位编码", "断面", "点位"),
    "time": ("sample_time", "sample_date", "time", "date", "采样时间", "采样日期", "监测时间"),
    "parameter": ("parameter", "item", "项目", "监测项目", "指标"),
    "value": ("value", "监测值", "浓度", "结果"),
    "unit": ("unit", "单位"),
    "detection_limit": ("detection_limit", "检出限"),
    "below_detection": ("below_detection", "未检出", "non_detect"),
}

#: unit -> factor to the canonical unit, per canonical unit
_UNIT_FACTORS = {
    "mg/l": {"mg/l": 1.0, "ug/l": 0.001, "µg/l": 0.001, "μg/l": 0.001, "g/l": 1000.0},
    "个/l": {"个/l": 1.0, "mpn/l": 1.0, "cfu/l": 1.0, "mpn/100ml": 10.0, "个/100ml": 10.0},
    "无量纲": {"无量纲": 1.0, "": 1.0, "-": 1.0, "dimensionless": 1.0, "ph": 1.0},
    "℃": {"℃": 1.0, "°c": 1.0, "c": 1.0},
}
_CANON_UNIT = {"ph": "无量纲", "water_temp": "℃", "fecal_coliform": "个/l",
               "conductivity": "μs/cm", "turbidity": "ntu", "algae_density": "cells/l",
               "transparency": "m", "salinity": "‰"}
#: physically plausible ranges (not from a standard); a value outside is dropped at ingestion and
#: counted in the summary ("implausible values dropped"). Default for other parameters: ≥ 0.
PLAUSIBLE = {"ph": (0.0, 14.0), "water_temp": (-5.0, 50.0), "do": (0.0, 30.0)}


def _implausible(parameter: pd.Series | str, value: pd.Series) -> pd.Series:
    if isinstance(parameter, str):
        lo, hi = PLAUSIBLE.get(parameter, (0.0, float("inf")))
        return (value < lo) | (value > hi)
    lo = parameter.map(lambda p: PLAUSIBLE.get(p, (0.0, None))[0])
    hi = parameter.map(lambda p: PLAUSIBLE.get(p, (None, float("inf")))[1])
    return (value < lo) | (value > hi)


_ND = re.compile(r"^\s*(?:<\s*(?P<lt>[0-9.eE+-]+)|(?P<l>[0-9.eE+-]+)\s*L|ND|nd|未检出)\s*$")


def parse_parameter(name: str) -> str | None:
    """Canonical code of a parameter name (code, Chinese label or alias), else None."""
    s = str(name).strip()
    return VARIABLE_MAP.get(s) or VARIABLE_MAP.get(s.lower()) or \
        VARIABLE_MAP.get(s.split("(")[0].split("（")[0].strip())


def _csv(path: str | Path) -> tuple[pd.DataFrame, str]:
    text, enc = read_text_detect(path)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                         skipinitialspace=True)
    except Exception as e:  # pandas' parser errors name the line
        raise IngestError(Path(path).name, f"not a readable CSV: {clip_text(str(e))}") from None
    df.columns = [c.strip() for c in df.columns]
    return df, enc


def _numbers(df: pd.DataFrame, col: str, file: str, missing=("", "--")) -> pd.Series:
    s = df[col].str.strip()
    out = pd.to_numeric(s.where(~s.isin(missing)), errors="coerce")
    bad = out.isna() & ~s.isin(missing)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise IngestError(file, f"not a number: {quote_value(s.iloc[i])}", line=i + 2, field=col,
                          more=int(bad.sum()) - 1)
    return out


def read_auto_csv(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read one automatic-station publication file into a long table.

    Returns columns ``section_name, basin, province, sample_time, parameter, value, unit,
    published_class, line`` (one row per station-time-parameter with a value, plus one row with
    parameter NULL for records with no value at all, so that their published class is kept).
    """
    name = Path(path).name
    df, enc = _csv(path)
    missing = [c for c in (*AUTO_ID_COLUMNS, *AUTO_PARAMETER_COLUMNS) if c not in df.columns]
    if missing:
        raise IngestError(name, f"missing column(s) {quote_values(missing)}; expected the "
                          "national automatic "
                          "monitoring format", line=1)
    df = df.reset_index(drop=True)
    year = _numbers(df, "抓取年份", name, missing=())
    ts = df["监测时间"].str.strip()
    ok = ts.str.fullmatch(r"\d{2}-\d{2} \d{2}:\d{2}")
    t = pd.to_datetime(year.astype("Int64").astype(str) + "-" + ts, format="%Y-%m-%d %H:%M",
                       errors="coerce")
    bad = ~ok | t.isna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise IngestError(name, f"time {quote_value(ts.iloc[i])} is not MM-DD HH:MM (a valid "
                          "date in year "
                          f"{quote_value(df['抓取年份'].iloc[i])})", line=i + 2, field="监测时间",
                          more=int(bad.sum()) - 1)
    pub = _numbers(df, "水质类别", name)
    badc = pub.notna() & ~pub.isin([1, 2, 3, 4, 5, 6, -1])
    if badc.any():
        i = int(badc.to_numpy().nonzero()[0][0])
        raise IngestError(name, f"class {quote_value(df['水质类别'].iloc[i])} is not 1–6 or -1",
                          line=i + 2,
                          field="水质类别")
    for c in ("断面名称",):
        empty = df[c].str.strip() == ""
        if empty.any():
            i = int(empty.to_numpy().nonzero()[0][0])
            raise IngestError(name, "empty section name", line=i + 2, field=c)
    base = pd.DataFrame({
        "section_name": df["断面名称"].str.strip(), "basin": df["流域"].str.strip(),
        "province": df["省份"].str.strip(), "sample_time": t,
        "published_class": pub.where(pub > 0).astype("Int64"), "line": df.index + 2})
    dup = base.duplicated(["section_name", "sample_time"], keep="first")
    vals = {col: _numbers(df, col, name) for col in AUTO_PARAMETER_COLUMNS}
    base = base[~dup]
    parts, n_bad = [], 0
    for col, (code, unit) in AUTO_PARAMETER_COLUMNS.items():
        v = vals[col][~dup]
        bad = _implausible(code, v)
        n_bad += int(bad.sum())
        vals[col] = v.where(~bad)
        p = base.assign(parameter=code, value=vals[col], unit=unit)
        parts.append(p[vals[col].notna()])
    empty = pd.concat(vals, axis=1).isna().all(axis=1)
    parts.append(base[empty].assign(parameter=None, value=float("nan"), unit=None))
    long = pd.concat(parts, ignore_index=True)
    meta = {"lines": len(df) + 1, "records": len(df), "encoding": enc,
            "duplicates": int(dup.sum()), "records_without_values": int(empty.sum()),
            "implausible": n_bad}
    return long, meta


def _find(df: pd.DataFrame, key: str, required: bool, file: str) -> str | None:
    low = {c.lower(): c for c in df.columns}
    for alias in SAMPLE_COLUMNS[key]:
        if alias.lower() in low:
            return low[alias.lower()]
    if required:
        raise IngestError(file, f"missing column for {key} (one of {list(SAMPLE_COLUMNS[key])})",
                          line=1)
    return None


def read_samples_csv(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read long samples: returns ``section_code, sample_time, parameter, value, unit,
    below_detection, detection_limit, line`` in canonical units."""
    name = Path(path).name
    df, enc = _csv(path)
    cols = {k: _find(df, k, k in ("section", "time", "parameter", "value"), name)
            for k in SAMPLE_COLUMNS}
    sec = df[cols["section"]].str.strip()
    if (sec == "").any():
        i = int((sec == "").to_numpy().nonzero()[0][0])
        raise IngestError(name, "empty section/point code", line=i + 2, field=cols["section"])
    t = pd.to_datetime(df[cols["time"]].str.strip(), errors="coerce", format="mixed")
    if t.isna().any():
        i = int(t.isna().to_numpy().nonzero()[0][0])
        raise IngestError(name, f"not a date/time: {quote_value(df[cols['time']].iloc[i])}",
                          line=i + 2,
                          field=cols["time"])
    par = df[cols["parameter"]].map(parse_parameter)
    if par.isna().any():
        i = int(par.isna().to_numpy().nonzero()[0][0])
        raise IngestError(name, f"unknown parameter {quote_value(df[cols['parameter']].iloc[i])}",
                          line=i + 2, field=cols["parameter"])
    raw = df[cols["value"]].str.strip()
    nd = raw.str.extract(_ND)
    is_nd = raw.str.match(_ND)
    dl_inline = pd.to_numeric(nd["lt"].fillna(nd["l"]), errors="coerce")
    dl = _numbers(df, cols["detection_limit"], name) if cols["detection_limit"] else \
        pd.Series(float("nan"), index=df.index)
    flag = df[cols["below_detection"]].str.strip().str.lower().isin(
        ["1", "true", "yes", "y", "是", "nd"]) if cols["below_detection"] else \
        pd.Series(False, index=df.index)
    below = is_nd | flag
    dl = dl_inline.fillna(dl)
    value = pd.to_numeric(raw.where(~is_nd & ~raw.isin(["", "--"])), errors="coerce")
    bad = value.isna() & ~is_nd & ~raw.isin(["", "--"])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise IngestError(name, f"not a number or non-detect: {quote_value(raw.iloc[i])}",
                          line=i + 2,
                          field=cols["value"], more=int(bad.sum()) - 1)
    nodl = below & dl.isna()
    if nodl.any():
        i = int(nodl.to_numpy().nonzero()[0][0])
        raise IngestError(name, "non-detect without a detection limit", line=i + 2,
                          field=cols["detection_limit"] or cols["value"])
    value = value.where(~below)
    unit_raw = df[cols["unit"]].str.strip() if cols["unit"] else pd.Series("", index=df.index)
    canon = par.map(lambda p: _CANON_UNIT.get(p, "mg/l"))
    factor = pd.Series(1.0, index=df.index)
    pairs = pd.DataFrame({"u": unit_raw.str.lower().str.replace("³", "3"), "c": canon})
    for (u, c), idx in pairs.groupby(["u", "c"]).groups.items():
        table = {"": 1.0, **_UNIT_FACTORS.get(c, {c: 1.0})}  # no unit given: canonical
        if u not in table:
            i = int(df.index.get_indexer([idx[0]])[0])
            raise IngestError(name, f"unit {quote_value(unit_raw.iloc[i])} not supported for "
                              f"{par.iloc[i]} (canonical {c})", line=i + 2, field=cols["unit"])
        factor[idx] = table[u]
    out = pd.DataFrame({"section_code": sec, "sample_time": t, "parameter": par,
                        "value": value * factor, "unit": canon.replace(
                            {"mg/l": "mg/L", "个/l": "个/L"}),
                        "below_detection": below, "detection_limit": dl * factor,
                        "line": df.index + 2})
    bad = _implausible(out.parameter, out.value)
    out = out[(out.value.notna() & ~bad) | out.below_detection]
    dup = out.duplicated(["section_code", "sample_time", "parameter"], keep="first")
    meta = {"lines": len(df) + 1, "encoding": enc, "duplicates": int(dup.sum()),
            "empty_values": len(df) - len(out) - int(bad.sum()), "implausible": int(bad.sum())}
    return out[~dup].reset_index(drop=True), meta


_BODY = {"river": "river", "河流": "river", "河": "river", "lake": "lake", "reservoir": "lake",
         "湖库": "lake", "湖泊": "lake", "水库": "lake", "湖": "lake", "库": "lake", "": None}
_TRUE = {"1", "true", "yes", "y", "是"}


def read_sections_csv(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Read the section table: ``code,name,basin,river,water_body,city,control_level,
    drinking_source,supply_volume,target_class[,target_YYYY…],lon,lat`` (only code and name
    required). Returns (sections, targets(section_code, year, target_class), meta)."""
    name = Path(path).name
    df, enc = _csv(path)
    for c in ("code", "name"):
        if c not in df.columns:
            raise IngestError(name, f"missing column {quote_value(c)}", line=1)
    for c in ("basin", "river", "water_body", "city", "control_level", "drinking_source",
              "supply_volume", "target_class", "lon", "lat"):
        if c not in df.columns:
            df[c] = ""
    code = df["code"].str.strip()
    if (code == "").any() or code.duplicated().any():
        i = int(((code == "") | code.duplicated()).to_numpy().nonzero()[0][0])
        raise IngestError(name, f"empty or duplicated section code {quote_value(code.iloc[i])}",
                          line=i + 2,
                          field="code")
    body = df["water_body"].str.strip().str.lower().map(_BODY)
    badb = body.isna() & (df["water_body"].str.strip() != "")
    if badb.any():
        i = int(badb.to_numpy().nonzero()[0][0])
        raise IngestError(name, f"water_body {quote_value(df['water_body'].iloc[i])} is not "
                          "river or lake",
                          line=i + 2, field="water_body")
    sec = pd.DataFrame({
        "code": code, "name": df["name"].str.strip(), "basin": df["basin"].str.strip(),
        "river": df["river"].str.strip(), "water_body": body, "city": df["city"].str.strip(),
        "control_level": df["control_level"].str.strip(),
        "drinking_source": df["drinking_source"].str.strip().str.lower().isin(_TRUE),
        "supply_volume": _numbers(df, "supply_volume", name),
        "lon": _numbers(df, "lon", name), "lat": _numbers(df, "lat", name),
        "line": df.index + 2})
    tcols = [c for c in df.columns if c == "target_class" or re.fullmatch(r"target_\d{4}", c)]
    parts = []
    for c in tcols:
        v = _numbers(df, c, name)
        bad = v.notna() & ~v.isin([1, 2, 3, 4, 5])
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise IngestError(name, f"target class {quote_value(df[c].iloc[i])} is not 1–5",
                              line=i + 2,
                              field=c)
        year = None if c == "target_class" else int(c[7:])
        parts.append(pd.DataFrame({"section_code": code, "year": year, "target_class": v})
                     [v.notna()])
    tg = pd.concat(parts, ignore_index=True) if parts else \
        pd.DataFrame(columns=["section_code", "year", "target_class"])
    tg["year"] = tg["year"].astype("Int64")
    tg["target_class"] = tg["target_class"].astype("Int64")
    return sec, tg, {"lines": len(df) + 1, "encoding": enc}


def read_coastal_points_csv(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read coastal points: ``code,name,city,zone_class,area_km2,lon,lat`` (code, name
    required; zone_class = functional-zone class 1–4 of GB 3097)."""
    name = Path(path).name
    df, enc = _csv(path)
    for c in ("code", "name"):
        if c not in df.columns:
            raise IngestError(name, f"missing column {quote_value(c)}", line=1)
    for c in ("city", "zone_class", "area_km2", "lon", "lat"):
        if c not in df.columns:
            df[c] = ""
    code = df["code"].str.strip()
    if (code == "").any() or code.duplicated().any():
        i = int(((code == "") | code.duplicated()).to_numpy().nonzero()[0][0])
        raise IngestError(name, f"empty or duplicated point code {quote_value(code.iloc[i])}",
                          line=i + 2,
                          field="code")
    zc = _numbers(df, "zone_class", name)
    bad = zc.notna() & ~zc.isin([1, 2, 3, 4])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise IngestError(name, f"zone class {quote_value(df['zone_class'].iloc[i])} is not 1–4",
                          line=i + 2, field="zone_class")
    area = _numbers(df, "area_km2", name)
    if (area < 0).any():
        i = int((area < 0).to_numpy().nonzero()[0][0])
        raise IngestError(name, "negative area", line=i + 2, field="area_km2")
    out = pd.DataFrame({"code": code, "name": df["name"].str.strip(),
                        "city": df["city"].str.strip(), "zone_class": zc.astype("Int64"),
                        "area_km2": area, "lon": _numbers(df, "lon", name),
                        "lat": _numbers(df, "lat", name), "line": df.index + 2})
    return out, {"lines": len(df) + 1, "encoding": enc}
