"""The operational store: what people create or edit (accounts, sessions, the audit log, ledgers,
submissions, review decisions), in SQLAlchemy 2 with Alembic migrations.

Where it lives (:func:`database_url`): ``QINGSHAN_DATABASE_URL`` when set (a multi-user
deployment: ``postgresql+psycopg://user@host/db``), otherwise an SQLite file next to the analytic
store (``qingshan.duckdb`` → ``qingshan.ops.sqlite``).

Every domain's models subclass :class:`Base`; each domain with operational tables keeps its Alembic
revisions in its own package (``Domain.ops_migrations``, one branch per domain labelled with its
name); :func:`upgrade` applies ``upgrade heads`` over all of them, in one Alembic environment
(``qingshan/store/ops_alembic``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from qingshan.config.settings import Settings
# where the store is, asked without the ORM first (bulletin sections): re-exported here
from qingshan.store.ops_where import database_url, exists, ops_url_for

__all__ = ["Base", "database_url", "exists", "get_engine", "session_scope", "read_scope", "upgrade",
           "ops_url_for", "current_heads", "dispose_all"]

#: constraint names the same on SQLite and PostgreSQL (Alembic autogenerate and batch mode need them)
NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    """The declarative base of every operational model (tables prefixed with their domain)."""

    metadata = MetaData(naming_convention=NAMING)


#: execution option of :func:`read_scope`'s engine: its SQLite transactions begin deferred
READ_OPTION = "qingshan_read"

_LOCK = threading.RLock()
_ENGINES: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_con, _record) -> None:
    dbapi_con.isolation_level = None            # transactions begun by _sqlite_begin
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")      # readers never wait for the writer
    cur.execute("PRAGMA busy_timeout=30000")    # a second writer waits up to 30 s, then errors
    cur.close()


def _sqlite_begin(conn) -> None:
    # Every transaction takes SQLite's write lock at BEGIN: a transaction that read first and
    # wrote later could otherwise fail with "database is locked" instead of waiting its turn
    # (busy_timeout applies only to acquiring the lock at BEGIN). Writers are serial in SQLite
    # anyway; readers in WAL mode are not blocked by the lock. A session of read_scope (its
    # engine's option READ_OPTION) begins deferred: it never waits for a writer.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_OPTION)
                         else "BEGIN IMMEDIATE")


def get_engine(url: str | Settings | None = None) -> Engine:
    """One engine per URL for the life of the process."""
    if not isinstance(url, str):
        url = database_url(url)
    with _LOCK:
        eng = _ENGINES.get(url)
        if eng is None:
            if url.startswith("sqlite"):
                eng = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
                event.listen(eng, "connect", _sqlite_pragmas)
                event.listen(eng, "begin", _sqlite_begin)
            else:
                eng = create_engine(url, pool_pre_ping=True)
            _ENGINES[url] = eng
        return eng


def dispose_all() -> None:
    """Close every pooled connection (tests, fork)."""
    with _LOCK:
        for e in _ENGINES.values():
            e.dispose()
        _ENGINES.clear()
        _makers.cache_clear()
        _read_makers.cache_clear()


@functools.lru_cache(maxsize=None)
def _makers(url: str) -> sessionmaker:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@functools.lru_cache(maxsize=None)
def _read_makers(url: str) -> sessionmaker:
    return sessionmaker(get_engine(url).execution_options(**{READ_OPTION: True}),
                        expire_on_commit=False)


@contextmanager
def read_scope(url: str | Settings | None = None) -> Iterator[Session]:
    """A session that only reads, in one transaction rolled back when the block ends (nothing
    it changed is kept). On SQLite the transaction does not take the write lock (WAL: it sees
    the last commit and never waits for a writer — a sign-in check must not queue behind a
    ledger edit's commit)."""
    if not isinstance(url, str):
        url = database_url(url)
    with _read_makers(url)() as s:
        try:
            yield s
        finally:
            s.rollback()


#: how long a session of this process waits for another one's SQLite write transaction before
#: it goes on to SQLite's own wait (busy_timeout) [s]
WRITER_WAIT_S = 30.0
_WRITERS: dict[str, threading.RLock] = {}


@contextmanager
def _writer_turn(url: str) -> Iterator[None]:
    """SQLite: this process's sessions take their write transactions in turn (a lock per
    store, re-entrant in a thread). SQLite itself lets a waiting writer poll with growing
    sleeps (busy_timeout: 1 ms … 100 ms), so under many concurrent writers a late one often
    gets the lock first and an early one waits seconds; here the next writer starts as soon
    as the last one ended. Another process's writer still meets busy_timeout."""
    if not url.startswith("sqlite"):
        yield
        return
    with _LOCK:
        lock = _WRITERS.setdefault(url, threading.RLock())
    got = lock.acquire(timeout=WRITER_WAIT_S)
    try:
        yield
    finally:
        if got:
            lock.release()


@contextmanager
def session_scope(url: str | Settings | None = None) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on error
    (on SQLite, in turn with this process's other sessions: :func:`_writer_turn`)."""
    if not isinstance(url, str):
        url = database_url(url)
    with _writer_turn(url), _makers(url)() as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


def _alembic_config(url: str):
    from alembic.config import Config

    from qingshan.core.registry import domains

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("qingshan.store") / "ops_alembic"))
    locs = [str(resources.files(d.ops_migrations)) for d in domains() if d.ops_migrations]
    cfg.set_main_option("version_locations", " ".join(locs))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["url"] = url
    return cfg


