"""Rates against the spec's published counts (spec/governance.md §10, T1–T17) and §1.4.

Each fixture loads the published counts as cases/events, the rate functions compute from the
event log, and the result is compared with the published figure or the hand computation in the
comment."""

from decimal import Decimal

import pandas as pd
import pytest

from qingshan.governance.rates import (
    Rate, RatesError, farmland_safe_use, near_zero_counts, percent_text, petition_rates, pool,
    sewage_completed, sewage_mode_shares, sewage_rates, task_rates,
)
from tests.governance._fixtures import CITIES, PROVINCE, petitions

CUT = "2021-09-14"


def test_t1_shandong_second_round_7106_cases():
    # [V S1]: 7,106 cases, 7,014 concluded, 92 staged → 办结率 7014/7106 = 98.705…% → 98.7%;
    # including staged 7106/7106 → "100%"
    cases, ev = petitions({PROVINCE: {"concluded": 7014, "staged": 92}})
    r = petition_rates(cases, ev, CUT)[None]
    assert (r["信访件办结率"].numerator, r["信访件办结率"].denominator) == (7014, 7106)
    assert r["信访件办结率"].text() == "98.7%"
    assert r["信访件办结率(含阶段性)"].text() == "100%"


@pytest.mark.parametrize("total,concl,staged,open_,t1,t2,t3", [
    # T8 batch 9: 117/168 = 69.64 → 69.6 %; 152/168 = 90.48 → 90.5 %; 16/168 = 9.52 → 9.5 %
    (168, 117, 35, 16, "69.6%", "90.5%", "9.5%"),
    # T9 batch 10: 183/263 = 69.58 → 69.6 %; 240/263 = 91.25 → 91.3 %; 23/263 = 8.75 → 8.7 %
    # (8.745… rounds down)
    (263, 183, 57, 23, "69.6%", "91.3%", "8.7%"),
])
def test_t8_t9_batches(total, concl, staged, open_, t1, t2, t3):
    assert concl + staged + open_ == total                      # the published check
    cases, ev = petitions({PROVINCE: {"concluded": concl, "staged": staged, "open": open_}})
    r = petition_rates(cases, ev, CUT)[None]
    assert r["信访件办结率"].denominator == total
    assert (r["信访件办结率"].text(), r["信访件办结率(含阶段性)"].text(), r["未办结占比"].text()) == \
        (t1, t2, t3)


def test_t13_qingdao_tasks_and_petitions():
    # [V S13]: 41 problems, 35 done, 6 in progress; 1,220 信访件, 1,190 concluded, 30 in progress
    cases, ev = petitions({"370200": {"concluded": 1190, "open": 30}})
    r = petition_rates(cases, ev, "2025-07-01")["370200"]
    assert r["信访件办结率"].text() == "97.5%"                  # 1190/1220 = 97.54
    ids = range(1, 42)
    tasks = pd.DataFrame({"case_id": ids, "city_code": "370200", "due_at": "2025-12-31"})
    events = pd.DataFrame({"case_id": ids, "ts": pd.Timestamp("2025-06-30"),
                           "to_state": ["cancelled"] * 35 + ["in_progress"] * 6,
                           "schedule_status": [None] * 35 + ["on_schedule"] * 6})
    t = task_rates(tasks, events, "2025-06-30")["370200"]
    assert t["整改完成率"].text() == "85.4% [P]"                # 35/41 = 85.37; [P]: 完成 vs 销号
    assert t["序时进度达标率"].text() == "100%"                  # (35 + 6)/41
    assert t["超期率"].numerator == 0


@pytest.mark.parametrize("total,done,text", [
    (59, 22, "37.3% [P]"),        # T2 [V S1]: 22/59 = 37.29
    (2164, 1275, "58.9% [P]"),    # T3 [V S2]: 1275/2164 = 58.92 ("近60%")
])
def test_t2_t3_task_completion(total, done, text):
    ids = range(1, total + 1)
    tasks = pd.DataFrame({"case_id": ids, "city_code": PROVINCE, "due_at": "2022-12-31"})
    events = pd.DataFrame({"case_id": ids, "ts": pd.Timestamp("2022-12-31"),
                           "to_state": ["accepted"] * done + ["in_progress"] * (total - done)})
    r = task_rates(tasks, events, "2022-12-31")[None]
    assert (r["整改完成率"].numerator, r["整改完成率"].denominator) == (done, total)
    assert r["整改完成率"].text() == text


