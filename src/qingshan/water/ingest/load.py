"""Transactional, idempotent ingest of water-quality files (sections, samples, automatic
stations, coastal points and samples).

Same guarantees as the air ingest (``qingshan.air.ingest.runner``): every file of one call is read and
validated fully, then written inside ONE transaction; any error rolls everything back and is
raised as ``IngestError`` (file, line, field, reason); a file whose content was loaded before is
reported "already loaded" and changes nothing; rows with the same natural key as stored rows
replace them, and the replaced batches are recorded in ``batch_supersession``.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from qingshan.core.sqlkit import known_name, quote_ident
from qingshan.core.ingest.errors import IngestError, quote_value, quote_values
from qingshan.water.ingest.readers import (
    read_auto_csv, read_coastal_points_csv, read_samples_csv, read_sections_csv,
)
from qingshan.store.db import in_transaction
from qingshan.store.batches import (
    BatchSummary, already_loaded, file_info, new_batch_id, record_batch,
)

__all__ = ["ingest_water_sections", "ingest_water_samples", "ingest_water_auto",
           "ingest_coastal_points", "ingest_coastal_samples"]

#: the store tables this module writes (names written into SQL)
_TABLES = ("water_section", "water_sample", "coastal_point", "coastal_sample")
_SAMPLE_COLS = ["section_code", "sample_time", "parameter", "value", "unit", "below_detection",
                "detection_limit", "source", "batch_id"]




def _each_file(con, paths: Iterable[str | Path], kind: str,
               store: Callable[[Path, object], BatchSummary]) -> list[BatchSummary]:
    files = [Path(p) for p in paths]

    def work():
        out = []
        for f in files:
            if not f.is_file():
                raise IngestError(str(f), "no such file")
            t0 = _time.perf_counter()
            info = file_info(f)
            prev = already_loaded(con, kind, info.sha256)
            if prev is not None:
                out.append(BatchSummary(file=f.name, kind=kind, outcome="already loaded",
                                        batch_id=prev, message=f"same content as batch {prev}"))
                continue
            s = store(f, info)
            s.seconds = _time.perf_counter() - t0
            out.append(s)
        return out

    return in_transaction(con, work)


def _upsert(con, table: str, new: str, keys: list[str], compare: list[str], bid: int,
            summary: BatchSummary) -> None:
    """Replace stored rows of ``table`` having the keys of rows in view ``new``; record which
    batches were superseded (rows replaced, rows whose compared values changed)."""
    # table, view and column names are this module's constants; quoted all the same
    t, v = quote_ident(known_name(table, _TABLES)), quote_ident(new)
    on = " AND ".join(f"o.{quote_ident(k)} = n.{quote_ident(k)}" for k in keys)
    same = " AND ".join(f"o.{quote_ident(c)} IS NOT DISTINCT FROM n.{quote_ident(c)}"
                        for c in compare) or "true"
    sup = con.execute(f"SELECT o.batch_id, count(*), count(*) FILTER (WHERE NOT ({same})) "
                      f"FROM {t} o JOIN {v} n ON {on} GROUP BY o.batch_id "
                      "ORDER BY o.batch_id").fetchall()
    for old, n, changed in sup:
        con.execute("INSERT INTO batch_supersession VALUES (?, ?, ?, ?)", [bid, old, n, changed])
        summary.superseded.append({"batch_id": old, "rows_replaced": n, "rows_changed": changed})
    if sup:
        con.execute(f"DELETE FROM {t} o USING {v} n WHERE {on}")


def _city_codes(con, names: pd.Series, file: str, lines: pd.Series) -> pd.Series:
    cities = con.execute("SELECT code, name_zh, short_zh, name_en FROM city").fetchall()
    look = {}
    for row in cities:
        for v in row:
            look[str(v)] = row[0]
            look[str(v).lower()] = row[0]
    out = names.map(lambda s: look.get(s, look.get(str(s).lower())) if s else None)
    bad = out.isna() & (names != "")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise IngestError(file, f"unknown city"
                          f" {quote_value(names.iloc[i])} (not in the province config)",
                          line=int(lines.iloc[i]), field="city")
    return out


def ingest_water_sections(con: duckdb.DuckDBPyConnection, path: str | Path) -> BatchSummary:
    """Load (or update) the section table; a section's targets are replaced by the file's."""

    def store(f: Path, info) -> BatchSummary:
        started = datetime.now()
        sec, tg, meta = read_sections_csv(f)
        sec["city_code"] = _city_codes(con, sec["city"], f.name, sec["line"])
        bid = new_batch_id(con)
        s = BatchSummary(file=f.name, kind="water_sections", outcome="loaded", batch_id=bid,
                         rows_read=len(sec), rows_stored=len(sec))
        sec["batch_id"] = bid
        tg["batch_id"] = bid
        con.register("_ws_new", sec)
        con.register("_wt_new", tg)
        try:
            _upsert(con, "water_section", "_ws_new", ["code"],
                    ["name", "basin", "water_body", "city_code"], bid, s)
            con.execute("INSERT INTO water_section SELECT code, name, nullif(basin, ''), "
                        "nullif(river, ''), water_body, city_code, nullif(control_level, ''), "
                        "drinking_source, supply_volume, lon, lat, batch_id FROM _ws_new")
            con.execute("DELETE FROM water_section_target WHERE section_code IN "
                        "(SELECT code FROM _ws_new)")
            con.execute("INSERT INTO water_section_target SELECT section_code, year, "
                        "target_class, batch_id FROM _wt_new")
        finally:
            con.unregister("_ws_new")
            con.unregister("_wt_new")
        s.flags = {"lakes/reservoirs": int((sec.water_body == "lake").sum()),
                   "water body not given": int(sec.water_body.isna().sum()),
                   "drinking-water sources": int(sec.drinking_source.sum())}
        s.message = f"encoding {meta['encoding']}; {len(tg)} target rows"
        record_batch(con, bid, "water_sections", info, s, started)
        return s

    return _each_file(con, [path], "water_sections", store)[0]


def _store_samples(con, df: pd.DataFrame, info, kind: str, source: str, table: str,
                   key: str, unknown: str, meta: dict, started) -> BatchSummary:
    ref = "water_section" if table == "water_sample" else "coastal_point"
    known = {r[0] for r in con.execute(
        f"SELECT code FROM {quote_ident(known_name(ref, _TABLES))}").fetchall()}
    miss = ~df["section_code"].isin(known)
    if miss.any() and unknown == "error":
        i = int(miss.to_numpy().nonzero()[0][0])
        what = "section" if ref == "water_section" else "point"
        raise IngestError(info.name, f"unknown {what} {quote_value(df['section_code'].iloc[i])} "
                          f"(load the {ref} table first)",
                          line=int(df["line"].iloc[i]), field="section")
    bid = new_batch_id(con)
    s = BatchSummary(file=info.name, kind=kind, outcome="loaded", batch_id=bid,
                     rows_read=meta["lines"] - 1)
    if miss.any():
        s.skipped["unknown section"] = int(miss.sum())
        df = df[~miss]
    new = df.assign(source=source, batch_id=bid)[_SAMPLE_COLS].rename(
        columns={"section_code": key})
    if table == "coastal_sample":
        new = new.drop(columns=["source"])
    con.register("_wsm_new", new)
    try:
        keys = [key, "sample_time", "parameter"] + (["source"] if table == "water_sample" else [])
        _upsert(con, table, "_wsm_new", keys, ["value", "below_detection", "detection_limit"],
                bid, s)
        con.execute(f"INSERT INTO {quote_ident(known_name(table, _TABLES))} BY NAME "
                    "SELECT * FROM _wsm_new")
    finally:
        con.unregister("_wsm_new")
    s.rows_stored = len(new)
    s.rows_flagged = int(new["below_detection"].sum())
    s.flags = {"non-detects": s.rows_flagged}
    if meta.get("duplicates"):
        s.skipped["duplicated (first kept)"] = meta["duplicates"]
    if meta.get("implausible"):
        s.skipped["implausible values dropped"] = meta["implausible"]
    s.rows_skipped = sum(s.skipped.values())
    s.message = f"encoding {meta['encoding']}"
    record_batch(con, bid, kind, info, s, started)
    return s


def ingest_water_samples(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], *,
                         unknown_sections: str = "error") -> list[BatchSummary]:
    """Load long manual samples (``unknown_sections``: 'error' or 'skip')."""

    def store(f: Path, info) -> BatchSummary:
        started = datetime.now()
        df, meta = read_samples_csv(f)
        return _store_samples(con, df, info, "water_samples", "manual", "water_sample",
                              "section_code", unknown_sections, meta, started)

    return _each_file(con, paths, "water_samples", store)


def ingest_coastal_samples(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], *,
                           unknown_points: str = "error") -> list[BatchSummary]:
    """Load long coastal samples (point code, time, parameter, value …)."""

    def store(f: Path, info) -> BatchSummary:
        started = datetime.now()
        df, meta = read_samples_csv(f)
        return _store_samples(con, df, info, "coastal_samples", "manual", "coastal_sample",
                              "point_code", unknown_points, meta, started)

    return _each_file(con, paths, "coastal_samples", store)


def ingest_water_auto(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], *,
                      unknown_sections: str = "register") -> list[BatchSummary]:
    """Load automatic-station publication files.

    Sections are matched by name (and basin when several configured sections share a name).
    An unknown section is registered with code = its name and no water-body type (river limits
    then apply and outputs say so) when ``unknown_sections='register'`` (default: the published
    format carries no section codes), or is an error with ``'error'``.
    """

    def store(f: Path, info) -> BatchSummary:
        started = datetime.now()
        long, meta = read_auto_csv(f)
        con.register("_wa_in", long)
        try:
            m = con.sql("""
                SELECT DISTINCT i.section_name, i.basin,
                    (SELECT list(code ORDER BY code) FROM water_section w
                     WHERE w.name = i.section_name) AS by_name,
                    (SELECT list(code ORDER BY code) FROM water_section w
                     WHERE w.name = i.section_name AND w.basin = i.basin) AS by_basin,
                    min(i.line) OVER (PARTITION BY i.section_name, i.basin) AS line
                FROM _wa_in i""").fetchall()
        finally:
            con.unregister("_wa_in")
        codes, new_sections = {}, []
        for name, basin, by_name, by_basin, line in m:  # one iteration per distinct section
            cands = by_basin or by_name or []
            if len(cands) == 1:
                codes[(name, basin)] = cands[0]
            elif len(cands) > 1:
                raise IngestError(f.name, f"section name {quote_value(name)} matches several "
                                  f"configured sections {quote_values(cands)}", line=int(line),
                                  field="断面名称")
            elif unknown_sections == "error":
                raise IngestError(f.name, f"unknown section {quote_value(name)}", line=int(line),
                                  field="断面名称")
            else:
                codes[(name, basin)] = name
                new_sections.append((name, basin))
        long["section_code"] = [codes[k] for k in zip(long.section_name, long.basin)]
        bid = new_batch_id(con)
        s = BatchSummary(file=f.name, kind="water_auto", outcome="loaded", batch_id=bid,
                         rows_read=meta["records"])
        reg = pd.DataFrame(sorted(set(new_sections)), columns=["code", "basin"]) \
            .drop_duplicates("code")
        if len(reg):
            reg["batch_id"] = bid
            con.register("_wa_reg", reg)
            con.execute("INSERT INTO water_section (code, name, basin, batch_id) SELECT code, "
                        "code, nullif(basin, ''), batch_id FROM _wa_reg WHERE code NOT IN "
                        "(SELECT code FROM water_section)")
            con.unregister("_wa_reg")
            s.flags["sections registered (river assumed)"] = len(reg)
        vals = long[long.parameter.notna()].assign(below_detection=False, detection_limit=None,
                                                   source="auto", batch_id=bid)[_SAMPLE_COLS]
        pub = long.drop_duplicates(["section_code", "sample_time"])[
            ["section_code", "sample_time", "published_class"]].assign(batch_id=bid)
        con.register("_wa_new", vals)
        con.register("_wa_pub", pub)
        try:
            _upsert(con, "water_sample", "_wa_new", ["section_code", "sample_time", "parameter",
                                                      "source"], ["value"], bid, s)
            con.execute("INSERT INTO water_sample BY NAME SELECT * FROM _wa_new")
            con.execute("DELETE FROM water_auto_published o USING _wa_pub n WHERE "
                        "o.section_code = n.section_code AND o.sample_time = n.sample_time")
            con.execute("INSERT INTO water_auto_published BY NAME SELECT * FROM _wa_pub")
        finally:
            con.unregister("_wa_new")
            con.unregister("_wa_pub")
        s.rows_stored = len(vals)
        if meta["duplicates"]:
            s.skipped["duplicated section-time (first kept)"] = meta["duplicates"]
        if meta["records_without_values"]:
            s.flags["records without any value"] = meta["records_without_values"]
        if meta["implausible"]:
            s.skipped["implausible values dropped"] = meta["implausible"]
        s.rows_skipped = meta["duplicates"] + meta["implausible"]
        s.message = f"encoding {meta['encoding']}; {len(pub)} station-times, {len(vals)} values"
        record_batch(con, bid, "water_auto", info, s, started)
        return s

    return _each_file(con, paths, "water_auto", store)


def ingest_coastal_points(con: duckdb.DuckDBPyConnection, path: str | Path) -> BatchSummary:
    """Load (or update) coastal sampling points with their functional-zone class and area."""

    def store(f: Path, info) -> BatchSummary:
        started = datetime.now()
        pts, meta = read_coastal_points_csv(f)
        pts["city_code"] = _city_codes(con, pts["city"], f.name, pts["line"])
        bid = new_batch_id(con)
        s = BatchSummary(file=f.name, kind="coastal_points", outcome="loaded", batch_id=bid,
                         rows_read=len(pts), rows_stored=len(pts))
        pts["batch_id"] = bid
        con.register("_cp_new", pts)
        try:
            _upsert(con, "coastal_point", "_cp_new", ["code"], ["zone_class", "area_km2"], bid, s)
            con.execute("INSERT INTO coastal_point SELECT code, name, city_code, zone_class, "
                        "area_km2, lon, lat, batch_id FROM _cp_new")
        finally:
            con.unregister("_cp_new")
        s.flags = {"without area": int(pts.area_km2.isna().sum())}
        record_batch(con, bid, "coastal_points", info, s, started)
        return s

    return _each_file(con, [path], "coastal_points", store)[0]
