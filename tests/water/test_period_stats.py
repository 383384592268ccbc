"""Period means (non-detect rule), proportions, grades by the proportion method and by mean
concentrations, main pollutants by section exceedance rate, drinking-water compliance —
worked examples derived by hand (spec/water.md §2.2, §2.4–§2.6, §2.10)."""

import pytest

from qingshan.config import load_province
from qingshan.water.engine.surface import PARAM_LABELS_ZH, WaterRules
from qingshan.water.engine.stats import assess_groups, assess_sections, section_means
from qingshan.water.ingest.load import ingest_water_samples, ingest_water_sections
from qingshan.store import connect
from qingshan.store.province import sync_province


# code: (city, water_body, drinking, volume, {parameter: value})
SECTIONS = {
    "J01": ("济南", "river", "", "", {"nh3n": 0.1}),              # I
    "J02": ("济南", "river", "", "", {"nh3n": 0.1}),              # I
    "J03": ("济南", "river", "", "", {"nh3n": 0.3}),              # II
    "J04": ("济南", "river", "", "", {"nh3n": 0.3}),              # II
    "J05": ("济南", "river", "", "", {"nh3n": 0.3}),              # II
    "J06": ("济南", "river", "", "", {"nh3n": 0.8}),              # III
    "J07": ("济南", "river", "", "", {"nh3n": 0.8}),              # III
    "J08": ("济南", "river", "", "", {"nh3n": 1.2, "tp": 0.25}),  # IV
    "J09": ("济南", "river", "", "", {"nh3n": 1.8}),              # V
    "J10": ("济南", "river", "", "", {"nh3n": 2.5, "tp": 0.45}),  # 劣V
    "Q01": ("青岛", "river", "true", "300", {"nh3n": 0.4, "tp": 0.1}),  # II
    "Q02": ("青岛", "river", "true", "100", {"nh3n": 1.4, "tp": 0.3}),  # IV
}


@pytest.fixture()
def store(tmp_path):
    con = connect(":memory:")
    sync_province(con, load_province("shandong"))
    sec = tmp_path / "sections.csv"
    sec.write_text("code,name,water_body,city,drinking_source,supply_volume,target_class\n" +
                   "".join(f"{c},{c},{b},{city},{d},{v},3\n"
                           for c, (city, b, d, v, _) in SECTIONS.items()), encoding="utf-8")
    smp = tmp_path / "samples.csv"
    smp.write_text("section_code,sample_date,parameter,value\n" +
                   "".join(f"{c},2021-06-15,{p},{x}\n" for c, (*_, vals) in SECTIONS.items()
                           for p, x in vals.items()), encoding="utf-8")
    ingest_water_sections(con, sec)
    ingest_water_samples(con, [smp])
    return con


def _groups(con, level, rules=WaterRules()):
    s = assess_sections(con, "2021", rules=rules, labels=PARAM_LABELS_ZH)
    g = assess_groups(con, "2021", level, rules=rules, labels=PARAM_LABELS_ZH,
                      province_code="370000")
    return s, g.set_index("group_key")


def test_section_classes(store):
    s, _ = _groups(store, "city")
    got = dict(zip(s.code, s.class_computed))
    assert [got[c] for c in SECTIONS] == [1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 2, 4]


def test_proportion_method_ten_sections(store):
    # Jinan: excellent 7/10 = 70 % (< 75), 劣V 1/10 = 10 % (< 20) → 轻度污染.
    # Exceedance rate: NH3-N over III in J08, J09, J10 = 3/10 = 30 %; TP in J08, J10 = 20 %.
    _, g = _groups(store, "city")
    j = g.loc["370100"]
    assert (j.n_sections, j.n_excellent, j.n_inferior_v) == (10, 7, 1)
    assert j.excellent_pct == pytest.approx(70.0) and j.inferior_v_pct == pytest.approx(10.0)
    assert j.grade == "轻度污染" and j.grade_method == "proportion"
    assert j.main_pollutants == "氨氮(30.0%),总磷(20.0%)"


def test_fewer_than_five_sections_use_mean_concentrations(store):
    # Qingdao: means NH3-N (0.4 + 1.4)/2 = 0.9 → III, TP (0.1 + 0.3)/2 = 0.2 → III (river);
    # class III → 良好, although only 1 of 2 sections is excellent.
    _, g = _groups(store, "city")
    q = g.loc["370200"]
    assert q.grade_method == "mean concentration" and q.class_of_means == 3
    assert q.grade == "良好" and q.excellent_pct == pytest.approx(50.0)


def test_drinking_water_compliance_by_count_and_volume(store):
    # Q01 (class II, 300) meets III; Q02 (class IV, 100) does not: 1/2 = 50 %; 300/400 = 75 %.
    _, g = _groups(store, "city")
    q = g.loc["370200"]
    assert (q.n_drinking, q.n_drinking_compliant) == (2, 1)
    assert q.drinking_rate_count == pytest.approx(50.0)
    assert q.drinking_rate_volume == pytest.approx(75.0)


