"""Shared fixtures: where the read-only shared data lives, fresh stores."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Make ``--dist loadgroup`` keep each ``xdist_group`` on one worker.

    pytest-xdist 3.8 marks a grouped test by appending ``@<group>`` to ``item._nodeid``; since
    pytest 9 the node id is ``item._id`` and that assignment is ignored, so every group was
    spread over both workers (two Spark JVMs on two cores, two web servers). This does the same
    suffixing through the current attribute; it does nothing when xdist already did it.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


def pytest_configure(config):
    """Argon2id at a low cost in the test processes: the same algorithm and code path
    (``qingshan.accounts.service``), but each of the suite's thousands of logins, tokens and
    user creations costs ~1 ms instead of ~50–500 ms (argon2-cffi's defaults, 64 MiB, stay the
    product's). Servers started as subprocesses (browser, fault, contract tests) keep them."""
    import os
    # every chart the suite builds is checked against the Vega-Lite schema (off in the product:
    # qingshan.charts.common.VALIDATE); servers started as subprocesses inherit it
    os.environ["QINGSHAN_CHART_VALIDATE"] = "1"
    from argon2 import PasswordHasher

    from qingshan.accounts import service
    service._PH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    service._DUMMY = service._PH.hash("dummy")


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


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session per test process, shared by every Spark test.

    Mark Spark tests ``pytest.mark.xdist_group("spark")`` so they run on one worker and start
    Spark once (≈ 7–15 s) instead of once per module.
    """
    import shutil

    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for Spark (Java 17 is needed for the Spark backend tests)")
    from qingshan.backends.spark import SMALL_LOCAL_CONF, SparkBackend

    be = SparkBackend(master="local[2]", conf=SMALL_LOCAL_CONF)   # small inputs: see the conf
    yield be.spark
    be.close()


@pytest.fixture
def spark_backend(spark_session):
    """A :class:`~qingshan.backends.spark.SparkBackend` over the shared session (its close()
    drops what it cached and leaves the session running)."""
    from qingshan.backends.spark import SparkBackend

    be = SparkBackend(session=spark_session)
    yield be
    be.close()
