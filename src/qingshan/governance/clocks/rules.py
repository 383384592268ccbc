"""Clock rules as data (``clocks/data/rules.toml``) and clocks derived from them.

A clock is ``{rule_id, start, unit, length, pauses[], extensions[]}`` and ``due_at`` is always
derived, never typed in (spec/governance.md §1.2 [D]). The yellow and red cards of the Shandong
provincial 12345 rule: yellow when 1 working day remains without a reply, red on the first
working day after the limit (§3.1–3.2 [V S15]).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from qingshan.governance.clocks.calendar import CalendarError, Pause, WorkCalendar, \
    default_calendar

__all__ = ["ClockRule", "Clock", "rules", "rule", "RULES_VERSION", "card"]


@dataclass(frozen=True)
class ClockRule:
    """One deadline rule with its provenance mark (every output that uses it shows the mark)."""

    id: str
    label: str
    unit: str                 # "wd" | "cd"
    length: int
    mark: str
    source: str
    roll: bool = True
    extension: int | None = None
    yellow_before: int = 1
    red_after: int = 1

    def __post_init__(self) -> None:
        if self.unit not in ("wd", "cd"):
            raise ValueError(f"rule {self.id}: unit must be 'wd' or 'cd', got {self.unit!r}")


@lru_cache(maxsize=1)
def _load() -> tuple[str, dict[str, ClockRule]]:
    doc = tomllib.loads(resources.files("qingshan.governance.clocks").joinpath(
        "data", "rules.toml").read_text(encoding="utf-8"))
    return doc["version"], {k: ClockRule(id=k, **v) for k, v in doc["rules"].items()}


RULES_VERSION: str = _load()[0]


def rules() -> dict[str, ClockRule]:
    """Every clock rule by id."""
    return dict(_load()[1])


def rule(rule_id: str) -> ClockRule:
    """The clock rule ``rule_id`` (KeyError naming the known ids otherwise)."""
    r = _load()[1]
    if rule_id not in r:
        raise KeyError(f"no clock rule {rule_id!r}; known: {sorted(r)}")
    return r[rule_id]


@dataclass(frozen=True)
class Clock:
    """A running deadline: the rule, the triggering date, pauses and granted extensions (in the
    rule's unit). ``due_at`` is None while a pause is open (the clock is stopped)."""

    rule_id: str
    start: date
    pauses: tuple[Pause, ...] = ()
    extensions: tuple[int, ...] = ()
    length: int | None = None          # overrides the rule's length (e.g. a configured limit)
    stopped_at: date | None = None     # the step that satisfied the clock (reply, decision …)

    @property
    def rule(self) -> ClockRule:
        return rule(self.rule_id)

    def due_at(self, cal: WorkCalendar | None = None) -> date | None:
        return _due(self, cal or default_calendar())

    def _compute(self, cal: WorkCalendar) -> date | None:
        if any(b is None for _, b in self.pauses):
            return None
        n = (self.rule.length if self.length is None else self.length) + sum(self.extensions)
        if self.rule.unit == "wd":
            return cal.add_working_days(self.start, n, self.pauses)
        return cal.add_days(self.start, n, self.pauses, roll=self.rule.roll)

    def extend(self, n: int | None = None) -> "Clock":
        """The clock with one more extension (default: the rule's extension length)."""
        n = self.rule.extension if n is None else n
        if not n:
            raise CalendarError(f"rule {self.rule_id} has no extension")
        return Clock(self.rule_id, self.start, self.pauses, (*self.extensions, n), self.length,
                     self.stopped_at)


@lru_cache(maxsize=65536)
def _due(clock: Clock, cal: WorkCalendar) -> date | None:
    """Cached: clocks and calendars are immutable values."""
    return clock._compute(cal)


def card(clock: Clock, today: date, cal: WorkCalendar | None = None) -> str:
    """``"ok"``, ``"yellow"`` (from ``yellow_before`` working days before due to the due day),
    ``"overdue"`` (after due, before the red card), ``"red"`` (from ``red_after`` working days
    after due), ``"done"`` (stopped on or before due), ``"late"`` (stopped after due) or
    ``"paused"``."""
    cal = cal or default_calendar()
    d = clock.due_at(cal)
    if d is None:
        return "paused"
    if clock.stopped_at is not None:
        return "done" if clock.stopped_at <= d else "late"
    r = clock.rule
    if today > d:
        return "red" if today >= cal.add_working_days(d, r.red_after) else "overdue"
    if today >= cal.add_working_days(d, -r.yellow_before):
        return "yellow"
    return "ok"


