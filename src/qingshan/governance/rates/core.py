"""Rates as exact fractions with their numerator, denominator, exclusions and rule version
(spec/governance.md §1.4 [D]):

- every rate is computed from the event log as of a cut-off, and keeps its numerator,
  denominator, exclusions and rule version beside the value;
- province rates are Σ numerators / Σ denominators, never the mean of city rates;
- percentages are exact fractions, displayed with 1 decimal, rounded half up; "100%" only when
  numerator = denominator (so 99.96 % shows "99.9%", not "100.0%").

The case state as of a cut-off is the last event at or before it (:func:`as_of`), one grouped
pandas step for the whole log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import chain

import pandas as pd

__all__ = ["Rate", "pool", "as_of", "percent_text", "RatesError", "Number", "RATES_VERSION"]

#: version of the rate definitions below and in the sibling modules (kept beside every value)
RATES_VERSION = "governance-rates-2026.1"


class RatesError(ValueError):
    """No data, or an event log without the columns a rate needs."""


Number = int | Fraction | Decimal


def _frac(x: Number | str) -> Fraction:
    if isinstance(x, float):
        raise RatesError("rates take exact numbers (int, Decimal, Fraction, str), not floats")
    return Fraction(x)


def percent_text(num: Number, den: Number, decimals: int = 1) -> str:
    """``num/den`` as a percentage, half up to ``decimals``; "100%" only when num == den, and a
    value that would round up to 100 is cut at the last decimal below it (§1.4).

    >>> percent_text(7014, 7106), percent_text(7106, 7106), percent_text(9999, 10000)
    ('98.7%', '100%', '99.9%')
    """
    n, d = _frac(num), _frac(den)
    if d == 0:
        return "–"
    if n == d:
        return "100%"
    f = n / d * 100
    exact = Decimal(f.numerator) / Decimal(f.denominator)
    q = Decimal(1).scaleb(-decimals)
    v = exact.quantize(q, rounding=ROUND_HALF_UP)
    if v >= 100 and n < d:
        v = exact.quantize(q, rounding=ROUND_DOWN)
    return f"{v}%"


@dataclass(frozen=True)
class Rate:
    """One reported rate and everything needed to check it."""

    name: str
    numerator: Number
    denominator: Number
    rule_version: str
    cutoff: str | None = None
    unit: str | None = None                  # org unit the rate covers (None: as given)
    exclusions: Mapping[str, int] = field(default_factory=dict)
    formula: str = ""
    mark: str = "D"                          # provenance mark of the formula (spec §2.7, §3.4 …)
    partial: bool = False                    # some inputs missing: never rank or pool as complete
    notes: tuple[str, ...] = ()
    #: the case ids behind the figure, kept by the same computation that counted them
    #: (``"numerator"``, ``"denominator"`` and one key per exclusion label), so a drill-down
    #: lists exactly the counted cases and never re-defines the rate; None when the rate was
    #: built from counts only (published totals, areas)
    members: Mapping[str, tuple] | None = field(default=None, compare=False, repr=False)

    @property
    def fraction(self) -> Fraction | None:
        d = _frac(self.denominator)
        return _frac(self.numerator) / d if d else None

    @property
    def value(self) -> float | None:
        """The rate in percent (float, for charts); the exact value is :attr:`fraction`."""
        f = self.fraction
        return None if f is None else float(f * 100)

    def text(self, decimals: int = 1) -> str:
        t = percent_text(self.numerator, self.denominator, decimals)
        return t + (" (partial)" if self.partial else "") + \
            (f" [{self.mark}]" if self.mark in ("M", "P") else "")

    def as_dict(self) -> dict:
        def plain(x):
            return x if isinstance(x, int) else str(x)
        return {"name": self.name, "numerator": plain(self.numerator),
                "denominator": plain(self.denominator), "value": self.value, "text": self.text(),
                "exclusions": dict(self.exclusions), "rule_version": self.rule_version,
                "cutoff": self.cutoff, "unit": self.unit, "formula": self.formula,
                "mark": self.mark, "partial": self.partial, "notes": list(self.notes)}


def pool(rates: Iterable[Rate], unit: str | None = None) -> Rate:
    """Σ numerators / Σ denominators of rates of the same name and rule version (§1.4)."""
    rs = list(rates)
    if not rs:
        raise RatesError("no rates to pool")
    names = {(r.name, r.rule_version, r.cutoff) for r in rs}
    if len(names) != 1:
        raise RatesError(f"cannot pool different rates / rule versions / cut-offs: {names}")
    excl: dict[str, int] = {}
    for r in rs:
        for k, v in r.exclusions.items():
            excl[k] = excl.get(k, 0) + v
    r0 = rs[0]
    members = None
    if all(r.members is not None for r in rs):
        keys = sorted({k for r in rs for k in r.members})
        members = {k: tuple(chain.from_iterable(r.members.get(k, ()) for r in rs))
                   for k in keys}
    return Rate(r0.name, sum(r.numerator for r in rs), sum(r.denominator for r in rs),
                r0.rule_version, r0.cutoff, unit, excl, r0.formula, r0.mark,
                any(r.partial for r in rs),
                tuple(f"pooled over {len(rs)} units (Σ numerators / Σ denominators)",),
                members)


def as_of(events: pd.DataFrame, cutoff: datetime | str | None,
          cols: Iterable[str] = ("to_state",)) -> pd.DataFrame:
    """One row per case: the last non-null value of each of ``cols`` among the events with
    ``ts`` ≤ ``cutoff`` (order: ``ts``, then ``seq`` when present). Cases with no event by then
    are absent."""
    need = {"case_id", "ts", *cols}
    if missing := need - set(events.columns):
        raise RatesError(f"event log lacks columns {sorted(missing)}")
    ev = events
    if cutoff is not None:
        ev = ev[pd.to_datetime(ev["ts"]) <= pd.Timestamp(cutoff)]
    order = ["case_id", "ts"] + (["seq"] if "seq" in ev.columns else [])
    ev = ev.sort_values(order, kind="stable")
    return ev.groupby("case_id", sort=True)[list(cols)].last().reset_index()
