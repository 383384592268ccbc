"""Ingest runner: read → validate fully → write, all files of one command in ONE transaction.

Any error rolls the whole command back, leaving the store exactly as it was, and is re-raised as
an IngestError naming file, line, field and reason. A file whose content (sha256) was loaded
before is reported as "already loaded" and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from qingshan.config.province import ProvinceConfig
from qingshan.air.ingest.loader import store_air_table
from qingshan.air.ingest.cnemc import read_cnemc_csv, read_cnemc_files
from qingshan.core.ingest.errors import IngestError
from qingshan.air.ingest.stations import read_station_list
from qingshan.air.ingest.table import read_table
from qingshan.store.db import in_transaction
from qingshan.store.batches import (
    BatchSummary, FileInfo, already_loaded, file_info, new_batch_id, record_batch,
)
from qingshan.store.province import sync_province

__all__ = ["expand_paths", "ingest_cnemc", "ingest_stations", "ingest_table", "ParsedFile",
           "loaded_before", "parse_file", "parsed_kind", "store_parsed"]

_SITES = re.compile(r"china_sites_\d{8}\.csv$")
_CITIES = re.compile(r"china_cities_\d{8}\.csv$")

Progress = Callable[[str], None] | None


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given plus archive files found (recursively) in given folders, sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*.csv") if _SITES.search(f.name) or
                          _CITIES.search(f.name))
        elif p.exists():
            out.append(p)
        else:
            raise IngestError(str(p), "no such file or folder")
    return out




#: files read and stored together; bounds memory for national-scale archives
CHUNK_CELLS = 20_000_000


def ingest_cnemc(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], *,
                 unknown_stations: str = "error", quality: str = "flag",
                 progress: Progress = None) -> list[BatchSummary]:
    """Ingest national-network daily archive files (sites and cities).

    Files are read and stored in chunks (one set of table operations per chunk, one batch per
    file) inside a single transaction for the whole call.
    """
    files = expand_paths(paths)

    def work() -> list[BatchSummary]:
        out: list[BatchSummary | None] = [None] * len(files)
        seen: dict[str, int] = {}
        todo: list[tuple[int, Path, object]] = []
        for i, f in enumerate(files):
            info = file_info(f)
            kind = "cnemc_cities" if _CITIES.search(f.name) else "cnemc_sites"
            prev = already_loaded(con, kind, info.sha256)
            if prev is None and info.sha256 in seen:
                prev = seen[info.sha256]
            if prev is not None:
                out[i] = BatchSummary(file=f.name, kind=kind, outcome="already loaded",
                                      batch_id=prev if prev >= 0 else None,
                                      message="same content loaded before" if prev >= 0 else
                                      "same content as another file of this ingest")
                if progress:
                    progress(f.name)
                continue
            seen[info.sha256] = -1
            if kind == "cnemc_cities":
                tbl, meta = read_cnemc_csv(f, con)
                out[i] = _store_cities(con, tbl, info)
                out[i].rows_read = meta["lines"]
                if progress:
                    progress(f.name)
            else:
                todo.append((i, f, info))
        chunk: list[tuple[int, Path, object]] = []
        cells = 0

        def flush():
            nonlocal chunk, cells
            if not chunk:
                return
            tbl, metas = read_cnemc_files([f for _, f, _ in chunk], con)
            sums = store_air_table(con, tbl, [inf for _, _, inf in chunk], "cnemc_sites",
                                   unknown_stations=unknown_stations, quality=quality)
            for (i, f, _), s, m in zip(chunk, sums, metas):
                s.rows_read = m["lines"]
                out[i] = s
                if progress:
                    progress(f.name)
            chunk, cells = [], 0

        for item in todo:
            chunk.append(item)
            cells += item[2].size // 3
            if cells >= CHUNK_CELLS:
                flush()
        flush()
        return [s for s in out if s is not None]

    return in_transaction(con, work)


def _store_cities(con, tbl, info) -> BatchSummary:
    from qingshan.air.ingest.cnemc import HOURLY_COLUMNS, PUBLISHED_COLUMNS
    started = datetime.now()
    bid = new_batch_id(con)
    con.register("_cin", tbl)
    try:
        cols = [*HOURLY_COLUMNS, *PUBLISHED_COLUMNS]
        n_old = con.execute("SELECT count(*) FROM air_city_hourly_published WHERE (city_name, time)"
                            " IN (SELECT (code, time) FROM _cin)").fetchall()[0][0]
        con.execute("DELETE FROM air_city_hourly_published WHERE (city_name, time) IN "
                    "(SELECT (code, time) FROM _cin)")
        con.execute(f"INSERT INTO air_city_hourly_published (city_name, time, {', '.join(cols)}, "
                    f"batch_id) SELECT code, time, {', '.join(cols)}, ? FROM _cin "
                    "WHERE occ = 1", [bid])
        n = con.execute("SELECT count(*) FROM _cin WHERE occ = 1").fetchall()[0][0]
        dups = tbl.num_rows - n
    finally:
        con.unregister("_cin")
    s = BatchSummary(file=info.name, kind="cnemc_cities", outcome="loaded", batch_id=bid,
                     rows_read=tbl.num_rows, rows_stored=n, rows_skipped=dups)
    if dups:
        s.skipped["duplicated city-hour (first occurrence kept)"] = dups
    if n_old:
        s.superseded.append({"rows_replaced": n_old})
    record_batch(con, bid, "cnemc_cities", info, s, started)
    return s


def ingest_stations(con: duckdb.DuckDBPyConnection, path: str | Path,
                    province: ProvinceConfig | None = None) -> BatchSummary:
    """Ingest the national station list; stations with the same code are replaced."""
    info = file_info(path)
    prev = already_loaded(con, "stations", info.sha256)
    if prev is not None:
        return BatchSummary(file=info.name, kind="stations", outcome="already loaded",
                            batch_id=prev, message=f"same content as batch {prev}")
    df, meta = read_station_list(path)
    return in_transaction(con, lambda: _store_stations(con, df, meta, info, province))


def _store_stations(con, df, meta: dict, info, province: ProvinceConfig | None) -> BatchSummary:
    started = datetime.now()
    bid = new_batch_id(con)
    df = df.assign(batch_id=bid)
    con.register("_st", df)
    try:
        n_old = con.execute("SELECT count(*) FROM station WHERE code IN (SELECT code FROM _st)"
                            ).fetchall()[0][0]
        con.execute("DELETE FROM station WHERE code IN (SELECT code FROM _st)")
        con.execute("INSERT INTO station SELECT code, name, raw_name, publication_city, "
                    "prefecture, province, lon, lat, is_control, is_stopped, "
                    "CAST(stop_date AS DATE), batch_id FROM _st")
    finally:
        con.unregister("_st")
    s = BatchSummary(file=info.name, kind="stations", outcome="loaded", batch_id=bid,
                     rows_read=len(df), rows_stored=len(df),
                     message=f"encoding {meta['encoding']}")
    s.flags = {"stopped": int(df.is_stopped.sum()), "control": int(df.is_control.sum()),
               "no coordinates": int((df.lon.isna() | df.lat.isna()).sum())}
    s.rows_flagged = int((df.is_stopped | df.is_control).sum())
    if n_old:
        s.superseded.append({"stations_replaced": n_old})
    record_batch(con, bid, "stations", info, s, started)
    if province is not None:
        sync_province(con, province)
    return s


def ingest_table(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], mapping: dict, *,
                 long: bool = False, hour_beginning: bool = False,
                 unknown_stations: str = "error", quality: str = "flag",
                 progress: Progress = None) -> list[BatchSummary]:
    """Ingest generic CSV / Parquet / Excel tables through a column map."""
    files = [Path(p) for p in paths]

    def work():
        out = []
        for f in files:
            if not f.exists():
                raise IngestError(str(f), "no such file")
            info = file_info(f)
            prev = already_loaded(con, "table", info.sha256)
            if prev is not None:
                out.append(BatchSummary(file=f.name, kind="table", outcome="already loaded",
                                        batch_id=prev, message=f"same content as batch {prev}"))
            else:
                tbl, meta = read_table(con, f, mapping, long=long, hour_beginning=hour_beginning)
                s = store_air_table(con, tbl, [info], "table",
                                    unknown_stations=unknown_stations, quality=quality)[0]
                s.rows_read = meta["lines"]
                out.append(s)
            if progress:
                progress(f.name)
        return out

    return in_transaction(con, work)


@dataclass(frozen=True)
class ParsedFile:
    """One file read and validated by :func:`parse_file`, ready for :func:`store_parsed`."""

    kind: str            # cnemc_sites | cnemc_cities | stations | table
    info: FileInfo
    data: object         # an Arrow table (a pandas frame for the station list)
    meta: dict


def parsed_kind(kind: str, name: str) -> str:
    """The batch kind :func:`parse_file` gives a file named ``name`` uploaded as ``kind``
    (``cnemc``: ``cnemc_cities`` or ``cnemc_sites`` by the name)."""
    if kind in ("stations", "table"):
        return kind
    return "cnemc_cities" if _CITIES.search(name) else "cnemc_sites"


def _already(info: FileInfo, kind: str, prev: int) -> BatchSummary:
    return BatchSummary(file=info.name, kind=kind, outcome="already loaded", batch_id=prev,
                        message=f"same content as batch {prev}")


def loaded_before(con: duckdb.DuckDBPyConnection, kind: str, info: FileInfo
                  ) -> BatchSummary | None:
    """The "already loaded" summary :func:`store_parsed` would give a file of upload kind
    ``kind`` whose content was loaded before — found without reading the file (its sha256 in
    ``info``, :func:`~qingshan.store.batches.file_info`) — or None (not loaded: parse it)."""
    pk = parsed_kind(kind, info.name)
    try:
        prev = already_loaded(con, pk, info.sha256)
    except duckdb.CatalogException:        # a store without batches yet
        return None
    return None if prev is None else _already(info, pk, prev)


def parse_file(kind: str, path: str | Path, scratch: duckdb.DuckDBPyConnection, *,
               mapping: dict | None = None, long: bool = False,
               hour_beginning: bool = False, info: FileInfo | None = None) -> ParsedFile:
    """Read and validate one file without the store (``scratch``: any connection, e.g. an
    in-memory one), so that the store is needed only for the write (:func:`store_parsed`).

    ``kind``: ``cnemc`` (sites or cities by the file name, as :func:`ingest_cnemc`),
    ``stations`` or ``table`` (with ``mapping``). Raises IngestError (file, line, field).
    """
    p = Path(path)
    info = file_info(p) if info is None else info     # given: read by the caller already
    if kind == "stations":
        df, meta = read_station_list(p)
        return ParsedFile("stations", info, df, meta)
    if kind == "table":
        tbl, meta = read_table(scratch, p, mapping, long=long, hour_beginning=hour_beginning)
        return ParsedFile("table", info, tbl, meta)
    if parsed_kind(kind, p.name) == "cnemc_cities":
        tbl, meta = read_cnemc_csv(p, scratch)
        return ParsedFile("cnemc_cities", info, tbl, meta)
    tbl, metas = read_cnemc_files([p], scratch)
    return ParsedFile("cnemc_sites", info, tbl, metas[0] if metas else {"lines": 0})


def store_parsed(con: duckdb.DuckDBPyConnection, parsed: ParsedFile, *,
                 unknown_stations: str = "error", quality: str = "flag",
                 province: ProvinceConfig | None = None) -> BatchSummary:
    """Store a :func:`parse_file` result in one transaction, exactly as the ingest of the same
    file would (already-loaded content changes nothing; unknown stations, quality flags and
    supersession as :func:`~qingshan.air.ingest.loader.store_air_table`)."""
    info = parsed.info

    def work() -> BatchSummary:
        prev = already_loaded(con, parsed.kind, info.sha256)
        if prev is not None:
            return _already(info, parsed.kind, prev)
        if parsed.kind == "stations":
            return _store_stations(con, parsed.data, parsed.meta, info, province)
        if parsed.kind == "cnemc_cities":
            s = _store_cities(con, parsed.data, info)
        else:
            s = store_air_table(con, parsed.data, [info], parsed.kind,
                                unknown_stations=unknown_stations, quality=quality)[0]
        s.rows_read = parsed.meta["lines"]
        return s

    return in_transaction(con, work)
