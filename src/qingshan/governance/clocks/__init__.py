"""Working-day calendar and clocks of the governance ledgers (pure: no store).

>>> from datetime import date
>>> due(date(2025, 9, 26), working_days=15)
datetime.date(2025, 10, 23)
"""

from qingshan.governance.clocks.calendar import (
    BUNDLED_YEARS, CalendarError, Pause, WorkCalendar, default_calendar, due, load_calendar,
)
from qingshan.governance.clocks.rules import RULES_VERSION, Clock, ClockRule, card, rule, rules

__all__ = ["BUNDLED_YEARS", "CalendarError", "Pause", "WorkCalendar", "default_calendar", "due",
           "load_calendar", "RULES_VERSION", "Clock", "ClockRule", "card", "rule", "rules"]
