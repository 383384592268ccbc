"""Excel bulletin: one sheet per table, numbers as numbers, units in headers, frozen headers.

Formula-safe (:mod:`qingshan.core.exportsafe`): every text cell — titles, headers, names,
notes — is written with ``write_string`` (never interpreted: the workbook is opened with
``strings_to_formulas``/``strings_to_urls`` off, xlsxwriter's defaults being on), and text that
a spreadsheet would read as a formula (``=…``, ``+…``, ``-…``, ``@…``, tab, CR) gets a leading
``'``. Numbers are written with ``write_number``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import xlsxwriter

from qingshan.core.exportsafe import XLSX_OPTIONS, neutralise
from qingshan.reports.model import ReportData, ReportTable

__all__ = ["write_xlsx"]

_HEADER_ROW = 2  # row 0 title, row 1 blank, row 2 headers


def _sheet_name(key: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", key)[:31] or "sheet"
    base, i = name, 2
    while name.lower() in used:
        suffix = f"_{i}"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name.lower())
    return name


def _write_table(wb: xlsxwriter.Workbook, ws, t: ReportTable, fmts: dict) -> None:
    ws.write_string(0, 0, neutralise(str(t.title)), fmts["title"])
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
    ws.freeze_panes(_HEADER_ROW + 1, 0)


def write_xlsx(report: ReportData, path: str | Path) -> Path:
    """Write every table of ``report`` (sections and charts) to its own sheet.

    The first sheet ("info") names the bulletin, period and issuer; each following sheet has the
    table title in A1, headers (with units) in row 3, frozen, and values as Excel numbers with
    the bulletin's number of decimals as display format.
    """
    p = Path(path)
    wb = xlsxwriter.Workbook(str(p), {"nan_inf_to_errors": True, **XLSX_OPTIONS})
    fmts = {
        "title": wb.add_format({"bold": True, "font_size": 12}),
        "header": wb.add_format({"bold": True, "bg_color": "#E8F2EC", "border": 1,
                                 "text_wrap": True, "valign": "top"}),
        "note": wb.add_format({"italic": True, "font_color": "#555555"}),
    }
    used: set[str] = set()
    info = wb.add_worksheet(_sheet_name("info", used))
    info.write_string(0, 0, neutralise(str(report.title)), fmts["title"])
    for i, line in enumerate([report.subtitle, report.issuer, report.generated], start=1):
        info.write_string(i, 0, neutralise(str(line)))
    info.set_column(0, 0, 60)
    for t in report.all_tables():
        _write_table(wb, wb.add_worksheet(_sheet_name(t.key, used)), t, fmts)
    wb.close()
    return p
