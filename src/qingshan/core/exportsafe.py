"""Formula-safe exports: no cell the product writes to CSV or Excel is run as a formula.

A spreadsheet program opening a CSV file (or an .xlsx cell holding such text) treats a cell that
begins with ``=``, ``+``, ``-`` or ``@`` — and, after a tab or carriage return is stripped, the
same — as a formula: ``=cmd|' /C calc'!A0`` (DDE), ``=HYPERLINK("http://evil.example","x")``
(data exfiltration), ``@SUM(1)``. Station names, city names, codes and column names come from
uploaded files and province configurations, so every export neutralises its text cells as OWASP
"CSV Injection" recommends: a **text** cell that begins with one of

    ``=``  ``+``  ``-``  ``@``  tab (0x09)  carriage return (0x0D)

gets a leading single quote ``'``. Embedded quotes, commas and line breaks are the CSV writer's
business (pandas, DuckDB and the ``csv`` module quote such a cell). Only text is touched:

- numbers stay numbers (a negative *number* is written as a number, never quoted);
- a text cell that is exactly a negative decimal number (``-1``, ``-0.5``, ``-2e-3``) is left
  as it is: spreadsheets read it as that number, not as a formula, and files read with
  ``dtype=str`` (the water classifier keeps the original cells) must not have their measured
  values changed. ``-1+2``, ``+1``, ``-inf`` are escaped;
- column names are cells of the header row and are neutralised the same way.

Parquet exports are not escaped: Parquet is a typed binary format read by data tools (DuckDB,
Spark, pandas), never evaluated by a spreadsheet, and a changed value would break the round
trip (a station code must read back as itself).

:func:`neutralise` is the one function applying the rule, vectorised (``Series.str`` methods on
text columns, ``pyarrow.compute`` on Arrow tables; no Python loop per cell). The writers below
only call it: :func:`write_csv` / :func:`write_excel` for pandas frames, :func:`duckdb_to_csv`
for a query streamed from DuckDB through Arrow batches (bounded memory, DuckDB's own CSV
formatting). :data:`XLSX_OPTIONS` are the xlsxwriter ``Workbook`` options every Excel writer
uses: ``strings_to_formulas`` (default **True** in xlsxwriter) and ``strings_to_urls`` are off,
so even ``worksheet.write`` stores text as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["FORMULA_PREFIXES", "XLSX_OPTIONS", "neutralise", "is_formula_like", "write_csv",
           "write_excel", "duckdb_to_csv"]

#: first characters that make a spreadsheet read a text cell as a formula (OWASP)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: xlsxwriter ``Workbook`` options of every Excel export
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False}

_START = r"^[=+\-@\t\r]"
_NEG_NUMBER = r"^-(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"
_START_RE = re.compile(_START)
_NEG_RE = re.compile(_NEG_NUMBER)
_QUOTE = "'"

T = TypeVar("T")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text cell as a formula (the rule of this module)?"""
    return bool(_START_RE.match(text)) and not _NEG_RE.match(text)


