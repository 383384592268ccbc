"""The pipeline on a small hand-made framework: hand-worked scores, invariants, ranks, trail,
marks, steps (denominate, impute, screen, treat) and errors."""

import numpy as np
import pandas as pd
import pytest

from qingshan.evaluation.engine import steps
from qingshan.evaluation.engine.pipeline import EngineError, EvalInput, evaluate
from qingshan.evaluation.engine.results import explain, long_table

from .conftest import small_data, small_framework


def _data(**cols):
    d = small_data()
    v = d.values.copy()
    v["a1"] = [0.0, 8.0, 10.0]
    for k, x in cols.items():
        v[k] = x
    d.values = v
    return d


def test_hand_worked_scores_and_weights_sum_to_one():
    r = evaluate(small_framework(), _data())
    # a1 (0, 8, 10) -> (0, 80, 100); a2, b1 -> (0, 50, 100)
    # A(u2) = 0.25*80 + 0.75*50 = 57.5; I(u2) = (2*57.5 + 1*50)/3 = 55
    assert r.scores.at["u2", "A"] == pytest.approx(57.5)
    assert r.scores.at["u2", "I"] == pytest.approx(55)
    assert r.ranks["I"].tolist() == [3, 2, 1]
    for node, w in r.weights.items():
        assert w.sum() == pytest.approx(1.0), node
    assert r.weights["I"].tolist() == pytest.approx([2 / 3, 1 / 3])


@pytest.mark.parametrize("weights", ["manual", "equal", "entropy", "pca"])
def test_weights_sum_to_one_every_method(weights):
    d = _data(a2=[10.0, 25.0, 30.0])
    r = evaluate(small_framework(weights=weights, normalise_range=(1, 100)), d)
    for w in r.weights.values():
        assert w.sum() == pytest.approx(1.0)


def test_monotone_in_a_positive_indicator():
    base = evaluate(small_framework(), _data()).scores.at["u2", "I"]
    up = evaluate(small_framework(), _data(a1=[0.0, 9.0, 10.0])).scores.at["u2", "I"]
    # a1(u2) 9 -> 90: A = 22.5 + 37.5 = 60, I = (120 + 50)/3 = 56.667
    assert up == pytest.approx(170 / 3) and up > base


@pytest.mark.parametrize("norm", ["minmax", "zscore", "rank"])
def test_rank_invariance_under_positive_affine_rescaling(norm):
    d = _data(a2=[10.0, 25.0, 30.0])
    r1 = evaluate(small_framework(normalise=norm), d)
    d2 = _data(a2=[3 * x + 7 for x in [10.0, 25.0, 30.0]])
    r2 = evaluate(small_framework(normalise=norm), d2)
    assert r1.ranks["I"].tolist() == r2.ranks["I"].tolist()
    assert r1.scores["I"].to_numpy() == pytest.approx(r2.scores["I"].to_numpy())


def test_ties_share_a_rank():
    d = small_data()  # a1 (0, 5, 10): every unit's I is 0, 50, 100 -> make u1 equal u2
    d.values.loc["u1"] = d.values.loc["u2"]
    r = evaluate(small_framework(), d)
    # u1 and u2 equal -> both 2nd after u3; the next rank would be 4
    assert r.ranks["I"].tolist() == [2, 2, 1]


def test_partial_units_are_flagged_and_not_ranked():
    d = _data(a1=[0.0, 8.0, np.nan])
    r = evaluate(small_framework(), d)
    assert not r.complete.at["u3", "I"] and r.complete.at["u2", "I"]
    assert pd.isna(r.ranks.at["u3", "I"])
    assert r.ranks["I"].dropna().tolist() == [2, 1]
    t = long_table(r)
    row = t[(t.unit == "u3") & (t.node == "I")].iloc[0]
    assert not row["complete"] and pd.isna(row["rank"])


