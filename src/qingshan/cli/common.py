"""Shared bits of the CLI: options, opening the store, printing ingest summaries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from qingshan.config import get_settings, load_province
from qingshan.store import connect
from qingshan.store.batches import BatchSummary
from qingshan.store.province import sync_province

__all__ = ["DbOpt", "ProvinceOpt", "LangOpt", "console", "fail", "open_store", "print_summaries"]

import sys

# wide tables stay readable when output is piped or logged (no terminal width to detect)
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)

DbOpt = Annotated[Path | None, typer.Option("--db", help="DuckDB store (default: $QINGSHAN_DB "
                                                          "or ./qingshan.duckdb)")]
ProvinceOpt = Annotated[str | None, typer.Option("--province", help="bundled province name or "
                                                                    "TOML path")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="zh or en")]


def open_store(db: Path | None = None, province: str | None = None, read_only: bool = False):
    """Open the store and sync the province config into it. Returns (con, settings, province)."""
    settings = get_settings(db=db, province=province)
    prov = load_province(settings.province)
    con = connect(settings.db, read_only=read_only, memory_limit=settings.memory_limit)
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
