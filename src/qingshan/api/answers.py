"""Answers kept in the server process, keyed by a stamp of the store file: no DuckDB open.

A repeated question (the dashboard's rankings and assessments) must not pay for opening the
store and reading its data fingerprint: :func:`store_stamp` is ``os.stat`` of the DuckDB file
and its write-ahead log (inode, size, mtime and ctime in ns). Every commit changes one of them —
DuckDB appends the commit to the WAL (its size grows) or checkpoints into the file (rewritten
blocks, new mtime) — whichever process commits (an upload of this server, a CLI ingest).

Coarse file timestamps: Linux stamps a file with the kernel's coarse clock (a few ms), so two
commits within one tick could leave the same mtime; a size that comes back too is unlikely but
not impossible. A stamp whose newest time is younger than :data:`SETTLE_S` is therefore not
trusted (:func:`store_stamp` returns ``None``; the caller opens the store and uses the data
fingerprint, as before). Answers are a bounded LRU (:data:`MAX_ANSWERS`) of plain Python
values; callers copy what they change.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["SETTLE_S", "MAX_ANSWERS", "store_stamp", "AnswerCache", "answers"]

#: a stamp younger than this [s] is not trusted (coarse file timestamps, see the docstring)
SETTLE_S = 1.0
#: answers kept per process (least recently used dropped first); a station-level assessment
#: is ~0.5 MB of Python rows (127 stations), so 128 answers stay well inside 1 GB
MAX_ANSWERS = 128


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


class AnswerCache:
    """A bounded LRU of answers keyed by ``(question, store stamp)``."""

    def __init__(self, size: int = MAX_ANSWERS):
        self._size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, path: str, question: Hashable, compute: Callable[[], Any]) -> Any:
        """The kept answer to ``question`` for the store as it is now, or ``compute()`` (kept
        when the store's stamp is the same before and after: nothing committed meanwhile)."""
        before = store_stamp(path)
        if before is not None:
            with self._lock:
                key = (question, before)
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
        value = compute()
        if before is not None and store_stamp(path) == before:
            with self._lock:
                self._items[(question, before)] = value
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


#: the server's answers (one per process)
answers = AnswerCache()
