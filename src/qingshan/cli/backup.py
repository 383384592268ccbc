"""``qingshan backup DIR`` and ``qingshan restore DIR`` (logic in :mod:`qingshan.store.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qingshan.cli.common import DbOpt, ProvinceOpt, busy, console
from qingshan.config import get_settings
from qingshan.store.access import StoreBusy

__all__ = ["backup_cmd", "restore_cmd", "register"]


def backup_cmd(
    folder: Annotated[Path, typer.Argument(help="new (or empty) folder for this backup")],
    keep: Annotated[int | None, typer.Option(
        "--keep", min=1, help="afterwards keep only the newest N backups in DIR's parent "
                              "(only folders with a valid qingshan manifest are counted or "
                              "deleted)")] = None,
    db: DbOpt = None,
    province: ProvinceOpt = None,
) -> None:
    """Back up the store while the server runs: the DuckDB store (copied under its shared
    lock), the operational store (SQLite online backup or pg_dump), evidence files and the
    province config, with manifest.json (SHA-256 of every file, versions, time).

    Example: qingshan backup backups/$(date +%Y%m%dT%H%M%S) --keep 14
    """
    from qingshan.store import ops
    from qingshan.store.backup import BackupError, backup

    s = get_settings(db=db, province=province)
    try:
        res = backup(folder, s.db, ops.database_url(s), s.province, keep=keep)
    except StoreBusy as e:
        busy(e)
    except BackupError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    m = res.manifest
    size = sum(f["size"] for f in m["files"])
    console.print(f"backup written to {res.folder}: {len(m['files'])} files, {size} bytes, "
                  f"{m['analytic'].get('ingest_batches', 0)} ingest batches, operational store "
                  f"{m['source']['ops_kind']} (heads {', '.join(m['versions']['alembic_heads'])}); "
                  f"manifest SHA-256 {res.manifest_sha256} (keep it apart from the backup)")
    for d in res.removed:
        console.print(f"removed older backup {d}")


def restore_cmd(
    folder: Annotated[Path, typer.Argument(help="a folder written by qingshan backup")],
    force: Annotated[bool, typer.Option(
        "--force", help="overwrite an existing store / operational store")] = False,
    db: DbOpt = None,
    province: ProvinceOpt = None,
) -> None:
    """Restore a backup to --db (default $QINGSHAN_DB) and the operational store beside it or
    at $QINGSHAN_DATABASE_URL. The manifest is verified first; nothing is touched when a file
    does not match, or when a store exists (unless --force).

    Example: qingshan restore backups/20261201T0300 --db /srv/qingshan/qingshan.duckdb
    """
    from qingshan.store import ops
    from qingshan.store.backup import BackupError, restore

    s = get_settings(db=db, province=province)
    try:
        res = restore(folder, s.db, ops.database_url(s), force=force)
    except StoreBusy as e:
        busy(e)
    except BackupError as e:
        typer.echo(f"error: {e}", err=True)
        typer.echo("nothing was restored", err=True)
        raise typer.Exit(2) from None
    console.print(f"restored {folder} ({res.manifest['created_at']}) to {res.db} and "
                  f"{res.ops_url}: {res.files} files verified")
    if res.province_file:
        console.print(f"province config written to {res.province_file} "
                      f"(use --province {res.province_file} or QINGSHAN_PROVINCE)")


def register(app: typer.Typer) -> None:
    """Add ``backup`` and ``restore`` to the root app."""
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
