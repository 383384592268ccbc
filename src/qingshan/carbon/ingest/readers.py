"""Validating readers of the carbon Excel templates.

A workbook is refused as a whole — with every problem named by file, line (the Excel row; the
header is line 1), field and reason — before anything is stored: size limits first
(:func:`qingshan.core.ingest.limits.check_xlsx`, rows and columns against the Settings limits),
then the header (unknown, duplicate and missing columns), then every cell (type, range, choices,
units of measure, credit-code check character), then keys (duplicates) and references (credit
codes, unit ids, cities and counties known to the caller). Checks run column by column over the
whole sheet (pandas), not cell by cell.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.carbon.ingest.templates import TEMPLATES, Field, uscc_valid
from qingshan.carbon.standards.accounting import FUEL_UNITS
from qingshan.config.settings import get_settings
from qingshan.core.ingest.errors import IngestError, limit_error, quote_value
from qingshan.core.ingest.limits import check_xlsx

__all__ = ["TemplateError", "read_template", "read_workbooks", "KEYS", "MAX_ERRORS_SHOWN"]

MAX_ERRORS_SHOWN = 50
#: unique keys per sheet
KEYS = {"enterprises": ("credit_code",), "units": ("unit_id",), "annual": ("unit_id", "year"),
        "fuel": ("unit_id", "year", "month", "fuel"), "electricity": ("unit_id", "year", "month"),
        "verified": ("unit_id", "vintage"), "surrenders": ("credit_code", "vintage", "date"),
        "plan": ("unit_id", "version", "parameter"), "products": ("product_id",),
        "bom": ("product_id", "stage", "input_id")}


class TemplateError(IngestError):
    """A refused workbook; ``errors`` lists every (file, line, field, reason) found."""

    def __init__(self, errors: list[tuple[str, int | None, str | None, str]]):
        self.errors = errors
        f, line, field, reason = errors[0]
        super().__init__(f, reason, line=line, field=field, more=len(errors) - 1)

    def lines(self) -> list[str]:
        """Every error as ``file:line: field 'x': reason`` (at most MAX_ERRORS_SHOWN)."""
        return [str(IngestError(f, r, line=ln, field=fl)) for f, ln, fl, r in
                self.errors[:MAX_ERRORS_SHOWN]]


def _sheet_frame(ws, name: str, sheet: str, flds: tuple[Field, ...], errs: list) -> pd.DataFrame:
    s = get_settings()
    if ws.max_column and ws.max_column > s.max_columns:
        raise limit_error(name, "columns", ws.max_column, s.max_columns, "max_columns")
    if ws.max_row and ws.max_row - 1 > s.max_rows_per_file:
        raise limit_error(name, "data rows", ws.max_row - 1, s.max_rows_per_file,
                          "max_rows_per_file")
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    where = f"{name}:{sheet}"
    if header is None:
        errs.append((where, 1, None, "empty sheet: the header row is missing"))
        return pd.DataFrame()
    by = {f.key: f for f in flds} | {f.label: f for f in flds}
    cols: list[str | None] = []
    for h in header:
        h = "" if h is None else str(h).strip()
        if not h:
            cols.append(None)
            continue
        f = by.get(h)
        if f is None:
            errs.append((where, 1, h, f"unknown column (expected one of "
                                      f"{', '.join(x.key for x in flds)})"))
            cols.append(None)
        elif f.key in cols:
            errs.append((where, 1, h, "duplicate column"))
            cols.append(None)
        else:
            cols.append(f.key)
    for f in flds:
        if f.required and f.key not in cols:
            errs.append((where, 1, f.key, "required column missing"))
    data = [r for r in rows]
    keep = [j for j, c in enumerate(cols) if c]
    df = pd.DataFrame([[r[j] if j < len(r) else None for j in keep] for r in data],
                      columns=[cols[j] for j in keep], dtype=object)
    df.index = pd.RangeIndex(2, 2 + len(df))          # Excel line numbers
    if not len(df) or not len(df.columns):
        return df
    blank = df.apply(lambda c: c.isna() | (c.astype(str).str.strip() == "")).all(axis=1)
    return df[~blank]


def _bad(errs, where, mask: pd.Series, field: str, values: pd.Series, reason: str) -> None:
    for line in mask[mask].index[:MAX_ERRORS_SHOWN]:
        errs.append((where, int(line), field, f"{quote_value(values[line])}: {reason}"))


def _check_field(df: pd.DataFrame, f: Field, where: str, errs: list, known: dict) -> None:
    if f.key not in df:
        return
    raw = df[f.key]
    empty = raw.isna() | (raw.astype(str).str.strip() == "")
    if f.required:
        _bad(errs, where, empty, f.key, raw, "required value missing")
    txt = raw.astype(str).str.strip()
    present = ~empty
    if f.kind in ("float", "int"):
        num = pd.to_numeric(raw.where(present), errors="coerce")
        _bad(errs, where, present & num.isna(), f.key, raw,
             f"not a number{f' (unit {f.unit})' if f.unit else ''}")
        ok = present & num.notna()
        if f.kind == "int":
            _bad(errs, where, ok & (num != np.floor(num)), f.key, raw, "not a whole number")
        if f.min is not None:
            neg = ok & (num < 0) if f.min == 0 else ok & (num < f.min)
            _bad(errs, where, neg, f.key, raw,
                 "negative value" if f.min == 0 else f"below the minimum {f.min}")
        if f.max is not None:
            _bad(errs, where, ok & (num > f.max), f.key, raw,
                 f"above the maximum {f.max}{f' {f.unit}' if f.unit else ''}")
        df[f.key] = num.astype("Int64") if f.kind == "int" and not (ok & (num != np.floor(
            num))).any() else num
    elif f.kind == "enum":
        _bad(errs, where, present & ~txt.isin(f.choices), f.key, raw,
             f"not one of {', '.join(f.choices)}")
        df[f.key] = txt.where(present)
    elif f.kind == "uscc":
        up = txt.str.upper()
        _bad(errs, where, present & ~up.map(uscc_valid).astype(bool), f.key, raw,
             "not a valid unified social credit code (18 characters, GB 32100-2015 check "
             "character)")
        df[f.key] = up.where(present)
    elif f.kind == "date":
        d = pd.to_datetime(raw.where(present), errors="coerce")
        _bad(errs, where, present & d.isna(), f.key, raw, "not a date (YYYY-MM-DD)")
        df[f.key] = d.dt.date.where(present)
    elif f.kind in ("city", "county"):
        allowed = known.get("cities" if f.kind == "city" else "counties")
        if allowed is not None:
            _bad(errs, where, present & ~txt.isin(allowed), f.key, raw,
                 f"unknown {f.kind} code of the province")
        df[f.key] = txt.where(present)
    else:
        long = present & (txt.str.len() > f.max_len)
        _bad(errs, where, long, f.key, raw, f"longer than {f.max_len} characters")
        ctrl = present & txt.str.contains(r"[\x00-\x1f]", regex=True)
        _bad(errs, where, ctrl, f.key, raw, "control characters")
        df[f.key] = txt.where(present)


def _cross(sheet: str, df: pd.DataFrame, where: str, errs: list, known: dict) -> None:
    keys = KEYS.get(sheet, ())
    if keys and all(k in df for k in keys) and len(df):
        dup = df.duplicated(list(keys), keep="first") & df[list(keys)].notna().all(axis=1)
        _bad(errs, where, dup, keys[-1], df[keys[-1]], f"duplicate {'/'.join(keys)}")
    if sheet == "fuel" and {"fuel", "unit"} <= set(df.columns):
        want = df["fuel"].map(FUEL_UNITS)
        wrong = want.notna() & df["unit"].notna() & (df["unit"] != want)
        reason = df["fuel"].astype(str) + " is measured in " + want.astype(str)
        for line in wrong[wrong].index[:MAX_ERRORS_SHOWN]:
            errs.append((where, int(line), "unit",
                         f"{quote_value(df.at[line, 'unit'])}: wrong unit — {reason[line]}"))
    for col, ref in (("credit_code", "credit_codes"), ("unit_id", "unit_ids")):
        allowed = known.get(ref)
        if allowed is not None and col in df and sheet not in ("enterprises",) and not (
                sheet == "units" and col == "unit_id"):
            miss = df[col].notna() & ~df[col].isin(allowed)
            _bad(errs, where, miss, col, df[col],
                 "unknown enterprise (not in the enterprises file or the store)"
                 if col == "credit_code" else "unknown unit (not in the units file or the store)")
    if sheet == "bom" and {"input_id", "factor_id"} <= set(df.columns):
        from qingshan.carbon.standards.footprint import factors
        link = df["input_id"].astype(str).str.startswith("product:")
        fid = df["factor_id"]
        _bad(errs, where, ~link & ~fid.isin(set(factors()["factor_id"])), "factor_id", fid,
             "not a factor of the library (footprint_factors.csv)")
        prods = set(known.get("product_ids", set())) | set(known.get("file_products", set()))
        target = df["input_id"].astype(str).str[8:]
        _bad(errs, where, link & ~target.isin(prods), "input_id", df["input_id"],
             "links an unknown product")
    if sheet == "bom" and "product_id" in df:
        prods = set(known.get("product_ids", set())) | set(known.get("file_products", set()))
        _bad(errs, where, ~df["product_id"].isin(prods), "product_id", df["product_id"],
             "unknown product (not in the products sheet or the store)")
    if sheet == "enterprises" and {"city_code", "county_code"} <= set(df.columns):
        cmap = known.get("county_city")
        if cmap:
            c = df["county_code"]
            bad = c.notna() & (c.map(cmap) != df["city_code"])
            _bad(errs, where, bad, "county_code", c, "county is not in the city given")


def read_template(path: str | Path, kind: str, known: dict | None = None, *,
                  name: str | None = None) -> dict[str, pd.DataFrame]:
    """Read and validate one workbook of template ``kind``.

    ``known`` may hold sets ``cities``, ``counties``, ``credit_codes``, ``unit_ids`` and the
    mapping ``county_city`` for the reference checks. Returns sheet → DataFrame (typed, indexed
    by Excel line). Raises :class:`TemplateError` listing every problem; nothing is returned
    (so nothing can be stored) when there is any.
    """
    from openpyxl import load_workbook

    if kind not in TEMPLATES:
        raise ValueError(f"unknown template {kind!r}; one of {sorted(TEMPLATES)}")
    p = Path(path)
    name = name or p.name
    check_xlsx(p, name=name)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:
        raise IngestError(name, f"not a readable xlsx workbook ({type(e).__name__})") from None
    known = known or {}
    errs: list = []
    out: dict[str, pd.DataFrame] = {}
    try:
        for sheet, flds in TEMPLATES[kind].items():
            if sheet not in wb.sheetnames:
                errs.append((name, None, None, f"sheet {sheet!r} missing (template {kind})"))
                continue
            where = f"{name}:{sheet}"
            df = _sheet_frame(wb[sheet], name, sheet, flds, errs)
            for f in flds:
                _check_field(df, f, where, errs, known)
            if sheet == "products":
                known = {**known, "file_products": set(df["product_id"].dropna())}
            _cross(sheet, df, where, errs, known)
            for f in flds:
                if f.key not in df:
                    df[f.key] = None
            out[sheet] = df
    finally:
        wb.close()
    if not errs and all(len(df) == 0 for df in out.values()):
        errs.append((name, None, None, "no data rows: nothing to import"))
    if errs:
        raise TemplateError(errs)
    return out


def read_workbooks(files: dict[str, Path], known: dict) -> dict[str, dict[str, pd.DataFrame]]:
    """Read several workbooks of different kinds in dependency order (enterprises → units →
    activity / compliance), each one's keys becoming known to the next; every error of every
    file is collected and raised together."""
    order = ["enterprises", "units", "activity", "dqcp", "products", "compliance"]
    known = {k: set(v) if isinstance(v, (set, list, tuple)) else v for k, v in known.items()}
    out: dict[str, dict[str, pd.DataFrame]] = {}
    errs: list = []
    for kind in sorted(files, key=order.index):
        try:
            out[kind] = read_template(files[kind], kind, known)
        except TemplateError as e:
            errs += e.errors
            continue
        except IngestError as e:
            errs.append((e.file, e.line, e.field, e.reason))
            continue
        if kind == "enterprises":
            known["credit_codes"] = set(known.get("credit_codes", set())) | set(
                out[kind]["enterprises"]["credit_code"])
        if kind == "units":
            known["unit_ids"] = set(known.get("unit_ids", set())) | set(
                out[kind]["units"]["unit_id"])
    if errs:
        raise TemplateError(errs)
    return out
