"""Which periods and days the pages offer, from the span of stored data."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from qingshan.api import catalog

__all__ = ["data_days", "period_options"]


def data_days(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """First and last natural day with stored hours (a stamp t belongs to day date(t - 1 h))."""
    first, last = catalog.data_range(con)
    if first is None:
        return None, None
    return ((first - timedelta(hours=1)).date(), (last - timedelta(hours=1)).date())


def period_options(first: date, last: date) -> list[str]:
    """Months, quarters and years touched by the data, newest first (``2019-06``, ``2019-Q2``…)."""
    out: list[str] = []
    for y in range(last.year, first.year - 1, -1):
        months = [m for m in range(12, 0, -1) if date(y, m, 1) <= last
                  and (y, m) >= (first.year, first.month)]
        out += [f"{y}-{m:02d}" for m in months]
        out += [f"{y}-Q{q}" for q in range(4, 0, -1)
                if any((q - 1) * 3 < m <= q * 3 for m in months)]
        out.append(str(y))
    return out


