"""The ledger service on imported official means: version split, refusals, sources, re-runs;
the reader's validation (file, line, field)."""

import pytest

from qingshan.compensation.ingest import read_means
from qingshan.compensation.rulesets import RuleSetError
from qingshan.compensation.service import air_compensation, county_water_compensation
from qingshan.core.ingest.errors import IngestError

HEAD = "city,period,pm25,pm10,so2,no2,good_day_ratio,source\n"
# spec §1.3 worked-example changes every quarter: last year (50, 80, 10, 30), this year
# (45, 72, 7, 32), good days 60 % → 64 %
ROWS = "".join(
    f"{c},{y}-Q{q},{a},{b},{s},{n},{g},{src}\n"
    for c in ("淄博", "370200")
    for q in (1, 2)
    for y, a, b, s, n, g, src in ((2016, 50, 80, 10, 30, 60, "通报 2016"),
                                  (2017, 45, 72, 7, 32, 64, "")))


@pytest.fixture
def means(tmp_path):
    p = tmp_path / "official_means.csv"
    p.write_text(HEAD + ROWS, encoding="utf-8")
    return p


def test_period_spanning_a_version_change_is_split_by_quarter(means, province):
    led = air_compensation(None, "2017-H1", input_path=means, province=province)
    assert led.rules == ["sd-air-2016", "sd-air-2017"]
    q = led.quarters.set_index(["code", "period"])
    # 2017-Q1 under sd-air-2016: 4.45 × 40 = 178 (淄博), × 1.5 = 267 (青岛)
    assert q.loc[("370300", "2017-Q1"), "amount"] == 178
    assert q.loc[("370200", "2017-Q1"), "amount"] == 267
    assert q.loc[("370300", "2017-Q1"), "rule_version"] == "sd-air-2016"
    # 2017-Q2 under sd-air-2017: 356 + 80 = 436 (淄博); 534 + 80 = 614 (青岛)
    assert q.loc[("370300", "2017-Q2"), "amount"] == 436
    assert q.loc[("370200", "2017-Q2"), "amount"] == 614
    c = led.clearing.set_index("code")
    assert c.loc["370300", "compensation"] == 178 + 436
    assert c.loc["370200", "compensation"] == 267 + 614
    assert any("spans a version change" in n for n in led.notes)
    # the other 14 cities have no data: flagged, not summed as complete
    assert not led.flows.complete and led.flows.n_incomplete == 14
    assert led.flows.gross_out == 614 + 881
    # each quarter's own flows, kept beside the period's: Q1 178 + 267, Q2 436 + 614
    assert led.quarter_flows["2017-Q1"]["gross_out"] == 445
    assert led.quarter_flows["2017-Q2"]["gross_out"] == 1050
    # sources recorded per row: the file's source column, else file name + sha256
    assert q.loc[("370300", "2017-Q1"), "source_last"] == "通报 2016"
    assert q.loc[("370300", "2017-Q1"), "source"].startswith("file official_means.csv sha256:")


def test_rerun_gives_the_same_fingerprint_and_a_change_changes_it(means, province, tmp_path):
    a = air_compensation(None, "2017-H1", input_path=means, province=province)
    b = air_compensation(None, "2017-H1", input_path=means, province=province)
    assert a.fingerprint == b.fingerprint and len(a.fingerprint) == 64
    assert a.quarters.amount.equals(b.quarters.amount)
    c = air_compensation(None, "2017-H1", input_path=means, province=province,
                         switches={"rounding": "none"})
    assert c.fingerprint != a.fingerprint
    other = tmp_path / "m2.csv"
    other.write_text(HEAD + ROWS.replace("45,72", "44,72", 1), encoding="utf-8")
    assert air_compensation(None, "2017-H1", input_path=other,
                            province=province).fingerprint != a.fingerprint


def test_refusals(means, province):
    with pytest.raises(ValueError, match="settled by quarter"):
        air_compensation(None, "2017-03..2017-05", input_path=means, province=province)
    with pytest.raises(RuleSetError, match="not retrieved"):
        air_compensation(None, "2019-H1", input_path=means, province=province)
    with pytest.raises(ValueError, match="no data"):
        air_compensation(None, "2017-Q1", province=province)


def test_named_rules_outside_their_period_are_marked(means, province):
    led = air_compensation(None, "2017-Q1", rules="sd-air-2017", input_path=means,
                           province=province)
    # 2017-Q1 under sd-air-2017 (as an assumption): 436 for 淄博
    assert led.quarters.set_index("code").loc["370300", "amount"] == 436
    assert any("outside its period of force" in n for n in led.notes)


def test_exemption_given_explicitly(means, province):
    led = air_compensation(None, "2017-Q2", input_path=means, province=province,
                           exempt=["370200"])
    q = led.quarters.set_index("code")
    assert q.loc["370200", "amount"] == 0 and q.loc["370200", "direction"] == "exempt (免试)"


