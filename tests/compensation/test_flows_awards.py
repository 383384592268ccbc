"""Published totals reconciled from their parts; Weihai's award; annual clearing."""

import pandas as pd

from qingshan.compensation.engine import annual_awards, clearing, flows, grade2_whole_city
from qingshan.compensation.rulesets import ruleset


def _quarters(per_city: dict[str, list[float]], year: int, exempt=()) -> pd.DataFrame:
    labels = [f"{year}-Q{i}" for i in range(1, 5)]
    rows = [{"code": c, "name": c, "period": lab, "amount": a, "complete": True,
             "exempt": c in exempt}
            for c, amounts in per_city.items() for lab, a in zip(labels, amounts)]
    return pd.DataFrame(rows)


def test_2018_annual_clearing_is_a_net_of_three_published_parts():
    # spec §1.4 (greenfinance.xinhua08 2019-07-01): 1.99 亿 to improving cities, 8000 万 one-time
    # awards, 6 worsening cities paid 1696 万; total clearing 2.62 亿.
    # Hand-built per-city quarters with those parts: 10 improving cities with annual sums
    # 1990 each (= 19900), 6 worsening cities with annual sums −300 ×5 and −196 (= −1696),
    # 威海 exempt (免试, 2018 Q1 source). Quarters of mixed sign test per-city netting:
    improving = {f"i{k}": [600, -100, 700, 790] for k in range(10)}          # Σ 1990
    worsening = {f"w{k}": [100, -200, -100, -100] for k in range(5)}         # Σ −300
    worsening["w5"] = [-50, -50, -50, -46]                                   # Σ −196
    q = _quarters({**improving, **worsening, "weihai": [0, 0, 0, 0]}, 2018, exempt={"weihai"})
    awards = pd.DataFrame({"code": [f"i{k}" for k in range(8)], "amount": [1000.0] * 8})
    c = clearing(q, awards, [f"2018-Q{i}" for i in range(1, 5)])
    f = flows(c)
    assert f.compensation_out == 19900 and f.awards_out == 8000
    assert f.compensation_in == 1696 and f.n_paying == 6
    # gross outflow 19900 + 8000 = 27900; net = 27900 − 1696 = 26204 万元 = 2.62 亿 (2 decimals)
    assert f.gross_out == 27900 and f.gross_in == 1696 and f.net == 26204
    assert round(f.net / 10000, 2) == 2.62
    assert f.n_exempt == 1 and f.n_receiving == 10
    w0 = c.set_index("code").loc["w0"]
    assert w0.compensation == -300 and w0.direction == "city→province" and w0.payer == "w0"


def test_2019_q2_published_flows_from_the_published_city_amounts():
    # spec §1.4 (jinshusy): 5 cities paid 996: 泰安 382, 济宁 350, 临沂 102, 淄博 86, 济南 76;
    # the province paid 10 cities 2048, 滨州 the most (408), 枣庄 178; 威海 not taking part.
    # The other 8 receivers are not published: 1462 (= 2048 − 408 − 178) split by hand.
    recv = {"滨州": 408, "枣庄": 178, **{f"r{k}": 183 for k in range(7)}, "r7": 181}
    assert sum(recv.values()) == 2048
    paid = {"泰安": -382, "济宁": -350, "临沂": -102, "淄博": -86, "济南": -76}
    led = pd.DataFrame([{"code": c, "name": c, "period": "2019-Q2", "amount": float(a),
                         "complete": True, "exempt": False}
                        for c, a in {**recv, **paid}.items()]
                       + [{"code": "威海", "name": "威海", "period": "2019-Q2", "amount": 0.0,
                           "complete": True, "exempt": True}])
    f = flows(clearing(led, None, ["2019-Q2"]))
    assert (f.gross_out, f.gross_in, f.net) == (2048, 996, 2048 - 996)
    assert (f.n_receiving, f.n_paying, f.n_exempt) == (10, 5, 1)   # 16 cities (2019: 莱芜 merged)


def test_2019_h1_zaozhuang_receives_in_q2_but_pays_over_h1():
    # spec §1.4: 枣庄 received 178 in Q2 but paid 1020 over H1 → Q1 = −1020 − 178 = −1198.
    # H1 published flows (province → cities 2048, cities → province 17126) are kept apart:
    # net = 2048 − 17126 = −15078; the spec gives no city parts to rebuild them further.
    led = pd.DataFrame([{"code": "370400", "name": "枣庄", "period": p, "amount": a,
                         "complete": True, "exempt": False}
                        for p, a in (("2019-Q1", -1198.0), ("2019-Q2", 178.0))])
    c = clearing(led, None, ["2019-Q1", "2019-Q2"]).iloc[0]
    assert c.compensation == -1020 and c.direction == "city→province"
    f = flows(clearing(led, None, ["2019-Q1", "2019-Q2"]))
    assert (f.gross_out, f.gross_in) == (0, 1020)       # a payer over H1, not a receiver


