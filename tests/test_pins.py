"""The installed environment is the pinned one (constraints.txt), so no upstream release can
change a published figure unnoticed; and the pins cover what the project declares."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    out = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, ver = line.split("==")
            out[re.sub(r"[-_.]+", "-", name).lower()] = ver
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_pin_is_exact():
    text = (REPO / "constraints.txt").read_text()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        assert not line or re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), line


def test_declared_dependencies_are_pinned():
    proj = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = list(proj["dependencies"])
    for extra in proj["optional-dependencies"].values():
        reqs += extra
    pins = _pins()
    names = {_norm(re.match(r"[A-Za-z0-9_.\-]+", r).group(0)) for r in reqs}
    assert names - set(pins) == set()


def test_installed_versions_equal_the_pins():
    pins = _pins()
    wrong = {}
    for name, ver in pins.items():
        try:
            got = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # e.g. an optional extra not installed in this environment
        if got != ver:
            wrong[name] = (got, ver)
    assert wrong == {}, f"installed != constraints.txt: {wrong}"
    # the figures depend on these above all
    for key in ("duckdb", "pyarrow", "pandas", "numpy", "pyspark", "sqlglot"):
        assert key in pins
