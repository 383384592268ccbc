"""The server's store handle: one read-write instance while the server is alone with the file,
opened per use while another process wants it.

Held (``qingshan serve``, unless ``$QINGSHAN_STORE_HOLD=0``): the server keeps one read-write
DuckDB instance, reads get read-only snapshot transactions on cursors of it and uploads write
on it one at a time, so that neither waits for the other; another qingshan process that queues
for the file gets it handed over within 50 ms plus the uses in flight
(:mod:`qingshan.api.held`). Once handed over, the server opens the file per use as described
next until its next upload, which holds it again.

Side by side with CLI commands
------------------------------
DuckDB lets one process have a file read-write or many processes have it read-only, never both
(:mod:`qingshan.store.access`). The server therefore holds **no connection while another
process wants the file**: every :meth:`Store.cursor` opens the file read-only under the store's
shared advisory lock (concurrent requests share one DuckDB instance, so only the first pays for
opening); after the last read the file stays open for ``$QINGSHAN_STORE_LINGER`` s (default
0.5) so that requests back to back do not open it again, but is closed at once when a writer
waits (it holds the lock's gate; checked every 50 ms). An upload's write transaction opens the
file read-write under the exclusive lock (:meth:`Store.writer`), after the file was parsed and
validated. A CLI ingest, ``water ingest``, ``demo`` (exclusive) or ``air assess``, ``water
assess``, ``export hourly``, ``report`` (shared, read-only) gets the file between two
requests: a writer makes new requests wait (at most ``$QINGSHAN_REQUEST_LOCK_TIMEOUT`` s,
default 10; then 503 ``store_busy``) until it is done, and waits itself only for the requests
in flight. Every page and API answer reads the file as it is now, so a new ingest batch shows
on the next request (caches keyed by the last batch, e.g. the pages' service cache, notice it
there). A read that computes for long after fetching its rows hands the lock back first
(:func:`qingshan.store.access.fetch_and_release` / ``release_early`` on the cursor's
connection), so a waiting upload waits for the statements only. Server reads are read-only:
code on a read path that writes (e.g. refreshing materialised tables) must do it in
:meth:`Store.writer`.

What it costs — opening the file for a request that finds it closed, a writer's wait for the
requests in flight, the requests' wait for the writer — is measured by
``benchmarks/bench_side_by_side.py``.

Lockdown
--------
After the store is opened (and, read-write, the province configuration synced), the server's
DuckDB database is locked down so that a mistake elsewhere — an SQL injection, a careless
query — still cannot read or write a file, reach the network, or install or load an extension.
Checked on the installed DuckDB 2.0.1 (``tests/security/test_server_lockdown.py``):

``SET allowed_configs = ['enable_progress_bar']``
    the one option that stays settable after the lock: :func:`qingshan.store.connect` sets it
    on every connection, and a second connection to the same file in the same process (DuckDB
    shares one database instance per file) must still open. It only switches a console
    progress bar.
``SET autoinstall_known_extensions = false`` / ``SET autoload_known_extensions = false``
    a query naming ``https://…`` or ``read_xlsx`` does not fetch or load an extension.
``SET allow_community_extensions = false``
    (exists in 2.0.1) no community extension, even if one were on disk.
``SET allow_extension_repositories = 'forbidden'``
    (exists in 2.0.1) no custom extension repository can be added or trusted.
``SET enable_external_access = false``
    no file system or network access from SQL: ``read_text('/etc/passwd')``, ``read_csv``,
    ``glob``, ``COPY … TO``, ``EXPORT DATABASE``, ``ATTACH '<file>'``, ``INSTALL``, ``LOAD``,
    ``CREATE SECRET`` and Python replacement scans (a DataFrame or relation variable named in
    SQL) all fail (PermissionException, or "table does not exist" for a replacement scan).
    What stays open is what DuckDB lists itself: the database file and its WAL files
    (``allowed_paths``) and its spill folder ``<db>.tmp/`` (``allowed_directories``). Tables
    registered with ``con.register`` (the ingest passes Arrow tables that way), ``ATTACH
    ':memory:'`` and the built-in extensions (``parquet``, ``json``) work.
``allowed_directories`` / ``allowed_paths``
    left empty: the server needs no directory. The ingest reads uploaded files with Python
    and pyarrow (``ingest/cnemc.py`` parses with ``pyarrow.csv`` and validates line by line in
    SQL over a *registered* Arrow table; station lists and tables likewise), never with
    DuckDB's ``read_csv``; uploads are written by Python into the server's upload folder
    (:attr:`Store.upload_root`), which DuckDB is not allowed to touch. In 2.0.1 these lists
    can only be set *before* ``enable_external_access`` is switched off.
``SET lock_configuration = true``
    last: no ``SET``/``RESET``/``PRAGMA`` can undo any of the above
    (``SET enable_external_access = true`` fails) — which also rules out ``SET memory_limit``
    and friends on the server's database after start-up.

The settings belong to the database instance: every instance the server opens (read-only for
reads, read-write for an upload) is locked down before it is used, and every other connection
to the same file in the same process *while a request has it open* inherits them; the instance
is released when the last connection closes. The read-only server is locked the same way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from qingshan.api import slots
from qingshan.api.errors import ApiError
from qingshan.api.held import Held
from qingshan.config.province import ProvinceConfig
from qingshan.store import connect
from qingshan.store import access
from qingshan.store.access import StoreBusy, StoreLock, connect_retrying, lock_timeout
from qingshan.store.province import sync_province

__all__ = ["Store", "lock_down", "LOCKDOWN_SETTINGS", "REQUEST_TIMEOUT_SETTING",
           "LINGER_SETTING", "DEFAULT_LINGER_S", "request_timeout", "store_linger"]

#: settings applied, in this order, by :func:`lock_down` (see the module docstring)
LOCKDOWN_SETTINGS: tuple[str, ...] = (
    "SET allowed_configs = ['enable_progress_bar']",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET allow_extension_repositories = 'forbidden'",
    "SET enable_external_access = false",
    "SET lock_configuration = true",
)
#: environment variable bounding a request's wait for the store [s] (default 10)
REQUEST_TIMEOUT_SETTING = "QINGSHAN_REQUEST_LOCK_TIMEOUT"
#: environment variable: how long the server keeps the file open after the last request [s]
LINGER_SETTING = "QINGSHAN_STORE_LINGER"
#: default of :data:`LINGER_SETTING` [s]
DEFAULT_LINGER_S = 0.5
#: how often a kept file checks for a waiting writer [s]
_PROBE_S = 0.05


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    try:
        return max(0.0, float(raw)) if raw else default
    except ValueError:
        return default


def request_timeout(default: float = 10.0) -> float:
    """How long a request waits for the store [s]: ``$QINGSHAN_REQUEST_LOCK_TIMEOUT``."""
    return _seconds(REQUEST_TIMEOUT_SETTING, default)


def store_linger(default: float = DEFAULT_LINGER_S) -> float:
    """How long the server keeps the file open after its last request [s]:
    ``$QINGSHAN_STORE_LINGER`` (0: close with every request)."""
    return _seconds(LINGER_SETTING, default)


def _setting(con: duckdb.DuckDBPyConnection, name: str):
    return con.execute("SELECT current_setting(?)", [name]).fetchall()[0][0]


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """Apply :data:`LOCKDOWN_SETTINGS` to the database of ``con`` (idempotent).

    When the database is already locked (another server store on the same file in this
    process), checks that external access is off instead of setting anything.
    """
    if _setting(con, "lock_configuration"):
        if _setting(con, "enable_external_access"):
            raise RuntimeError("the database's configuration is locked with external access "
                               "on; refusing to serve it")
        return
    for sql in LOCKDOWN_SETTINGS:
        con.execute(sql)


class Store:
    """The store of a running server, opened per use (module docstring).

    At start the file is opened read-write once (migrations; the province configuration is
    synced), under the exclusive lock, and closed again (``read_only=True``: opened read-only
    to check it, uploads refused). :meth:`cursor` gives a request a read-only connection,
    :meth:`writer` an upload's read-write one; both are locked down (no file, network or
    extension access from SQL) and closed at the end of the use (a read's file stays open
    for :attr:`linger` s unless a writer waits). Uploads are written below
    :attr:`upload_root`, a private temporary folder of this store, made on the first upload and
    removed by :meth:`close` (or at exit).
    """

    def __init__(self, db: str | Path, province: ProvinceConfig, read_only: bool = False,
                 timeout: float | None = None, linger: float | None = None,
                 hold: bool = False):
        self.path, self.province, self.read_only = str(db), province, read_only
        #: whether the server keeps one read-write instance while no other process wants the
        #: file (:mod:`qingshan.api.held`; never for a read-only server)
        self.hold = bool(hold) and not read_only
        self._held: Held | None = None
        #: how long a use waits for the store [s] (:func:`request_timeout`)
        self.timeout = request_timeout() if timeout is None else timeout
        #: how long the file stays open after the last read [s] (:func:`store_linger`)
        self.linger = store_linger() if linger is None else linger
        self.lock = StoreLock(self.path)
        self._open_mutex = threading.Lock()
        self._keep_lock = threading.Lock()
        self._keep = None            # (lock handle, connection) kept open after a read
        self._keep_until = 0.0
        self._writers = 0            # uses of this store waiting for the exclusive lock
        start = lock_timeout()      # start-up waits like a CLI command
        if read_only:
            with self._use(write=False, timeout=start, api=False):
                pass
        else:
            with self._use(write=True, timeout=start, api=False) as con:
                sync_province(con, province)
        self._upload_root: Path | None = None
        self._cleanup: weakref.finalize | None = None
        self._root_lock = threading.Lock()
        self._scratch: duckdb.DuckDBPyConnection | None = None

    @property
    def upload_root(self) -> Path:
        """The private folder uploads are written to (created when first asked for)."""
        with self._root_lock:
            if self._upload_root is None or not self._upload_root.is_dir():
                self._upload_root = Path(tempfile.mkdtemp(prefix="qingshan-uploads-"))
                self._cleanup = weakref.finalize(self, shutil.rmtree, self._upload_root, True)
            return self._upload_root

    @contextmanager
    def scratch(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for parsing and validating an upload without the store: a cursor of
        one in-memory DuckDB instance per store, locked down like the store's (made on the
        first upload: opening an instance per upload cost ~20 ms of CPU each). Each cursor is
        a connection of its own — its registered tables and temporary tables are not seen by
        another upload's — and is closed at the end."""
        with self._root_lock:
            if self._scratch is None:
                con = duckdb.connect()
                try:
                    con.execute("SET enable_progress_bar = false")
                    lock_down(con)
                except BaseException:
                    con.close()
                    raise
                self._scratch = con
            cur = self._scratch.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def _open(self, write: bool) -> duckdb.DuckDBPyConnection:
        with self._open_mutex:      # lock_down of a new instance is not safe to race
            con = connect(self.path) if write else duckdb.connect(self.path, read_only=True)
            try:
                if not write and not _setting(con, "lock_configuration"):
                    con.execute("SET enable_progress_bar = false")
                    limit = os.environ.get("QINGSHAN_MEMORY_LIMIT")
                    if limit:
                        con.execute("SET memory_limit = ?", [str(limit)])
                lock_down(con)
            except BaseException:
                con.close()
                raise
            return con

    def _acquire(self, write: bool, timeout: float | None = None):
        """(lock handle, connection), waiting at most ``timeout`` [s]; :class:`StoreBusy`;
        :class:`~qingshan.store.access.Aborted` when the store came to be held meanwhile."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        handle = self.lock.acquire(write, timeout, abort=self._held_open)
        try:
            return handle, connect_retrying(lambda: self._open(write), self.path, write,
                                            deadline, timeout,
                                            open_rw=None if write else lambda: self._open(True))
        except BaseException:
            handle.release()
            raise

    @staticmethod
    def _release(handle, con) -> None:
        try:
            con.close()
        finally:
            handle.release()

    # -- the file kept open for a moment after a read ------------------------------------
    # Opening the file is the cost of this design (benchmarks/bench_side_by_side.py); while
    # one connection to it is open in this process, opening another is cheap (DuckDB's
    # instance cache). So the last read's shared lock and a connection are kept for
    # ``linger`` seconds — unless a writer is waiting: one of this server (an upload) drops
    # it at once, one of another process holds the gate, which the keeper checks every
    # :data:`_PROBE_S` (and no new read passes the gate to extend the time meanwhile).

    def _adopt(self, handle, con) -> bool:
        """Keep (handle, a connection) after a read; False when one is kept already or a
        writer is waiting."""
        if self._writers or self.lock.writer_waiting():
            return False
        with self._keep_lock:
            self._keep_until = time.monotonic() + self.linger
            if self._keep is not None:
                return False
            # a connection of its own (a cursor would close with ``con``); the instance is
            # open, so this is cheap
            try:
                self._keep = (handle, duckdb.connect(self.path, read_only=True))
            except duckdb.Error:      # e.g. this process has the file open read-write
                return False
        con.close()
        threading.Thread(target=self._expire, name="qingshan-store-linger",
                         daemon=True).start()
        return True

    def _expire(self) -> None:
        while True:
            waiting = bool(self._writers) or self.lock.writer_waiting()
            with self._keep_lock:
                left = self._keep_until - time.monotonic()
                if left <= 0 or waiting or self._keep is None:
                    kept, self._keep = self._keep, None
                    break
            time.sleep(min(left, _PROBE_S))
        if kept is not None:
            self._release(*kept)

    def _drop_kept(self) -> None:
        with self._keep_lock:
            kept, self._keep = self._keep, None
        if kept is not None:
            self._release(*kept)

    @contextmanager
    def _use(self, write: bool, timeout: float | None = None, api: bool = True,
             slot: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if slot:                      # the slot first, then the lock (qingshan.api.slots)
            with slots.slot(), self._use(write, timeout, api) as con:
                yield con
            return
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            held = self._held
            if held is not None:
                cur = self._held_enter(held, write, deadline, api)
                if cur is not None:
                    with self._held_use(held, cur, write) as con:
                        yield con
                    return
            if write:
                with self._keep_lock:
                    self._writers += 1
                self._drop_kept()
            try:
                handle, con = self._acquire(write, max(0.0, deadline - time.monotonic()))
                break
            except access.Aborted:
                continue              # held meanwhile: use the held instance
            except StoreBusy as e:
                if not api:
                    raise
                raise ApiError(503, "store_busy", str(e)) from None
            finally:
                if write:
                    with self._keep_lock:
                        self._writers -= 1
        if not write:                 # a read may let go before it computes (release_early)
            access.bind(con, handle)
        kept = False
        try:
            yield con
            kept = write and self._keep_held(handle, con)
        finally:
            if not kept:
                early = not write and access.unbind(con) is None
                if early or write or self.linger <= 0 or not self._adopt(handle, con):
                    self._release(handle, con)

    # -- the held instance (qingshan.api.held) -----------------------------------------------
    def _held_open(self) -> bool:
        held = self._held
        return held is not None and not held.closing

    def _held_enter(self, held: Held, write: bool, deadline: float, api: bool):
        """A cursor of the held instance (a writer first takes its one-writer mutex, bounded
        like the lock), or None when it is being handed over."""
        if not write:
            return held.enter()
        if not held.write_mutex.acquire(timeout=max(0.0, deadline - time.monotonic())):
            e = StoreBusy(self.path, self.timeout, True, "another upload is being stored")
            if not api:
                raise e
            raise ApiError(503, "store_busy", str(e)) from None
        try:
            cur = held.enter()
        except BaseException:
            held.write_mutex.release()
            raise
        if cur is None:
            held.write_mutex.release()
        return cur

    @contextmanager
    def _held_use(self, held: Held, cur, write: bool):
        use = None
        try:
            if not write:
                use = held.read(cur)
            yield cur
        finally:
            try:
                if use is None:
                    held.end(cur)
                    held.leave()
                elif access.unbind(cur) is not None:                # not released early
                    held.end(cur)
                    use.release()
            finally:
                if write:
                    held.write_mutex.release()

    def _keep_held(self, handle, con) -> bool:
        """After a write opened per use: keep its instance as the held one (True), unless
        holding is off or one is held already."""
        if not self.hold or self._held is not None:
            return False
        try:
            only = handle.keep_lock_only()
        except ValueError:            # no lock files (a read-only folder): do not hold
            return False
        self._held = Held(self.lock, only, con, self._dropped)
        return True

    def _dropped(self, held: Held) -> None:
        if self._held is held:
            self._held = None

    def cursor(self, slot: bool = True):
        """Context manager: a read-only connection for one request (503 ``store_busy`` when a
        writer keeps the store longer than :attr:`timeout`), opened in one of the server's
        computing slots (:mod:`qingshan.api.slots`: the slot is waited for before the lock;
        503 ``busy`` when none comes free). ``slot=False``: no slot — for a short read that
        computes nothing, or a caller that took one itself (:func:`slots.take`)."""
        return self._use(write=False, slot=slot)

    def writer(self):
        """Context manager: a read-write connection for one write transaction (uploads), under
        the exclusive lock — it waits for the requests in flight, new ones wait for it."""
        if self.read_only:
            raise ApiError(403, "forbidden", "the server was started read-only; uploads are "
                                             "refused")
        return self._use(write=True)

    def close(self) -> None:
        """Close the file if it is still kept or held open, remove the upload folder."""
        held = self._held
        if held is not None:
            held.hand_over(wait=10.0)
        self._drop_kept()
        with self._root_lock:
            scratch, self._scratch = self._scratch, None
        if scratch is not None:
            scratch.close()
        if self._cleanup is not None:
            self._cleanup()
