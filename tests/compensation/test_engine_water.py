"""The 菏泽 county formula and the 2019 provincial water scheme (spec §2)."""

import math

import pandas as pd
import pytest

from qingshan.compensation.engine import county_water_ledger, water_ledger
from qingshan.compensation.rulesets import ruleset


def test_heze_formula_worked_example():
    # spec §2 worked example: COD 20, NH3-N 1.0 → (30 − 20) × 2 + (1.5 − 1.0) × 30
    #   = 20 + 15 = 35 万元, city → county.
    # NOTE: the spec prints "= 45 万元" for this line; its own formula gives 35 (20 + 15). The
    # formula is what the source states [V]; the 45 is reported to the lead as a spec error.
    led = county_water_ledger(pd.DataFrame({"code": ["371702"], "name": ["牡丹区"],
                                            "cod": [20.0], "nh3n": [1.0]}),
                              ruleset("heze-water-2014"), period="2015-Q1",
                              city_name="菏泽市").iloc[0]
    assert led.cod_amount == 20 and led.nh3n_amount == 15 and led.amount == 35
    assert led.direction == "city→county" and led.payer == "菏泽市" and led.payee == "牡丹区"


def test_heze_worse_than_target_county_pays():
    # COD 34, NH3-N 1.8: (30 − 34) × 2 + (1.5 − 1.8) × 30 = −8 − 9 = −17 → county pays city
    led = county_water_ledger(pd.DataFrame({"code": ["c"], "name": ["县"], "cod": [34.0],
                                            "nh3n": [1.8]}), ruleset("heze-water-2014"),
                              city_name="菏泽市").iloc[0]
    assert led.amount == pytest.approx(-17)
    assert led.direction == "county→city" and led.payer == "县"


def _w(**kw):
    base = {"code": "370100", "name": "济南", "nh3n": 0.9, "nh3n_last": 1.0, "cod": 20.0,
            "cod_last": 20.0, "tp": 0.1, "tp_last": 0.1, "fluoride": 0.5, "fluoride_last": 0.5,
            "targets_met": False}
    return pd.DataFrame([{**base, **kw}])


def test_water_2019_improvement_term():
    # NH3-N 1.0 → 0.9: 10 % improvement = 10 pp × 4 万元 = 40; others unchanged; basic 0
    led = water_ledger(_w(), ruleset("sd-water-2019")).iloc[0]
    assert led.change_nh3n_pct == pytest.approx(10) and led.nh3n_improvement == pytest.approx(40)
    assert led.complete and led.amount == 40


def test_water_2019_unknown_terms_leave_the_row_incomplete():
    # COD 20 → 21: 5 % worse; the 5–200 grading is unknown → missing, row incomplete
    led = water_ledger(_w(cod=21.0), ruleset("sd-water-2019")).iloc[0]
    assert not led.complete and math.isnan(led.amount)
    assert "cod_deterioration" in led.missing_terms
    # with a flat rate given by the caller (an assumption): 40 − 5 × 10 = −10
    led2 = water_ledger(_w(cod=21.0), ruleset("sd-water-2019"),
                        {"deterioration_rate": 10}).iloc[0]
    assert led2.amount == -10 and led2.direction == "city→province"
    # all sections met targets but the basic amount (1600–2000) is unknown → incomplete
    led3 = water_ledger(_w(targets_met=True), ruleset("sd-water-2019")).iloc[0]
    assert not led3.complete and "basic" in led3.missing_terms
    led4 = water_ledger(_w(targets_met=True), ruleset("sd-water-2019"),
                        {"basic_amount": 1600}).iloc[0]
    assert led4.amount == 1640
