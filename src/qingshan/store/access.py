"""Sharing the DuckDB store between processes: a running server and CLI commands side by side.

DuckDB lets one process open a database file read-write, or any number of processes open it
read-only, never both at once (it takes an OS lock on the file for as long as the database is
open). A server that kept the file open would therefore lock every CLI command out for the
life of the server. Instead:

* **Nobody holds the file between uses.** The server opens it per request (read-only for reads,
  read-write only for an upload's write transaction) and closes it when the request ends; a CLI
  command opens it for the command.
* **An advisory lock with writer priority orders the users**, so that a writer neither fails
  nor starves while a busy server keeps reading. Two lock files sit next to the store,
  ``<store>.qsgate`` and ``<store>.qslock`` (``flock``: per open file, so threads of one
  process take part like separate processes). A reader takes the gate shared, then the lock
  shared, and lets go of the gate; a writer takes the gate exclusive — new readers now wait —
  and then the lock exclusive, which it gets as soon as the readers in flight are done. Every
  wait is bounded (:func:`lock_timeout`); a wait that runs out raises :class:`StoreBusy`,
  whose message is the one line the CLI prints (exit status 3) and the API returns (503).
* **Readers let go before they compute** (:func:`release_early`, :func:`fetch_and_release`):
  the priority above makes a writer wait only for the readers *in flight*, so what bounds an
  upload's wait is how long a reader holds the lock. A server read that fetches its rows in a
  few statements and then computes for seconds (pandas over an assessment, a page) should hand
  the lock back after the statements: whoever opened the connection under the lock
  binds it (:func:`bind`) to its :class:`LockHandle`; ``fetch_and_release(con, statements)`` runs
  the statements, closes ``con`` and releases the lock, and the caller computes on the frames
  it got. A connection that nobody bound (a CLI command's, which holds the store for the whole
  command; a plain test connection) is left open and locked as before, so code written this way
  works with every connection it is given.
* **DuckDB's own lock is retried too**, within the same bound, for a process that does not
  take part (the DuckDB shell, an older qingshan), or where lock files cannot be made (a
  read-only folder; systems without ``fcntl``).

Lock files are never removed (removing one while another process waits on it would let two
writers in).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

try:                                   # POSIX; elsewhere only DuckDB's own lock is retried
    import fcntl
except ImportError:                    # pragma: no cover - Windows
    fcntl = None

__all__ = ["StoreBusy", "Aborted", "StoreLock", "LockHandle", "lock_timeout", "is_lock_error",
           "connect_retrying", "locked", "bind", "unbind", "is_bound", "release_early",
           "fetch_and_release", "mark_snapshot", "snapshot_memo", "TIMEOUT_SETTING",
           "DEFAULT_TIMEOUT_S", "POLL_S"]

#: environment variable bounding every wait for the store [s]
TIMEOUT_SETTING = "QINGSHAN_LOCK_TIMEOUT"
#: default bound of a wait for the store [s]
DEFAULT_TIMEOUT_S = 30.0
#: first and longest pause between two attempts [s] (doubling in between)
POLL_S = (0.005, 0.1)


class StoreBusy(RuntimeError):
    """The store could not be had within the bound; ``str()`` is one line for the user."""

    def __init__(self, path: str | Path, waited: float, write: bool, detail: str = ""):
        self.path, self.waited, self.write, self.detail = str(path), waited, write, detail
        what = ("another qingshan process is using it — a running `qingshan serve` or another "
                "command" if write else "another qingshan process is writing to it")
        super().__init__(f"the store {Path(path).name} is busy ({what}); retried for "
                         f"{waited:.0f} s — try again (or raise {TIMEOUT_SETTING})")


class Aborted(RuntimeError):
    """:meth:`StoreLock.acquire` gave up its wait because its ``abort()`` said so (nothing is
    held)."""


def lock_timeout(default: float = DEFAULT_TIMEOUT_S) -> float:
    """The bound of a wait for the store [s]: ``$QINGSHAN_LOCK_TIMEOUT`` or ``default``."""
    raw = os.environ.get(TIMEOUT_SETTING)
    try:
        return max(0.0, float(raw)) if raw else default
    except ValueError:
        return default


def is_lock_error(e: BaseException) -> bool:
    """Whether ``e`` is DuckDB failing to lock the file (held by another process), or to open
    it with other settings than an instance already open in this process."""
    msg = str(e)
    return isinstance(e, duckdb.Error) and (
        "Could not set lock" in msg or "Conflicting lock" in msg or _same_process(e))


def _same_process(e: BaseException) -> bool:
    """DuckDB refusing a second instance of a file this process already has open with other
    settings (read-write vs read-only)."""
    return "different configuration" in str(e)


def _pauses() -> Iterator[float]:
    p = POLL_S[0]
    while True:
        yield p
        p = min(POLL_S[1], p * 2)


class LockHandle:
    """Held lock files; :meth:`release` (idempotent) lets go of them."""

    def __init__(self, fds: list[int], write: bool, waited: float):
        self._fds, self.write, self.waited = fds, write, waited

    @property
    def released(self) -> bool:
        """Whether :meth:`release` was called (or nothing was held)."""
        return not self._fds

    def keep_lock_only(self) -> LockHandle:
        """For a writer's handle: let go of the gate and keep the lock file exclusive — new
        users may queue at the gate again (which a holder of the lock sees,
        :meth:`StoreLock.anyone_waiting`) while this process still has the store to itself.
        Returns the handle of the lock alone (this one is then released)."""
        if not self.write or len(self._fds) != 2:
            raise ValueError("only a writer's handle (gate and lock) can keep the lock alone")
        gate, lock = self._fds
        self._fds = []
        try:
            fcntl.flock(gate, fcntl.LOCK_UN)
        finally:
            os.close(gate)
        return LockHandle([lock], True, self.waited)

    def release(self) -> None:
        fds, self._fds = self._fds, []
        for fd in reversed(fds):
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __enter__(self) -> LockHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class StoreLock:
    """The advisory readers–writer lock of one store file (module docstring)."""

    def __init__(self, db: str | Path):
        self.db = str(db)
        self.lock_path = f"{self.db}.qslock"
        self.gate_path = f"{self.db}.qsgate"

    def _open(self, path: str) -> int | None:
        if fcntl is None or self.db == ":memory:":
            return None
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return None                  # e.g. a read-only folder: DuckDB's lock only

    @staticmethod
    def _take(fd: int, mode: int, deadline: float, abort=None) -> bool | None:
        """True when taken, False when ``deadline`` passed, None when ``abort()`` said so."""
        pauses = _pauses()
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if abort is not None and abort():
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                time.sleep(min(next(pauses), left))

    def _gate_held(self, mode: int) -> bool:
        """Whether the gate cannot be taken in ``mode`` without waiting (probed, let go)."""
        gate = self._open(self.gate_path)
        if gate is None:
            return False
        try:
            fcntl.flock(gate, mode | fcntl.LOCK_NB)
            fcntl.flock(gate, fcntl.LOCK_UN)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(gate)

    def writer_waiting(self) -> bool:
        """Whether a writer holds the gate now (waiting for the readers, or writing)."""
        return self._gate_held(fcntl.LOCK_SH) if fcntl is not None else False

    def anyone_waiting(self) -> bool:
        """Whether anyone holds the gate now: a reader waiting for the lock (readers hold the
        gate shared only while they wait) or a writer. Meant for a process that holds the lock
        exclusive *without* the gate (:meth:`LockHandle.keep_lock_only`): then any holder of
        the gate is another user waiting for it."""
        return self._gate_held(fcntl.LOCK_EX) if fcntl is not None else False

    def acquire(self, write: bool, timeout: float | None = None, abort=None) -> LockHandle:
        """Take the lock (``write``: exclusive, else shared) within ``timeout`` seconds
        (default :func:`lock_timeout`); raises :class:`StoreBusy` when it runs out.

        ``abort``: a function asked between two attempts; when it returns true the wait ends
        with :class:`Aborted` and nothing held (the server's uses switch to the instance it
        holds meanwhile, :mod:`qingshan.api.held`)."""
        timeout = lock_timeout() if timeout is None else timeout
        t0 = time.monotonic()
        deadline = t0 + timeout
        gate = self._open(self.gate_path)
        if gate is None:
            return LockHandle([], write, 0.0)
        lock = self._open(self.lock_path)
        if lock is None:
            os.close(gate)
            return LockHandle([], write, 0.0)
        mode = fcntl.LOCK_EX if write else fcntl.LOCK_SH
        got = self._take(gate, mode, deadline, abort)
        if not got:
            os.close(gate)
            os.close(lock)
            raise Aborted() if got is None else StoreBusy(self.db, timeout, write)
        got = self._take(lock, mode, deadline, abort)
        if not got:
            fcntl.flock(gate, fcntl.LOCK_UN)
            os.close(gate)
            os.close(lock)
            raise Aborted() if got is None else StoreBusy(self.db, timeout, write)
        waited = time.monotonic() - t0
        if write:
            return LockHandle([gate, lock], True, waited)
        fcntl.flock(gate, fcntl.LOCK_UN)      # readers pass the gate; writers keep it
        os.close(gate)
        return LockHandle([lock], False, waited)


def connect_retrying(open_fn, path: str | Path, write: bool, deadline: float,
                     timeout: float, open_rw=None) -> duckdb.DuckDBPyConnection:
    """``open_fn()`` (a DuckDB connect), retried while DuckDB reports its file lock held,
    until ``deadline`` (``time.monotonic()``); then :class:`StoreBusy`.

    ``open_rw``: for a read-only ``open_fn``, how to open the file read-write instead when this
    very process already has it open read-write (DuckDB allows one instance per file and
    process; e.g. a test holding a connection while it runs a command in-process).
    """
    pauses = _pauses()
    while True:
        try:
            return open_fn()
        except duckdb.Error as e:
            if not is_lock_error(e):
                raise
            if open_rw is not None and _same_process(e):
                try:
                    return open_rw()
                except duckdb.Error as e2:
                    if not is_lock_error(e2):
                        raise
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreBusy(path, timeout, write, str(e).splitlines()[0]) from None
            time.sleep(min(next(pauses), left))


# -- snapshots: read transactions whose view of the store does not change -------------------
_SNAPSHOTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SNAPSHOTS_LOCK = threading.Lock()


def mark_snapshot(con) -> None:
    """Record that ``con`` reads inside one read-only transaction (the server's held reads,
    :mod:`qingshan.api.held`): what it sees of the store cannot change until it is closed, so
    small facts read through it may be kept with it (:func:`snapshot_memo`)."""
    with _SNAPSHOTS_LOCK:
        _SNAPSHOTS[con] = {}


def snapshot_memo(con) -> dict | None:
    """The memo of a connection marked by :func:`mark_snapshot` (None for any other: a CLI
    command's connection sees its own writes, a per-use read each statement's newest)."""
    with _SNAPSHOTS_LOCK:
        try:
            return _SNAPSHOTS.get(con)
        except TypeError:
            return None


# -- letting go of a read before computing -------------------------------------------------
# id(con) -> (con, handle): the connection is kept in the value, so its id cannot be reused
# while it is registered; entries go in :func:`unbind` / :func:`release_early`.
_BOUND: dict[int, tuple[object, LockHandle]] = {}
_BOUND_LOCK = threading.Lock()


def bind(con, handle: LockHandle) -> None:
    """Record that ``con`` was opened under ``handle``, so that :func:`release_early` can let
    go of both (the opener calls :func:`unbind` when it closes ``con`` the usual way)."""
    with _BOUND_LOCK:
        _BOUND[id(con)] = (con, handle)


def unbind(con) -> LockHandle | None:
    """Forget ``con``'s handle (returned, or None when it was not bound / already released)."""
    with _BOUND_LOCK:
        entry = _BOUND.pop(id(con), None)
    return None if entry is None or entry[0] is not con else entry[1]


