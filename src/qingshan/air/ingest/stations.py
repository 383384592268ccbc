"""Reader of the national station list (``NewSiteList.csv``), GBK or UTF-8.

Columns (by header name): 监测点编码, 监测点名称, 城市, 经度, 纬度, 对照点, 省级行政区, 地级行政区.
``城市`` is the publication city (a county-level city for county stations), ``地级行政区`` the
prefecture; both are kept. Stop markers in names — ``(停运170603)``, ``(20190222停运)``,
``（已停运）``, ``(停用200107)`` — are parsed into ``is_stopped`` and ``stop_date``; the station is
kept. ``对照点`` = Y marks control (background) stations.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pandas as pd

from qingshan.core.ingest.errors import IngestError, clip_text, quote_value, quote_values, show_name
from qingshan.core.ingest.text import read_text_detect

__all__ = ["VARIABLE_MAP", "read_station_list", "parse_stop_marker"]

VARIABLE_MAP = {
    "监测点编码": "code",
    "监测点名称": "raw_name",
    "城市": "publication_city",
    "经度": "lon",
    "纬度": "lat",
    "对照点": "is_control",
    "省级行政区": "province",
    "地级行政区": "prefecture",
}

_STOP = re.compile(r"[（(]\s*(\d{6}|\d{8})?\s*已?停[运用]\s*(\d{6}|\d{8})?\s*[）)]")


def _parse_date(s: str) -> date:
    if len(s) == 6:
        return date(2000 + int(s[:2]), int(s[2:4]), int(s[4:6]))
    return date(int(s[:4]), int(s[4:6]), int(s[6:8]))


def parse_stop_marker(raw_name: str) -> tuple[str, bool, date | None]:
    """Split a published station name into (name, is_stopped, stop_date).

    >>> parse_stop_marker("市监测中心(停运150702)")
    ('市监测中心', True, datetime.date(2015, 7, 2))
    >>> parse_stop_marker("职工医院（20181115停运）")
    ('职工医院', True, datetime.date(2018, 11, 15))
    """
    m = _STOP.search(raw_name)
    if not m:
        return raw_name.strip(), False, None
    digits = m.group(1) or m.group(2)
    name = (raw_name[: m.start()] + raw_name[m.end():]).strip()
    try:
        d = _parse_date(digits) if digits else None
    except ValueError:
        d = None
    return name, True, d


class _Rows:
    """csv.reader whose parse errors (e.g. a field beyond csv's field size limit) become
    IngestError naming the line."""

    def __init__(self, name: str, reader):
        self.name, self.reader = name, reader

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.reader)
        except csv.Error as e:
            raise IngestError(self.name, f"malformed CSV: {clip_text(str(e))}",
                              line=self.reader.line_num) from None


def read_station_list(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read and fully validate a station list. Returns (table, metadata).

    Raises IngestError (file, line, field, reason) on the first bad row; the count of further
    bad rows is reported too.
    """
    p = Path(path)
    text, encoding = read_text_detect(p)
    reader = _Rows(p.name, csv.reader(io.StringIO(text)))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise IngestError(p.name, "file is empty", line=1) from None
    missing = [c for c in VARIABLE_MAP if c not in header]
    if missing:
        raise IngestError(p.name, f"missing column(s) {missing}; header is "
                                  f"{quote_values(header)}", line=1)
    idx = {VARIABLE_MAP[c]: header.index(c) for c in VARIABLE_MAP}
    rows, errors, seen = [], [], {}
    for lineno, rec in enumerate(reader, start=2):
        if not rec or all(not x.strip() for x in rec):
            continue
        if len(rec) != len(header):
            errors.append((lineno, None, f"expected {len(header)} fields, found {len(rec)}"))
            continue
        r = {k: rec[i].strip() for k, i in idx.items()}
        if not r["code"]:
            errors.append((lineno, "监测点编码", "empty station code"))
            continue
        if r["code"] in seen:
            errors.append((lineno, "监测点编码", f"duplicate station code {show_name(r['code'])} "
                                                 f"(first on line {seen[r['code']]})"))
            continue
        seen[r["code"]] = lineno
        for fld, col in (("lon", "经度"), ("lat", "纬度")):
            v = r[fld]
            if v == "":
                r[fld] = None
                continue
            try:
                r[fld] = float(v)
            except ValueError:
                errors.append((lineno, col, f"not a number: {quote_value(v)}"))
                break
        else:
            if r["is_control"] not in ("Y", "N"):
                errors.append((lineno, "对照点",
                               f"expected Y or N, got {quote_value(r['is_control'])}"))
                continue
            r["is_control"] = r["is_control"] == "Y"
            r["name"], r["is_stopped"], r["stop_date"] = parse_stop_marker(r["raw_name"])
            rows.append(r)
    if errors:
        line, fld, reason = errors[0]
        raise IngestError(p.name, reason, line=line, field=fld, more=len(errors) - 1)
    df = pd.DataFrame(
        rows,
        columns=["code", "name", "raw_name", "publication_city", "prefecture", "province", "lon",
                 "lat", "is_control", "is_stopped", "stop_date"],
    )
    return df, {"encoding": encoding, "rows": len(df)}
