"""Read a governance ledger from its Excel template, validating every cell before anything is
stored (spec/governance.md §11; house rule: errors name file, line and field).

The file passes :func:`qingshan.core.ingest.limits.check_xlsx` (zip-bomb and size limits)
first; then the first sheet's header row must hold every required column of the template and
no unknown column (a typo would otherwise drop data silently); each data row is checked cell
by cell. All errors of the file are collected and raised together as one
:class:`~qingshan.core.ingest.errors.IngestError` (the first, with the count of the others),
so nothing is stored when any row is bad. Rows whose cells are all empty are skipped.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from qingshan.config.settings import get_settings
from qingshan.core.ingest.errors import IngestError, quote_value
from qingshan.core.ingest.limits import check_xlsx

__all__ = ["Template", "template", "templates", "read_ledger", "write_template", "LedgerRows"]

_TRUE = {"是", "y", "yes", "1", "true", "t", "√"}
_FALSE = {"否", "n", "no", "0", "false", "f", ""}
_UNIT = re.compile(r"^\d{6}(-[a-z0-9]{1,16})?$")


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    title: str
    unit_column: str
    key_column: str
    columns: tuple[dict, ...]
    version: str


@lru_cache(maxsize=1)
def _doc() -> dict:
    return tomllib.loads(resources.files("qingshan.governance.ingest").joinpath(
        "templates.toml").read_text(encoding="utf-8"))


def templates() -> dict[str, Template]:
    doc = _doc()
    return {k: Template(k, v["kind"], v["title"], v["unit_column"], v["key_column"],
                        tuple(v["columns"]), doc["version"])
            for k, v in doc.items() if isinstance(v, dict)}


def template(name: str) -> Template:
    t = templates()
    if name not in t:
        raise KeyError(f"no ledger template {name!r}; known: {sorted(t)}")
    return t[name]


@dataclass(frozen=True)
class LedgerRows:
    """Validated rows: ``rows[i]`` = {key: value} of the sheet's line ``lines[i]``."""

    template: Template
    file: str
    rows: list[dict[str, Any]]
    personal: list[dict[str, Any]]
    lines: list[int]


def _cell(col: dict, v: Any) -> tuple[Any, str | None]:
    """(value, error) of one cell."""
    t = col["type"]
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, ("required value missing" if col.get("required") else None)
    if t == "text":
        s = str(v).strip() if not isinstance(v, float) or not v.is_integer() else str(int(v))
        if len(s) > col.get("max", 10_000):
            return None, f"longer than {col['max']} characters"
        if col["key"] in ("unit", "responsible_unit", "sector_unit", "lead_org_unit") \
                and not _UNIT.match(s):
            return None, f"{quote_value(s)} is not an org unit code (6 digits, optional -suffix)"
        return s, None
    if t == "date":
        if isinstance(v, datetime):
            return v.date().isoformat(), None
        if isinstance(v, date):
            return v.isoformat(), None
        try:
            return date.fromisoformat(str(v).strip()[:10]).isoformat(), None
        except ValueError:
            return None, f"{quote_value(v)} is not a date (YYYY-MM-DD)"
    if t in ("int", "float"):
        try:
            x = float(str(v).strip()) if not isinstance(v, (int, float)) else float(v)
        except ValueError:
            return None, f"{quote_value(v)} is not a number"
        if t == "int":
            if not x.is_integer():
                return None, f"{quote_value(v)} is not a whole number"
            x = int(x)
        if "min" in col and x < col["min"] or "max" in col and x > col["max"]:
            return None, f"{x} outside [{col.get('min', '-∞')}, {col.get('max', '∞')}]"
        return x, None
    if t == "bool":
        s = str(v).strip().lower()
        if s in _TRUE:
            return True, None
        if s in _FALSE:
            return False, None
        return None, f"{quote_value(v)} is not 是/否"
    if t == "enum":
        s = str(v).strip()
        if isinstance(v, float) and v.is_integer():
            s = str(int(v))
        if s not in col["values"]:
            return None, f"{quote_value(s)} is not one of {'/'.join(col['values'])}"
        return col.get("map", {}).get(s, s), None
    if t == "list":
        parts = [p.strip() for p in re.split(r"[、;；,，]", str(v)) if p.strip()]
        bad = [p for p in parts if p not in col["values"]]
        if bad:
            return None, f"{quote_value(bad[0])} is not one of {'/'.join(col['values'])}"
        return parts, None
    raise ValueError(f"template column type {t!r}")