def is_bound(con) -> bool:
    """Whether ``con`` still holds the store's lock through :func:`bind`."""
    with _BOUND_LOCK:
        entry = _BOUND.get(id(con))
    return entry is not None and entry[0] is con


def release_early(con) -> bool:
    """Close ``con`` and let go of the store's lock it was opened under, now rather than at the
    end of the request; True when that happened. ``con`` must not be used afterwards (DuckDB
    raises on a closed connection). A connection that was not bound (a CLI command's,
    a test's) is left open and locked: False, and the caller just goes on."""
    handle = unbind(con)
    if handle is None:
        return False
    try:
        con.close()
    finally:
        handle.release()
    return True


def fetch_and_release(con, statements: Sequence | Mapping):
    """Run the read ``statements`` on ``con`` as DataFrames, then :func:`release_early`.

    ``statements``: a sequence of ``sql`` or ``(sql, params)`` — returns a list of frames in
    the same order —, or a mapping name → ``sql`` / ``(sql, params)`` — returns a dict. Values
    go in as bound parameters only. On an error the lock is released as well (the connection
    is closed either way when it was bound).

    Example::

        hours, stations = fetch_and_release(con, [
            ("SELECT * FROM hourly WHERE ts >= ? AND ts < ?", [start, end]),
            "SELECT * FROM station"])
        result = compute(hours, stations)          # no lock held here
    """
    def one(st):
        sql, params = (st, None) if isinstance(st, str) else st
        return con.execute(sql, params).df() if params is not None else con.execute(sql).df()

    try:
        if isinstance(statements, Mapping):
            return {k: one(v) for k, v in statements.items()}
        return [one(st) for st in statements]
    finally:
        release_early(con)


@contextmanager
def locked(db: str | Path, write: bool, open_fn, timeout: float | None = None
           ) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store opened by ``open_fn()`` under the advisory lock (``write``: exclusive),
    both waits bounded by ``timeout`` together; closed and released on exit."""
    timeout = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    handle = StoreLock(db).acquire(write, timeout)
    try:
        con = connect_retrying(open_fn, db, write, deadline, timeout)
        bind(con, handle)
        try:
            yield con
        finally:
            unbind(con)
            con.close()
    finally:
        handle.release()
