"""Shared fixtures of the evaluation tests: a small hand-made framework and its data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qingshan.evaluation.engine.pipeline import EvalInput
from qingshan.evaluation.framework import Framework

REPO = Path(__file__).resolve().parents[2]
ASEM_DIR = REPO.parent / "shared" / "data" / "coinr-asem"


def small_framework(**method) -> Framework:
    """Index I → dimensions A (a1, a2) and B (b1, lower is better)."""
    return Framework.model_validate({
        "framework": {"code": "t", "version": "1", "base_year": 2020},
        "method": {"normalise": "minmax", "weights": "manual", **method},
        "nodes": [{"code": "I"}, {"code": "A", "parent": "I", "weight": 2},
                  {"code": "B", "parent": "I", "weight": 1}],
        "indicators": [
            {"code": "a1", "parent": "A", "direction": 1, "weight": 1},
            {"code": "a2", "parent": "A", "direction": 1, "weight": 3},
            {"code": "b1", "parent": "B", "direction": -1,
             "targets": [{"year": 2027, "value": 10, "source": "test", "mark": "M"}]},
        ]})


def small_data() -> EvalInput:
    v = pd.DataFrame({"a1": [0.0, 5.0, 10.0], "a2": [10.0, 20.0, 30.0], "b1": [30.0, 20.0, 10.0]},
                     index=pd.Index(["u1", "u2", "u3"], name="unit"))
    return EvalInput(values=v, year=2025, unit_names={"u1": "One", "u2": "Two", "u3": "Three"})


@pytest.fixture
def asem_dir() -> Path:
    if not (ASEM_DIR / "ASEM_iData.csv").is_file():
        pytest.skip(f"COINr ASEM data not found at {ASEM_DIR} (../shared/data/coinr-asem is "
                    "outside the repository)")
    return ASEM_DIR
