"""``qingshan compensation …``: eco-compensation ledgers (air, water) and the rule versions.

Thin over :mod:`qingshan.compensation.service`. Every output names the rule versions, the open
points' values (defaults are unverified), the marks of non-verified values and the inputs'
sources; csv/xlsx exports are formula-safe (:mod:`qingshan.core.exportsafe`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from qingshan.accounts.authz import Forbidden
from qingshan.cli.common import DbOpt, ProvinceOpt, console, err_console, fail
from qingshan.compensation import service as svc
from qingshan.compensation.service import parse_switches
from qingshan.compensation.rulesets import RuleSetError, ruleset
from qingshan.config import get_settings, load_province
from qingshan.core.exportsafe import XLSX_OPTIONS, neutralise, write_csv
from qingshan.core.ingest.errors import IngestError

__all__ = ["app", "ledger_sheets"]

app = typer.Typer(help="Ecological compensation ledgers: Shandong's air-quality scheme by "
                       "version (2014, 2016, 2017), the 2019 surface-water scheme and the 菏泽 "
                       "county formula; who pays whom, gross and net flows.",
                  no_args_is_help=True)

FORMATS = ("table", "csv", "json", "xlsx")
PeriodOpt = Annotated[str, typer.Option("--period", help="quarter 2018-Q1, half-year 2017-H1, "
                                        "year 2018 or a run of whole quarters 2019-04..2019-09")]
RulesOpt = Annotated[str | None, typer.Option("--rules", help="rule-set id (see `qingshan "
                                              "compensation rules`); default: the version in "
                                              "force on each quarter's first day")]
InputOpt = Annotated[Path | None, typer.Option("--input", "-i", help="official means (CSV or "
                                               ".xlsx), replacing the store's statistics")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table | csv | json | xlsx")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="file to write (needed "
                                                "for xlsx; csv/json go to stdout without it)")]
StoreOpt = Annotated[bool, typer.Option("--store", help="store the run in the operational "
                                        "store (rule versions, inputs' fingerprint, who ran it; "
                                        "an audit row)")]
AsOpt = Annotated[str | None, typer.Option("--as", help="record the run as made by this user "
                                           "(default: the OS user, as cli:<name>)")]
SwitchOpt = Annotated[list[str] | None, typer.Option("--switch", help="open point NAME=VALUE, "
                                                     "repeatable (e.g. rounding=none, cap=500, "
                                                     "coefficient_scales_penalties=false)")]


def ledger_sheets(led: svc.Ledger) -> dict[str, pd.DataFrame]:
    """The tables of a ledger run, by sheet name (ledger terms, clearing, awards, flows, notes)."""
    notes = pd.DataFrame({"kind": ["rules"] * len(led.rules) + ["note"] * len(led.notes)
                          + ["mark"] * len(led.marks) + ["fingerprint"],
                          "text": led.rules + led.notes + led.marks + [led.fingerprint]})
    flows = pd.DataFrame([led.flows.as_dict()])
    out = {"ledger": led.quarters, "clearing": led.clearing, "flows": flows, "notes": notes}
    if len(led.awards):
        out["awards"] = led.awards
    return out


def _con(db: Path | None, need: bool):
    path = db if db is not None else get_settings().db
    if not Path(path).exists():
        if need:
            raise ValueError(f"no store at {path} (give --db, or --input with official means)")
        return None
    from qingshan.store import connect
    return connect(path, read_only=True)


def _emit(led: svc.Ledger, fmt: str, output: Path | None) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}")
    sheets = ledger_sheets(led)
    if fmt == "xlsx":
        if output is None:
            raise ValueError("--format xlsx needs --output FILE.xlsx")
        with pd.ExcelWriter(output, engine="xlsxwriter",
                            engine_kwargs={"options": dict(XLSX_OPTIONS)}) as xw:
            for name, df in sheets.items():
                neutralise(df).to_excel(xw, index=False, sheet_name=name)
        console.print(f"written {output} ({', '.join(sheets)})")
        return
    if fmt == "csv":
        text = write_csv(led.quarters, None)
        if output is not None:
            write_csv(led.quarters, output, encoding="utf-8-sig")
            console.print(f"written {output} (ledger terms; use xlsx for every table)")
        else:
            sys.stdout.write(text)
        return
    if fmt == "json":
        doc = {**led.summary(), **{k: json.loads(v.to_json(orient="records", force_ascii=False))
                                   for k, v in sheets.items() if k not in ("flows", "notes")}}
        text = json.dumps(doc, ensure_ascii=False, indent=1, default=str)
        if output is not None:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
        return
    t = Table(title=f"{led.scheme} compensation {led.period} ({', '.join(led.rules)}), 万元")
    cols = [c for c in led.clearing.columns if c not in ("complete", "exempt")]
    for c in cols:
        t.add_column(c, justify="right" if pd.api.types.is_numeric_dtype(led.clearing[c])
                     else "left")
    for row in led.clearing[cols].itertuples(index=False):
        t.add_row(*["—" if pd.isna(v) else f"{v:.0f}" if isinstance(v, float) else str(v)
                    for v in row])
    console.print(t)
    f = led.flows
    console.print(f"gross outflow (province → cities) {f.gross_out:.0f} = compensation "
                  f"{f.compensation_out:.0f} + awards {f.awards_out:.0f}; gross inflow (cities "
                  f"→ province) {f.gross_in:.0f}; net {f.net:.0f}"
                  + ("" if f.complete else f"  [partial: {f.n_incomplete} without data]"))
    if len(led.quarter_flows) > 1:
        for lab, q in led.quarter_flows.items():
            console.print(f"  {lab}: province → cities {q['gross_out']:.0f}, cities → province "
                          f"{q['gross_in']:.0f}, net {q['net']:.0f}")
    for n in led.notes + led.marks:
        console.print(f"  · {n}")
    console.print(f"  inputs' fingerprint {led.fingerprint[:16]}…")


def _stored(scheme: str, period: str, db, province_opt, as_user, **kw) -> svc.Ledger:
    """Compute and store a run as the CLI's actor; prints the run id."""
    from qingshan.accounts.cli import cli_actor, ops_context
    from qingshan.compensation import runs
    settings, url, tree = ops_context(db, province_opt)
    actor = cli_actor(url, tree, as_user)
    rid, led = runs.run_ledger(actor, scheme, period, settings=settings, **kw)
    err_console.print(f"stored as compensation run {rid} by {actor.username}")
    return led


