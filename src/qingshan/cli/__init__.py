"""The ``qingshan`` command line: thin Typer commands over services.

The shell's own commands (``demo``, ``report``, ``serve``) are added here; every domain's groups
(``ingest``, ``export``, ``air``, ``water`` …) come from the domain registry
(:mod:`qingshan.core.registry`).
"""

from __future__ import annotations

import typer

from qingshan.cli import demo as _demo
from qingshan.cli.report import app as _report_app
from qingshan.cli.serve import serve as _serve
from qingshan.core.registry import domains, load

app = typer.Typer(
    name="qingshan",
    help="qingshan (绿水青山): monitoring data hub, air and water assessment, reports.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("demo")(_demo.demo_cmd)
app.add_typer(_report_app, name="report")
app.command("serve")(_serve)
for _d in domains():
    for _name, _target in _d.cli:
        app.add_typer(load(_target), name=_name)


def main() -> None:
    app()


__all__ = ["app", "main"]
