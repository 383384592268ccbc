"""``qingshan evaluate …``: run a framework, explain a score, sensitivity, templates and
submissions (thin over :mod:`qingshan.evaluation.service` and ``.submissions``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from qingshan.cli.common import DbOpt, ProvinceOpt, console, err_console, fail
from qingshan.config import get_settings, load_province
from qingshan.core.exportsafe import neutralise, write_csv
from qingshan.core.ingest.errors import IngestError
from qingshan.evaluation import service
from qingshan.evaluation.framework import FrameworkError
from qingshan.evaluation.frameworks import load_framework

__all__ = ["app"]

app = typer.Typer(help="Evaluation system (美丽中国 / 美丽山东 frameworks, COINr-class engine).",
                  no_args_is_help=True)

FwOpt = Annotated[str, typer.Option("--framework", "-f", help="bundled name (ndrc-2020, "
                                    "shandong-2035, coinr-asem) or a framework .toml file")]
YearOpt = Annotated[int, typer.Option("--year", "-y", help="evaluation year")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="long CSV: unit,indicator,year,"
                                              "value[,unit_name,source] (default: the "
                                              "framework's data file, else the store)")]
FmtOpt = Annotated[str, typer.Option("--format", help="table | csv | json")]
OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")]
AsOpt = Annotated[str | None, typer.Option("--as", help="the user the change is made by")]


def _inputs(fw, data: Path | None, db: Path | None, province: str | None) -> dict:
    """Keyword arguments of the service: data file, or the store and accepted submissions."""
    settings = get_settings(db=db, province=province)
    prov = load_province(settings.province)
    kw: dict = {"province": prov}
    if data is not None:
        kw["data"] = data
        return kw
    if fw.framework.data:
        return {}
    if Path(settings.db).exists():
        from qingshan.store import connect
        kw["con"] = connect(settings.db, read_only=True)
    try:
        from qingshan.evaluation.submissions import accepted_panel
        from qingshan.store import ops
        url = ops.database_url(settings)
        ops.upgrade(url)
        with ops.session_scope(url) as s:
            kw["submitted"] = accepted_panel(s, fw)
    except Exception as e:  # no operational store: no accepted submissions
        err_console.print(f"note: no accepted submissions read ({str(e).splitlines()[0]})")
    return kw


def _ops_actor(db: Path | None, province: str | None, as_user: str | None):
    """(URL of the migrated operational store, the ``--as`` user as an Actor)."""
    from sqlalchemy import select

    from qingshan.accounts.models import User
    from qingshan.accounts.orgtree import tree_for
    from qingshan.accounts.service import actor_for
    from qingshan.store import ops
    if not as_user:
        fail(PermissionError("changes to submissions need a user: --as NAME"), stored=True)
    settings = get_settings(db=db, province=province)
    url = ops.database_url(settings)
    try:
        ops.upgrade(url)
    except Exception as e:  # an unreachable database is one line
        fail(RuntimeError(f"cannot open the operational store: {str(e).splitlines()[0]}"))
    tree = tree_for(load_province(settings.province))
    with ops.session_scope(url) as s:
        u = s.scalar(select(User).where(User.username == as_user))
        if u is None or u.disabled:
            fail(PermissionError(f"--as {as_user}: no such enabled user"))
        return url, actor_for(u, tree, "cli")


def _emit(df: pd.DataFrame, fmt: str, output: Path | None, title: str, meta: dict) -> None:
    if fmt not in ("table", "csv", "json"):
        fail(ValueError(f"--format must be table, csv or json, got {fmt!r}"), stored=False)
    if fmt == "json":
        text = json.dumps(neutralise({**meta, "rows": json.loads(df.to_json(orient="records",
                                                                          force_ascii=False))}),
                          ensure_ascii=False, indent=1, default=str)
        if output:
            output.write_text(text, encoding="utf-8")
            console.print(f"{len(df)} rows written to {output}")
        else:
            typer.echo(text)
        return
    if fmt == "csv":
        if output:
            write_csv(df, output, encoding="utf-8-sig")
            console.print(f"{len(df)} rows written to {output}")
        else:
            typer.echo(write_csv(df))
        return
    t = Table(title=title)
    for c in df.columns:
        t.add_column(str(c))
    for row in df.head(200).itertuples(index=False):
        t.add_row(*["" if pd.isna(v) else f"{v:.2f}" if isinstance(v, float) else str(v)
                    for v in row])
    console.print(t)
    if output:
        write_csv(df, output, encoding="utf-8-sig")
        console.print(f"{len(df)} rows written to {output}")
    for m in meta.get("marks", []):
        console.print(f"  {m} (unverified, spec marker [M])")
    for w in meta.get("warnings", []):
        console.print(f"  note: {w}")
    if meta.get("synthetic"):
        console.print("  [bold]SYNTHETIC demo data: not real figures[/bold]")


@app.command("frameworks")
def frameworks_cmd() -> None:
    """List the bundled frameworks.

    Example: qingshan evaluate frameworks
    """
    _emit(pd.DataFrame(service.frameworks()), "table", None, "Frameworks", {})


@app.command("run")
def run_cmd(framework: FwOpt, year: YearOpt,
            unit: Annotated[list[str] | None, typer.Option("--unit", help="unit code (repeat)")
                            ] = None,
            fmt: FmtOpt = "table", output: OutOpt = None, data: DataOpt = None,
            normalise: Annotated[str | None, typer.Option(help="override the normalisation")
                                 ] = None,
            aggregation: Annotated[str | None, typer.Option(help="override the aggregation")
                                   ] = None,
            indicators: Annotated[bool, typer.Option(help="also rows for indicators")] = False,
            weights: Annotated[list[str] | None, typer.Option(
                "--weights", help="override one node's weights: node=child:w,child:w (repeat)")
                ] = None,
            db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Score every unit at every node: unit code, unit name, node code, node name, level,
    score, rank (ties shared; partial units not ranked), complete, marks ([M] = unverified).

    Example: qingshan evaluate run --framework coinr-asem --year 2018 --format csv -o asem.csv
    """
    try:
        fw = load_framework(framework)
        over = {k: v for k, v in (("normalise", normalise), ("aggregation", aggregation)) if v}
        r = service.run(fw, year, units=unit or None, overrides=over or None,
                        node_weights=service.parse_node_weights(weights or []) or None,
                        nodes_only=not indicators, **_inputs(fw, data, db, province))
    except (FrameworkError, IngestError, ValueError, KeyError, FileNotFoundError) as e:
        fail(e, stored=False)
    _emit(r.table, fmt, output, f"{fw.label} {year}",
          {"framework": fw.label, "year": year, "marks": r.marks,
           "warnings": r.result.warnings, "synthetic": r.result.synthetic})


