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

from qingshan.config.settings import get_settings
from qingshan.core.sqlkit import known_name, quote_ident
from qingshan.air.ingest.cnemc import HOURLY_COLUMNS
from qingshan.core.ingest.errors import IngestError, clip_text, limit_error, quote_value, quote_values
from qingshan.core.ingest.limits import check_csv, check_parquet, check_xlsx

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
        try:
            quote_ident(src)   # a source column must be usable as a (quoted) SQL name
        except ValueError as e:
            raise ValueError(f"map entry for {k!r}: source column {str(e)[7:]}") from None
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
    """The file as an Arrow table plus ``_line``, after the input limits were checked."""
    suf = p.suffix.lower()
    if suf in (".csv", ".txt"):
        import pyarrow.csv as pacsv
        check_csv(p)
        # every line fits max_line_bytes (checked), so it fits one parser block
        block = min(max(1 << 24, get_settings().max_line_bytes + 2), 1 << 30)
        try:
            t = pacsv.read_csv(p, read_options=pacsv.ReadOptions(block_size=block),
                               convert_options=pacsv.ConvertOptions(
                strings_can_be_null=True, null_values=["", "NA", "NaN", "--", "null"],
                auto_dict_encode=False))
        except (pa.ArrowInvalid, UnicodeDecodeError) as e:
            raise IngestError(p.name, f"malformed CSV: {clip_text(str(e))}") from None
        first_line = 2
    elif suf == ".parquet":
        import pyarrow.parquet as pq
        check_parquet(p)
        try:
            t, first_line = pq.read_table(p), 1
        except (pa.ArrowInvalid, OSError) as e:
            raise IngestError(p.name, f"unreadable Parquet file: {clip_text(str(e))}") from None
    elif suf in (".xlsx", ".xlsm"):
        t, first_line = _read_xlsx(p), 2
    elif suf == ".xls":
        raise IngestError(p.name, "legacy .xls workbooks are not read; save it as .xlsx")
    else:
        raise IngestError(p.name, f"unsupported file type {quote_value(suf)} (csv, parquet, "
                                  "xlsx)")
    if "_line" in t.column_names:
        raise IngestError(p.name, "the column name '_line' is reserved", line=1, field="_line")
    dup = sorted({c for c in t.column_names if t.column_names.count(c) > 1})
    if dup:
        raise IngestError(p.name, f"duplicate column name(s) {quote_values(dup)}", line=1)
    return t.append_column("_line", pa.array(range(first_line, first_line + t.num_rows),
                                             pa.int64()))


def _xlsx_column(values: list) -> pa.Array:
    """One workbook column: numbers, timestamps or booleans when all its cells are, else text."""
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        arr = None
    if arr is None or pa.types.is_null(arr.type) or not (
            pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)
            or pa.types.is_timestamp(arr.type) or pa.types.is_boolean(arr.type)
            or pa.types.is_string(arr.type)):
        return pa.array([None if v is None else str(v) for v in values], pa.string())
    return arr


