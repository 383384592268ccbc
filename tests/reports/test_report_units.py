"""Bulletin pieces that need no store: periods, cell formatting, best/worst with ties."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from qingshan.config import load_province
from qingshan.air.report_sections import best_worst_tables, cities_table
from qingshan.reports.labels import parse_period
from qingshan.reports.model import ReportTable, format_value


def test_parse_period_kinds_and_bounds():
    """The bulletins use the one period model (qingshan.core.periods) and its names."""
    m = parse_period("2019-8")
    assert (m.label, m.kind, m.start, m.end) == ("2019-08", "month", date(2019, 8, 1),
                                                date(2019, 8, 31))
    q = parse_period("2019-q3")
    assert (q.label, q.start, q.end, q.months()) == ("2019-Q3", date(2019, 7, 1),
                                                     date(2019, 9, 30),
                                                     [(2019, 7), (2019, 8), (2019, 9)])
    y = parse_period("2020")
    assert (y.start, y.end) == (date(2020, 1, 1), date(2020, 12, 31))
    # February of a leap year ends on the 29th
    assert parse_period("2020-02").end == date(2020, 2, 29)
    assert parse_period("2019-02").previous_year().label == "2018-02"
    assert y.previous_year().label == "2019" and q.previous_year().label == "2018-Q3"
    assert m.name("zh") == "2019年8月" and m.name("en") == "August 2019"
    assert q.name("zh") == "2019年第三季度"
    assert parse_period("2019-H1").name("zh") == "2019年上半年"
    assert parse_period("2019-01..2019-05").name("zh") == "2019年1—5月"
    for bad in ("2019-13", "2019-Q5", "19", "2019-H3"):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_format_value_and_row_decimals():
    assert format_value(None, 0) == "—" and format_value(float("nan"), 1) == "—"
    assert format_value(56.0, 0) == "56" and format_value(1.2, 1) == "1.2"
    assert format_value(5.6, 2) == "5.60" and format_value("济南", None) == "济南"
    t = ReportTable("t", "t", pd.DataFrame({"k": ["a", "b"], "v": [56.0, 1.25]}),
                    row_decimals=[0, 2])
    assert t.rows() == [["a", "56"], ["b", "1.25"]]


def _cities(values: list[float]) -> pd.DataFrame:
    prov = load_province("shandong")
    cs = prov.cities[: len(values)]
    return pd.DataFrame({"code": [c.code for c in cs], "name_zh": [c.name_zh for c in cs],
                         "name_en": [c.name_en for c in cs], "pm25": values})


def test_best_worst_three_show_ties():
    # PM2.5 济南 30, 青岛 30, 淄博 35, 枣庄 40, 东营 50, 烟台 50, 潍坊 missing.
    # Lower is better. Best places (competition ranking): 济南 1, 青岛 1, 淄博 3 -> three rows.
    # Worst places (from the bottom): 东营 1, 烟台 1, 枣庄 3 -> shown 倒数第1, 倒数第1, 倒数第3.
    prov = load_province("shandong")
    df = _cities([30, 30, 35, 40, 50, 50, None])
    (t,) = [x for x in best_worst_tables(df, prov, "zh") if x.key == "rank_pm25"]
    assert list(t.df.columns) == ["组别", "名次", "城市", "PM₂.₅ 平均浓度（µg/m³）", "并列"]
    assert t.rows() == [["相对较好", "第1", "济南", "30", "并列"],
                        ["相对较好", "第1", "青岛", "30", "并列"],
                        ["相对较好", "第3", "淄博", "35", ""],
                        ["相对较差", "倒数第1", "东营", "50", "并列"],
                        ["相对较差", "倒数第1", "烟台", "50", "并列"],
                        ["相对较差", "倒数第3", "枣庄", "40", ""]]
    # Excel keeps the places as numbers (the display text is for HTML/PDF only)
    assert t.df["名次"].tolist() == [1, 1, 3, 1, 1, 3]


def test_best_worst_tie_at_third_place_lists_all_tied():
    # 10, 20, 30, 30, 40: places 1, 2, 3, 3 -> four best rows; worst: 40 (1), 30, 30 (2, 2)
    prov = load_province("shandong")
    df = _cities([10, 20, 30, 30, 40])
    (t,) = [x for x in best_worst_tables(df, prov, "en") if x.key == "rank_pm25"]
    rows = t.rows()
    assert [r[2] for r in rows[:4]] == ["Jinan", "Qingdao", "Zibo", "Zaozhuang"]
    assert [r[1] for r in rows[:4]] == ["1", "2", "3", "3"]
    assert [r[4] for r in rows[:4]] == ["", "", "tie", "tie"]
    assert [r[2] for r in rows[4:]] == ["Dongying", "Zibo", "Zaozhuang"]
    assert [r[1] for r in rows[4:]] == ["1 from bottom", "2 from bottom", "2 from bottom"]


def test_invalid_cities_are_not_ranked_in_best_worst():
    # 济南 10 would be best, but its statistics are not valid (GB 3095 Table 4): left out
    prov = load_province("shandong")
    df = _cities([10, 20, 30, 40]).assign(valid=[False, True, True, True])
    (t,) = [x for x in best_worst_tables(df, prov, "zh") if x.key == "rank_pm25"]
    assert "济南" not in t.df["城市"].tolist()
    assert t.rows()[0][:3] == ["相对较好", "第1", "青岛"]


def test_good_day_ratio_higher_is_better():
    prov = load_province("shandong")
    df = _cities([1, 2, 3]).assign(good_day_ratio=[80.0, 90.5, 70.0])
    (t,) = [x for x in best_worst_tables(df, prov, "zh") if x.key == "rank_good_day_ratio"]
    assert [r[2] for r in t.rows()[:3]] == ["青岛", "济南", "淄博"]
    assert t.rows()[0][3] == "90.5"


def test_cities_table_sorted_by_rank_and_drops_empty_yoy():
    prov = load_province("shandong")
    df = _cities([30, 40, 35]).assign(rank=[1, 3, 2], composite_index=[4.1, 5.2, 4.6],
                                      composite_index_yoy_pct=[None, None, None],
                                      primary_pollutant=["PM2.5", "PM10,O3", None])
    t = cities_table(df, prov, "zh")
    assert t.df["城市"].tolist() == ["济南", "淄博", "青岛"]
    assert not [c for c in t.df.columns if "同比" in c]
    prim = list(t.df.columns).index("首要污染物")
    assert [r[prim] for r in t.rows()] == ["PM₂.₅", "—", "PM₁₀、O₃"]
    assert t.df["排名"].tolist() == [1, 2, 3] and t.df["并列"].tolist() == ["", "", ""]
