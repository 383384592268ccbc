"""The one period model of every domain and shell.

A period is a run of whole calendar months, named the way Chinese bulletins name them:

=============  =====================  ==========================  =========================
kind           text                   zh                          en
=============  =====================  ==========================  =========================
``month``      ``2019-03``            2019年3月                   March 2019
``quarter``    ``2019-Q1``            2019年第一季度              Q1 2019
``half``       ``2019-H1``/``-H2``    2019年上半年 / 下半年       H1 2019 / H2 2019
``year``       ``2019``               2019年                      2019
``months``     ``2019-01..2019-05``   2019年1—5月                 January–May 2019
=============  =====================  ==========================  =========================

``months`` is the cumulative "1—N月" figure every monthly bulletin reports; it may cross a year
end (a heating season ``2019-11..2020-03``, 2019年11月—2020年3月). A run that covers exactly a
month, quarter, half-year or year is that period (``2019-01..2019-03`` is ``2019-Q1``), so one
span of days always has one label and one validity rule.

Days are calendar days (Beijing time). Hourly stamps are hour-ending (docs/nomenclature.md):
the period's hours are stamped ``start 01:00`` … ``(end + 1 day) 00:00``, see :attr:`Period.hours`.

Validity minimums (how many valid days a period needs) are a domain's rule, not the period's:
the period only lists its months (:meth:`Period.months`), e.g. air's
``qingshan.air.rules.min_valid_days``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = ["Period", "PeriodError", "parse_period", "KINDS", "month_end"]

#: the kinds of period, shortest first
KINDS = ("month", "quarter", "half", "year", "months")

_MONTH_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
_QUARTER_ZH = ("一", "二", "三", "四")
_ONE = re.compile(r"^(\d{4})(?:-(\d{1,2})|-?[Qq]([1-4])|-?[Hh]([12]))?$")
_RUN = re.compile(r"^(\d{4})-(\d{1,2})\s*(?:\.\.|/|—|–|~)\s*(\d{4})-(\d{1,2})$")
_MIN_YEAR, _MAX_YEAR = 1900, 2999


class PeriodError(ValueError):
    """A period text that is not one of the accepted forms (the message says which are)."""


def month_end(year: int, month: int) -> date:
    """Last day of ``year-month``."""
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


@dataclass(frozen=True)
class Period:
    """A run of whole calendar months. Build with :func:`parse_period` or :meth:`of`.

    Attributes
    ----------
    kind : str
        ``month``, ``quarter``, ``half``, ``year`` or ``months`` (see the module table).
    start, end : datetime.date
        First and last day, inclusive.
    label : str
        The canonical text (``2019-03``, ``2019-Q1``, ``2019-H1``, ``2019``,
        ``2019-01..2019-05``); ``parse_period(p.label) == p``.
    """

    kind: str
    start: date
    end: date
    label: str

    # ---- construction ------------------------------------------------------------------------
    @classmethod
    def of(cls, start_year: int, start_month: int, end_year: int, end_month: int) -> Period:
        """The period of the months ``start_year-start_month`` … ``end_year-end_month``, named
        by its canonical kind."""
        if (end_year, end_month) < (start_year, start_month):
            raise PeriodError(f"a run of months must not end before it starts: "
                              f"{start_year}-{start_month:02d}..{end_year}-{end_month:02d}")
        for y in (start_year, end_year):
            if not _MIN_YEAR <= y <= _MAX_YEAR:
                raise PeriodError(f"year {y} out of range ({_MIN_YEAR}–{_MAX_YEAR})")
        for m in (start_month, end_month):
            if not 1 <= m <= 12:
                raise PeriodError(f"month {m} out of range (1–12)")
        start, end = date(start_year, start_month, 1), month_end(end_year, end_month)
        n = (end_year - start_year) * 12 + end_month - start_month + 1
        y, m = start_year, start_month
        if n == 1:
            kind, label = "month", f"{y}-{m:02d}"
        elif n == 3 and m % 3 == 1:
            kind, label = "quarter", f"{y}-Q{(m + 2) // 3}"
        elif n == 6 and m in (1, 7):
            kind, label = "half", f"{y}-H{1 if m == 1 else 2}"
        elif n == 12 and m == 1:
            kind, label = "year", f"{y}"
        else:
            kind, label = "months", f"{y}-{m:02d}..{end_year}-{end_month:02d}"
        return cls(kind, start, end, label)

    # ---- what it covers ----------------------------------------------------------------------
    @property
    def year(self) -> int:
        """The year of the first day."""
        return self.start.year

    def months(self) -> list[tuple[int, int]]:
        """``[(year, month), …]`` of every month in the period, in order."""
        n = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        return [_add_months(self.start.year, self.start.month, i) for i in range(n)]

    @property
    def days(self) -> int:
        """Number of calendar days."""
        return (self.end - self.start).days + 1

    @property
    def hours(self) -> tuple[datetime, datetime]:
        """First and last hour-ending stamp of the period: ``start 01:00`` and
        ``(end + 1 day) 00:00`` (inclusive)."""
        return (datetime.combine(self.start, datetime.min.time()) + timedelta(hours=1),
                datetime.combine(self.end + timedelta(days=1), datetime.min.time()))

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def previous_year(self) -> Period:
        """The same months one year earlier (for 同比, year-on-year)."""
        (y0, m0), (y1, m1) = self.months()[0], self.months()[-1]
        return Period.of(y0 - 1, m0, y1 - 1, m1)

    def cumulative(self) -> Period:
        """January of the end's year through the end month (累计 "1—N月")."""
        return Period.of(self.end.year, 1, self.end.year, self.end.month)

    def split_at(self, d: date) -> tuple[Period | None, Period | None]:
        """The months before the month of ``d`` and from it on (either may be None); ``d`` must
        be the first of a month (e.g. a standard's entry into force)."""
        if d.day != 1:
            raise ValueError("split_at needs the first day of a month")
        ms = self.months()
        before = [x for x in ms if date(x[0], x[1], 1) < d]
        after = [x for x in ms if date(x[0], x[1], 1) >= d]
        mk = lambda xs: Period.of(*xs[0], *xs[-1]) if xs else None  # noqa: E731
        return mk(before), mk(after)

    # ---- names -------------------------------------------------------------------------------
    def name(self, lang: str = "zh") -> str:
        """The period as a bulletin names it (see the module table)."""
        y, m = self.start.year, self.start.month
        if lang == "zh":
            if self.kind == "month":
                return f"{y}年{m}月"
            if self.kind == "quarter":
                return f"{y}年第{_QUARTER_ZH[(m - 1) // 3]}季度"
            if self.kind == "half":
                return f"{y}年{'上' if m == 1 else '下'}半年"
            if self.kind == "year":
                return f"{y}年"
            if self.end.year == y:
                return f"{y}年{m}—{self.end.month}月"
            return f"{y}年{m}月—{self.end.year}年{self.end.month}月"
        if self.kind == "month":
            return f"{_MONTH_EN[m - 1]} {y}"
        if self.kind == "quarter":
            return f"Q{(m + 2) // 3} {y}"
        if self.kind == "half":
            return f"H{1 if m == 1 else 2} {y}"
        if self.kind == "year":
            return f"{y}"
        if self.end.year == y:
            return f"{_MONTH_EN[m - 1]}–{_MONTH_EN[self.end.month - 1]} {y}"
        return f"{_MONTH_EN[m - 1]} {y} – {_MONTH_EN[self.end.month - 1]} {self.end.year}"

    def __str__(self) -> str:
        return self.label


