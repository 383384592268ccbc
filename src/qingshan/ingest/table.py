"""Reader of generic hourly air tables (CSV, Parquet, Excel), wide or long, with a column map.

The map names, for each canonical field, the source column and optionally its unit:
``station=station,year=year,month=month,day=day,hour=hour,pm25=PM2.5,co=CO:ug/m3`` (wide) or
``station=site,time=ts,pollutant=param,value=val`` (long, with ``--long``). Time comes from one
``time`` column or from ``year, month, day, hour``. Units are converted once, here, to the
canonical units (µg/m³; CO mg/m³). Long tables may carry a ``unit`` column instead.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from qingshan.ingest.cnemc import HOURLY_COLUMNS
from qingshan.ingest.errors import IngestError

__all__ = ["parse_map", "read_table", "UNIT_FACTORS", "POLLUTANT_ALIASES"]

#: factor to canonical unit: canonical is µg/m³ except CO in mg/m³
UNIT_FACTORS = {
    ("co", "mg/m3"): 1.0, ("co", "ug/m3"): 0.001,
    **{(p, "ug/m3"): 1.0 for p in HOURLY_COLUMNS if p != "co"},
    **{(p, "mg/m3"): 1000.0 for p in HOURLY_COLUMNS if p != "co"},
}
_UNIT_ALIASES = {"µg/m3": "ug/m3", "μg/m3": "ug/m3", "µg/m³": "ug/m3", "μg/m³": "ug/m3",
                 "ug/m³": "ug/m3", "mg/m³": "mg/m3"}
POLLUTANT_ALIASES = {"pm2.5": "pm25", "pm25": "pm25", "pm10": "pm10", "so2": "so2", "no2": "no2",
                     "co": "co", "o3": "o3"}
_KEYS = {"station", "time", "year", "month", "day", "hour", "pollutant", "value", "unit"}


def _norm_unit(u: str) -> str:
    u = u.strip()
    return _UNIT_ALIASES.get(u, u).lower()


def parse_map(spec: str) -> dict[str, tuple[str, str | None]]:
    """``"pm25=PM2.5,co=CO:ug/m3"`` → ``{"pm25": ("PM2.5", None), "co": ("CO", "ug/m3")}``."""
    out: dict[str, tuple[str, str | None]] = {}
    for part in filter(None, (x.strip() for x in spec.split(","))):
        if "=" not in part:
            raise ValueError(f"map entry {part!r} is not canonical=source[:unit]")
        k, v = (s.strip() for s in part.split("=", 1))
        k = POLLUTANT_ALIASES.get(k.lower(), k.lower())
        if k not in _KEYS and k not in HOURLY_COLUMNS:
            raise ValueError(f"unknown canonical field {k!r}; known: "
                             f"{sorted(_KEYS | set(HOURLY_COLUMNS))}")
        src, unit = (v.rsplit(":", 1) + [None])[:2] if ":" in v else (v, None)
        if unit is not None:
            unit = _norm_unit(unit)
            if k in HOURLY_COLUMNS and (k, unit) not in UNIT_FACTORS:
                raise ValueError(f"unit {unit!r} not supported for {k}")
        out[k] = (src, unit)
    if "station" not in out:
        raise ValueError("the map needs station=<column>")
    if "time" not in out and not {"year", "month", "day", "hour"} <= set(out):
        raise ValueError("the map needs time=<column> or year, month, day and hour")
    return out


def _load(con: duckdb.DuckDBPyConnection, p: Path) -> pa.Table:
    suf = p.suffix.lower()
    if suf in (".csv", ".txt"):
        import pyarrow.csv as pacsv
        try:
            t = pacsv.read_csv(p, convert_options=pacsv.ConvertOptions(
                strings_can_be_null=True, null_values=["", "NA", "NaN", "--", "null"],
                auto_dict_encode=False))
        except pa.ArrowInvalid as e:
            raise IngestError(p.name, f"malformed CSV: {str(e).splitlines()[0]}") from None
        first_line = 2
    elif suf == ".parquet":
        import pyarrow.parquet as pq
        t, first_line = pq.read_table(p), 1
    elif suf in (".xlsx", ".xls"):
        import pandas as pd
        t, first_line = pa.Table.from_pandas(pd.read_excel(p), preserve_index=False), 2
    else:
        raise IngestError(p.name, f"unsupported file type {suf!r} (csv, parquet, xlsx)")
    return t.append_column("_line", pa.array(range(first_line, first_line + t.num_rows),
                                             pa.int64()))


def _as_strings(t: pa.Table) -> pa.Table:
    """Every column as text, for uniform, line-aware validation (the general path)."""
    return pa.table({n: t[n] if n == "_line" else t[n].cast(pa.string()) for n in t.column_names})


def _typed_wide(raw: pa.Table, mapping: dict) -> bool:
    """True when a wide table needs no text parsing: numeric pollutant columns and a typed time
    (timestamp, or integer year/month/day/hour) — e.g. Parquet written by another system."""
    num = lambda c: pa.types.is_integer(raw.schema.field(c).type) or \
        pa.types.is_floating(raw.schema.field(c).type)  # noqa: E731
    pols = [mapping[c][0] for c in HOURLY_COLUMNS if c in mapping]
    if not pols or not all(num(c) for c in pols):
        return False
    if "time" in mapping:
        return pa.types.is_timestamp(raw.schema.field(mapping["time"][0]).type)
    return all(pa.types.is_integer(raw.schema.field(mapping[k][0]).type)
               for k in ("year", "month", "day", "hour"))


def _read_typed_wide(con, p: Path, raw: pa.Table, mapping: dict, hour_beginning: bool
                     ) -> pa.Table:
    """Fast path of :func:`read_table` for typed wide tables: one SELECT, no reshaping.

    Same output and rules as the general path: unit factors applied once, NaN = missing, rows
    with no value dropped, a repeated station-hour numbered ``occ`` 2, 3 … in file order.
    """
    q = lambda k: '"' + mapping[k][0].replace('"', '""') + '"'  # noqa: E731
    shift = " + INTERVAL 1 HOUR" if hour_beginning else ""
    if "time" in mapping:
        time_sql, time_src = f"CAST({q('time')} AS TIMESTAMP){shift}", mapping["time"][0]
    else:
        time_sql = (f"CAST(make_timestamp({q('year')}, {q('month')}, {q('day')}, 0, 0, 0) "
                    f"+ to_hours(CAST({q('hour')} AS BIGINT)) AS TIMESTAMP){shift}")
        time_src = mapping["hour"][0]
    pols = [c for c in HOURLY_COLUMNS if c in mapping]
    vals = []
    for c in pols:
        unit = mapping[c][1] or ("mg/m3" if c == "co" else "ug/m3")
        x = f"CAST({q(c)} AS DOUBLE)"
        vals.append(f"CASE WHEN isnan({x}) THEN NULL ELSE {x} * {UNIT_FACTORS[(c, unit)]} END "
                    f"AS {c}")
    con.register("_ttyp", raw)
    try:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _tw AS
            SELECT _line AS line, trim(CAST({q('station')} AS VARCHAR)) AS code,
                   {time_sql} AS time, {', '.join(vals)} FROM _ttyp""")
        bad = con.execute("SELECT line, CASE WHEN code IS NULL OR code = '' THEN 's' ELSE 't' "
                          "END, count(*) OVER () FROM _tw WHERE code IS NULL OR code = '' "
                          "OR time IS NULL ORDER BY line LIMIT 1").fetchall()
        if bad:
            line, what, n = bad[0]
            raise IngestError(p.name, "missing station" if what == "s" else
                              "time cannot be parsed", line=line,
                              field=mapping["station"][0] if what == "s" else time_src,
                              more=n - 1)
        any_val = " OR ".join(f"{c} IS NOT NULL" for c in pols)
        dups = con.execute(f"SELECT count(*) FROM (SELECT code, time FROM _tw WHERE {any_val} "
                           "GROUP BY code, time HAVING count(*) > 1)").fetchall()[0][0]
        occ = ("row_number() OVER (PARTITION BY code, time ORDER BY line)" if dups else "1")
        return con.sql(f"SELECT code, time, {', '.join(pols)}, line, "
                       f"CAST({occ} AS BIGINT) AS occ FROM _tw WHERE {any_val}").to_arrow_table()
    finally:
        con.unregister("_ttyp")
        con.execute("DROP TABLE IF EXISTS _tw")


