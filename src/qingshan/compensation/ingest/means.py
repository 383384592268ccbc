"""Reader of imported official period means per city (CSV or XLSX), validated fully.

Audited (official) quarterly means may differ from the real-time values in the store, so a
ledger can take them from a file instead (spec: "an imported table of official quarterly means
per city can replace them, with its source recorded"). One row per city and period::

    city,period,pm25,pm10,so2,no2,good_day_ratio,source
    淄博,2018-Q1,66,118,22,44,45.6,山东省生态环境厅 2018年第一季度通报

- ``city``: code (370300), full or short Chinese name or English name of the province config;
- ``period``: a period of :mod:`qingshan.core.periods` of the kinds the scheme accepts (air:
  quarters, and years for the annual means of the awards);
- the values of the scheme (:data:`KINDS`), numbers ≥ 0 (a percentage ≤ 100); empty = missing;
- optional ``source`` (text recorded with the ledger; default: the file name and its SHA-256).

Headers are matched case-insensitively; a few Chinese headers are accepted (城市, 时段, 优良天数比例).
The file is checked against the input limits first (:mod:`qingshan.core.ingest.limits`); every
row is validated before anything is returned; the first error is raised as an
:class:`~qingshan.core.ingest.errors.IngestError` naming file, line and field, with the count
of further errors.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.config.province import ProvinceConfig
from qingshan.core.ingest.errors import IngestError, quote_value
from qingshan.core.ingest.limits import check_xlsx
from qingshan.core.ingest.text import read_text_detect
from qingshan.core.periods import PeriodError, parse_period

__all__ = ["read_means", "MeansFile", "KINDS"]

#: per scheme: (required value columns, optional value columns, period kinds accepted, unit key)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "air": (("pm25", "pm10", "so2", "no2"), ("good_day_ratio", "co_p95", "o3_8h_p90"),
            ("quarter", "year")),
    "water": (("nh3n", "cod", "tp", "fluoride"), (), ("quarter", "half", "year")),
    "county-water": (("cod", "nh3n"), (), ("quarter",)),
}
_PCT = {"good_day_ratio"}
_ALIASES = {"城市": "city", "城市代码": "city", "县": "county", "县区": "county", "时段": "period",
            "期间": "period", "pm2.5": "pm25", "优良天数比例": "good_day_ratio", "来源": "source",
            "nh3-n": "nh3n", "氨氮": "nh3n", "化学需氧量": "cod", "总磷": "tp", "氟化物": "fluoride",
            "名称": "name"}


@dataclass(frozen=True)
class MeansFile:
    """What :func:`read_means` returns: the rows and where they came from."""

    table: pd.DataFrame
    file: str
    sha256: str
    kind: str

    def source_of(self) -> pd.Series:
        """Per row: its ``source`` cell, else ``file <name> sha256:<first 12>``."""
        default = f"file {self.file} sha256:{self.sha256[:12]}"
        s = self.table.get("source")
        if s is None:
            return pd.Series(default, index=self.table.index)
        return s.where(s.astype(str).str.strip() != "", default)


def _frame(path: Path) -> tuple[pd.DataFrame, bytes]:
    raw = path.read_bytes() if path.suffix.lower() == ".xlsx" else b""
    if path.suffix.lower() == ".xlsx":
        check_xlsx(path)
        try:
            df = pd.read_excel(io.BytesIO(raw), dtype=str, engine="openpyxl", header=0)
        except Exception as e:  # a damaged workbook
            raise IngestError(path.name, f"not readable as a workbook ({type(e).__name__})") \
                from None
        return df.fillna(""), raw
    text, _ = read_text_detect(path)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise IngestError(path.name, "empty file (no header)", line=1)
    head, body = rows[0], rows[1:]
    for i, r in enumerate(body):
        if len(r) != len(head) and any(x.strip() for x in r):
            raise IngestError(path.name, f"{len(r)} fields, the header has {len(head)}",
                              line=i + 2)
    body = [r for r in body if any(x.strip() for x in r)] if body else []
    return pd.DataFrame(body, columns=head, dtype=str), text.encode("utf-8")


def _city_index(province: ProvinceConfig) -> dict[str, tuple[str, str]]:
    idx = {}
    for c in province.cities:
        for key in (c.code, c.name_zh, c.short_zh, c.name_en, c.name_en.lower()):
            idx[key] = (c.code, c.short_zh)
    return idx


def read_means(path: str | Path, kind: str, province: ProvinceConfig) -> MeansFile:
    """Read and validate a file of official means (see the module docstring).

    Returns a :class:`MeansFile` whose table has ``code, name, period, <values>, line`` and
    ``source`` when the file has it. Raises :class:`IngestError` (file, line, field).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    p = Path(path)
    req, opt, kinds = KINDS[kind]
    df, raw = _frame(p)
    sha = hashlib.sha256(raw).hexdigest()
    cols = {c: _ALIASES.get(str(c).strip().lower(), str(c).strip().lower()) for c in df.columns}
    df = df.rename(columns=cols)
    unit = "county" if kind == "county-water" else "city"
    dup = [c for c in set(cols.values()) if list(cols.values()).count(c) > 1]
    if dup:
        raise IngestError(p.name, f"column given twice: {sorted(dup)}", line=1)
    need = [unit, "period", *req]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise IngestError(p.name, f"missing column(s) {missing}; needed: {need}", line=1)
    if df.empty:
        raise IngestError(p.name, "no data rows", line=2)
    errors: list[IngestError] = []
    line = pd.Series(np.arange(2, len(df) + 2), index=df.index)
    out = pd.DataFrame({"line": line})
    keys = df[unit].astype(str).str.strip()
    if unit == "city":
        idx = _city_index(province)
        hit = keys.map(lambda k: idx.get(k, idx.get(k.lower())))
        bad = hit.isna()
        for i in df.index[bad][:20]:
            errors.append(IngestError(p.name, f"unknown city {quote_value(keys[i])} (not in "
                                      f"the province {province.name_en})", int(line[i]), unit))
        out["code"] = hit.map(lambda t: t[0] if isinstance(t, tuple) else None)
        out["name"] = hit.map(lambda t: t[1] if isinstance(t, tuple) else None)
    else:
        for i in df.index[keys == ""][:20]:
            errors.append(IngestError(p.name, "empty county code", int(line[i]), unit))
        out["code"] = keys
        out["name"] = df["name"].str.strip() if "name" in df.columns else keys
    labels = df["period"].astype(str).str.strip()
    parsed = {}
    for t in labels.unique():           # one parse per distinct text
        try:
            parsed[t] = parse_period(t)
        except PeriodError as e:
            parsed[t] = e
    per = labels.map(parsed)
    is_err = per.map(lambda v: isinstance(v, PeriodError))
    kind_ok = per.map(lambda v: not isinstance(v, PeriodError) and v.kind in kinds)
    for i in df.index[is_err][:20]:
        errors.append(IngestError(p.name, str(per[i]), int(line[i]), "period"))
    for i in df.index[~is_err & ~kind_ok][:20]:
        errors.append(IngestError(p.name, f"period {per[i].label} is a {per[i].kind}; this "
                                  f"file takes {', '.join(kinds)}", int(line[i]), "period"))
    out["period"] = per.map(lambda v: None if isinstance(v, Exception) else v.label)
    for c in req + tuple(x for x in opt if x in df.columns):
        text = df[c].astype(str).str.strip()
        num = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        empty = text == ""
        bad = (num.isna() & ~empty) | ~np.isfinite(num.fillna(0)) | (num < 0)
        if c in _PCT:
            bad |= num > 100
        for i in df.index[bad][:20]:
            what = "a percentage 0–100" if c in _PCT else "a number ≥ 0"
            errors.append(IngestError(p.name, f"not {what}: {quote_value(text[i])}",
                                      int(line[i]), c))
        out[c] = num.where(~empty)
    ok_key = out["code"].notna() & out["period"].notna()
    dupl = out[ok_key].duplicated(["code", "period"], keep="first")
    for i in dupl[dupl].index[:20]:
        first = out[(out.code == out.code[i]) & (out.period == out.period[i])].line.min()
        errors.append(IngestError(p.name, f"{unit} {out.name[i]} and period {out.period[i]} "
                                  f"already on line {first}", int(line[i]), unit))
    if errors:
        errors.sort(key=lambda e: (e.line or 0))
        first = errors[0]
        raise IngestError(first.file, first.reason, first.line, first.field,
                          more=len(errors) - 1)
    if "source" in df.columns:
        out["source"] = df["source"].astype(str).str.strip()
    return MeansFile(out.reset_index(drop=True), p.name, sha, kind)
