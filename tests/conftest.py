"""Shared fixtures: where the read-only shared data lives, fresh stores."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """Path under ../shared, or skip the test with a clear message when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data not found: {p} (tests read ../shared relative to the repo root)")
    return p


@pytest.fixture
def store():
    from qingshan.store import connect
    con = connect(":memory:")
    yield con
    con.close()


@pytest.fixture(scope="session")
def province():
    from qingshan.config import load_province
    return load_province("shandong")
