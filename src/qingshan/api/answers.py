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
fingerprint, as before). An answer may instead be keyed by the version of just the data it
depends on (``version=``; :mod:`qingshan.air.versions`), so that an upload of other days keeps
it. Answers are a bounded LRU (:data:`MAX_ANSWERS`) of plain Python
values; callers copy what they change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from qingshan.store.stamp import SETTLE_S, store_stamp

__all__ = ["SETTLE_S", "MAX_ANSWERS", "store_stamp", "AnswerCache", "answers"]

#: answers kept per process (least recently used dropped first); a station-level assessment
#: is ~0.5 MB of Python rows (127 stations), so 128 answers stay well inside 1 GB
MAX_ANSWERS = 128


class AnswerCache:
    """A bounded LRU of answers keyed by ``(question, store stamp)``."""

    def __init__(self, size: int = MAX_ANSWERS):
        self._size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, path: str, question: Hashable, compute: Callable[[], Any],
                       version: Callable[[], Hashable] | None = None) -> Any:
        """The kept answer to ``question`` for the store as it is now, or ``compute()`` (kept
        when the store's stamp is the same before and after: nothing committed meanwhile).

        ``version``: a function returning the version of the data the question depends on
        (e.g. :func:`qingshan.air.versions.current` of the question's days): the answer is
        then keyed by that version instead of the whole file's stamp, so a commit of other data
        keeps it; it is kept when the version is the same before and after ``compute()``."""
        if version is not None:
            return self._versioned(question, compute, version)
        before = store_stamp(path)
        if before is not None:
            with self._lock:
                key = (question, before)
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
        value = compute()
        if before is not None and store_stamp(path) == before:
            self._put((question, before), value)
        return value

    def _versioned(self, question, compute, version) -> Any:
        key = (question, "v", version())
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        if (question, "v", version()) == key:
            self._put(key, value)
        return value

    def kept(self, question: Hashable, version: Hashable) -> Any | None:
        """The answer kept for ``question`` at data ``version`` (as ``get_or_compute(...,
        version=)`` keys it), or None — nothing is computed or read."""
        key = (question, "v", version)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def keep(self, question: Hashable, version: Hashable, value: Any) -> None:
        """Keep ``value`` as the answer to ``question`` at data ``version``."""
        self._put((question, "v", version), value)

    def _put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


#: the server's answers (one per process)
answers = AnswerCache()
