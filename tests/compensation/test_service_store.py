"""The ledger from the air service's statistics in the store (qingshan.air.service.assess)."""

import pytest

from qingshan.air import service as air_service
from qingshan.compensation.service import air_compensation


@pytest.fixture(scope="module")
def q2_2018(comp_store, comp_province):
    return air_compensation(comp_store, "2018-Q2", province=comp_province)


def test_ledger_from_store_by_hand(q2_2018):
    led = q2_2018
    q = led.quarters.set_index("code")
    # 甲 (inland): 2017-Q2 (60, 100, 20, 40) → 2018-Q2 (50, 90, 15, 38): ΔC 10, 10, 5, 2
    # S = 0.6·10 + 0.15·10 + 0.15·5 + 0.1·2 = 6 + 1.5 + 0.75 + 0.2 = 8.45; × 80 = 676;
    # every day good in both years (AQI < 100 with these constants) → ΔG = 0 → A = 676
    assert q.loc["370100", "s_conc"] == pytest.approx(8.45)
    assert q.loc["370100", "good_day_ratio"] == 100      # % (every day good), not a fraction
    assert q.loc["370100", "d_good_pp"] == 0
    assert q.loc["370100", "amount"] == 676
    # 乙 has Qingdao's code 370200: coefficient 1.5 → 8.45 × 80 × 1.5 = 1014
    assert q.loc["370200", "amount"] == 1014
    # 丙: PM2.5 40 → 45, the rest unchanged: S = 0.6 × (−5) = −3 → −240, city → province
    assert q.loc["370300", "amount"] == -240 and q.loc["370300", "direction"] == "city→province"
    assert (led.flows.gross_out, led.flows.gross_in, led.flows.net) == (1690, 240, 1450)
    assert q.loc["370100", "source"] == "air.service.assess (store, 2018-Q2)"
    assert q.loc["370100", "source_last"] == "air.service.assess (store, 2017-Q2)"
    # exemption could not be decided (no valid 2016/2017 annual means): said so
    assert any("not determined for 3 cities" in n for n in led.notes)


def test_inputs_are_the_air_services_figures(q2_2018, comp_store, comp_province):
    led = q2_2018
    a = air_service.assess(comp_store, "2018-Q2", "city", comp_province).set_index("code")
    q = led.quarters.set_index("code")
    for c in ("pm25", "pm10", "so2", "no2", "good_day_ratio"):
        assert q[c].to_dict() == a[c].to_dict()


def test_file_replaces_store_rows_with_source(comp_store, comp_province, tmp_path):
    p = tmp_path / "official.csv"
    # the official 2018-Q2 PM2.5 of 甲 is 52 (audited), not the real-time 50
    p.write_text("city,period,pm25,pm10,so2,no2,good_day_ratio,source\n"
                 "甲,2018-Q2,52,90,15,38,100,省厅审核数据\n", encoding="utf-8")
    led = air_compensation(comp_store, "2018-Q2", input_path=p, province=comp_province)
    q = led.quarters.set_index("code")
    # S = 0.6·8 + 1.5 + 0.75 + 0.2 = 7.25; × 80 = 580
    assert q.loc["370100", "amount"] == 580 and q.loc["370100", "source"] == "省厅审核数据"
    assert q.loc["370200", "amount"] == 1014        # still from the store
