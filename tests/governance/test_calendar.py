"""Working-day calendar and due dates (spec/governance.md §1.2, §3.1–3.2, T20).

Every expected date is counted by hand on the State Council notices (calendar shown per test).
"""

from datetime import date

import pytest

from qingshan.governance.clocks import (
    CalendarError, Clock, card, default_calendar, due, load_calendar,
)

CAL = default_calendar()


def test_2025_national_day_holidays_and_makeup_days():
    # 国办发明电〔2024〕12号: 10月1日至8日放假调休，共8天；9月28日（周日）、10月11日（周六）上班
    for d in range(1, 9):
        assert not CAL.is_workday(date(2025, 10, d))
    assert CAL.is_workday(date(2025, 9, 28))      # Sunday, make-up
    assert CAL.is_workday(date(2025, 10, 11))     # Saturday, make-up
    assert not CAL.is_workday(date(2025, 9, 27))  # plain Saturday
    assert CAL.is_workday(date(2025, 10, 9))      # Thursday after the holiday


def test_other_years_spot_checks():
    # 2023 (国办发明电〔2022〕16号): 10-07 Sat and 10-08 Sun are make-up workdays
    assert CAL.is_workday(date(2023, 10, 7)) and not CAL.is_workday(date(2023, 10, 6))
    assert not CAL.is_workday(date(2024, 2, 16)) and CAL.is_workday(date(2024, 2, 18))
    assert not CAL.is_workday(date(2026, 2, 23)) and CAL.is_workday(date(2026, 2, 28))
    assert CAL.is_workday(date(2026, 1, 4)) and not CAL.is_workday(date(2026, 1, 2))
    assert not CAL.is_workday(date(2025, 1, 1)) and CAL.is_workday(date(2025, 1, 2))


def test_t20_15_working_days_across_2025_national_day():
    # Work order on Friday 2025-09-26 (counting starts the next day, §1.2):
    # Sun 9-28 (make-up) 1, Mon 9-29 2, Tue 9-30 3, [10-01..10-08 holiday], Thu 10-09 4,
    # Fri 10-10 5, Sat 10-11 (make-up) 6, 10-13..10-17 7–11, 10-20..10-23 12–15.
    assert due(date(2025, 9, 26), working_days=15) == date(2025, 10, 23)


def test_15_working_days_across_2024_national_day():
    # Fri 2024-09-27: Sun 9-29 (make-up) 1, Mon 9-30 2, [10-01..07], 10-08..10-11 3–6,
    # Sat 10-12 (make-up) 7, 10-14..10-18 8–12, 10-21..10-23 13–15.
    assert due(date(2024, 9, 27), working_days=15) == date(2024, 10, 23)


def test_calendar_days_roll_to_next_working_day():
    # 10 cd after 2025-09-26 = Mon 2025-10-06, inside the holiday → next working day Thu 10-09
    assert due(date(2025, 9, 26), days=10) == date(2025, 10, 9)
    assert due(date(2025, 9, 26), days=10, roll=False) == date(2025, 10, 6)
    # 10 cd after 2025-10-01 = Sat 10-11, a make-up workday: stays
    assert due(date(2025, 10, 1), days=10) == date(2025, 10, 11)


def test_pauses_excluded():
    # 30 cd from 2025-09-01 with 10 paused days (09-05..09-14): 2025-10-01 + 10 = 10-11 (make-up
    # Saturday, a working day)
    assert due(date(2025, 9, 1), days=30, pauses=[(date(2025, 9, 5), date(2025, 9, 14))]) == \
        date(2025, 10, 11)
    # 5 wd from Wed 2025-09-24 with Thu 09-25..Fri 09-26 paused: Sun 9-28 1, 9-29 2, 9-30 3,
    # 10-09 4, 10-10 5
    assert due(date(2025, 9, 24), working_days=5,
               pauses=[(date(2025, 9, 25), date(2025, 9, 26))]) == date(2025, 10, 10)
    with pytest.raises(CalendarError, match="stopped"):
        due(date(2025, 9, 1), days=30, pauses=[(date(2025, 9, 5), None)])


def test_t20_cards_and_extension():
    c = Clock("sd12345_handle", date(2025, 9, 26))
    assert c.due_at() == date(2025, 10, 23)
    # yellow card 1 wd before due (Wed 10-22), red card 1 wd after (Fri 10-24)
    assert card(c, date(2025, 10, 21)) == "ok"
    assert card(c, date(2025, 10, 22)) == "yellow"
    assert card(c, date(2025, 10, 23)) == "yellow"
    assert card(c, date(2025, 10, 24)) == "red"
    # one extension of 7 wd: 10-24 1, 10-27..10-31 2–6, Mon 11-03 7
    assert c.extend().due_at() == date(2025, 11, 3)
    # yellow card on a Friday due date: due Fri 2025-10-10? from Fri 9-19: 9-22..26 1–5,
    # 9-28 6, 9-29 7, 9-30 8, 10-09 9, 10-10 10 → 10 wd due Fri 10-10; yellow from Thu 10-09,
    # red from the next working day, Sat 10-11 (make-up)
    c10 = Clock("sd12345_handle", date(2025, 9, 19), length=10)
    assert c10.due_at() == date(2025, 10, 10)
    assert card(c10, date(2025, 9, 30)) == "ok"
    assert card(c10, date(2025, 10, 9)) == "yellow"
    assert card(c10, date(2025, 10, 11)) == "red"


def test_5_working_day_eia_notice_over_national_day():
    # intended-decision notice published Thu 2025-09-25, 5 wd [V S24]: Fri 9-26 1, Sun 9-28 2,
    # 9-29 3, 9-30 4, Thu 10-09 5
    assert Clock("eia_intended_notice", date(2025, 9, 25)).due_at() == date(2025, 10, 9)


def test_outside_calendar_is_an_error(tmp_path):
    with pytest.raises(CalendarError, match="2027"):
        due(date(2026, 12, 20), working_days=15)
    with pytest.raises(CalendarError, match="2022"):
        CAL.is_workday(date(2022, 12, 29))
    # a department loads the next year's notice: only weekends then (no holidays in this file)
    f = tmp_path / "cn_2027.toml"
    f.write_text('year = 2027\nnotice = "test"\nmark = "M"\n[[holidays]]\nname = "元旦"\n'
                 'from = 2027-01-01\nto = 2027-01-03\n', encoding="utf-8")
    cal = load_calendar(extra=[f])
    # from Sun 2026-12-20: 12-21..25 1–5, 12-28..31 6–9, [2027-01-01 holiday], Mon 01-04 10
    assert cal.add_working_days(date(2026, 12, 20), 10) == date(2027, 1, 4)


def test_working_days_between_and_back():
    # (2025-09-26, 2025-10-23]: 15 working days (as counted above)
    assert CAL.working_days_between(date(2025, 9, 26), date(2025, 10, 23)) == 15
    assert CAL.add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)
