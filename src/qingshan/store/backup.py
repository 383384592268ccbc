"""Backups of a running installation, and restoring one onto a fresh machine (issue 19).

What a backup holds (one folder, ``manifest.json`` last)
--------------------------------------------------------
``analytic/<store>.duckdb``
    the DuckDB store. **Copied as a file under the store's shared advisory lock**
    (:mod:`qingshan.store.access`), then checkpointed *in the copy*: while the shared lock is
    held no writer (CLI ingest, server upload) can be between two statements, and a running
    server keeps answering (its reads take the same shared lock). A WAL file left beside the
    store (a writer killed before its checkpoint) is copied with it and folded into the copy by
    ``CHECKPOINT`` in the backup folder, so the backup is one self-contained file. Chosen over
    ``EXPORT DATABASE`` because a file copy is the same database byte for byte (no CSV/Parquet
    round trip of types, sequences or floats), restoring is one atomic rename, and it costs one
    sequential read; ``CHECKPOINT`` on the live store would need the exclusive lock (stopping
    the server's reads for the copy). Writers wait while a backup runs (bounded: a CLI command
    ``$QINGSHAN_LOCK_TIMEOUT`` s, an upload ``$QINGSHAN_REQUEST_LOCK_TIMEOUT`` s then 503).
``ops/ops.sqlite`` or ``ops/ops.pgdump``
    the operational store, taken *after* the DuckDB copy while the shared lock is still held:
    SQLite through the ``sqlite3`` online backup API (one read transaction: a consistent
    snapshot while the server writes), PostgreSQL with ``pg_dump --format=custom`` (one
    repeatable-read transaction). An upload commits its batch in DuckDB and then its audit row
    in the operational store (two databases, no common transaction); taking the operational
    store second means it is never older than the analytic copy.
``evidence/…``
    governance's content-addressed evidence files (``<store folder>/evidence``, see
    ``qingshan.governance.evidence``), if that folder exists; files are immutable once stored.
``config/province.toml``
    the province configuration the store was used with (bundled or a TOML path).

``manifest.json`` lists every file with its size and SHA-256, the versions (qingshan, DuckDB,
the operational store's Alembic heads, the analytic store's migrations) and the time (UTC). The
backup is written to ``<DIR>.partial`` and renamed to ``DIR`` when complete, so a folder named
like a backup with a manifest is always a whole one.

:func:`restore` verifies the whole manifest (every file's size and hash, no file missing or
added) before it touches anything, refuses to overwrite an existing store unless ``force``,
and writes the DuckDB file to a temporary name beside the target and renames it into place
(under the target's exclusive lock).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import glob
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import duckdb
from sqlalchemy.engine import make_url

from qingshan import __version__
from qingshan.store import ops
from qingshan.store.access import StoreLock, lock_timeout

__all__ = ["BackupError", "BackupResult", "RestoreResult", "backup", "restore",
           "verify_manifest", "read_manifest", "prune", "evidence_dir", "pg_binary", "safe_url",
           "FORMAT", "MANIFEST"]

FORMAT = "qingshan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_CHUNK = 1 << 20


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; ``str()`` is one line for the user."""


@dataclass
class BackupResult:
    folder: Path
    manifest: dict
    removed: list[Path] = field(default_factory=list)
    #: SHA-256 of manifest.json: keep it elsewhere to detect a rewritten manifest later
    manifest_sha256: str = ""


@dataclass
class RestoreResult:
    db: Path
    ops_url: str
    files: int
    province_file: Path | None
    manifest: dict