@app.command("explain")
def explain_cmd(framework: FwOpt, year: YearOpt,
                unit: Annotated[str, typer.Option("--unit", help="unit code")],
                node: Annotated[str | None, typer.Option("--node", help="node or indicator "
                                                         "code (default: the index)")] = None,
                fmt: FmtOpt = "table", output: OutOpt = None, data: DataOpt = None,
                db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Why is this unit's score what it is: raw value → unit → treatment → normalised →
    weight → contribution (adds up to the score), with each target and its source.

    Example: qingshan evaluate explain --framework coinr-asem --year 2018 --unit CHE --node Index
    """
    try:
        fw = load_framework(framework)
        e = service.explain_unit(fw, year, unit, node, **_inputs(fw, data, db, province))
    except (FrameworkError, IngestError, ValueError, KeyError, FileNotFoundError) as ex:
        fail(ex, stored=False)
    kids = pd.DataFrame(e["children"])
    cols = [c for c in ("code", "name", "raw", "unit", "denominated", "imputed", "treatment",
                        "normalised", "score", "target", "target_mark", "weight",
                        "contribution", "complete") if c in kids.columns]
    meta = {k: v for k, v in e.items() if k != "children"}
    meta["marks"] = [m for m in e["marks"].split("; ") if m]
    title = (f"{e['unit_name']} — {e['node_name']} ({e['node']}) {year}: score "
             f"{'n/a' if e['score'] is None else format(e['score'], '.2f')}, rank "
             f"{e['rank'] or '—'}, {e['aggregation']}")
    _emit(kids[cols] if fmt == "table" else kids, fmt, output, title, meta)
    if fmt == "table":
        adj = f" + adjustment {e['adjustment']:.2f}" if e["adjustment"] is not None else ""
        console.print(f"  Σ contributions {e['sum_of_contributions']:.2f}{adj} = score")


@app.command("sensitivity")
def sensitivity_cmd(framework: FwOpt, year: YearOpt,
                    vary: Annotated[list[str] | None, typer.Option(
                        "--vary", help="option=alt1,alt2 (repeat), e.g. normalise=minmax,zscore "
                        "or normalise_range=0:100,1:100")] = None,
                    weight_noise: Annotated[float, typer.Option(help="± share of each weight")
                                            ] = 0.0,
                    replications: Annotated[int, typer.Option("--replications", "-n")] = 1000,
                    seed: Annotated[int, typer.Option()] = 0,
                    node: Annotated[str | None, typer.Option(help="node ranked")] = None,
                    fmt: FmtOpt = "table", output: OutOpt = None, data: DataOpt = None,
                    db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Monte Carlo (seeded) over method options and weights: median rank, 5–95 % interval and
    mean rank shift per unit; Sobol' first-order/total indices per input (SALib). A variation
    that cannot be applied is an error.

    Example: qingshan evaluate sensitivity -f coinr-asem --year 2018 --vary aggregation=amean,mpi
    --weight-noise 0.25
    """
    try:
        fw = load_framework(framework)
        r = service.sensitivity(fw, year, vary=service.parse_variations(vary or []),
                                weight_noise=weight_noise, n=replications, seed=seed,
                                node=node, **_inputs(fw, data, db, province))
    except (FrameworkError, IngestError, ValueError, KeyError, FileNotFoundError) as e:
        fail(e, stored=False)
    meta = {"framework": fw.label, "year": year, "node": r.node, "marks": r.marks,
            "replications": r.replications, "seed": r.seed,
            "average_shift": r.average_shift, "sobol": r.sobol.to_dict(orient="records")}
    _emit(r.ranks.sort_values("nominal"), fmt, output,
          f"Rank uncertainty at {r.node} ({r.replications} replications, seed {r.seed})", meta)
    if fmt == "table":
        _emit(r.sobol, "table", None, f"Sobol' indices of the mean rank shift "
              f"(average {r.average_shift:.2f})", {})


@app.command("template")
def template_cmd(city: Annotated[str, typer.Option("--city", help="city code or name")],
                 year: YearOpt, framework: FwOpt = "shandong-2035", output: OutOpt = None,
                 province: ProvinceOpt = None) -> None:
    """Write the Excel template a city fills with its submitted indicators.

    Example: qingshan evaluate template --city 威海市 --year 2025 -o weihai_2025.xlsx
    """
    from qingshan.evaluation.ingest.template import write_template
    try:
        fw = load_framework(framework)
        c = load_province(get_settings(province=province).province).city(city)
        out = output or Path(f"evaluation_{fw.framework.code}_{c.code}_{year}.xlsx")
        write_template(fw, c.code, c.name_zh, year, out)
    except (FrameworkError, ValueError, KeyError) as e:
        fail(e, stored=False)
    console.print(f"template written to {out}")


@app.command("submit")
def submit_cmd(file: Path, framework: FwOpt = "shandong-2035", as_user: AsOpt = None,
               draft: Annotated[bool, typer.Option(help="save as draft, do not submit")
                                ] = False,
               db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Validate a filled template (type, unit, range, source and evidence note) and store its
    values as submitted (or --draft) for review; nothing is stored when any row is invalid.

    Example: qingshan evaluate submit weihai_2025.xlsx --as weihai_staff
    """
    from qingshan.evaluation.ingest.template import read_template
    from qingshan.evaluation.submissions import SubmissionError, save_values
    from qingshan.store import ops
    try:
        fw = load_framework(framework)
        rows = read_template(file, fw)
    except (FrameworkError, IngestError, ValueError) as e:
        fail(e)
    url, actor = _ops_actor(db, province, as_user)
    try:
        with ops.session_scope(url) as s:
            ids = save_values(s, actor, fw, rows, submit=not draft)
    except (SubmissionError, PermissionError) as e:
        fail(e)
    console.print(f"{len(ids)} values {'saved as draft' if draft else 'submitted'} "
                  f"(ids {', '.join(map(str, ids))})")


@app.command("review")
def review_cmd(ids: Annotated[list[int], typer.Argument(help="submission ids")],
               action: Annotated[str, typer.Option(help="accept | return")],
               comment: Annotated[str, typer.Option(help="required to return")] = "",
               as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Accept or return submitted values (province staff).

    Example: qingshan evaluate review 12 13 --action accept --as prov_staff1
    """
    from qingshan.evaluation.submissions import SubmissionError, transition
    from qingshan.store import ops
    url, actor = _ops_actor(db, province, as_user)
    try:
        with ops.session_scope(url) as s:
            for i in ids:
                transition(s, actor, i, action, comment)
    except (SubmissionError, PermissionError) as e:
        fail(e)
    console.print(f"{len(ids)} submissions: {action}")


@app.command("demo-data")
def demo_cmd(framework: FwOpt = "shandong-2035",
             years: Annotated[str, typer.Option(help="comma-separated years")] = "2020,2025",
             output: Annotated[Path, typer.Option("--output", "-o")] = Path("evaluation_demo.csv"),
             seed: int = 20261201, province: ProvinceOpt = None) -> None:
    """Write a SYNTHETIC long panel for every city (labelled synthetic) to try the engine.

    Example: qingshan evaluate demo-data -o demo.csv (then: qingshan evaluate run
    -f shandong-2035 --year 2025 --data demo.csv)
    """
    from qingshan.evaluation.demo import demo_panel
    fw = load_framework(framework)
    prov = load_province(get_settings(province=province).province)
    ys = tuple(int(y) for y in years.split(","))
    write_csv(demo_panel(fw, prov, ys, seed), output, encoding="utf-8-sig")
    console.print(f"SYNTHETIC panel written to {output} ({len(prov.cities)} cities, years {ys})")