def test_province_proportions(store):
    # 12 sections: excellent 8 (66.67 %), 劣V 1 (8.33 %) → 轻度污染.
    _, g = _groups(store, "province")
    p = g.loc["370000"]
    assert (p.n_sections, p.n_excellent, p.n_inferior_v) == (12, 8, 1)
    assert p.excellent_pct == pytest.approx(200 / 3) and p.grade == "轻度污染"


def test_threshold_of_sections_is_configurable(store):
    # With 11 sections required, Jinan (10) falls back to the mean-concentration method:
    # NH3-N mean = (0.1·2 + 0.3·3 + 0.8·2 + 1.2 + 1.8 + 2.5)/10 = 8.2/10 = 0.82 → III;
    # TP mean over the sections measuring it = (0.25 + 0.45)/2 = 0.35 → V → 中度污染.
    _, g = _groups(store, "city", WaterRules(proportion_min_sections=11))
    j = g.loc["370100"]
    assert j.grade_method == "mean concentration" and j.class_of_means == 5
    assert j.grade == "中度污染"


def test_proportion_grade_boundaries(tmp_path):
    # 10 sections: 9 class I + 1 劣V → 90 % ≥ 90 → 优 (boundary inclusive);
    # 8 excellent + 2 劣V → 80 % → 良好. 5 劣V of 10 → 40 % ≥ 40 → 重度; 2 of 10 = 20 % → 中度.
    cases = [([1] * 9 + [6], "优"), ([1] * 8 + [6] * 2, "良好"),
             ([1] * 5 + [6] * 5, "重度污染"), ([1] * 7 + [6] * 2 + [4], "中度污染"),
             ([1] * 7 + [6] * 1 + [4] * 2, "轻度污染")]
    nh3n = {1: 0.1, 4: 1.2, 6: 2.5}
    for k, (classes, grade) in enumerate(cases):
        con = connect(":memory:")
        sync_province(con, load_province("shandong"))
        sec, smp = tmp_path / f"s{k}.csv", tmp_path / f"m{k}.csv"
        sec.write_text("code,name,city\n" + "".join(f"S{i},S{i},济南\n" for i in range(10)),
                       encoding="utf-8")
        smp.write_text("section_code,sample_date,parameter,value\n" + "".join(
            f"S{i},2021-03-01,nh3n,{nh3n[c]}\n" for i, c in enumerate(classes)), encoding="utf-8")
        ingest_water_sections(con, sec)
        ingest_water_samples(con, [smp])
        _, g = _groups(con, "city")
        assert g.loc["370100"].grade == grade, classes


def test_non_detect_rule(tmp_path):
    # NH3-N 0.5 and a non-detect with DL 0.05: half DL → (0.5 + 0.025)/2 = 0.2625;
    # DL → (0.5 + 0.05)/2 = 0.275; zero → 0.25.
    con = connect(":memory:")
    sync_province(con, load_province("shandong"))
    sec, smp = tmp_path / "s.csv", tmp_path / "m.csv"
    sec.write_text("code,name\nX,X\n", encoding="utf-8")
    smp.write_text("section_code,sample_date,parameter,value\nX,2021-01-05,nh3n,0.5\n"
                   "X,2021-02-05,nh3n,0.05L\n", encoding="utf-8")
    ingest_water_sections(con, sec)
    ingest_water_samples(con, [smp])
    for rule, want in (("half_dl", 0.2625), ("dl", 0.275), ("zero", 0.25)):
        m = section_means(con, "2021", rules=WaterRules(non_detect_rule=rule))
        assert m.value.iloc[0] == pytest.approx(want)
    m = section_means(con, "2021-02")  # monthly
    assert (m.n.iloc[0], m.n_below_detection.iloc[0]) == (1, 1)


def test_year_specific_target(tmp_path):
    # target_class 3 for every year, target_2022 = 2: a class-III section meets its 2021 target
    # but not its 2022 one.
    con = connect(":memory:")
    sync_province(con, load_province("shandong"))
    sec, smp = tmp_path / "s.csv", tmp_path / "m.csv"
    sec.write_text("code,name,target_class,target_2022\nX,X,3,2\n", encoding="utf-8")
    smp.write_text("section_code,sample_date,parameter,value\nX,2021-05-05,nh3n,0.8\n"
                   "X,2022-05-05,nh3n,0.8\n", encoding="utf-8")
    ingest_water_sections(con, sec)
    ingest_water_samples(con, [smp])
    a = assess_sections(con, "2021").iloc[0]
    b = assess_sections(con, "2022").iloc[0]
    assert (a.target_class, a.meets_target) == (3, True)
    assert (b.target_class, b.meets_target, b.exceed_target) == (2, False, "nh3n:0.6")
