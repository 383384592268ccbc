"""The accounting examples of spec/carbon-accounting.md §4 (derived [D]) and the tier/evidence
logic around them."""

import numpy as np
import pandas as pd
import pytest

from qingshan.carbon.engine.accounting import annual, combustion, electricity, intensities, \
    monthly_evidence
from qingshan.carbon.engine.dqcp import check, validate_plan
from qingshan.carbon.standards.accounting import coal_default_cc, grid_factor


def _fuel(**kw):
    row = dict(unit_id="U1", year=2022, month=1, fuel="coal", consumption=100_000.0,
               ncv=20.0, carbon_ar=np.nan, cc=np.nan, oxidation=0.99, lab="CNAS L1234",
               reported_on="2022-02-20")
    row.update(kw)
    return row


def test_example_1_measured_element_carbon():
    # §4 ex. 1: 100,000 × 0.55 × 0.99 × 44/12 = 199,650 t
    c = combustion(pd.DataFrame([_fuel(carbon_ar=0.55)]))
    assert c.emission_t.iloc[0] == pytest.approx(199_650.0)
    assert c.tier.iloc[0] == "measured" and not c.default_used.iloc[0]


def test_example_2_default_carbon_content_and_its_penalty():
    # §4 ex. 2: 100,000 × 20 × 0.03085 × 0.99 × 44/12 = 223,971 t (default CC [V] for 2022)
    c = combustion(pd.DataFrame([_fuel(), _fuel(month=2, carbon_ar=0.55)]))
    assert c.emission_t.iloc[0] == pytest.approx(223_971.0, abs=0.5)
    assert bool(c.default_used.iloc[0]) and c.cc_source.iloc[0] == "default[V]"
    # impact against the measured month (CC = 0.55 / 20 = 0.0275 tC/GJ):
    # 223,971 − 199,650 = 24,321 t (the ≈ 12 % "default penalty")
    assert c.default_impact_t.iloc[0] == pytest.approx(223_971.0 - 199_650.0, abs=0.5)
    assert bool(c.below_min_measured.iloc[0])      # one measured month < 3


def test_example_3_gas_with_defaults():
    # §4 ex. 3: 5,000 × 389.31 × 0.01532 × 0.99 × 44/12 = 108,251 t ([M] defaults)
    c = combustion(pd.DataFrame([_fuel(fuel="natural_gas", consumption=5_000.0, ncv=np.nan,
                                       oxidation=np.nan)]))
    assert c.emission_t.iloc[0] == pytest.approx(108_251.0, abs=0.5)
    assert c.ncv_source.iloc[0] == "default[M]" and c.of_source.iloc[0] == "default[M]"


def test_example_4_purchased_electricity_2022():
    # §4 ex. 4: 10,000 MWh × 0.5703 = 5,703 t
    e = electricity(pd.DataFrame([dict(unit_id="U1", year=2022, month=1,
                                       purchased_mwh=10_000.0)]))
    assert e.indirect_t.iloc[0] == pytest.approx(5_703.0)
    assert e.grid_factor_mark.iloc[0] == "M"


def test_grid_factor_series_kept_apart_and_no_fallback():
    assert grid_factor(2022, "ets").value == 0.5703
    assert grid_factor(2022, "nbs").value == 0.5366
    with pytest.raises(ValueError, match="2018"):
        grid_factor(2018)


def test_coal_default_by_year():
    assert coal_default_cc(2020).value == 0.03356
    assert coal_default_cc(2021).value == 0.03085 and coal_default_cc(2021).mark == "V"
    assert coal_default_cc(2024).mark == "M"


def test_coal_month_without_ncv_or_carbon_is_incomplete():
    c = combustion(pd.DataFrame([_fuel(ncv=np.nan)]))
    assert not c.complete.iloc[0] and np.isnan(c.emission_t.iloc[0])
    a = annual(c)
    assert np.isnan(a.direct_t.iloc[0]) and not a.complete.iloc[0]


def test_intensities_and_heat_split():
    # E = 199,650 + 5,703 = 205,353 t; heat ratio 0.2 → E_power = 164,282.4, E_heat = 41,070.6
    # supply 200,000 MWh → 0.821412 t/MWh; heat 400,000 GJ → 0.1026765 t/GJ
    c = combustion(pd.DataFrame([_fuel(carbon_ar=0.55)]))
    e = electricity(pd.DataFrame([dict(unit_id="U1", year=2022, month=1,
                                       purchased_mwh=10_000.0)]))
    act = pd.DataFrame([dict(unit_id="U1", year=2022, supply_mwh=200_000.0,
                             generation_mwh=210_000.0, heat_gj=400_000.0, heat_ratio=0.2,
                             capacity_mw=60.0, hours=5_000.0)])
    x = intensities(annual(c, e), act)
    assert x.supply_intensity_t_per_mwh.iloc[0] == pytest.approx(164_282.4 / 200_000)
    assert x.heat_intensity_t_per_gj.iloc[0] == pytest.approx(41_070.6 / 400_000)
    assert x.load_factor_computed.iloc[0] == pytest.approx(210_000 / (60 * 5_000))


def test_monthly_evidence_and_dqcp():
    # January reported 2022-02-20 (≤ 40 days after 31 Jan: due 2022-03-12) → on time;
    # February reported 2022-05-01 (due 2022-04-09) → late; measured without lab → flagged
    c = combustion(pd.DataFrame([_fuel(carbon_ar=0.55),
                                 _fuel(month=2, carbon_ar=0.5, lab="", reported_on="2022-05-01")]))
    m = monthly_evidence(c)
    assert m.reported_late.tolist() == [False, True]
    assert "without CNAS/CMA" in m.issues.iloc[1]
    plan = pd.DataFrame([dict(unit_id="U1", version="v1", parameter=p, source="s",
                              instrument="belt scale" if p == "consumption" else "",
                              accuracy_class="0.5", calibration_interval_months=12,
                              last_calibration="2021-01-31", frequency="daily",
                              method_standard="GB/T 213" if p == "ncv" else "",
                              department="fuel") for p in ("consumption", "ncv")])
    assert validate_plan(plan) == []
    chk = check(plan, m)
    cons = chk[chk.parameter == "consumption"]
    # calibrated 2021-01-31, valid 12 months (≈ 2022-01-31): ok for January, not for February
    assert cons.calibration_ok.tolist() == [True, False]
    assert validate_plan(plan.assign(method_standard="GB/T 999")) != []
