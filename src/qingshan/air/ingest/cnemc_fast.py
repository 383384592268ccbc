"""Fast reader of one national-network archive file: Arrow parsing + numpy reshape.

An archive file is a dense matrix: rows (date, hour, type), one column per station. Reshaping it
to station-hours is an index scatter, done here with numpy over the whole matrix. The function
returns ``None`` whenever anything is unusual (a cell that is not a number, a bad date, hour or
type, a malformed header); the caller then re-reads the file with the line-exact SQL reader,
which raises the error naming file, line and field. Semantics are the SQL reader's: a repeated
(date, hour, type) row keeps its first occurrence and the repeat is returned as an ``occ = 2``
row; only station-hours with at least one value are returned.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["read_file_fast"]

_NAN_INF = re.compile(rb"(?i)nan|inf")


def _variable_map():
    from qingshan.air.ingest.cnemc import VARIABLE_MAP
    return VARIABLE_MAP


def split_header(line: str) -> list[str]:
    from qingshan.air.ingest.cnemc import split_header as split
    return split(line)


def read_file_fast(p: Path, file_idx: int) -> tuple[pa.Table, dict] | None:
    vmap = _variable_map()
    types = list(vmap)
    try:
        raw = p.read_bytes()
        head, _, body = raw.partition(b"\n")
        header = split_header(head.decode("utf-8-sig"))
    except (UnicodeDecodeError, OSError):
        return None
    # "nan"/"inf" would parse as floats but are not numbers: leave such files to the SQL reader
    if _NAN_INF.search(body):
        return None
    if (any(k not in header for k in ("date", "hour", "type")) or len(set(header)) != len(header)
            or any(h == "" for h in header)):
        return None
    codes = [h for h in header if h not in ("date", "hour", "type")]
    col_types = {h: pa.float64() for h in codes}
    col_types.update({"date": pa.string(), "hour": pa.string(), "type": pa.string()})
    try:
        t = pacsv.read_csv(pa.BufferReader(raw), read_options=pacsv.ReadOptions(use_threads=False,
                                                             block_size=1 << 24),
                           convert_options=pacsv.ConvertOptions(column_types=col_types))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    n = t.num_rows
    meta = {"file": p.name, "stations": len(codes), "lines": n}
    if n == 0 or not codes:
        return _empty_table(), {**meta, "rows": 0}
    date = t["date"]
    if date.null_count or not pc.all(pc.match_substring_regex(date, r"^\d{8}$")).as_py():
        return None
    try:
        day = pc.strptime(date, format="%Y%m%d", unit="s").to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        return None
    hour_s = t["hour"]
    if hour_s.null_count or not pc.all(pc.match_substring_regex(hour_s, r"^\d{1,2}$")).as_py():
        return None
    hour = pc.cast(hour_s, pa.int64()).to_numpy()
    if hour.min() < 0 or hour.max() > 23:
        return None
    typ = t["type"]
    if typ.null_count:
        return None
    found = pc.index_in(typ, value_set=pa.array(types))
    if found.null_count:
        return None
    t_idx = found.to_numpy(zero_copy_only=False).astype(np.int64)
    m = np.column_stack([t[c].to_numpy(zero_copy_only=False).astype(np.float64)
                         for c in codes])                       # rows × stations, NaN = empty
    if np.isinf(m).any():
        return None
    stamp = day.astype("datetime64[s]") + hour.astype("timedelta64[h]")
    stamps, s_idx = np.unique(stamp, return_inverse=True)
    key = s_idx * len(types) + t_idx
    order = np.argsort(key, kind="stable")
    first = np.ones(n, dtype=bool)
    first[order[1:]] = key[order[1:]] != key[order[:-1]]
    lines = np.arange(2, n + 2)
    parts = [_scatter(m, s_idx, t_idx, lines, first, stamps, codes, types, vmap, occ=1)]
    if not first.all():
        parts.append(_scatter(m, s_idx, t_idx, lines, ~first, stamps, codes, types, vmap, occ=2))
    tbl = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    tbl = tbl.append_column("file_idx", pa.array(np.full(tbl.num_rows, file_idx, np.int32)))
    return tbl, {**meta, "rows": tbl.num_rows}


def _scatter(m, s_idx, t_idx, lines, rows, stamps, codes, types, vmap, occ: int) -> pa.Table:
    n_s, n_t, n_c = len(stamps), len(types), len(codes)
    v = np.full((n_s, n_t, n_c), np.nan)
    v[s_idx[rows], t_idx[rows], :] = m[rows]
    big = np.iinfo(np.int64).max
    row_line = np.full((n_s, n_t), big)                          # line of each (stamp, type) row
    row_line[s_idx[rows], t_idx[rows]] = lines[rows]
    v = v.transpose(2, 0, 1).reshape(n_c * n_s, n_t)           # (station, stamp) × type
    keep = ~np.isnan(v).all(axis=1)
    st = np.repeat(np.arange(n_c), n_s)[keep]
    sp = np.tile(np.arange(n_s), n_c)[keep]
    # first line holding a value of the station-hour (as the SQL reader reports it)
    line = np.where(np.isnan(v[keep]), big, row_line[sp]).min(axis=1)
    cols = {"code": pa.array(np.asarray(codes, dtype=object)[st], pa.string()),
            "time": pa.array(stamps[sp].astype("datetime64[us]"))}
    for j, name in enumerate(types):
        cols[vmap[name]] = pa.array(v[keep, j], from_pandas=True)
    cols["line"] = pa.array(line)
    cols["occ"] = pa.array(np.full(len(st), occ, np.int64))
    return pa.table(cols)


def _empty_table() -> pa.Table:
    from qingshan.air.ingest.cnemc import _empty
    return _empty().drop_columns(["file_idx"])
