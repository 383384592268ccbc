"""The ``qingshan`` command line: thin Typer commands over services.

The shell's own commands (``demo``, ``report``, ``serve``) are added here; every domain's groups
(``ingest``, ``export``, ``air``, ``water`` …) come from the domain registry
(:mod:`qingshan.core.registry`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from qingshan.cli import backup as _backup
from qingshan.cli import demo as _demo
from qingshan.cli.report import app as _report_app
from qingshan.cli.serve import serve as _serve
from qingshan.core.registry import domains, load

_app = typer.Typer(
    name="qingshan",
    help="qingshan (绿水青山): monitoring data hub, air and water assessment, reports.",
    no_args_is_help=True,
    add_completion=False,
)


@_app.callback()
def _root(as_user: Annotated[str | None, typer.Option(
        "--as", help="record what this command stores (ingest batches) as made by this user, "
                     "e.g. qingshan --as wang ingest cnemc …; default: the operating-system "
                     "user (cli:<name>)")] = None) -> None:
    if as_user:
        from qingshan.accounts.authz import Actor
        from qingshan.store.batches import set_acting_user
        # kept beside the OS user: the CLI cannot check a password, so both are on record
        set_acting_user(f"{as_user} (cli:{Actor.os_user()})")


_app.command("demo")(_demo.demo_cmd)
_app.add_typer(_report_app, name="report")
_app.command("serve")(_serve)
_backup.register(_app)
_mounted: set[tuple[str, str]] = set()      # the domain groups mounted so far
_all_mounted = False


def _with_domains(only: str | None = None) -> typer.Typer:
    """The app with every domain's groups, mounted on first use rather than at import: a
    domain's CLI module imports ``qingshan.cli.common``, which runs this package first, so
    importing e.g. ``qingshan.air.cli_ingest`` alone would otherwise be a circular import.

    ``only``: the one group a command line asks for (:func:`_command_of`), so that e.g.
    ``qingshan report air`` does not import every domain's CLI first (≈ 0.5 s); a name that
    is a shell command (``report``, ``serve`` …) mounts none; an unknown name mounts every
    group (the error then lists them all)."""
    global _all_mounted
    if not _all_mounted:
        groups = [(name, target) for d in domains() for name, target in d.cli]
        shell = ({c.name for c in _app.registered_commands} |
                 {g.name for g in _app.registered_groups}) - {n for n, _ in _mounted}
        if only in shell:
            groups = []
        elif any(n == only for n, _ in groups):
            groups = [(n, t) for n, t in groups if n == only]
        else:
            _all_mounted = True
        for name, target in groups:
            if (name, target) not in _mounted:   # a group mounted for one command stays once
                _mounted.add((name, target))
                _app.add_typer(load(target), name=name)
    return _app


def _command_of(argv: list[str]) -> str | None:
    """The first command word of ``argv`` (after the root's options: ``--as NAME``), or None
    (no command, or only options such as ``--help``: every group is listed then)."""
    args = iter(argv)
    for a in args:
        if a == "--as":
            next(args, None)
        elif not a.startswith("-"):
            return a
    return None


def __getattr__(name: str):
    if name == "app":
        return _with_domains()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    import sys

    import duckdb

    from qingshan.cli import common
    common._QUICK = False      # only what this command says (an earlier in-process run aside)
    try:
        _with_domains(_command_of(sys.argv[1:]))()
    except SystemExit as e:
        if common.quick_exit_allowed():      # a finished read-only command (end_quickly)
            common.quick_exit(e.code)
        raise
    except (duckdb.IOException, duckdb.TransactionException, duckdb.OutOfMemoryException) as e:
        # the store could not be written or read (disk full, I/O error, memory): one line; the
        # transaction was rolled back, so the store is as it was before the command
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        typer.echo(f"error: the store could not be written or read, nothing was changed: "
                   f"{first}", err=True)
        raise SystemExit(2) from None


__all__ = ["app", "main"]
