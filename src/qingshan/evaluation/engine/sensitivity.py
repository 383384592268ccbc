"""Uncertainty and sensitivity analysis (spec evaluation.md §2.1 step 7, §2.4 item 7).

Uncertain inputs:
- method options: a :class:`~qingshan.evaluation.framework.Method` field and its alternatives,
  e.g. ``{"normalise": ["minmax", "zscore"], "aggregation": ["amean", "gmean"]}``;
- weight perturbations: at every node (or the listed ones) each child's weight is multiplied by
  a factor drawn uniformly from [1 − δ, 1 + δ] and the node's weights rescaled to sum to one.

Sampling: SALib's Sobol' sequence (Saltelli scheme, ``calc_second_order=False``) with the given
seed over one uniform [0, 1) variable per uncertain input; an option's variable picks alternative
⌊u·k⌋, a node's weight variable picks one of 256 perturbation vectors drawn once from the seeded
generator. Each replication ranks the units at ``node`` (shared ranks); the outputs are per unit
the nominal rank, median rank, 5–95 % rank interval and mean absolute rank shift from the
nominal rank, the average shift over units, and Sobol' first-order (S1) and total (ST) indices
of that average shift per input (SALib ``sobol.analyze``).

Every combination of the alternatives (each alternative alone when there are more than 256)
is applied once before sampling, and any replication that fails
stops the run with an :class:`~qingshan.evaluation.engine.pipeline.EngineError` naming the
combination: a requested variation that cannot be applied is an error, never a silent
fallback (COINr issue #60).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from qingshan.evaluation.engine.pipeline import (
    EngineError, EvalInput, effective_method, marks_of, prepare, score_arrays,
)
from qingshan.evaluation.framework import Framework, Method

__all__ = ["SensitivityResult", "run_sensitivity", "PREP_OPTIONS"]

#: method options that change the steps before normalisation (those runs are cached)
PREP_OPTIONS = ("denominate", "impute", "impute_group", "screen_min_availability", "treat",
                "winmax", "skew_thresh", "kurt_thresh", "treat_f2")
_PERTURB_SETS = 256


@dataclass
class SensitivityResult:
    node: str
    replications: int
    seed: int
    inputs: list[str]
    ranks: pd.DataFrame          # one row per unit: nominal, median, p5, p95, mean_shift
    average_shift: float
    sobol: pd.DataFrame          # input, S1, S1_conf, ST, ST_conf
    samples: np.ndarray          # replications × units ranks (float, NaN = not ranked)
    marks: list[str]             # unverified targets ([M]) the nominal scores use


def _rank_vector(s: np.ndarray, ok: np.ndarray) -> np.ndarray:
    v = np.where(ok, np.round(s, 9), np.nan)
    higher = (v[None, :] > v[:, None]).sum(axis=1).astype(float)
    r = 1.0 + higher
    r[~ok] = np.nan
    return r


def run_sensitivity(fw: Framework, data: EvalInput, options: dict[str, list] | None = None,
                    weight_noise: float = 0.0, weight_nodes: list[str] | None = None,
                    n: int = 1000, seed: int = 0, node: str | None = None,
                    overrides: dict | None = None) -> SensitivityResult:
    """Monte Carlo and Sobol' analysis of the ranks at ``node`` (default: the index)."""
    node = node or fw.root
    if node not in fw.by_code or node in fw.indicator_codes:
        raise EngineError(f"{node!r} is not a node of {fw.label}")
    options = {k: list(v) for k, v in (options or {}).items()}
    base = effective_method(fw, overrides)
    if not base.rank:
        raise EngineError(f"framework {fw.label} does not rank units (method.rank = false): "
                          "a rank uncertainty analysis does not apply")
    for k, alts in options.items():
        if k not in Method.model_fields:
            raise EngineError(f"cannot vary {k!r}: not a method option")
        if len(alts) < 2:
            raise EngineError(f"varying {k!r} needs at least two alternatives, got {alts}")
    if not 0 <= weight_noise < 1:
        raise EngineError(f"weight noise must be in [0, 1), got {weight_noise}")
    wnodes = [] if weight_noise == 0 else (weight_nodes or list(fw.nodes_bottom_up))
    bad = [w for w in wnodes if w not in {x.code for x in fw.nodes}]
    if bad:
        raise EngineError(f"cannot perturb weights at {bad}: not nodes of {fw.label}")
    if not options and not wnodes:
        raise EngineError("nothing to vary: give method options and/or a weight noise")
    names = [*options, *(f"weights:{w}" for w in wnodes)]

    prep_cache: dict[tuple, object] = {}
    meth_cache: dict[tuple, Method] = {}

    def method_for(choice: dict) -> Method:
        key = tuple(sorted((k, repr(v)) for k, v in choice.items()))
        if key not in meth_cache:
            meth_cache[key] = Method.model_validate({**base.model_dump(), **choice})
        return meth_cache[key]

    def prep_for(m: Method):
        key = tuple(getattr(m, k) for k in PREP_OPTIONS)
        if key not in prep_cache:
            prep_cache[key] = prepare(fw, data, m)
        return prep_cache[key]

    # nominal weights of the perturbed nodes and the seeded perturbation sets
    rng = np.random.default_rng(seed)
    nominal_prep = prep_for(base)
    _, info0, nominal_w, s0, ok0, order = score_arrays(fw, nominal_prep, base, data.year)
    marks = marks_of(fw, info0).get(node, [])
    col = order.index(node)
    kids = {w: fw.children(w) for w in wnodes}
    units = list(nominal_prep.treated.index)
    nominal = _rank_vector(s0[:, col], ok0[:, col] if not base.rank_partial
                           else ~np.isnan(s0[:, col]))
    factors = {w: rng.uniform(1 - weight_noise, 1 + weight_noise,
                              size=(_PERTURB_SETS, len(nominal_w[w]))) for w in wnodes}

    def run_one(choice: dict, pert: dict[str, int]) -> np.ndarray:
        try:
            m = method_for(choice)
            nw = {w: dict(zip(kids[w], nominal_w[w] * factors[w][i])) for w, i in pert.items()}
            _, _, _, s, ok, _ = score_arrays(fw, prep_for(m), m, data.year, nw or None,
                                             want_info=False)
        except (EngineError, ValueError) as e:
            raise EngineError(f"variation {choice} cannot be applied: {e}") from e
        if s.shape[0] != len(units):
            raise EngineError(f"variation {choice} changes the set of units (screening); "
                              "vary screening separately")
        return _rank_vector(s[:, col], ok[:, col] if not m.rank_partial
                            else ~np.isnan(s[:, col]))

    # every combination of the options (or, when there are too many, every alternative on
    # its own) is applied once before sampling, so an impossible one fails at once
    combos = list(itertools.product(*options.values()))
    if len(combos) <= 256:
        for c in combos:
            run_one(dict(zip(options, c)), {})
    else:
        for k, alts in options.items():
            for a in alts:
                run_one({k: a}, {})

    from SALib.analyze import sobol as sobol_analyze     # scipy.stats: imported on first use,
    from SALib.sample import sobol as sobol_sample       # after the options are checked

    d = len(names)
    problem = {"num_vars": d, "names": names, "bounds": [[0.0, 1.0]] * d}
    base_n = max(2, 2 ** int(math.ceil(math.log2(max(2.0, n / (d + 2))))))
    x = sobol_sample.sample(problem, base_n, calc_second_order=False, scramble=True, seed=seed)
    x = np.clip(x, 0.0, 1.0 - 1e-12)
    alts = list(options.items())
    out = np.empty((len(x), len(units)))
    for r, row in enumerate(x):              # one replication per row (vectorised inside)
        choice = {k: v[int(row[j] * len(v))] for j, (k, v) in enumerate(alts)}
        pert = {w: int(row[len(alts) + j] * _PERTURB_SETS) for j, w in enumerate(wnodes)}
        out[r] = run_one(choice, pert)
    shift = np.nanmean(np.abs(out - nominal[None, :]), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):   # Y constant: indices are NaN
        si = sobol_analyze.analyze(problem, np.nan_to_num(shift), calc_second_order=False,
                                   print_to_console=False, seed=seed)
    ranks = pd.DataFrame({
        "unit": units,
        "name": [data.unit_names.get(u, u) for u in units],
        "nominal": nominal,
        "median": np.nanmedian(out, axis=0),
        "p5": np.nanpercentile(out, 5, axis=0),
        "p95": np.nanpercentile(out, 95, axis=0),
        "mean_shift": np.nanmean(np.abs(out - nominal[None, :]), axis=0),
    })
    sob = pd.DataFrame({"input": names, "S1": si["S1"], "S1_conf": si["S1_conf"],
                        "ST": si["ST"], "ST_conf": si["ST_conf"]})
    return SensitivityResult(node=node, replications=len(x), seed=seed, inputs=names,
                             ranks=ranks, average_shift=float(np.nanmean(shift)), sobol=sob,
                             samples=out, marks=marks)