def read_ledger(path: str | Path, name: str, *, display_name: str | None = None) -> LedgerRows:
    """Validate the whole file against template ``name``; raise one IngestError naming the
    first bad cell (file, line, field) and how many more there are."""
    import openpyxl

    tpl = template(name)
    fname = display_name or Path(path).name
    check_xlsx(path, name=fname)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # any parser failure is bad input
        raise IngestError(fname, f"not a readable workbook ({type(e).__name__})") from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, ())]
        by_name = {c["name"]: c for c in tpl.columns}
        errors: list[IngestError] = []
        unknown = [h for h in header if h and h not in by_name]
        missing = [c["name"] for c in tpl.columns if c.get("required") and c["name"] not in header]
        for h in unknown:
            errors.append(IngestError(fname, "unknown column (not in the template "
                                      f"{tpl.name!r})", 1, h))
        for h in missing:
            errors.append(IngestError(fname, "required column missing", 1, h))
        if errors:
            raise IngestError(errors[0].file, errors[0].reason, 1, errors[0].field,
                              more=len(errors) - 1)
        idx = [(i, by_name[h]) for i, h in enumerate(header) if h]
        rows, personal, lines, keys = [], [], [], {}
        limit = get_settings().max_rows_per_file
        for line, values in enumerate(it, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(rows) >= limit:
                raise IngestError(fname, f"more than {limit} rows (QINGSHAN_MAX_ROWS_PER_FILE)",
                                  line)
            row, pers = {}, {}
            for i, col in idx:
                v = values[i] if i < len(values) else None
                val, err = _cell(col, v)
                if err:
                    errors.append(IngestError(fname, err, line, col["name"]))
                elif val is not None:
                    (pers if col.get("personal") else row)[col["key"]] = val
            k = row.get(by_name[tpl.key_column]["key"])
            if k is not None:
                if k in keys:
                    errors.append(IngestError(fname, f"duplicate of line {keys[k]}", line,
                                              tpl.key_column))
                keys[k] = line
            rows.append(row)
            personal.append(pers)
            lines.append(line)
        if errors:
            e = errors[0]
            raise IngestError(e.file, e.reason, e.line, e.field, more=len(errors) - 1)
        if not rows:
            raise IngestError(fname, "no data rows below the header")
        return LedgerRows(tpl, fname, rows, personal, lines)
    finally:
        wb.close()


def write_template(name: str, path: str | Path) -> Path:
    """An empty template: header row (required columns marked in a comment) and a notes sheet
    listing each column's type and accepted values."""
    import openpyxl
    from openpyxl.comments import Comment

    tpl = template(name)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = tpl.name
    for j, c in enumerate(tpl.columns, start=1):
        cell = ws.cell(row=1, column=j, value=c["name"])
        note = ("必填 required; " if c.get("required") else "") + c["type"]
        if c.get("values"):
            note += ": " + "/".join(c["values"])
        cell.comment = Comment(note, "qingshan")
    notes = wb.create_sheet("说明")
    notes.append(["列 column", "类型 type", "必填 required", "取值 values", "version"])
    for c in tpl.columns:
        notes.append([c["name"], c["type"], "是" if c.get("required") else "",
                      "/".join(c.get("values", [])), tpl.version])
    p = Path(path)
    wb.save(p)
    return p
