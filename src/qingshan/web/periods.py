"""Which periods and days the pages offer, from the span of stored data (the periods of
:mod:`qingshan.core.periods`: months, quarters, half-years, runs of months, years)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from qingshan.api import catalog
from qingshan.core.periods import Period, PeriodError, parse_period

__all__ = ["data_days", "period_options", "period_name"]


def data_days(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """First and last natural day with stored hours (a stamp t belongs to day date(t - 1 h))."""
    first, last = catalog.data_range(con)
    if first is None:
        return None, None
    return ((first - timedelta(hours=1)).date(), (last - timedelta(hours=1)).date())


def period_options(first: date, last: date) -> list[str]:
    """Canonical labels (:mod:`qingshan.core.periods`) of the periods touched by the data, newest
    year first: for each year its months, quarters, half-years, the cumulative run January to
    the last month with data ("1—N月", when that is not already a quarter, half-year or year)
    and the year (``2019-06``, …, ``2019-Q2``, ``2019-Q1``, ``2019-H1``, ``2019``)."""
    out: list[str] = []
    for y in range(last.year, first.year - 1, -1):
        months = [m for m in range(12, 0, -1) if date(y, m, 1) <= last
                  and (y, m) >= (first.year, first.month)]
        out += [f"{y}-{m:02d}" for m in months]
        out += [f"{y}-Q{q}" for q in range(4, 0, -1)
                if any((q - 1) * 3 < m <= q * 3 for m in months)]
        out += [f"{y}-H{h}" for h in (2, 1) if any((h - 1) * 6 < m <= h * 6 for m in months)]
        if months and min(months) == 1:
            run = Period.of(y, 1, y, max(months))
            if run.kind == "months":
                out.append(run.label)
        out.append(str(y))
    return out


def period_name(label: str, lang: str = "zh") -> str:
    """The bulletin name of a period label (``2019-H1`` → 2019年上半年), the label itself when
    it is not a period."""
    try:
        return parse_period(label).name(lang)
    except PeriodError:
        return label