def read_table(con: duckdb.DuckDBPyConnection, path: str | Path, mapping: dict,
               long: bool = False, hour_beginning: bool = False) -> tuple[pa.Table, dict]:
    """Read a generic table into the canonical hourly shape. Returns (table, metadata).

    ``hour_beginning``: the source stamps an hour at its start; stored stamps are hour-ending
    (+1 h). Raises IngestError naming the line and source column of the first bad value.
    """
    p = Path(path)
    raw = _load(con, p)
    missing = [src for src, _ in mapping.values() if src not in raw.column_names]
    if missing:
        raise IngestError(p.name, f"column(s) {missing} named in the map are not in the file "
                                  f"(columns: {raw.column_names})", line=1)
    if not long and _typed_wide(raw, mapping):
        tbl = _read_typed_wide(con, p, raw, mapping, hour_beginning)
        return tbl, {"file": p.name, "rows": tbl.num_rows, "lines": raw.num_rows}
    raw = _as_strings(raw)
    con.register("_traw", raw)
    q = lambda k: '"' + mapping[k][0].replace('"', '""') + '"'  # noqa: E731
    shift = " + INTERVAL 1 HOUR" if hour_beginning else ""
    if "time" in mapping:
        time_sql = f"try_cast({q('time')} AS TIMESTAMP){shift}"
        time_src = mapping["time"][0]
    else:
        time_sql = (f"try_cast(make_timestamp(try_cast({q('year')} AS BIGINT), "
                    f"try_cast({q('month')} AS BIGINT), try_cast({q('day')} AS BIGINT), 0, 0, 0) "
                    f"+ to_hours(try_cast({q('hour')} AS BIGINT)) AS TIMESTAMP){shift}")
        time_src = mapping["hour"][0]
    try:
        if long:
            for k in ("pollutant", "value"):
                if k not in mapping:
                    raise IngestError(p.name, f"a long table needs {k}=<column> in the map")
            unit_sql = f"lower(trim({q('unit')}))" if "unit" in mapping else "NULL"
            base = (f"SELECT _line, trim({q('station')}) AS code, {time_sql} AS time, "
                    f"lower(trim({q('pollutant')})) AS pol, trim({q('value')}) AS v, "
                    f"{unit_sql} AS unit FROM _traw")
        else:
            pols = [c for c in HOURLY_COLUMNS if c in mapping]
            if not pols:
                raise IngestError(p.name, "the map names no pollutant column")
            unions = " UNION ALL ".join(
                f"SELECT _line, trim({q('station')}) AS code, {time_sql} AS time, '{c}' AS pol, "
                f"trim({q(c)}) AS v, '{mapping[c][1] or ''}' AS unit, '{mapping[c][0]}' AS src "
                f"FROM _traw" for c in pols)
            base = unions
        con.execute(f"CREATE OR REPLACE TEMP TABLE _tl AS SELECT * FROM ({base})")
        # validation: station, time, value
        bad = con.execute(
            f"""SELECT _line, CASE WHEN code IS NULL OR code = '' THEN 'station'
                                   WHEN time IS NULL THEN 'time' ELSE 'value' END, v,
                       count(*) OVER ()
                FROM _tl WHERE code IS NULL OR code = '' OR time IS NULL
                   OR (v IS NOT NULL AND v <> '' AND try_cast(v AS DOUBLE) IS NULL)
                ORDER BY _line LIMIT 1""").fetchall()
        bad = bad[0] if bad else None
        if bad:
            fld = {"station": mapping["station"][0], "time": time_src}.get(bad[1])
            if bad[1] == "value":
                fld = mapping["value"][0] if long else con.execute(
                    f"SELECT src FROM _tl WHERE _line = {bad[0]} AND v = ? LIMIT 1",
                    [bad[2]]).fetchall()[0][0]
                reason = f"not a number: {bad[2]!r}"
            else:
                reason = "missing station" if bad[1] == "station" else "time cannot be parsed"
            raise IngestError(p.name, reason, line=bad[0], field=fld, more=bad[3] - 1)
        # pollutant names and units (long) / declared units (wide)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _tl2 AS
            SELECT _tl.*, coalesce(a.canon, _tl.pol) AS canon FROM _tl
            LEFT JOIN (SELECT unnest(?) AS alias, unnest(?) AS canon) a ON a.alias = _tl.pol""",
                    [list(POLLUTANT_ALIASES), list(POLLUTANT_ALIASES.values())])
        badp = con.execute("SELECT _line, pol FROM _tl2 WHERE canon NOT IN (SELECT unnest(?)) "
                           "ORDER BY _line LIMIT 1", [HOURLY_COLUMNS]).fetchall()
        badp = badp[0] if badp else None
        if badp:
            raise IngestError(p.name, f"unknown pollutant {badp[1]!r}", line=badp[0],
                              field=mapping["pollutant"][0])
        fac = [(k[0], k[1], v) for k, v in UNIT_FACTORS.items()]
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _tl3 AS
            SELECT _tl2.*, f.factor FROM _tl2 LEFT JOIN
              (SELECT unnest(?) AS p, unnest(?) AS u, unnest(?) AS factor) f
              ON f.p = _tl2.canon AND f.u = CASE WHEN coalesce(_tl2.unit, '') = ''
                  THEN (CASE WHEN _tl2.canon = 'co' THEN 'mg/m3' ELSE 'ug/m3' END)
                  ELSE replace(replace(replace(_tl2.unit, 'µ', 'u'), 'μ', 'u'), '³', '3') END""",
                    [[x[0] for x in fac], [x[1] for x in fac], [x[2] for x in fac]])
        badu = con.execute("SELECT _line, unit FROM _tl3 WHERE factor IS NULL ORDER BY _line "
                           "LIMIT 1").fetchall()
        badu = badu[0] if badu else None
        if badu:
            raise IngestError(p.name, f"unsupported unit {badu[1]!r}", line=badu[0],
                              field=mapping.get("unit", ("unit",))[0])
        pivots = ", ".join(
            f"max(try_cast(v AS DOUBLE) * factor) FILTER (WHERE canon = '{c}') AS {c}"
            for c in HOURLY_COLUMNS)
        tbl = con.sql(f"""
            WITH n AS (SELECT *, row_number() OVER (PARTITION BY code, time, canon ORDER BY _line)
                              AS occ FROM _tl3
                       WHERE v IS NOT NULL AND v <> '')
            SELECT code, time, {pivots}, min(_line) AS line, occ
            FROM n GROUP BY code, time, occ ORDER BY code, time, occ""").to_arrow_table()
    finally:
        con.unregister("_traw")
        for t in ("_tl", "_tl2", "_tl3"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
    return tbl, {"file": p.name, "rows": tbl.num_rows, "lines": raw.num_rows}
