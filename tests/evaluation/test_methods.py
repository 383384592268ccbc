"""Hand-worked examples of every normalisation, weighting and aggregation option."""

import numpy as np
import pytest

from qingshan.evaluation.engine import aggregate as agg
from qingshan.evaluation.engine import normalise as nz
from qingshan.evaluation.engine import weights as wt
from qingshan.evaluation.engine.progress import progress_status

col = lambda *v: np.array(v, dtype=float)[:, None]  # noqa: E731


def test_minmax_both_directions_and_range():
    # (x - 1)/(3 - 1) * 100
    assert nz.minmax(col(1, 2, 3), np.array([1.0]))[:, 0].tolist() == [0, 50, 100]
    # lower is better: -x, so 1 is best
    assert nz.minmax(col(1, 2, 3), np.array([-1.0]))[:, 0].tolist() == [100, 50, 0]
    # range [1, 100]: 1 + 0.5 * 99 = 50.5
    assert nz.minmax(col(1, 2, 3), np.array([1.0]), 1, 100)[:, 0].tolist() == [1, 50.5, 100]
    # no spread: not scored
    assert np.isnan(nz.minmax(col(4, 4, 4), np.array([1.0]))).all()


def test_zscore_sample_sd():
    # mean 2, sample sd 1
    assert nz.zscore(col(1, 2, 3), np.array([1.0]))[:, 0].tolist() == [-1, 0, 1]
    # m = 100, s = 10: 100 + 10 z
    assert nz.zscore(col(1, 2, 3), np.array([-1.0]), 100, 10)[:, 0].tolist() == [110, 100, 90]


def test_rank_ties_min():
    # ascending: 5 -> 1, 10 -> 2, the two 20s share 3
    assert nz.rank(col(10, 20, 20, 5), np.array([1.0]))[:, 0].tolist() == [2, 3, 3, 1]


def test_ratio_and_distance_to_target():
    # 20/40, 50/40 capped at 1
    assert nz.ratio_target(col(20, 50), np.array([1.0]), np.array([40.0]))[:, 0].tolist() == [50, 100]
    # lower is better: T/x = 25/50, 25/20 capped
    assert nz.ratio_target(col(50, 20), np.array([-1.0]), np.array([25.0]))[:, 0].tolist() == [50, 100]
    # -(30 - 25)/25
    assert nz.distance_target(col(30), np.array([-1.0]), np.array([25.0]))[0, 0] == pytest.approx(-0.2)


def test_proximity_lpb_hpb_clipped():
    # lower is better: LPB 60, HPB 30: (45 - 60)/(30 - 60) = 0.5; 70 clips to 0, 20 to 100
    out = nz.proximity(col(30, 45, 60, 70, 20), np.array([60.0]), np.array([30.0]))[:, 0]
    assert out.tolist() == [100, 50, 0, 0, 100]


def test_progress_form_and_guard():
    d, b, t = np.array([1.0]), col(80, 80, 80), np.array([90.0])
    # (85-80)/(90-80) = 0.5; 95 clips to 1; 75 clips to 0
    assert nz.progress(col(85, 95, 75), d, b, t)[:, 0].tolist() == [50, 100, 0]
    # lower is better: B 40, T 25, x 37: (37-40)/(25-40) = 0.2
    assert nz.progress(col(37), np.array([-1.0]), col(40), np.array([25.0]))[0, 0] == pytest.approx(20)
    # base already meets target (92 >= 90): 100 if x meets it, 0 if not
    assert nz.progress(col(91, 89), d, col(92, 92), t)[:, 0].tolist() == [100, 0]


def test_weights_manual_equal():
    assert wt.manual(np.array([1, 3])).tolist() == [0.25, 0.75]
    assert wt.equal(4).tolist() == [0.25] * 4


