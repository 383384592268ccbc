"""Parsing and checking of request parameters shared by the API and the pages.

Periods are those of :mod:`qingshan.core.periods` (one model for every domain): ``YYYY``
(calendar year), ``YYYY-MM`` (month), ``YYYY-Qn`` / ``YYYYQn`` (quarter), ``YYYY-H1`` /
``YYYY-H2`` (half-year) and ``YYYY-MM..YYYY-MM`` (run of months). Dates are ISO ``YYYY-MM-DD``;
hour stamps ISO ``YYYY-MM-DDTHH:MM``. A period that has not started yet is refused (422,
``period_in_future``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from qingshan.api.errors import ApiError, ErrorDetail
from qingshan.core.periods import Period, PeriodError
from qingshan.core.periods import parse_period as _parse_core

__all__ = ["Period", "parse_period", "parse_date", "parse_time", "check_range", "page_of",
           "PERIOD_PATTERN", "DATE_PATTERN", "TIME_PATTERN"]

#: what a period parameter looks like (the schema's ``pattern``; the core parser still decides:
#: 2019-13 matches and is refused with its message)
PERIOD_PATTERN = r"^\d{4}(-\d{1,2}(\.\.\d{4}-\d{1,2})?|-?[Qq][1-4]|-[Hh][12])?$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$"


def page_of(items: list, limit: int, offset: int) -> dict:
    """The one list envelope: ``items`` (``limit`` from ``offset``), ``total``, ``limit``,
    ``offset``."""
    return {"items": items[offset:offset + limit], "total": len(items), "limit": limit,
            "offset": offset}


def _bad(param: str, msg: str, code: str = "invalid_parameter") -> ApiError:
    return ApiError(422, code, f"{param}: {msg}", [ErrorDetail(loc=["query", param], msg=msg)])


def parse_period(text: str, param: str = "period", today: date | None = None) -> Period:
    """``"2019-03"`` → March 2019 (a :class:`qingshan.core.periods.Period`); raises
    :class:`ApiError` (422) on a text that is not a period (the core's message) or a period that
    has not started yet (``period_in_future``)."""
    try:
        p = _parse_core(text if isinstance(text, str) else "")
    except PeriodError as exc:
        raise _bad(param, str(exc)) from None
    if p.start > (today or date.today()):
        raise _bad(param, f"period {p.label} has not started yet", "period_in_future")
    return p


def parse_date(text: str, param: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise _bad(param, f"{text!r} is not a date (YYYY-MM-DD)") from None


def parse_time(text: str, param: str) -> datetime:
    try:
        t = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise _bad(param, f"{text!r} is not a date or time (YYYY-MM-DD[THH:MM])") from None
    return t.replace(tzinfo=None)


def check_range(start, end, max_days: int, today: date | None = None) -> None:
    """``start <= end``, span at most ``max_days``, start not in the future."""
    if end < start:
        raise _bad("end", "end is before start")
    if (end - start) > timedelta(days=max_days):
        raise _bad("end", f"range longer than {max_days} days")
    s = start if isinstance(start, date) and not isinstance(start, datetime) else start.date()
    if s > (today or date.today()):
        raise _bad("start", "start is in the future", "period_in_future")
