"""The worked allocations of spec/carbon-ets.md §3 (derived [D] from the [V] 2022 benchmarks and
the [M] correction formulas), the load coefficient at its piece edges, pre-allocation."""

import numpy as np
import pandas as pd
import pytest

from qingshan.carbon.engine.allocation import allocate, load_coefficient, preallocate
from qingshan.carbon.standards.power import rules
from qingshan.carbon.standards.switches import Switches


def _unit(**kw):
    row = dict(unit_id="U1", credit_code="C1", category="I", cooling="water",
               generation_type="condensing", year=2022, supply_mwh=3_000_000.0,
               generation_mwh=np.nan, heat_gj=0.0, heat_ratio=0.0, load_factor=0.80)
    row.update(kw)
    return row


def test_example_1_category_i_load_80pct():
    # spec §3 ex. 1: F_l = 1 + 0.0014 × (85 − 80) = 1.007; A = 0.8177 × 3,000,000 × 1.007
    a = allocate(pd.DataFrame([_unit()]), rules("2022"))
    assert a.allocation_t.iloc[0] == pytest.approx(2_470_271.7, abs=0.05)
    assert a.f_load.iloc[0] == pytest.approx(1.007)
    assert a.rule_version.iloc[0].startswith("power-2022")
    assert "B_e[V]" in a.marks.iloc[0] and "load[M]" in a.marks.iloc[0]
    assert a.mark.iloc[0] == "M"  # the [M] load formula makes the figure [M]


def test_example_2_load_90pct_and_preallocation():
    # spec §3 ex. 2: F_l = 1 → A = 0.8177 × 3,000,000 = 2,453,100; pre-allocation 70 % = 1,717,170
    # (the pre-allocation of 2022 is computed on the base year 2021 [M]: same output here)
    act = pd.DataFrame([_unit(load_factor=0.90), _unit(year=2021, load_factor=0.90)])
    a = allocate(act, rules("2022"))
    assert a.allocation_t.iloc[0] == pytest.approx(2_453_100.0)
    pre = preallocate(act, rules("2022"))
    assert pre.preallocation_t.iloc[0] == pytest.approx(1_717_170.0)
    assert pre.base_years.iloc[0] == "2021"


def test_example_3_gas_chp():
    # spec §3 ex. 3: 0.3901 × 1,000,000 × (1 − 0.6 × 0.30) + 0.0557 × 2,000,000
    #              = 319,882 + 111,400 = 431,282 t
    u = _unit(category="IV", generation_type="chp", supply_mwh=1_000_000.0, heat_gj=2_000_000.0,
              heat_ratio=0.30, load_factor=0.5)
    a = allocate(pd.DataFrame([u]), rules("2022"))
    assert a.allocation_t.iloc[0] == pytest.approx(431_282.0)
    assert a.f_load.iloc[0] == 1.0          # no load correction for gas units


@pytest.mark.parametrize("f, expected", [
    (0.85, 1.0), (0.95, 1.0),
    (0.84, 1 + 0.0014 * 1),                  # 1.0014
    (0.80, 1.007),                           # both pieces meet: 1 + 0.0014 × 5 = 1.007
    (0.7999999, 1.007 + 0.0016 * 0.00001),
    (0.75, 1.015),                           # 1.007 + 0.0016 × 5 = 1.015 = 1.015^(16 − 15)
    (0.70, 1.015 ** 2),                      # 16 − 20 × 0.70 = 2
    (0.50, 1.015 ** 6),
])
def test_load_coefficient_edges(f, expected):
    assert load_coefficient([f])[0] == pytest.approx(expected, rel=1e-9)


def test_air_cooling_and_coal_chp_heat_correction_2019_2020():
    # 2019–20, category II, air-cooled CHP, heat ratio 0.25, supply 1,000,000 MWh, heat 500,000 GJ
    # each of 2019 and 2020. CHP: no load correction in 2019–20 (pure condensing only).
    # F = 1.05 × (1 − 0.22 × 0.25) = 1.05 × 0.945 = 0.99225
    # A per year = 0.979 × 1,000,000 × 0.99225 + 0.126 × 500,000 = 971,412.75 + 63,000
    #            = 1,034,412.75; two years: 2,068,825.5
    rows = [_unit(category="II", cooling="air", generation_type="chp", year=y,
                  supply_mwh=1_000_000.0, heat_gj=500_000.0, heat_ratio=0.25, load_factor=0.6)
            for y in (2019, 2020)]
    a = allocate(pd.DataFrame(rows), rules("2019-2020"))
    assert a.allocation_t.iloc[0] == pytest.approx(2_068_825.5)
    assert a.f_load.iloc[0] == 1.0


def test_2021_2022_chp_load_switch():
    # 2021, category I CHP, load 0.80: with the switch (default) F_l = 1.007 applies
    # A = 0.8218 × 1,000,000 × (1 − 0.22 × 0.1) × 1.007 = 0.8218e6 × 0.978 × 1.007
    u = _unit(year=2021, generation_type="chp", supply_mwh=1_000_000.0, heat_ratio=0.1)
    on = allocate(pd.DataFrame([u]), rules("2021"))
    off = allocate(pd.DataFrame([u]), rules("2021", Switches(load_factor_chp_2021_2022=False)))
    assert on.allocation_t.iloc[0] == pytest.approx(821_800 * 0.978 * 1.007)
    assert off.allocation_t.iloc[0] == pytest.approx(821_800 * 0.978)


def test_missing_year_is_incomplete_not_summed():
    a = allocate(pd.DataFrame([_unit(year=2019)]), rules("2019-2020"))
    assert not a.complete.iloc[0] and np.isnan(a.allocation_t.iloc[0])
    assert a.missing.iloc[0] == "2020"


def test_2023_refused_without_benchmarks_then_uses_supplied_table():
    u = _unit(year=2023, supply_mwh=np.nan, generation_mwh=1_000_000.0, load_factor=0.9)
    with pytest.raises(ValueError, match="open item 1"):
        allocate(pd.DataFrame([u]), rules("2023"))
    table = {"2023": {c: (0.8, 0.1) for c in ("I", "II", "III", "IV")}}
    a = allocate(pd.DataFrame([u]), rules("2023", Switches(benchmarks_2023_2024=table)))
    # generation basis from 2023: 0.8 × 1,000,000 (load ≥ 85 % → 1); the figure is [U]
    assert a.allocation_t.iloc[0] == pytest.approx(800_000.0)
    assert a.mark.iloc[0] == "U"
