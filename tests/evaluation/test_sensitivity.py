"""Monte Carlo / Sobol' sensitivity: hand-checkable swap, seeding, explicit errors, speed."""

import time

import numpy as np
import pandas as pd
import pytest

from qingshan.evaluation.engine.pipeline import EngineError, EvalInput
from qingshan.evaluation.engine.sensitivity import run_sensitivity
from qingshan.evaluation.framework import Framework

from .conftest import small_data, small_framework


def _swap():
    fw = Framework.model_validate({
        "framework": {"code": "s", "version": "1"},
        "method": {"normalise": "none", "weights": "equal"},
        "nodes": [{"code": "I"}],
        "indicators": [{"code": "a", "parent": "I", "direction": 1},
                       {"code": "b", "parent": "I", "direction": 1}]})
    v = pd.DataFrame({"a": [100.0, 40.0], "b": [0.0, 40.0]}, index=["u1", "u2"])
    return fw, EvalInput(values=v, year=2025)


def test_aggregation_choice_swaps_two_units():
    # amean: u1 50 > u2 40 (u1 first); min: u1 0 < u2 40 (u2 first). Each choice half the
    # time (Sobol' sample of one uniform variable), so each unit's mean |shift| is 0.5 and the
    # aggregation choice explains all of the variance.
    fw, d = _swap()
    r = run_sensitivity(fw, d, {"aggregation": ["amean", "min"]}, n=256, seed=3)
    assert r.ranks["nominal"].tolist() == [1, 2]
    assert r.ranks["mean_shift"].tolist() == pytest.approx([0.5, 0.5], abs=0.02)
    assert r.ranks["p5"].tolist() == [1, 1] and r.ranks["p95"].tolist() == [2, 2]
    assert r.sobol.set_index("input").at["aggregation", "ST"] > 0.9
    assert r.replications >= 256


def test_seeded_and_reproducible():
    fw = small_framework()
    d = small_data()
    a = run_sensitivity(fw, d, {"normalise": ["minmax", "zscore"]}, weight_noise=0.3, n=64, seed=5)
    b = run_sensitivity(fw, d, {"normalise": ["minmax", "zscore"]}, weight_noise=0.3, n=64, seed=5)
    assert np.array_equal(a.samples, b.samples, equal_nan=True)
    assert a.sobol.equals(b.sobol)


def test_a_variation_that_cannot_be_applied_is_an_error():
    fw = small_framework()
    d = small_data()
    # geometric mean of min-max [0, 100] values (zeros): impossible, said before sampling
    with pytest.raises(EngineError, match="cannot be applied.*positive values"):
        run_sensitivity(fw, d, {"aggregation": ["amean", "gmean"]}, n=16)
    with pytest.raises(EngineError, match="not a method option"):
        run_sensitivity(fw, d, {"normalize": ["minmax", "rank"]}, n=16)
    with pytest.raises(EngineError, match="at least two alternatives"):
        run_sensitivity(fw, d, {"normalise": ["minmax"]}, n=16)
    with pytest.raises(EngineError, match="cannot be applied"):
        run_sensitivity(fw, d, {"normalise": ["minmax", "softmax"]}, n=16)
    with pytest.raises(EngineError, match="nothing to vary"):
        run_sensitivity(fw, d, {}, n=16)
    with pytest.raises(EngineError, match="not nodes"):
        run_sensitivity(fw, d, weight_noise=0.2, weight_nodes=["a1"], n=16)


def test_speed_16_units_60_indicators_1000_replications():
    import importlib.util
    from pathlib import Path
    p = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_evaluation.py"
    spec = importlib.util.spec_from_file_location("bench_evaluation", p)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fw, data = mod.synthetic()
    t0 = time.process_time()     # CPU time: the machine is shared by several sessions
    r = run_sensitivity(fw, data, {"normalise": ["minmax", "zscore", "rank"],
                                   "aggregation": ["amean", "min"]}, weight_noise=0.25, n=1000)
    assert r.replications >= 1000 and time.process_time() - t0 <= 10.0


def test_sensitivity_states_unverified_targets():
    fw = small_framework(normalise="ratio_target", rank_partial=True)
    r = run_sensitivity(fw, small_data(), {"aggregation": ["amean", "min"]}, n=16)
    assert any(m.startswith("[M] b1 target 2027") for m in r.marks)
