"""A real PostgreSQL for the tests: ``initdb`` + ``pg_ctl`` in a temporary folder, one server per
test process (xdist worker), listening on a Unix socket only; every test gets a new database.

``QINGSHAN_TEST_PG_URL`` (an SQLAlchemy URL of a database the tests may create databases from)
uses an existing server instead. Without PostgreSQL binaries the tests that need it fail loudly
unless ``QINGSHAN_TEST_NO_PG=1`` says to skip them (``scripts/install-system-deps.sh`` installs
the Debian ``postgresql`` package).
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

__all__ = ["pg_server_url", "new_database"]

_STATE: dict = {}


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    cands = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return cands[-1] if cands else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start() -> str:
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not (initdb and pg_ctl):
        if os.environ.get("QINGSHAN_TEST_NO_PG") == "1":
            pytest.skip("PostgreSQL binaries not installed (QINGSHAN_TEST_NO_PG=1)")
        raise RuntimeError("PostgreSQL 15 binaries (initdb, pg_ctl) not found: install the Debian "
                           "package postgresql (scripts/install-system-deps.sh does)")
    base = Path(tempfile.mkdtemp(prefix="qs-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:              # PostgreSQL refuses to run as root
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run([*run_as, initdb, "-D", str(data), "-A", "trust", "-U", "qingshan",
                    "-E", "UTF8", "--locale=C", "--no-sync"], check=True,
                   capture_output=True)
    opts = f"-p {port} -k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    subprocess.run([*run_as, pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"),
                    "-w", "-t", "60", "start"], check=True, capture_output=True)

    def stop() -> None:
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
    atexit.register(stop)
    _STATE["stop"] = stop
    return f"postgresql+psycopg://qingshan@/postgres?host={sock}&port={port}"


def pg_server_url() -> str:
    """The URL of the test server's ``postgres`` database (started on first use)."""
    if "url" not in _STATE:
        _STATE["url"] = os.environ.get("QINGSHAN_TEST_PG_URL") or _start()
    return _STATE["url"]


def new_database() -> str:
    """A new, empty database on the test server; its SQLAlchemy URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(pg_server_url())
    name = "t_" + uuid.uuid4().hex[:12]
    eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    eng.dispose()
    return url.set(database=name).render_as_string(hide_password=False)
