"""The bulletin's ledger sections read the operational store that belongs to the analytic
store the bulletin reports on, and a bulletin never creates one.

Before: the sections got ``get_settings()`` — the working folder's ``./qingshan.ops.sqlite`` —
so ``qingshan report air --db /data/prov.duckdb`` run from another folder printed no governance
section (the demo's 2024 bulletin lost "生态环境治理"), computed the evaluation without the
accepted submissions, and left an empty ``qingshan.ops.sqlite`` in the working folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qingshan.air.report import section_settings
from qingshan.air.versions import db_path
from qingshan.store import ops


def test_sections_read_the_ops_store_beside_the_store(synth_store, monkeypatch, tmp_path):
    monkeypatch.delenv("QINGSHAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("QINGSHAN_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    store = Path(db_path(synth_store))
    expected = f"sqlite:///{(store.parent / (store.stem + '.ops.sqlite')).resolve()}"
    assert ops.database_url(section_settings(synth_store)) == expected
    # a server's PostgreSQL, named by the environment, stays the one read
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", "postgresql+psycopg://qs@127.0.0.1:1/qs")
    assert ops.database_url(section_settings(synth_store)) == \
        "postgresql+psycopg://qs@127.0.0.1:1/qs"


def test_exists():
    assert not ops.exists("sqlite:////nonexistent/folder/x.ops.sqlite")
    assert not ops.exists("sqlite:///:memory:")
    assert ops.exists("postgresql+psycopg://qs@127.0.0.1:1/qs")


def test_a_bulletin_creates_no_ops_store(synth_store, synth_province, monkeypatch, tmp_path):
    """The annual bulletin (its evaluation section asks the operational store for accepted
    submissions) built from another working folder: no store appears there or beside the
    analytic store."""
    from qingshan.reports import build_air_report

    monkeypatch.delenv("QINGSHAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("QINGSHAN_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    beside = Path(db_path(synth_store)).with_name(Path(db_path(synth_store)).stem +
                                                  ".ops.sqlite")
    had = beside.exists()
    report = build_air_report(synth_store, "2019", lang="zh", province=synth_province)
    assert any(s.key == "rank" for s in report.sections)
    assert list(tmp_path.iterdir()) == []
    assert beside.exists() == had


@pytest.mark.parametrize("part", ["qingshan.governance.report:section",
                                  "qingshan.carbon.report:section",
                                  "qingshan.evaluation.report:_accepted"])
def test_a_missing_ops_store_is_no_section_and_not_created(synth_store, synth_province,
                                                           tmp_path, part, monkeypatch):
    from qingshan.carbon.report import vintages_due
    from qingshan.config import get_settings
    from qingshan.core.periods import parse_period
    from qingshan.core.registry import load
    from qingshan.reports.model import SectionContext

    monkeypatch.delenv("QINGSHAN_DATABASE_URL", raising=False)
    settings = get_settings(db=str(tmp_path / "elsewhere.duckdb"))
    # years in which a carbon vintage's surrender deadline falls (the section asks the
    # ledger only then)
    assert vintages_due(parse_period("2024")) == ["2023"]
    for label in ("2024", "2025"):
        ctx = SectionContext(con=synth_store, period=parse_period(label),
                             province=synth_province, lang="zh", settings=settings)
        fn = load(part)
        got = fn(ctx, None) if part.endswith("_accepted") else fn(ctx)
        assert got is None
    assert list(tmp_path.iterdir()) == []
