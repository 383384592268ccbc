"""The one period model (qingshan.core.periods): forms, canonical kinds, days, names."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qingshan.core.periods import Period, PeriodError, parse_period


@pytest.mark.parametrize("text, kind, start, end, label", [
    ("2019-03", "month", date(2019, 3, 1), date(2019, 3, 31), "2019-03"),
    ("2019-3", "month", date(2019, 3, 1), date(2019, 3, 31), "2019-03"),
    ("2020-02", "month", date(2020, 2, 1), date(2020, 2, 29), "2020-02"),   # leap year
    ("2019-Q1", "quarter", date(2019, 1, 1), date(2019, 3, 31), "2019-Q1"),
    ("2019q4", "quarter", date(2019, 10, 1), date(2019, 12, 31), "2019-Q4"),
    ("2019-H1", "half", date(2019, 1, 1), date(2019, 6, 30), "2019-H1"),
    ("2019-h2", "half", date(2019, 7, 1), date(2019, 12, 31), "2019-H2"),
    ("2019", "year", date(2019, 1, 1), date(2019, 12, 31), "2019"),
    ("2019-01..2019-05", "months", date(2019, 1, 1), date(2019, 5, 31), "2019-01..2019-05"),
    ("2019-1—2019-5", "months", date(2019, 1, 1), date(2019, 5, 31), "2019-01..2019-05"),
    ("2019-11..2020-03", "months", date(2019, 11, 1), date(2020, 3, 31), "2019-11..2020-03"),
    # a run equal to a shorter kind is that kind: one span, one label, one rule
    ("2019-01..2019-03", "quarter", date(2019, 1, 1), date(2019, 3, 31), "2019-Q1"),
    ("2019-07..2019-12", "half", date(2019, 7, 1), date(2019, 12, 31), "2019-H2"),
    ("2019-01..2019-12", "year", date(2019, 1, 1), date(2019, 12, 31), "2019"),
    ("2019-05..2019-05", "month", date(2019, 5, 1), date(2019, 5, 31), "2019-05"),
    # three months not aligned to a quarter stay a run
    ("2019-02..2019-04", "months", date(2019, 2, 1), date(2019, 4, 30), "2019-02..2019-04"),
])
def test_forms(text, kind, start, end, label):
    p = parse_period(text)
    assert (p.kind, p.start, p.end, p.label) == (kind, start, end, label)
    assert parse_period(p.label) == p


@pytest.mark.parametrize("text", ["", "19", "2019-13", "2019-00", "2019-Q5", "2019-H3",
                                  "2019-05..2019-01", "2019-01..", "abcd", "1899", "2019-03-01"])
def test_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_days_months_hours():
    p = parse_period("2019-01..2019-05")
    assert p.days == 31 + 28 + 31 + 30 + 31
    assert p.months() == [(2019, m) for m in range(1, 6)]
    assert parse_period("2019-11..2020-02").months() == [(2019, 11), (2019, 12), (2020, 1),
                                                         (2020, 2)]
    assert parse_period("2024").days == 366
    # hour-ending stamps: the first hour of 2019-03 ends 01:00 on the 1st, the last at
    # 00:00 on 1 April
    assert parse_period("2019-03").hours == (datetime(2019, 3, 1, 1), datetime(2019, 4, 1, 0))


def test_previous_year_and_cumulative():
    assert parse_period("2019-H1").previous_year().label == "2018-H1"
    assert parse_period("2019-01..2019-05").previous_year().label == "2018-01..2018-05"
    assert parse_period("2020-02").previous_year().end == date(2019, 2, 28)
    assert parse_period("2019-05").cumulative().label == "2019-01..2019-05"
    assert parse_period("2019-03").cumulative().label == "2019-Q1"
    assert parse_period("2019-01").cumulative().label == "2019-01"


def test_split_at():
    before, after = parse_period("2026").split_at(date(2026, 3, 1))
    assert (before.label, after.label) == ("2026-01..2026-02", "2026-03..2026-12")
    assert parse_period("2025").split_at(date(2026, 3, 1)) == (parse_period("2025"), None)


@pytest.mark.parametrize("text, zh, en", [
    ("2019-03", "2019年3月", "March 2019"),
    ("2019-Q1", "2019年第一季度", "Q1 2019"),
    ("2019-H2", "2019年下半年", "H2 2019"),
    ("2019", "2019年", "2019"),
    ("2019-01..2019-05", "2019年1—5月", "January–May 2019"),
    ("2019-11..2020-03", "2019年11月—2020年3月", "November 2019 – March 2020"),
])
def test_names(text, zh, en):
    p = parse_period(text)
    assert (p.name("zh"), p.name("en")) == (zh, en)


def test_of_is_the_constructor():
    assert Period.of(2019, 4, 2019, 6) == parse_period("2019-Q2")
