"""Complaint, enforcement, EIA and register rates on small hand-made logs (spec/governance.md
§3.4, §4.4, §5.1, §9.4); every expected value is counted by hand in the comments."""

import pandas as pd
import pytest

from qingshan.governance.rates import (
    RatesError, complaint_rates, double_random_all_off_site, eco_park_evaluate, eia_counts,
    eia_rates, off_site_rates, waste_free_counts,
)

T = pd.Timestamp


def _complaints():
    # 6 cases of city 371000 received in October 2025, cut-off 2025-11-30:
    #  1 closed 11-01, due 11-03, callback satisfied          → due, closed on time, good
    #  2 closed 11-20, due 11-10, callback basically satisfied → due, closed late, good (basic)
    #  3 in process, due 11-20 (past)                          → due, not closed, overdue
    #  4 in process, due 12-05 (future)                        → not due
    #  5 not accepted                                          → excluded
    #  6 closed 11-05 due 11-06, callback dissatisfied then redone: redo_count 1, callback
    #    unreachable at the last round                          → due, on time, unanswered
    cases = pd.DataFrame({"case_id": [1, 2, 3, 4, 5, 6], "city_code": "371000",
                          "channel": "12345", "received_at": T("2025-10-10")})
    ev = pd.DataFrame([
        (1, T("2025-10-10"), "dispatched", "2025-11-03", None, 0),
        (1, T("2025-11-01"), "closed", None, "satisfied", None),
        (2, T("2025-10-10"), "dispatched", "2025-11-10", None, 0),
        (2, T("2025-11-20"), "closed", None, "basically_satisfied", None),
        (3, T("2025-10-10"), "in_process", "2025-11-20", None, 0),
        (4, T("2025-10-10"), "in_process", "2025-12-05", None, 0),
        (5, T("2025-10-10"), "not_accepted", None, None, 0),
        (6, T("2025-10-10"), "dispatched", "2025-11-06", None, 0),
        (6, T("2025-11-05"), "closed", None, "unreachable", 1),
        (6, T("2025-12-02"), "redo", "2025-12-20", "dissatisfied", 2),   # after the cut-off
    ], columns=["case_id", "ts", "to_state", "due_at", "callback", "redo_count"])
    return cases, ev


def test_complaint_rates_default_definitions():
    cases, ev = _complaints()
    r = complaint_rates(cases, ev, "2025-11-30", period_start="2025-10-01")["371000"]
    # 办结率: closed {1, 2, 6} / due {1, 2, 3, 6} = 3/4; not accepted excluded (1)
    assert (r["办结率"].numerator, r["办结率"].denominator) == (3, 4)
    assert r["办结率"].exclusions == {"不予受理": 1, "并案": 0}
    # 按时办结率: closed by due {1, 6} / closed {1, 2, 6} = 2/3 → 66.7 %
    assert r["按时办结率"].text() == "66.7%"
    # 超期率: {3} past due and open / open {3, 4} = 1/2
    assert (r["超期率"].numerator, r["超期率"].denominator) == (1, 2)
    # 满意率: satisfied + basically {1, 2} / answered {1, 2} (6 unreachable excluded) = 100 %
    assert r["满意率"].text() == "100% [M]" and r["满意率"].exclusions == {"unreachable/declined": 1}
    # 重办率: closed with redo ≥ 1 {6} / closed 3
    assert (r["重办率"].numerator, r["重办率"].denominator) == (1, 3)


def test_complaint_rate_switches():
    cases, ev = _complaints()
    r = complaint_rates(cases, ev, "2025-11-30", by_receipt=True, on_time_over_due=True,
                        count_basic=False)["371000"]
    assert (r["办结率"].numerator, r["办结率"].denominator) == (3, 5)     # ÷ received (not 5)
    assert (r["按时办结率"].numerator, r["按时办结率"].denominator) == (2, 4)  # ÷ due
    assert (r["满意率"].numerator, r["满意率"].denominator) == (1, 2)      # basic not counted
    # as of 2025-11-15 case 2 is not closed yet: closed {1, 6} / due {1, 2, 6} (3 due 11-20)
    r = complaint_rates(cases, ev, "2025-11-15")["371000"]
    assert (r["办结率"].numerator, r["办结率"].denominator) == (2, 3)


def _inspections():
    # city A (371000): 13 off-site (1 of them without recorded data), 6 on-site, 1 mixed,
    # 1 off-site complaint call (not a regulated unit); city B (370200): 1 off, 3 on
    rows = ([("371000", "off_site", True, True, False)] * 12
            + [("371000", "off_site", True, False, False)]
            + [("371000", "on_site", True, True, True)] * 2
            + [("371000", "on_site", True, True, False)] * 4
            + [("371000", "mixed", True, True, False)]
            + [("371000", "off_site", False, True, False)]
            + [("370200", "off_site", True, True, True)] + [("370200", "on_site", True, True,
                                                              False)] * 3)
    df = pd.DataFrame(rows, columns=["city_code", "mode", "regulated", "data_recorded",
                                     "violation"])
    return df.assign(case_id=range(len(df)), date_end="2023-06-30")


