"""``qingshan air aqi``: HJ 633 AQI calculator over a CSV/Parquet file of concentrations.

Runs :mod:`qingshan.air.engine.aqi` SQL in an in-memory DuckDB; no store needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer

from qingshan.core.sqlkit import quote_ident
from qingshan.air.engine.aqi import daily_aqi_sql, hourly_aqi_sql

__all__ = ["aqi_cmd", "compute_file", "REQUIRED_COLUMNS"]

#: input columns per (mode, version); absent columns are treated as all-missing
REQUIRED_COLUMNS = {
    ("hourly", "2012"): ("so2", "no2", "co", "o3", "pm10", "pm25"),
    ("hourly", "2026"): ("so2", "no2", "co", "o3", "pm10", "pm25"),
    ("daily", "2012"): ("so2", "no2", "co", "pm10", "pm25", "o3_8h_max", "o3_1h_max"),
    ("daily", "2026"): ("so2", "no2", "co", "pm10", "pm25", "o3_8h_max"),
}
_LITERAL_EXTRA = ("pm10_24h", "pm25_24h", "o3_8h")


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyRelation:
    """The input file as a relation (the path is a value, never SQL text)."""
    if path.suffix.lower() == ".parquet":
        return con.read_parquet(str(path))
    if path.suffix.lower() == ".csv":
        return con.read_csv(str(path), header=True, na_values=["", "NA", "NaN", "—", "-"])
    raise typer.BadParameter(f"{path}: expected a .csv or .parquet file")


def compute_file(input: Path, output: Path, standard: str = "hj633-2026", mode: str = "hourly",
                 definition: str = "cnemc", round_inputs: bool | None = None,
                 not_in_plan: tuple[str, ...] = ()) -> int:
    """Compute AQI for every row of ``input`` and write ``output``; returns the row count."""
    version = {"hj633-2012": "2012", "hj633-2026": "2026"}.get(standard)
    if version is None:
        raise typer.BadParameter("--standard must be hj633-2012 or hj633-2026")
    # the same input rounding as `air assess` for either standard: GB/T 8170, integer µg/m³,
    # CO 0.1 mg/m³ (HJ 633-2026 §4.2.2 requires it; assess rounds 2012 daily and hourly values
    # the same way, as CNEMC published them)
    round_inputs = True if round_inputs is None else round_inputs
    if mode not in ("hourly", "daily"):
        raise typer.BadParameter("--mode must be hourly or daily")
    if definition not in ("cnemc", "literal"):
        raise typer.BadParameter("--definition must be cnemc or literal")
    if definition == "literal" and (version != "2012" or mode != "hourly"):
        raise typer.BadParameter("--definition literal applies to hj633-2012 hourly only")
    con = duckdb.connect(":memory:")
    if output.suffix.lower() not in (".parquet", ".csv"):
        raise typer.BadParameter(f"{output}: expected a .csv or .parquet file")
    con.register("_input_file", _read(con, input))
    con.execute("CREATE TABLE input AS SELECT * FROM _input_file")
    con.unregister("_input_file")
    have = {r[0].lower() for r in con.sql("DESCRIBE input").fetchall()}
    need = list(REQUIRED_COLUMNS[(mode, version)])
    if definition == "literal":
        need += _LITERAL_EXTRA
    absent = [c for c in need if c not in have]
    # need/absent: the engine's column names; keep: the file's own column names (quoted)
    cols = ", ".join([f"TRY_CAST({quote_ident(c)} AS DOUBLE) AS {quote_ident(c)}"
                      for c in need if c in have]
                     + [f"CAST(NULL AS DOUBLE) AS {quote_ident(c)}" for c in absent])
    keep = [r[0] for r in con.sql("DESCRIBE input").fetchall() if r[0].lower() not in need
            and r[0].lower() != "so2_24h"]
    if "so2_24h" in have:
        cols += ", TRY_CAST(so2_24h AS DOUBLE) AS so2_24h"
    keep_sql = "".join(f"{quote_ident(c)}, " for c in keep)
    src = f"(SELECT {keep_sql}{cols} FROM input)"
    if mode == "hourly":
        sql = hourly_aqi_sql(src, version, definition, so2_24h="so2_24h" in have,
                             round_inputs=round_inputs, not_in_plan=tuple(not_in_plan))
    else:
        sql = daily_aqi_sql(src, version, round_inputs=round_inputs,
                            not_in_plan=tuple(not_in_plan))
    con.execute(f"CREATE TABLE result AS {sql}")
    # the output path is a value: written through the relation API, never SQL text
    if output.suffix.lower() == ".parquet":
        con.table("result").write_parquet(str(output))
    else:
        from qingshan.core.exportsafe import duckdb_to_csv  # formula-safe CSV (OWASP)
        duckdb_to_csv(con, "SELECT * FROM result", output)
    return int(con.sql("SELECT count(*) FROM result").fetchall()[0][0])


def aqi_cmd(
    input: Annotated[Path, typer.Option("--input", "-i", help="CSV or Parquet of concentrations "
                                        "(µg/m³, CO mg/m³)", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="result file (.csv or .parquet)")],
    standard: Annotated[str, typer.Option("--standard", help="hj633-2012 or hj633-2026")]
    = "hj633-2026",
    mode: Annotated[str, typer.Option("--mode", help="hourly (real-time report) or daily")]
    = "hourly",
    definition: Annotated[str, typer.Option("--definition", help="hourly 2012: cnemc (1-h values, "
                                            "as CNEMC published) or literal (Table 4 reading)")]
    = "cnemc",
    round_inputs: Annotated[bool | None, typer.Option(
        "--round-inputs/--no-round-inputs", help="GB/T 8170 input rounding, integer µg/m³ and "
        "CO 0.1 mg/m³ (default: on for both standards, as air assess rounds; hj633-2026 "
        "§4.2.2)")] = None,
    not_in_plan: Annotated[list[str] | None, typer.Option(
        "--not-in-plan", help="hj633-2026 §5.3.2: indicator not in the monitoring plan (so2, "
        "no2, co, o3, o3_8h, pm10, pm25; repeatable); its absence does not make the AQI NA")]
    = None,
) -> None:
    """HJ 633 AQI of every row: IAQIs, AQI, primary pollutant, level, category, colour.

    Hourly columns: so2, no2, co, o3, pm10, pm25 (optional so2_24h; literal: pm10_24h, pm25_24h,
    o3_8h). Daily columns: so2, no2, co, pm10, pm25, o3_8h_max (+ o3_1h_max for hj633-2012).
    Missing cells and absent columns are allowed; other columns are passed through.

    Example: qingshan air aqi --input conc.csv --output aqi.csv --standard hj633-2012 --mode hourly
    """
    try:
        n = compute_file(input, output, standard, mode, definition, round_inputs,
                         tuple(not_in_plan or ()))
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    typer.echo(f"wrote {n} rows to {output}")
