"""Evaluation frameworks as validated data (spec evaluation.md §2.4 item 1).

A framework is a TOML file: ``[framework]`` (code, version, names, base year, source and
provenance mark), ``[method]`` (the pipeline's defaults, see :class:`Method`), ``[[nodes]]``
(aggregates: index → dimensions → … of any depth, each with its parent, weight, aggregation and
weighting method of its children) and ``[[indicators]]`` (leaves: unit, direction, weight,
denominator, data source computed/submitted/imported, the standard used, targets per year and
level with source and provenance mark). Every value marked ``[M]`` (unverified, spec legend)
keeps its mark; :func:`marks_of` lists them so every output that uses one can show it.

Several frameworks live side by side (:mod:`qingshan.evaluation.frameworks`), each versioned.
"""

from __future__ import annotations

import tomllib
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["Target", "Indicator", "Node", "Method", "Framework", "FrameworkError",
           "load_framework_file", "NORMALISERS", "AGGREGATORS", "WEIGHTINGS", "IMPUTERS"]

Mark = Literal["V", "P", "M"]
#: normalisation methods (spec §2.1 / §2.2 / §1.3)
NORMALISERS = ("minmax", "zscore", "rank", "ratio_target", "distance_target", "proximity",
               "progress", "none")
#: aggregation functions (spec §2.4 item 6)
AGGREGATORS = ("amean", "gmean", "hmean", "mpi", "min")
#: weighting methods (spec §2.4 item 5)
WEIGHTINGS = ("manual", "equal", "entropy", "ahp", "pca")
#: imputation methods (spec §2.4 item 3)
IMPUTERS = ("none", "group_mean", "locf", "linear")


class FrameworkError(ValueError):
    """A framework file that does not validate (names the file and the offending entry)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    """One target value: for ``year`` at ``level`` (national/provincial/city), with its source
    and provenance mark ([V] checked, [P] partly, [M] from memory, unverified)."""

    year: int
    value: float
    level: Literal["national", "provincial", "city"] = "national"
    op: Literal["<", "<=", ">", ">=", "="] = "="
    source: str
    mark: Mark

    @property
    def label(self) -> str:
        m = f" [{self.mark}]" if self.mark != "V" else ""
        return f"{self.op}{self.value:g} ({self.year}, {self.level}){m}"


class Indicator(_Strict):
    code: str
    name_zh: str = ""
    name_en: str = ""
    parent: str
    unit: str = ""
    direction: Literal[1, -1]
    weight: float = Field(1.0, ge=0)
    denominator: str = ""
    #: computed by qingshan (``compute`` names the domain service quantity), submitted by a city
    #: (submissions workflow) or imported (a data file)
    source: Literal["computed", "submitted", "imported"] = "imported"
    compute: str = ""
    standard: str = ""
    mark: Mark = "V"
    targets: tuple[Target, ...] = ()
    normalise: str = ""          # per-indicator override of [method].normalise
    lpb: float | None = None     # proximity: low-performance benchmark
    hpb: float | None = None     # proximity: high-performance benchmark (default: the target)
    limits: tuple[float, float] | None = None   # valid range of a submitted value
    natural_limit: float | None = None          # Open SDG: natural limit (e.g. 100 %)

    @field_validator("normalise")
    @classmethod
    def _norm(cls, v: str) -> str:
        if v and v not in NORMALISERS:
            raise ValueError(f"normalise {v!r} is not one of {NORMALISERS}")
        return v


class Node(_Strict):
    code: str
    name_zh: str = ""
    name_en: str = ""
    parent: str = ""
    weight: float = Field(1.0, ge=0)
    aggregation: str = ""        # default [method].aggregation
    weights: str = ""            # how this node's children are weighted (default [method].weights)
    ahp: tuple[tuple[float, ...], ...] = ()   # pairwise matrix over the children (file order)

    @field_validator("aggregation")
    @classmethod
    def _agg(cls, v: str) -> str:
        if v and v not in AGGREGATORS:
            raise ValueError(f"aggregation {v!r} is not one of {AGGREGATORS}")
        return v

    @field_validator("weights")
    @classmethod
    def _w(cls, v: str) -> str:
        if v and v not in WEIGHTINGS:
            raise ValueError(f"weights {v!r} is not one of {WEIGHTINGS}")
        return v


class Method(_Strict):
    """The pipeline's defaults; each step is recorded in the result (engine.pipeline)."""

    denominate: bool = True
    impute: str = "none"
    impute_group: str = ""
    screen_min_availability: float = Field(0.0, ge=0, le=1)
    treat: Literal["none", "coinr"] = "none"
    winmax: int = 5
    skew_thresh: float = 2.0
    kurt_thresh: float = 3.5
    treat_f2: Literal["log_CT", "none"] = "log_CT"
    normalise: str = "minmax"
    normalise_range: tuple[float, float] = (0.0, 100.0)
    zscore_params: tuple[float, float] = (0.0, 1.0)
    weights: str = "manual"
    aggregation: str = "amean"
    ahp_max_cr: float = 0.1
    #: which target level is used first (then the next) when an indicator has several
    target_levels: tuple[str, ...] = ("city", "provincial", "national")
    #: stage target used: the nearest target year >= the run year (None), or this year
    target_year: int | None = None
    #: partial nodes (a child missing) are scored but not ranked unless this is true
    rank_partial: bool = False
    #: rank the units at all (false for a framework whose results must not rank regions,
    #: e.g. the NDRC 2020 实施方案: "评估结果不进行地区排名")
    rank: bool = True

    @field_validator("impute")
    @classmethod
    def _imp(cls, v):
        if v not in IMPUTERS:
            raise ValueError(f"impute {v!r} is not one of {IMPUTERS}")
        return v

    @field_validator("normalise")
    @classmethod
    def _n(cls, v):
        if v not in NORMALISERS:
            raise ValueError(f"normalise {v!r} is not one of {NORMALISERS}")
        return v

    @field_validator("weights")
    @classmethod
    def _wt(cls, v):
        if v not in WEIGHTINGS:
            raise ValueError(f"weights {v!r} is not one of {WEIGHTINGS}")
        return v

    @field_validator("aggregation")
    @classmethod
    def _a(cls, v):
        if v not in AGGREGATORS:
            raise ValueError(f"aggregation {v!r} is not one of {AGGREGATORS}")
        return v


