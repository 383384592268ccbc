"""Excel bulletin: one sheet per table, numbers as numbers, units in headers, frozen headers.

Sheets are named in the bulletin's language (the table's ``sheet`` or title, ≤ 31 characters);
the first sheet (说明 / About) names the bulletin, period, issuer, the last day with data and the
standards; the second (标准与方法 / Standards and methods) holds the method sentences. Ranks stay
numbers (a separate tie column says which are shared); the first ``frozen_columns`` columns
(the city) and the header rows are frozen; dates are Excel dates; the workbook properties carry
title, subject, author (issuer) and the standards.

Formula-safe (:mod:`qingshan.core.exportsafe`): every text cell — titles, headers, names,
notes — is written with ``write_string`` (never interpreted: the workbook is opened with
``strings_to_formulas``/``strings_to_urls`` off, xlsxwriter's defaults being on), and text that
a spreadsheet would read as a formula (``=…``, ``+…``, ``-…``, ``@…``, tab, CR) gets a leading
``'``. Numbers are written with ``write_number``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

from qingshan.core.exportsafe import XLSX_OPTIONS, neutralise
from qingshan.reports.labels import tr
from qingshan.reports.model import ReportData, ReportTable

__all__ = ["write_xlsx"]

_HEADER_ROW = 2  # row 0 title, row 1 blank, row 2 headers


def _sheet_name(key: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\：]", "_", key).strip("'")[:31] or "sheet"
    base, i = name, 2
    while name.lower() in used:
        suffix = f"_{i}"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name.lower())
    return name


def _write_table(wb: xlsxwriter.Workbook, ws, t: ReportTable, fmts: dict,
                 notice: str = "") -> None:
    ws.write_string(0, 0, neutralise(str(t.title)), fmts["title"])
    if notice:                # a synthetic store: the notice on every sheet (row 1)
        ws.write_string(1, 0, neutralise(notice), fmts["notice"])
    cols = list(t.df.columns)
    safe = neutralise(t.df)              # same shape and order; text cells escaped
    for j, c in enumerate(cols):
        ws.write_string(_HEADER_ROW, j, neutralise(str(c)), fmts["header"])
        width = max([len(str(c))] + [len(str(v)) for v in t.df[c].head(200)]) + 2
        ws.set_column(j, j, min(max(width, 8), 40))
    numeric = t.numeric_columns()
    for i, row in enumerate(safe.itertuples(index=False, name=None), start=_HEADER_ROW + 1):
        for j, (c, v) in enumerate(zip(cols, row)):
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                ws.write_blank(i, j, None)
            elif isinstance(v, (date, datetime, pd.Timestamp)):
                ws.write_datetime(i, j, pd.Timestamp(v).to_pydatetime(), fmts["date"])
            elif c in numeric and not isinstance(v, bool):
                d = t.cell_decimals(i - _HEADER_ROW - 1, c)
                key = f"num{d}" if d is not None else "num"
                if key not in fmts:
                    fmt = "General" if d is None else ("0" if d == 0 else "0." + "0" * d)
                    fmts[key] = wb.add_format({"num_format": fmt})
                ws.write_number(i, j, float(v), fmts[key])
            else:
                ws.write_string(i, j, v if isinstance(v, str) else neutralise(str(v)))
    if t.note:
        ws.write_string(_HEADER_ROW + len(t.df) + 2, 0, neutralise(str(t.note)), fmts["note"])
    ws.freeze_panes(_HEADER_ROW + 1, min(t.frozen_columns, len(cols)))


def write_xlsx(report: ReportData, path: str | Path) -> Path:
    """Write every table of ``report`` (sections and charts) to its own sheet, after the
    information and methods sheets (see the module docstring)."""
    p = Path(path)
    lang = report.lang
    wb = xlsxwriter.Workbook(str(p), {"nan_inf_to_errors": True, **XLSX_OPTIONS})
    wb.set_properties({"title": neutralise(f"{report.title} {report.subtitle}"),
                       "subject": neutralise(report.period), "author": neutralise(report.issuer),
                       "company": neutralise(report.issuer),
                       "comments": neutralise(((tr("synthetic_notice", lang) + " ")
                                               if report.synthetic else "")
                                              + (report.standards or "")),
                       "keywords": "qingshan, synthetic" if report.synthetic else "qingshan"})
    notice = tr("synthetic_notice", lang) if report.synthetic else ""
    fmts = {
        "title": wb.add_format({"bold": True, "font_size": 12}),
        "header": wb.add_format({"bold": True, "bg_color": "#E8F2EC", "border": 1,
                                 "text_wrap": True, "valign": "top"}),
        "note": wb.add_format({"italic": True, "font_color": "#555555"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "notice": wb.add_format({"bold": True, "font_color": "#B00020"}),
    }
    used: set[str] = set()
    info = wb.add_worksheet(_sheet_name(tr("sheet_info", lang), used))
    info.write_string(0, 0, neutralise(str(report.title)), fmts["title"])
    for i, line in enumerate([report.subtitle, report.issuer], start=1):
        info.write_string(i, 0, neutralise(str(line)))
    info.write_string(3, 0, tr("issued", lang))
    try:
        info.write_datetime(3, 1, datetime.fromisoformat(str(report.generated)), fmts["date"])
    except ValueError:          # not a timestamp: written as (neutralised) text
        info.write_string(3, 1, neutralise(str(report.generated)))
    if report.data_end is not None:
        info.write_string(4, 0, tr("data_to", lang))
        info.write_datetime(4, 1, pd.Timestamp(report.data_end).to_pydatetime(), fmts["date"])
    if report.standards:
        info.write_string(5, 0, tr("standards_used", lang))
        info.write_string(5, 1, neutralise(str(report.standards)))
    if notice:
        info.write_string(6, 0, neutralise(notice), fmts["notice"])
        info.write_string(7, 0, tr("synthetic_source", lang))
        info.write_string(7, 1, neutralise(str(report.synthetic)))
    info.set_column(0, 0, 60)
    info.set_column(1, 1, 40)
    if report.methods:
        ws = wb.add_worksheet(_sheet_name(tr("sheet_methods", lang), used))
        ws.write_string(0, 0, tr("sheet_methods", lang), fmts["title"])
        if notice:
            ws.write_string(1, 0, neutralise(notice), fmts["notice"])
        ws.set_column(0, 0, 120)
        for i, line in enumerate(report.methods, start=2):
            ws.write_string(i, 0, neutralise(str(line)), fmts["wrap"])
    for t in report.all_tables():
        _write_table(wb, wb.add_worksheet(_sheet_name(t.sheet or t.title, used)), t, fmts,
                     notice)
    wb.close()
    return p
