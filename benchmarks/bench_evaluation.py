"""Benchmark of the evaluation engine (issue 15 "Speed").

Usage: .venv/bin/python benchmarks/bench_evaluation.py [--replications 1000] [--seed 7]

1. Monte Carlo + Sobol' over 16 units × 60 indicators (SYNTHETIC data, seeded): method options
   normalise {minmax, zscore, rank}, aggregation {amean, min}, weight noise ±25 % at every node;
   at least 1,000 replications. Target ≤ 10 s.
2. A naive baseline in the same run: the same nominal pipeline (min–max + weighted arithmetic
   mean) with a Python loop per value, timed over a subset of replications and scaled per
   replication; its scores are checked against the engine's before the ratio is printed.
3. COINr's ASEM example (51 units × 49 indicators) read and built end to end. Target ≤ 1 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.evaluation.engine.pipeline import EvalInput, evaluate
from qingshan.evaluation.engine.sensitivity import run_sensitivity
from qingshan.evaluation.framework import Framework
from qingshan.evaluation.frameworks import load_framework
from qingshan.evaluation.ingest.data import read_coinr_wide

ASEM = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "coinr-asem"


def synthetic(units: int = 16, dims: int = 6, per_dim: int = 10, seed: int = 7):
    rng = np.random.default_rng(seed)
    nodes = [{"code": "I"}] + [{"code": f"D{j}", "parent": "I"} for j in range(dims)]
    inds = [{"code": f"x{j}_{i}", "parent": f"D{j}", "direction": 1 if i % 3 else -1,
             "weight": float(1 + i % 4)} for j in range(dims) for i in range(per_dim)]
    fw = Framework.model_validate({
        "framework": {"code": "bench", "version": "1", "synthetic": True},
        "method": {"normalise": "minmax", "weights": "manual", "aggregation": "amean"},
        "nodes": nodes, "indicators": inds})
    vals = pd.DataFrame(rng.lognormal(3, 0.5, size=(units, len(inds))),
                        index=[f"C{u:02d}" for u in range(units)],
                        columns=[i["code"] for i in inds])
    return fw, EvalInput(values=vals, year=2025, synthetic=True)


def naive_index(fw: Framework, x: pd.DataFrame, node_w: dict[str, dict[str, float]]) -> list:
    """Per-value loops: min–max each value, then weighted means node by node."""
    norm: dict[str, dict[str, float]] = {}
    for c in fw.indicator_codes:
        d = fw.indicator(c).direction
        col = [d * float(x.at[u, c]) for u in x.index]
        lo, hi = min(col), max(col)
        norm[c] = {u: (d * float(x.at[u, c]) - lo) / (hi - lo) * 100 for u in x.index}
    for node in fw.nodes_bottom_up:
        kids = fw.children(node)
        w = node_w[node]
        tot = sum(w[k] for k in kids)
        norm[node] = {u: sum(w[k] * norm[k][u] for k in kids) / tot for u in x.index}
    return [norm[fw.root][u] for u in x.index]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replications", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    fw, data = synthetic(seed=a.seed)
    t0, c0 = time.perf_counter(), time.process_time()
    sa = run_sensitivity(fw, data, {"normalise": ["minmax", "zscore", "rank"],
                                    "aggregation": ["amean", "min"]},
                         weight_noise=0.25, n=a.replications, seed=a.seed)
    t_mc = time.perf_counter() - t0
    cpu_mc = time.process_time() - c0
    per_rep = t_mc / sa.replications
    print(f"Monte Carlo + Sobol' (SYNTHETIC 16 units × 60 indicators, {len(sa.inputs)} inputs): "
          f"{sa.replications} replications in {t_mc:.2f} s wall, {cpu_mc:.2f} s CPU "
          f"({per_rep * 1e3:.2f} ms each); "
          f"target ≤ 10 s: {'OK' if t_mc <= 10 else 'MISSED'}")
    print(f"  average rank shift {sa.average_shift:.2f}; Sobol' ST: "
          + ", ".join(f"{r.input} {r.ST:.2f}" for r in sa.sobol.itertuples()))

    # naive baseline: nominal pipeline with per-value loops, checked against the engine
    res = evaluate(fw, data)
    node_w = {n: {k: float(fw.by_code[k].weight) for k in fw.children(n)} for n in fw.nodes_bottom_up}
    k = 20
    t0 = time.perf_counter()
    for _ in range(k):
        naive = naive_index(fw, data.values, node_w)
    t_naive = (time.perf_counter() - t0) / k
    assert np.allclose(naive, res.scores[fw.root].to_numpy()), "baseline disagrees with engine"
    t0 = time.perf_counter()
    for _ in range(k):
        evaluate(fw, data)
    t_eng = (time.perf_counter() - t0) / k
    print(f"naive per-value baseline: {t_naive * 1e3:.1f} ms per replication (timed over {k}, "
          f"same scores as the engine); engine Monte Carlo {per_rep * 1e3:.2f} ms per "
          f"replication -> {t_naive / per_rep:.1f}× faster; full evaluate() with trail "
          f"{t_eng * 1e3:.1f} ms")
    print(f"  naive baseline for {sa.replications} replications would take "
          f"{t_naive * sa.replications:.1f} s")

    if not (ASEM / "ASEM_iData.csv").is_file():
        sys.exit(f"ASEM data not found at {ASEM}: skipped")
    afw = load_framework("coinr-asem")
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        r = evaluate(afw, read_coinr_wide(ASEM / "ASEM_iData.csv", afw))
        best = min(best, time.perf_counter() - t0)
    print(f"ASEM example ({len(r.units)} units × {len(afw.indicators)} indicators, read + 6 "
          f"steps + ranks): {best:.3f} s (best of 3); target ≤ 1 s: "
          f"{'OK' if best <= 1 else 'MISSED'}; CHE Index {r.scores.at['CHE', 'Index']:.2f}")


if __name__ == "__main__":
    main()
