"""``qingshan governance …``: ledger templates, imports, lists, steps, rates, overdue board,
demo data and the annual city report (thin over :mod:`qingshan.governance.service`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from qingshan.accounts.authz import Forbidden
from qingshan.accounts.cli import AsOpt, cli_actor, ops_context
from qingshan.cli.common import DbOpt, ProvinceOpt, console, fail
from qingshan.core.exportsafe import write_csv, write_excel
from qingshan.core.ingest.errors import IngestError
from qingshan.governance import repository as repo
from qingshan.governance import service
from qingshan.governance.ingest import templates, write_template
from qingshan.governance.rates import RatesError
from qingshan.governance.workflows import MACHINES, TransitionError
from qingshan.store import ops

__all__ = ["app"]

app = typer.Typer(help="Governance ledgers (spec/governance.md): inspection rectification, "
                       "complaints, enforcement, EIA/permits, registers, annual city reports. "
                       "Example: qingshan governance import complaints.xlsx --template "
                       "complaint --as wang", no_args_is_help=True)

DateOpt = Annotated[str | None, typer.Option("--date", help="the day the step counts on "
                                             "(YYYY-MM-DD; default today)")]


def _day(s: str | None) -> date:
    try:
        return date.fromisoformat(s) if s else date.today()
    except ValueError:
        raise typer.BadParameter(f"{s!r} is not a date (YYYY-MM-DD)") from None


def _out(df: pd.DataFrame, output: Path | None, title: str) -> None:
    if output is not None:
        (write_excel if output.suffix.lower() == ".xlsx" else
         lambda d, p: write_csv(d, p, encoding="utf-8-sig"))(df, output)
        console.print(f"wrote {len(df)} rows to {output}")
        return
    t = Table(title=title)
    for c in df.columns:
        t.add_column(str(c))
    for row in df.head(200).itertuples(index=False):
        t.add_row(*["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
                    for v in row])
    console.print(t)


def _guard(fn):
    try:
        return fn()
    except Forbidden as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(4) from None
    except (IngestError, TransitionError, RatesError, repo.NotFound, KeyError) as e:
        fail(e, stored=False)


@app.command("template")
def template_cmd(
    name: Annotated[str, typer.Argument(help=f"one of: {', '.join(sorted(templates()))}")],
    output: Annotated[Path, typer.Option("--output", "-o", help=".xlsx to write")],
) -> None:
    """Write an empty Excel template of a ledger (header row + a notes sheet).

    Example: qingshan governance template complaint -o complaints.xlsx
    """
    _guard(lambda: write_template(name, output))
    console.print(f"wrote {output}")


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="a filled template (.xlsx)")],
    template: Annotated[str, typer.Option("--template", "-t", help="template name")],
    as_user: AsOpt = None, synthetic: Annotated[bool, typer.Option(
        "--synthetic", help="mark the rows as synthetic demo data")] = False,
    date_: DateOpt = None, db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """Validate a whole ledger file, then store it in one transaction (nothing on error).

    Example: qingshan governance import complaints.xlsx --template complaint --as wang
    """
    _, url, tree = ops_context(db, province)
    actor = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            return service.import_file(s, actor, file, template, today=_day(date_),
                                       synthetic=synthetic)
    try:
        out = _guard(go)
    except typer.Exit:
        typer.echo("nothing was stored", err=True)
        raise
    console.print(f"{out.file}: {len(out.created)} stored, {len(out.skipped)} already imported")


@app.command("list")
def list_cmd(
    kind: Annotated[str | None, typer.Option("--kind", help=f"one of {', '.join(MACHINES)}")]
    = None,
    city: Annotated[str | None, typer.Option("--city", help="city code")] = None,
    state: Annotated[str | None, typer.Option("--state")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=".csv or .xlsx")] = None,
    as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """List cases in your scope (filters: kind, city, state); export as CSV/XLSX.

    Example: qingshan governance list --kind complaint --city 371000 -o complaints.csv
    """
    _, url, tree = ops_context(db, province)
    actor = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            rows = repo.list_cases(s, actor, kind=kind, city=city, state=state, limit=100_000)
            return pd.DataFrame([{"public_no": r.public_no, "kind": r.kind,
                                  "city": r.city_code, "unit": r.primary_org_unit,
                                  "state": r.state, "title": r.title,
                                  "synthetic": "synthetic" if r.synthetic else ""}
                                 for r in rows])
    df = _guard(go)
    if df.empty:
        fail(RatesError("no cases in your scope match"), stored=False)
    _out(df, output, "cases")


@app.command("show")
def show_cmd(public_no: str, as_user: AsOpt = None, db: DbOpt = None,
             province: ProvinceOpt = None) -> None:
    """Show a case, its timeline and the steps you may take.

    Example: qingshan governance show TS-371000-2025-000001 --as wang
    """
    _, url, tree = ops_context(db, province)
    actor = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            return service.case_page(s, actor, public_no)
    v = _guard(go)
    console.print(f"[bold]{v['public_no']}[/bold] {v['kind']} — {v['state_label']} "
                  f"({v['state']}); due {v['due']}" + (" [synthetic]" if v["synthetic"] else ""))
    _out(pd.DataFrame(v["timeline"]), None, "timeline")
    console.print("steps you may take: " + (", ".join(v["steps"]) or "none"))


@app.command("transition")
def transition_cmd(
    public_no: str, step: Annotated[str, typer.Argument(help="transition name (see show)")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="key=value for the step (repeatable)")] = None,
    as_user: AsOpt = None, date_: DateOpt = None, db: DbOpt = None,
    province: ProvinceOpt = None,
) -> None:
    """Take a step (transition) on a case; checked by role, scope, state and guards; audited.

    Example: qingshan governance transition TS-371000-2025-000001 dispatch --param
    handler_unit=371002 --param handler_level=county --as disp1
    """
    params = {}
    for p in param or ():
        k, sep, v = p.partition("=")
        if not sep:
            raise typer.BadParameter(f"--param {p!r}: expected key=value")
        params[k] = v
    _, url, tree = ops_context(db, province)
    actor = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            r = repo.transition(s, actor, public_no, step, today=_day(date_), params=params,
                                reason=reason)
            return r.state
    console.print(f"{public_no}: now {_guard(go)}")


@app.command("rates")
def rates_cmd(
    kind: Annotated[str, typer.Argument(help="dc_task, dc_petition, complaint, inspection or "
                                            "permit (execution reports)")],
    cutoff: Annotated[str, typer.Option("--cutoff", help="as of this day (YYYY-MM-DD)")],
    start: Annotated[str | None, typer.Option("--from", help="period start")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """Rates per city and the pooled province rate (Σ numerators / Σ denominators), with
    numerator, denominator, exclusions and rule version.

    Example: qingshan governance rates complaint --cutoff 2025-12-31 --from 2025-01-01
    """
    _, url, tree = ops_context(db, province)
    actor = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            return service.rates_for(s, actor, kind, _day(cutoff),
                                     period_start=_day(start) if start else None,
                                     province=tree.province)
    res = _guard(go)
    rows = [{"unit": u, **{k: v for k, v in r.as_dict().items()
                           if k in ("name", "numerator", "denominator", "text", "exclusions",
                                    "rule_version", "cutoff")}}
            for u, rs in res.items() for r in rs.values()]
    _out(pd.DataFrame(rows), output, f"{kind} rates")


@app.command("drilldown")
def drilldown_cmd(
    kind: Annotated[str, typer.Argument(help="the rate's ledger kind (as for `rates`)")],
    rate: Annotated[str, typer.Option("--rate", help="rate name, e.g. off_site_share, 办结率")],
    unit: Annotated[str, typer.Option("--unit", help="city code, or the province code")],
    cutoff: Annotated[str, typer.Option("--cutoff", help="as of this day (YYYY-MM-DD)")],
    part: Annotated[str, typer.Option("--part", help="numerator, denominator or "
                                      "exclusion:<label>")] = "numerator",
    start: Annotated[str | None, typer.Option("--from", help="period start")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """The exact cases behind a rate's numerator, denominator or one exclusion as of the
    cut-off (the rate's own bookkeeping, the same as the dashboard's drill-down).

    Example: qingshan governance drilldown inspection --rate off_site_share --unit 371000
    --cutoff 2023-12-31 --from 2023-01-01
    """
    from qingshan.governance.drilldown import DrilldownError, cases_behind

    _, url, tree = ops_context(db, province)
    actor = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            try:
                return cases_behind(s, actor, kind, rate, unit, part, _day(cutoff),
                                    period_start=_day(start) if start else None,
                                    province=tree.province)
            except DrilldownError as e:
                raise KeyError(str(e)) from None
    d = _guard(go)
    _out(pd.DataFrame(d["cases"], columns=["public_no", "kind", "city_code", "state_at_cutoff",
                                           "state", "title", "synthetic"]), output,
         f"{d['rate']['name']} {unit} {part}: {d['count']} cases "
         f"({d['rate']['text']} = {d['rate']['numerator']}/{d['rate']['denominator']})")


@app.command("overdue")
def overdue_cmd(date_: DateOpt = None, as_user: AsOpt = None, db: DbOpt = None,
                province: ProvinceOpt = None) -> None:
    """Cases with a yellow card, past due, or a red card (working-day calendar).

    Example: qingshan governance overdue --date 2025-10-24
    """
    _, url, tree = ops_context(db, province)
    actor = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            return service.overdue(s, actor, _day(date_))
    rows = _guard(go)
    if not rows:
        console.print("no case is due within 1 working day or overdue")
        return
    _out(pd.DataFrame(rows), None, "overdue board")


@app.command("demo")
def demo_cmd(
    city: Annotated[list[str] | None, typer.Option("--city", help="only these city codes "
                                                   "(repeatable; default every city)")] = None,
    db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """Load the synthetic demo ledgers (labelled synthetic everywhere) for every city; Weihai's
    published figures (648 EIA approvals, off-site > 65 %, 160 villages, 12345 100 %) come out
    of its synthetic cases. A city already loaded is skipped.

    Example: qingshan governance demo --city 371000
    """
    from qingshan.config import load_province
    from qingshan.governance.demo import load_demo

    settings, url, tree = ops_context(db, province)
    with ops.session_scope(url) as s:
        out = load_demo(s, load_province(settings.province), list(city or ()))
    rows = [{"city": c, **v} for c, v in out.items()]
    _out(pd.DataFrame(rows), None, "governance demo (synthetic)")


@app.command("report-summary")
def report_summary_cmd(
    year: Annotated[int, typer.Option("--year")],
    output: Annotated[Path, typer.Option("--output", "-o", help=".docx or .xlsx")],
    as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None,
) -> None:
    """Write the provincial summary of the accepted annual city reports (DOCX to edit and
    sign, or XLSX of every city's figures).

    Example: qingshan governance report-summary --year 2025 -o summary-2025.docx --as prov1
    """
    from qingshan.config import load_province
    from qingshan.governance import annual

    settings, url, tree = ops_context(db, province)
    actor = cli_actor(url, tree, as_user)
    prov = load_province(settings.province)

    def go():
        with ops.session_scope(url) as s:
            return annual.summary_frame(s, actor, prov, year)
    df, prog = _guard(go)
    if output.suffix.lower() == ".docx":
        annual.summary_docx(df, prog, prov, year, output)
    else:
        annual.summary_xlsx(df, prog, output)
    console.print(f"wrote {output} ({len(df)} rows)")