def test_entropy_weights_hand():
    x = np.array([[1, 1, 1], [1, 3, 2.0]])
    # col1 p=(.5,.5): e=1, d=0; col2 p=(.25,.75): e=(0.34657+0.21576)/ln2=0.81128, d=0.18872;
    # col3 p=(1/3,2/3): e=(0.36620+0.27031)/ln2=0.91830, d=0.08170; w = d/0.27042
    assert wt.entropy(x) == pytest.approx([0.0, 0.69788, 0.30212], abs=1e-4)
    with pytest.raises(wt.WeightError):
        wt.entropy(np.array([[-1, 1], [1, 2.0]]))


def test_ahp_consistent_and_inconsistent():
    a = np.array([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]])
    w, lam, cr = wt.ahp_consistency(a)
    # consistent matrix: weights 4:2:1, λmax = n = 3, CR = 0
    assert w == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert lam == pytest.approx(3) and cr == pytest.approx(0, abs=1e-9)
    bad = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    with pytest.raises(wt.WeightError, match="consistency ratio"):
        wt.ahp(bad)
    with pytest.raises(wt.WeightError, match="reciprocal"):
        wt.ahp(np.array([[1, 2], [2, 1.0]]))


def test_pca_weights_hand():
    c1 = np.array([1, 2, 3, 4.0])
    c3 = np.array([1, -1, -1, 1.0])     # uncorrelated with c1 (centred dot product 0)
    # correlation [[1,1,0],[1,1,0],[0,0,1]]: PC1 = (1,1,0)/sqrt2, squared loadings 0.5, 0.5, 0
    assert wt.pca(np.column_stack([c1, 2 * c1, c3])) == pytest.approx([0.5, 0.5, 0], abs=1e-9)


def test_aggregations_hand():
    x, w = np.array([[50.0, 100.0]]), np.array([0.5, 0.5])
    assert agg.amean(x, w)[0] == 75
    assert agg.gmean(x, w)[0] == pytest.approx(5000 ** 0.5)        # 70.7107
    assert agg.hmean(x, w)[0] == pytest.approx(2 / (1 / 50 + 1 / 100))  # 66.667
    assert agg.minimum(x, w)[0] == 50
    # a missing child: the available weights are rescaled
    assert agg.amean(np.array([[50.0, np.nan]]), w)[0] == 50
    with pytest.raises(agg.AggregationError):
        agg.gmean(np.array([[0.0, 10.0]]), w)


def test_mazziotta_pareto_hand():
    # z col1 = (90, 100, 110), col2 = (110, 100, 90) (sample sd 1); unit 1: M = 100,
    # S = sqrt((100 + 100)/2) = 10, cv = 0.1, MPI = 100 - 10 * 0.1 = 99; unit 2: 100
    x = np.array([[1, 3], [2, 2], [3, 1.0]])
    assert agg.mpi(x, np.array([0.5, 0.5])) == pytest.approx([99, 100, 99])


def test_open_sdg_progress_categories():
    # y0 100 (2020), target 130 by 2030: CAGR_req = 1.3^(1/10) - 1 = 0.026584
    # yt 110 (2025): CAGR = 1.1^(1/5) - 1 = 0.019245, R = 0.7239 -> acceleration needed
    lab, r = progress_status([100, 100, 100], [110, 140, 95], 2020, 2025, 1, 130, 2030)
    assert lab.tolist() == ["Progress made but acceleration needed", "Target achieved",
                            "Deterioration"]
    assert r[0] == pytest.approx(0.7239, abs=1e-4)
    # lower is better: 40 -> 35 in 5 years, target 25 by 2035: obs -0.026352, req -0.030857
    lab, r = progress_status([40], [35], 2020, 2025, -1, 25, 2035)
    assert lab[0] == "Progress made but acceleration needed" and r[0] == pytest.approx(0.854, abs=1e-3)
    # no target: directed CAGR 1.92 % >= 1.5 % on track; 0.40 % limited progress
    lab, _ = progress_status([100, 100], [110, 102], 2020, 2025, 1)
    assert lab.tolist() == ["On track", "Limited progress"]