def _read_xlsx(p: Path) -> pa.Table:
    """First sheet of a workbook, read in openpyxl's streaming (read-only) mode after the zip
    container was checked (:func:`~qingshan.core.ingest.limits.check_xlsx`); rows and columns are
    counted while streaming, so a sheet beyond the limits is refused without being kept.
    Row 1 is the header."""
    import zipfile

    import openpyxl

    check_xlsx(p)
    s = get_settings()
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise IngestError(p.name, f"not a readable xlsx workbook: {clip_text(str(e))}") from None
    try:
        if not wb.worksheets:
            raise IngestError(p.name, "the workbook has no sheet")
        ws = wb.worksheets[0]
        mc, mr = getattr(ws, "max_column", None), getattr(ws, "max_row", None)
        if isinstance(mc, int) and mc > s.max_columns:   # the sheet's declared dimension
            raise limit_error(p.name, "columns", mc, s.max_columns, "max_columns")
        if isinstance(mr, int) and mr - 1 > s.max_rows_per_file:
            raise limit_error(p.name, "data rows", mr - 1, s.max_rows_per_file,
                              "max_rows_per_file")
        rows: list[tuple] = []
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if len(row) > s.max_columns:
                n = len(row)
                while n and row[n - 1] is None:
                    n -= 1
                if n > s.max_columns:
                    raise limit_error(p.name, "columns", n, s.max_columns, "max_columns",
                                      line=i)
                row = row[:n]
            if i - 1 > s.max_rows_per_file:
                raise limit_error(p.name, "data rows", i - 1, s.max_rows_per_file,
                                  "max_rows_per_file", at_least=True)
            rows.append(row)
    finally:
        wb.close()
    if not rows:
        raise IngestError(p.name, "the first sheet is empty", line=1)
    header = [f"Unnamed: {j}" if h is None else str(h).strip() for j, h in enumerate(rows[0])]
    width = len(header)
    body = rows[1:]
    cols = {}
    for j, name in enumerate(header):
        cols[name] = _xlsx_column([r[j] if j < len(r) else None for r in body])
    if any(len(r) > width and any(v is not None for v in r[width:]) for r in body):
        raise IngestError(p.name, "a row has more cells than the header", line=next(
            k for k, r in enumerate(body, start=2)
            if len(r) > width and any(v is not None for v in r[width:])))
    if len(cols) < width:
        dup = sorted({h for h in header if header.count(h) > 1})
        raise IngestError(p.name, f"duplicate column name(s) {quote_values(dup)}", line=1)
    return pa.table(cols)


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
    q = lambda k: quote_ident(mapping[k][0])  # noqa: E731  (source columns: quoted names)
    shift = " + INTERVAL 1 HOUR" if hour_beginning else ""
    if "time" in mapping:
        time_sql, time_src = f"CAST({q('time')} AS TIMESTAMP){shift}", mapping["time"][0]
    else:
        time_sql = (f"CAST(make_timestamp({q('year')}, {q('month')}, {q('day')}, 0, 0, 0) "
                    f"+ to_hours(CAST({q('hour')} AS BIGINT)) AS TIMESTAMP){shift}")
        time_src = mapping["hour"][0]
    # canonical pollutant columns are ours (HOURLY_COLUMNS); the factor is a float of ours
    pols = [known_name(c, HOURLY_COLUMNS) for c in HOURLY_COLUMNS if c in mapping]
    vals = []
    for c in pols:
        unit = mapping[c][1] or ("mg/m3" if c == "co" else "ug/m3")
        if (c, unit) not in UNIT_FACTORS:
            raise IngestError(p.name, f"unit {quote_value(unit)} not supported for {c}")
        factor = float(UNIT_FACTORS[(c, unit)])
        x = f"CAST({q(c)} AS DOUBLE)"
        vals.append(f"CASE WHEN isnan({x}) THEN NULL ELSE {x} * {factor!r} END AS {c}")
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
    for src, _ in mapping.values():
        try:
            quote_ident(src)
        except (TypeError, ValueError) as e:
            raise IngestError(p.name, f"map source column {quote_value(src)}: {e}") from None
    missing = [src for src, _ in mapping.values() if src not in raw.column_names]
    if missing:
        cols = [c for c in raw.column_names if c != "_line"]
        raise IngestError(p.name, f"column(s) {quote_values(missing)} named in the map are not "
                                  f"in the file (columns: {quote_values(cols)})", line=1)
    if not long and _typed_wide(raw, mapping):
        tbl = _read_typed_wide(con, p, raw, mapping, hour_beginning)
        return tbl, {"file": p.name, "rows": tbl.num_rows, "lines": raw.num_rows}
    raw = _as_strings(raw)
    con.register("_traw", raw)
    q = lambda k: quote_ident(mapping[k][0])  # noqa: E731  (source columns: quoted names)
    shift = " + INTERVAL 1 HOUR" if hour_beginning else ""
    params: list = []
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
                    f"{unit_sql} AS unit, CAST(NULL AS VARCHAR) AS src FROM _traw")
        else:
            pols = [known_name(c, HOURLY_COLUMNS) for c in HOURLY_COLUMNS if c in mapping]
            if not pols:
                raise IngestError(p.name, "the map names no pollutant column")
            # pollutant names are ours (HOURLY_COLUMNS); the declared unit and the source column
            # name come from the map: bound parameters
            unions = " UNION ALL ".join(
                f"SELECT _line, trim({q('station')}) AS code, {time_sql} AS time, '{c}' AS pol, "
                f"trim({q(c)}) AS v, CAST(? AS VARCHAR) AS unit, CAST(? AS VARCHAR) AS src "
                f"FROM _traw" for c in pols)
            params = [x for c in pols for x in (mapping[c][1] or "", mapping[c][0])]
            base = unions
        con.execute(f"CREATE OR REPLACE TEMP TABLE _tl AS SELECT * FROM ({base})", params)
        # validation: station, time, value
        bad = con.execute(
            """SELECT _line, CASE WHEN code IS NULL OR code = '' THEN 'station'
                                   WHEN time IS NULL THEN 'time' ELSE 'value' END, v,
                       count(*) OVER (), src
                FROM _tl WHERE code IS NULL OR code = '' OR time IS NULL
                   OR (v IS NOT NULL AND v <> '' AND try_cast(v AS DOUBLE) IS NULL)
                ORDER BY _line, src LIMIT 1""").fetchall()
        bad = bad[0] if bad else None
        if bad:
            fld = {"station": mapping["station"][0], "time": time_src}.get(bad[1])
            if bad[1] == "value":
                fld = mapping["value"][0] if long else bad[4]
                reason = f"not a number: {quote_value(bad[2])}"
            else:
                reason = "missing station" if bad[1] == "station" else "time cannot be parsed"
            raise IngestError(p.name, reason, line=bad[0], field=fld, more=bad[3] - 1)
        # pollutant names and units (long) / declared units (wide)
        con.execute("""CREATE OR REPLACE TEMP TABLE _tl2 AS
            SELECT _tl.*, coalesce(a.canon, _tl.pol) AS canon FROM _tl
            LEFT JOIN (SELECT unnest(?) AS alias, unnest(?) AS canon) a ON a.alias = _tl.pol""",
                    [list(POLLUTANT_ALIASES), list(POLLUTANT_ALIASES.values())])
        badp = con.execute("SELECT _line, pol FROM _tl2 WHERE canon NOT IN (SELECT unnest(?)) "
                           "ORDER BY _line LIMIT 1", [HOURLY_COLUMNS]).fetchall()
        badp = badp[0] if badp else None
        if badp:
            raise IngestError(p.name, f"unknown pollutant {quote_value(badp[1])}", line=badp[0],
                              field=mapping["pollutant"][0])
        fac = [(k[0], k[1], v) for k, v in UNIT_FACTORS.items()]
        con.execute("""CREATE OR REPLACE TEMP TABLE _tl3 AS
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
            raise IngestError(p.name, f"unsupported unit {quote_value(badu[1])}", line=badu[0],
                              field=mapping.get("unit", ("unit",))[0])
        pivots = ", ".join(   # canonical pollutant names: ours
            f"max(try_cast(v AS DOUBLE) * factor) FILTER (WHERE canon = '{c}') AS {c}"
            for c in (known_name(x, HOURLY_COLUMNS) for x in HOURLY_COLUMNS))
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
