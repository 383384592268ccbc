"""The rule sets hold the values of spec/compensation.md with their provenance marks."""

from datetime import date

import pytest

from qingshan.compensation.rulesets import RuleSetError, rules_for, ruleset, rulesets

COASTAL = {"370200", "370600", "371000", "371100"}   # 青岛、烟台、威海、日照 (spec §1.1)


@pytest.mark.parametrize("rid, rate", [("sd-air-2014", 20), ("sd-air-2016", 40),
                                       ("sd-air-2017", 80)])
def test_air_versions_rates_weights_and_coefficients(rid, rate):
    r = ruleset(rid)
    # spec §1.1 table: 20 / 40 / 80 万元 per µg/m³, all [V]
    assert r.term("concentration_rate").value == rate
    assert r.term("concentration_rate").mark == "V"
    # weights 60/15/15/10 [V]
    assert {i.key: i.weight.value for i in r.indicators} == \
        {"pm25": 0.60, "pm10": 0.15, "so2": 0.15, "no2": 0.10}
    assert all(i.weight.mark == "V" for i in r.indicators)
    assert {c for c, m in r.region.items() if m.value == 1.5} == COASTAL
    assert r.coefficient("370300").value == 1.0           # 淄博, inland
    # 潍坊 is coastal in the province config but not one of the scheme's four: 1.0
    assert r.coefficient("370700").value == 1.0
    assert r.term("settlement").value == "quarter"
    assert r.term("base").value == "same_period_last_year"
    assert r.term("formula").mark == "P"                    # spec §1.3: form inferred


def test_2014_and_2016_coefficients_verified_2017_unverified():
    # spec §1.3: a_c "stated for the 2014 and 2016 versions; whether it continues in 2017 is
    # unverified"
    assert ruleset("sd-air-2014").coefficient("371000").mark == "V"
    assert ruleset("sd-air-2016").coefficient("371000").mark == "V"
    assert ruleset("sd-air-2017").coefficient("371000").mark == "M"
    assert "region_coefficients [M]" in ruleset("sd-air-2017").marks_used()


def test_2017_good_days_awards_and_two_year_rule():
    r = ruleset("sd-air-2017")
    assert r.document == "鲁政办字〔2017〕43号"
    assert r.term("good_days_rate").value == 20 and r.term("good_days_rate").mark == "V"
    assert {a.key: (a.indicator, a.grade, a.amount.value) for a in r.awards} == {
        "pm25_grade2": ("pm25", "II", 600), "pm10_grade2": ("pm10", "II", 600),
        "no2_grade1": ("no2", "I", 300), "so2_grade1": ("so2", "I", 200)}
    # the two-year amount comes from the one published case (Weihai, 1000 万元): [P]
    assert r.two_year["amount"].value == 1000 and r.two_year["amount"].mark == "P"
    assert r.two_year["exemption"].mark == "V"
    assert ruleset("sd-air-2014").term("good_days_rate") is None
    assert ruleset("sd-air-2014").document == "鲁政办字〔2014〕27号"


@pytest.mark.parametrize("day, rid", [
    (date(2014, 1, 1), "sd-air-2014"), (date(2015, 12, 31), "sd-air-2014"),
    (date(2016, 1, 1), "sd-air-2016"), (date(2017, 1, 1), "sd-air-2016"),
    (date(2017, 4, 1), "sd-air-2017"), (date(2019, 1, 1), "sd-air-2017")])
def test_version_in_force_by_date(day, rid):
    assert rules_for(day, "air").id == rid


def test_unknown_slot_and_before_first_version_refused():
    with pytest.raises(RuleSetError, match="not retrieved.*sd-air-2017"):
        rules_for(date(2019, 4, 1), "air")
    assert ruleset("sd-air-2019").status == "unknown"
    with pytest.raises(RuleSetError, match="no air compensation rules in force on 2013-12-01"):
        rules_for(date(2013, 12, 1), "air")


def test_water_rule_sets():
    h = ruleset("heze-water-2014")
    assert rules_for(date(2014, 7, 1), "county-water").id == "heze-water-2014"
    with pytest.raises(RuleSetError):
        rules_for(date(2014, 4, 1), "county-water")
    # spec §2: (30 − COD) × 2 + (1.5 − NH3-N) × 30, all [V]
    assert {i.key: (i.target.value, i.rate.value) for i in h.indicators} == \
        {"cod": (30, 2), "nh3n": (1.5, 30)}
    w = rules_for(date(2019, 1, 1), "water")
    assert w.id == "sd-water-2019" and w.status == "partial"
    assert [i.key for i in w.indicators] == ["nh3n", "cod", "tp", "fluoride"]
    assert w.term("improvement_rate").value == 4
    assert w.open_points["deterioration_rate"].default == "unknown"


def test_open_points_are_switches_with_defaults_marked_unverified():
    for r in rulesets():
        for p in r.open_points.values():
            assert p.mark in ("unverified", "unknown") and p.question
    r = ruleset("sd-air-2017")
    assert r.switches() == {"coefficient_scales_penalties": True,
                            "coefficient_scales_good_days": False,
                            "apply_region_coefficients": True, "cap": "none",
                            "rounding": "gbt8170", "awards_stack": True,
                            "exempt_year_awards": False}
    assert r.switches({"cap": 500})["cap"] == 500
    with pytest.raises(RuleSetError, match="no open point 'capp'"):
        r.switches({"capp": 1})
    assert any("cap = 500 (set by caller, unverified)" == n for n in r.switch_notes({"cap": 500}))


def test_every_version_names_its_period_of_force_with_a_mark():
    for r in rulesets():
        text = r.term("in_force").value
        assert text.startswith(str(r.valid_from)) and (r.valid_to is None or str(r.valid_to) in text)
    # the 2016 end date is qingshan's reading (spec: "to 2017-12-31", superseded 2017-04-01)
    assert ruleset("sd-air-2016").term("in_force").mark == "choice"
