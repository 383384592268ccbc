"""The province series' kept days (:mod:`qingshan.air.province_days`) in files beside the store,
so that a fresh process (``qingshan report air``, a restarted server) reads them instead of
computing every stored day again (≈ 0.6 s of CPU on the demo store, issue 13's speed point).

A file is named by a SHA-256 of everything its rows depend on: the store's content as the batch
journal sees it (:meth:`qingshan.air.versions.Journal.version`: the catalogue's fingerprint —
stations, cities, membership —, the row count, the batches and the newest batch id) and the
file's inode (a store restored or copied in is another file, as the journal counts it), the
province's configuration and cities, the code that computes them (every source and data file of
the ``qingshan`` package) and the DuckDB and PyArrow versions (a release that rounds otherwise
is another key). A store whose content changes gets another name; an old file is never read for
it. A snapshot older than the journal (generation ``"older"``) and a store in memory have no file.

The files live in ``<store>.qsdays/`` (Arrow IPC, a few hundred kB each): the newest
:data:`KEEP_FILES` are kept, older ones removed when one is written. A file is written to a
temporary name and renamed (a reader sees a whole file or none); one that cannot be read or
written (a read-only folder, a damaged or oversized file) is not used and the rows are computed,
as before — the figures never depend on the files being there.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pyarrow as pa

__all__ = ["key", "read", "write", "folder"]

#: files kept per store (the newest): a few store states and HJ 633 versions
KEEP_FILES = 12
#: a kept-days file larger than this is not read (a decade of days is a few MB)
MAX_BYTES = 256 * 1024 * 1024
_SUFFIXES = (".py", ".sql", ".yaml", ".yml", ".toml", ".json")
_CODE: str | None = None


def folder(path: str) -> Path:
    return Path(f"{path}.qsdays")


def _code() -> str:
    """A digest of the ``qingshan`` package's sources and data and of the libraries that
    compute the rows (once per process, ≈ 10 ms)."""
    global _CODE
    if _CODE is None:
        import duckdb

        import qingshan
        root = Path(qingshan.__file__).parent
        h = hashlib.sha256(f"{duckdb.__version__}|{pa.__version__}".encode())
        for f in sorted(p for p in root.rglob("*") if p.suffix in _SUFFIXES):
            h.update(f.relative_to(root).as_posix().encode())
            h.update(f.read_bytes())
        _CODE = h.hexdigest()
    return _CODE


def key(version: tuple, prov, cities: str | None, inode: int | None = None) -> str | None:
    """The name of the files of one store state (``version``: :func:`qingshan.air.versions.
    current` of all days, ``(path, generation, catalogue, total, batches, newest)``; ``inode``:
    the store file's), province and cities; None when the state has no file (an older
    snapshot)."""
    if isinstance(version[1], str):                  # "older", object(): not kept
        return None
    content = json.dumps([list(version[2] or ()), *version[3:], inode], default=str)
    h = hashlib.sha256("\x1f".join((content, prov.model_dump_json(), cities or "",
                                    _code())).encode())
    return h.hexdigest()[:40]


def _file(path: str, name: str, part: str) -> Path:
    return folder(path) / f"{name}-{part}.arrow"


def read(path: str, name: str, part: str) -> pa.Table | None:
    """The table kept as ``part`` (``days`` or ``aqi-<version>``) of the state ``name``, or None
    (no such file, or one that cannot be read)."""
    f = _file(path, name, part)
    try:
        if f.stat().st_size > MAX_BYTES:
            return None
        with pa.memory_map(str(f)) as src:
            return pa.ipc.open_file(src).read_all()
    except (OSError, pa.ArrowException):
        return None


def write(path: str, name: str, part: str, table: pa.Table) -> None:
    """Keep ``table`` as ``part`` of the state ``name`` (nothing when the folder cannot be
    written), and remove all but the newest :data:`KEEP_FILES` files."""
    d = folder(path)
    try:
        d.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, pa.ipc.new_file(out, table.schema) as w:
                w.write_table(table)
            os.replace(tmp, _file(path, name, part))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        files = sorted((f for f in d.glob("*.arrow")), key=lambda f: f.stat().st_mtime_ns)
        for f in files[:-KEEP_FILES]:
            f.unlink(missing_ok=True)
    except (OSError, pa.ArrowException):
        return