def evidence_dir(db: str | Path) -> Path:
    """The evidence folder of the store ``db`` (as ``qingshan.governance.evidence``)."""
    return Path(db).resolve().parent / "evidence"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def pg_binary(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: on PATH or the newest ``/usr/lib/postgresql/*/bin``."""
    found = shutil.which(name)
    if found:
        return found
    cands = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: [int(x) if x.isdigit() else 0 for x in p.split("/")[4:5]])
    if not cands:
        raise BackupError(f"{name} not found (install the PostgreSQL client: Debian package "
                          "postgresql-client)")
    return cands[-1]


def _pg_conninfo(url: str) -> tuple[str, dict]:
    """A libpq conninfo string for ``url`` and the environment carrying its password (never
    on the command line)."""
    u = make_url(url)
    parts = {"dbname": u.database, "user": u.username,
             "host": u.query.get("host") or u.host, "port": u.query.get("port") or u.port}
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)

    def q(v) -> str:
        return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"
    return " ".join(f"{k}={q(v)}" for k, v in parts.items() if v not in (None, "")), env


def _run(cmd: list[str], env: dict, what: str) -> None:
    res = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        msg = (res.stderr or res.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {msg[-1] if msg else res.returncode}")


# ---- backup -------------------------------------------------------------------------------

def _copy_duckdb(src: Path, dest: Path) -> None:
    """Copy the store (and a WAL beside it) — the caller holds the shared lock — then fold the
    WAL into the copy and check that the copy opens."""
    shutil.copyfile(src, dest)
    wal = Path(f"{src}.wal")
    if wal.exists():
        shutil.copyfile(wal, f"{dest}.wal")
    con = duckdb.connect(str(dest))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    Path(f"{dest}.wal").unlink(missing_ok=True)


def _analytic_facts(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        facts: dict = {}
        if "schema_migration" in tables:
            facts["migrations"] = [f"{d}:{v}" for d, v in con.execute(
                "SELECT domain, version FROM schema_migration ORDER BY domain, version"
            ).fetchall()]
        if "ingest_batch" in tables:
            facts["ingest_batches"] = con.execute("SELECT count(*) FROM ingest_batch").fetchall()[0][0]
        return facts
    finally:
        con.close()


def _backup_sqlite(url: str, dest: Path) -> None:
    path = make_url(url).database
    if not path or not Path(path).exists():
        raise BackupError(f"the operational store {path} does not exist")
    src = sqlite3.connect(path)        # only read (a read-only open of a WAL file may fail)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)          # all pages in one step: one read transaction
            # a plain rollback-journal file: reading the backup later makes no -wal/-shm
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _province_file(province: str) -> tuple[Path | None, str]:
    p = Path(province)
    if p.suffix == ".toml" and p.exists():
        return p, str(p.resolve())
    res = resources.files("qingshan.config") / "provinces" / f"{province}.toml"
    if res.is_file():
        return Path(str(res)), f"bundled:{province}"
    return None, province


def backup(folder: str | Path, db: str | Path, ops_url: str, province: str,
           keep: int | None = None, timeout: float | None = None) -> BackupResult:
    """Back up the store ``db``, its operational store ``ops_url``, evidence and province
    config into ``folder`` (must not exist, or be empty); then keep the newest ``keep`` backups
    in ``folder``'s parent (:func:`prune`). Module docstring for what and how."""
    folder, db = Path(folder).resolve(), Path(db).resolve()
    if not db.is_file():
        raise BackupError(f"the store {db} does not exist")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} exists and is not an empty folder; give a new one "
                          "(e.g. backups/$(date +%Y%m%dT%H%M%S))")
    part = folder.with_name(folder.name + ".partial")
    if part.exists():
        shutil.rmtree(part)
    (part / "analytic").mkdir(parents=True)
    (part / "ops").mkdir()
    started = datetime.now(timezone.utc)
    is_pg = not ops_url.startswith("sqlite")
    try:
        handle = StoreLock(db).acquire(write=False,
                                       timeout=lock_timeout() if timeout is None else timeout)
        try:
            locked_at = datetime.now(timezone.utc)
            _copy_duckdb(db, part / "analytic" / db.name)
            if is_pg:
                conninfo, env = _pg_conninfo(ops_url)
                _run([pg_binary("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                      f"--file={part / 'ops' / 'ops.pgdump'}", f"--dbname={conninfo}"],
                     env, "pg_dump")
            elif Path(make_url(ops_url).database or "").exists():
                _backup_sqlite(ops_url, part / "ops" / "ops.sqlite")
            # else: no operational store yet (nothing but ingests so far): none in the backup
        finally:
            handle.release()
        released_at = datetime.now(timezone.utc)
        ev = evidence_dir(db)
        if ev.is_dir():
            shutil.copytree(ev, part / "evidence", ignore=shutil.ignore_patterns(".tmp-*"))
        pfile, psource = _province_file(province)
        if pfile is not None:
            (part / "config").mkdir()
            shutil.copyfile(pfile, part / "config" / "province.toml")
        has_ops = is_pg or (part / "ops" / "ops.sqlite").exists()
        try:
            heads = sorted(ops.current_heads(ops_url)) if has_ops else []
        except Exception:                      # an empty or unmigrated store
            heads = []
        files = []
        for p in sorted(x for x in part.rglob("*") if x.is_file()):
            _fsync(p)
            files.append({"path": p.relative_to(part).as_posix(), "size": p.stat().st_size,
                          "sha256": _sha256(p)})
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "created_at": started.isoformat(timespec="seconds"),
            "snapshot": {"locked_at": locked_at.isoformat(timespec="milliseconds"),
                         "released_at": released_at.isoformat(timespec="milliseconds"),
                         "method": "duckdb file copy under the shared store lock, CHECKPOINT "
                                   "in the copy; ops store " +
                                   ("pg_dump custom format" if is_pg else
                                    "sqlite3 online backup") + " under the same lock"},
            "versions": {"qingshan": __version__, "duckdb": duckdb.__version__,
                         "alembic_heads": heads},
            "source": {"db": str(db), "ops": safe_url(ops_url),
                       "ops_kind": "postgresql" if is_pg else "sqlite", "ops_present": has_ops,
                       "province": psource},
            "analytic": _analytic_facts(part / "analytic" / db.name) | {"file":
                                                                        f"analytic/{db.name}"},
            "files": files,
        }
        mpath = part / MANIFEST
        mpath.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
        _fsync(mpath)
        if folder.exists():
            folder.rmdir()                      # the empty folder given
        os.replace(part, folder)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise
    removed = prune(folder.parent, keep, protect=folder) if keep else []
    return BackupResult(folder, manifest, removed, _sha256(folder / MANIFEST))


# ---- manifests and retention --------------------------------------------------------------

def read_manifest(folder: str | Path) -> dict:
    """The manifest of a backup folder (format checked, not the files); :class:`BackupError`."""
    m = Path(folder) / MANIFEST
    try:
        data = json.loads(m.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{m}: not a readable backup manifest ({e})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(
            data.get("files"), list) or not data.get("created_at"):
        raise BackupError(f"{m}: not a {FORMAT} manifest")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{m}: format version {data.get('format_version')} (this qingshan "
                          f"reads {FORMAT_VERSION})")
    return data


def verify_manifest(folder: str | Path) -> dict:
    """Check every file of the backup against the manifest (size, SHA-256), and that no file
    is missing or added; returns the manifest or raises :class:`BackupError` naming the first
    mismatch."""
    folder = Path(folder)
    data = read_manifest(folder)
    listed = {}
    for f in data["files"]:
        rel = f.get("path", "") if isinstance(f, dict) else ""
        p = folder / rel
        if not rel or Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise BackupError(f"manifest lists an unsafe path {rel!r}")
        listed[rel] = f
        if not p.is_file():
            raise BackupError(f"manifest mismatch: {rel} is missing")
        if p.stat().st_size != f.get("size"):
            raise BackupError(f"manifest mismatch: {rel} has {p.stat().st_size} bytes, the "
                              f"manifest says {f.get('size')}")
        if _sha256(p) != f.get("sha256"):
            raise BackupError(f"manifest mismatch: {rel} does not have the SHA-256 of the "
                              "manifest (changed or damaged)")
    for p in folder.rglob("*"):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel != MANIFEST and rel not in listed:
            raise BackupError(f"manifest mismatch: {rel} is not in the manifest")
    if (data.get("analytic") or {}).get("file") not in listed:
        raise BackupError("manifest mismatch: the analytic store is not among its files")
    return data


def _valid(folder: Path) -> dict | None:
    try:
        data = read_manifest(folder)
    except BackupError:
        return None
    for f in data["files"]:
        p = folder / str(f.get("path", ""))
        if not p.is_file() or p.stat().st_size != f.get("size"):
            return None
    return data


def prune(parent: str | Path, keep: int, protect: Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` backups directly inside ``parent`` (by the manifest's
    time); only folders with a valid manifest (format, every listed file present with its
    size) are counted or deleted, anything else is left alone."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    found = []
    for d in Path(parent).iterdir():
        if d.is_dir() and not d.is_symlink() and (m := _valid(d)) is not None:
            found.append((m["created_at"], d.name, d))
    found.sort(reverse=True)
    removed = []
    for _, _, d in found[keep:]:
        if protect is not None and d.resolve() == protect.resolve():
            continue
        shutil.rmtree(d)
        removed.append(d)
    return removed


# ---- restore ------------------------------------------------------------------------------

def _pg_has_tables(url: str) -> bool:
    import sqlalchemy as sa
    eng = sa.create_engine(url)
    try:
        with eng.connect() as c:
            return bool(c.execute(sa.text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                "current_schema()")).scalar())
    finally:
        eng.dispose()


def _existing(db: Path, ops_url: str, is_pg: bool) -> list[str]:
    found = []
    if db.exists():
        found.append(str(db))
    if is_pg:
        if _pg_has_tables(ops_url):
            found.append(f"the PostgreSQL database {safe_url(ops_url)} (has tables)")
    else:
        path = make_url(ops_url).database
        if path and Path(path).exists():
            found.append(path)
    ev = evidence_dir(db)
    if ev.is_dir() and any(ev.iterdir()):
        found.append(str(ev))
    return found


def _restore_sqlite(src: Path, url: str) -> None:
    path = Path(make_url(url).database)
    path.parent.mkdir(parents=True, exist_ok=True)
    s = sqlite3.connect(f"file:{src}?mode=ro&immutable=1", uri=True)   # writes nothing beside it
    try:
        d = sqlite3.connect(path)
        try:
            s.backup(d)             # replaces the target's content as one transaction
            d.execute("PRAGMA journal_mode=WAL")
        finally:
            d.close()
    finally:
        s.close()


def restore(folder: str | Path, db: str | Path, ops_url: str, force: bool = False,
            timeout: float | None = None) -> RestoreResult:
    """Restore the backup ``folder`` to the store ``db`` and the operational store ``ops_url``
    (module docstring). Nothing is touched unless the manifest verifies; an existing target is
    refused unless ``force``."""
    folder, db = Path(folder).resolve(), Path(db).resolve()
    data = verify_manifest(folder)
    is_pg = not ops_url.startswith("sqlite")
    kind = data.get("source", {}).get("ops_kind")
    if kind != ("postgresql" if is_pg else "sqlite"):
        raise BackupError(f"the backup's operational store is {kind}; the target "
                          f"{safe_url(ops_url)} is not (restore to the same kind of database)")
    src_db = folder / data["analytic"]["file"]
    if not force and (existing := _existing(db, ops_url, is_pg)):
        raise BackupError("refusing to overwrite " + ", ".join(existing) +
                          " (give --force, or restore to a new --db / database)")
    db.parent.mkdir(parents=True, exist_ok=True)
    handle = StoreLock(db).acquire(write=True,
                                   timeout=lock_timeout() if timeout is None else timeout)
    try:
        tmp = db.with_name(f".{db.name}.restoring")
        shutil.copyfile(src_db, tmp)
        _fsync(tmp)
        if is_pg:
            conninfo, env = _pg_conninfo(ops_url)
            _run([pg_binary("pg_restore"), "--clean", "--if-exists", "--no-owner",
                  "--no-privileges", "--single-transaction", "--exit-on-error",
                  f"--dbname={conninfo}", str(folder / "ops" / "ops.pgdump")],
                 env, "pg_restore")
        elif (folder / "ops" / "ops.sqlite").is_file():
            _restore_sqlite(folder / "ops" / "ops.sqlite", ops_url)
        # a WAL of the store being replaced would be replayed onto the restored file
        Path(f"{db}.wal").unlink(missing_ok=True)
        os.replace(tmp, db)
    finally:
        handle.release()
    n = 0
    ev_src = folder / "evidence"
    if ev_src.is_dir():
        ev = evidence_dir(db)
        for p in ev_src.rglob("*"):
            if p.is_file():
                dest = ev / p.relative_to(ev_src)
                dest.parent.mkdir(parents=True, exist_ok=True)
                if not dest.exists():
                    shutil.copyfile(p, dest)
                    os.chmod(dest, 0o444)
                n += 1
    pfile = None
    psource = data.get("source", {}).get("province", "")
    if (folder / "config" / "province.toml").is_file() and not psource.startswith("bundled:"):
        pfile = db.parent / (Path(psource).name or "province.toml")
        if not pfile.exists() or force:
            shutil.copyfile(folder / "config" / "province.toml", pfile)
    ops.dispose_all()
    return RestoreResult(db, safe_url(ops_url), len(data["files"]), pfile, data)
