"""The Chinese working-day calendar (工作日历) as versioned data, and deadline arithmetic.

Rules (spec/governance.md §1.2):

- a working day is Monday–Friday, minus the statutory holidays (放假), **plus** the make-up
  working weekends (调休上班) that the State Council General Office publishes each year [M in the
  spec; the bundled notices 2024–2026 are checked, see ``data/cn_*.toml``]. FixMyStreet's
  ``WorkingDays`` has no make-up list; this calendar keeps it (``workdays``) [D];
- counting starts the day after the triggering event (期间开始之日不计算在内) [M];
- a calendar-day (日/天) deadline that falls on a non-working day moves to the next working day
  [M] (``roll=True``, the default; a switch per rule in ``rules.toml``);
- excluded periods (expert review, hearings, 补正 …) are *pauses*: days inside a pause do not
  count [P S22];
- a date outside the loaded years is an error (:class:`CalendarError`), never a silent guess:
  load the next year's notice with :func:`load_calendar` (``extra=[path]``).

The arithmetic is vectorised: the calendar is one sorted ``datetime64[D]`` array of working days;
"the N-th working day after d" is a ``searchsorted`` into it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = ["CalendarError", "WorkCalendar", "Pause", "load_calendar", "default_calendar", "due",
           "BUNDLED_YEARS"]

#: years whose State Council notice ships with qingshan (``clocks/data/cn_<year>.toml``;
#: 2023 for the 2023 city figures)
BUNDLED_YEARS = (2023, 2024, 2025, 2026)

#: an excluded period, both ends inclusive; ``end=None`` = still running (clock stopped)
Pause = tuple[date, date | None]


class CalendarError(ValueError):
    """A date outside the loaded calendar years, or a malformed calendar file."""


def _d64(d: date) -> np.datetime64:
    return np.datetime64(d.isoformat(), "D")


def _date(x: np.datetime64) -> date:
    return date.fromisoformat(str(x))


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of the loaded (contiguous) years, with the notices they come from."""

    years: tuple[int, ...]
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    notices: dict[int, str] = field(default_factory=dict, compare=False)
    marks: dict[int, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.years:
            raise CalendarError("a calendar needs at least one year")
        ys = sorted(self.years)
        if ys != list(range(ys[0], ys[-1] + 1)):
            raise CalendarError(f"calendar years must be contiguous, got {ys}")
        both = self.holidays & self.makeup_workdays
        if both:
            raise CalendarError(f"days both holiday and make-up workday: {sorted(both)}")
        first, last = date(ys[0], 1, 1), date(ys[-1], 12, 31)
        days = np.arange(_d64(first), _d64(last) + 1, dtype="datetime64[D]")
        weekday = (days.astype("int64") + 3) % 7          # 1970-01-01 was a Thursday (3)
        hol = np.isin(days, np.array([_d64(d) for d in self.holidays], dtype="datetime64[D]"))
        mk = np.isin(days, np.array([_d64(d) for d in self.makeup_workdays],
                                    dtype="datetime64[D]"))
        object.__setattr__(self, "_days", days[((weekday < 5) & ~hol) | mk])
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "last", last)

    @property
    def version(self) -> str:
        """e.g. ``cn-2024..2026 (2024 V, 2025 P, 2026 P)`` — shown beside every clock result."""
        marks = ", ".join(f"{y} {self.marks.get(y, '?')}" for y in self.years)
        return f"cn-{self.years[0]}..{self.years[-1]} ({marks})"

    def _check(self, d: date) -> None:
        if not (self.first <= d <= self.last):
            raise CalendarError(
                f"{d.isoformat()} is outside the working-day calendar ({self.first.isoformat()}"
                f"–{self.last.isoformat()}); load the State Council holiday notice for "
                f"{d.year} (governance.clocks.load_calendar(extra=[...]))")

    def is_workday(self, d: date) -> bool:
        """True when ``d`` is a working day (weekday not a holiday, or a make-up workday)."""
        self._check(d)
        i = np.searchsorted(self._days, _d64(d))
        return bool(i < len(self._days) and self._days[i] == _d64(d))

    def _workdays(self, pauses: Sequence[Pause]) -> np.ndarray:
        wd = self._days
        for a, b in pauses:
            if b is None:
                raise CalendarError(f"pause from {a} has no end: the clock is stopped")
            wd = wd[(wd < _d64(a)) | (wd > _d64(b))]
        return wd

    def add_working_days(self, start: date, n: int, pauses: Sequence[Pause] = ()) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted), skipping
        working days inside ``pauses``; ``n < 0`` counts back (``n`` working days before
        ``start``); ``n == 0`` is ``start``."""
        self._check(start)
        if n == 0:
            return start
        wd = self._workdays(pauses)
        if n > 0:
            i = int(np.searchsorted(wd, _d64(start), side="right")) + n - 1
        else:
            i = int(np.searchsorted(wd, _d64(start), side="left")) + n
        if i < 0 or i >= len(wd):
            edge = self.last if n > 0 else self.first
            raise CalendarError(f"{n} working days from {start.isoformat()} run past "
                                f"{edge.isoformat()}, the end of the loaded calendar: load the "
                                f"State Council holiday notice for "
                                f"{edge.year + (1 if n > 0 else -1)}")
        return _date(wd[i])

    def add_days(self, start: date, n: int, pauses: Sequence[Pause] = (),
                 roll: bool = True) -> date:
        """``start`` + ``n`` calendar days, not counting days inside ``pauses`` (a day covered
        by two pauses is skipped once); when ``roll`` and the result is not a working day, the
        next working day."""
        self._check(start)
        if n < 0:
            raise CalendarError("calendar-day periods count forward only")
        if n == 0:
            return start
        closed = self._closed(pauses)
        horizon = n + sum((b - a).days + 1 for a, b in closed)
        days = _d64(start) + np.arange(1, horizon + 1)
        paused = np.zeros(len(days), dtype=bool)
        for a, b in closed:
            paused |= (days >= _d64(a)) & (days <= _d64(b))
        end = _date(days[np.flatnonzero(~paused)[n - 1]])
        self._check(end)
        if roll and not self.is_workday(end):
            end = self.add_working_days(end, 1)
        return end

    @staticmethod
    def _closed(pauses: Iterable[Pause]) -> list[tuple[date, date]]:
        out = []
        for a, b in pauses:
            if b is None:
                raise CalendarError(f"pause from {a} has no end: the clock is stopped")
            out.append((a, b))
        return out

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b] (negative when b < a)."""
        self._check(a)
        self._check(b)
        lo, hi = (a, b) if a <= b else (b, a)
        k = int(np.searchsorted(self._days, _d64(hi), side="right")
                - np.searchsorted(self._days, _d64(lo), side="right"))
        return k if a <= b else -k