def _series(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        if cats.dtype == object or pd.api.types.is_string_dtype(cats.dtype):
            new = _index(cats)
            if new.is_unique:
                return s.cat.rename_categories(new)
        s = s.astype(object)
    if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
        return s                                    # numbers, dates, booleans: unchanged
    try:
        st = s.str                                  # non-text cells of an object column: NaN
    except AttributeError:                          # an object column with no text (dates …)
        return s
    mask = (st.match(_START).fillna(False).astype(bool)
            & ~st.match(_NEG_NUMBER).fillna(False).astype(bool))
    if not mask.any():
        return s
    out = s.copy()
    out[mask] = _QUOTE + s[mask].astype(str)
    return out


def _index(ix: pd.Index) -> pd.Index:
    if isinstance(ix, pd.MultiIndex):
        return ix.set_levels([_index(lv) for lv in ix.levels])
    if not (ix.dtype == object or pd.api.types.is_string_dtype(ix.dtype)):
        return ix
    return pd.Index(_series(pd.Series(ix, dtype=ix.dtype)).to_numpy(), dtype=ix.dtype,
                    name=ix.name)


def _arrow_text(arr):
    """Neutralise one Arrow (chunked) array; text types keep their type."""
    t = arr.type
    if pa.types.is_dictionary(t):
        if isinstance(arr, pa.ChunkedArray):
            return pa.chunked_array([_arrow_text(c) for c in arr.chunks], type=t)
        return pa.DictionaryArray.from_arrays(arr.indices, _arrow_text(arr.dictionary))
    view = pa.types.is_string_view(t)
    if view:
        arr = arr.cast(pa.large_string())
    elif not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return arr
    mask = pc.and_(pc.match_substring_regex(arr, _START),
                   pc.invert(pc.match_substring_regex(arr, _NEG_NUMBER)))
    if pc.any(mask).as_py():
        arr = pc.if_else(mask, pc.binary_join_element_wise(pa.scalar(_QUOTE, arr.type), arr,
                                                                pa.scalar("", arr.type)), arr)
    return arr.cast(t) if view else arr


def _arrow_names(schema: pa.Schema) -> list[str]:
    return [(_QUOTE + n) if is_formula_like(n) else n for n in schema.names]


def neutralise(data: T) -> T:
    """Return ``data`` with every formula-like text cell (and column name) prefixed by ``'``.

    Accepts a ``str`` (returned escaped), a pandas ``DataFrame`` / ``Series`` / ``Index``, or a
    pyarrow ``Table`` / ``RecordBatch`` / ``Array`` / ``ChunkedArray``; returns the same kind,
    with the same dtypes (numeric, date and boolean columns untouched). Anything else (numbers,
    None, dates) is returned as it is. The input is not modified.

    >>> neutralise("=HYPERLINK(\\"http://evil.example\\",\\"x\\")")
    '\\'=HYPERLINK("http://evil.example","x")'
    >>> neutralise(pd.DataFrame({"name": ["@SUM(1)", "济南"], "v": [-1, 2]})).name.tolist()
    ["'@SUM(1)", '济南']
    """
    if isinstance(data, str):
        return (_QUOTE + data) if is_formula_like(data) else data   # type: ignore[return-value]
    if isinstance(data, pd.DataFrame):
        out = data.copy(deep=False)
        out.columns = _index(data.columns)
        for i in range(data.shape[1]):
            col = data.iloc[:, i]
            new = _series(col)
            if new is not col:
                out.isetitem(i, new)
        return out                                   # type: ignore[return-value]
    if isinstance(data, pd.Series):
        out = _series(data)
        if isinstance(out.name, str):
            out = out.rename(neutralise(out.name))
        return out                                   # type: ignore[return-value]
    if isinstance(data, pd.Index):
        return _index(data)                          # type: ignore[return-value]
    if isinstance(data, pa.Table):
        return pa.Table.from_arrays([_arrow_text(c) for c in data.columns],
                                    names=_arrow_names(data.schema))  # type: ignore[return-value]
    if isinstance(data, pa.RecordBatch):
        return pa.RecordBatch.from_arrays([_arrow_text(c) for c in data.columns],
                                          names=_arrow_names(data.schema))  # type: ignore
    if isinstance(data, (pa.Array, pa.ChunkedArray)):
        return _arrow_text(data)                     # type: ignore[return-value]
    return data


def _has_cr(df: pd.DataFrame) -> bool:
    cols = [str(c) for c in df.columns]
    if any("\r" in c for c in cols):
        return True
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            try:
                has = s.str.contains("\r", regex=False)
            except AttributeError:                  # an object column with no text
                continue
            if has.fillna(False).astype(bool).any():
                return True
    return False


def write_csv(df: pd.DataFrame, path: str | Path | None = None, **kwargs: Any) -> str | None:
    """``neutralise(df).to_csv(path, index=False, **kwargs)`` (returns the text when ``path``
    is None, like ``DataFrame.to_csv``).

    Python's ``csv`` writer (used by pandas) quotes a cell holding a line feed but, on Python
    3.11, not one holding a bare carriage return — which a spreadsheet reads as a row break,
    so ``"x\\r=cmd…"`` would start a new row with a formula. When any text cell holds a
    carriage return the file is written with CRLF line ends (RFC 4180), which makes the writer
    quote such cells; otherwise line ends are ``\\n`` as before.
    """
    kwargs.setdefault("index", False)
    safe = neutralise(df)
    if "lineterminator" not in kwargs and _has_cr(safe):
        kwargs["lineterminator"] = "\r\n"
    return safe.to_csv(path, **kwargs)


def write_excel(df: pd.DataFrame, path: str | Path, sheet_name: str = "Sheet1") -> None:
    """Write ``df`` to an .xlsx file with xlsxwriter: text as text (never a formula or a link),
    formula-like text escaped, numbers as numbers."""
    with pd.ExcelWriter(path, engine="xlsxwriter",
                        engine_kwargs={"options": dict(XLSX_OPTIONS)}) as xw:
        neutralise(df).to_excel(xw, index=False, sheet_name=sheet_name)


def duckdb_to_csv(con, query: str, path: str | Path, params: list | None = None,
                  batch_rows: int = 1 << 17) -> None:
    """Write the result of ``query`` (run on a cursor of ``con``) to a CSV file with a header.

    Rows are streamed as Arrow record batches, neutralised batch by batch and written by
    DuckDB's CSV writer (same number, date and NULL formatting as ``COPY … TO``), so memory
    stays bounded by one batch whatever the size of the result. The file name is passed to
    DuckDB as an argument, never as SQL text.
    """
    read, write = con.cursor(), con.cursor()   # a cursor holds one open result at a time
    try:
        reader = read.sql(query, params=params).to_arrow_reader(batch_rows)
        names = _arrow_names(reader.schema)
        schema = pa.schema([f.with_name(n) for f, n in zip(reader.schema, names)])
        batches = (pa.RecordBatch.from_arrays([_arrow_text(c) for c in b.columns],
                                              schema=schema) for b in reader)
        safe = pa.RecordBatchReader.from_batches(schema, batches)
        write.from_arrow(safe).write_csv(str(Path(path)), header=True)
    finally:
        write.close()
        read.close()
