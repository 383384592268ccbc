"""The store held by the server: one read-write DuckDB instance for its reads and its uploads.

Why
---
Opened per use (:mod:`qingshan.api.store`), every upload needs the file *exclusively*: DuckDB
cannot have one file open read-only and read-write in one process, so the server's read
instance is closed, the file opened read-write, the batch stored, closed, and the next read
opens it cold — and every read that arrives meanwhile waits. Under issue 19's soak (an upload
every ~0.2 s) the pages spent most of their time waiting for that (``benchmarks/RESULTS.md``,
"Issue 19, session 7"). DuckDB's own concurrency is MVCC *inside* one instance: readers of a
snapshot never wait for a writer. So while no other process wants the file, the server keeps
one read-write instance open and serves everything from it:

* a **read** gets a cursor (a connection of the held instance) inside a ``BEGIN TRANSACTION
  READ ONLY`` — the snapshot of the moment it starts, and no statement of a read path can
  write, as on the read-only instance before (DuckDB refuses it: "transaction is launched in
  read-only mode"; temporary tables still work);
* a **write** (an upload's transaction) gets a cursor too, one writer at a time
  (:attr:`Held.write_mutex`, bounded by the request timeout): reads go on meanwhile and see
  the batch when it commits.

Side by side with CLI commands
------------------------------
While it holds the instance the server holds the store's lock file *exclusive* but not its gate
(:meth:`qingshan.store.access.LockHandle.keep_lock_only`). Another qingshan process that wants
the file — a CLI ingest (writer) or ``report`` / ``air assess`` / ``backup`` (reader) — queues
at the gate as before, and a watcher thread sees that within :data:`PROBE_S`
(:meth:`~qingshan.store.access.StoreLock.anyone_waiting`) and **hands the file over**: new
uses go back to opening the file per use (they wait behind the other process as before), the
uses in flight finish, the instance is closed (DuckDB checkpoints the WAL into the file) and the
lock released. The next upload the server writes per use keeps its instance again
(:meth:`qingshan.api.store.Store.writer`). A process that does not take part (the DuckDB
shell) cannot open the file while the server holds it; ``QINGSHAN_STORE_HOLD=0`` (or
``qingshan serve --read-only``) keeps the per-use behaviour throughout.
"""

from __future__ import annotations

import os
import threading
import time

import duckdb

from qingshan.store import access

__all__ = ["Held", "HOLD_SETTING", "PROBE_S", "hold_enabled"]

#: environment variable: ``0`` keeps the server opening the file per use (default ``1``)
HOLD_SETTING = "QINGSHAN_STORE_HOLD"
#: how often the watcher looks for another process at the gate [s]
PROBE_S = 0.05


def hold_enabled(default: bool = True) -> bool:
    """``$QINGSHAN_STORE_HOLD`` (``0``/``false``/``no``/``off``: no; anything else: yes)."""
    raw = os.environ.get(HOLD_SETTING)
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() not in ("0", "false", "no", "off")


class _Use:
    """What :func:`qingshan.store.access.bind` keeps for a held read: ``release()`` (from
    :func:`~qingshan.store.access.release_early`) ends the use — the cursor is closed by the
    caller there — so that a hand-over waits for the statements only."""

    def __init__(self, held: Held):
        self._held, self._done = held, False

    def release(self) -> None:
        if not self._done:
            self._done = True
            self._held.leave()


class Held:
    """A read-write DuckDB instance held under the store's exclusive lock (module docstring).

    ``handle``: the lock file held exclusive without the gate; ``con``: the instance's first
    connection (locked down already); ``on_drop``: called after the hand-over, so that the
    store forgets this object."""

    def __init__(self, lock: access.StoreLock, handle: access.LockHandle,
                 con: duckdb.DuckDBPyConnection, on_drop):
        self.lock, self.handle, self.con = lock, handle, con
        self._on_drop = on_drop
        self._cv = threading.Condition()
        self._users = 0
        #: True from the moment the hand-over began: no new use starts here
        self.closing = False
        #: one writer at a time on the instance (DuckDB would refuse conflicting commits)
        self.write_mutex = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="qingshan-store-held",
                                         daemon=True)
        self._watcher.start()

    # -- uses -----------------------------------------------------------------------------
    def enter(self) -> duckdb.DuckDBPyConnection | None:
        """A new cursor of the instance, or None when the hand-over has begun."""
        with self._cv:
            if self.closing:
                return None
            self._users += 1
        try:
            return self.con.cursor()
        except BaseException:
            self.leave()
            raise

    def leave(self) -> None:
        with self._cv:
            self._users -= 1
            self._cv.notify_all()

    def read(self, cur: duckdb.DuckDBPyConnection) -> _Use:
        """Make ``cur`` (from :meth:`enter`) a read: a read-only snapshot transaction, bound so
        that :func:`~qingshan.store.access.release_early` ends the use."""
        cur.execute("BEGIN TRANSACTION READ ONLY")
        access.mark_snapshot(cur)
        use = _Use(self)
        access.bind(cur, use)
        return use

    @staticmethod
    def end(cur: duckdb.DuckDBPyConnection) -> None:
        """Close a cursor, ending a transaction it left open (rolled back)."""
        try:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass                 # no transaction open (committed, or closed early)
        finally:
            try:
                cur.close()
            except duckdb.Error:
                pass

    # -- the hand-over ----------------------------------------------------------------------
    def _watch(self) -> None:
        while not self.closing:
            if self.lock.anyone_waiting():
                self.hand_over()
                return
            time.sleep(PROBE_S)

    def hand_over(self, wait: float | None = None) -> None:
        """Stop new uses, wait for those in flight (at most ``wait`` s when given: the server
        shutting down), close the instance, let go of the lock."""
        deadline = None if wait is None else time.monotonic() + wait
        with self._cv:
            if self.closing and self.con is None:
                return
            self.closing = True
            while self._users and (deadline is None or time.monotonic() < deadline):
                self._cv.wait(0.5)
            con, self.con = self.con, None
        if con is None:
            return
        try:
            con.close()
        finally:
            self._on_drop(self)      # new uses open per use (and wait for the lock) from here
            self.handle.release()