def test_trail_adds_up_to_the_score():
    r = evaluate(small_framework(), _data())
    e = explain(r, "u2", "I")
    # 2/3 * 57.5 + 1/3 * 50 = 55
    assert e["sum_of_contributions"] == pytest.approx(55) == pytest.approx(e["score"])
    ea = explain(r, "u2", "A")
    a1 = next(c for c in ea["children"] if c["code"] == "a1")
    assert a1["raw"] == 8 and a1["normalised"] == pytest.approx(80)
    assert a1["contribution"] == pytest.approx(20)
    # geometric mean: not additive, the adjustment row closes the sum
    rg = evaluate(small_framework(aggregation="gmean", normalise_range=(1, 100)), _data())
    eg = explain(rg, "u2", "I")
    assert eg["sum_of_contributions"] + eg["adjustment"] == pytest.approx(eg["score"])


def test_unverified_target_marked_in_outputs():
    r = evaluate(small_framework(normalise="ratio_target", rank_partial=True), _data())
    # b1 lower is better, T = 10 [M]: T/x = 10/30, 10/20, 10/10
    assert r.scores["b1"].tolist() == pytest.approx([100 / 3, 50, 100])
    t = long_table(r)
    assert t[t.node == "I"]["marks"].str.contains(r"\[M\] b1 target 2027").all()
    assert "[M]" in explain(r, "u1", "I")["marks"]
    # a1, a2 have no target: not scored, and said so
    assert any("not scored" in w for w in r.warnings)


def test_impossible_variation_is_an_error():
    with pytest.raises(EngineError, match="positive values"):
        evaluate(small_framework(aggregation="gmean"), _data())   # min-max to [0, 100] has 0
    with pytest.raises(EngineError, match="unknown method options"):
        evaluate(small_framework(), _data(), overrides={"normalize": "minmax"})
    with pytest.raises(EngineError, match="invalid method option"):
        evaluate(small_framework(), _data(), overrides={"normalise": "softmax"})
    with pytest.raises(EngineError, match="AHP"):
        evaluate(small_framework(weights="ahp"), _data())


def test_no_data_is_an_error():
    d = EvalInput(values=pd.DataFrame(), year=2025)
    with pytest.raises(EngineError, match="no data"):
        evaluate(small_framework(), d)


def test_denominate_and_group_mean_keep_observed_values():
    x = pd.DataFrame({"a": [10.0, np.nan, 30.0, 5.0]}, index=list("pqrs"))
    den = pd.DataFrame({"pop": [2.0, 4.0, 3.0, 5.0]}, index=list("pqrs"))
    assert steps.denominate(x, den, {"a": "pop"})["a"].tolist()[::2] == [5, 10]
    g = pd.Series(["E", "E", "E", "A"], index=list("pqrs"))
    v, f = steps.impute_group_mean(x, g)
    # q takes the mean of its group E: (10 + 30)/2 = 20; observed values unchanged
    assert v["a"].tolist() == [10, 20, 30, 5] and f["a"].tolist() == [False, True, False, False]


def test_locf_and_linear_in_time():
    panel = pd.DataFrame({"unit": "u", "indicator": "a", "year": [2020, 2022, 2024],
                          "value": [10.0, 14.0, np.nan]})
    v, f = steps.impute_panel(panel, 2021, "linear")
    assert v[("u", "a")] == 12 and f[("u", "a")]          # halfway between 10 and 14
    v, f = steps.impute_panel(panel, 2024, "locf")
    assert v[("u", "a")] == 14 and f[("u", "a")]          # last observation 2022
    v, f = steps.impute_panel(panel, 2024, "linear")
    assert np.isnan(v[("u", "a")]) and not f[("u", "a")]  # no extrapolation


def test_screen_by_availability():
    x = pd.DataFrame({"a": [1.0, np.nan], "b": [1.0, np.nan], "c": [1.0, 2.0]}, index=["p", "q"])
    kept, out = steps.screen(x, 0.9)
    assert list(kept.index) == ["p"] and out == ["q"]        # q has 1/3 available