# (published total, per-city counts in GB/T 2260 order, province-level count)
PER_CITY = {
    "T5": (280, [29, 33, 32, 8, 10, 47, 14, 8, 9, 10, 15, 36, 2, 6, 14, 6], 1),
    "T6": (4774, [772, 587, 470, 175, 177, 484, 332, 140, 237, 164, 147, 563, 98, 116, 199, 95],
           18),
    "T7": (2490, [443, 286, 266, 78, 94, 259, 167, 70, 133, 79, 62, 272, 63, 56, 101, 48], 13),
    "T10": (6369, [1152, 985, 414, 224, 187, 531, 525, 253, 206, 181, 280, 668, 118, 217, 286,
                   113], 29),
    "T11": (242, [47, 40, 17, 4, 2, 25, 41, 6, 7, 5, 6, 22, 1, 4, 10, 3], 2),
    "T12": (3180, [538, 495, 197, 135, 97, 286, 234, 136, 105, 102, 143, 351, 54, 91, 140, 69], 7),
}


@pytest.mark.parametrize("key", sorted(PER_CITY))
def test_per_city_handed_over_counts_pool_to_the_published_total(key):
    total, per_city, prov = PER_CITY[key]
    counts = {c: {"assigned": n} for c, n in zip(CITIES, per_city)} | {PROVINCE: {"assigned": prov}}
    cases, ev = petitions(counts)
    r = petition_rates(cases, ev, CUT, province="all")
    assert r["all"]["信访件办结率"].denominator == total
    assert r["all"]["信访件办结率"].text() == "0.0%"            # nothing fed back yet
    assert [r[c]["信访件办结率"].denominator for c in CITIES] == per_city
    assert r[PROVINCE]["信访件办结率"].denominator == prov


def test_t14_weihai_batches_cumulative_as_of_cutoff():
    # [V S14]: batch 14 (2018-09-03) 13 cases: 环翠1 文登2 荣成3 乳山2 高区4 经区1, cumulative 222;
    # batch 15 (09-04) 24: 5/6/3/2/6/1 + 临港区 1, cumulative 246 = 222 + 24
    b14 = dict(zip(["371002", "371003", "371082", "371083", "371000-gq", "371000-jq"],
                   [1, 2, 3, 2, 4, 1]))
    b15 = dict(zip(["371002", "371003", "371082", "371083", "371000-gq", "371000-jq",
                    "371000-lg"], [5, 6, 3, 2, 6, 1, 1]))
    assert sum(b14.values()) == 13 and sum(b15.values()) == 24
    frames = [petitions({"371002": {"assigned": 222 - 13}}, day="2018-09-01"),
              petitions({k: {"assigned": v} for k, v in b14.items()}, day="2018-09-03"),
              petitions({k: {"assigned": v} for k, v in b15.items()}, day="2018-09-04")]
    off = 0
    cs, es = [], []
    for c, e in frames:                         # renumber the cases of the three batches
        cs.append(c.assign(case_id=c.case_id + off))
        es.append(e.assign(case_id=e.case_id + off))
        off += len(c)
    cases = pd.concat(cs, ignore_index=True).assign(city_code="371000")
    events = pd.concat(es, ignore_index=True)
    assert petition_rates(cases, events, "2018-09-03 23:59")[None]["信访件办结率"].denominator == 222
    assert petition_rates(cases, events, "2018-09-04 23:59")[None]["信访件办结率"].denominator == 246


def test_province_rate_is_pooled_not_the_mean():
    # city A 1/2, city B 99/100: pooled 100/102 = 98.04 % → 98.0 % (the mean would be 74.5 %)
    a = Rate("x", 1, 2, "v", "c", "A")
    b = Rate("x", 99, 100, "v", "c", "B")
    p = pool([a, b], "P")
    assert (p.numerator, p.denominator, p.text()) == (100, 102, "98.0%")
    with pytest.raises(RatesError):
        pool([a, Rate("x", 1, 2, "v2", "c", "B")])


