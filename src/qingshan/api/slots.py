"""Slots for the server's store reads: a request waits for a slot *before* it takes the lock.

The server computes figures in at most :data:`SLOTS` requests at once (``$QINGSHAN_HEAVY_QUERIES``,
default 2 = the cores it is sized for); the others queue. Where they queue decides whether an
upload can get in: a request that opened the store (and so holds the store's shared lock,
:mod:`qingshan.store.access`) and then waited for a computing slot kept the lock while it waited
— with 16 clients, 14 requests held it that way, an upload waited for all of them (writer
priority stops new readers meanwhile) and everything behind it ran out of its lock wait: 503
``store_busy`` (``benchmarks/RESULTS.md``, issue 19's soak runs). Taken in the order *slot, then
lock*, at most :data:`SLOTS` reads hold the lock at any moment, each for its own computation, so
a writer waits for at most those and the queue waits without a lock.

* :func:`slot` — a context manager for code that enters and leaves in one thread (a sync endpoint
  or page, :meth:`qingshan.api.store.Store.cursor`): re-entrant in that thread, so a page that
  opens the store and then asks for a computation takes one slot, not two.
* :func:`take` / :func:`give_back` — for a FastAPI generator dependency, whose two halves may run
  in different worker threads: the slot is bound to the connection (:func:`mark`), and
  :func:`holds` tells a computation on that connection that it runs in a slot already.

A slot that stays unavailable for :data:`WAIT_S` seconds is 503 ``busy`` with ``Retry-After``
(never an unbounded wait). Writers (uploads) take no slot: they need the exclusive lock only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from qingshan.api.errors import ApiError

__all__ = ["SLOTS", "WAIT_S", "slot", "take", "give_back", "mark", "unmark", "holds",
           "in_slot"]

#: computations of figures at the same time (``$QINGSHAN_HEAVY_QUERIES``, default 2)
SLOTS = max(1, int(os.environ.get("QINGSHAN_HEAVY_QUERIES", "2") or 2))
#: longest wait for a slot [s] before 503 ``busy``
WAIT_S = 30.0

_SEM = threading.BoundedSemaphore(SLOTS)
_LOCAL = threading.local()
_MARKED: dict[int, object] = {}
_MARKED_LOCK = threading.Lock()


def _busy() -> ApiError:
    return ApiError(503, "busy", "the server is computing other figures; retry shortly")


def take(wait: float = WAIT_S) -> None:
    """Wait for a slot (at most ``wait`` s; 503 ``busy`` after); pair with :func:`give_back`,
    from any thread."""
    if not _SEM.acquire(timeout=wait):
        raise _busy()


def give_back() -> None:
    """Return a slot taken by :func:`take`."""
    _SEM.release()


def in_slot() -> bool:
    """Whether the current thread is inside :func:`slot`."""
    return getattr(_LOCAL, "depth", 0) > 0


@contextmanager
def slot(wait: float = WAIT_S) -> Iterator[None]:
    """A slot for the current thread (re-entrant: an inner ``slot()`` of the same thread takes
    none)."""
    depth = getattr(_LOCAL, "depth", 0)
    if depth == 0:
        take(wait)
    _LOCAL.depth = depth + 1
    try:
        yield
    finally:
        _LOCAL.depth = depth
        if depth == 0:
            give_back()


def mark(con) -> None:
    """Record that ``con`` was opened in a slot (:func:`take`) — see :func:`holds`."""
    with _MARKED_LOCK:
        _MARKED[id(con)] = con


def unmark(con) -> None:
    with _MARKED_LOCK:
        if _MARKED.get(id(con)) is con:
            del _MARKED[id(con)]


def holds(con) -> bool:
    """Whether a computation on ``con`` already runs in a slot: ``con`` was opened in one
    (:func:`mark`), or the current thread is inside :func:`slot`."""
    if in_slot():
        return True
    with _MARKED_LOCK:
        return _MARKED.get(id(con)) is con
