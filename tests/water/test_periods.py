"""Every kind of period of qingshan.core.periods (month, quarter, half-year, year, run of months)
assessed by the mean of its samples (环办〔2011〕22号 §2.2, spec/water.md), with the change
against ``Period.previous_year()`` (§2.7) — on the hand-worked tiny store plus a few samples,
every expected value derived by hand below (limits: GB 3838-2002 Table 1, NH3-N ≤ 0.15 / 0.5 /
1.0 / 1.5 / 2.0, river TP ≤ 0.02 / 0.1 / 0.2 / 0.3 / 0.4 mg/L for classes I–V).

The tiny store (tests/api/_water.py) samples its 12 sections once, on 2021-06-15:
J01 I, J02 I, J03–J05 II, J06–J07 III, J08 IV (NH3-N 1.2, TP 0.25), J09 V (NH3-N 1.8),
J10 劣V (NH3-N 2.5, TP 0.45), Q01 II, Q02 IV. Added here:

- 2021-02-10: J08 NH3-N 0.4, TP 0.11; J10 NH3-N 0.7, TP 0.05;
- 2021-04-20: J09 NH3-N 1.0;
- 2020-06-15: every section with its 2021-06-15 values (so H1 2020 = June 2021's classes).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from qingshan.core.periods import PeriodError, parse_period
from qingshan.store import connect
from qingshan.water.ingest.load import ingest_water_samples
from qingshan.water.rules import WaterRules, rules_for
from qingshan.water.service import coastal_assessment, water_assessment, water_means
from tests.api._water import SECTIONS, tiny_water_store

EXTRA = ("J08,2021-02-10,nh3n,0.4\nJ08,2021-02-10,tp,0.11\n"
         "J10,2021-02-10,nh3n,0.7\nJ10,2021-02-10,tp,0.05\n"
         "J09,2021-04-20,nh3n,1.0\n")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("water_periods")
    path = tiny_water_store(folder)
    smp = folder / "extra.csv"
    smp.write_text("section_code,sample_date,parameter,value\n" + EXTRA + "".join(
        f"{c},2020-06-15,{p},{x}\n" for c, (*_, vals) in SECTIONS.items()
        for p, x in vals.items()), encoding="utf-8")
    con = connect(path)
    ingest_water_samples(con, [smp])
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture()
def con(db):
    c = connect(db, read_only=True)
    yield c
    c.close()


def _classes(df):
    return {r.code: None if pd.isna(r.class_computed) else int(r.class_computed)
            for r in df.itertuples()}


def test_half_year_means_and_classes(con):
    # H1 2021 means: J08 NH3-N (1.2 + 0.4)/2 = 0.8 → III, TP (0.25 + 0.11)/2 = 0.18 → III;
    # J09 NH3-N (1.8 + 1.0)/2 = 1.4 → IV; J10 NH3-N (2.5 + 0.7)/2 = 1.6 → V,
    # TP (0.45 + 0.05)/2 = 0.25 → IV → V. The others keep their June class.
    s = water_assessment(con, "2021-H1", "section")
    assert _classes(s) == {"J01": 1, "J02": 1, "J03": 2, "J04": 2, "J05": 2, "J06": 3,
                           "J07": 3, "J08": 3, "J09": 4, "J10": 5, "Q01": 2, "Q02": 4}
    m = water_means(con, "2021-H1").set_index(["section_code", "parameter"])
    assert m.loc[("J10", "nh3n"), "value"] == pytest.approx(1.6)
    assert m.loc[("J10", "nh3n"), "n"] == 2


def test_half_year_groups(con):
    # province: I–III = J01–J08 + Q01 = 9 of 12 = 75 % (≥ 75 → 良好), 劣V 0 of 12.
    # 济南: 8 of 10 = 80 % → 良好; NH3-N worse than III in J09 (IV), J10 (V) = 2/10 = 20.0 %,
    # TP in J10 (IV) = 1/10 = 10.0 %.
    p = water_assessment(con, "2021-H1", "province", province_code="370000").iloc[0]
    assert (p.n_sections, p.n_excellent, p.n_inferior_v) == (12, 9, 0)
    assert p.excellent_pct == pytest.approx(75.0) and p.grade == "良好"
    c = water_assessment(con, "2021-H1", "city").set_index("group_key").loc["370100"]
    assert c.excellent_pct == pytest.approx(80.0) and c.grade == "良好"
    assert c.main_pollutants == "氨氮(20.0%),总磷(10.0%)"


def test_half_year_change_against_the_previous_half_year(con):
    # H1 2020 (= the June 2021 classes): province I–III 8/12 = 66.67 %, 劣V 1/12 = 8.33 %.
    # ΔG = 75 − 66.67 = 8.33, ΔD = 0 − 8.33 = −8.33, ΔG − ΔD = 16.67: 10 < 16.67 ≤ 20 → 有所好转.
    p = water_assessment(con, "2021-H1", "province", province_code="370000").iloc[0]
    assert p.prev_excellent_pct == pytest.approx(200 / 3)
    assert p.prev_inferior_v_pct == pytest.approx(100 / 12)
    assert p.delta_excellent == pytest.approx(75 - 200 / 3)
    assert p.delta_inferior_v == pytest.approx(-100 / 12)
    assert p.change == "有所好转"
    # 济南: 2020 70 % / 10 %, 2021 80 % / 0 %: ΔG − ΔD = 10 + 10 = 20, the boundary belongs
    # to the milder class (§2.7 [M], inclusive) → 有所好转
    c = water_assessment(con, "2021-H1", "city").set_index("group_key").loc["370100"]
    assert (c.prev_excellent_pct, c.prev_inferior_v_pct) == (70.0, 10.0)
    assert c.change == "有所好转"
    # sections: J10 V (中度) vs 劣V (重度) one grade better → 有所好转; J08 III (良好) vs IV
    # (轻度) → 有所好转; J01 优 both years → 无明显变化
    s = water_assessment(con, "2021-H1", "section").set_index("code")
    assert (s.loc["J10", "prev_class"], s.loc["J10", "change"]) == (6, "有所好转")
    assert s.loc["J08", "change"] == "有所好转" and s.loc["J01", "change"] == "无明显变化"


def test_run_of_months(con):
    # 2021-02..2021-05 holds the February and April samples only: J08 NH3-N 0.4 (II),
    # TP 0.11 (III) → III; J09 NH3-N 1.0 (III, limit inclusive) → III; J10 NH3-N 0.7 (III),
    # TP 0.05 (II) → III. Three sections (< 5): class of the means, NH3-N (0.4 + 1.0 + 0.7)/3
    # = 0.7 → III, TP (0.11 + 0.05)/2 = 0.08 → II → III → 良好; all three in I–III = 100 %.
    s = water_assessment(con, "2021-02..2021-05", "section")
    got = {k: v for k, v in _classes(s).items() if v is not None}
    assert got == {"J08": 3, "J09": 3, "J10": 3}
    p = water_assessment(con, "2021-02..2021-05", "province", province_code="370000").iloc[0]
    assert (p.n_sections, p.excellent_pct, p.grade_method, p.class_of_means, p.grade) == \
        (3, 100.0, "mean concentration", 3, "良好")
    # no samples in 2020-02..2020-05: no change
    assert pd.isna(p.change)


def test_a_run_equal_to_a_half_year_is_the_half_year(con):
    a = water_assessment(con, "2021-01..2021-06", "province", province_code="370000")
    b = water_assessment(con, "2021-H1", "province", province_code="370000")
    assert a.equals(b)


def test_quarter_needs_two_samplings(con):
    # §2.2 [M]: a quarter is the mean of ≥ 2 samplings. In 2021-Q2 only J09 has two
    # (April 1.0, June 1.8 → 1.4 → IV); the others have one and no class.
    s = water_assessment(con, "2021-Q2", "section")
    assert {k: v for k, v in _classes(s).items() if v is not None} == {"J09": 4}
    p = water_assessment(con, "2021-Q2", "province", province_code="370000").iloc[0]
    assert (p.n_sections, p.grade) == (1, "轻度污染")
    # the minimum is a rule: without it, the twelve sections of June count
    rules = dataclasses.replace(rules_for(date(2021, 4, 1)), min_samples=())
    p = water_assessment(con, "2021-Q2", "province", rules=rules,
                         province_code="370000").iloc[0]
    assert p.n_sections == 12


def test_month_and_year_unchanged(con):
    # June 2021 is the tiny store's own month: I–III 8/12, 劣V 1/12 (tests/api/test_api_water)
    p = water_assessment(con, "2021-06", "province", province_code="370000").iloc[0]
    assert (p.n_sections, p.n_excellent, p.n_inferior_v, p.grade) == (12, 8, 1, "轻度污染")
    # 2021 as a year holds the same samples as H1 2021 (none after June): the same figures
    y = water_assessment(con, "2021", "province", province_code="370000").iloc[0]
    assert (y.n_excellent, y.n_inferior_v, y.change) == (9, 0, "有所好转")


def test_coastal_run_of_months(con):
    # only P3 is sampled in 2021-06..2021-08 (August DIN 0.22 → II)
    pts = coastal_assessment(con, "2021-06..2021-08", "point").set_index("code")
    assert pts.loc["P3", "class_computed"] == 2
    assert pts.class_computed.notna().sum() == 1


def test_bad_period_is_a_period_error(con):
    with pytest.raises(PeriodError):
        water_assessment(con, "2021-13", "province")
    with pytest.raises(ValueError):
        water_assessment(con, "2021-Q5", "city")


def test_rules_for_one_object_per_date():
    a, b = rules_for(date(2021, 6, 1)), rules_for(date(2008, 1, 1))
    assert a is b and isinstance(a, WaterRules)
    assert a.label() == "GB 3838-2002/环办〔2011〕22号/GB 3097-1997"
    assert a.min_samples_for("quarter") == 2 and a.min_samples_for("half") == 1
    assert a.change_thresholds == (10.0, 20.0) and a.proportion_min_sections == 5
    from qingshan.water.engine import surface
    assert surface.WaterRules is WaterRules  # one rules class, re-exported by the engine
    assert parse_period("2021-H1").previous_year().label == "2020-H1"
