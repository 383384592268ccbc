"""Which stored air data an answer depends on, so that an upload of other days keeps it.

The server keeps its answers (assessments, rankings, the pages' figures) keyed by the data they
were computed from. Keyed by the whole store, every upload — a day of January 2026 — threw away
every answer, the 2024 rankings included, and under a steady stream of uploads nothing stayed
cached (issue 19's soak: one upload every ~3 s). An answer for the days ``lo … hi`` depends on

* the **hourly rows** whose hour stamps fall in those days: identified by the ingest batches
  that stored them — each batch's first and last hour stamp is kept in a small journal
  (:class:`Journal`, one query ``GROUP BY batch_id`` over the new batches only);
* the **catalogue**: stations, city membership, cities, published city hours, the water and
  coastal tables (rows and newest batch: the pages show water figures beside air's), the
  store's facts (``store_meta``: the synthetic flag) and its schema — any change there is a
  new *generation* and every answer is recomputed.

:meth:`Journal.version` returns ``(generation, catalogue fingerprint, n, last)``: the number of
batches with hours in the days and the newest of them. Batches only ever get added, so
``(n, last)`` identifies the set. Anything else — rows removed or replaced (a superseding
ingest), a row count that does not add up — is a new generation: correctness never rests on a
guess, only the cache's reach does.

The journal is read again only when the store file's stamp
(:func:`qingshan.api.answers.store_stamp`: ``os.stat``, no DuckDB open) differs from the one it
was read at, or cannot be trusted (changed within the last second).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from datetime import date, datetime, time, timedelta

import duckdb
import numpy as np

from qingshan.core.periods import Period, parse_period
from qingshan.core.sqlkit import quote_ident
from qingshan.store.access import snapshot_memo
from qingshan.store.stamp import store_stamp

__all__ = ["Journal", "journals", "current", "db_path", "period_days", "scope_of", "kept",
           "current_kept"]

#: every statement is fixed text (no input): table names are the store's own
_NEW_BATCHES = ("SELECT batch_id, min(time), max(time), count(*) FROM air_hourly "
                "WHERE batch_id > ? GROUP BY batch_id ORDER BY batch_id")
_TOTAL = "SELECT count(*) FROM air_hourly"
#: the newest batch the connection sees: batch ids only grow and batches are committed one
#: at a time (a writer holds the store alone, or the server's one-writer mutex), so a snapshot
#: that sees a smaller one than the journal is older than the journal (a read transaction
#: opened before the last upload committed, :mod:`qingshan.api.held`)
_TOP = "SELECT COALESCE(max(batch_id), -1) FROM ingest_batch"
_CATALOGUE = {
    "station": "SELECT count(*), md5(COALESCE(string_agg(CAST(t AS VARCHAR), '|' "
               "ORDER BY CAST(t AS VARCHAR)), '')) FROM station t",
    "city_station": "SELECT count(*), md5(COALESCE(string_agg(CAST(t AS VARCHAR), '|' "
                    "ORDER BY CAST(t AS VARCHAR)), '')) FROM city_station t",
    "city": "SELECT count(*), md5(COALESCE(string_agg(CAST(t AS VARCHAR), '|' "
            "ORDER BY CAST(t AS VARCHAR)), '')) FROM city t",
    "store_meta": "SELECT count(*), md5(COALESCE(string_agg(key || '=' || value, '|' "
                  "ORDER BY key), '')) FROM store_meta",
    "published": "SELECT count(*), max(batch_id) FROM air_city_hourly_published",
    # the other domains' observations in this store: a page shows water figures beside air's
    **{t: f"SELECT count(*), max(batch_id) FROM {quote_ident(t)}" for t in (
        "water_sample", "water_section", "water_section_target", "coastal_point",
        "coastal_sample", "water_auto_published")},
    "schema": "SELECT count(*), max(CAST(applied_at AS VARCHAR)) FROM schema_migration",
}


def _catalogue(con) -> tuple:
    out = []
    for name, sql in _CATALOGUE.items():
        try:
            out.append((name,) + tuple(con.execute(sql).fetchall()[0]))
        except duckdb.CatalogException:        # a store made before that table
            out.append((name, None))
    return tuple(out)


def _top(con) -> int:
    """The newest batch ``con`` sees (kept with a snapshot connection: it cannot change)."""
    memo = snapshot_memo(con)
    if memo is not None and "top" in memo:
        return memo["top"]
    try:
        top = int(con.execute(_TOP).fetchall()[0][0])
    except duckdb.CatalogException:        # a store made before that table
        top = -1
    if memo is not None:
        memo["top"] = top
    return top


def period_days(p: Period | str) -> tuple[date, date]:
    """The days an assessment of ``p`` reads: the period and, for the year-on-year columns,
    the same period of the previous year (:meth:`Period.previous_year`; the service's
    ``assess``), as one span."""
    p = parse_period(p) if isinstance(p, str) else p
    return p.previous_year().start, p.end


def _as_date(v) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None


def scope_of(fn, args: tuple, kwargs: dict) -> tuple[date, date] | None:
    """The days a call of one of the air services (:mod:`qingshan.air.daily` /
    :mod:`qingshan.air.service`) reads, from its arguments; ``None`` (the whole store) for any
    other function or arguments it cannot read."""
    name = getattr(fn, "__name__", "")
    try:
        if name in ("assess", "city_ranking", "compliance_rates") and args:
            return period_days(args[0])
        if name in ("daily_aqi", "hourly_aqi") and len(args) >= 4:
            lo, hi = _as_date(args[2]), _as_date(args[3])
            return (lo, hi) if lo and hi else None
        if name == "monthly_series" and len(args) >= 3:
            year = int(args[2])
            return date(year - 1, 1, 1), date(year, 12, 31)
    except (ValueError, TypeError):
        return None
    return None


class Journal:
    """The batches of one store and the hours they hold (module docstring)."""

    def __init__(self) -> None:
        self.stamp: tuple | None = None
        self.generation = 0
        self.catalogue: tuple | None = None
        self.total = -1
        #: the newest batch seen (:data:`_TOP`) and the one seen when the generation began
        self.top = -1
        self.since = -1
        self.inode: int | None = None
        self._ids = np.empty(0, dtype=np.int64)
        self._lo = np.empty(0, dtype="datetime64[us]")
        self._hi = np.empty(0, dtype="datetime64[us]")
        self._lock = threading.Lock()

    def refresh(self, con, stamp: tuple | None, inode: int | None = None) -> tuple | None:
        """Bring the journal up to the store as ``con`` sees it (``stamp``: the file's stamp
        read before, remembered when trusted; ``inode``: the file's, a new file — a restore,
        a copy moved in — is a new generation).

        A connection whose snapshot is *older* than the journal (it sees fewer batches: a read
        transaction begun before the last commit) leaves the journal as it is — before, such a
        snapshot looked like rows removed and began a new generation, so every kept answer was
        thrown away — and gets ``(top, catalogue, total)`` of its snapshot back, for
        :meth:`version` ``at=`` it; None otherwise."""
        with self._lock:
            memo = snapshot_memo(con)
            if memo is not None and "catalogue" in memo:     # the same snapshot again
                catalogue, total = memo["catalogue"], memo["total"]
            else:
                catalogue = _catalogue(con)
                total = int(con.execute(_TOTAL).fetchall()[0][0])
                if memo is not None:
                    memo["catalogue"], memo["total"] = catalogue, total
            top = _top(con)
            new_file = inode is not None and inode != self.inode
            if not new_file and top < self.top:
                return (top, catalogue, total)
            last = int(self._ids[-1]) if self._ids.size else -1
            self.inode = inode
            self.top = top
            if new_file or catalogue != self.catalogue or total < self.total:
                rows, last = con.execute(_NEW_BATCHES, [-1]).fetchall(), -1
                self._reset(catalogue)
            else:
                rows = con.execute(_NEW_BATCHES, [last]).fetchall()
                if self.total + sum(int(r[3]) for r in rows) != total:
                    rows = con.execute(_NEW_BATCHES, [-1]).fetchall()   # replaced or removed
                    self._reset(catalogue)
            if rows:
                ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
                lo = np.array([r[1] for r in rows], dtype="datetime64[us]")
                hi = np.array([r[2] for r in rows], dtype="datetime64[us]")
                self._ids = np.concatenate([self._ids, ids])
                self._lo = np.concatenate([self._lo, lo])
                self._hi = np.concatenate([self._hi, hi])
            self.total = total
            self.stamp = stamp
            return None

    def _reset(self, catalogue: tuple) -> None:
        self.generation += 1
        self.since = self.top
        self.catalogue = catalogue
        self.total = 0
        self._ids = np.empty(0, dtype=np.int64)
        self._lo = np.empty(0, dtype="datetime64[us]")
        self._hi = np.empty(0, dtype="datetime64[us]")

    def version(self, days: tuple[date, date] | None, at: tuple | None = None) -> tuple:
        """The version of the data of ``days`` (``None``: all of it) as of the last
        :meth:`refresh`. A day's hour stamps are 01:00 … 24:00 (HJ 633 hour-ending), so the
        span is widened by a day on each side.

        ``at``: an older snapshot's ``(top, catalogue, total)`` (from :meth:`refresh`): the
        version that snapshot has — the batches up to its newest, which is exact when the
        snapshot is of this generation (it sees the generation's first batch and the same
        catalogue); otherwise a version no other call ever gets (the answer is not kept)."""
        with self._lock:
            ids, lo, hi = self._ids, self._lo, self._hi
            head = (self.generation, self.catalogue, self.total)
            since = self.since
        if at is not None:
            top, catalogue, total = at
            if top < since or catalogue != head[1]:
                return ("older", object())
            head = head[:2] + (total,)
            keep = ids <= top
            ids, lo, hi = ids[keep], lo[keep], hi[keep]
        if days is None:
            sel = ids
        else:
            a = np.datetime64(datetime.combine(days[0] - timedelta(days=1), time()), "us")
            b = np.datetime64(datetime.combine(days[1] + timedelta(days=2), time()), "us")
            sel = ids[(lo <= b) & (hi >= a)]
        if days is not None:
            head = head[:2]            # other days' rows do not matter
        return head + (int(sel.size), int(sel.max()) if sel.size else None)

    def span_after(self, generation: int, after: int, upto: int) -> tuple | bool | None:
        """The first and last hour stamp of the batches ``after`` < id ≤ ``upto`` of
        ``generation`` (what a reader holding the data up to batch ``after`` lacks to be at
        ``upto``); None: no such batch holds hours; False: the journal is of another
        generation (rows were replaced or the catalogue changed: start again)."""
        with self._lock:
            if generation != self.generation or after < self.since:
                return False
            sel = (self._ids > after) & (self._ids <= upto)
            if not sel.any():
                return None
            return (self._lo[sel].min().astype(datetime), self._hi[sel].max().astype(datetime))


#: connection -> its database file, asked once per connection object: a weak key (the entry
#: goes with the object, so a new connection that reuses a dead one's ``id()`` is never served
#: its file); a connection stays on the database it was opened on (the server's cannot ATTACH:
#: :func:`qingshan.api.store.lock_down`)
_PATHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PATHS_LOCK = threading.Lock()


def db_path(con) -> str | None:
    """The file of ``con``'s database (``None`` in memory), read from ``duckdb_databases()``
    once per connection object (every kept answer asks for it: ~0.4 ms a query)."""
    with _PATHS_LOCK:
        try:
            got = _PATHS.get(con, _PATHS)
        except TypeError:              # not weakly referenceable (a stand-in connection)
            got = _PATHS
    if got is not _PATHS:
        return got
    row = con.execute("SELECT path FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchall()
    path = row[0][0] if row and row[0][0] else None
    with _PATHS_LOCK:
        try:
            _PATHS[con] = path
        except TypeError:
            pass
    return path


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def current(path: str | os.PathLike, days: tuple[date, date] | None, open_con) -> tuple:
    """``(path,) +`` :meth:`Journal.version` of ``days`` for the store at ``path`` as it is
    now: the journal is read again first when the file's stamp differs from the one it was
    read at or cannot be trusted. ``open_con``: a connection to the store, or a zero-argument
    function returning a context manager that yields one (opened only when the journal must be
    read)."""
    path = os.fspath(path)
    j = journals(path)
    stamp = store_stamp(path)
    at = None
    given = isinstance(open_con, duckdb.DuckDBPyConnection)
    # a given connection may be a snapshot older than the journal (a read transaction of the
    # held instance begun before the last commit): its newest batch tells (one small query)
    if stamp is None or stamp != j.stamp or (given and _top(open_con) != j.top):
        if given:
            at = j.refresh(open_con, stamp, _inode(path))
        else:
            with open_con() as con:
                at = j.refresh(con, stamp, _inode(path))
    # the store's path leads: two stores with the same batches and catalogue (copies) are
    # still two stores, and an answer of one is never served for the other
    return (path,) + j.version(days, at)


def current_kept(path: str | os.PathLike, days: tuple[date, date] | None) -> tuple | None:
    """:func:`current` when the journal need not be read again (the file's stamp is trusted
    and the one the journal was read at), else None: no I/O beyond ``os.stat`` — for a caller
    that must not wait (the server's event loop)."""
    path = os.fspath(path)
    j = journals(path)
    stamp = store_stamp(path)
    if stamp is None or stamp != j.stamp:
        return None
    return (path,) + j.version(days, None)


_JOURNALS: dict[str, Journal] = {}
_JOURNALS_LOCK = threading.Lock()


def journals(path: str | os.PathLike) -> Journal:
    """The process's journal of the store at ``path``."""
    key = os.fspath(path)
    with _JOURNALS_LOCK:
        if key not in _JOURNALS:
            _JOURNALS[key] = Journal()
        return _JOURNALS[key]


_KEPT: OrderedDict[tuple, object] = OrderedDict()
_KEPT_LOCK = threading.Lock()
#: small answers kept (catalogue rows, latest hours, water blocks of the pages)
MAX_KEPT = 512


def kept(con, question: tuple, compute, whole: bool = False):
    """``compute()`` — a small read of the store ``con`` is open on — kept per store file and
    version: the catalogue's (:meth:`Journal.version`'s generation and catalogue fingerprint:
    stations, cities, membership, the water and coastal tables, the store's facts and schema),
    or with ``whole`` the whole store's (every batch of hours too). The key leads with the
    file's path (two copies of one store have the same fingerprint) and is read before
    ``compute()`` on the same connection (as :func:`qingshan.air.api.computed`'s). A store in
    memory is not kept. Callers copy what they change."""
    path = db_path(con)
    if path is None:
        return compute()
    ver = current(path, None, con)
    key = (question, ver if whole else ver[:3])
    with _KEPT_LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    value = compute()
    with _KEPT_LOCK:
        _KEPT[key] = value
        while len(_KEPT) > MAX_KEPT:
            _KEPT.popitem(last=False)
    return value
