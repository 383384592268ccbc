"""Ingest batches: provenance of every stored row, idempotence and supersession."""

from __future__ import annotations

import contextvars
import getpass
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

__all__ = ["FileInfo", "file_info", "already_loaded", "new_batch_id", "record_batch", "BatchSummary",
           "acting_as", "acting_user", "set_acting_user"]

_ACTING: contextvars.ContextVar[str | None] = contextvars.ContextVar("qingshan_ingest_user",
                                                                    default=None)


@contextmanager
def acting_as(username: str):
    """Record ``username`` as the loader of every batch stored inside the block."""
    tok = _ACTING.set(username)
    try:
        yield
    finally:
        _ACTING.reset(tok)


def set_acting_user(username: str | None) -> None:
    """Record ``username`` as the loader of the batches stored from now on in this context (the
    CLI's ``--as``); None returns to the default."""
    _ACTING.set(username)


def acting_user() -> str:
    """Who the batches stored now are recorded as (default ``cli:<operating-system user>``)."""
    u = _ACTING.get()
    if u:
        return u
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli:unknown"


@dataclass(frozen=True)
class FileInfo:
    path: Path
    name: str
    size: int
    sha256: str


def file_info(path: str | Path) -> FileInfo:
    p = Path(path)
    h = hashlib.sha256()
    with p.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return FileInfo(p, p.name, p.stat().st_size, h.hexdigest())


def already_loaded(con: duckdb.DuckDBPyConnection, kind: str, sha256: str) -> int | None:
    """Batch id of an earlier successful load of the same content, or None."""
    row = con.execute(
        "SELECT batch_id FROM ingest_batch WHERE kind = ? AND sha256 = ? AND outcome = 'loaded' "
        "ORDER BY batch_id LIMIT 1",
        [kind, sha256],
    ).fetchall()
    row = row[0] if row else None
    return row[0] if row else None


def new_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM ingest_batch").fetchall()[0][0]


@dataclass
class BatchSummary:
    """What one ingest did; printed as the summary table at the end of every ingest."""

    file: str
    kind: str
    outcome: str  # loaded | already loaded | error
    batch_id: int | None = None
    rows_read: int = 0
    rows_stored: int = 0
    rows_flagged: int = 0
    rows_skipped: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    superseded: list[dict] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0


def record_batch(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    kind: str,
    info: FileInfo,
    summary: BatchSummary,
    started: datetime,
) -> None:
    con.execute(
        "INSERT INTO ingest_batch (batch_id, kind, file_name, file_path, file_size, sha256, "
        "rows_read, rows_stored, rows_flagged, rows_skipped, started_at, finished_at, outcome, "
        "summary, ingested_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?)",
        [
            batch_id,
            kind,
            info.name,
            str(info.path),
            info.size,
            info.sha256,
            summary.rows_read,
            summary.rows_stored,
            summary.rows_flagged,
            summary.rows_skipped,
            started,
            datetime.now(),
            json.dumps(
                {"flags": summary.flags, "skipped": summary.skipped, "superseded": summary.superseded},
                ensure_ascii=False,
            ),
            acting_user(),
        ],
    )
