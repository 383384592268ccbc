"""Parsing and checking of request parameters shared by the API and the pages.

Periods are written ``YYYY`` (calendar year), ``YYYY-MM`` (month) or ``YYYY-Qn`` / ``YYYYQn``
(quarter). Dates are ISO ``YYYY-MM-DD``; hour stamps ISO ``YYYY-MM-DDTHH:MM``. A period that has
not started yet is refused (422, ``period_in_future``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from qingshan.api.errors import ApiError, ErrorDetail

__all__ = ["Period", "parse_period", "parse_date", "parse_time", "check_range"]

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-?[Qq]([1-4]))?$")


@dataclass(frozen=True)
class Period:
    """A calendar period: ``kind`` year | quarter | month, first and last day, canonical label."""

    kind: str
    year: int
    start: date
    end: date
    label: str
    month: int | None = None
    quarter: int | None = None


def _bad(param: str, msg: str, code: str = "invalid_parameter") -> ApiError:
    return ApiError(422, code, f"{param}: {msg}", [ErrorDetail(loc=["query", param], msg=msg)])


def parse_period(text: str, param: str = "period", today: date | None = None) -> Period:
    """``"2019-03"`` → March 2019; raises :class:`ApiError` (422) on bad or future periods."""
    m = _PERIOD.match((text or "").strip())
    if not m:
        raise _bad(param, f"{text!r} is not a period (YYYY, YYYY-MM or YYYY-Qn)")
    y = int(m.group(1))
    if y < 1900:
        raise _bad(param, f"year {y} out of range")
    if m.group(2):
        mo = int(m.group(2))
        if not 1 <= mo <= 12:
            raise _bad(param, f"month {mo} out of range")
        start = date(y, mo, 1)
        end = (date(y + (mo == 12), mo % 12 + 1, 1) - timedelta(days=1))
        p = Period("month", y, start, end, f"{y}-{mo:02d}", month=mo)
    elif m.group(3):
        q = int(m.group(3))
        start = date(y, 3 * q - 2, 1)
        end = date(y + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
        p = Period("quarter", y, start, end, f"{y}-Q{q}", quarter=q)
    else:
        p = Period("year", y, date(y, 1, 1), date(y, 12, 31), f"{y}")
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