@pytest.mark.parametrize("body, where", [
    ("莱芜市,2018-Q1,1,1,1,1,50,\n", "x.csv:2: field 'city'"),
    ("淄博,2018-Q5,1,1,1,1,50,\n", "x.csv:2: field 'period'"),
    ("淄博,2018-03,1,1,1,1,50,\n", "x.csv:2: field 'period'"),
    ("淄博,2018-Q1,1,1,1,1,50,\n淄博,2018-Q1,1,1,1,1,50,\n", "x.csv:3: field 'city'"),
    ("淄博,2018-Q1,1,x,1,1,50,\n", "x.csv:2: field 'pm10'"),
    ("淄博,2018-Q1,1,1,-1,1,50,\n", "x.csv:2: field 'so2'"),
    ("淄博,2018-Q1,1,1,1,1,101,\n", "x.csv:2: field 'good_day_ratio'"),
    ("淄博,2018-Q1,1,1\n", "x.csv:2:"),
])
def test_reader_errors_name_file_line_field(tmp_path, province, body, where):
    p = tmp_path / "x.csv"
    p.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises(IngestError) as e:
        read_means(p, "air", province)
    assert str(e.value).startswith(where)


def test_reader_missing_column_and_more_errors(tmp_path, province):
    p = tmp_path / "x.csv"
    p.write_text("city,period,pm25\n淄博,2018-Q1,1\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"x.csv:1: missing column\(s\) \['pm10', 'so2', 'no2'\]"):
        read_means(p, "air", province)
    p.write_text(HEAD + "淄博,2018-Q1,x,1,1,1,50,\n青岛,2018-Q1,1,1,y,1,50,\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"and 1 more error"):
        read_means(p, "air", province)


def test_reader_size_limit_and_xlsx(tmp_path, province, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_text(HEAD + ROWS, encoding="utf-8")
    monkeypatch.setenv("QINGSHAN_MAX_ROWS_PER_FILE", "3")
    with pytest.raises(IngestError, match="QINGSHAN_MAX_ROWS_PER_FILE"):
        read_means(p, "air", province)
    monkeypatch.delenv("QINGSHAN_MAX_ROWS_PER_FILE")
    import pandas as pd
    x = tmp_path / "m.xlsx"
    pd.DataFrame({"城市": ["淄博"], "时段": ["2018-Q1"], "PM2.5": [50], "PM10": [80],
                  "SO2": [10], "NO2": [30]}).to_excel(x, index=False)
    t = read_means(x, "air", province).table
    assert t.loc[0, "code"] == "370300" and t.loc[0, "pm25"] == 50
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(IngestError, match="bad.xlsx: not an xlsx workbook"):
        read_means(bad, "air", province)


def test_county_water_from_file(tmp_path, province):
    p = tmp_path / "heze.csv"
    p.write_text("county,name,period,cod,nh3n\n371702,牡丹区,2015-Q1,20,1.0\n"
                 "371721,曹县,2015-Q1,34,1.8\n", encoding="utf-8")
    led = county_water_compensation("2015-Q1", p, city_name="菏泽市", province=province)
    # 35 (city → 牡丹区) and −17 (曹县 → city), see test_engine_water
    assert led.quarters.amount.tolist() == pytest.approx([35, -17])
    assert (led.flows.gross_out, led.flows.gross_in) == pytest.approx((35, 17))


def _weihai_file(tmp_path):
    # 威海 (coastal): quarterly means equal to its annual means of spec §1.4 every quarter
    # (2016: 35/63/15/20, 2017: 28/55/10/17; good days 80 % → 85 %), plus the annual rows.
    rows = [f"威海,{y}-Q{q},{a},{b},{s},{n},{g}" for q in (1, 2, 3, 4)
            for y, a, b, s, n, g in ((2016, 35, 63, 15, 20, 80), (2017, 28, 55, 10, 17, 85))]
    rows += ["威海,2016,35,63,15,20,80", "威海,2017,28,55,10,17,85",
             "威海,2018-Q1,27,50,9,16,90"]
    p = tmp_path / "weihai.csv"
    p.write_text("city,period,pm25,pm10,so2,no2,good_day_ratio\n" + "\n".join(rows) + "\n",
                 encoding="utf-8")
    return p


def test_weihai_2017_annual_clearing_with_its_award(tmp_path, province):
    led = air_compensation(None, "2017", input_path=_weihai_file(tmp_path), province=province)
    w = led.clearing.set_index("code").loc["371000"]
    # ΔC = 35−28, 63−55, 15−10, 20−17 = 7, 8, 5, 3; S = 4.2 + 1.2 + 0.75 + 0.3 = 6.45
    # 2017-Q1 (sd-air-2016): 6.45 × 40 × 1.5 = 387
    # 2017-Q2..Q4 (sd-air-2017): 6.45 × 80 × 1.5 = 774, + 5 pp × 20 = 100 → 874 each
    assert [w["2017-Q1"], w["2017-Q2"], w["2017-Q3"], w["2017-Q4"]] == [387, 874, 874, 874]
    assert w.compensation == 387 + 3 * 874                      # 3009
    aw = led.awards[led.awards.code == "371000"].set_index("award")["amount"]
    assert aw["two_year_grade2"] == 1000                         # spec §1.4: 1000 万元
    # stacked per-pollutant awards (default): 600 + 600 + 300 + 200 = 1700
    assert w.awards == 1000 + 1700 and w.total == 3009 + 2700
    assert led.flows.awards_out == 2700


def test_weihai_exempt_in_2018_from_its_2016_and_2017_means(tmp_path, province):
    led = air_compensation(None, "2018-Q1", input_path=_weihai_file(tmp_path), province=province)
    w = led.quarters.set_index("code").loc["371000"]
    assert bool(w.exempt) and w.amount == 0 and w.direction == "exempt (免试)"
    assert led.flows.n_exempt == 1
    assert any("免试 2018: from the annual means of 2016 and 2017" in n for n in led.notes)
