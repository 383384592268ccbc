"""``qingshan carbon …``: templates, import, demo, allocate, account, position, footprint
(thin over :mod:`qingshan.carbon.service` and :mod:`qingshan.carbon.ledger`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from qingshan.carbon import ledger, service
from qingshan.carbon.ingest import TEMPLATES, TemplateError, write_template
from qingshan.carbon.standards.switches import Switches
from qingshan.cli.common import DbOpt, ProvinceOpt, console, err_console, fail
from qingshan.config import get_settings, load_province
from qingshan.core.exportsafe import XLSX_OPTIONS, neutralise, write_csv, write_excel
from qingshan.core.ingest.errors import IngestError

__all__ = ["app"]

app = typer.Typer(help="National ETS compliance (allocation, obligations, surrenders), emission "
                       "accounting and product carbon footprints.", no_args_is_help=True)

BenchOpt = Annotated[Path | None, typer.Option(
    "--benchmarks", help="JSON {\"2023\": {\"I\": [e, h], …}} — 2023/2024 benchmark table "
                         "(spec open item 1; none ships)")]
CcerOpt = Annotated[str, typer.Option("--ccer-base", help="obligation (default) | verified")]
RoundOpt = Annotated[str, typer.Option("--rounding", help="none (default) | tonne")]
ChpOpt = Annotated[bool, typer.Option("--chp-load/--no-chp-load",
                                      help="2021–22 load correction for CHP units (open item 2)")]
TodayOpt = Annotated[str | None, typer.Option("--today", help="status as of this day "
                                                              "(YYYY-MM-DD; default today)")]
OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="write CSV/XLSX")]


def _switches(benchmarks: Path | None = None, ccer_base: str = "obligation",
              rounding: str = "none", chp_load: bool = True) -> Switches:
    table = None
    if benchmarks is not None:
        try:
            table = json.loads(benchmarks.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            fail(ValueError(f"{benchmarks}: not a readable JSON benchmark table ({e})"),
                 stored=False)
    try:
        return Switches(benchmarks_2023_2024=table, ccer_base=ccer_base, rounding=rounding,
                        load_factor_chp_2021_2022=chp_load)
    except ValueError as e:
        fail(e, stored=False)


def _settings(db):
    return get_settings(db=db) if db is not None else get_settings()


def _load(db):
    return ledger.load(_settings(db))


def _write(df: pd.DataFrame, output: Path) -> None:
    if output.suffix.lower() == ".xlsx":
        write_excel(df, output)
    else:
        write_csv(df, output, encoding="utf-8-sig")
    console.print(f"{len(df)} rows written to {output}")


def _print(df: pd.DataFrame, title: str, cols: list[str], limit: int = 60) -> None:
    t = Table(title=title)
    cols = [c for c in cols if c in df.columns]
    for c in cols:
        t.add_column(c)
    for row in df[cols].head(limit).itertuples(index=False):
        t.add_row(*["—" if v is None or (isinstance(v, float) and pd.isna(v)) else
                    f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row])
    console.print(t)


def _synthetic_note(df: pd.DataFrame) -> None:
    if "synthetic" in df and df["synthetic"].fillna(False).astype(bool).any():
        console.print("[yellow]SYNTHETIC demo data (合成示例) — no figure is real[/yellow]")


def _today(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        fail(ValueError(f"--today {text!r}: not a date YYYY-MM-DD"), stored=False)


@app.command("template")
def template_cmd(
    output_dir: Annotated[Path, typer.Option("--output-dir", "-d", help="folder to write to")
                          ] = Path("."),
    kind: Annotated[str, typer.Option(help="enterprises | units | activity | dqcp | products "
                                           "| compliance | all")
                    ] = "all",
) -> None:
    """Write the empty Excel templates (header of field keys, a 说明 sheet per field).

    Example: qingshan carbon template --output-dir templates/
    """
    kinds = list(TEMPLATES) if kind == "all" else [kind]
    if any(k not in TEMPLATES for k in kinds):
        fail(ValueError(f"--kind {kind!r}: one of {', '.join(TEMPLATES)}, all"), stored=False)
    output_dir.mkdir(parents=True, exist_ok=True)
    for k in kinds:
        console.print(f"written {write_template(k, output_dir / f'carbon_{k}.xlsx')}")


def _cli_actor(username: str | None, settings, province):
    from sqlalchemy import select

    from qingshan.accounts.models import User
    from qingshan.accounts.orgtree import OrgTree
    from qingshan.accounts.service import actor_for
    from qingshan.store.ops import session_scope, upgrade
    if not username:
        fail(PermissionError("writes need a user: --user NAME (a user of the accounts store)"))
    upgrade(settings)
    with session_scope(settings) as s:
        u = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if u is None or u.disabled:
            fail(PermissionError(f"no active user {username!r} in the accounts store"))
        return actor_for(u, OrgTree(province), via="cli")


@app.command("import")
def import_cmd(
    user: Annotated[str | None, typer.Option("--user", help="the user the import is made by")
                    ] = None,
    enterprises: Annotated[Path | None, typer.Option(help="carbon_enterprises.xlsx")] = None,
    units: Annotated[Path | None, typer.Option(help="carbon_units.xlsx")] = None,
    activity: Annotated[Path | None, typer.Option(help="carbon_activity.xlsx")] = None,
    compliance: Annotated[Path | None, typer.Option(help="carbon_compliance.xlsx")] = None,
    dqcp: Annotated[Path | None, typer.Option(help="carbon_dqcp.xlsx (data-quality-control "
                                                   "plans)")] = None,
    products: Annotated[Path | None, typer.Option(help="carbon_products.xlsx (products and "
                                                       "their bills of activities)")] = None,
    check_only: Annotated[bool, typer.Option("--check-only", help="validate, store nothing")
                          ] = False,
    db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """Validate and import filled templates in one transaction (every error named by file,
    line and field; nothing stored on any error; an audit row per table).

    Example: qingshan carbon import --user wh_staff --units carbon_units.xlsx
    """
    files = {k: p for k, p in (("enterprises", enterprises), ("units", units),
                               ("activity", activity), ("compliance", compliance),
                               ("dqcp", dqcp), ("products", products)) if p}
    if not files:
        fail(ValueError("give at least one of --enterprises, --units, --activity, --dqcp, "
                        "--products, --compliance"),
             stored=False)
    settings = _settings(db)
    prov = load_province(province or settings.province)
    try:
        data = service.read_files(files, ledger.load(settings), prov)
    except TemplateError as e:
        for line in e.lines():
            err_console.print(f"[red]error:[/red] {line}")
        fail(IngestError(e.file, f"{len(e.errors)} error(s); fix them and import again"))
    except (IngestError, OSError) as e:
        fail(e)
    if check_only:
        console.print("valid: " + ", ".join(f"{k} {len(v)} rows" for k, v in
                                           data.tables().items() if len(v)))
        return
    actor = _cli_actor(user, settings, prov)
    try:
        counts = ledger.save(data, actor, settings, source=",".join(p.name for p in
                                                                     files.values()))
    except PermissionError as e:
        fail(e)
    console.print("stored: " + ", ".join(f"{k} {n} rows" for k, n in counts.items()))


@app.command("demo")
def demo_cmd(seed: int = 7, db: DbOpt = None) -> None:
    """Load the SYNTHETIC Weihai ledger (12 power companies, 11 products of 3 companies) into
    the operational store (audit rows by the system user ``carbon-demo``).

    Example: qingshan carbon demo --db demo.duckdb
    """
    from qingshan.accounts.authz import Actor
    from qingshan.carbon.demo import demo_data
    counts = ledger.save(demo_data(seed), Actor.system("carbon-demo"), _settings(db),
                         source="synthetic demo", action="demo")
    console.print("[yellow]SYNTHETIC[/yellow] demo stored: " + ", ".join(
        f"{k} {n}" for k, n in counts.items()))


@app.command("allocate")
def allocate_cmd(vintage: Annotated[str, typer.Option(help="2019-2020, 2021, 2022, 2023, 2024")],
                 output: OutOpt = None, benchmarks: BenchOpt = None,
                 rounding: RoundOpt = "none", chp_load: ChpOpt = True, db: DbOpt = None) -> None:
    """Unit allocations of a vintage: benchmark × output × corrections + heat, 70 %
    pre-allocation and true-up, each with its rule version and provenance marks.

    Example: qingshan carbon allocate --vintage 2022 --output alloc_2022.xlsx
    """
    sw = _switches(benchmarks, rounding=rounding, chp_load=chp_load)
    try:
        df = service.allocation_table(_load(db), vintage, sw)
    except ValueError as e:
        fail(e, stored=False)
    if output:
        _write(df, output)
    _print(df, f"Allocation {vintage}", ["unit_id", "name", "category", "output_mwh", "F",
                                          "preallocation_t", "allocation_t", "true_up_t",
                                          "mark", "missing"])
    _synthetic_note(df)


@app.command("account")
def account_cmd(year: Annotated[int, typer.Option(help="reporting year")],
                output: OutOpt = None, db: DbOpt = None) -> None:
    """Emissions of every unit in a year (MEE power guideline: fuel × NCV × CC × OF × 44/12,
    purchased electricity × the grid factor of the year), intensities, monthly evidence issues.

    Example: qingshan carbon account --year 2022
    """
    try:
        t = service.accounting_tables(_load(db), year)
    except ValueError as e:
        fail(e, stored=False)
    if output:
        _write(t["annual"], output)
    _print(t["annual"], f"Emissions {year}", ["unit_id", "name", "direct_t", "indirect_t",
                                              "total_t", "supply_intensity_t_per_mwh",
                                              "default_rows", "complete"])
    issues = t["months"][t["months"]["issues"] != ""]
    console.print(f"{len(issues)} unit-months with evidence issues (defaults, late reports, "
                  "labs)")
    if "plan_check" in t:
        bad = t["plan_check"][~t["plan_check"]["calibration_ok"]]
        console.print(f"{len(bad)} plan items not calibrated at a month end; "
                      f"{len(t['plan_problems'])} plan items against the guideline")
    _synthetic_note(t["annual"])


@app.command("position")
def position_cmd(period: Annotated[str, typer.Option(help="vintage (2022) or period "
                                                          "(2021-2022)")],
                 today: TodayOpt = None, city: Annotated[str | None, typer.Option(
                     help="city code, e.g. 371000")] = None,
                 output: OutOpt = None, benchmarks: BenchOpt = None,
                 ccer_base: CcerOpt = "obligation", db: DbOpt = None) -> None:
    """Compliance position of every enterprise: obligation after relief, CCER limit,
    surrendered, surplus/deficit, status (on_time, late, not_complied, pending, incomplete),
    deadline alert, penalty estimate; and "N of M enterprises complied".

    Example: qingshan carbon position --period 2021-2022 --city 371000
    """
    sw = _switches(benchmarks, ccer_base=ccer_base)
    data, day = _load(db), _today(today)
    try:
        df = service.period_positions(data, period, day, sw)
        summ = service.city_summary(data, period, day, city, sw, positions=df)
    except ValueError as e:
        fail(e, stored=False)
    if city:
        df = df[df["city_code"] == city]
    if output:
        _write(df, output)
    _print(df, f"Compliance {period} (as of {day})",
           ["name", "vintage", "allocation_t", "verified_t", "obligation_t", "surrendered_t",
            "position_t", "status", "alert", "mark"])
    console.print(f"{summ['complied']} of {summ['enterprises']} enterprises complied "
                  f"({summ['incomplete']} incomplete, not counted)")
    _synthetic_note(df)


@app.command("carry-over")
def carry_over_cmd(benchmarks: BenchOpt = None, today: TodayOpt = None, output: OutOpt = None,
                   db: DbOpt = None) -> None:
    """Bankable surplus into 2025 per enterprise: min(surplus, 10,000 t + 1.5 × net sales
    2019–2024); needs the 2023/2024 benchmark table (spec open item 1).

    Example: qingshan carbon carry-over --benchmarks benchmarks_2023_2024.json
    """
    try:
        df = service.carry_over_table(_load(db), _today(today), _switches(benchmarks))
    except ValueError as e:
        fail(e, stored=False)
    if output:
        _write(df, output)
    _print(df, "Carry-over into 2025", ["name", "allocation_t", "cea_t", "net_sales_t",
                                         "surplus_t", "bankable_t", "lapsed_t"])
    _synthetic_note(df)


@app.command("deadlines")
def deadlines_cmd(today: TodayOpt = None) -> None:
    """Every dated step of every vintage (pre-allocation, verification, final allocation,
    surrender) with the days left and the alert level (60/30/7 days).

    Example: qingshan carbon deadlines --today 2023-06-01
    """
    df = service.deadline_alerts(_today(today))
    _print(df, "Deadlines", ["vintage", "step", "day", "days_left", "alert", "mark"])


def _footprint_report(out: dict[str, pd.DataFrame], path: Path) -> None:
    """The footprint report: one workbook, sheets products / stages / inputs (formula-safe)."""
    with pd.ExcelWriter(path, engine="xlsxwriter",
                        engine_kwargs={"options": dict(XLSX_OPTIONS)}) as xw:
        for name in ("products", "stages", "inputs"):
            neutralise(out[name]).to_excel(xw, index=False, sheet_name=name)
    console.print(f"footprint report written to {path}")


@app.command("footprint")
def footprint_cmd(product: Annotated[str | None, typer.Option(help="product id")] = None,
                  output: OutOpt = None, db: DbOpt = None) -> None:
    """Product carbon footprints (cradle-to-gate, kg CO2e per declared unit) computed with
    Brightway in a temporary project, with per-stage contributions; ``--output x.xlsx`` writes
    the report (products, stages, inputs), a .csv the inputs.

    Example: qingshan carbon footprint --product PRD01
    """
    try:
        out = service.footprints(_load(db), product)
    except ValueError as e:
        fail(e, stored=False)
    if output and output.suffix.lower() == ".xlsx":
        _footprint_report(out, output)
    elif output:
        _write(out["inputs"], output)
    _print(out["products"], "Product carbon footprints", ["product_id", "name", "declared_unit",
                                                          "kgco2e", "mark", "gwp_set"])
    _print(out["stages"], "By stage", ["product_id", "stage", "kgco2e", "mark"])
    _synthetic_note(out["products"])
