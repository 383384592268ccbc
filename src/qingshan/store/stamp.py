"""A stamp of a DuckDB store file taken with ``os.stat`` (no DuckDB open): what changes with
every commit, whichever process commits.

:func:`store_stamp` is ``os.stat`` of the DuckDB file and its write-ahead log (inode, size,
mtime and ctime in ns). Every commit changes one of them — DuckDB appends the commit to the WAL
(its size grows) or checkpoints into the file (rewritten blocks, new mtime).

Coarse file timestamps: Linux stamps a file with the kernel's coarse clock (a few ms), so two
commits within one tick could leave the same mtime; a size that comes back too is unlikely but
not impossible. A stamp whose newest time is younger than :data:`SETTLE_S` is therefore not
trusted (:func:`store_stamp` returns ``None``; the caller reads the store itself).
"""

from __future__ import annotations

import os
import time

__all__ = ["SETTLE_S", "store_stamp"]

#: a stamp younger than this [s] is not trusted (coarse file timestamps, see the docstring)
SETTLE_S = 1.0


def store_stamp(path: str | os.PathLike, now: float | None = None) -> tuple | None:
    """``(file, wal)`` stat stamps of the DuckDB store at ``path`` (``None`` for a missing
    WAL), or ``None`` when the file is missing or changed less than :data:`SETTLE_S` ago."""
    now_ns = time.time_ns() if now is None else int(now * 1e9)
    out = []
    for p in (os.fspath(path), os.fspath(path) + ".wal"):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            if not out:                   # no store file: nothing to key by
                return None
            out.append(None)
            continue
        if now_ns - max(st.st_mtime_ns, st.st_ctime_ns) < SETTLE_S * 1e9:
            return None
        out.append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(out)