def test_missing_quarter_is_not_summed_as_complete():
    led = pd.DataFrame([{"code": "a", "name": "a", "period": "2018-Q1", "amount": 10.0,
                         "complete": True, "exempt": False},
                        {"code": "b", "name": "b", "period": "2018-Q1", "amount": 5.0,
                         "complete": True, "exempt": False},
                        {"code": "b", "name": "b", "period": "2018-Q2", "amount": 7.0,
                         "complete": True, "exempt": False}])
    c = clearing(led, None, ["2018-Q1", "2018-Q2"]).set_index("code")
    assert pd.isna(c.loc["a", "compensation"]) and not c.loc["a", "complete"]
    assert pd.isna(c.loc["a", "2018-Q2"]) and c.loc["a", "2018-Q1"] == 10   # not shown as 0
    f = flows(c.reset_index())
    assert (f.gross_out, f.n_incomplete, f.complete) == (12, 1, False)


WEIHAI_2016 = {"code": "371000", "name": "威海", "pm25": 35, "pm10": 63, "so2": 15, "no2": 20}
WEIHAI_2017 = {"code": "371000", "name": "威海", "pm25": 28, "pm10": 55, "so2": 10, "no2": 17}


def test_weihai_two_year_award_1000_from_its_2016_and_2017_means():
    # spec §1.4: 威海 awarded 1000 万元 (鲁政字〔2018〕64号) for class II two years running.
    # GB 3095-2012 class II annual limits: PM2.5 35, PM10 70, SO2 60, NO2 40.
    # 2016: 35 ≤ 35 (equal meets), 63 ≤ 70, 15 ≤ 60, 20 ≤ 40 → class II;
    # 2017: 28, 55, 10, 17 → class II. Two years in a row → 1000 万元.
    aw = annual_awards(pd.DataFrame([WEIHAI_2017]), pd.DataFrame([WEIHAI_2016]),
                       ruleset("sd-air-2017"), label="2017").set_index("award")
    assert aw.loc["two_year_grade2", "amount"] == 1000
    # per-pollutant awards of 2017 (stack by default): PM2.5 28 ≤ 35 → 600; PM10 55 ≤ 70 → 600;
    # NO2 17 ≤ 40 (class I) → 300; SO2 10 ≤ 20 (class I) → 200
    assert aw.loc[["pm25_grade2", "pm10_grade2", "no2_grade1", "so2_grade1"],
                  "amount"].tolist() == [600, 600, 300, 200]
    alone = annual_awards(pd.DataFrame([WEIHAI_2017]), pd.DataFrame([WEIHAI_2016]),
                          ruleset("sd-air-2017"), {"awards_stack": False})
    assert alone.amount.sum() == 1000
    # one µg/m³ more PM2.5 in 2016 (36 > 35) breaks the two-year condition
    worse = annual_awards(pd.DataFrame([WEIHAI_2017]),
                          pd.DataFrame([{**WEIHAI_2016, "pm25": 36}]), ruleset("sd-air-2017"))
    assert worse.set_index("award").loc["two_year_grade2", "amount"] == 0


def test_weihai_exempt_in_2018_from_2016_and_2017():
    # spec §1.4 2018 Q1: 威海 exempt, "连续两年'气质'达标，不参与本年度空气生态补偿"
    ok = grade2_whole_city(pd.DataFrame([WEIHAI_2016])) & \
        grade2_whole_city(pd.DataFrame([WEIHAI_2017]))
    assert bool(ok.iloc[0])
    # O3 given and above the class II 8-h limit (160): not class II
    assert not bool(grade2_whole_city(pd.DataFrame([{**WEIHAI_2017, "o3_8h_p90": 161}])).iloc[0])
    assert pd.isna(grade2_whole_city(pd.DataFrame([{**WEIHAI_2017, "no2": None}])).iloc[0])
    ex = annual_awards(pd.DataFrame([WEIHAI_2017]), pd.DataFrame([WEIHAI_2016]),
                       ruleset("sd-air-2017"), exempt=pd.Series([True]))
    assert ex.amount.sum() == 0            # exempt_year_awards = false (default)


def test_no_awards_before_2017():
    assert annual_awards(pd.DataFrame([WEIHAI_2017]), None, ruleset("sd-air-2016")).empty


def test_2018_q1_sixteen_cities_paid_weihai_exempt():
    # spec §1.4 (yantai.dzwww 2018-05-02): the province paid 16 cities 19631 万元, 聊城 first with
    # 1980; 威海 exempt (免试). 2018 had 17 cities (莱芜 merged into 济南 in 2019). The other 15
    # amounts are not published: 19631 − 1980 = 17651 split by hand (1177 × 14 + 1173).
    amounts = {"聊城": 1980.0, **{f"c{k}": 1177.0 for k in range(14)}, "c14": 1173.0}
    assert sum(amounts.values()) == 19631 and max(amounts.values()) == 1980
    rows = [{"code": c, "name": c, "period": "2018-Q1", "amount": a, "complete": True,
             "exempt": False} for c, a in amounts.items()]
    rows.append({"code": "威海", "name": "威海", "period": "2018-Q1", "amount": 0.0,
                 "complete": True, "exempt": True})
    c = clearing(pd.DataFrame(rows), None, ["2018-Q1"])
    f = flows(c)
    assert (f.gross_out, f.gross_in, f.n_receiving, f.n_exempt) == (19631, 0, 16, 1)
    assert c.set_index("code").loc["威海", "direction"] == "exempt (免试)"