def parse_period(text: str | Period) -> Period:
    """Parse a period text; raises :class:`PeriodError` naming the accepted forms.

    Accepted: ``2019``, ``2019-03`` (also ``2019-3``), ``2019-Q1`` (``2019Q1``, ``2019-q1``),
    ``2019-H1`` / ``2019-H2``, ``2019-01..2019-05`` (also ``/``, ``—``, ``–`` or ``~`` between
    the two months). The result is canonical: a run equal to a quarter is that quarter.
    """
    if isinstance(text, Period):
        return text
    s = (text or "").strip()
    if m := _ONE.match(s):
        y = int(m.group(1))
        if m.group(2):
            mo = int(m.group(2))
            return Period.of(y, mo, y, mo)
        if m.group(3):
            q = int(m.group(3))
            return Period.of(y, 3 * q - 2, y, 3 * q)
        if m.group(4):
            h = int(m.group(4))
            return Period.of(y, 6 * h - 5, y, 6 * h)
        return Period.of(y, 1, y, 12)
    if m := _RUN.match(s):
        return Period.of(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)))
    raise PeriodError(f"{text!r} is not a period: use a year (2019), month (2019-03), quarter "
                      f"(2019-Q1), half-year (2019-H1, 2019-H2) or run of months "
                      f"(2019-01..2019-05)")