def test_treat_like_coinr():
    # COINr's own test (tests/testthat/test-treat.R): 1..10 and 100 -> the 100 becomes 10
    x = pd.DataFrame({"a": [*range(1, 11), 100.0]})
    t, info = steps.treat_coinr(x)
    assert t["a"].iloc[-1] == 10 and info.at[0, "action"] == "winsorised"
    assert t["a"].iloc[:10].tolist() == list(range(1, 11))
    # 1..20, 100, 200 with at most 1 point: still fails -> log_CT of the original values:
    # ln(x - 1 + 0.01 * 199)
    y = np.array([*range(1, 21), 100, 200], dtype=float)
    t, info = steps.treat_coinr(pd.DataFrame({"a": y}), winmax=1)
    assert info.at[0, "action"] == "log_CT"
    assert t["a"].to_numpy() == pytest.approx(np.log(y - 1 + 1.99))


def _panel_input():
    # b1 (lower is better, target 10 by 2027 [M]): u1 40 -> 30 (2020 -> 2025), u2 40 -> 45
    rows = [("u1", "b1", 2020, 40.0), ("u1", "b1", 2024, 32.0), ("u1", "b1", 2025, 30.0),
            ("u2", "b1", 2020, 40.0), ("u2", "b1", 2025, 45.0)]
    for u, a in (("u1", 5.0), ("u2", 7.0)):
        rows += [(u, "a1", 2020, a), (u, "a1", 2025, a + 1), (u, "a2", 2020, 1.0),
                 (u, "a2", 2025, 2.0)]
    from qingshan.evaluation.ingest.data import from_long
    panel = pd.DataFrame(rows, columns=["unit", "indicator", "year", "value"])
    return from_long(panel, small_framework(), 2025)


def test_progress_normalisation_and_status_from_the_panel():
    d = _panel_input()
    r = evaluate(small_framework(normalise="progress", rank_partial=True), d)
    # progress form, B = 2020 value, T = 10: u1 (30 - 40)/(10 - 40) = 1/3; u2 worse than B: 0
    assert r.scores.at["u1", "b1"] == pytest.approx(100 / 3)
    assert r.scores.at["u2", "b1"] == 0
    st = r.status.set_index(["unit", "indicator"])["status"]
    # Open SDG: CAGR u1 = (30/40)^(1/5) - 1 = -0.05591, required (10/40)^(1/7) - 1 = -0.17966,
    # R = 0.311 -> limited progress; u2 rises: R < 0 -> deterioration
    assert st[("u1", "b1")] == "Limited progress" and st[("u2", "b1")] == "Deterioration"
    e = explain(r, "u1", "B")["children"][0]
    # last year's value 32: change 30 - 32 = -2
    assert e["status"] == "Limited progress" and e["previous_value"] == 32 and e["change"] == -2
    assert e["base_value"] == 40


def test_locf_through_the_pipeline():
    d = _panel_input()
    d.values.loc["u2", "b1"] = np.nan        # 2025 missing for u2: carried from 2020 (40)
    d.panel = d.panel[~((d.panel.unit == "u2") & (d.panel.indicator == "b1") &
                        (d.panel.year == 2025))]
    r = evaluate(small_framework(impute="locf"), d)
    assert r.prepared.imputed.at["u2", "b1"] == 40 and r.prepared.imputed_flags.at["u2", "b1"]
    assert explain(r, "u2", "B")["children"][0]["imputed"] is True


def test_weights_overridden_at_one_node():
    from qingshan.evaluation import service
    # A's children weighted a1:a2 = 1:1 instead of 1:3: A(u2) = (80 + 50)/2 = 65,
    # I(u2) = (2 * 65 + 50)/3 = 60; B and I keep their weights
    res = evaluate(small_framework(), _data(),
                   node_weights=service.parse_node_weights(["A=a1:1,a2:1"]))
    assert res.scores.at["u2", "A"] == pytest.approx(65) and res.scores.at["u2", "I"] == pytest.approx(60)
    with pytest.raises(EngineError, match="not nodes"):
        evaluate(small_framework(), _data(), node_weights={"a1": {"x": 1}})
    with pytest.raises(EngineError, match="not children"):
        evaluate(small_framework(), _data(), node_weights={"A": {"b1": 1}})
    with pytest.raises(EngineError, match="child:"):
        service.parse_node_weights(["A=a1"])
