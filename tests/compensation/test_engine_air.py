"""Hand-worked air ledgers of every version (spec/compensation.md §1.3)."""

import math

import pandas as pd
import pytest

from qingshan.compensation.engine import air_ledger, flows
from qingshan.compensation.rulesets import RuleSetError, ruleset


def _city(code, name, last, this, g_last=None, g_this=None, exempt=False):
    row = {"code": code, "name": name, "exempt": exempt}
    for p, a, b in zip(("pm25", "pm10", "so2", "no2"), last, this):
        row[f"{p}_last"], row[p] = a, b
    row["good_day_ratio_last"], row["good_day_ratio"] = g_last, g_this
    return row


# spec §1.3 worked example: PM2.5 improves 5, PM10 8, SO2 3, NO2 worsens 2; good days +4 pp
EX_LAST, EX_THIS = (50, 80, 10, 30), (45, 72, 7, 32)


def test_spec_worked_example_2017_inland():
    led = air_ledger(pd.DataFrame([_city("370300", "淄博", EX_LAST, EX_THIS, 60.0, 64.0)]),
                     ruleset("sd-air-2017"), period="2018-Q2").iloc[0]
    # S = 0.6·5 + 0.15·8 + 0.15·3 + 0.10·(−2) = 3 + 1.2 + 0.45 − 0.2 = 4.45
    assert led.s_conc == pytest.approx(4.45)
    # per term × 80: 240, 96, 36, −16; A_conc = 356; A_good = 4 × 20 = 80; A = 436
    assert [led.pm25_amount, led.pm10_amount, led.so2_amount, led.no2_amount] == \
        pytest.approx([240, 96, 36, -16])
    assert led.a_conc == pytest.approx(356) and led.a_good == pytest.approx(80)
    assert led.amount == 436
    assert led.direction == "province→city" and led.payee == "淄博"


def test_coastal_city_2017_coefficient_on_concentration_only_by_default():
    rows = pd.DataFrame([_city("370200", "青岛", EX_LAST, EX_THIS, 60.0, 64.0)])
    led = air_ledger(rows, ruleset("sd-air-2017")).iloc[0]
    # 4.45 × 80 × 1.5 = 534; good-day term not scaled (default): 80; A = 614
    assert led.coefficient == 1.5 and led.a_conc == pytest.approx(534)
    assert led.amount == 614
    scaled = air_ledger(rows, ruleset("sd-air-2017"),
                        {"coefficient_scales_good_days": True}).iloc[0]
    assert scaled.amount == 534 + 120          # 4 × 20 × 1.5 = 120
    off = air_ledger(rows, ruleset("sd-air-2017"), {"apply_region_coefficients": False})
    assert off.iloc[0].amount == 436


def test_2014_and_2016_versions_by_hand():
    rows = pd.DataFrame([_city("370300", "淄博", EX_LAST, EX_THIS),
                         _city("371000", "威海", EX_LAST, EX_THIS)])
    l14 = air_ledger(rows, ruleset("sd-air-2014"))
    # 4.45 × 20 = 89; coastal 89 × 1.5 = 133.5 → GB/T 8170 whole 万元: 134 (3 odd → up)
    assert l14.amount.tolist() == [89, 134]
    assert l14.amount_raw.tolist() == pytest.approx([89, 133.5])
    assert math.isnan(l14.a_good.iloc[0])          # no good-day term before 2017
    l16 = air_ledger(rows, ruleset("sd-air-2016"))
    # 4.45 × 40 = 178; × 1.5 = 267
    assert l16.amount.tolist() == [178, 267]


def test_rounding_switch_on_a_tie():
    # SO2 improves 1 µg/m³ only: S = 0.15; 2014 coastal: 0.15 × 20 × 1.5 = 4.5
    rows = pd.DataFrame([_city("371100", "日照", (40, 70, 11, 30), (40, 70, 10, 30))])
    r = ruleset("sd-air-2014")
    assert air_ledger(rows, r).amount.iloc[0] == 4           # GB/T 8170: 4.5 → 4 (even)
    assert air_ledger(rows, r, {"rounding": "half_up"}).amount.iloc[0] == 5
    assert air_ledger(rows, r, {"rounding": "none"}).amount.iloc[0] == pytest.approx(4.5)


def test_penalty_city_pays_and_coefficient_switch():
    # 2016 coastal, PM2.5 worse by 5: S = −3; −3 × 40 × 1.5 = −180 (default: a_c on penalties)
    rows = pd.DataFrame([_city("370600", "烟台", (40, 70, 10, 30), (45, 70, 10, 30))])
    led = air_ledger(rows, ruleset("sd-air-2016"), province_name="山东省").iloc[0]
    assert led.amount == -180
    assert led.direction == "city→province" and led.payer == "烟台" and led.payee == "山东省"
    led2 = air_ledger(rows, ruleset("sd-air-2016"),
                      {"coefficient_scales_penalties": False}).iloc[0]
    assert led2.amount == -120 and led2.coefficient_applied == 1.0   # −3 × 40


def test_exempt_city_has_no_amount():
    rows = pd.DataFrame([_city("371000", "威海", EX_LAST, EX_THIS, 60.0, 64.0, exempt=True)])
    led = air_ledger(rows, ruleset("sd-air-2017")).iloc[0]
    assert led.amount == 0 and led.direction == "exempt (免试)" and led.complete
    assert led.a_conc == pytest.approx(534)         # the terms stay visible for reference


def test_cap_switch_and_missing_input_is_incomplete():
    rows = pd.DataFrame([_city("370300", "淄博", EX_LAST, EX_THIS, 60.0, 64.0),
                         _city("370400", "枣庄", (50, 80, 10, None), EX_THIS, 60.0, 64.0)])
    led = air_ledger(rows, ruleset("sd-air-2017"), {"cap": 400})
    assert led.amount.iloc[0] == 400 and bool(led.capped.iloc[0])   # 436 capped at 400
    assert not led.complete.iloc[1] and math.isnan(led.amount.iloc[1])
    assert led.direction.iloc[1] == "incomplete"
    f = flows(led, amount="amount", awards=None)
    assert (f.gross_out, f.n_incomplete, f.complete) == (400, 1, False)


def test_unknown_rule_set_refused():
    with pytest.raises(RuleSetError):
        air_ledger(pd.DataFrame([_city("370300", "淄博", EX_LAST, EX_THIS)]),
                   ruleset("sd-air-2019"))