_UPGRADED: set[str] = set()


@functools.lru_cache(maxsize=1)
def stored_heads() -> frozenset[str] | None:
    """The rows ``alembic_version`` holds once every domain's revisions are applied, read from
    the revision files (``revision``, ``down_revision``, ``depends_on`` literals) without
    importing Alembic: the heads of the revision graph, less a head another head depends on
    (Alembic keeps ``accounts_0001`` out of the table: the other branches depend on it).
    None when a file does not have the plain literals (then :func:`upgrade` asks Alembic)."""
    import ast

    from qingshan.core.registry import domains

    graph: dict[str, set[str]] = {}
    for d in domains():
        if not d.ops_migrations:
            continue
        for f in resources.files(d.ops_migrations).iterdir():
            if not f.name.endswith(".py") or f.name == "__init__.py":
                continue
            vals = {}
            try:
                for node in ast.parse(f.read_text(encoding="utf-8")).body:
                    if isinstance(node, ast.Assign):
                        for t in node.targets:
                            if isinstance(t, ast.Name) and t.id in ("revision", "down_revision",
                                                                    "depends_on"):
                                vals[t.id] = ast.literal_eval(node.value)
            except (SyntaxError, ValueError):
                return None
            rev = vals.get("revision")
            if not isinstance(rev, str):
                return None
            edges: set[str] = set()
            for key in ("down_revision", "depends_on"):
                v = vals.get(key)
                edges |= {v} if isinstance(v, str) else set(v or ())
            graph[rev] = edges

    def below(rev: str, seen: set[str]) -> set[str]:
        for e in graph.get(rev, ()):
            if e not in seen:
                seen.add(e)
                below(e, seen)
        return seen

    downs = {e for r in graph for e in graph[r]}
    heads = set(graph) - downs
    under = set().union(*(below(h, set()) for h in heads)) if heads else set()
    return frozenset(heads - under) or None


def _at_heads(url: str) -> bool:
    """Whether the store's ``alembic_version`` is :func:`stored_heads` (nothing to apply)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    want = stored_heads()
    if want is None:
        return False
    try:
        with get_engine(url).connect() as c:
            got = {r[0] for r in c.execute(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError:          # no table yet (a new store), or it cannot be read
        return False
    return got == want


def upgrade(url: str | Settings | None = None, *, force: bool = False) -> None:
    """Apply every domain's Alembic revisions (``upgrade heads``); once per URL and process.
    A store already at the heads (:func:`_at_heads`) is left alone without importing Alembic
    (≈ 0.2 s of a command's start: Alembic, Mako, Pygments)."""
    if not isinstance(url, str):
        url = database_url(url)
    if url in _UPGRADED and not force:
        return
    with _LOCK:
        if force or not _at_heads(url):
            from alembic import command

            command.upgrade(_alembic_config(url), "heads")
    _UPGRADED.add(url)


def current_heads(url: str | Settings | None = None) -> set[str]:
    """The revisions the store at ``url`` is at (one per domain branch)."""
    from alembic.runtime.migration import MigrationContext

    if not isinstance(url, str):
        url = database_url(url)
    with get_engine(url).connect() as c:
        return set(MigrationContext.configure(c).get_current_heads())
