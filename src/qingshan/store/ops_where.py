"""Where the operational store lives and whether it is there — without SQLAlchemy.

:mod:`qingshan.store.ops` imports SQLAlchemy's ORM (≈ 0.3 s); a bulletin section that only
needs to know whether the ledger beside the store exists, and whether it has anything for the
period (:mod:`qingshan.governance.bulletin_empty`), asks here first. The same answers as
before: :mod:`qingshan.store.ops` re-exports these functions.
"""

from __future__ import annotations

from pathlib import Path

from qingshan.config.settings import Settings, get_settings

__all__ = ["database_url", "exists", "ops_url_for", "sqlite_file"]

#: the prefix of the URL :func:`ops_url_for` makes (an absolute path follows)
_DEFAULT = "sqlite:///"


def ops_url_for(db_path: str | Path) -> str:
    """The default operational store of the analytic store ``db_path``: an SQLite file beside it."""
    p = Path(db_path)
    name = p.name[: -len(p.suffix)] if p.suffix else p.name
    return f"{_DEFAULT}{(p.parent / f'{name}.ops.sqlite').resolve()}"


def database_url(settings: Settings | None = None) -> str:
    """``settings.database_url`` (env ``QINGSHAN_DATABASE_URL``) or the SQLite file beside
    ``settings.db``."""
    s = settings or get_settings()
    return s.database_url or ops_url_for(s.db)


def sqlite_file(url: str) -> str | None:
    """The database file of an SQLite ``url`` (None: not SQLite, or in memory). The form
    :func:`ops_url_for` makes (``sqlite:///`` and an absolute path, no query) is read here;
    any other URL by SQLAlchemy's own parser."""
    rest = url[len(_DEFAULT):] if url.startswith(_DEFAULT) else None
    if rest and rest.startswith("/") and not any(c in rest for c in "?#%"):
        return rest
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return u.database


def exists(url: str | Settings | None = None) -> bool:
    """Whether the operational store at ``url`` is there to be read: an SQLite file that
    exists (a server's PostgreSQL: always — a failure to connect is the caller's error). A
    read — a bulletin's section — never creates a store (:func:`qingshan.store.ops.upgrade`
    would)."""
    if not isinstance(url, str):
        url = database_url(url)
    if not url.startswith("sqlite"):
        return True
    path = sqlite_file(url)
    return path is not None and Path(path).is_file()
