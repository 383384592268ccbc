"""Provenance of a figure: the value, its mark and its source.

Marks (spec/carbon-ets.md "Legend"): ``V`` verified in a cited source, ``M`` from memory (not
verified against the primary text — stays configuration, every output using it shows the mark),
``D`` derived here, plus ``S`` synthetic demo value and ``U`` supplied by the user (a rules file
or an option). :func:`weakest` combines marks: an output is only as good as its weakest input
(S < U < M < D < V).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Value", "MARKS", "weakest", "v", "m", "d"]

#: marks from weakest to strongest
MARKS = ("S", "U", "M", "D", "V")


@dataclass(frozen=True)
class Value:
    """A rule value with its provenance mark and source."""

    value: float | None
    mark: str
    source: str

    def __post_init__(self):
        if self.mark not in MARKS:
            raise ValueError(f"unknown provenance mark {self.mark!r}; one of {MARKS}")

    def tag(self, name: str) -> str:
        """``name[M]``: the label used in the ``marks`` column of every output."""
        return f"{name}[{self.mark}]"


def v(value, source: str) -> Value:
    return Value(value, "V", source)


def m(value, source: str) -> Value:
    return Value(value, "M", source)


def d(value, source: str) -> Value:
    return Value(value, "D", source)


def weakest(marks: Iterable[str]) -> str:
    """The weakest of ``marks`` (``"V"`` for none)."""
    ms = set(marks)
    for x in MARKS:
        if x in ms:
            return x
    return "V"