def test_off_site_share_with_counts_and_exclusions():
    r = off_site_rates(_inspections(), "2023-01-01", "2023-12-31", province="370000")
    a = r["371000"]["off_site_share"]
    # 12 counted off-site / (12 + 6 + 1) = 12/19 = 63.2 %; excluded: 1 call, 1 unrecorded
    assert (a.numerator, a.denominator, a.text()) == (12, 19, "63.2%")
    assert a.exclusions == {"not a regulated unit": 1, "off-site without recorded data": 1}
    assert r["371000"]["off_site_share_incl_mixed"].text() == "68.4%"     # 13/19
    # pooled: (12 + 1) / (19 + 4) = 13/23 = 56.5 %
    assert r["370000"]["off_site_share"].text() == "56.5%"
    # discovery on-site in A: 2/6 = 33.3 %
    assert r["371000"]["问题发现率(on_site)"].text() == "33.3%"
    with pytest.raises(RatesError, match="no inspections"):
        off_site_rates(_inspections(), "2024-01-01", "2024-12-31")


def test_double_random_all_off_site_flag():
    df = _inspections().assign(trigger="双随机")
    df.loc[df.city_code == "371000", "mode"] = "off_site"
    assert double_random_all_off_site(df, "2023-01-01", "2023-12-31") == ["371000"]


def test_eia_counts_and_on_time():
    eia = pd.DataFrame({
        "case_id": range(6), "city_code": "371000",
        "doc_class": ["report_book", "report_form", "report_form", "registration",
                      "report_form", "report_book"],
        "state": ["published", "approved", "not_approved", "filed", "approved", "approved"],
        "decision_date": ["2023-03-01", "2023-05-01", "2023-06-01", "2023-07-01", "2022-12-30",
                          "2023-09-01"],
        "due_at": ["2023-03-10", "2023-04-20", "2023-06-05", None, "2022-12-31", "2023-09-01"],
        "key_project": [True, False, False, False, False, True]})
    c = eia_counts(eia, 2023).set_index("city_code").loc["371000"].to_dict()
    # approvals in 2023: rows 0, 1, 5 (row 2 refused, 3 filed, 4 in 2022)
    assert c == {"approvals": 3, "report_book": 2, "report_form": 1, "filings": 1,
                 "key_project_approvals": 2}
    assert eia_counts(eia, 2023, include_filings=True)["approvals"].iloc[0] == 4
    # on time: 0 (03-01 ≤ 03-10), 2 (06-01 ≤ 06-05), 5 (09-01 ≤ 09-01); 1 late → 3/4
    r = eia_rates(eia, 2023)["371000"]["按时审批率"]
    assert (r.numerator, r.denominator) == (3, 4)


def test_eco_park_groups():
    # economic: one of four suffices (high-tech 50 ≥ 45); required: all three; resource
    # sharing: both (solid waste 65 < 70 fails)
    v = {"high_tech_output_share_pct": 50, "industrial_va_per_capita_10k_cny": 10,
         "industrial_va_growth_3y_pct": None, "recycling_industry_share_pct": 5,
         "clean_production_audit_pct": 100, "new_eco_chain_projects": 6,
         "central_wwtp_online_monitoring": 1, "industrial_solid_waste_use_pct": 65,
         "renewable_resource_recycling_pct": 85}
    out = eco_park_evaluate(v)
    assert out["groups"]["economic"]["ok"] and out["groups"]["required"]["ok"]
    assert not out["groups"]["resource_sharing"]["ok"] and not out["ok"]
    assert out["groups"]["economic"]["missing"] == ["industrial_va_growth_3y_pct"]


def test_waste_free_categories_by_scheme():
    cells = pd.DataFrame({"city_code": ["371100"] * 4, "category": ["无废景区", "无废学校",
                                                                    "无废学校", "无废社区(村庄)"],
                          "level": "provincial"})
    # 岚山区 2024: 4 units: 景区, 2 学校, 社区(村庄) [V S32]
    t = waste_free_counts(cells)
    assert t["cells"].sum() == 4 and t.set_index("category").loc["无废学校", "cells"] == 2
    with pytest.raises(RatesError, match="not in the 2024 scheme"):
        waste_free_counts(cells.assign(category="无废港口"))


def test_farmland_from_parcels():
    from qingshan.governance.rates.registers import farmland_from_parcels
    # E = 10 + 20 + 30 + 40 = 100 亩; B = 10 (slight, priority); C = 20 (light/medium, safe
    # use, compliant); the 30 亩 under safe use without compliant produce do not count; D = 40
    # → A = 70 / 100 = 70.0 %
    df = pd.DataFrame({"area_mu": [10, 20, 30, 40],
                       "pollution_class": ["slight", "light_medium", "light_medium", "heavy"],
                       "measure_class": ["priority_protection", "safe_use", "safe_use",
                                         "strict_control"],
                       "produce_compliant": [None, True, False, None]})
    r = farmland_from_parcels(df)
    assert (r.numerator, r.denominator, r.text()) == (70, 100, "70.0% [P]")