@app.command("air")
def air_cmd(period: PeriodOpt, rules: RulesOpt = None, input: InputOpt = None,
            fmt: FormatOpt = "table", output: OutputOpt = None, switch: SwitchOpt = None,
            exempt: Annotated[str | None, typer.Option(
                "--exempt", help="city codes exempt (免试), comma-separated, instead of "
                                 "deciding from the two previous years' annual means")] = None,
            store: StoreOpt = False, as_user: AsOpt = None,
            db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Air-quality ledger: every term per city and quarter (each pollutant's change, weight,
    coefficient and amount; good-day term; awards; exemption), who pays whom, gross and net.

    Example: qingshan compensation air --period 2019-Q2 --rules sd-air-2017 --input
    official_means.csv --format xlsx --output ledger.xlsx
    """
    try:
        prov = load_province(get_settings(province=province).province)
        con = _con(db, need=input is None)
        kw = {"rules": rules, "input_path": input, "province": prov,
              "switches": parse_switches(switch),
              "exempt": [x.strip() for x in exempt.split(",") if x.strip()]
              if exempt is not None else None}
        led = (_stored("air", period, db, province, as_user, con=con, **kw) if store
               else svc.air_compensation(con, period, **kw))
        _emit(led, fmt, output)
    except Forbidden as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(4) from None
    except (IngestError, RuleSetError, ValueError, OSError) as e:
        fail(e, stored=False)


@app.command("water")
def water_cmd(period: PeriodOpt, rules: RulesOpt = None, input: InputOpt = None,
              fmt: FormatOpt = "table", output: OutputOpt = None, switch: SwitchOpt = None,
              city: Annotated[str, typer.Option(help="the city of a county scheme (payer/"
                                                "payee name)")] = "city",
              store: StoreOpt = False, as_user: AsOpt = None,
              db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Surface-water ledger: the 2019 provincial scheme per city (terms known so far; unknown
    rates leave rows incomplete), or with --rules heze-water-2014 the 菏泽 county formula
    (30 − COD) × 2 + (1.5 − NH3-N) × 30 per county from an --input of quarter means.

    Example: qingshan compensation water --period 2015-Q1 --rules heze-water-2014 --input
    heze_2015q1.csv --city 菏泽市
    """
    try:
        prov = load_province(get_settings(province=province).province)
        sw = parse_switches(switch)
        if rules and ruleset(rules).scheme == "county-water":
            if input is None:
                raise ValueError("the county formula needs --input (county quarter means)")
            led = (_stored("county-water", period, db, province, as_user, input_path=input,
                           province=prov, rules=rules, switches=sw, city_name=city) if store
                   else svc.county_water_compensation(period, input, rules=rules,
                                                      city_name=city, province=prov,
                                                      switches=sw))
        else:
            con = _con(db, need=input is None)
            led = (_stored("water", period, db, province, as_user, con=con, input_path=input,
                           province=prov, rules=rules, switches=sw) if store
                   else svc.water_compensation(con, period, rules=rules, input_path=input,
                                               province=prov, switches=sw))
        _emit(led, fmt, output)
    except Forbidden as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(4) from None
    except (IngestError, RuleSetError, ValueError, OSError) as e:
        fail(e, stored=False)


@app.command("runs")
def runs_cmd(scheme: Annotated[str | None, typer.Option(help="air | water | county-water")]
             = None, period: Annotated[str | None, typer.Option(help="e.g. 2018-Q1")] = None,
             as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """List stored ledger runs (id, period, rule versions, fingerprint, who ran it, totals).

    Example: qingshan compensation runs --scheme air --period 2018-Q1
    """
    from qingshan.accounts.cli import cli_actor, ops_context
    from qingshan.compensation import runs
    settings, url, tree = ops_context(db, province)
    rows = runs.list_runs(cli_actor(url, tree, as_user), scheme, period, settings=settings)
    t = Table(title="compensation runs")
    for c in ("id", "scheme", "period", "rules", "fingerprint", "net", "complete", "by", "at",
              "rerun_of"):
        t.add_column(c)
    for r in rows:
        t.add_row(str(r["id"]), r["scheme"], r["period"], ",".join(r["rules"]),
                  r["fingerprint"][:12], f"{r['flows']['net']:.0f}", str(r["complete"]),
                  r["created_by"], str(r["created_at"])[:19], str(r["rerun_of"] or ""))
    console.print(t)


@app.command("rerun")
def rerun_cmd(run_id: Annotated[int, typer.Argument(help="id of a stored run")],
              from_sources: Annotated[bool, typer.Option(
                  "--from-sources", help="read the store/file again instead of the stored "
                                         "inputs (shows whether the inputs changed)")] = False,
              as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Re-run a stored ledger with its rules, switches and stored inputs; stores the new run and
    says whether the result is the same.

    Example: qingshan compensation rerun 12
    """
    from qingshan.accounts.cli import cli_actor, ops_context
    from qingshan.compensation import runs
    settings, url, tree = ops_context(db, province)
    try:
        con = _con(db, need=False) if from_sources else None
        new, led, same = runs.rerun(cli_actor(url, tree, as_user), run_id,
                                    province=load_province(settings.province),
                                    settings=settings, from_sources=from_sources, con=con)
    except Forbidden as e:
        err_console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(4) from None
    except (KeyError, IngestError, RuleSetError, ValueError, OSError) as e:
        fail(e, stored=True)
    console.print(f"run {new} (re-run of {run_id}): same result: {same['same_result']}; "
                  f"same inputs: {same['same_inputs']}; fingerprint {led.fingerprint[:16]}…")


@app.command("rules")
def rules_cmd(scheme: Annotated[str | None, typer.Option(help="air | water | county-water")]
              = None,
              fmt: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table"
              ) -> None:
    """List the rule versions and their terms, each value with its provenance mark (V checked,
    P partly, M unverified, unknown) and the open points with their defaults.

    Example: qingshan compensation rules --scheme air
    """
    rows = svc.rules_table(scheme)
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    if fmt != "table":
        err_console.print("[red]error:[/red] --format must be table or json")
        raise typer.Exit(2)
    for r in rows:
        t = Table(title=f"{r['id']} — {r['title']} ({r['document']}); in force "
                        f"{r['valid_from']} … {r['valid_to'] or 'open'}; {r['status']}")
        t.add_column("term")
        t.add_column("value")
        t.add_column("mark")
        for k, v in r["terms"].items():
            t.add_row(k, str(v["value"]), v["mark"])
        for i in r["indicators"]:
            for a in ("weight", "target", "rate"):
                if a in i:
                    t.add_row(f"{i['label']} {a}", str(i[a]["value"]), i[a]["mark"])
        for k, (v, m) in ((k, v) for k, v in r["region_coefficients"].items() if v):
            t.add_row(f"coefficient {k}", str(v), m)
        for a in r["awards"]:
            t.add_row(f"award {a['key']}", f"{a['amount']} 万元", a["mark"])
        for k, v in r["two_year_award"].items():
            t.add_row(f"two-year {k}", str(v["value"]), v["mark"])
        for k, p in r["open_points"].items():
            t.add_row(f"open point {k}", f"default {p['default']}", p["mark"])
        console.print(t)