def test_display_rules():
    assert percent_text(9999, 10000) == "99.9%"       # never "100%" unless num == den
    assert percent_text(1, 8) == "12.5%"              # 12.5 exactly
    assert percent_text(1, 16) == "6.3%"              # 6.25 → half up
    assert Rate("x", 0, 0, "v").text() == "–"
    assert Rate("x", 1, 3, "v", mark="M").text() == "33.3% [M]"


def test_t4_first_round_375_tasks():
    # [V S39]: 北京47 上海46 湖北84 广东43 重庆37 陕西59 甘肃59, Σ = 375
    per = {"110000": 47, "310000": 46, "420000": 84, "440000": 43, "500000": 37, "610000": 59,
           "620000": 59}
    ids, units = [], []
    for u, n in per.items():
        units += [u] * n
    ids = range(1, len(units) + 1)
    tasks = pd.DataFrame({"case_id": ids, "city_code": units, "due_at": "2018-12-31"})
    events = pd.DataFrame({"case_id": ids, "ts": pd.Timestamp("2018-05-30"),
                           "to_state": "planned"})
    r = task_rates(tasks, events, "2018-05-30", province="7 provinces")
    assert r["7 provinces"]["整改完成率"].denominator == 375


def test_t15_jining_rural_sewage():
    # [V S31]: 660 of 5,967 villages treated = 11.06 %; modes 264/272/118/6 = 40.0/41.21/17.88/0.91 %
    modes = ["纳入城镇/园区污水处理厂"] * 264 + ["村级污水处理站"] * 272 + ["氧化塘/人工湿地"] * 118 + \
        ["分散处理"] * 6
    n = 5967
    v = pd.DataFrame({"village_code": range(n), "city_code": "370800",
                      "treated": [True] * 660 + [False] * (n - 660),
                      "mode": modes + [None] * (n - 660),
                      "completed_year": [2019] * 660 + [None] * (n - 660)})
    r = sewage_rates(v)["370800"]["农村生活污水治理率"]
    assert (r.numerator, r.denominator, r.text(2)) == (660, 5967, "11.06% [P]")
    shares = sewage_mode_shares(v)
    assert sum(s.numerator for s in shares.values()) == 660
    assert [shares[m].text(2) for m in ("纳入城镇/园区污水处理厂", "村级污水处理站", "氧化塘/人工湿地",
                                        "分散处理")] == ["40.00%", "41.21%", "17.88%", "0.91%"]
    assert sewage_completed(v, 2019) == {"370800": 660}
    with pytest.raises(RatesError, match="duplicate village"):
        sewage_rates(pd.concat([v, v.head(1)]))


def test_t16_near_zero_carbon_category_2_by_difference():
    # [V S33]: proposed 20 counties, 20 parks, 30 communities; category 1 = 12/12/24 → 8/8/6
    rows = ([("county", 1)] * 12 + [("county", 2)] * 8 + [("park", 1)] * 12 + [("park", 2)] * 8
            + [("community", 1)] * 24 + [("community", 2)] * 6)
    t = near_zero_counts(pd.DataFrame(rows, columns=["type", "category"]))
    assert t.sum(axis=1).to_dict() == {"community": 30, "county": 20, "park": 20}
    assert t[2].to_dict() == {"community": 6, "county": 8, "park": 8}   # 30-24, 20-12, 20-12


def test_t17_off_site_problem_discovery():
    # [V S19]: 8.6万 off-site checks, 1,900 problems → 1900/86000 = 2.21 % ≈ 2.2 %
    assert percent_text(1900, 86000) == "2.2%"


def test_farmland_safe_use():
    # A = (B + C + D) / E: (10 + 80.5 + 4.5) / 100 = 95 %; Weihai's "100 %" only when A = E
    assert farmland_safe_use("10", "80.5", "4.5", "100").text() == "95.0% [P]"
    assert farmland_safe_use(Decimal("20"), "70", "10", "100").text() == "100% [P]"
    with pytest.raises(RatesError, match="exceeds"):
        farmland_safe_use("60", "50", "0", "100")
