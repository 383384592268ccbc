"""Fixtures of the web tests: a real server subprocess and a real browser (Debian chromium)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api._store import built_store
from tests.api._water import water_store

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """``qingshan serve`` on a private copy of the real-data store plus the water demo of 2019;
    yields its base URL."""
    db = tmp_path_factory.mktemp("served") / "served.duckdb"
    shutil.copy(water_store(), db)
    from tests._auth import ensure_user
    ensure_user(db, STAFF, "prov_staff")       # in the operational store beside the copy
    port = _free_port()
    log = open(db.with_suffix(".log"), "w")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "qingshan", "serve", "--db", str(db),
                             "--port", str(port), "--log-level", "warning"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            if httpx.get(f"{base}/api/v1/cities", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError("server did not start: " + db.with_suffix(".log").read_text())
        time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (Debian package chromium; make test installs it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser page; records every request so tests can check nothing left the server."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    pg.requests = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    ctx.close()


#: the province staff user of the served store (password tests._auth.PASSWORD)
STAFF = "web_staff"


def log_in(pg, server: str, username: str = STAFF, lang: str = "zh") -> None:
    """Log the browser page in through the login form."""
    from tests._auth import PASSWORD
    pg.goto(f"{server}/login?lang={lang}")
    pg.fill("#username", username)
    pg.fill("#password", PASSWORD)
    pg.click("#login-submit")
    pg.wait_for_selector("#account-name")


@pytest.fixture
def staff_page(page, server):
    """A browser page logged in as province staff (uploads need a user)."""
    log_in(page, server)
    return page


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def web_client():
    """The whole app (pages + API) in process."""
    from fastapi.testclient import TestClient

    from qingshan.api import create_app
    with TestClient(create_app(built_store(), "shandong"), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def water_client():
    """The whole app in process over the real air data plus the water demo of 2019."""
    from fastapi.testclient import TestClient

    from qingshan.api import create_app
    with TestClient(create_app(water_store(), "shandong"), raise_server_exceptions=False) as c:
        yield c
