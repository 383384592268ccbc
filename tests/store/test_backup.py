"""``qingshan backup`` / ``qingshan restore`` (issue 19) on small SYNTHETIC stores
(tests/faults/_store.py): a backup taken while ``qingshan serve`` (the command, in a forked
process of its own) answers (and while it
stores an upload) restores onto a fresh folder with the same figures — the city assessment CSV
(rankings), the batches table and the audit chain with the same anchor — on SQLite and on
PostgreSQL; a backup whose files do not match the manifest is refused and the target is left
as it was; ``--keep`` deletes only older backups.

The expected values are the live store's own answers at backup time (a restore must reproduce
them byte for byte), and the manifest check is against hashes computed here with hashlib.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.faults._store import base_store, batches, day_file, fork_serve, integrity, kill

PASSWORD = "correct horse battery staple"


def _cli(*args: str, env: dict | None = None, input: str | None = None, code: int = 0):
    from qingshan.cli import app
    from qingshan.cli.common import _close_all
    from qingshan.store import ops
    try:
        res = CliRunner().invoke(app, list(args), env=env, input=input)
    finally:
        _close_all()            # never keep the store open in the test process
        ops.dispose_all()
    assert res.exit_code == code, (args, res.output, res.exception)
    return res


def _assess(db: Path, out: Path, env: dict | None = None) -> bytes:
    _cli("air", "assess", "--period", "2024-01", "--level", "city", "--format", "csv",
         "-o", str(out), "--db", str(db), env=env)
    return out.read_bytes()


def _anchor(db: Path, env: dict | None = None) -> str:
    out = _cli("audit", "verify", "--db", str(db), env=env).output
    assert "audit log OK" in out, out
    return out.split("anchor ")[1].split()[0]


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _upload(base: str, token: str, day: str) -> httpx.Response:
    """Upload one day; a 503 ``store_busy`` (the store held longer than a request waits) is
    retried, as a client is told to (``Retry-After``)."""
    f = day_file(day)
    for _ in range(10):
        r = httpx.post(f"{base}/api/v1/upload",
                       files={"file": (f.name, f.read_bytes(), "text/csv")},
                       data={"kind": "cnemc"}, headers={"Authorization": f"Bearer {token}"},
                       timeout=180)
        if r.status_code != 503:
            return r
        time.sleep(1)
    return r


def _token(db: Path, env: dict | None = None) -> str:
    _cli("user", "add", "staff", "--role", "prov_staff", "--db", str(db), env=env,
         input=PASSWORD + "\n")
    out = _cli("token", "create", "staff", "--db", str(db), env=env).output
    return next(w for w in out.split() if w.startswith("qs_"))


@pytest.mark.parametrize("ops_kind", ["sqlite", "postgresql"])
def test_backup_while_serving_restores_identical_figures(tmp_path, monkeypatch, ops_kind):
    """The live store's operational store is SQLite beside it, or a PostgreSQL database
    (``QINGSHAN_DATABASE_URL``, seen by the server and the commands); each restore goes to a
    new folder and, on PostgreSQL, a new database."""
    if ops_kind == "postgresql":
        from tests._postgres import new_database
        monkeypatch.setenv("QINGSHAN_DATABASE_URL", new_database())
        targets = [{"QINGSHAN_DATABASE_URL": new_database()} for _ in range(2)]
    else:
        targets = [None, None]
    db = base_store(tmp_path / "live")
    token = _token(db)
    pid, base = fork_serve(db)          # the `qingshan serve` command in its own process
    try:
        assert _upload(base, token, "20240103").status_code == 200      # batch + audit row
        # readers keep the server busy while the backup runs: every answer must be 200
        stop, codes = threading.Event(), []

        def read():
            with httpx.Client(base_url=base, timeout=30) as c:
                while not stop.is_set():
                    codes.append(c.get("/api/v1/batches").status_code)
                    codes.append(c.get("/").status_code)
        readers = [threading.Thread(target=read) for _ in range(2)]
        for t in readers:
            t.start()
        try:
            _cli("backup", str(tmp_path / "bk" / "one"), "--db", str(db))
        finally:
            stop.set()
            for t in readers:
                t.join()
        assert codes and set(codes) == {200}, sorted(set(codes))
        live = (_assess(db, tmp_path / "live.csv"), batches(db), _anchor(db))

        # a second backup while an upload is being stored: the batch is wholly in it or not
        up: list[httpx.Response] = []
        t = threading.Thread(target=lambda: up.append(_upload(base, token, "20240104")))
        t.start()
        _cli("backup", str(tmp_path / "bk" / "two"), "--db", str(db))
        t.join()
        assert up[0].status_code == 200, up[0].text
        after = batches(db)
    finally:
        kill(pid)
    m = json.loads((tmp_path / "bk" / "one" / "manifest.json").read_text())
    assert m["source"]["ops_kind"] == ops_kind
    assert (tmp_path / "bk" / "one" / "ops" /
            ("ops.pgdump" if ops_kind == "postgresql" else "ops.sqlite")).is_file()

    fresh, env = tmp_path / "fresh" / "q.duckdb", targets[0]
    _cli("restore", str(tmp_path / "bk" / "one"), "--db", str(fresh), env=env)
    assert _assess(fresh, tmp_path / "fresh.csv", env) == live[0]
    assert b"370100" in live[0] and live[0].count(b"\n") == 17    # header + 16 Shandong cities
    assert batches(fresh) == live[1]
    assert _anchor(fresh, env) == live[2]
    _cli("audit", "verify", "--anchor", live[2], "--db", str(fresh), env=env)
    if ops_kind == "postgresql":
        # the target database has tables now: another restore into it needs --force
        res = _cli("restore", str(tmp_path / "bk" / "one"), "--db",
                   str(tmp_path / "other" / "q.duckdb"), env=env, code=2)
        assert "refusing to overwrite" in res.output and "PostgreSQL" in res.output

    fresh2, env = tmp_path / "fresh2" / "q.duckdb", targets[1]
    _cli("restore", str(tmp_path / "bk" / "two"), "--db", str(fresh2), env=env)
    got = batches(fresh2)
    assert got in (after, after[:-1]), (got, after)      # the whole day-4 batch, or none of it
    integrity(fresh2)
    _anchor(fresh2, env)


@pytest.fixture
def backed_up(tmp_path):
    db = base_store(tmp_path / "live")
    _token(db)
    bk = tmp_path / "bk" / "b1"
    _cli("backup", str(bk), "--db", str(db))
    return db, bk


def test_manifest_lists_every_file_with_its_hash(backed_up):
    db, bk = backed_up
    m = json.loads((bk / "manifest.json").read_text())
    files = {f["path"]: f for f in m["files"]}
    on_disk = {p.relative_to(bk).as_posix() for p in bk.rglob("*") if p.is_file()}
    assert set(files) == on_disk - {"manifest.json"}
    assert {"analytic/q.duckdb", "ops/ops.sqlite", "config/province.toml"} <= set(files)
    for rel, f in files.items():
        assert f["sha256"] == _sha(bk / rel) and f["size"] == (bk / rel).stat().st_size
    import duckdb
    assert m["versions"]["duckdb"] == duckdb.__version__ and m["versions"]["alembic_heads"]
    # base store: 1 station batch + 2 daily files (tests/faults/_store.py BASE_DAYS)
    assert m["analytic"]["ingest_batches"] == 3
    # onto the existing store: refused, then done with --force
    before = batches(db)
    res = _cli("restore", str(bk), "--db", str(db), code=2)
    assert "refusing to overwrite" in res.output
    _cli("restore", str(bk), "--db", str(db), "--force")
    assert batches(db) == before and len(before) == 3


@pytest.mark.parametrize("damage", ["flip", "add"])
def test_tampered_backup_is_refused_and_the_store_unchanged(backed_up, tmp_path, damage):
    db, bk = backed_up
    if damage == "flip":
        p = bk / "ops" / "ops.sqlite"
        b = bytearray(p.read_bytes())
        b[len(b) // 2] ^= 0xFF
        p.write_bytes(bytes(b))
    else:
        (bk / "evidence").mkdir(exist_ok=True)
        (bk / "evidence" / "extra").write_bytes(b"not in the manifest")
    fresh = tmp_path / "fresh" / "q.duckdb"
    res = _cli("restore", str(bk), "--db", str(fresh), code=2)
    assert "manifest mismatch" in res.output and "nothing was restored" in res.output
    assert not fresh.exists() and not (fresh.parent / "q.ops.sqlite").exists()
    # onto the existing store, even with --force: refused before anything is touched
    before = (_sha(db), _sha(db.parent / "q.ops.sqlite"))
    _cli("restore", str(bk), "--db", str(db), "--force", code=2)
    assert (_sha(db), _sha(db.parent / "q.ops.sqlite")) == before


def test_keep_deletes_only_older_valid_backups(tmp_path):
    db = base_store(tmp_path / "live")
    root = tmp_path / "bk"
    (root / "notes").mkdir(parents=True)            # not a backup: never touched
    (root / "notes" / "manifest.json").write_text("{}")
    for name in ("a1", "a2", "a3"):
        _cli("backup", str(root / name), "--db", str(db), "--keep", "2")
    assert sorted(p.name for p in root.iterdir()) == ["a2", "a3", "notes"]
    res = _cli("backup", str(root / "a3"), "--db", str(db), code=2)    # never over a backup
    assert "exists" in res.output


def test_a_wal_left_by_a_killed_writer_is_folded_into_the_backup(tmp_path):
    import duckdb
    db = base_store(tmp_path / "live")
    con = duckdb.connect(str(db))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("SET checkpoint_threshold = '1GB'")
    con.execute("CREATE TABLE wal_probe AS SELECT range AS i FROM range(1000)")
    con.close()
    assert Path(f"{db}.wal").exists()            # committed, not yet in the file
    bk = tmp_path / "bk" / "w"
    _cli("backup", str(bk), "--db", str(db))
    assert not list(bk.rglob("*.wal"))
    fresh = tmp_path / "fresh" / "q.duckdb"
    _cli("restore", str(bk), "--db", str(fresh))
    con = duckdb.connect(str(fresh), read_only=True)
    # 0 + 1 + … + 999 = 999 · 1000 / 2
    assert con.execute("SELECT count(*), sum(i) FROM wal_probe").fetchone() == (1000, 499500)
    con.close()
