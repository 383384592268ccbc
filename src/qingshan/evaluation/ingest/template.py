"""The Excel template a city fills with its submitted indicators, and its reader.

Sheet ``values``: one row per submitted indicator of the framework with code, names, unit of
measure, valid range, year and city (pre-filled, not to be changed) and the columns the city fills:
``value``, ``source`` (document or data system), ``evidence_note`` (required). Sheet ``about``
names the framework, version, city and year. The reader size-checks the file
(``core.ingest.limits.check_xlsx``), reads every row and returns
:class:`~qingshan.evaluation.submissions.ValueIn` rows naming ``file:row N``; validation of the
values is :func:`qingshan.evaluation.submissions.validate_values` (all errors at once).
Texts written are formula-safe (a leading ``=``, ``+``, ``-``, ``@`` is neutralised).
"""

from __future__ import annotations

from pathlib import Path

from qingshan.core.exportsafe import is_formula_like
from qingshan.core.ingest.errors import IngestError
from qingshan.core.ingest.limits import check_xlsx
from qingshan.evaluation.framework import Framework
from qingshan.evaluation.submissions import ValueIn

__all__ = ["COLUMNS", "write_template", "read_template"]

COLUMNS = ("indicator", "name_zh", "name_en", "unit", "min", "max", "year", "city", "value",
           "source", "evidence_note")


def _safe(v):
    return "'" + v if isinstance(v, str) and is_formula_like(v) else v


def write_template(fw: Framework, city: str, city_name: str, year: int, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    inds = [i for i in fw.indicators if i.source == "submitted"]
    if not inds:
        raise ValueError(f"framework {fw.label} has no submitted indicators")
    wb = Workbook()
    ws = wb.active
    ws.title = "values"
    ws.append(list(COLUMNS))
    for c in ws[1]:
        c.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for i in inds:
        lo, hi = i.limits if i.limits else (None, None)
        ws.append([_safe(x) for x in (i.code, i.name_zh, i.name_en, i.unit, lo, hi, year, city,
                                      None, None, None)])
        for col in (9, 10, 11):
            ws.cell(ws.max_row, col).fill = fill
    about = wb.create_sheet("about")
    for k, v in (("framework", fw.framework.code), ("version", fw.framework.version),
                 ("city", city), ("city_name", city_name), ("year", year),
                 ("how", "fill value, source and evidence_note (all required) in the yellow "
                         "cells; do not change the other columns")):
        about.append([k, _safe(v)])
    p = Path(path)
    wb.save(p)
    return p


def read_template(path: str | Path, fw: Framework, name: str | None = None) -> list[ValueIn]:
    from openpyxl import load_workbook

    p = Path(path)
    name = name or p.name
    check_xlsx(p, name=name)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # any parser failure refuses the file
        raise IngestError(name, f"not a readable xlsx workbook ({type(e).__name__})") from None
    try:
        if "values" not in wb.sheetnames:
            raise IngestError(name, "sheet 'values' missing (use `qingshan evaluate template`)")
        rows = list(wb["values"].iter_rows(values_only=True))
        about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True)} \
            if "about" in wb.sheetnames else {}
    finally:
        wb.close()
    if not rows or tuple(str(x or "") for x in rows[0][:len(COLUMNS)]) != COLUMNS:
        raise IngestError(name, f"header must be {', '.join(COLUMNS)}", line=1)
    if about.get("framework") not in (None, fw.framework.code):
        raise IngestError(name, f"template is for framework {about.get('framework')!r}, not "
                          f"{fw.framework.code!r}", field="about.framework")
    out = []
    for n, r in enumerate(rows[1:], start=2):
        r = tuple(r) + (None,) * (len(COLUMNS) - len(r))
        d = dict(zip(COLUMNS, r))
        if all(d[k] in (None, "") for k in ("value", "source", "evidence_note")):
            continue                     # a row the city left empty: not submitted
        try:
            year = int(d["year"])
        except (TypeError, ValueError):
            raise IngestError(name, f"year {d['year']!r} is not a year", line=n,
                              field="year") from None
        out.append(ValueIn(unit=str(d["city"] or ""), year=year, indicator=str(d["indicator"]),
                           value=d["value"], measure_unit=str(d["unit"] or ""),
                           source=str(d["source"] or ""),
                           evidence_note=str(d["evidence_note"] or ""),
                           where=f"{name}:row {n}"))
    if not out:
        raise IngestError(name, "no filled rows: nothing to submit")
    return out
