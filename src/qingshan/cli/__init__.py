"""The ``qingshan`` command line: thin Typer commands over services."""

from __future__ import annotations

import typer

from qingshan.cli import demo as _demo
from qingshan.cli import export as _export
from qingshan.cli import ingest as _ingest
from qingshan.cli.air import app as _air_app
from qingshan.cli.report import app as _report_app
from qingshan.cli.serve import serve as _serve
from qingshan.cli.water import app as _water_app


app = typer.Typer(
    name="qingshan",
    help="qingshan (绿水青山): monitoring data hub, air and water assessment, reports.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(_ingest.app, name="ingest")
app.add_typer(_export.app, name="export")
app.command("demo")(_demo.demo_cmd)

app.add_typer(_report_app, name="report")
app.add_typer(_water_app, name="water")
app.command("serve")(_serve)
app.add_typer(_air_app, name="air")


def main() -> None:
    app()


__all__ = ["app", "main"]
