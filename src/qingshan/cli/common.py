"""Shared bits of the CLI: options, opening the store, printing ingest summaries.

:func:`open_store` takes the store's advisory lock (:mod:`qingshan.store.access`) — shared for a
read-only command, exclusive otherwise — waiting at most ``$QINGSHAN_LOCK_TIMEOUT`` seconds
(default 30) while a running server's requests or another command finish; if the store is
still busy it prints one line and exits with status 3 (:data:`BUSY_EXIT`). The store is closed
and the lock released when the command ends.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from qingshan.config import get_settings, load_province
from qingshan.store import connect
from qingshan.store.access import StoreBusy, StoreLock, connect_retrying, lock_timeout
from qingshan.store.batches import BatchSummary
from qingshan.store.province import sync_province

__all__ = ["DbOpt", "ProvinceOpt", "LangOpt", "console", "fail", "open_store", "print_summaries",
           "busy", "BUSY_EXIT"]

import sys
import time

#: exit status of a command that could not have the store (held by another process)
BUSY_EXIT = 3

# wide tables stay readable when output is piped or logged (no terminal width to detect)
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)

DbOpt = Annotated[Path | None, typer.Option("--db", help="DuckDB store (default: $QINGSHAN_DB "
                                                          "or ./qingshan.duckdb)")]
ProvinceOpt = Annotated[str | None, typer.Option("--province", help="bundled province name or "
                                                                    "TOML path")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="zh or en")]


def busy(e: StoreBusy) -> None:
    """Print the one line of a store that could not be had and exit with :data:`BUSY_EXIT`."""
    typer.echo(f"error: {e}", err=True)
    raise typer.Exit(BUSY_EXIT)


#: the store this process opened last, per path: (connection, lock handle). A command runs
#: to its end before the next one starts (in-process runners chain them), so opening a store
#: again first closes what the previous command left open — its lock would otherwise keep
#: this very process waiting (``flock`` locks are per open file, not per process).
_OPEN: dict[str, tuple] = {}


def _close(con, handle) -> None:
    try:
        con.close()
    finally:
        handle.release()


def _close_all() -> None:
    while _OPEN:
        _close(*_OPEN.popitem()[1])


atexit.register(_close_all)

#: set by a command that has finished its work and written its output (:func:`end_quickly`)
_QUICK = False


def end_quickly() -> None:
    """Say that this command's work is done and its output written (a read-only command such
    as ``qingshan report air``): the console command then ends through :func:`quick_exit`
    instead of the interpreter's teardown. Measured: tearing down the modules a bulletin
    imports (pandas, altair, SQLAlchemy, WeasyPrint's helpers …) took 0.4–0.5 s after the PDF
    was written (``benchmarks/bench_report.py --cli``); nothing of it is output."""
    global _QUICK
    _QUICK = True


def quick_exit_allowed() -> bool:
    return _QUICK


def quick_exit(code: object = 0) -> None:
    """End the process now with ``code`` (a ``SystemExit`` code: None, an int or a message):
    the stores this process opened are closed (:func:`_close_all`: each connection closed, its
    lock released), the operational store's pooled connections closed, logging and the standard
    streams flushed — then ``os._exit``, without the module teardown. Only for the console
    command (:func:`qingshan.cli.main`); an in-process runner (tests) never gets here."""
    import logging
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:                          # SystemExit("message"): printed, status 1, as Python does
        print(code, file=sys.stderr)
        status = 1
    try:
        _close_all()
        ops = sys.modules.get("qingshan.store.ops")
        if ops is not None:
            ops.dispose_all()
        logging.shutdown()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(status)


def open_store(db: Path | None = None, province: str | None = None, read_only: bool = False):
    """Open the store (under its lock, waiting a bounded time for other processes; module
    docstring) and sync the province config into it. Returns (con, settings, province).

    The store stays open, and locked, until the command exits.
    """
    settings = get_settings(db=db, province=province)
    prov = load_province(settings.province)
    key = str(Path(settings.db).resolve())
    if key in _OPEN:
        _close(*_OPEN.pop(key))
    timeout = lock_timeout()
    deadline = time.monotonic() + timeout
    try:
        handle = StoreLock(settings.db).acquire(write=not read_only, timeout=timeout)
        try:
            con = connect_retrying(
                lambda: connect(settings.db, read_only=read_only,
                                memory_limit=settings.memory_limit),
                settings.db, not read_only, deadline, timeout,
                open_rw=(lambda: connect(settings.db, memory_limit=settings.memory_limit))
                if read_only else None)
        except BaseException:
            handle.release()
            raise
    except StoreBusy as e:
        busy(e)
    except duckdb.Error as e:      # e.g. read-only on a file that does not exist: one line
        typer.echo(f"error: cannot open the store {settings.db}: {str(e).splitlines()[0]}",
                   err=True)
        raise typer.Exit(2) from None
    _OPEN[key] = (con, handle)
    if not read_only:
        sync_province(con, prov)
    return con, settings, prov


def print_summaries(summaries: list[BatchSummary], title: str = "Ingest summary") -> None:
    t = Table(title=title)
    for col in ("file", "outcome", "batch", "read", "stored", "flagged", "skipped", "notes"):
        t.add_column(col, justify="right" if col in ("batch", "read", "stored", "flagged",
                                                     "skipped") else "left")
    for s in summaries:
        notes = []
        notes += [f"{k}: {v}" for k, v in s.flags.items()]
        notes += [f"skipped – {k}: {v}" for k, v in s.skipped.items()]
        notes += [f"supersedes batch {d['batch_id']} ({d['rows_replaced']} rows, "
                  f"{d['rows_changed']} changed)" for d in s.superseded if "batch_id" in d]
        if s.message:
            notes.append(s.message)
        t.add_row(s.file, s.outcome, str(s.batch_id or ""), str(s.rows_read), str(s.rows_stored),
                  str(s.rows_flagged), str(s.rows_skipped), "; ".join(notes))
    if len(summaries) > 1:
        t.add_row("TOTAL", f"{sum(s.outcome == 'loaded' for s in summaries)} loaded", "",
                  str(sum(s.rows_read for s in summaries)),
                  str(sum(s.rows_stored for s in summaries)),
                  str(sum(s.rows_flagged for s in summaries)),
                  str(sum(s.rows_skipped for s in summaries)), "")
    console.print(t)


def fail(e: Exception, stored: bool = True) -> None:
    """Print an error (ingest errors name file, line, field, reason) and exit with status 2.

    ``stored``: the command writes to the store, so say that nothing was stored (every ingest
    runs in one transaction that the error rolled back).
    """
    err_console.print(f"[red]error:[/red] {e}")
    if stored:
        err_console.print("nothing was stored (the store is as it was before this command)")
    raise typer.Exit(2)
