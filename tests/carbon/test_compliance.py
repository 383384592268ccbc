"""Obligations, relief and offset limits at their edges, borrowing, carry-over, status, penalties
(spec/carbon-ets.md §1.4–1.8 and the worked examples 3–5 of §3)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from qingshan.carbon.engine.compliance import carry_over, completion, obligations, position
from qingshan.carbon.standards.power import rules
from qingshan.carbon.standards.switches import Switches


def _units(*rows):
    return pd.DataFrame([dict(credit_code=c, unit_id=u, category=k, allocation_t=a,
                              verified_t=v, marks="B_e[V]") for c, u, k, a, v in rows])


def test_example_4_gap_cap_and_ccer_limit():
    # spec §3 ex. 4: allocation 1,000,000, verified 1,300,000 (gap 23 %) →
    # obligation = min(1,300,000, 1,000,000 + 0.2 × 1,300,000) = 1,260,000; CCER ≤ 63,000
    ob = obligations(_units(("C", "U", "I", 1_000_000, 1_300_000)), rules("2022"))
    assert ob.obligation_t.iloc[0] == pytest.approx(1_260_000)
    assert ob.ccer_limit_t.iloc[0] == pytest.approx(63_000)
    assert ob.relief_t.iloc[0] == pytest.approx(40_000)
    assert "gap_cap[V]" in ob.marks.iloc[0]


def test_gap_cap_edge_exactly_20pct_and_below():
    # gap exactly 20 %: 1,000,000 + 0.2 × 1,250,000 = 1,250,000 = verified → no relief
    ob = obligations(_units(("C", "U", "I", 1_000_000, 1_250_000),
                            ("D", "V", "I", 1_000_000, 1_100_000)), rules("2021"))
    assert ob.obligation_t.tolist() == pytest.approx([1_250_000, 1_100_000])
    assert ob.relief_t.tolist() == pytest.approx([0, 0])


def test_example_3_gas_relief():
    # spec §3 ex. 3: gas CHP allocation 431,282, verified 500,000 → obligation 431,282
    ob = obligations(_units(("G", "U", "IV", 431_282, 500_000)), rules("2022"))
    assert ob.obligation_t.iloc[0] == pytest.approx(431_282)
    assert ob.gap_t.iloc[0] == pytest.approx(0)


def test_gas_and_coal_units_of_one_entity():
    # coal: A 1,000,000, V 1,300,000 → 1,260,000; gas: A 100,000, V 150,000 → 100,000
    ob = obligations(_units(("C", "U1", "I", 1_000_000, 1_300_000),
                            ("C", "U2", "IV", 100_000, 150_000)), rules("2022"))
    assert ob.obligation_t.iloc[0] == pytest.approx(1_360_000)
    assert ob.allocation_t.iloc[0] == pytest.approx(1_100_000)


def test_borrowing_2021_2022_at_the_10pct_edge():
    # gap after cap = obligation − allocation; 100,000 / 1,000,000 = exactly 10 % → eligible,
    # borrow ≤ 50 % × 100,000 = 50,000; 99,999 t (just under 10 %) → not eligible
    ob = obligations(_units(("A", "U", "I", 900_000, 1_000_000),
                            ("B", "V", "I", 900_001, 1_000_000)), rules("2022"))
    assert ob.borrow_eligible.tolist() == [True, False]
    assert ob.borrow_max_t.tolist() == pytest.approx([50_000, 0])
    # 2023: no borrowing [V]
    ob23 = obligations(_units(("A", "U", "I", 900_000, 1_000_000)), rules("2023"))
    assert not ob23.borrow_eligible.iloc[0]


def test_ccer_limit_edge_and_excess():
    # obligation 1,000,000 (no gap); CCER limit 50,000. Surrendering 950,000 CEA + 50,000 CCER
    # complies in full; 949,999 CEA + 50,001 CCER does not (1 t CCER over the limit not counted)
    ob = obligations(_units(("A", "U", "I", 1_000_000, 1_000_000),
                            ("B", "V", "I", 1_000_000, 1_000_000)), rules("2022"))
    s = pd.DataFrame([dict(credit_code="A", date="2023-11-01", cea_t=950_000, ccer_t=50_000),
                      dict(credit_code="B", date="2023-11-01", cea_t=949_999, ccer_t=50_001)])
    p = position(ob, s, rules("2022"), today=date(2024, 1, 10))
    assert p.status.tolist() == ["on_time", "not_complied"]
    assert p.ccer_excess_t.tolist() == pytest.approx([0, 1])
    assert p.shortfall_t.tolist() == pytest.approx([0, 1])


def test_status_late_pending_and_order19_penalty():
    ob = obligations(_units(("A", "U", "I", 100, 100), ("B", "V", "I", 100, 100),
                            ("C", "W", "I", 100, np.nan)), rules("2022"))
    s = pd.DataFrame([dict(credit_code="A", date="2024-01-05", cea_t=100, ccer_t=0)])
    p = position(ob, s, rules("2022"), today=date(2024, 2, 1))
    assert p.status.tolist() == ["late", "not_complied", "incomplete"]
    # Order 19 [M] (deadline 2023-12-31 < 2024-05-01): CNY 20,000–30,000, shortfall deducted
    assert p.fine_min_cny.iloc[1] == 20_000 and p.fine_max_cny.iloc[1] == 30_000
    assert p.deduct_next_year_t.iloc[1] == pytest.approx(100)
    assert p.penalty_regime.tolist()[:2] == ["order19", "order19"]
    before = position(ob, None, rules("2022"), today=date(2023, 12, 5))
    assert before.status.tolist()[:2] == ["pending", "pending"]
    assert before.alert.iloc[0] == "due_30d"          # 26 days left, alert days (60, 30, 7)
    assert bool(before.past_95_step.iloc[0])          # past the 95 % step of 15 Nov 2023


def test_decree_775_penalty_uses_price_of_month_before_deadline():
    # 2023 vintage, deadline 2024-12-31 → Decree 775 [M]; shortfall 1,000 t; Nov-2024 price 100
    # → fine 5–10 × 1,000 × 100 = 500,000–1,000,000 CNY
    table = {"2023": {c: (0.8, 0.1) for c in ("I", "II", "III", "IV")}}
    r = rules("2023", Switches(benchmarks_2023_2024=table))
    ob = obligations(_units(("A", "U", "I", 10_000, 10_000)), r)
    s = pd.DataFrame([dict(credit_code="A", date="2024-12-01", cea_t=9_000, ccer_t=0)])
    p = position(ob, s, r, today=date(2025, 1, 10), prices={"2024-11": 100.0})
    assert p.penalty_regime.iloc[0] == "decree775"
    assert (p.fine_min_cny.iloc[0], p.fine_max_cny.iloc[0]) == pytest.approx((5e5, 1e6))
    q = position(ob, s, r, today=date(2025, 1, 10))
    assert np.isnan(q.fine_min_cny.iloc[0]) and "2024-11" in q.penalty_note.iloc[0]


def test_example_5_carry_over():
    # spec §3 ex. 5: net sales 40,000, surplus 200,000 → bankable 10,000 + 1.5 × 40,000 = 70,000
    c = carry_over([200_000, 5_000], [40_000, -3_000], rules("2024"))
    assert c.bankable_t.tolist() == pytest.approx([70_000, 5_000])
    assert c.lapsed_t.tolist() == pytest.approx([130_000, 0])


def test_completion_n_of_m_and_rate_by_quantity():
    # 3 entities of obligation 1,000 each; A, B surrendered in full, C 990 → 2 of 3 complied;
    # rate by quantity = 2,990 / 3,000 = 99.666… %; D incomplete is left out
    ob = obligations(_units(*[(c, c, "I", 1_000, 1_000) for c in "ABC"],
                            ("D", "D", "I", 1_000, np.nan)), rules("2021"))
    s = pd.DataFrame([dict(credit_code=c, date="2023-12-01", cea_t=q, ccer_t=0)
                      for c, q in (("A", 1000), ("B", 1000), ("C", 990))])
    c = completion(position(ob, s, rules("2021"), today=date(2024, 3, 1)))
    assert (c["complied"], c["assessed"], c["incomplete"]) == (2, 3, 1)
    assert c["completion_pct"] == pytest.approx(100 * 2990 / 3000)


def test_industry_2024_grandfathered_2025_refused():
    # spec §2: 2024 vintage allowances = verified 2024 emissions → zero net obligation gap
    from qingshan.carbon.data import CarbonData
    from qingshan.carbon.service import position_table
    d = CarbonData()
    d.enterprises = pd.DataFrame([dict(credit_code="S", name="steel", city_code="371000",
                                       county_code=None, sector="steel", synthetic=False,
                                       net_sales_t=None)])
    d.units = pd.DataFrame([dict(unit_id="L1", credit_code="S", name="", unit_type="process_line",
                                 category="P", capacity_mw=None, cooling=None,
                                 generation_type="none")])
    d.verified = pd.DataFrame([dict(unit_id="L1", vintage=v, verified_direct_t=2_000_000.0,
                                    verified_indirect_t=50_000.0, verifier="")
                               for v in ("2024", "2025")])
    p = position_table(d, "2024", today=date(2025, 6, 1))
    # direct only (purchased electricity excluded [V]): allocation = obligation = 2,000,000
    assert p.allocation_t.iloc[0] == p.obligation_t.iloc[0] == pytest.approx(2_000_000)
    assert p.gap_t.iloc[0] == 0 and p.status.iloc[0] == "pending"
    with pytest.raises(ValueError, match="open item 3"):
        position_table(d, "2025", today=date(2026, 1, 1))