def _parse(text: str, name: str) -> tuple[int, set[date], set[date], str, str]:
    try:
        doc = tomllib.loads(text)
        year = int(doc["year"])
        hol: set[date] = set()
        for h in doc.get("holidays", []):
            a, b = h["from"], h["to"]
            if not (isinstance(a, date) and isinstance(b, date)) or b < a:
                raise CalendarError(f"{name}: holiday {h.get('name')!r} needs dates from <= to")
            hol.update(a + timedelta(days=i) for i in range((b - a).days + 1))
        mk = {d for days in doc.get("workdays", {}).values() for d in days}
        if not all(isinstance(d, date) for d in mk):
            raise CalendarError(f"{name}: every make-up workday must be a TOML date")
        return year, hol, mk, str(doc.get("notice", "")), str(doc.get("mark", "M"))
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as e:
        if isinstance(e, CalendarError):
            raise
        raise CalendarError(f"{name}: not a holiday-notice file ({e})") from e


def load_calendar(years: Iterable[int] = BUNDLED_YEARS,
                  extra: Iterable[str | Path] = ()) -> WorkCalendar:
    """The calendar of the bundled notices for ``years`` plus ``extra`` notice files (same
    TOML shape as ``clocks/data/cn_2025.toml``; a later file for the same year replaces it)."""
    files = {}
    pkg = resources.files("qingshan.governance.clocks").joinpath("data")
    for y in years:
        f = pkg.joinpath(f"cn_{y}.toml")
        if not f.is_file():
            raise CalendarError(f"no bundled holiday notice for {y}")
        files[y] = _parse(f.read_text(encoding="utf-8"), f"cn_{y}.toml")
    for p in extra:
        parsed = _parse(Path(p).read_text(encoding="utf-8"), str(p))
        files[parsed[0]] = parsed
    ys = tuple(sorted(files))
    hol = set().union(*(v[1] for v in files.values()))
    mk = set().union(*(v[2] for v in files.values()))
    first, last = date(ys[0], 1, 1), date(ys[-1], 12, 31)
    hol = {d for d in hol if first <= d <= last}   # e.g. 2023-12-30 of the 2024 元旦
    return WorkCalendar(ys, frozenset(hol), frozenset(mk),
                        {y: v[3] for y, v in files.items()}, {y: v[4] for y, v in files.items()})


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The bundled 2023–2026 calendar."""
    return load_calendar()


def due(start: date, *, working_days: int | None = None, days: int | None = None,
        pauses: Sequence[Pause] = (), roll: bool = True,
        calendar: WorkCalendar | None = None) -> date:
    """The due date of a period starting the day after ``start``: ``working_days=N`` (N-th
    working day after) or ``days=N`` (calendar days, rolled to the next working day when
    ``roll``). Exactly one of the two.

    >>> due(date(2025, 9, 26), working_days=15)   # Friday before the 2025 National Day
    datetime.date(2025, 10, 23)
    """
    if (working_days is None) == (days is None):
        raise ValueError("give exactly one of working_days= or days=")
    cal = calendar or default_calendar()
    if working_days is not None:
        return cal.add_working_days(start, working_days, pauses)
    return cal.add_days(start, days, pauses, roll=roll)