class Meta(_Strict):
    code: str
    version: str
    name_zh: str = ""
    name_en: str = ""
    base_year: int | None = None
    source: str = ""
    mark: Mark = "V"
    unit_kind: str = "city"
    note: str = ""
    synthetic: bool = False
    #: optional data file (path relative to the repository root) and its format
    data: str = ""
    data_format: Literal["", "coinr-wide", "long"] = ""
    year: int | None = None


class Framework(_Strict):
    framework: Meta
    method: Method = Method()
    nodes: tuple[Node, ...]
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _tree(self) -> "Framework":
        codes = [n.code for n in self.nodes] + [i.code for i in self.indicators]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"duplicate codes: {dup}")
        nodes = {n.code for n in self.nodes}
        roots = [n.code for n in self.nodes if not n.parent]
        if len(roots) != 1:
            raise ValueError(f"exactly one root node (no parent) is required, found {roots}")
        for x in (*self.nodes, *self.indicators):
            if x.parent and x.parent not in nodes:
                raise ValueError(f"{x.code}: parent {x.parent!r} is not a node")
        for n in self.nodes:
            kids = [c for c in (*self.nodes, *self.indicators) if c.parent == n.code]
            if not kids:
                raise ValueError(f"node {n.code} has no children")
            if n.ahp:
                k = len(kids)
                if len(n.ahp) != k or any(len(r) != k for r in n.ahp):
                    raise ValueError(f"node {n.code}: ahp matrix must be {k}×{k}")
        # cycles: walking up from every node must reach the root
        parent = {n.code: n.parent for n in self.nodes}
        for c in parent:
            seen, x = set(), c
            while parent.get(x):
                if x in seen:
                    raise ValueError(f"cycle in the tree at {c}")
                seen.add(x)
                x = parent[x]
        return self

    # ---- tree helpers -------------------------------------------------------------------------
    @cached_property
    def root(self) -> str:
        return next(n.code for n in self.nodes if not n.parent)

    @cached_property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    @cached_property
    def by_code(self) -> dict[str, Indicator | Node]:
        return {x.code: x for x in (*self.nodes, *self.indicators)}

    def children(self, code: str) -> list[str]:
        return [x.code for x in (*self.nodes, *self.indicators) if x.parent == code]

    @cached_property
    def levels(self) -> dict[str, int]:
        """Level of every code: indicators 1, a node 1 + the highest level of its children."""
        lev: dict[str, int] = {i.code: 1 for i in self.indicators}

        def level(c: str) -> int:
            if c not in lev:
                lev[c] = 1 + max(level(k) for k in self.children(c))
            return lev[c]
        for n in self.nodes:
            level(n.code)
        return lev

    @cached_property
    def nodes_bottom_up(self) -> list[str]:
        return sorted((n.code for n in self.nodes), key=lambda c: self.levels[c])

    def name(self, code: str, lang: str = "zh") -> str:
        x = self.by_code[code]
        return (x.name_zh or x.name_en) if lang == "zh" else (x.name_en or x.name_zh)

    def node(self, code: str) -> Node:
        x = self.by_code[code]
        if not isinstance(x, Node):
            raise KeyError(code)
        return x

    def indicator(self, code: str) -> Indicator:
        x = self.by_code[code]
        if not isinstance(x, Indicator):
            raise KeyError(code)
        return x

    @property
    def label(self) -> str:
        return f"{self.framework.code} v{self.framework.version}"


def load_framework_file(path: str | Path) -> Framework:
    """Read and validate one framework TOML; errors name the file and the offending entry."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise FrameworkError(f"{p}: cannot read framework: {e}") from e
    try:
        return Framework.model_validate(raw)
    except ValueError as e:
        raise FrameworkError(f"{p}: invalid framework: {e}") from e
