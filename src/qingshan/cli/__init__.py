"""The ``qingshan`` command line: thin Typer commands over services."""

from __future__ import annotations

import typer

from qingshan.cli import export as _export
from qingshan.cli import ingest as _ingest


app = typer.Typer(
    name="qingshan",
    help="qingshan (绿水青山): monitoring data hub, air and water assessment, reports.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(_ingest.app, name="ingest")
app.add_typer(_export.app, name="export")

# --- sub-command registrations (one line each; keep this marker) ---
from qingshan.cli.air import app as _air_app; app.add_typer(_air_app, name="air")


def main() -> None:
    app()


__all__ = ["app", "main"]
