"""The server's store handle: one DuckDB connection, a cursor per request, a lock for writes.

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

The settings belong to the database instance, so every cursor of the server (and any other
connection to the same file in the same process while the server runs) inherits them; the
instance is released when the last connection closes. The read-only server is locked the same
way.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from qingshan.config.province import ProvinceConfig
from qingshan.store import connect
from qingshan.store.province import sync_province

__all__ = ["Store", "lock_down", "LOCKDOWN_SETTINGS"]

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
    """Owns the connection of a running server.

    The store is opened once, read-write, so the province configuration can be synced and
    uploads can be stored (``read_only=True`` opens it read-only and refuses uploads). Every
    request reads through its own ``con.cursor()``; writes are serialised by a lock. The
    database is then locked down (module docstring): no file, network or extension access
    from SQL. Uploads are written below :attr:`upload_root`, a private temporary folder of
    this store, made on the first upload and removed by :meth:`close` (or at exit).
    """

    def __init__(self, db: str | Path, province: ProvinceConfig, read_only: bool = False):
        self.path, self.province, self.read_only = str(db), province, read_only
        self._con = connect(self.path, read_only=read_only)
        try:
            if not read_only:
                sync_province(self._con, province)
            lock_down(self._con)
        except BaseException:
            self._con.close()
            raise
        self._upload_root: Path | None = None
        self._cleanup: weakref.finalize | None = None
        self._root_lock = threading.Lock()
        self.write_lock = threading.Lock()

    @property
    def upload_root(self) -> Path:
        """The private folder uploads are written to (created when first asked for)."""
        with self._root_lock:
            if self._upload_root is None or not self._upload_root.is_dir():
                self._upload_root = Path(tempfile.mkdtemp(prefix="qingshan-uploads-"))
                self._cleanup = weakref.finalize(self, shutil.rmtree, self._upload_root, True)
            return self._upload_root

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        self._con.close()
        if self._cleanup is not None:
            self._cleanup()
