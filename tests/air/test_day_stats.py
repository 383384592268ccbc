"""Days per AQI category and primary-pollutant day shares (hand-counted)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from qingshan.air.day_stats import category_days, primary_shares


def _daily():
    # city A: AQI 40 (优), 60 良 PM2.5, 120 轻度 PM2.5,O3_8h (tie), 210 重度 PM2.5, an invalid
    # day (AQI 300, valid False: not counted); city B: 80 良 O3_8h, 90 良 PM10
    return pd.DataFrame({
        "code": ["A"] * 5 + ["B"] * 2,
        "date": [date(2026, 3, d) for d in range(1, 6)] + [date(2026, 3, 1), date(2026, 3, 2)],
        "aqi": [40, 60, 120, 210, 300, 80, 90],
        "level": [1, 2, 3, 5, 5, 2, 2],
        "primary_pollutant": [None, "PM2.5", "PM2.5,O3_8h", "PM2.5", "PM2.5", "O3_8h", "PM10"],
        "valid": [True, True, True, True, False, True, True],
    })


def test_category_days_count_valid_days_only():
    t = category_days(_daily()).set_index("code")
    assert t.loc["A"].tolist() == [1, 1, 1, 0, 1, 0, 4]     # levels 1..6, days
    assert t.loc["B"].tolist() == [0, 2, 0, 0, 0, 0, 2]


def test_primary_shares_count_tied_pollutants_each():
    s = primary_shares(_daily()).set_index("code")
    # A: 3 days with AQI > 50 (60, 120, 210); PM2.5 primary on 3 -> 100.0 %, O3 on 1 -> 33.3 %
    assert (s.loc["A", "polluted_days"], s.loc["A", "share_pm25"], s.loc["A", "share_o3"]) == \
        (3, 100.0, 33.3)
    # B: 2 days; O3 1 -> 50.0 %, PM10 1 -> 50.0 %, PM2.5 0 -> 0.0 %
    assert (s.loc["B", "share_o3"], s.loc["B", "share_pm10"], s.loc["B", "share_pm25"]) == \
        (50.0, 50.0, 0.0)
